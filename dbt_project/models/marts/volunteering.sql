-- Registered volunteers, volunteer groups, projects and service hours at each date and place.
-- Volunteer counts are stocks read off a live system at a date, often with a qualifier
-- (超/近/约): the written form and the interval it stands for are kept beside the value.
{% set codes = ['registered_volunteers', 'volunteer_groups', 'volunteer_organisations_designated',
    'volunteer_organisations_cultivated', 'volunteer_projects', 'volunteer_service_hours'] %}

with preferred as (
    select *
    from {{ ref('int_observations_ranked') }}
    where is_preferred and domain = 'volunteering' and as_of is not null
)

select
    geo_code,
    max(geo_name) as geo_name,
    as_of,
    {{ preferred_pivot(codes, as_written=codes) }},
    max(case when indicator_code = 'registered_volunteers' then lower end)
        as registered_volunteers_lower,
    max(case when indicator_code = 'registered_volunteers' then upper end)
        as registered_volunteers_upper
from preferred
group by geo_code, as_of
