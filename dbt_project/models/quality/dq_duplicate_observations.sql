-- Observation keys (indicator, place, date or period, source, vintage) present more than once.
select
    indicator_code || '/' || geo_code || '/'
        || coalesce(cast(as_of as string), cast(period_start as string) || '..'
            || cast(period_end as string)) || '/' || source_id || '/' || vintage
        || ' (' || {{ ordered_string_agg(
            "source_file || ':' || cast(source_line as string)", ', ', 'source_file, source_line'
        ) }} || ')' as observation_key,
    count(*) as occurrences
from {{ ref('int_observations_ranked') }}
group by indicator_code, geo_code, as_of, period_start, period_end, source_id, vintage
having count(*) > 1
