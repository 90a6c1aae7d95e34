{#- Views of models that were removed from the project: dbt never drops what it no longer builds,
    so a warehouse built before their removal would keep serving them. Add a removed model here.
    Dropped as what they are (a view on DuckDB, a table on Spark), one statement at a time. -#}
{% macro drop_retired_relations() %}
    {%- set retired = [
        'dq.dq_sources',
        'dq.dq_observation_ranges',
        'dq.dq_observations_without_source',
    ] -%}
    {%- if execute -%}
        {%- for name in retired -%}
            {%- set schema, identifier = name.split('.') -%}
            {%- set relation = adapter.get_relation(
                database=target.database, schema=schema, identifier=identifier
            ) -%}
            {%- if relation is not none -%}
                {%- do adapter.drop_relation(relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    select 1
{% endmacro %}
