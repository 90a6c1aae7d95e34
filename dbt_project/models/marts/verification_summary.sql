-- How many claims got each verdict, per report and section, and per report overall.
with verdicts as (
    select report_id, section, verdict from {{ ref('claim_verification') }}
)

select report_id, section, verdict, cast(count(*) as integer) as claims
from verdicts
group by report_id, section, verdict
union all
select report_id, 'all' as section, verdict, cast(count(*) as integer) as claims
from verdicts
group by report_id, verdict
