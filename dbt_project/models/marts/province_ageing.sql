-- Age structure of every province at the 2020 census (1 November 2020), with the nation for
-- reference. Provinces whose shares are not in the warehouse are listed with blanks and status
-- `missing`, so the gap shows; loading a fuller table (an NBS export) fills them. Shares come
-- from table 5-2 of census bulletin No. 5 where a copy of it was read, else from the province's
-- own census release as reported: `grades` shows how reliable the copies read were.
{% set census_date = "2020-11-01" %}
{% set codes = ['census_pop_0_14_share', 'census_pop_15_59_share', 'census_pop_60_plus_share',
    'census_pop_65_plus_share'] %}

with shares as (
    select
        geo_code,
        {{ preferred_pivot(codes) }},
        {{ sorted_string_agg('grade', ', ') }} as grades
    from {{ ref('int_observations_ranked') }}
    where is_preferred
        and as_of = cast('{{ census_date }}' as date)
        and indicator_code in (
            {%- for code in codes %}
            '{{ code }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
    group by geo_code
),

latest_population as (
    select geo_code, value as pop_total_latest, cast(reference_year as integer) as latest_year
    from (
        select
            geo_code,
            value,
            reference_year,
            row_number() over (partition by geo_code order by as_of desc) as recency
        from {{ ref('int_observations_ranked') }}
        where is_preferred and indicator_code = 'pop_total'
    ) as ranked
    where recency = 1
)

select
    geographies.geo_code,
    geographies.name_zh as geo_name,
    geographies.name_en as geo_name_en,
    geographies.level,
    cast('{{ census_date }}' as date) as census_date,
    {% for code in codes %}shares.{{ code }},
    {% endfor %}
    round(
        shares.census_pop_0_14_share + shares.census_pop_15_59_share
        + shares.census_pop_60_plus_share,
        2
    ) as census_shares_summed,
    case when shares.geo_code is null then 'missing' else 'present' end as status,
    latest_population.pop_total_latest,
    latest_population.latest_year,
    shares.source_ids,
    shares.grades
from {{ ref('geographies') }} as geographies
left join shares
    on geographies.geo_code = shares.geo_code
left join latest_population
    on geographies.geo_code = latest_population.geo_code
where geographies.level in ('nation', 'province')
