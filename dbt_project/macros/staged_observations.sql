{#- The staging select shared by every raw table of observations (same columns, one contract in
    ingest/official_observations.py): the latest load of each file, renamed and typed. -#}
{% macro staged_observations(raw_table) -%}
select
    indicator_code,
    geo_code,
    as_of,
    period_start,
    period_end,
    extract(year from coalesce(as_of, period_end)) as reference_year,
    value,
    lower,
    upper,
    value_as_written,
    qualifier,
    source_id,
    locator,
    vintage,
    nullif(note, '') as note,
    '{{ raw_table }}' as raw_table,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id
from {{ source('raw', raw_table) }}
where _load_id in ({{ latest_load_ids(raw_table) }})
{%- endmacro %}
