select
    source_id,
    publisher,
    title,
    date_published,
    copy_read_at,
    nullif(publisher_url, '') as publisher_url,
    grade,
    licence,
    nullif(note, '') as note,
    _source_file as source_file,
    _source_line as source_line,
    _load_id as load_id
from {{ source('raw', 'registry_sources') }}
where _load_id in ({{ latest_load_ids('registry_sources') }})
