-- Changes between consecutive figures of a cumulative series (reference.cumulative_indicators):
-- stocks by date, and flows summed since a fixed start by end date. A negative change means a
-- count that can only grow fell.
with series as (
    select
        indicator_code,
        geo_code,
        coalesce(cast(period_start as string), 'stock') as series_start,
        coalesce(as_of, period_end) as observed_date,
        value,
        source_file
    from {{ ref('int_observations_ranked') }}
    where is_preferred
        and indicator_code in (
            select cumulative.indicator_code
            from {{ ref('cumulative_indicators') }} as cumulative
        )
        and (as_of is not null or extract(year from period_start) < extract(year from period_end))
),

changes as (
    select
        indicator_code || '/' || geo_code || '/' || cast(observed_date as string)
            || ' (' || source_file || ')' as series_key,
        value - lag(value) over (
            partition by indicator_code, geo_code, series_start order by observed_date
        ) as change
    from series
)

select series_key, change from changes where change < 0
