{#- The raw tables as the models read them. On DuckDB they are the build database's own `raw`
    schema, written by ingest. Spark reads the Parquet copy of each that a Spark build writes
    first (warehouse/spark_handoff.py): one folder per table in build/spark/raw/. -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'govmetrics')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- set folder = env_var('GOVMETRICS_HOME', '../warehouse') ~ '/build/spark/raw' -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- set table = 'raw.' ~ source.identifier -%}
            {%- set location = spark_literal(folder ~ '/' ~ source.identifier) -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query('create table ' ~ table ~ ' using parquet location ' ~ location) -%}
        {%- endfor -%}
    {%- endif %}
    select 1
{%- endmacro %}
