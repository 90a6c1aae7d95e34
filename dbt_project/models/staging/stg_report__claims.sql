-- Claims as last loaded: a report's hand-made register where it has one (origin `register`,
-- confidence 1), else the automatic claims the linker made from its text (origin `automatic`,
-- with the link's confidence and evidence, and any review decision).
{% set claim_columns = [
    'report_id', 'claim_id', 'section', 'paragraph', 'surface', 'value', "nullif(unit, '') as unit",
    'kind', 'lower', 'upper', 'qualifier', 'claim_type', 'group_id', 'indicator_code', 'scope',
    'geo_code', 'geo_name', 'as_of', 'period_start', 'period_end', 'date_basis', 'baseline_period',
    'subject_en', 'note'
] %}

with registered as (
    select * from {{ source('raw', 'report_claims') }}
    where _load_id in ({{ latest_load_ids('report_claims') }})
),

automatic as (
    select * from {{ source('raw', 'report_automatic_claims') }}
    where _load_id in ({{ latest_load_ids('report_automatic_claims') }})
        and report_id not in (select registered.report_id from registered)
)

select
    {{ claim_columns | join(',\n    ') }},
    'register' as origin,
    1.0 as confidence,
    cast(null as bigint) as start_offset,
    cast(null as bigint) as end_offset,
    cast(null as string) as link_evidence,
    cast(null as string) as review_decision,
    _source_file as source_file,
    _source_line as source_line
from registered

union all

select
    {{ claim_columns | join(',\n    ') }},
    'automatic' as origin,
    confidence,
    start_offset,
    end_offset,
    link_evidence,
    review_decision,
    _source_file as source_file,
    _source_line as source_line
from automatic
