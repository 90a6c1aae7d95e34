{#- A readable key of an observation: indicator/place/date or period end/source. -#}
{% macro observation_key() -%}
    indicator_code || '/' || geo_code || '/'
        || coalesce(cast(as_of as varchar), cast(period_end as varchar)) || '/' || source_id
{%- endmacro %}
