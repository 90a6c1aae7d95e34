-- National year-end population and ageing figures, one row per year, one column per indicator.
with year_end as (
    select *
    from {{ ref('int_observations_ranked') }}
    where geo_code = '000000'
        and as_of is not null
        and extract(month from as_of) = 12
        and extract(day from as_of) = 31
),

{% set indicators = ['pop_total', 'pop_60_plus', 'pop_60_plus_share', 'pop_65_plus',
                     'pop_65_plus_share', 'pop_urban', 'urbanisation_rate'] %}

pivoted as (
    select
        reference_year as year,
        {% for code in indicators %}
        max(case when indicator_code = '{{ code }}' and is_preferred then value end) as {{ code }},
        {% endfor %}
        max(case when indicator_code = 'pop_total' and is_preferred then vintage end)
            as pop_total_vintage,
        max(case when indicator_code = 'pop_total' and vintage = 'first_published' then value end)
            as pop_total_first_published,
        {{ sorted_string_agg('source_id', ', ') }} as source_ids
    from year_end
    where indicator_code in (
        {%- for code in indicators %}
        '{{ code }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
        and (is_preferred or vintage = 'first_published')
    group by reference_year
)

select * from pivoted
