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

{#- Every value (duplicates kept) joined in the order of `order_by`. -#}
{% macro ordered_string_agg(column, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'govmetrics')(column, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(column, separator, order_by) -%}
    string_agg({{ column }}, '{{ separator }}' order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(column, separator, order_by) -%}
    array_join(
        transform(array_sort(collect_list(struct({{ order_by }}, {{ column }}))), x -> x.col2),
        '{{ separator }}'
    )
{%- endmacro %}
