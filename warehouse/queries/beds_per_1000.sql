-- Elderly-care beds per 1,000 people aged 60+: as published and recomputed from the counts.
select as_of, eldercare_beds_total_as_written, pop_60_plus, eldercare_beds_per_1000_elderly,
    beds_per_1000_elderly_recomputed, beds_total_sources_disagree
from marts.elderly_care_capacity
where eldercare_beds_total is not null
order by as_of;
