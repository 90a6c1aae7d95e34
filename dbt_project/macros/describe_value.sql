{#- Text for explanations (a number rounded to 4 places, an interval, a period) and the gap
    between two intervals. -#}
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

{#- How far apart two intervals are (0 when they overlap); a null end is unbounded. -#}
{% macro interval_gap(lower_a, upper_a, lower_b, upper_b) -%}
    greatest(
        case when {{ lower_a }} is not null and {{ upper_b }} is not null
            then {{ lower_a }} - {{ upper_b }} else 0 end,
        case when {{ lower_b }} is not null and {{ upper_a }} is not null
            then {{ lower_b }} - {{ upper_a }} else 0 end,
        0
    )
{%- endmacro %}
