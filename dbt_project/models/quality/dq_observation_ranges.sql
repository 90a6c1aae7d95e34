-- Candidate violations of the period and code contracts: a period that ends before it starts
-- or lies outside 1949-2100, an unknown place or indicator.
select
    {{ observation_key() }} as observation_key,
    cast(reference_year as integer) as reference_year,
    case when period_start > period_end then 1 else 0 end as period_reversed,
    case when geo_name is null or indicator_name_en is null then 1 else 0 end as unknown_code
from {{ ref('int_observations_ranked') }}
where period_start > period_end
    or reference_year < 1949 or reference_year > 2100
    or geo_name is null or indicator_name_en is null
