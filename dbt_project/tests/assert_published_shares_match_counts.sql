-- A published share and the share recomputed from its counts should agree to within rounding
-- (0.1 percentage point). Disagreement is worth a look, not a reason to stop the build.
{{ config(severity='warn') }}
select year, pop_60_plus_share, pop_60_plus_share_recomputed, pop_65_plus_share,
    pop_65_plus_share_recomputed
from {{ ref('aging_timeseries') }}
where abs(pop_60_plus_share - pop_60_plus_share_recomputed) > 0.1
    or abs(pop_65_plus_share - pop_65_plus_share_recomputed) > 0.1
