{#- Distinct values joined into one sorted, separated string. Dialects differ, so dispatch. -#}
{% macro sorted_string_agg(column, separator) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'govmetrics')(column, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_string_agg(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_string_agg(column, separator) -%}
    array_join(array_sort(collect_set({{ column }})), '{{ separator }}')
{%- endmacro %}
