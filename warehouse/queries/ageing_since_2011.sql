-- The share of people aged 60 and over each year, its change, and its recomputation from counts.
select year, pop_60_plus, pop_60_plus_share, pop_60_plus_share_recomputed,
    pop_60_plus_share_change_pp
from marts.aging_timeseries
order by year;
