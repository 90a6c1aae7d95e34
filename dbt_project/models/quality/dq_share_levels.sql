-- Level shares (percent stocks) outside 0-100.
select {{ observation_key() }} as observation_key, value
from {{ ref('int_observations_ranked') }}
where kind = 'percent' and stock_or_flow = 'stock' and (value < 0 or value > 100)
