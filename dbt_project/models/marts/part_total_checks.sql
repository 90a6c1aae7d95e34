-- Official parts against their totals (beds of institutions + community = all beds; villagers'
-- + residents' committees = all committees; age groups = census total; shares sum to 100),
-- for every place and date where the total (or, for shares, any part) is published. The check
-- compares intervals: parts are consistent with the total when the interval of their sum (from
-- the rounding of each written figure) overlaps the total's interval.
with observations as (
    select * from {{ ref('int_observations_ranked') }} where is_preferred
),

parts as (
    select
        part_groups.group_id,
        part_groups.total_indicator_code,
        observations.geo_code,
        observations.as_of,
        observations.period_start,
        observations.period_end,
        count(*) as parts_present,
        {{ ordered_sum('observations.value', 'observations.indicator_code') }} as parts_value,
        {{ ordered_sum('observations.lower', 'observations.indicator_code') }} as parts_lower,
        {{ ordered_sum('observations.upper', 'observations.indicator_code') }} as parts_upper,
        {{ sorted_string_agg('observations.value_as_written', ' + ') }} as parts_as_written
    from {{ ref('indicator_parts') }} as part_groups
    inner join observations
        on part_groups.part_indicator_code = observations.indicator_code
    group by
        part_groups.group_id,
        part_groups.total_indicator_code,
        observations.geo_code,
        observations.as_of,
        observations.period_start,
        observations.period_end
),

expected as (
    select group_id, count(*) as parts_expected
    from {{ ref('indicator_parts') }}
    group by group_id
),

checks as (
    select
        parts.*,
        expected.parts_expected,
        coalesce(totals.value, 100.0) as total_value,
        coalesce(totals.lower, 100.0) as total_lower,
        coalesce(totals.upper, 100.0) as total_upper,
        coalesce(totals.value_as_written, '100%') as total_as_written,
        totals.source_id as total_source_id
    from parts
    inner join expected
        on parts.group_id = expected.group_id
    left join observations as totals
        on parts.total_indicator_code = totals.indicator_code
        and {{ same_place_and_period('parts', 'totals') }}
    where parts.total_indicator_code is null or totals.value is not null
)

select
    group_id,
    total_indicator_code,
    geo_code,
    as_of,
    period_start,
    period_end,
    total_as_written,
    total_value,
    parts_as_written,
    round(parts_value, 6) as parts_value,
    -- `+ 0.0` turns a rounded -0.0 into 0.0.
    round(parts_value - total_value, 6) + 0.0 as difference,
    parts_present,
    parts_expected,
    case
        when parts_present < parts_expected then 'incomplete'
        when parts_lower <= total_upper and total_lower <= parts_upper then 'consistent'
        else 'inconsistent'
    end as status,
    total_source_id
from checks
