-- Year-end counts that moved more than dq_yearly_jump_threshold (a share) on the year before.
with year_end as (
    select indicator_code, geo_code, as_of, value
    from {{ ref('int_observations_ranked') }}
    where is_preferred and kind = 'count' and stock_or_flow = 'stock'
        and extract(month from as_of) = 12 and extract(day from as_of) = 31
),

changes as (
    select
        later.indicator_code || '/' || later.geo_code || '/' || cast(later.as_of as string)
            as series_key,
        later.value / earlier.value - 1 as relative_change
    from year_end as later
    inner join year_end as earlier
        on later.indicator_code = earlier.indicator_code
        and later.geo_code = earlier.geo_code
        and earlier.as_of = {{ dbt.dateadd('year', -1, 'later.as_of') }}
    where earlier.value <> 0
)

select series_key, relative_change
from changes
where abs(relative_change) > {{ var('dq_yearly_jump_threshold') }}
