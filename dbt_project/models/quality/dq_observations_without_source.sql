-- Observations whose source document is not in the registry.
select {{ observation_key() }} as observation_key, source_id
from {{ ref('int_observations_ranked') }}
where source_id not in (select source_id from {{ ref('stg_registry__sources') }})
