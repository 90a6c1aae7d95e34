-- Claims without a verdict, and claims official statistics contradict.
select claim_id, verdict
from {{ ref('claim_verification') }}
where verdict is null or verdict = 'inconsistent'
