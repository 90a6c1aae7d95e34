"""The `govmetrics` command. Dagster and dbt are imported only by the commands that need them."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from warehouse import paths


def _cmd_build(_: argparse.Namespace) -> int:
    from orchestration.build import build_and_publish

    return 0 if build_and_publish() else 1


def _cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.formatting import render
    from warehouse.query import NoPublishedWarehouse, QueryRefused, run_query

    try:
        result = run_query(args.query, paths.published_db())
    except (QueryRefused, NoPublishedWarehouse) as err:
        print(f"govmetrics sql: {err}", file=sys.stderr)
        return 2
    except duckdb.Error as err:
        message = " ".join(str(err).split())
        print(f"govmetrics sql: {type(err).__name__}: {message}", file=sys.stderr)
        return 1
    print(render(result, args.format))
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
    build.set_defaults(handler=_cmd_build)

    sql = commands.add_parser("sql", help="run a read-only query against the published warehouse")
    sql.add_argument("query", help='SQL text, e.g. "select * from marts.aging_timeseries"')
    sql.add_argument("--format", choices=FORMATS, default="table")
    sql.set_defaults(handler=_cmd_sql)

    extract = commands.add_parser(
        "extract", help="print every quantity in a Chinese text, one JSON object per line"
    )
    extract.add_argument("path", help="a UTF-8 text file, or - for standard input")
    extract.set_defaults(handler=_cmd_extract)

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
