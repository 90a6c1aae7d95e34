-- Per indicator, place and year: is there an official figure? `present` is a figure for the
-- whole year (a stock at 31 December or a flow over the calendar year); `partial` only a date
-- inside the year, part of it, or a span of years ending in it; `missing` nothing. Indicators in
-- the catalog with no observation at all show as missing for the nation.
{% set first_year = var('coverage_first_year') %}
{% set last_year = var('coverage_last_year') %}

with observations as (
    select * from {{ ref('int_observations_ranked') }}
),

years as (
    {%- for year in range(first_year, last_year + 1) %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select {{ year }} as year
    {%- endfor %}
),

series as (
    select indicator_code, geo_code, min(reference_year) as first_year,
        max(reference_year) as last_year
    from observations
    group by indicator_code, geo_code
    union all
    select indicator_code, '000000' as geo_code, null as first_year, null as last_year
    from {{ ref('indicators') }}
    where indicator_code not in (select observations.indicator_code from observations)
),

per_year as (
    select
        indicator_code,
        geo_code,
        reference_year,
        count(*) as observations,
        max(case when is_full_year then 1 else 0 end) as has_full_year,
        {{ sorted_string_agg('source_id', ', ') }} as source_ids
    from observations
    group by indicator_code, geo_code, reference_year
)

select
    series.indicator_code,
    indicators.name_en as indicator_name_en,
    indicators.domain,
    series.geo_code,
    geographies.name_zh as geo_name,
    years.year,
    case
        when per_year.has_full_year = 1 then 'present'
        when per_year.observations > 0 then 'partial'
        else 'missing'
    end as status,
    coalesce(per_year.observations, 0) as observations,
    coalesce(years.year between series.first_year and series.last_year, false)
        as within_series_span,
    per_year.source_ids
from series
cross join years
left join per_year
    on series.indicator_code = per_year.indicator_code
    and series.geo_code = per_year.geo_code
    and years.year = per_year.reference_year
left join {{ ref('indicators') }} as indicators
    on series.indicator_code = indicators.indicator_code
left join {{ ref('geographies') }} as geographies
    on series.geo_code = geographies.geo_code
