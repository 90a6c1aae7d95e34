-- For each dated level or share claim, the range its indicator's official series could have
-- reached by the claim's date, from the series' own history (policy per kind in
-- reference.trend_policies):
--   interpolated  official points on both sides: the series is taken to move from the one to the
--                 other, so the range spans the two written intervals;
--   extrapolated  official points only before: from the last one, the slowest and fastest annual
--                 change between official points of the lookback years, always including no
--                 change, applied over the years elapsed (growth rates for counts, points for
--                 shares), starting from the written interval's bounds.
-- No range (trend_method none_*) with fewer than two official points, no usable step, a claim
-- before the first point, or one more than max_years_beyond past the last.
with claims as (
    select
        claims.claim_id,
        claims.indicator_code,
        claims.geo_code,
        claims.claim_date,
        claims.period_days,
        policies.change_scale,
        policies.lookback_years,
        policies.max_years_beyond,
        policies.min_pair_days
    from {{ ref('int_claims_dated') }} as claims
    inner join {{ ref('trend_policies') }} as policies
        on claims.indicator_kind = policies.kind
    where claims.claim_date is not null and claims.claim_type in ('level', 'share')
),

series as (
    select
        claims.claim_id,
        coalesce(points.as_of, points.period_end) as observed_date,
        points.value,
        points.lower,
        points.upper,
        points.value_as_written
            || ' (' || cast(coalesce(points.as_of, points.period_end) as string)
            || ', ' || points.source_id || ')' as described
    from claims
    inner join {{ ref('int_observations_ranked') }} as points
        on claims.indicator_code = points.indicator_code
        and claims.geo_code = points.geo_code
        and claims.period_days
            = coalesce({{ dbt.datediff('points.period_start', 'points.period_end', 'day') }}, 0)
        and points.is_preferred
),

before as (
    select series.*
    from series
    inner join claims on series.claim_id = claims.claim_id
    where series.observed_date <= claims.claim_date
    qualify row_number() over (partition by series.claim_id order by series.observed_date desc) = 1
),

after as (
    select series.*
    from series
    inner join claims on series.claim_id = claims.claim_id
    where series.observed_date > claims.claim_date
    qualify row_number() over (partition by series.claim_id order by series.observed_date) = 1
),

steps as (
    select
        claim_id,
        observed_date,
        value,
        lag(observed_date) over (partition by claim_id order by observed_date) as previous_date,
        lag(value) over (partition by claim_id order by observed_date) as previous_value
    from series
),

rates as (
    -- Annual change of each step between official points within the lookback years.
    select
        steps.claim_id,
        case when claims.change_scale = 'relative'
            then power(
                steps.value / steps.previous_value,
                365.25e0
                / {{ dbt.datediff('steps.previous_date', 'steps.observed_date', 'day') }}
            ) - 1
            else (steps.value - steps.previous_value) * 365.25e0
                / {{ dbt.datediff('steps.previous_date', 'steps.observed_date', 'day') }}
        end as annual_change
    from steps
    inner join claims on steps.claim_id = claims.claim_id
    inner join before on steps.claim_id = before.claim_id
    where steps.previous_date is not null
        and {{ dbt.datediff('steps.previous_date', 'steps.observed_date', 'day') }}
            >= claims.min_pair_days
        and steps.observed_date <= before.observed_date
        and steps.observed_date
            > {{ dbt.dateadd('year', '-claims.lookback_years', 'before.observed_date') }}
        and (claims.change_scale = 'absolute' or steps.previous_value > 0)
),

rate_bounds as (
    select
        claim_id,
        least(min(annual_change), 0) as slowest,
        greatest(max(annual_change), 0) as fastest,
        count(*) as steps_used
    from rates
    group by claim_id
),

points_per_claim as (
    select claim_id, count(*) as official_points from series group by claim_id
),

assessed as (
    select
        claims.*,
        coalesce(points_per_claim.official_points, 0) as official_points,
        before.observed_date as from_date,
        before.value as from_value,
        before.lower as from_lower,
        before.upper as from_upper,
        before.described as from_described,
        after.observed_date as to_date,
        after.value as to_value,
        after.lower as to_lower,
        after.upper as to_upper,
        after.described as to_described,
        rate_bounds.slowest,
        rate_bounds.fastest,
        {{ dbt.datediff('before.observed_date', 'claims.claim_date', 'day') }}
            / 365.25e0 as years,
        case
            when coalesce(points_per_claim.official_points, 0) < 2 then 'none_single_point'
            when before.claim_id is null then 'none_before_first_point'
            when after.claim_id is not null then 'interpolated'
            when {{ dbt.datediff('before.observed_date', 'claims.claim_date', 'day') }}
                / 365.25e0 > claims.max_years_beyond then 'none_too_far'
            when rate_bounds.claim_id is null then 'none_no_step'
            else 'extrapolated'
        end as trend_method
    from claims
    left join points_per_claim on claims.claim_id = points_per_claim.claim_id
    left join before on claims.claim_id = before.claim_id
    left join after on claims.claim_id = after.claim_id
    left join rate_bounds on claims.claim_id = rate_bounds.claim_id
)

select
    claim_id,
    trend_method,
    official_points,
    change_scale,
    slowest,
    fastest,
    years,
    from_described,
    to_described,
    -- A one-sided official figure (no bound on one side) leaves the range open on that side.
    -- Bounds are rounded to 4 decimals, far below any written precision.
    round(case trend_method
        when 'interpolated' then
            case when from_lower is not null and to_lower is not null
                then least(from_lower, to_lower) end
        when 'extrapolated' then
            case when change_scale = 'relative' then from_lower * power(1 + slowest, years)
                else from_lower + slowest * years end
    end, 4) as trend_lower,
    round(case trend_method
        when 'interpolated' then
            case when from_upper is not null and to_upper is not null
                then greatest(from_upper, to_upper) end
        when 'extrapolated' then
            case when change_scale = 'relative' then from_upper * power(1 + fastest, years)
                else from_upper + fastest * years end
    end, 4) as trend_upper,
    case when trend_method = 'interpolated'
        then round(from_value + (to_value - from_value)
            * {{ dbt.datediff('from_date', 'claim_date', 'day') }}
            / nullif({{ dbt.datediff('from_date', 'to_date', 'day') }}, 0), 4)
    end as interpolated_value
from assessed
