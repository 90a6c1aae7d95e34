{#- Distinct values joined into one sorted, separated string. Dialects differ, so dispatch.
    Nulls are skipped; a group with no value gives null on both engines. -#}
{% macro sorted_string_agg(column, separator) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'govmetrics')(column, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_string_agg(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_string_agg(column, separator) -%}
    case when count({{ column }}) > 0
        then array_join(array_sort(collect_set({{ column }})), '{{ separator }}')
    end
{%- endmacro %}

{#- Every value (duplicates kept) joined in the order of `order_by`. The key must be non-null
    and unique within a group: the engines order null and tied keys differently. -#}
{% macro ordered_string_agg(column, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'govmetrics')(column, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(column, separator, order_by) -%}
    string_agg({{ column }}, '{{ separator }}' order by {{ order_by }})
{%- endmacro %}

{#- Spark has no ordered aggregate: collect (key, value) pairs, sort them by key, keep values. -#}
{% macro spark__ordered_string_agg(column, separator, order_by) -%}
    case when count({{ column }}) > 0
        then array_join(
            transform(
                array_sort(collect_list(named_struct('k', struct({{ order_by }}), 'v', {{ column }}))),
                x -> x.v
            ),
            '{{ separator }}'
        )
    end
{%- endmacro %}
