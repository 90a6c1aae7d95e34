-- Observation keys (indicator, place, date or period, source, vintage) present more than once.
select
    indicator_code || '/' || geo_code || '/'
        || coalesce(cast(as_of as varchar), cast(period_start as varchar) || '..'
            || cast(period_end as varchar)) || '/' || source_id || '/' || vintage
        || ' (' || string_agg(source_file || ':' || cast(source_line as varchar), ', '
            order by source_file, source_line) || ')' as observation_key,
    count(*) as occurrences
from {{ ref('int_observations_ranked') }}
group by indicator_code, geo_code, as_of, period_start, period_end, source_id, vintage
having count(*) > 1
