{#- A readable key of an observation: indicator/place/date or period end/source, and the file and
    line it was read from, so that a failed check names the file to fix. -#}
{% macro observation_key() -%}
    indicator_code || '/' || geo_code || '/'
        || coalesce(cast(as_of as string), cast(period_end as string)) || '/' || source_id
        || ' (' || source_file || ':' || cast(source_line as string) || ')'
{%- endmacro %}
