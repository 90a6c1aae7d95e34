-- How many claims got each verdict, per report and section, sections in document order. Only
-- sections: a report's total is the sum of its rows (nothing here is counted twice).
with claims as (
    select report_id, section, verdict, start_offset, claim_id
    from {{ ref('claim_verification') }}
),

sections as (
    -- Where each section starts: automatic claims carry their place in the text; a register's
    -- claim ids are numbered in the order of the text.
    select
        report_id,
        section,
        row_number() over (
            partition by report_id order by min(start_offset) nulls last, min(claim_id), section
        ) as section_order
    from claims
    group by report_id, section
)

select
    claims.report_id,
    cast(sections.section_order as integer) as section_order,
    claims.section,
    claims.verdict,
    cast(count(*) as integer) as claims
from claims
inner join sections
    on claims.report_id = sections.report_id
    and claims.section is not distinct from sections.section
group by claims.report_id, sections.section_order, claims.section, claims.verdict
