-- Claims without a verdict, claims official statistics contradict, and claims beyond the range
-- the official series could have reached.
select claim_id, verdict
from {{ ref('claim_verification') }}
where verdict is null or verdict in ('inconsistent', 'implausible')
