{#- Text for explanations: a number rounded to 4 places, an interval, a period. -#}
{% macro describe_number(expression) -%}
    coalesce(cast(round({{ expression }}, 4) as varchar), 'unbounded')
{%- endmacro %}

{% macro describe_interval(lower, upper) -%}
    '[' || {{ describe_number(lower) }} || ', ' || {{ describe_number(upper) }} || ']'
{%- endmacro %}

{% macro describe_period(as_of, period_start, period_end) -%}
    coalesce(
        cast({{ as_of }} as varchar),
        cast({{ period_start }} as varchar) || '..' || cast({{ period_end }} as varchar)
    )
{%- endmacro %}
