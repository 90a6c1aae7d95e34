"""A synthetic panel of official observations, written as observation CSV files.

2,844 county-level units and the 31 provinces, years 1990-2024, indicators of the catalog, and
layers of later yearbook editions that restate (and sometimes revise) earlier figures. Rows are
numbered; row i is unit i mod 2875, then year, then indicator, then edition layer, so that every
size has every unit and the larger sizes add indicators and revisions. About 3% of the
(unit, indicator, year) cells are gaps, the same in every layer, so series have holes.

Every value is decided by a hash of its row number: the same size gives the same files.
The county codes are synthetic (province prefix + 99 + a number; no real county has them).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

COUNTIES = 2_844
PROVINCES = 31
FIRST_YEAR, LAST_YEAR = 1990, 2024
GAP_PERCENT = 3
REVISED_PERCENT = 30  # of the restated figures, the share whose value was revised
SOURCE_PREFIX = "bench_yearbook_"
_SUFFIX = re.compile(r"^[+-]?[\d.]+(.*)$")
_CHANGE = ("_change", "_change_pct", "_change_pp")
_APPROXIMATE = ("多", "余", "约", "近")  # a unit written with these is not a plain figure


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str  # count or percent
    flow: bool
    suffix: str  # how real rows write its unit, e.g. 万人, 张, %
    highest: float  # the plausible maximum, in base units


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _suffixes(observations_dir: Path) -> dict[str, str]:
    """The most common way real transcriptions write each indicator's unit."""
    seen: dict[str, Counter[str]] = {}
    for path in sorted(observations_dir.glob("*.csv")):
        for row in _rows(path):
            match = _SUFFIX.match(row["value_as_written"])
            if match:
                seen.setdefault(row["indicator_code"], Counter())[match.group(1)] += 1
    return {code: counts.most_common(1)[0][0] for code, counts in seen.items()}


def panel_indicators(seeds_dir: Path, observations_dir: Path) -> list[Indicator]:
    """Counts and percents with a written form in the real data, left out: changes (checked
    against their levels), parts of a total, census counts (checked against each other) and
    cumulative counts (which never fall)."""
    parts = {
        code
        for row in _rows(seeds_dir / "indicator_parts.csv")
        for code in (row["total_indicator_code"], row["part_indicator_code"])
    }
    parts |= {row["indicator_code"] for row in _rows(seeds_dir / "cumulative_indicators.csv")}
    ranges = {row["indicator_code"]: row for row in _rows(seeds_dir / "plausible_ranges.csv")}
    suffixes = _suffixes(observations_dir)
    chosen = []
    for row in _rows(seeds_dir / "indicators.csv"):
        code, kind = row["indicator_code"], row["kind"]
        suffix = suffixes.get(code, "")
        if (
            kind not in {"count", "percent"}
            or code.endswith(_CHANGE)
            or code.startswith("census_")
            or code in parts
            or float(ranges[code]["min_value"]) < 0
            or (kind == "percent") != (suffix == "%")
            or not suffix
            or any(word in suffix for word in _APPROXIMATE)
        ):
            continue
        chosen.append(
            Indicator(
                code, kind, row["stock_or_flow"] == "flow", suffix, float(ranges[code]["max_value"])
            )
        )
    return chosen


def panel_units(seeds_dir: Path) -> list[tuple[str, str, str]]:
    """(geo_code, province code, name): the 31 provinces, then 2,844 synthetic counties."""
    provinces = [
        row["geo_code"]
        for row in _rows(seeds_dir / "geographies.csv")
        if row["level"] == "province"
    ]
    if len(provinces) != PROVINCES:
        raise ValueError(f"{seeds_dir / 'geographies.csv'}: expected {PROVINCES} provinces")
    units = [(code, code, "") for code in provinces]
    for number in range(COUNTIES):
        province = provinces[number % PROVINCES]
        units.append((f"{province[:2]}99{number // PROVINCES + 1:02d}", province, f"{number}"))
    return units


def extend_seeds(seeds_dir: Path, units: list[tuple[str, str, str]]) -> None:
    """Add the synthetic counties to the workspace's geographies seed."""
    with (seeds_dir / "geographies.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for code, province, number in units[PROVINCES:]:
            writer.writerow(
                [code, f"合成县{number}", f"Synthetic county {number}", "county", province]
            )


def layers_needed(size: int, indicators: int) -> int:
    cells = (PROVINCES + COUNTIES) * (LAST_YEAR - FIRST_YEAR + 1) * indicators
    return max(1, -(-size * 100 // (cells * (100 - GAP_PERCENT))))


def extend_registry(registry: Path, layers: int) -> None:
    """One synthetic source document per edition layer."""
    with registry.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for layer in range(layers):
            writer.writerow(
                [
                    f"{SOURCE_PREFIX}{layer:02d}",
                    "合成数据 (synthetic benchmark data)",
                    f"Synthetic statistical yearbook, edition layer {layer}",
                    "2025",
                    "generated by bench/panel.py",
                    "",
                    "secondary",
                    "synthetic",
                    "Benchmark data: not a real document",
                ]
            )


def _value_sql(indicator: Indicator) -> str:
    """value_as_written of row `i` (base value from the cell, revised in some later layers)."""
    base = "hash(cell, 'value') % 1000000"  # zero is left out below: "0%" reads as [-0.05, 0.05]
    revise = f"(layer > 0 and hash(i, 'revised') % 100 < {REVISED_PERCENT})"
    bump = f"case when {revise} then hash(i, 'bump') % 50 + 1 else 0 end"
    if indicator.kind == "percent":
        tenths = f"(({base}) % 900 + 1 + {bump})"
        return f"printf('%d.%d%%', {tenths} // 10, {tenths} % 10)"
    multiplier = 1e8 if "亿" in indicator.suffix else 1e4 if "万" in indicator.suffix else 1
    highest = max(1, min(int(indicator.highest / multiplier) - 100, 999_999))
    return f"(({base}) % {highest} + 1 + {bump})::varchar || '{indicator.suffix}'"


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def write_panel(
    size: int, out_dir: Path, indicators: list[Indicator], units: list[tuple[str, str, str]]
) -> int:
    """Write about `size` observations as one CSV per province; returns the rows written.

    One streaming query, no join, one thread: the files come out in row order, the same bytes
    every time, without holding the panel in memory.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    years = LAST_YEAR - FIRST_YEAR + 1
    per_layer = len(units) * years * len(indicators)
    values = " ".join(f"when {n} then {_value_sql(ind)}" for n, ind in enumerate(indicators))
    flows = "[" + ", ".join("true" if ind.flow else "false" for ind in indicators) + "]"
    generated = size * 100 // (100 - GAP_PERCENT) + 1
    staging = out_dir / "partitions"
    con = duckdb.connect(config={"threads": 1, "preserve_insertion_order": True})
    con.execute(
        f"""
        copy (
            with numbered as (
                select
                    range as i,
                    range % {len(units)} as unit_n,
                    range // {len(units)} % {years} + {FIRST_YEAR} as year,
                    range // ({len(units) * years}) % {len(indicators)} as indicator_n,
                    range // {per_layer} as layer,
                    range % {per_layer} as cell
                from range({generated})
            ), kept as (
                select *, {flows}[indicator_n + 1] as flow
                from numbered
                where hash(cell, 'gap') % 100 >= {GAP_PERCENT}
                limit {size}
            )
            select
                {_list([u[1] for u in units])}[unit_n + 1] as province,
                {_list([i.code for i in indicators])}[indicator_n + 1] as indicator_code,
                {_list([u[0] for u in units])}[unit_n + 1] as geo_code,
                case when not flow then make_date(year, 12, 31) end as as_of,
                case when flow then make_date(year, 1, 1) end as period_start,
                case when flow then make_date(year, 12, 31) end as period_end,
                case indicator_n {values} end as value_as_written,
                printf('{SOURCE_PREFIX}%02d', layer) as source_id,
                printf('表%d 第%d行', indicator_n + 1, unit_n + 1) as locator,
                case when layer = 0 then 'first_published' else 'revised' end as vintage,
                null::varchar as note
            from kept
        ) to '{str(staging).replace("'", "''")}' (format csv, header, partition_by (province))
        """
    )
    written = 0
    for folder in sorted(staging.iterdir()):
        province = folder.name.split("=", 1)[1]
        (part,) = folder.iterdir()
        target = out_dir / f"bench_panel_{province}.csv"
        part.rename(target)
        folder.rmdir()
        with target.open("rb") as handle:
            written += sum(1 for _ in handle) - 1
    staging.rmdir()
    con.close()
    return written
