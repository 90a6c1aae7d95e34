-- Published figures that disagree with the same figure recomputed from counts: shares of the
-- population (aging_timeseries) and beds per 1,000 people aged 60+ (elderly_care_capacity).
select 'pop_60_plus_share/' || cast(year as string) as figure_key,
    pop_60_plus_share - pop_60_plus_share_recomputed as difference
from {{ ref('aging_timeseries') }}
where abs(pop_60_plus_share - pop_60_plus_share_recomputed) > 0.1
union all
select 'pop_65_plus_share/' || cast(year as string) as figure_key,
    pop_65_plus_share - pop_65_plus_share_recomputed as difference
from {{ ref('aging_timeseries') }}
where abs(pop_65_plus_share - pop_65_plus_share_recomputed) > 0.1
union all
select 'eldercare_beds_per_1000_elderly/' || cast(as_of as string) as figure_key,
    beds_per_1000_elderly_difference as difference
from {{ ref('elderly_care_capacity') }}
where abs(beds_per_1000_elderly_difference) > 0.1
