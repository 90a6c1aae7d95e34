{{ staged_observations('nbs_exports') }}
