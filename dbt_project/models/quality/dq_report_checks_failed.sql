-- Failed checks of a report against itself, and register entries not found in the text.
select report_id || ': ' || check_type || ' ' || claim_ids as check_key, passed
from {{ ref('report_consistency') }}
where not passed
union all
select report_id || ': register entry ' || claim_id || ' ' || status as check_key,
    false as passed
from {{ source('raw', 'report_register_checks') }}
where status <> 'found'
    and _load_id in ({{ latest_load_ids('report_register_checks') }})
