{#- Load ids of the latest load of each file (into one raw table, or into any when table_name is
    none). `raw` is append-only, so a file that changed has several loads; staging reads only the
    latest one of each file. -#}
{% macro latest_load_ids(table_name=none) -%}
    select load_id
    from (
        select
            load_id,
            row_number() over (
                partition by table_name, source_file order by loaded_at desc, load_id desc
            ) as load_recency
        from {{ source('raw', 'load_log') }}
        {% if table_name is not none %}where table_name = '{{ table_name }}'{% endif %}
    ) as loads
    where load_recency = 1
{%- endmacro %}
