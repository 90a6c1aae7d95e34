select
    report_id,
    section,
    paragraph,
    paragraph_kind,
    text as surface,
    start as start_offset,
    {{ adapter.quote('end') }} as end_offset,
    value,
    unit,
    kind,
    lower,
    upper,
    qualifier,
    as_of,
    period,
    baseline,
    subject,
    status,
    claim_id,
    exclusion_reason
from {{ source('raw', 'report_quantities') }}
where _load_id in ({{ latest_load_ids('report_quantities') }})
