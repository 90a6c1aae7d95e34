-- Official parts that do not add up to their total within rounding.
select group_id || '/' || geo_code || '/'
        || coalesce(cast(as_of as string), cast(period_end as string)) as check_key,
    status
from {{ ref('part_total_checks') }}
where status = 'inconsistent'
