-- Social organisations, grassroots self-government (villagers' and residents' committees),
-- communities and community and social workers, at each date and place, with the parts of each
-- total summed beside it.
{% set codes = ['social_organisations', 'social_groups', 'foundations',
    'private_non_enterprise_units', 'community_social_organisations', 'grassroots_self_gov_orgs',
    'villagers_committees', 'residents_committees', 'communities', 'community_workers',
    'community_service_institutions', 'community_service_centres', 'community_service_stations',
    'community_volunteer_organisations', 'social_worker_certificate_holders',
    'licensed_social_workers'] %}

with governance as (
    select
        geo_code,
        max(geo_name) as geo_name,
        as_of,
        {{ preferred_pivot(codes, as_written=['community_workers', 'licensed_social_workers']) }}
    from {{ ref('int_observations_ranked') }}
    where is_preferred
        and domain in ('social_organisations', 'grassroots', 'social_work')
        and as_of is not null
        and stock_or_flow = 'stock'
        and kind = 'count'
    group by geo_code, as_of
)

select
    *,
    villagers_committees + residents_committees as committees_summed,
    social_groups + foundations + private_non_enterprise_units as social_organisation_types_summed
from governance
