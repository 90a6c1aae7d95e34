"""`changes.csv`: what a release changes against the previous one, read from the two releases'
Parquet files: preferred official figures added, revised (value, interval or source) and
removed, and claims whose verdict changed (or that appeared or left)."""

from __future__ import annotations

from pathlib import Path

CHANGE_KINDS = (
    "figure_added",
    "figure_revised",
    "figure_removed",
    "verdict_changed",
    "claim_added",
    "claim_removed",
)
# name, Chinese title, English title, description
CHANGE_COLUMNS = (
    ("change", "变化类型", "Change", "What changed: " + ", ".join(CHANGE_KINDS) + "."),
    ("indicator_code", "指标代码", "Indicator code", "Indicator of the figure or claim."),
    ("geo_code", "地区代码", "Place code", "Place of the figure (GB/T 2260 code)."),
    ("period", "时期", "Period", "Period or as-of date of the figure (start..end for a flow)."),
    ("claim_id", "表述编号", "Claim ID", "Claim whose verdict changed, appeared or left."),
    (
        "changed_fields",
        "变化字段",
        "Changed fields",
        "For a revised figure: which of value, interval and source changed.",
    ),
    ("old_value", "原数值", "Old value", "Value in the previous release (base units)."),
    ("new_value", "新数值", "New value", "Value in this release (base units)."),
    (
        "old_as_written",
        "原表述",
        "Old as written",
        "The figure as written in its source, previous release.",
    ),
    (
        "new_as_written",
        "新表述",
        "New as written",
        "The figure as written in its source, this release.",
    ),
    ("old_source_id", "原来源", "Old source", "Source document in the previous release."),
    ("new_source_id", "新来源", "New source", "Source document in this release."),
    ("old_verdict", "原核查结论", "Old verdict", "Verdict in the previous release."),
    ("new_verdict", "新核查结论", "New verdict", "Verdict in this release."),
)
FIGURE_COLUMNS = (
    "indicator_code, geo_code, period_start, period_end, as_of, value, lower, upper,"
    " value_as_written, source_id"
)
CLAIM_COLUMNS = "claim_id, indicator_code, verdict"


def _figures(data_dir: Path, present: bool = True) -> str:
    """The preferred figures of a release (none, with the same columns, when not present)."""
    where = "is_preferred" if present else "false"
    return (
        f"(select {FIGURE_COLUMNS} from {_parquet(data_dir / 'indicator_series.parquet')}"
        f" where {where})"
    )


def _claims(data_dir: Path, present: bool = True) -> str:
    where = "true" if present else "false"
    return (
        f"(select {CLAIM_COLUMNS} from {_parquet(data_dir / 'claim_verification.parquet')}"
        f" where {where})"
    )


def _parquet(file: Path) -> str:
    return "read_parquet('" + str(file).replace("'", "''") + "')"


CHANGES_SQL = """
with old_figures as {old_figures}, new_figures as {new_figures},
old_claims as {old_claims}, new_claims as {new_claims},
figures as (
    select
        coalesce(n.indicator_code, o.indicator_code) as indicator_code,
        coalesce(n.geo_code, o.geo_code) as geo_code,
        coalesce(
            cast(coalesce(n.as_of, o.as_of) as varchar),
            cast(coalesce(n.period_start, o.period_start) as varchar) || '..'
                || cast(coalesce(n.period_end, o.period_end) as varchar)
        ) as period,
        o.value as old_value, n.value as new_value,
        o.value_as_written as old_as_written, n.value_as_written as new_as_written,
        o.source_id as old_source_id, n.source_id as new_source_id,
        concat_ws('; ',
            case when o.value is distinct from n.value then 'value' end,
            case when o.lower is distinct from n.lower or o.upper is distinct from n.upper
                then 'interval' end,
            case when o.source_id is distinct from n.source_id then 'source' end
        ) as changed_fields,
        case
            when o.indicator_code is null then 'figure_added'
            when n.indicator_code is null then 'figure_removed'
            else 'figure_revised'
        end as change
    from old_figures as o
    full outer join new_figures as n
        on o.indicator_code = n.indicator_code
        and o.geo_code is not distinct from n.geo_code
        and o.period_start is not distinct from n.period_start
        and o.period_end is not distinct from n.period_end
        and o.as_of is not distinct from n.as_of
),
claims as (
    select
        coalesce(n.claim_id, o.claim_id) as claim_id,
        coalesce(n.indicator_code, o.indicator_code) as indicator_code,
        o.verdict as old_verdict, n.verdict as new_verdict,
        case
            when o.claim_id is null then 'claim_added'
            when n.claim_id is null then 'claim_removed'
            else 'verdict_changed'
        end as change
    from old_claims as o
    full outer join new_claims as n on o.claim_id = n.claim_id
    where o.verdict is distinct from n.verdict
)
select
    change, indicator_code, geo_code, period, null::varchar as claim_id,
    case when change = 'figure_revised' then changed_fields end as changed_fields,
    old_value, new_value, old_as_written, new_as_written, old_source_id, new_source_id,
    null::varchar as old_verdict, null::varchar as new_verdict
from figures
where change <> 'figure_revised' or changed_fields <> ''
union all
select
    change, indicator_code, null, null, claim_id, null, null, null, null, null, null, null,
    old_verdict, new_verdict
from claims
"""


def changes_query(previous: Path | None, current: Path) -> str:
    """The changes between two releases' data folders, sorted by kind and key (previous None:
    everything is new)."""
    old = previous or current
    order = ", ".join(f"'{kind}'" for kind in CHANGE_KINDS)
    changes = CHANGES_SQL.format(
        old_figures=_figures(old, previous is not None),
        new_figures=_figures(current),
        old_claims=_claims(old, previous is not None),
        new_claims=_claims(current),
    )
    return (
        f"select * from ({changes}) order by list_position([{order}], change),"
        " indicator_code, geo_code, period, claim_id"
    )
