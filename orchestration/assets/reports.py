"""Ingest assets for reports: claim registers, and the quantities of report texts in the inbox."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    asset,
    multi_asset,
)

from ingest.automatic_claims import build_automatic_claims, reference_of_listed
from ingest.claim_linking import AUTO_CLAIM_SCHEMA, Lexicon
from ingest.claim_register import (
    CHECK_SCHEMA,
    CLAIM_SCHEMA,
    QUANTITY_SCHEMA,
    Reconciliation,
    read_claims,
    read_exclusions,
    read_reports,
    reconcile,
    report_id_of,
)
from ingest.claim_review import review_path
from ingest.contracts import QUARANTINE_SCHEMA, ParsedFile, Rejection, quarantine_frame
from ingest.inbox_files import InboxFile, InboxFileRefused, inbox_entries, read_inbox_file
from ingest.official_observations import load_reference_codes
from ingest.report_text import UnreadableText, decode_report
from ingest.seeds import rules_fingerprint
from orchestration.assets.loading import (
    log_rejections,
    quarantine_check,
    record_refused_file,
    retire_removed_files,
)
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.raw_store import append_load, append_rows, ensure_raw_table

REPORTS_FILE = paths.REGISTERS_DIR / "reports.csv"
REPORTS_KEY = AssetKey(["raw", "reports"])
CLAIMS_KEY = AssetKey(["raw", "report_claims"])
QUANTITIES_KEY = AssetKey(["raw", "report_quantities"])
REGISTER_CHECKS_KEY = AssetKey(["raw", "report_register_checks"])
AUTOMATIC_KEY = AssetKey(["raw", "report_automatic_claims"])
AUTOMATIC_TABLE = "report_automatic_claims"
# The seeds automatic claims are made from besides the text: a change re-links every text.
_LINKER_SEEDS = (
    "indicator_terms.csv",
    "indicators.csv",
    "measure_words.csv",
    "indicator_relations.csv",
    "geographies.csv",
)
MIN_ACCOUNTED_SHARE = 0.95


def _claims_file(report_id: str):
    return paths.register_file(report_id)


def _register_files(report_id: str):
    return [paths.register_file(report_id), paths.exclusions_file(report_id)]


def _register(report_id: str):
    indicators = frozenset(load_reference_codes(paths.DBT_SEEDS_DIR, frozenset()).indicator_kinds)
    path = _claims_file(report_id)
    return read_claims(path, report_id, indicators, paths.display_path(path))


@multi_asset(
    name="raw__report_claims",
    specs=[
        AssetSpec(
            REPORTS_KEY,
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "The report list (ingest/data/reports/reports.csv): every report with a claim "
                "register or a text checked automatically, with its dates."
            ),
        ),
        AssetSpec(
            CLAIMS_KEY,
            deps=[REPORTS_KEY],
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "Claim registers: one row per quantitative statement of a report (locator, figure "
                "as written, value, kind, interval, claim type, indicator, place, time). Facts "
                "only."
            ),
        ),
    ],
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=CLAIMS_KEY)],
)
def report_claims(context: AssetExecutionContext, warehouse: WarehouseResource):
    reports = read_reports(REPORTS_FILE, paths.display_path(REPORTS_FILE))
    log_rejections(context, reports)
    # Registers are validated against the indicator catalog too: a new indicator re-validates.
    fingerprint = hashlib.sha256(
        REPORTS_FILE.read_bytes()
        + (paths.DBT_SEEDS_DIR / "indicators.csv").read_bytes()
        + rules_fingerprint().encode()
    ).hexdigest()
    loaded = 0
    with warehouse.connect() as con:
        append_load(
            con,
            "reports",
            REPORTS_FILE,
            paths.display_path(REPORTS_FILE),
            reports.valid,
            reports.quarantine,
            fingerprint,
        )
        for report_id in reports.valid.get_column("report_id"):
            if not _claims_file(report_id).exists():
                continue  # listed for its dates only: its text is checked by automatic claims
            parsed = _register(report_id)
            log_rejections(context, parsed)
            path = _claims_file(report_id)
            outcome = append_load(
                con,
                "report_claims",
                path,
                paths.display_path(path),
                parsed.valid,
                parsed.quarantine,
                fingerprint,
            )
            loaded += outcome.rows_loaded
    yield MaterializeResult(asset_key=REPORTS_KEY, metadata={"reports": reports.valid.height})
    yield MaterializeResult(asset_key=CLAIMS_KEY, metadata={"claims_loaded": loaded})
    yield quarantine_check(warehouse, "report_claims", CLAIMS_KEY)


@dataclass(frozen=True)
class ReportText:
    """A readable report text of the inbox: its file, its name in `raw`, its decoded text."""

    file: InboxFile
    name: str
    text: str


@dataclass(frozen=True)
class InboxTexts:
    """The report texts of inbox/reports/: readable ones by report id, refused ones by name
    with the reason."""

    texts: dict[str, ReportText]
    refused: dict[str, str]

    def names(self) -> set[str]:
        return {text.name for text in self.texts.values()}


def _report_texts(reports: list[dict]) -> InboxTexts:
    """inbox/reports/*.txt by report id: the file named `<report_id>.txt`, or the file whose
    SHA-256 is the one the register was made against. A file that is not a readable regular
    file or not a text, a copy of one already read, or a second text of the same report is
    refused with the reason."""
    texts: dict[str, ReportText] = {}
    refused: dict[str, str] = {}
    read_as: dict[str, str] = {}  # content hash -> the name it was read under
    for path in inbox_entries(paths.inbox() / "reports", (".txt",)):
        name = paths.inbox_name(path)
        try:
            file = read_inbox_file(path, paths.inbox())
            text, _ = decode_report(file.data)
        except (InboxFileRefused, UnreadableText) as err:
            refused[name] = str(err)
            continue
        first = read_as.setdefault(file.sha256, name)
        report_id = report_id_of(file.sha256, path.stem, reports)
        if first != name:
            refused[name] = f"the same content as {first}, which is read: a copy is read once"
        elif report_id in texts:
            other = texts[report_id].name
            refused[name] = f"a second text of report {report_id} (read from {other})"
        else:
            texts[report_id] = ReportText(file, name, text)
    return InboxTexts(texts, refused)


def _review_file(path: Path) -> tuple[Path | None, str | None]:
    """The review file beside a text, when there is one and it is a readable regular file."""
    if not path.exists() and not path.is_symlink():
        return None, None
    try:
        read_inbox_file(path, paths.inbox())
    except InboxFileRefused as err:
        return None, str(err)
    return path, None


def _checks(reconciled: dict[str, Reconciliation]) -> list[AssetCheckResult]:
    registered = {r: rec for r, rec in reconciled.items() if rec.register_check.height}
    not_found = (
        pl.concat([rec.entries_not_found() for rec in registered.values()], how="vertical")
        if registered
        else pl.DataFrame(schema=CHECK_SCHEMA)
    )
    shares = {report_id: rec.accounted_share for report_id, rec in registered.items()}
    return [
        AssetCheckResult(
            asset_key=QUANTITIES_KEY,
            check_name="register_entries_found_in_text",
            passed=not_found.is_empty(),
            severity=AssetCheckSeverity.WARN,
            metadata={
                "reports_checked": len(registered),
                "entries_not_found": not_found.height,
                "first_not_found": "\n".join(
                    f"{r['claim_id']} at {r['section']}/{r['paragraph']} {r['surface']}: "
                    f"{r['status']}"
                    for r in not_found.head(20).iter_rows(named=True)
                )
                or "none",
            },
        ),
        AssetCheckResult(
            asset_key=QUANTITIES_KEY,
            check_name="extracted_quantities_accounted_for",
            passed=all(share >= MIN_ACCOUNTED_SHARE for share in shares.values()),
            severity=AssetCheckSeverity.WARN,
            metadata={
                "minimum_share": MIN_ACCOUNTED_SHARE,
                **{f"accounted_share_{r}": round(s, 4) for r, s in shares.items()},
            },
        ),
    ]


@multi_asset(
    name="raw__report_quantities",
    specs=[
        AssetSpec(
            QUANTITIES_KEY,
            deps=[CLAIMS_KEY],
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "Every quantity extracted from the report texts in inbox/reports/, with its "
                "locator and what accounts for it (a register entry, an exclusion, a footnote, "
                "or nothing)."
            ),
        ),
        AssetSpec(
            REGISTER_CHECKS_KEY,
            deps=[CLAIMS_KEY],
            group_name="raw",
            kinds={"python", "duckdb"},
            description=(
                "Each register entry of a report whose text is in inbox/reports/, looked up at "
                "its locator in that text."
            ),
        ),
    ],
    check_specs=[
        AssetCheckSpec("register_entries_found_in_text", asset=QUANTITIES_KEY),
        AssetCheckSpec("extracted_quantities_accounted_for", asset=QUANTITIES_KEY),
    ],
)
def report_quantities(context: AssetExecutionContext, warehouse: WarehouseResource):
    reports = read_reports(REPORTS_FILE).valid.to_dicts()
    known = {row["report_id"] for row in reports}
    no_rejections = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    reconciled: dict[str, Reconciliation] = {}
    with warehouse.connect() as con:
        ensure_raw_table(con, "report_quantities", pl.DataFrame(schema=QUANTITY_SCHEMA))
        ensure_raw_table(con, "report_register_checks", pl.DataFrame(schema=CHECK_SCHEMA))
        inbox_texts = _report_texts(reports)
        for report_id, report in inbox_texts.texts.items():
            registered = report_id in known and _claims_file(report_id).exists()
            claims = _register(report_id).valid if registered else pl.DataFrame(schema=CLAIM_SCHEMA)
            exclusions = read_exclusions(paths.exclusions_file(report_id))
            name = report.name
            result = reconcile(report_id, report.text, claims, exclusions)
            reconciled[report_id] = result
            # A changed register or exclusion list means the same text is reconciled again.
            fingerprint = hashlib.sha256(
                b"".join(p.read_bytes() for p in _register_files(report_id) if p.exists())
            ).hexdigest()
            for table, frame in (
                ("report_quantities", result.quantities),
                ("report_register_checks", result.register_check),
            ):
                append_rows(con, table, name, report.file.sha256, frame, no_rejections, fingerprint)
            context.log.info(
                f"{name}: {result.quantities.height} quantities, "
                f"{result.accounted_share:.1%} accounted for"
            )
        # A text that left the inbox, or that can no longer be read, gives nothing now (the
        # automatic claims asset quarantines the unreadable ones by name).
        tables = ("report_quantities", "report_register_checks")
        retire_removed_files(context, con, tables, inbox_texts.names())
    checked = sum(rec.register_check.height > 0 for rec in reconciled.values())
    yield MaterializeResult(asset_key=QUANTITIES_KEY, metadata={"report_texts": len(reconciled)})
    yield MaterializeResult(asset_key=REGISTER_CHECKS_KEY, metadata={"reports_checked": checked})
    yield from _checks(reconciled)


def linker_inputs() -> bytes:
    """What every text's automatic claims are made with: the linker's seeds, the code of the
    ingest package, the report list."""
    files = [paths.DBT_SEEDS_DIR / name for name in _LINKER_SEEDS]
    files += [*sorted((paths.REPO_ROOT / "ingest").glob("*.py")), REPORTS_FILE]
    return b"\0".join(file.read_bytes() for file in files)


def linker_fingerprint(inputs: bytes, review_file: Path | None) -> str:
    """The contract hash of a text's automatic claims: what they were made with, and the
    review decisions applied (the inbox sensor compares review files with it)."""
    review = review_file.read_bytes() if review_file is not None else b""
    return hashlib.sha256(inputs + b"\0" + review).hexdigest()


@asset(
    key=AUTOMATIC_KEY,
    deps=[QUANTITIES_KEY],
    group_name="raw",
    kinds={"python", "duckdb"},
    description=(
        "Automatic claims of the report texts in inbox/reports/ that have no register: every "
        "quantity linked to an indicator, place and date by the claim linker, with its confidence "
        "and evidence, and the decisions of inbox/reports/<report_id>.review.csv applied."
    ),
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=AUTOMATIC_KEY)],
)
def report_automatic_claims(context: AssetExecutionContext, warehouse: WarehouseResource):
    reports = {row["report_id"]: row for row in read_reports(REPORTS_FILE).valid.to_dicts()}
    lexicon = Lexicon.from_seeds(paths.DBT_SEEDS_DIR)
    inputs = linker_inputs()
    inputs_hash = hashlib.sha256(inputs).hexdigest()
    with warehouse.connect() as con:
        ensure_raw_table(con, AUTOMATIC_TABLE, pl.DataFrame(schema=AUTO_CLAIM_SCHEMA))
        inbox_texts = _report_texts(list(reports.values()))
        for name, reason in inbox_texts.refused.items():
            record_refused_file(context, con, AUTOMATIC_TABLE, name, reason, inputs_hash)
        linked: set[str] = set()
        for report_id, report in inbox_texts.texts.items():
            if _claims_file(report_id).exists():
                continue  # checked by its register
            _link_text(context, con, report_id, report, reports.get(report_id), lexicon, inputs)
            linked.add(report.name)
        # Only the texts linked or refused now keep their loads here: a text that left, or that
        # a register now covers, leaves.
        retire_removed_files(context, con, (AUTOMATIC_TABLE,), linked | set(inbox_texts.refused))
    yield MaterializeResult(metadata={"report_texts_checked": len(linked)})
    yield quarantine_check(warehouse, AUTOMATIC_TABLE, AUTOMATIC_KEY)


def _link_text(
    context: AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    report_id: str,
    report: ReportText,
    listed: dict | None,
    lexicon: Lexicon,
    inputs: bytes,
) -> None:
    """Link one text's claims, its review decisions applied."""
    reference = None
    if listed:
        reference = reference_of_listed(listed["date_published"], listed["data_as_of"])
    basis = "the report list's date (reports.csv)" if reference else ""
    review = review_path(report.file.path.parent, report_id)
    review_file, review_refused = _review_file(review)
    fingerprint = linker_fingerprint(inputs, review_file)
    result = build_automatic_claims(
        report.text, report_id, lexicon, report.name, reference, basis, review_file
    )
    quarantine = result.quarantine
    if review_refused:
        refusal = Rejection(paths.inbox_name(review), None, "file", None, review_refused)
        quarantine = pl.concat([quarantine, quarantine_frame([refusal])])
    append_rows(
        con,
        AUTOMATIC_TABLE,
        report.name,
        report.file.sha256,
        result.claims,
        quarantine,
        fingerprint,
    )
    log_rejections(context, ParsedFile(result.claims, quarantine))
    linked = result.claims.filter(pl.col("indicator_code").is_not_null()).height
    context.log.info(
        f"{report.name}: {result.claims.height} automatic claims, {linked} linked to an "
        f"indicator, read as of {result.reference_date} ({result.reference_basis})"
    )
