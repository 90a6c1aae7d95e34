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
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id
from {{ source('raw', 'official_observations') }}
where _load_id in ({{ latest_load_ids('official_observations') }})
