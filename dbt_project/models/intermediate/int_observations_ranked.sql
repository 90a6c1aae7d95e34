-- Every current official observation with its indicator, geography, source grade and vintage,
-- and which one is preferred where several describe the same indicator, place and period:
-- the latest vintage first, then the better grade.
with observations as (
    select * from {{ ref('stg_official__observations') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

ranked as (
    select
        observations.*,
        indicators.name_zh as indicator_name_zh,
        indicators.name_en as indicator_name_en,
        indicators.unit,
        indicators.kind,
        geographies.name_zh as geo_name,
        sources.grade,
        grades.grade_rank,
        vintages.vintage_rank,
        row_number() over (
            partition by
                observations.indicator_code,
                observations.geo_code,
                observations.as_of,
                observations.period_start,
                observations.period_end
            order by vintages.vintage_rank desc, grades.grade_rank desc, observations.source_id
        ) as preference
    from observations
    left join {{ ref('indicators') }} as indicators
        on observations.indicator_code = indicators.indicator_code
    left join {{ ref('geographies') }} as geographies
        on observations.geo_code = geographies.geo_code
    left join sources
        on observations.source_id = sources.source_id
    left join {{ ref('grades') }} as grades
        on sources.grade = grades.grade
    left join {{ ref('vintages') }} as vintages
        on observations.vintage = vintages.vintage
)

select
    *,
    preference = 1 as is_preferred
from ranked
