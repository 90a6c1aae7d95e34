-- Every registered claim with the official figure it is to be compared with, and how that
-- figure was found (`match_method`). Each strategy below emits candidate rows with a priority;
-- per claim the first priority wins, then the strategy's own order:
--   1 series_rank           a superlative: the year's change ranked against the other years';
--   2 same_period           a flow over the same period;
--   2 latest_before_date    a stock at the claim's year end, or the latest at or before its
--                           date within the staleness window;
--   2 report_reference_date the same, for an undated present-tense claim read as of its
--                           report's reference date;
--   3 recomputed_change     a change recomputed from two official levels (baseline and end);
--   4 related_indicator     no figure of the claim's measure, one of a related measure for the
--                           claim's own period;
--   5 trend_bound           figures of the claim's measure, none for its date, and a range the
--                           series could have reached by then (int_claim_trend_ranges);
--   6 nearest_period        figures of the claim's measure, none for its date, and no range;
--   7 related_indicator     a related measure's figure for another period;
--   none                    nothing to compare with.
{% set staleness = var('verification_staleness_days') %}
{% set other_year = "case when yearly_changes.year <> extract(year from claims.claim_date) "
    ~ "then cast(yearly_changes.year as string) end" %}

with claims as (
    select * from {{ ref('int_claims_dated') }}
),

observations as (
    select
        *,
        coalesce(as_of, period_end) as observed_date
    from {{ ref('int_observations_ranked') }}
),

levels as (
    select * from observations where is_preferred and as_of is not null
),

trends as (
    select * from {{ ref('int_claim_trend_ranges') }}
),

direct as (
    select
        claims.claim_id,
        case
            when claims.stock_or_flow = 'flow' then 'same_period'
            when claims.date_basis = 'present' then 'report_reference_date'
            else 'latest_before_date'
        end as match_method,
        2 as priority,
        row_number() over (
            partition by claims.claim_id
            order by observations.observed_date desc, observations.grade_rank desc,
                observations.vintage_rank desc, observations.source_id asc
        ) as preference,
        {{ official_figure_columns('observations') }},
        count(*) over (partition by claims.claim_id) as candidates,
        cast(null as string) as relation_note
    from claims
    inner join observations
        on claims.indicator_code = observations.indicator_code
        and claims.geo_code = observations.geo_code
    where (
        claims.stock_or_flow = 'flow'
        and observations.period_start = claims.period_start
        and observations.period_end = claims.period_end
    ) or (
        claims.stock_or_flow = 'stock' and claims.is_year_end
        and observations.as_of = claims.claim_date
    ) or (
        claims.stock_or_flow = 'stock' and not claims.is_year_end
        and observations.as_of <= claims.claim_date
        and observations.as_of >= {{ dbt.dateadd('day', -staleness, 'claims.claim_date') }}
    )
),

recomputed as (
    select
        claims.claim_id,
        'recomputed_change' as match_method,
        3 as priority,
        1 as preference,
        claims.base_indicator_code as indicator_code,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.value / nullif(base_level.value, 0) - 1)
            else end_level.value - base_level.value
        end as value,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.lower / nullif(base_level.upper, 0) - 1)
            else end_level.lower - base_level.upper
        end as lower,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.upper / nullif(base_level.lower, 0) - 1)
            else end_level.upper - base_level.lower
        end as upper,
        end_level.as_of,
        base_level.as_of as period_start,
        end_level.as_of as period_end,
        base_level.value_as_written || ' -> ' || end_level.value_as_written as value_as_written,
        base_level.source_id || ' + ' || end_level.source_id as source_id,
        end_level.grade,
        1 as candidates,
        cast(null as string) as relation_note
    from claims
    inner join levels as end_level
        on claims.base_indicator_code = end_level.indicator_code
        and claims.geo_code = end_level.geo_code
        and claims.claim_date = end_level.as_of
    inner join levels as base_level
        on claims.base_indicator_code = base_level.indicator_code
        and claims.geo_code = base_level.geo_code
        and claims.baseline_date = base_level.as_of
    where claims.claim_type <> 'superlative'
),

yearly_changes as (
    select
        claims.claim_id,
        cast(extract(year from later.as_of) as integer) as year,
        later.value - earlier.value as change
    from claims
    inner join levels as later
        on claims.base_indicator_code = later.indicator_code
        and claims.geo_code = later.geo_code
        and extract(month from later.as_of) = 12
        and extract(day from later.as_of) = 31
        and extract(year from later.as_of) > extract(year from claims.baseline_date)
        and claims.claim_date >= later.as_of
    inner join levels as earlier
        on later.indicator_code = earlier.indicator_code
        and later.geo_code = earlier.geo_code
        and earlier.as_of = {{ dbt.dateadd('year', -1, 'later.as_of') }}
    where claims.claim_type = 'superlative'
),

ranked_details as (
    select
        claims.claim_id,
        claims.base_indicator_code as indicator_code,
        max(case when yearly_changes.year = extract(year from claims.claim_date)
            then yearly_changes.change end) as value,
        max(case when yearly_changes.year <> extract(year from claims.claim_date)
            then yearly_changes.change end) as largest_other_change,
        count(*) as candidates,
        {{ sorted_string_agg(other_year, ', ') }} as years_compared
    from claims
    inner join yearly_changes
        on claims.claim_id = yearly_changes.claim_id
    group by claims.claim_id, claims.base_indicator_code, claims.claim_date
),

ranked as (
    select
        claim_id,
        'series_rank' as match_method,
        1 as priority,
        1 as preference,
        indicator_code,
        value,
        cast(null as double) as lower,
        cast(null as double) as upper,
        cast(null as date) as as_of,
        cast(null as date) as period_start,
        cast(null as date) as period_end,
        cast(null as string) as value_as_written,
        cast(null as string) as source_id,
        cast(null as string) as grade,
        candidates,
        cast(null as string) as relation_note
    from ranked_details
),

related as (
    select
        claims.claim_id,
        'related_indicator' as match_method,
        -- A related figure for the claim's own period first, else (last) the nearest in time.
        case when coalesce(
            (observations.period_start = claims.period_start
                and observations.period_end = claims.period_end)
            or observations.as_of = claims.claim_date,
            false
        ) then 4 else 7 end as priority,
        row_number() over (
            partition by claims.claim_id
            order by
                abs(
                    {{ dbt.datediff('claims.claim_date', 'observations.observed_date', 'day') }}
                ) asc,
                observations.observed_date desc, observations.source_id asc
        ) as preference,
        {{ official_figure_columns('observations') }},
        count(*) over (partition by claims.claim_id) as candidates,
        relations.note as relation_note
    from claims
    inner join {{ ref('indicator_relations') }} as relations
        on claims.indicator_code = relations.indicator_code
        and relations.relation in ('different_measure', 'category_change', 'possibly_same_measure')
    inner join observations
        on relations.related_indicator_code = observations.indicator_code
        and claims.geo_code = observations.geo_code
        and observations.is_preferred
),

nearest as (
    -- The nearest official figure of the claim's measure; with a trend range it is a
    -- trend_bound candidate, else a nearest_period one.
    select
        claims.claim_id,
        case when trends.trend_method in ('interpolated', 'extrapolated')
            then 'trend_bound' else 'nearest_period' end as match_method,
        case when trends.trend_method in ('interpolated', 'extrapolated') then 5 else 6 end
            as priority,
        row_number() over (
            partition by claims.claim_id
            order by
                -- a trend range starts from the latest figure at or before the claim's date
                case when trends.trend_method in ('interpolated', 'extrapolated')
                    and observations.observed_date > claims.claim_date then 1 else 0 end asc,
                abs(
                    {{ dbt.datediff('claims.claim_date', 'observations.observed_date', 'day') }}
                ) asc,
                observations.observed_date desc, observations.grade_rank desc,
                observations.source_id asc
        ) as preference,
        {{ official_figure_columns('observations') }},
        count(*) over (partition by claims.claim_id) as candidates,
        cast(null as string) as relation_note
    from claims
    inner join observations
        on claims.indicator_code = observations.indicator_code
        and claims.geo_code = observations.geo_code
        and observations.is_preferred
    left join trends
        on claims.claim_id = trends.claim_id
),

candidates as (
    select * from ranked
    union all
    select * from direct
    union all
    select * from recomputed
    union all
    select * from related
    union all
    select * from nearest
),

picked as (
    select *
    from candidates
    qualify row_number() over (partition by claim_id order by priority, preference) = 1
),

data_vintage as (
    select max(observed_date) as official_data_until from observations
)

select
    claims.claim_id,
    claims.report_id,
    claims.origin,
    claims.confidence,
    claims.figure_start as start_offset,
    claims.figure_end as end_offset,
    claims.link_evidence,
    claims.review_decision,
    claims.section,
    claims.paragraph,
    claims.surface,
    claims.claim_type,
    claims.kind,
    claims.qualifier,
    claims.indicator_code,
    claims.scope,
    claims.geo_code,
    claims.geo_name,
    claims.as_of as claim_as_of,
    claims.period_start as claim_period_start,
    claims.period_end as claim_period_end,
    claims.claim_date,
    claims.date_basis,
    claims.date_inference,
    claims.baseline_period,
    claims.value as claimed_value,
    claims.lower as claimed_lower,
    claims.upper as claimed_upper,
    coalesce(picked.match_method, 'none') as match_method,
    picked.indicator_code as official_indicator_code,
    picked.value as official_value,
    picked.lower as official_lower,
    picked.upper as official_upper,
    picked.as_of as official_as_of,
    picked.period_start as official_period_start,
    picked.period_end as official_period_end,
    picked.value_as_written as official_value_as_written,
    picked.source_id as official_source_id,
    picked.grade as official_grade,
    coalesce(picked.candidates, 0) as candidates,
    ranked_details.largest_other_change,
    ranked_details.years_compared,
    picked.relation_note,
    trends.trend_method,
    trends.trend_lower,
    trends.trend_upper,
    trends.official_points as trend_official_points,
    trends.change_scale as trend_change_scale,
    trends.slowest as trend_slowest,
    trends.fastest as trend_fastest,
    trends.years as trend_years,
    trends.from_described as trend_from,
    trends.to_described as trend_to,
    trends.interpolated_value as trend_interpolated_value,
    data_vintage.official_data_until
from claims
cross join data_vintage
left join picked
    on claims.claim_id = picked.claim_id
left join ranked_details
    on claims.claim_id = ranked_details.claim_id and picked.match_method = 'series_rank'
left join trends
    on claims.claim_id = trends.claim_id
    and picked.match_method in ('trend_bound', 'nearest_period')
