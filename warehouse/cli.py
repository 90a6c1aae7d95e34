"""The `govmetrics` command. Dagster and dbt are imported only by the commands that need them."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from warehouse import paths


def _cmd_build(args: argparse.Namespace) -> int:
    from orchestration.build import build_and_publish
    from warehouse.writer_lock import WriterLockTimeout, lock_timeout

    try:
        timeout = lock_timeout(args.lock_timeout)
    except ValueError as err:
        print(f"govmetrics build: {err}", file=sys.stderr)
        return 2
    try:
        return 0 if build_and_publish(timeout) else 1
    except WriterLockTimeout as err:
        print(f"govmetrics build: {err}", file=sys.stderr)
        return 3


def _cmd_sql(args: argparse.Namespace) -> int:
    """Every way this ends prints at most one line on stderr, never a traceback."""
    try:
        import duckdb

        from warehouse import query
        from warehouse.exports import spreadsheet_safe
        from warehouse.formatting import render
        from warehouse.snapshot_check import SnapshotTampered
    except KeyboardInterrupt:
        print("govmetrics sql: interrupted", file=sys.stderr)
        return 130
    try:
        limits = query.SandboxLimits.from_env(args.timeout)
        result = query.run_query(args.query, paths.published_db(), limits, stop_on_sigint=True)
        if args.format == "csv":
            rows = [
                tuple(spreadsheet_safe(v) if isinstance(v, str) else v for v in row)
                for row in result.rows
            ]
            result = query.QueryResult(columns=result.columns, rows=rows)
        print(render(result, args.format))
    except KeyboardInterrupt:
        print("govmetrics sql: interrupted", file=sys.stderr)
        return 130
    except (query.QueryRefused, query.NoPublishedWarehouse, query.SandboxSettingError) as err:
        print(f"govmetrics sql: {err}", file=sys.stderr)
        return 2
    except (query.QueryTimedOut, query.QueryOutOfMemory, SnapshotTampered) as err:
        print(f"govmetrics sql: {err}", file=sys.stderr)
        return 1
    except duckdb.Error as err:
        message = " ".join(str(err).split())
        print(f"govmetrics sql: {type(err).__name__}: {message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # main() handles a reader that left
    except Exception as err:
        message = " ".join(str(err).split())
        print(f"govmetrics sql: unexpected {type(err).__name__}: {message}", file=sys.stderr)
        return 1
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    import json

    from ingest.quantity_extraction import extract_quantities

    if args.path == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            print(f"govmetrics extract: {args.path}: {err}", file=sys.stderr)
            return 2
    for quantity in extract_quantities(text):
        print(json.dumps(quantity.to_dict(), ensure_ascii=False))
    return 0


_VERIFY_COLUMNS = (
    ("surface", "figure"),
    ("indicator_code", "indicator"),
    ("place", "place"),
    ("claim_period", "date"),
    ("confidence", "conf"),
    ("official_value_as_written", "official"),
    ("official_source_id", "source"),
    ("verdict", "verdict"),
)
_VERIFY_JSON = (
    "claim_id",
    "origin",
    "section",
    "paragraph",
    "surface",
    "start",
    "end",
    "claim_type",
    "indicator_code",
    "scope",
    "geo_code",
    "geo_name",
    "claim_date",
    "claim_period",
    "claimed_value",
    "confidence",
    "verdict",
    "official_value_as_written",
    "official_period",
    "official_source_id",
    "official_grade",
    "match_method",
    "explanation",
    "link_evidence",
    "review_decision",
)


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "stdin.txt"
    file = Path(path)
    if file.is_dir():
        raise OSError("is a directory, not a text file")
    return file.read_bytes(), file.name


def _print_verification(check, published: Path, review_file: Path) -> None:
    import json

    import polars as pl

    from ingest.claim_review import REVIEW_COLUMNS, compact_surface
    from warehouse.formatting import to_table
    from warehouse.query import QueryResult

    shown = check.verdicts.with_columns(
        surface=pl.col("surface").str.replace_all(r"\s+", ""),
        place=pl.when(pl.col("geo_code").is_null())
        .then(pl.col("geo_name"))
        .otherwise(pl.col("geo_code") + " " + pl.col("geo_name").fill_null("")),
    )
    rows = shown.select([name for name, _ in _VERIFY_COLUMNS]).rows()
    print(to_table(QueryResult(columns=[label for _, label in _VERIFY_COLUMNS], rows=rows)))
    counts = check.verdicts.group_by("verdict").len().sort("verdict").rows()
    verdicts = ", ".join(f"{verdict} {count}" for verdict, count in counts) or "no figures"
    print(
        f"{check.report_id}: {check.verdicts.height} {check.origin} claims, read as of "
        f"{check.reference_date or 'an unknown date'} ({check.reference_basis}); {verdicts}"
    )
    print(f"official figures: {published}")
    for rejection in check.quarantine.iter_rows(named=True):
        print(
            f"review file {rejection['source_file']}:{rejection['line']}: field "
            f"{rejection['field']!r}: {rejection['reason']} (not applied)"
        )
    if check.review_queue.height:
        columns = ",".join(REVIEW_COLUMNS)
        print(
            f"\nreview queue: {check.review_queue.height} uncertain links. Decide in "
            f"{review_file} ({columns}; decision confirm|correct|reject):"
        )
        for row in check.review_queue.iter_rows(named=True):
            surface = json.dumps(compact_surface(row["surface"]), ensure_ascii=False)
            print(
                f"  {row['section']},{row['paragraph']},{surface}"
                f"  -> {row['candidate_indicator_code']} ({row['confidence']:.2f})"
            )


def _cmd_verify(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from ingest.claim_review import review_path
    from ingest.report_text import UnreadableText, decode_report
    from warehouse.document_check import verify_document
    from warehouse.snapshot_check import SnapshotTampered, check_snapshot
    from warehouse.verification import NoVerificationChain

    published = paths.published_db()
    try:
        data, name = _read_input(args.path)
        text, _ = decode_report(data)
        reference = dt.date.fromisoformat(args.date) if args.date else None
    except (OSError, UnreadableText, ValueError) as err:
        print(f"govmetrics verify: {args.path}: {err}", file=sys.stderr)
        return 2
    if not published.exists():
        print(
            f"govmetrics verify: no published warehouse at {published}: run `govmetrics build`",
            file=sys.stderr,
        )
        return 2
    try:
        warning = check_snapshot(published)
    except SnapshotTampered as err:
        print(f"govmetrics verify: {err}", file=sys.stderr)
        return 1
    if warning:
        print(f"govmetrics verify: {warning}", file=sys.stderr)
    report_id = args.report_id or Path(name).stem
    folder = paths.inbox() / "reports" if args.path == "-" else Path(args.path).resolve().parent
    review_file = Path(args.review) if args.review else review_path(folder, report_id)
    try:
        check = verify_document(
            data,
            text,
            name,
            published,
            report_id=report_id,
            reference=reference,
            review_file=review_file,
            automatic=args.automatic,
        )
    except NoVerificationChain as err:
        print(f"govmetrics verify: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        for row in (
            check.verdicts.rename({"start_offset": "start", "end_offset": "end"})
            .select(_VERIFY_JSON)
            .iter_rows(named=True)
        ):
            print(json.dumps(row, ensure_ascii=False, default=str))
    else:
        _print_verification(check, published, review_file)
    if args.html:
        from warehouse.verify_page import write_verify_page

        write_verify_page(check, published, Path(args.html))
        print(f"page: {args.html}", file=sys.stderr if args.format == "json" else sys.stdout)
    return 0


def _cmd_dq(_: argparse.Namespace) -> int:
    import json

    latest = paths.dq_dir() / "latest.json"
    if not latest.exists():
        print(f"govmetrics dq: no data-quality run yet ({latest}): run `govmetrics build`",
              file=sys.stderr)  # fmt: skip
        return 2
    results = json.loads(latest.read_text(encoding="utf-8"))
    print(f"data-quality run {results[0]['run_id']} at {results[0]['run_at']} UTC")
    for suite in dict.fromkeys(r["suite"] for r in results):
        rows = [r for r in results if r["suite"] == suite]
        passed = sum(r["success"] for r in rows)
        warned = sum(not r["success"] and r["severity"] == "warn" for r in rows)
        failed = sum(not r["success"] and r["severity"] == "error" for r in rows)
        print(f"  {suite:<12} passed {passed:>2}  warned {warned:>2}  failed {failed:>2}")
    flagged = [r for r in results if not r["success"]]
    if flagged:
        print("flagged:")
    for r in flagged:
        print(f"  {r['severity'].upper():<5} {r['suite']}.{r['expectation']} on {r['target_table']}"
              f" ({r['unexpected_count']}): {r['offending_keys']}")  # fmt: skip
    print(f"Data Docs: {paths.dq_dir() / 'docs' / 'results.html'}")
    return 1 if any(r["severity"] == "error" for r in flagged) else 0


def _cmd_releases(_: argparse.Namespace) -> int:
    from warehouse.publish import list_releases

    releases = list_releases(paths.releases_dir())
    if not releases:
        print(f"no releases yet in {paths.releases_dir()}: run `govmetrics build`")
        return 0
    print(f"{'version':<24} {'created':<21} {'rows':>7}  checks (passed/warned/failed)")
    for release in reversed(releases):
        checks = release["checks"]
        print(
            f"{release['version']:<24} {release['created']:<21} {sum(release['rows'].values()):>7}"
            f"  {checks['passed']}/{checks['warned']}/{checks['failed']}"
        )
    print(f"files: {paths.releases_dir()}/<version>/ (index.html, datapackage.json, data/)")
    return 0


def _cmd_where(_: argparse.Namespace) -> int:
    print(paths.published_db())
    return 0


def build_parser() -> argparse.ArgumentParser:
    from warehouse.formatting import FORMATS

    parser = argparse.ArgumentParser(
        prog="govmetrics",
        description="Community-governance and elderly-care statistics: build, publish, query.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", help="materialise every asset, run the checks, publish a read-only snapshot"
    )
    build.add_argument(
        "--lock-timeout",
        type=float,
        metavar="SECONDS",
        help="how long to wait for another build's writer lock before giving up "
        "(default: GOVMETRICS_LOCK_TIMEOUT, else 600)",
    )
    build.set_defaults(handler=_cmd_build)

    sql = commands.add_parser("sql", help="run a read-only query against the published warehouse")
    sql.add_argument("query", help='SQL text, e.g. "select * from marts.aging_timeseries"')
    sql.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="csv quotes text cells a spreadsheet would run as formulas with a leading '",
    )
    sql.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop the query after this long (default: GOVMETRICS_SQL_TIMEOUT, else 30)",
    )
    sql.set_defaults(handler=_cmd_sql)

    extract = commands.add_parser(
        "extract", help="print every quantity in a Chinese text, one JSON object per line"
    )
    extract.add_argument("path", help="a UTF-8 text file, or - for standard input")
    extract.set_defaults(handler=_cmd_extract)

    verify = commands.add_parser(
        "verify",
        help="check the figures of a report text against the published official statistics",
        description=(
            "Every figure of the text is a claim: its register's for a registered report, else "
            "linked automatically to an indicator, place and date. Claims are judged by the "
            "build's own verdict models; the published warehouse is not changed."
        ),
    )
    verify.add_argument("path", help="a text file (UTF-8, UTF-16 or GB18030/GBK), or - for stdin")
    verify.add_argument(
        "--format", choices=("table", "json"), default="table", help="json: one object per claim"
    )
    verify.add_argument(
        "--html", metavar="OUT", help="also write a page of the text, claims marked"
    )
    verify.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the date the report speaks from (resolves 去年, 目前); by default "
        "reports.csv's date, else inferred from the text",
    )
    verify.add_argument(
        "--review",
        metavar="FILE",
        help="review decisions (default: <report_id>.review.csv beside the text)",
    )
    verify.add_argument("--report-id", help="the report's id (default: the file name)")
    verify.add_argument(
        "--automatic",
        action="store_true",
        help="link automatically even when the report has a register",
    )
    verify.set_defaults(handler=_cmd_verify)

    dq = commands.add_parser(
        "dq", help="summary of the last data-quality run; exits 1 if an error check failed"
    )
    dq.set_defaults(handler=_cmd_dq)

    releases = commands.add_parser("releases", help="list the kept releases, newest first")
    releases.set_defaults(handler=_cmd_releases)

    where = commands.add_parser("where", help="print the path of the published DuckDB file")
    where.set_defaults(handler=_cmd_where)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Child processes (dbt) find the warehouse through the same variable.
    os.environ["GOVMETRICS_HOME"] = str(paths.home())
    try:
        return args.handler(args)
    except BrokenPipeError:  # `govmetrics sql ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
