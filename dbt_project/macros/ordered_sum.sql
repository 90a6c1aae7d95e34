{#- The sum of a floating-point column added in a fixed order, so that a rebuild of the same
    data gives the same last digits (a parallel sum adds in whatever order threads finish). The
    key must be non-null and unique within a group: the engines order null and tied keys
    differently. -#}
{% macro ordered_sum(expression, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'govmetrics')(expression, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_sum(expression, order_by) -%}
    sum({{ expression }} order by {{ order_by }})
{%- endmacro %}

{#- Spark has no ordered aggregate: the non-null values sorted by key, then added left to right.
    A group with no value sums to null, as SQL's sum does. -#}
{% macro spark__ordered_sum(expression, order_by) -%}
    case when count({{ expression }}) > 0
        then aggregate(
            filter(
                array_sort(collect_list(named_struct('k', struct({{ order_by }}), 'v', {{ expression }}))),
                x -> x.v is not null
            ),
            cast(0 as double),
            (total, x) -> total + x.v
        )
    end
{%- endmacro %}
