"""Ingest assets for reports: claim registers, and the quantities of report texts in the inbox."""

import hashlib

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    asset,
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
from ingest.contracts import (
    QUARANTINE_SCHEMA,
    Rejection,
    quarantine_frame,
    rejection_message,
)
from ingest.official_observations import load_reference_codes
from ingest.report_text import UnreadableText, decode_report
from orchestration.assets.loading import log_rejections, quarantine_check
from orchestration.resources import WarehouseResource
from warehouse import paths
from warehouse.raw_store import append_load, ensure_raw_table

REPORTS_FILE = paths.REGISTERS_DIR / "reports.csv"
CLAIMS_KEY = AssetKey(["raw", "report_claims"])
QUANTITIES_KEY = AssetKey(["raw", "report_quantities"])
AUTOMATIC_KEY = AssetKey(["raw", "report_automatic_claims"])
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


@asset(
    key=CLAIMS_KEY,
    group_name="raw",
    kinds={"python", "duckdb"},
    description=(
        "Claim registers: one row per quantitative statement of a report (locator, figure as "
        "written, value, kind, interval, claim type, indicator, place, time). Facts only."
    ),
    check_specs=[AssetCheckSpec("no_rows_quarantined", asset=CLAIMS_KEY)],
)
def report_claims(context: AssetExecutionContext, warehouse: WarehouseResource):
    reports = read_reports(REPORTS_FILE, paths.display_path(REPORTS_FILE))
    log_rejections(context, reports)
    # Registers are validated against the indicator catalog too: a new indicator re-validates.
    fingerprint = hashlib.sha256(
        REPORTS_FILE.read_bytes() + (paths.DBT_SEEDS_DIR / "indicators.csv").read_bytes()
    ).hexdigest()
    loaded = 0
    with warehouse.connect() as con:
        append_load(con, "reports", REPORTS_FILE, paths.display_path(REPORTS_FILE),
                    reports.valid, reports.quarantine, fingerprint)  # fmt: skip
        for report_id in reports.valid.get_column("report_id"):
            if not _claims_file(report_id).exists():
                continue  # listed for its dates only: its text is checked by automatic claims
            parsed = _register(report_id)
            log_rejections(context, parsed)
            path = _claims_file(report_id)
            outcome = append_load(con, "report_claims", path, paths.display_path(path),
                                  parsed.valid, parsed.quarantine, fingerprint)  # fmt: skip
            loaded += outcome.rows_loaded
    yield MaterializeResult(metadata={"reports": reports.valid.height, "claims_loaded": loaded})
    yield quarantine_check(warehouse, "report_claims", CLAIMS_KEY)


def _report_texts(reports: list[dict]) -> dict[str, object]:
    """inbox/reports/*.txt by report id: the file named `<report_id>.txt`, or the file whose
    SHA-256 is the one the register was made against."""
    texts = {}
    for path in sorted((paths.inbox() / "reports").glob("*.txt")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        texts[report_id_of(digest, path.stem, reports)] = path
    return texts


def _read_text(path) -> tuple[str | None, str | None]:
    """(text, None), or (None, why not) for a file that is no text this project reads."""
    try:
        return decode_report(path.read_bytes())[0], None
    except (OSError, UnreadableText) as err:
        return None, str(err)


def _checks(reconciled: dict[str, Reconciliation]) -> list[AssetCheckResult]:
    registered = {r: rec for r, rec in reconciled.items() if rec.register_check.height}
    not_found = pl.concat(
        [rec.entries_not_found() for rec in registered.values()], how="vertical"
    ) if registered else pl.DataFrame(schema=CHECK_SCHEMA)  # fmt: skip
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


@asset(
    key=QUANTITIES_KEY,
    deps=[CLAIMS_KEY],
    group_name="raw",
    kinds={"python", "duckdb"},
    description=(
        "Every quantity extracted from the report texts in inbox/reports/, with its locator and "
        "what accounts for it (a register entry, an exclusion, a footnote, or nothing)."
    ),
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
        for report_id, path in _report_texts(reports).items():
            registered = report_id in known and _claims_file(report_id).exists()
            claims = _register(report_id).valid if registered else pl.DataFrame(schema=CLAIM_SCHEMA)
            exclusions = read_exclusions(paths.exclusions_file(report_id))
            text, unreadable = _read_text(path)
            if text is None:
                context.log.warning(f"{paths.display_path(path)}: {unreadable}: not read")
                continue
            result = reconcile(report_id, text, claims, exclusions)
            reconciled[report_id] = result
            name = paths.display_path(path)
            # A changed register or exclusion list means the same text is reconciled again.
            fingerprint = hashlib.sha256(
                b"".join(p.read_bytes() for p in _register_files(report_id) if p.exists())
            ).hexdigest()
            append_load(con, "report_quantities", path, name, result.quantities,
                        no_rejections, fingerprint)  # fmt: skip
            append_load(con, "report_register_checks", path, name, result.register_check,
                        no_rejections, fingerprint)  # fmt: skip
            context.log.info(
                f"{name}: {result.quantities.height} quantities, "
                f"{result.accounted_share:.1%} accounted for"
            )
    yield MaterializeResult(metadata={"report_texts": len(reconciled)})
    yield from _checks(reconciled)


def _linker_inputs() -> bytes:
    """What every text's automatic claims are made with: the linker's seeds, the code of the
    ingest package, the report list."""
    files = [paths.DBT_SEEDS_DIR / name for name in _LINKER_SEEDS]
    files += [*sorted((paths.REPO_ROOT / "ingest").glob("*.py")), REPORTS_FILE]
    return b"\0".join(file.read_bytes() for file in files)


def _linker_fingerprint(inputs: bytes, review_file) -> str:
    review = review_file.read_bytes() if review_file.exists() else b""
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
    inputs = _linker_inputs()
    checked = 0
    with warehouse.connect() as con:
        ensure_raw_table(con, "report_automatic_claims", pl.DataFrame(schema=AUTO_CLAIM_SCHEMA))
        for report_id, path in _report_texts(list(reports.values())).items():
            if _claims_file(report_id).exists():
                continue
            listed = reports.get(report_id)
            reference = None
            if listed:
                reference = reference_of_listed(listed["date_published"], listed["data_as_of"])
            basis = "the report list's date (reports.csv)" if reference else ""
            review_file = review_path(path.parent, report_id)
            name = paths.display_path(path)
            fingerprint = _linker_fingerprint(inputs, review_file)
            text, unreadable = _read_text(path)
            if text is None:
                rejection = Rejection(name, 1, "text", None, unreadable)
                append_load(
                    con,
                    "report_automatic_claims",
                    path,
                    name,
                    pl.DataFrame(schema=AUTO_CLAIM_SCHEMA),
                    quarantine_frame([rejection]),
                    fingerprint,
                )
                context.log.warning(rejection_message(name, 1, "text", unreadable))
                continue
            result = build_automatic_claims(
                text, report_id, lexicon, name, reference, basis, review_file
            )
            append_load(
                con,
                "report_automatic_claims",
                path,
                name,
                result.claims,
                result.quarantine,
                fingerprint,
            )
            linked = result.claims.filter(pl.col("indicator_code").is_not_null()).height
            context.log.info(
                f"{name}: {result.claims.height} automatic claims, {linked} linked to an "
                f"indicator, read as of {result.reference_date} ({result.reference_basis})"
            )
            checked += 1
    yield MaterializeResult(metadata={"report_texts_checked": checked})
    yield quarantine_check(warehouse, "report_automatic_claims", AUTOMATIC_KEY)
