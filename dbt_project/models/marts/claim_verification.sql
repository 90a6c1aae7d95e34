-- Every registered claim beside the official figure it speaks of, with a verdict and a plain
-- explanation. Verdicts compare intervals: the claim's (from its written precision and
-- qualifier) and the official one; a gap within the tolerance policy of the claim's kind and
-- qualifier is `within_tolerance`. A claim dated where its measure has no official figure is
-- compared with the range the official series could have reached by then: outside it (beyond
-- the same tolerance) it is `implausible`, inside it stays `period_mismatch`.
with matched as (
    select
        claims.*,
        coalesce(qualifiers.qualifier_class, 'exact') as qualifier_class,
        case
            when claims.kind in ('count', 'amount', 'percent', 'percentage_point', 'ratio')
                then claims.kind
            else 'other'
        end as policy_kind,
        coalesce(
            {{ describe_period('claims.claim_as_of', 'claims.claim_period_start',
                'claims.claim_period_end') }},
            cast(claims.claim_date as string)
        ) as claim_period,
        {{ describe_period('claims.official_as_of', 'claims.official_period_start',
            'claims.official_period_end') }} as official_period
    from {{ ref('int_claims_matched') }} as claims
    left join {{ ref('qualifiers') }} as qualifiers on claims.qualifier = qualifiers.word
),

compared as (
    select
        matched.*,
        policies.policy_id,
        {{ interval_gap('claimed_lower', 'claimed_upper', 'official_lower', 'official_upper') }}
            as gap,
        {{ interval_gap('claimed_lower', 'claimed_upper', 'trend_lower', 'trend_upper') }}
            as trend_gap,
        greatest(
            policies.absolute_tolerance,
            policies.relative_tolerance * abs(matched.official_value)
        ) as tolerance
    from matched
    left join {{ ref('tolerance_policies') }} as policies
        on matched.policy_kind = policies.kind
        and matched.qualifier_class = policies.qualifier_class
),

judged as (
    select
        *,
        case
            when claim_type = 'target'
                and (claim_date is null or claim_date > official_data_until) then 'unverifiable'
            when indicator_code is null then 'unverifiable'
            when claim_date is null then 'unverifiable'
            when match_method = 'series_rank' then
                case
                    when official_value is null then 'unverifiable'
                    when largest_other_change is null or official_value >= largest_other_change
                        then 'consistent'
                    else 'inconsistent'
                end
            when match_method in ('same_period', 'latest_before_date', 'report_reference_date',
                'recomputed_change') then
                case
                    when gap = 0 then 'consistent'
                    when gap <= tolerance then 'within_tolerance'
                    else 'inconsistent'
                end
            when match_method = 'related_indicator' then 'definition_mismatch'
            when match_method = 'trend_bound' then
                case when trend_gap > tolerance then 'implausible' else 'period_mismatch' end
            when match_method = 'nearest_period' then 'period_mismatch'
            else 'unverifiable'
        end as verdict
    from compared
),

official_text as (
    select
        *,
        'the official ' || coalesce(official_value_as_written, '') || ' ('
        || coalesce(official_indicator_code, '') || ', ' || coalesce(official_period, '')
        || ', ' || coalesce(official_source_id, '') || ', grade ' || coalesce(official_grade, '')
        || case when candidates > 1
            then '; chosen from ' || cast(candidates as string) || ' candidates'
            else '' end
        || ')' as official_described,
        surface || ' ' || {{ describe_interval('claimed_lower', 'claimed_upper') }}
            as claim_described,
        case trend_method
            when 'interpolated' then 'between the official ' || trend_from || ' and '
                || trend_to || ' the series moves within '
                || {{ describe_interval('trend_lower', 'trend_upper') }}
                || ' (linear interpolation: ' || {{ describe_number('trend_interpolated_value') }}
                || ')'
            when 'extrapolated' then 'from the official ' || trend_from || ', with annual changes '
                || case when trend_change_scale = 'relative'
                    then 'from ' || {{ describe_number('100 * trend_slowest') }} || '% to '
                        || {{ describe_number('100 * trend_fastest') }} || '%'
                    else 'from ' || {{ describe_number('trend_slowest') }} || ' to '
                        || {{ describe_number('trend_fastest') }} || ' points' end
                || ' (the slowest and fastest of its ' || cast(trend_official_points as string)
                || ' official points, and no change) over '
                || {{ describe_number('trend_years') }} || ' years, the series could reach '
                || {{ describe_interval('trend_lower', 'trend_upper') }} || ' by '
                || cast(claim_date as string)
            when 'none_single_point'
                then 'no trend range: the series has fewer than two official points'
            when 'none_before_first_point'
                then 'no trend range: the claim is dated before the first official point'
            when 'none_too_far' then 'no trend range: the claim is dated more than '
                || 'the policy''s limit of years past the last official point'
            when 'none_no_step'
                then 'no trend range: the official points are too close together'
                    || ' to give an annual change'
        end as trend_described
    from judged
)

select
    claim_id,
    report_id,
    origin,
    cast(confidence as double) as confidence,
    cast(start_offset as bigint) as start_offset,
    cast(end_offset as bigint) as end_offset,
    link_evidence,
    review_decision,
    section,
    cast(paragraph as integer) as paragraph,
    surface,
    claim_type,
    indicator_code,
    scope,
    geo_code,
    geo_name,
    cast(claim_date as date) as claim_date,
    claim_period,
    claimed_value,
    claimed_lower,
    claimed_upper,
    official_indicator_code,
    official_value,
    official_lower,
    official_upper,
    official_value_as_written,
    official_period,
    official_source_id,
    official_grade,
    cast(candidates as integer) as official_candidates,
    match_method,
    date_basis,
    trend_lower,
    trend_upper,
    trend_method,
    case when match_method <> 'series_rank' then claimed_value - official_value end as abs_diff,
    case when match_method <> 'series_rank' and official_value <> 0
        then (claimed_value - official_value) / abs(official_value) end as rel_diff,
    verdict,
    case
        when claim_type = 'target' and verdict = 'unverifiable' and indicator_code is not null
            then 'target_not_due'
        when verdict in ('consistent', 'within_tolerance', 'inconsistent')
            and match_method <> 'series_rank' then policy_id
        when match_method = 'series_rank' then 'series_rank'
        when verdict = 'definition_mismatch' then 'indicator_relations'
        when verdict in ('period_mismatch', 'implausible') and match_method = 'trend_bound'
            then 'trend_policies+' || policy_id
        when verdict = 'period_mismatch'
            then 'staleness_window_{{ var("verification_staleness_days") }}_days'
        else 'none'
    end as tolerance_policy,
    cast(official_data_until as date) as official_data_until,
    case when date_inference is not null and indicator_code is not null
        then 'Dated: ' || date_inference || '. ' else '' end
    || case
        when claim_type = 'target' and verdict = 'unverifiable' and indicator_code is not null
            then 'A target for ' || coalesce(claim_period, 'an unstated date')
                || ': a plan is not checked against an outturn before its period ends'
                || ' (official data reach ' || cast(official_data_until as string) || ').'
        when verdict = 'unverifiable' and indicator_code is null
            then 'No official indicator holds this figure (scope ' || scope
                || '): it is not checked.'
        when verdict = 'unverifiable' and claim_date is null
            then 'A claim with no date cannot be compared with official figures.'
        when verdict = 'unverifiable' and match_method = 'series_rank'
            then 'The change of ' || claim_period || ' cannot be recomputed from official levels.'
        when verdict = 'unverifiable'
            then 'The warehouse has no official figure of ' || indicator_code || ' for '
                || coalesce(geo_code, 'this place') || '.'
        when match_method = 'series_rank'
            then 'The ' || claim_period || ' change recomputed from official levels is '
                || {{ describe_number('official_value') }}
                || '; the largest change of the other years ('
                || coalesce(years_compared, 'none') || ') is '
                || {{ describe_number('largest_other_change') }}
                || case when verdict = 'consistent' then ': the superlative holds.'
                    else ': the superlative does not hold.' end
        when verdict = 'definition_mismatch'
            then 'No official figure of ' || indicator_code || ' exists; ' || official_described
                || ' measures something else (' || coalesce(relation_note, 'a related measure')
                || '), so it cannot confirm or refute ' || claim_described || '.'
        when verdict = 'implausible'
            then 'Claim ' || claim_described || ' for ' || cast(claim_date as string)
                || ' has no official counterpart for its date, and lies outside the range the '
                || 'official series could have reached: ' || trend_described || '; it misses it by '
                || {{ describe_number('trend_gap') }} || ', beyond the tolerance of '
                || {{ describe_number('tolerance') }} || ' (' || policy_id || ').'
        when verdict = 'period_mismatch'
            then 'Claim ' || claim_described || ' for '
                || coalesce(cast(claim_date as string), 'no stated date')
                || ' has no official counterpart for its date; the nearest is '
                || official_described || '. '
                || case when match_method = 'trend_bound'
                    then 'Within reach of the series: ' || trend_described || '.'
                    else upper(substr(coalesce(trend_described, 'no trend range'), 1, 1))
                        || substr(coalesce(trend_described, 'no trend range'), 2) || '.' end
        when verdict = 'consistent'
            then 'Claim ' || claim_described || ' for ' || claim_period || ' overlaps '
                || official_described || ' '
                || {{ describe_interval('official_lower', 'official_upper') }}
                || case when match_method = 'recomputed_change'
                    then ', a change recomputed from two official levels.' else '.' end
        when verdict = 'within_tolerance'
            then 'Claim ' || claim_described || ' for ' || claim_period || ' misses '
                || official_described || ' '
                || {{ describe_interval('official_lower', 'official_upper') }}
                || ' by ' || {{ describe_number('gap') }} || ', within the tolerance of '
                || {{ describe_number('tolerance') }} || ' (' || policy_id || ').'
        else 'Claim ' || claim_described || ' for ' || claim_period || ' misses '
            || official_described || ' '
            || {{ describe_interval('official_lower', 'official_upper') }}
            || ' by ' || {{ describe_number('gap') }} || ', beyond the tolerance of '
            || {{ describe_number('tolerance') }} || ' (' || policy_id || ').'
    end as explanation
from official_text
