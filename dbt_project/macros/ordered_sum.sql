{#- The sum of a floating-point column added in a fixed order, so that a rebuild of the same
    data gives the same last digits (a parallel sum adds in whatever order threads finish). -#}
{% macro ordered_sum(expression, order_by) -%}
    sum({{ expression }} order by {{ order_by }})
{%- endmacro %}
