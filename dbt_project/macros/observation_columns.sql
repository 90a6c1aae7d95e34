{#- The figure columns the claim matching carries from an observation. -#}
{% macro official_figure_columns(relation) -%}
    {%- for column in ['indicator_code', 'value', 'lower', 'upper', 'as_of', 'period_start',
                       'period_end', 'value_as_written', 'source_id', 'grade'] %}
        {{ relation }}.{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Two observations of the same place and date or period (a null date matches a null). -#}
{% macro same_place_and_period(a, b) -%}
    {{ a }}.geo_code = {{ b }}.geo_code
    and {{ a }}.as_of is not distinct from {{ b }}.as_of
    and {{ a }}.period_start is not distinct from {{ b }}.period_start
    and {{ a }}.period_end is not distinct from {{ b }}.period_end
{%- endmacro %}
