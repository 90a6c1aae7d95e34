-- Every registered claim with the official figure it is to be compared with, and how that
-- figure was found (`match_method`):
--   same_period        a flow over the same period;
--   latest_before_date a stock at or before the claim's date, within the staleness window;
--   recomputed_change  a change recomputed from two official levels (baseline and end);
--   series_rank        a superlative: the year's change ranked against the other years';
--   related_indicator  no figure of the claim's measure, one of a related measure exists;
--   nearest_period     figures of the claim's measure exist, none for its period;
--   none               nothing to compare with.
-- Among candidates the latest date wins, then the better grade, then the later vintage.
{% set staleness = var('verification_staleness_days') %}
{% set other_year = "case when yearly_changes.year <> extract(year from claims.claim_date) "
    ~ "then cast(yearly_changes.year as varchar) end" %}

with claims as (
    select
        claims.*,
        coalesce(claims.as_of, claims.period_end) as claim_date,
        -- A year-end claim is compared with the same year end only, never an older one.
        coalesce(
            extract(month from coalesce(claims.as_of, claims.period_end)) = 12
            and extract(day from coalesce(claims.as_of, claims.period_end)) = 31,
            false
        ) as is_year_end,
        indicators.stock_or_flow,
        changes.related_indicator_code as base_indicator_code,
        changes.relation as change_relation,
        case
            when length(claims.baseline_period) = 4
                then cast(claims.baseline_period || '-12-31' as date)
            when length(claims.baseline_period) = 10 then cast(claims.baseline_period as date)
            else {{ dbt.dateadd('day', -1, 'claims.period_start') }}
        end as baseline_date
    from {{ ref('stg_report__claims') }} as claims
    left join {{ ref('indicators') }} as indicators
        on claims.indicator_code = indicators.indicator_code
    left join {{ ref('indicator_relations') }} as changes
        on claims.indicator_code = changes.indicator_code
        and changes.relation in ('change_pp_of', 'change_pct_of', 'change_of')
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

direct as (
    select
        claims.claim_id,
        case when claims.stock_or_flow = 'flow' then 'same_period' else 'latest_before_date' end
            as match_method,
        {{ official_figure_columns('observations') }},
        count(*) over (partition by claims.claim_id) as candidates,
        row_number() over (
            partition by claims.claim_id
            order by observations.observed_date desc, observations.grade_rank desc,
                observations.vintage_rank desc, observations.source_id
        ) as pick
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
        claims.base_indicator_code as indicator_code,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.value / base_level.value - 1)
            else end_level.value - base_level.value
        end as value,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.lower / base_level.upper - 1)
            else end_level.lower - base_level.upper
        end as lower,
        case when claims.change_relation = 'change_pct_of'
            then 100.0 * (end_level.upper / base_level.lower - 1)
            else end_level.upper - base_level.lower
        end as upper,
        end_level.as_of,
        base_level.as_of as period_start,
        end_level.as_of as period_end,
        base_level.value_as_written || ' -> ' || end_level.value_as_written as value_as_written,
        base_level.source_id || ' + ' || end_level.source_id as source_id,
        end_level.grade,
        1 as candidates,
        1 as pick
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
        and later.as_of <= claims.claim_date
    inner join levels as earlier
        on later.indicator_code = earlier.indicator_code
        and later.geo_code = earlier.geo_code
        and earlier.as_of = {{ dbt.dateadd('year', -1, 'later.as_of') }}
    where claims.claim_type = 'superlative'
),

ranked as (
    select
        claims.claim_id,
        'series_rank' as match_method,
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

related as (
    select
        claims.claim_id,
        'related_indicator' as match_method,
        {{ official_figure_columns('observations') }},
        relations.note as relation_note,
        coalesce(
            (observations.period_start = claims.period_start
                and observations.period_end = claims.period_end)
            or observations.as_of = claims.claim_date,
            false
        ) as aligned,
        count(*) over (partition by claims.claim_id) as candidates
    from claims
    inner join {{ ref('indicator_relations') }} as relations
        on claims.indicator_code = relations.indicator_code
        and relations.relation in ('different_measure', 'category_change', 'possibly_same_measure')
    inner join observations
        on relations.related_indicator_code = observations.indicator_code
        and claims.geo_code = observations.geo_code
        and observations.is_preferred
),

related_picked as (
    select
        *,
        -- A related figure for the claim's own period first, else the nearest in time.
        row_number() over (
            partition by claim_id order by aligned desc, abs(
                {{ dbt.datediff('claim_date', 'coalesce(as_of, period_end)', 'day') }}
            ), coalesce(as_of, period_end) desc, source_id
        ) as pick
    from related
    inner join (select claim_id as matched_claim_id, claim_date from claims) as dates
        on related.claim_id = dates.matched_claim_id
),

nearest as (
    select
        claims.claim_id,
        'nearest_period' as match_method,
        {{ official_figure_columns('observations') }},
        count(*) over (partition by claims.claim_id) as candidates,
        row_number() over (
            partition by claims.claim_id
            order by
                abs({{ dbt.datediff('claims.claim_date', 'observations.observed_date', 'day') }}),
                observations.observed_date desc, observations.grade_rank desc,
                observations.source_id
        ) as pick
    from claims
    inner join observations
        on claims.indicator_code = observations.indicator_code
        and claims.geo_code = observations.geo_code
        and observations.is_preferred
),

data_vintage as (
    select max(observed_date) as official_data_until from observations
)

select
    claims.claim_id,
    claims.report_id,
    claims.section,
    claims.paragraph,
    claims.surface,
    claims.claim_type,
    claims.kind,
    claims.qualifier,
    claims.indicator_code,
    claims.scope,
    claims.geo_code,
    claims.as_of as claim_as_of,
    claims.period_start as claim_period_start,
    claims.period_end as claim_period_end,
    claims.claim_date,
    claims.baseline_period,
    claims.value as claimed_value,
    claims.lower as claimed_lower,
    claims.upper as claimed_upper,
    coalesce(
        ranked.match_method, direct.match_method, recomputed.match_method,
        related_aligned.match_method, nearest.match_method, related_any.match_method, 'none'
    ) as match_method,
    {% set found = ['ranked', 'direct', 'recomputed', 'related_aligned', 'nearest', 'related_any'] %}
    {% set figures = ['direct', 'recomputed', 'related_aligned', 'nearest', 'related_any'] %}
    coalesce({{ found | join('.indicator_code, ') }}.indicator_code) as official_indicator_code,
    coalesce({{ found | join('.value, ') }}.value) as official_value,
    case when ranked.claim_id is null
        then coalesce({{ figures | join('.lower, ') }}.lower) end as official_lower,
    case when ranked.claim_id is null
        then coalesce({{ figures | join('.upper, ') }}.upper) end as official_upper,
    coalesce({{ figures | join('.as_of, ') }}.as_of) as official_as_of,
    coalesce({{ figures | join('.period_start, ') }}.period_start) as official_period_start,
    coalesce({{ figures | join('.period_end, ') }}.period_end) as official_period_end,
    coalesce({{ figures | join('.value_as_written, ') }}.value_as_written)
        as official_value_as_written,
    coalesce({{ figures | join('.source_id, ') }}.source_id) as official_source_id,
    coalesce({{ figures | join('.grade, ') }}.grade) as official_grade,
    coalesce({{ found | join('.candidates, ') }}.candidates, 0) as candidates,
    ranked.largest_other_change,
    ranked.years_compared,
    coalesce(related_aligned.relation_note, related_any.relation_note) as relation_note,
    data_vintage.official_data_until
from claims
cross join data_vintage
left join ranked
    on claims.claim_id = ranked.claim_id
left join direct
    on claims.claim_id = direct.claim_id and direct.pick = 1 and ranked.claim_id is null
left join recomputed
    on claims.claim_id = recomputed.claim_id and direct.claim_id is null
left join related_picked as related_aligned
    on claims.claim_id = related_aligned.claim_id and related_aligned.pick = 1
    and related_aligned.aligned
    and ranked.claim_id is null and direct.claim_id is null and recomputed.claim_id is null
left join nearest
    on claims.claim_id = nearest.claim_id and nearest.pick = 1
    and ranked.claim_id is null and direct.claim_id is null and recomputed.claim_id is null
    and related_aligned.claim_id is null
left join related_picked as related_any
    on claims.claim_id = related_any.claim_id and related_any.pick = 1
    and ranked.claim_id is null and direct.claim_id is null and recomputed.claim_id is null
    and related_aligned.claim_id is null and nearest.claim_id is null
