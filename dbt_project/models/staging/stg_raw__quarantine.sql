select
    table_name,
    source_file,
    line,
    field,
    value,
    reason,
    _load_id as load_id,
    _loaded_at as loaded_at
from {{ source('raw', 'quarantine') }}
where _load_id in ({{ latest_load_ids() }})
