{#- One column per indicator code: the preferred observation's value (and, with as_written, its
    written form), for use in a query grouped by place and date. -#}
{% macro preferred_pivot(codes, as_written=[]) -%}
    {%- for code in codes %}
    max(case when indicator_code = '{{ code }}' then value end) as {{ code }},
    {%- endfor %}
    {%- for code in as_written %}
    max(case when indicator_code = '{{ code }}' then value_as_written end)
        as {{ code }}_as_written,
    {%- endfor %}
    {{ sorted_string_agg('source_id', ', ') }} as source_ids
{%- endmacro %}
