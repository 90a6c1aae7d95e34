-- Negative stock counts.
select {{ observation_key() }} as observation_key, value
from {{ ref('int_observations_ranked') }}
where kind = 'count' and stock_or_flow = 'stock' and value < 0
