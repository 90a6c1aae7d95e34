-- The source registry as loaded: every record, to check completeness and grades.
select source_id, publisher, title, date_published, copy_read_at, grade, licence
from {{ ref('stg_registry__sources') }}
