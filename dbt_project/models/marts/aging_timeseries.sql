-- National population ageing, one row per year: published year-end counts and shares, the
-- shares recomputed from the counts, and year-on-year changes in percentage points. Census (and
-- 1% sample survey) figures of the same year, counted at 1 November, are never mixed into the
-- year-end columns: they are in their own census_* columns, and age_figures_basis says which
-- kind of ageing figure a year has (2020 has census figures only).
{% set census_codes = ['census_pop_60_plus', 'census_pop_60_plus_share', 'census_pop_65_plus',
    'census_pop_65_plus_share'] %}

with years as (
    select
        *,
        -- Shares are recomputed against the total they were published with: the first-published
        -- total where one exists (NBS later revised 2016-2019), otherwise the only total there is.
        coalesce(pop_total_first_published, pop_total) as pop_total_for_shares
    from {{ ref('int_national_population_years_pivoted') }}
),

census as (
    select
        cast(extract(year from as_of) as integer) as census_year,
        min(as_of) as census_date,
        {% for code in census_codes %}
        max(case when indicator_code = '{{ code }}' then value end) as {{ code }},
        {% endfor %}
        {{ sorted_string_agg('source_id', ', ') }} as census_source_ids
    from {{ ref('int_observations_ranked') }}
    where is_preferred
        and geo_code = '000000'
        and indicator_code in (
            {%- for code in census_codes %}
            '{{ code }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
    group by cast(extract(year from as_of) as integer)
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
    cast(yearly.year as integer) as year,
    cast(round(yearly.pop_total) as bigint) as pop_total,
    yearly.pop_total_vintage,
    cast(round(yearly.pop_60_plus) as bigint) as pop_60_plus,
    yearly.pop_60_plus_share,
    round(100.0 * yearly.pop_60_plus / nullif(yearly.pop_total_for_shares, 0), 2)
        as pop_60_plus_share_recomputed,
    case when yearly.previous_year = yearly.year - 1
        then round(yearly.pop_60_plus_share - yearly.previous_pop_60_plus_share, 2)
    end as pop_60_plus_share_change_pp,
    cast(round(yearly.pop_65_plus) as bigint) as pop_65_plus,
    yearly.pop_65_plus_share,
    round(100.0 * yearly.pop_65_plus / nullif(yearly.pop_total_for_shares, 0), 2)
        as pop_65_plus_share_recomputed,
    case when yearly.previous_year = yearly.year - 1
        then round(yearly.pop_65_plus_share - yearly.previous_pop_65_plus_share, 2)
    end as pop_65_plus_share_change_pp,
    cast(round(yearly.pop_urban) as bigint) as pop_urban,
    yearly.urbanisation_rate,
    case when yearly.previous_year = yearly.year - 1
        then round(yearly.urbanisation_rate - yearly.previous_urbanisation_rate, 2)
    end as urbanisation_rate_change_pp,
    yearly.source_ids,
    case
        when yearly.pop_60_plus is not null or yearly.pop_60_plus_share is not null
            or yearly.pop_65_plus is not null or yearly.pop_65_plus_share is not null
            then 'year_end'
        when census.census_date is not null then 'census_only'
    end as age_figures_basis,
    census.census_date,
    cast(round(census.census_pop_60_plus) as bigint) as census_pop_60_plus,
    census.census_pop_60_plus_share,
    cast(round(census.census_pop_65_plus) as bigint) as census_pop_65_plus,
    census.census_pop_65_plus_share,
    census.census_source_ids
from with_previous as yearly
left join census
    on yearly.year = census.census_year
