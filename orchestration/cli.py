"""The `govmetrics` command, on top of the layers: it parses the arguments, calls down into
orchestration/, warehouse/ and ingest/, and prints. Dagster and dbt are imported only by the
commands that need them."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from warehouse import paths

if TYPE_CHECKING:
    from orchestration.build import BuildResult
    from warehouse.query import QueryResult


def _step_announcer(terminal: TextIO) -> Callable[[str], None] | None:
    """On a terminal, each step is announced as it starts (the run's output goes to its log)."""
    if not terminal.isatty():
        return None

    def announce(step: str) -> None:
        print(f"running {step} ...", file=terminal, flush=True)

    return announce


def _build_lines(result: BuildResult) -> list[str]:
    """What `govmetrics build` prints once the run has ended."""
    lines = [*result.tidied, *result.summary, f"full log: {result.log_path}"]
    if not result.success:
        return [*lines, "build failed; the published warehouse (if any) is unchanged"]
    return [*lines, f"published {paths.published_db()}", result.release, *result.reports]


def _cmd_build(args: argparse.Namespace) -> int:
    from orchestration.build import NothingChanged, build_and_publish
    from warehouse.writer_lock import WriterLockTimeout, lock_timeout

    try:
        timeout = lock_timeout(args.lock_timeout)
    except ValueError as err:
        print(f"govmetrics build: {err}", file=sys.stderr)
        return 2
    try:
        result = build_and_publish(
            timeout, on_step_start=_step_announcer(sys.stdout), skip_unchanged=not args.force
        )
    except WriterLockTimeout as err:
        print(f"govmetrics build: {err}", file=sys.stderr)
        return 3
    if isinstance(result, NothingChanged):
        print(result.line())
        return 0
    print("\n".join(_build_lines(result)))
    return 0 if result.success else 1


class _BadInput(ValueError):
    """A command's input cannot be used as given (exit 2)."""


def _sandboxed(command: str, run: Callable[[], int], where: Callable[[], str] = lambda: "") -> int:
    """Run a command that reads the snapshot in the sandbox: every way it ends prints at most
    one line on stderr, never a traceback. `where()` (a query file's name, once known)
    prefixes the errors of the query itself."""
    try:
        import duckdb

        from warehouse import query
        from warehouse.snapshot_check import SnapshotTampered
        from warehouse.sql_output import BadOutput
    except KeyboardInterrupt:
        print(f"govmetrics {command}: interrupted", file=sys.stderr)
        return 130
    try:
        return run()
    except KeyboardInterrupt:
        print(f"govmetrics {command}: interrupted", file=sys.stderr)
        return 130
    except query.QueryRefused as err:
        print(f"govmetrics {command}: {where()}{err}", file=sys.stderr)
        return 2
    except (
        _BadInput,
        BadOutput,
        query.NoPublishedWarehouse,
        query.SandboxSettingError,
        query.UnknownTable,
    ) as err:
        print(f"govmetrics {command}: {err}", file=sys.stderr)
        return 2
    except (query.QueryTimedOut, query.QueryOutOfMemory, SnapshotTampered) as err:
        print(f"govmetrics {command}: {err}", file=sys.stderr)
        return 1
    except duckdb.Error as err:
        message = " ".join(str(err).split())
        print(f"govmetrics {command}: {where()}{type(err).__name__}: {message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # main() handles a reader that left
    except Exception as err:
        message = " ".join(str(err).split())
        print(f"govmetrics {command}: unexpected {type(err).__name__}: {message}", file=sys.stderr)
        return 1


def _query_text(args: argparse.Namespace) -> tuple[str, str | None]:
    """The query, and the name of the file or stream it was read from (None: the argument)."""
    if (args.query is None) == (args.file is None):
        raise _BadInput(
            "give the query either as an argument or with -f FILE, not both"
            if args.query is not None
            else "no query: give it as an argument, with -f FILE, or as - to read standard input"
        )
    if args.query is not None and args.query != "-":
        return args.query, None
    path = args.file if args.file is not None else "-"
    name = "standard input" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise _BadInput(f"cannot read {name}: {err.strerror or err}; check the path") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _BadInput(
            f"{name}: not UTF-8 text (byte 0x{data[err.start]:02x} at byte {err.start + 1});"
            " save it as UTF-8"
        ) from None
    return text, name


def _one_statement(sql: str, name: str) -> None:
    """A query file or stream holds exactly one statement: only reads are allowed, so any
    statement before the last could only be output lost."""
    import duckdb

    from warehouse.query import check_query_text

    check_query_text(sql)
    count = len(duckdb.extract_statements(sql))
    if count != 1:
        what = "no SQL statement" if count == 0 else f"{count} SQL statements"
        raise _BadInput(f"{name} holds {what}; put exactly one query in it")


def _cmd_sql(args: argparse.Namespace) -> int:
    source: str | None = None

    def run() -> int:
        nonlocal source
        from warehouse import query
        from warehouse.formatting import render
        from warehouse.sql_output import check_output, safe_for_spreadsheets, write_result

        if args.output and args.format:
            raise _BadInput(
                "give --format (to print) or --output (a file, typed by its suffix), not both"
            )
        sql, source = _query_text(args)
        if source:
            _one_statement(sql, source)
        if args.output:
            check_output(Path(args.output))
        limits = query.SandboxLimits.from_env(args.timeout)
        db = paths.published_db()
        query.check_read_only(sql)
        with query.sandbox(db, limits, stop_on_sigint=True) as box:
            if args.output:
                count = write_result(box, sql, Path(args.output))
                rows = "row" if count == 1 else "rows"
                print(f"wrote {count} {rows} to {args.output}", file=sys.stderr)
                return 0
            result = box.query(sql)
        fmt = args.format or "table"
        print(render(safe_for_spreadsheets(result) if fmt == "csv" else result, fmt))
        return 0

    return _sandboxed("sql", run, lambda: f"{source}: " if source else "")


def _print_catalogue(result: QueryResult, fmt: str) -> None:
    """Long descriptions are cut in the aligned table (csv and json keep them whole)."""
    from warehouse.formatting import render, shorten
    from warehouse.query import QueryResult

    if fmt == "table":
        last = result.columns.index("description")
        rows = [(*row[:last], shorten(row[last], 60)) for row in result.rows]
        result = QueryResult(columns=result.columns, rows=rows)
    print(render(result, fmt))


def _cmd_tables(args: argparse.Namespace) -> int:
    def run() -> int:
        from warehouse import query

        limits = query.SandboxLimits.from_env(args.timeout)
        with query.sandbox(paths.published_db(), limits, stop_on_sigint=True) as box:
            result = query.list_tables(box)
        _print_catalogue(result, args.format)
        return 0

    return _sandboxed("tables", run)


def _cmd_describe(args: argparse.Namespace) -> int:
    def run() -> int:
        from warehouse import query
        from warehouse.table_docs import table_doc

        limits = query.SandboxLimits.from_env()
        with query.sandbox(paths.published_db(), limits, stop_on_sigint=True) as box:
            relation = query.find_relation(box, args.table)
            result = query.describe_relation(box, relation)
            with box.guarded() as con:
                doc = table_doc(con, relation.schema, relation.name)
        if args.format == "table":
            titles = " / ".join(t for t in (doc.title_zh, doc.title_en) if t)
            print(f"{relation.qualified} ({relation.kind}){': ' + titles if titles else ''}")
        _print_catalogue(result, args.format)
        return 0

    return _sandboxed("describe", run)


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
        print(
            f"govmetrics dq: no data-quality run yet ({latest}): run `govmetrics build`",
            file=sys.stderr,
        )
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
        print(
            f"  {r['severity'].upper():<5} {r['suite']}.{r['expectation']} on {r['target_table']}"
            f" ({r['unexpected_count']}): {r['offending_keys']}"
        )
    print(f"Data Docs: {paths.dq_dir() / 'docs' / 'results.html'}")
    return 1 if any(r["severity"] == "error" for r in flagged) else 0


def _cmd_releases(_: argparse.Namespace) -> int:
    from warehouse.publish import list_releases

    releases = list_releases(paths.releases_dir())
    if not releases:
        print(f"no releases yet in {paths.releases_dir()}: run `govmetrics build`")
        return 0
    print(f"{'version':<24} {'created':<21} {'content':<12} {'rows':>7}  checks  changes")
    for release in reversed(releases):
        checks = release["checks"]
        content = release.get("content_hash", "")[:12] or "-"
        changes = sum(release.get("changes", {}).values())
        print(
            f"{release['version']:<24} {release['created']:<21} {content:<12}"
            f" {sum(release['rows'].values()):>7}"
            f"  {checks['passed']}/{checks['warned']}/{checks['failed']}  {changes}"
        )
    print("checks: passed/warned/failed; changes: rows of changes.csv (against the release below)")
    print(
        f"files: {paths.releases_dir()}/<version>/ (index.html, govmetrics.xlsx, changes.csv, "
        "datapackage.json, data/)"
    )
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
    build.add_argument(
        "--force",
        action="store_true",
        help="build even when nothing changed since the published build",
    )
    build.set_defaults(handler=_cmd_build)

    timeout_help = "stop the query after this long (default: GOVMETRICS_SQL_TIMEOUT, else 30)"
    sql = commands.add_parser("sql", help="run a read-only query against the published warehouse")
    sql.add_argument(
        "query",
        nargs="?",
        help='SQL text, e.g. "select * from marts.aging_timeseries", or - for standard input',
    )
    sql.add_argument(
        "-f",
        "--file",
        metavar="FILE",
        help="read the query from a UTF-8 file holding one statement (- for standard input)",
    )
    sql.add_argument(
        "--format",
        choices=FORMATS,
        help="how to print the result (default table); csv quotes text cells a spreadsheet "
        "would run as formulas with a leading '",
    )
    sql.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the result to FILE.csv (UTF-8 with BOM), FILE.parquet or FILE.xlsx instead "
        "of printing it",
    )
    sql.add_argument("--timeout", type=float, metavar="SECONDS", help=timeout_help)
    sql.set_defaults(handler=_cmd_sql)

    tables = commands.add_parser(
        "tables", help="list the schemas, tables and views with row counts and descriptions"
    )
    tables.add_argument("--format", choices=FORMATS, default="table")
    tables.add_argument("--timeout", type=float, metavar="SECONDS", help=timeout_help)
    tables.set_defaults(handler=_cmd_tables)

    describe = commands.add_parser(
        "describe", help="list a table's columns with types, titles and descriptions"
    )
    describe.add_argument(
        "table", help="schema.table, or a table name (the marts one when several schemas have it)"
    )
    describe.add_argument("--format", choices=FORMATS, default="table")
    describe.set_defaults(handler=_cmd_describe)

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
