-- Checks inside a report, one row per check:
--   parts_sum_to_total   a group of counts whose parts should add up to its largest member;
--   shares_sum_to_100    a group of percentages that split a whole;
--   from_to_vs_change    a from-to pair against a change stated in the same group;
--   same_measure_twice   the same indicator and place stated twice: at the same date (or one
--                        undated) the two values should agree.
-- Intervals are compared, so rounding never fails a check.
with claims as (
    select * from {{ ref('stg_report__claims') }}
),

grouped as (
    select
        report_id,
        group_id,
        max(claim_type) as claim_type,
        count(*) as members,
        sum(case when kind = 'percent' then 1 else 0 end) as percent_members,
        max(value) as largest_value,
        {{ sorted_string_agg('claim_id', ', ') }} as claim_ids,
        {{ ordered_string_agg('surface', ' + ', 'claim_id') }} as surfaces
    from claims
    where claim_type = 'parts_of_total'
    group by report_id, group_id
),

parts as (
    -- In a group of counts, the largest member is the total and the others its parts.
    select
        claims.report_id,
        claims.group_id,
        {{ ordered_sum('claims.value', 'claims.claim_id') }} as parts_value,
        {{ ordered_sum('claims.lower', 'claims.claim_id') }} as parts_lower,
        {{ ordered_sum('claims.upper', 'claims.claim_id') }} as parts_upper
    from claims
    inner join grouped
        on claims.report_id = grouped.report_id and claims.group_id = grouped.group_id
    where grouped.percent_members = grouped.members and grouped.largest_value < 100
        or (grouped.percent_members < grouped.members and claims.value < grouped.largest_value)
    group by claims.report_id, claims.group_id
),

totals as (
    select claims.report_id, claims.group_id, claims.value, claims.lower, claims.upper
    from claims
    inner join grouped
        on claims.report_id = grouped.report_id and claims.group_id = grouped.group_id
    where grouped.percent_members < grouped.members and claims.value = grouped.largest_value
),

part_checks as (
    select
        grouped.report_id,
        case when grouped.percent_members = grouped.members then 'shares_sum_to_100'
            else 'parts_sum_to_total' end as check_type,
        grouped.claim_ids,
        grouped.surfaces,
        coalesce(totals.value, 100.0) as expected,
        parts.parts_value as observed,
        parts.parts_lower <= coalesce(totals.upper, 100.0)
            and coalesce(totals.lower, 100.0) <= parts.parts_upper as passed
    from grouped
    inner join parts
        on grouped.report_id = parts.report_id and grouped.group_id = parts.group_id
    left join totals
        on grouped.report_id = totals.report_id and grouped.group_id = totals.group_id
),

from_to as (
    select
        start_claims.report_id,
        'from_to_vs_change' as check_type,
        start_claims.claim_id || ', ' || end_claims.claim_id || ', ' || changes.claim_id
            as claim_ids,
        start_claims.surface || ' -> ' || end_claims.surface || ' vs ' || changes.surface
            as surfaces,
        changes.value as expected,
        case when changes.claim_type = 'change_pct'
            then 100.0 * (end_claims.value / nullif(start_claims.value, 0) - 1)
            else end_claims.value - start_claims.value end as observed,
        case when changes.claim_type = 'change_pct'
            then (
                start_claims.upper = 0
                or 100.0 * (end_claims.lower / nullif(start_claims.upper, 0) - 1) <= changes.upper
            ) and (
                start_claims.lower = 0
                or changes.lower <= 100.0 * (end_claims.upper / nullif(start_claims.lower, 0) - 1)
            )
            else end_claims.lower - start_claims.upper <= changes.upper
                and changes.lower <= end_claims.upper - start_claims.lower
        end as passed
    from claims as start_claims
    inner join claims as end_claims
        on start_claims.report_id = end_claims.report_id
        and start_claims.group_id = end_claims.group_id
        and start_claims.claim_type = 'from_to' and end_claims.claim_type = 'from_to'
        and start_claims.claim_id < end_claims.claim_id
    inner join claims as changes
        on start_claims.report_id = changes.report_id and start_claims.group_id = changes.group_id
        and changes.claim_type in ('change_pp', 'change_pct')
),

twice as (
    select
        a.report_id,
        'same_measure_twice' as check_type,
        a.claim_id || ', ' || b.claim_id as claim_ids,
        a.surface || ' (' || coalesce(cast(coalesce(a.as_of, a.period_end) as string), 'undated')
            || ') vs ' || b.surface || ' ('
            || coalesce(cast(coalesce(b.as_of, b.period_end) as string), 'undated') || ')'
            as surfaces,
        a.value as expected,
        b.value as observed,
        a.lower <= b.upper and b.lower <= a.upper as passed
    from claims as a
    inner join claims as b
        on a.report_id = b.report_id
        and a.indicator_code = b.indicator_code
        and a.geo_code = b.geo_code
        and a.claim_id < b.claim_id
        and a.claim_type in ('level', 'share') and b.claim_type in ('level', 'share')
    where coalesce(a.as_of, a.period_end) is null
        or coalesce(b.as_of, b.period_end) is null
        or coalesce(a.as_of, a.period_end) = coalesce(b.as_of, b.period_end)
),

checks as (
    select * from part_checks
    union all
    select * from from_to
    union all
    select * from twice
)

select
    report_id,
    check_type,
    claim_ids,
    surfaces,
    expected,
    observed,
    coalesce(passed, false) as passed,
    case check_type
        when 'shares_sum_to_100' then 'The shares ' || surfaces || ' add up to '
            || {{ describe_number('observed') }} || '%'
        when 'parts_sum_to_total' then 'The parts of ' || surfaces || ' add up to '
            || {{ describe_number('observed') }} || ' against the total '
            || {{ describe_number('expected') }}
        when 'from_to_vs_change' then 'The pair ' || surfaces || ': the pair implies '
            || {{ describe_number('observed') }} || ', the stated change is '
            || {{ describe_number('expected') }}
        else 'The same measure stated twice: ' || surfaces
    end
    || case when coalesce(passed, false) then ', consistent within rounding.'
        else ', which does not hold within rounding.' end as explanation
from checks
