-- Every source document, with how many observations it gives and for which indicators.
with observations as (
    select
        source_id,
        count(*) as observations,
        {{ sorted_string_agg('indicator_code', ', ') }} as indicator_codes,
        min(reference_year) as first_year,
        max(reference_year) as last_year
    from {{ ref('int_observations_ranked') }}
    group by source_id
)

select
    sources.source_id,
    sources.publisher,
    sources.title,
    sources.date_published,
    sources.copy_read_at,
    sources.publisher_url,
    sources.grade,
    sources.licence,
    sources.note,
    coalesce(observations.observations, 0) as observations,
    observations.indicator_codes,
    cast(observations.first_year as integer) as first_year,
    cast(observations.last_year as integer) as last_year,
    sources.source_file
from {{ ref('stg_registry__sources') }} as sources
left join observations
    on sources.source_id = observations.source_id
