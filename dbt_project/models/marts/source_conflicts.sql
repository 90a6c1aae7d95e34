-- Pairs of observations of the same indicator, place and period whose values cannot both be
-- right: the intervals their written forms stand for do not overlap. Nothing is overwritten;
-- both stay in indicator_series. A revision (a later vintage) is listed as such, and so is an
-- NBS database export that disagrees with a figure read in a document.
with observations as (
    select * from {{ ref('int_observations_ranked') }}
)

select
    a.indicator_code,
    a.indicator_name_en,
    a.geo_code,
    a.geo_name,
    a.as_of,
    a.period_start,
    a.period_end,
    case
        when a.source_id = b.source_id then 'same_source'
        when (a.vintage = 'database_export') <> (b.vintage = 'database_export')
            then 'export_vs_document'
        when a.vintage <> b.vintage then 'revision'
        else 'between_sources'
    end as conflict_type,
    a.source_id as source_id_a,
    a.grade as grade_a,
    a.vintage as vintage_a,
    a.value_as_written as value_as_written_a,
    a.value as value_a,
    b.source_id as source_id_b,
    b.grade as grade_b,
    b.vintage as vintage_b,
    b.value_as_written as value_as_written_b,
    b.value as value_b,
    b.value - a.value as difference,
    case when a.value <> 0 then round(100.0 * (b.value - a.value) / abs(a.value), 2) end
        as difference_pct,
    a.is_preferred as a_is_preferred,
    b.is_preferred as b_is_preferred
from observations as a
inner join observations as b
    on a.indicator_code = b.indicator_code
    and {{ same_place_and_period('a', 'b') }}
    and (a.source_id < b.source_id or (a.source_id = b.source_id and a.source_line < b.source_line))
where not (
    (a.lower is null or b.upper is null or a.lower <= b.upper)
    and (b.lower is null or a.upper is null or b.lower <= a.upper)
)
