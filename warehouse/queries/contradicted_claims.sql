-- Report claims that official statistics contradict, or that lie beyond the range the official
-- series could have reached by their date, with the official figure and its source.
select claim_id, surface, claim_period, official_value_as_written, official_period,
    official_source_id, official_grade, verdict, explanation
from marts.claim_verification
where verdict in ('inconsistent', 'within_tolerance', 'implausible')
order by claim_id;
