-- National population ageing, one row per year: published counts and shares, the shares
-- recomputed from the counts, and year-on-year changes in percentage points.
with years as (
    select
        *,
        -- Shares are recomputed against the total they were published with: the first-published
        -- total where one exists (NBS later revised 2016-2019), otherwise the only total there is.
        coalesce(pop_total_first_published, pop_total) as pop_total_for_shares
    from {{ ref('int_national_population_years_pivoted') }}
),

with_previous as (
    select
        *,
        lag(year) over (order by year) as previous_year,
        lag(pop_60_plus_share) over (order by year) as previous_pop_60_plus_share,
        lag(pop_65_plus_share) over (order by year) as previous_pop_65_plus_share,
        lag(urbanisation_rate) over (order by year) as previous_urbanisation_rate
    from years
)

select
    cast(year as integer) as year,
    cast(round(pop_total) as bigint) as pop_total,
    pop_total_vintage,
    cast(round(pop_60_plus) as bigint) as pop_60_plus,
    pop_60_plus_share,
    round(100.0 * pop_60_plus / pop_total_for_shares, 2) as pop_60_plus_share_recomputed,
    case when previous_year = year - 1
        then round(pop_60_plus_share - previous_pop_60_plus_share, 2)
    end as pop_60_plus_share_change_pp,
    cast(round(pop_65_plus) as bigint) as pop_65_plus,
    pop_65_plus_share,
    round(100.0 * pop_65_plus / pop_total_for_shares, 2) as pop_65_plus_share_recomputed,
    case when previous_year = year - 1
        then round(pop_65_plus_share - previous_pop_65_plus_share, 2)
    end as pop_65_plus_share_change_pp,
    cast(round(pop_urban) as bigint) as pop_urban,
    urbanisation_rate,
    case when previous_year = year - 1
        then round(urbanisation_rate - previous_urbanisation_rate, 2)
    end as urbanisation_rate_change_pp,
    source_ids
from with_previous
