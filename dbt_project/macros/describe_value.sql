{#- Text for explanations (a number rounded to 4 places, an interval, a period) and the gap
    between two intervals. -#}
{% macro describe_number(expression) -%}
    coalesce({{ number_text('round(' ~ expression ~ ', 4)') }}, 'unbounded')
{%- endmacro %}

{#- A number as text, written the same on both engines: DuckDB writes a double in the shortest
    decimal form that reads back to it (236500000.0); Spark's cast writes Java's (2.365E8). -#}
{% macro number_text(expression) -%}
    {{ return(adapter.dispatch('number_text', 'govmetrics')(expression)) }}
{%- endmacro %}

{% macro default__number_text(expression) -%}
    cast({{ expression }} as string)
{%- endmacro %}

{#- Integers as they are. From 1e16 on DuckDB writes an exponent (1e+16, 1.5e+16): Java's
    1.0E16 and 1.5E16 rewritten so. Other numbers through decimal(38, 10) with the trailing
    zeros cut, keeping one after the point (the shortest form for every value of up to 15
    digits); zero apart, which the decimal writes as 0E-10. Negative zero is written 0.0. -#}
{% macro spark__number_text(expression) -%}
    case
        when typeof({{ expression }}) in ('tinyint', 'smallint', 'int', 'bigint')
            then cast({{ expression }} as string)
        when {{ expression }} = 0 then '0.0'
        when abs({{ expression }}) >= 1e16
            then regexp_replace(
                regexp_replace(cast({{ expression }} as string), '[.]0E', 'E'), 'E([0-9])', 'e+$1'
            )
        else regexp_replace(
            regexp_replace(cast(cast({{ expression }} as decimal(38, 10)) as string), '0+$', ''),
            '[.]$', '.0'
        )
    end
{%- endmacro %}

{% macro describe_interval(lower, upper) -%}
    '[' || {{ describe_number(lower) }} || ', ' || {{ describe_number(upper) }} || ']'
{%- endmacro %}

{% macro describe_period(as_of, period_start, period_end) -%}
    coalesce(
        cast({{ as_of }} as string),
        cast({{ period_start }} as string) || '..' || cast({{ period_end }} as string)
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
