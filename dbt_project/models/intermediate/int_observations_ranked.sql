-- Every current official observation (transcribed from documents, or read from NBS exports)
-- with its indicator, geography, source grade and vintage, and which one is preferred where
-- several describe the same indicator, place and period: the latest vintage first, then the
-- better grade, then the source id.
with observations as (
    select * from {{ ref('stg_official__observations') }}
    union all
    select * from {{ ref('stg_nbs__exports') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

ranked as (
    select
        observations.*,
        indicators.domain,
        indicators.name_zh as indicator_name_zh,
        indicators.name_en as indicator_name_en,
        indicators.unit,
        indicators.kind,
        indicators.stock_or_flow,
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
            order by
                vintages.vintage_rank desc,
                grades.grade_rank desc,
                observations.source_id asc,
                observations.source_line asc
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
    preference = 1 as is_preferred,
    -- A figure for the whole year: a stock at 31 December or a flow over one calendar year.
    case
        when as_of is not null
            then extract(month from as_of) = 12 and extract(day from as_of) = 31
        else extract(month from period_start) = 1 and extract(day from period_start) = 1
            and extract(month from period_end) = 12 and extract(day from period_end) = 31
            and extract(year from period_start) = extract(year from period_end)
    end as is_full_year
from ranked
