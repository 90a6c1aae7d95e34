{{ staged_observations('official_observations') }}
