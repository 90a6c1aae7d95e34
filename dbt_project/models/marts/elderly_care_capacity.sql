-- National elderly-care supply at each date: institutions, facilities and beds, the published
-- beds per 1,000 people aged 60+ beside the same ratio recomputed from the counts, and the
-- beds of institutions plus community facilities against all beds.
{% set codes = ['eldercare_all_facilities', 'eldercare_service_institutions',
    'eldercare_institutions', 'eldercare_institution_beds', 'eldercare_community_facilities',
    'eldercare_community_facilities_urban', 'eldercare_community_facilities_rural',
    'eldercare_community_beds', 'eldercare_mutual_aid_facilities', 'eldercare_beds_total',
    'eldercare_beds_per_1000_elderly', 'nursing_bed_share'] %}

with supply as (
    select
        as_of,
        {{ preferred_pivot(codes, as_written=['eldercare_beds_total']) }}
    from {{ ref('int_observations_ranked') }}
    where is_preferred
        and geo_code = '000000'
        and domain = 'elderly_care'
        and as_of is not null
    group by as_of
),

elderly as (
    select as_of, value as pop_60_plus
    from {{ ref('int_observations_ranked') }}
    where is_preferred and geo_code = '000000' and indicator_code = 'pop_60_plus'
),

beds_conflicts as (
    select as_of, count(*) as conflicting_pairs
    from {{ ref('source_conflicts') }}
    where indicator_code = 'eldercare_beds_total' and geo_code = '000000'
    group by as_of
)

select
    supply.as_of,
    {% for code in codes %}supply.{{ code }},
    {% endfor %}
    supply.eldercare_beds_total_as_written,
    coalesce(beds_conflicts.conflicting_pairs, 0) > 0 as beds_total_sources_disagree,
    elderly.pop_60_plus,
    round(1000.0 * supply.eldercare_beds_total / nullif(elderly.pop_60_plus, 0), 1)
        as beds_per_1000_elderly_recomputed,
    round(
        1000.0 * supply.eldercare_beds_total / nullif(elderly.pop_60_plus, 0)
        - supply.eldercare_beds_per_1000_elderly,
        2
    ) as beds_per_1000_elderly_difference,
    supply.eldercare_institution_beds + supply.eldercare_community_beds
        as institution_plus_community_beds,
    supply.source_ids
from supply
left join elderly
    on supply.as_of = elderly.as_of
left join beds_conflicts
    on supply.as_of = beds_conflicts.as_of
