"""The targets of issue 15, judged on a benchmark's results, and the printed table."""

from __future__ import annotations

from collections.abc import Callable

REBUILD_SECONDS = 3.0
FULL_BUILD_SECONDS = 15.0
FLOOR_RATIO = 2.0  # at 10M, the pipeline (its fixed start-up taken off) against the floor
SLOPE = 1.1
PEAK_MB = 4_000.0
SUITES_RATIO = 2.0  # quality suites against one scan of the largest table
FIRST_ROW_SECONDS = 0.5
VERIFY_SECONDS = 5.0
EXTRACT_MB_PER_SECOND = 1.0
REJECTIONS_LINEARITY = 1.5


def _largest(results: dict) -> tuple[str, dict]:
    label = list(results["sizes"])[-1]
    return label, results["sizes"][label]


def _floor_ratio(results: dict) -> tuple[float | None, str]:
    label = "10M" if "10M" in results["sizes"] else _largest(results)[0]
    figure = results["sizes"][label]
    if label == "default":
        return None, "no panel measured"
    net = figure["pipeline"]["seconds"] - results["startup_seconds"]
    return net / figure["floor"]["seconds"], f"at {label}"


def evaluate(results: dict) -> list[dict]:
    """One entry per target: the figure, the target, whether it was met (None: not measured)."""
    default = results["sizes"]["default"]
    label, largest = _largest(results)
    ratio, ratio_where = _floor_ratio(results)
    rows: list[tuple[str, float | None, str, float, Callable[[float, float], bool], str]] = [
        (
            "rebuild with nothing changed (s)",
            default["rebuild"]["seconds"],
            "<=",
            REBUILD_SECONDS,
            lambda seconds, bound: seconds <= bound and not default["rebuild"]["new_release"],
            "default data; and no new release",
        ),
        (
            "full build (s)",
            default["pipeline"]["seconds"],
            "<=",
            FULL_BUILD_SECONDS,
            float.__le__,
            "default data",
        ),
        ("pipeline / floor, start-up apart", ratio, "<=", FLOOR_RATIO, float.__le__, ratio_where),
        (
            "log-log slope of time against size",
            results.get("slope"),
            "<=",
            SLOPE,
            float.__le__,
            "1M and up",
        ),
        (
            "peak memory (MB)",
            largest["pipeline"]["peak_mb"],
            "<=",
            PEAK_MB,
            float.__le__,
            f"at {label}",
        ),
        (
            "quality suites / one scan",
            largest["quality"]["suites_seconds"] / max(largest["quality"]["scan_seconds"], 1e-9),
            "<=",
            SUITES_RATIO,
            float.__le__,
            f"at {label}",
        ),
        (
            "sql first row, process start included (s)",
            largest["first_row_p50"],
            "<=",
            FIRST_ROW_SECONDS,
            float.__le__,
            f"at {label}",
        ),
        (
            "verify B.1 (s)",
            default.get("verify", {}).get("register_seconds"),
            "<=",
            VERIFY_SECONDS,
            float.__le__,
            "by its register",
        ),
        (
            "verify B.1 linked automatically (s)",
            default.get("verify", {}).get("automatic_seconds"),
            "<=",
            VERIFY_SECONDS,
            float.__le__,
            "--automatic",
        ),
        (
            "extraction (MB/s)",
            results.get("extraction", {}).get("mb_per_second"),
            ">=",
            EXTRACT_MB_PER_SECOND,
            float.__ge__,
            "B.1 text",
        ),
        (
            "rejections: s/MB at 50 MB over 5 MB",
            results.get("rejections", {}).get("linearity"),
            "<=",
            REJECTIONS_LINEARITY,
            float.__le__,
            "bad-row export",
        ),
    ]
    return [
        {
            "target": name,
            "value": value,
            "bound": f"{op} {bound:g}",
            "where": where,
            "met": None if value is None else bool(check(float(value), bound)),
        }
        for name, value, op, bound, check, where in rows
    ]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return "-" if value is None else str(value)


def table(results: dict) -> str:
    """Per size, then per target, as fixed-width text."""
    lines = [
        f"{'size':>8} {'obs':>11} {'build s':>8} {'peak MB':>8} {'floor s':>8} "
        f"{'rebuild s':>9} {'suites s':>8} {'scan s':>7} {'sql 1st s':>9}"
    ]
    for label, figure in results["sizes"].items():
        lines.append(
            f"{label:>8} {figure['observations']:>11} {_cell(figure['pipeline']['seconds']):>8} "
            f"{_cell(figure['pipeline']['peak_mb']):>8} {_cell(figure['floor']['seconds']):>8} "
            f"{_cell(figure['rebuild']['seconds']):>9} "
            f"{_cell(figure['quality']['suites_seconds']):>8} "
            f"{_cell(figure['quality']['scan_seconds']):>7} {_cell(figure['first_row_p50']):>9}"
        )
    lines.append("")
    for target in results["targets"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        lines.append(
            f"{target['target']:<44} {_cell(target['value']):>8} {target['bound']:<8} "
            f"{met:<12} {target['where']}"
        )
    return "\n".join(lines)
