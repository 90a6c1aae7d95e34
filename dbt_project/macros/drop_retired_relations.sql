{#- Views of models that were removed from the project: dbt never drops what it no longer builds,
    so a warehouse built before their removal would keep serving them. Add a removed model here. -#}
{% macro drop_retired_relations() %}
    {%- set retired = [
        'dq.dq_sources',
        'dq.dq_observation_ranges',
        'dq.dq_observations_without_source',
    ] -%}
    {%- for relation in retired %}
        drop view if exists {{ relation }};
    {%- endfor %}
{% endmacro %}
