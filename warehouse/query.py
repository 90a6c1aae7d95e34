"""Read-only SQL against the published snapshot, with DuckDB's external access disabled.

A query runs in a sandbox with limits: a statement timeout (DuckDB has none, so a watchdog thread
interrupts the connection), a memory limit with nothing spilled to disk, and a thread limit. The
limits are set in the connection's configuration, which is then locked, so `SET` cannot raise
them. Before a snapshot is opened its checksum is checked against the sidecar that publishing
wrote (`<snapshot>.sha256.json`): size and mtime first, the full SHA-256 only when they differ.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import select
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.snapshot_check import check_snapshot

if TYPE_CHECKING:
    import pyarrow as pa

# Statement types a researcher may run; anything else (writes, ATTACH, SET, COPY ...) is refused.
READ_ONLY_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_LIMIT = "2GiB"
DEFAULT_THREADS = 2
_MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)", re.IGNORECASE)


class QueryRefused(ValueError):
    """The query is not a read-only statement, or not valid query text."""


class NoPublishedWarehouse(FileNotFoundError):
    """Nothing has been published yet."""


class SandboxSettingError(ValueError):
    """A limit set in the environment or on the command line is not valid."""


class QueryTimedOut(RuntimeError):
    """The query ran longer than the statement timeout and was interrupted."""


class QueryOutOfMemory(RuntimeError):
    """The query needed more memory than the sandbox's memory limit."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple]


@dataclass(frozen=True)
class SandboxLimits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS

    @classmethod
    def from_env(cls, timeout_s: float | None = None) -> SandboxLimits:
        """Limits from GOVMETRICS_SQL_TIMEOUT, _MEMORY_LIMIT and _THREADS; `timeout_s` (the
        `--timeout` option) wins over the environment."""
        if timeout_s is None:
            timeout_s = _positive("GOVMETRICS_SQL_TIMEOUT", float, DEFAULT_TIMEOUT_S)
        elif not 0 < timeout_s < math.inf:
            raise SandboxSettingError(f"--timeout {timeout_s}: give a number of seconds above 0")
        memory_limit = (
            os.environ.get("GOVMETRICS_SQL_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT
        )
        if not _MEMORY_LIMIT.fullmatch(memory_limit):
            raise SandboxSettingError(
                f"GOVMETRICS_SQL_MEMORY_LIMIT={memory_limit!r}: give a size such as 2GiB or 500MB"
            )
        threads = int(_positive("GOVMETRICS_SQL_THREADS", int, DEFAULT_THREADS))
        return cls(timeout_s=timeout_s, memory_limit=memory_limit, threads=threads)


def _positive(variable: str, parse: type[int] | type[float], default: float) -> float:
    """A positive, finite number from the environment (the default when unset or empty)."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = parse(text)
    except ValueError:
        value = 0
    if not 0 < value < math.inf:
        unit = "a number of seconds" if parse is float else "a whole number"
        raise SandboxSettingError(f"{variable}={text!r}: give {unit} above 0")
    return value


# --- the sandbox --------------------------------------------------------------------------------


def connect_read_only(
    db_path: Path, limits: SandboxLimits | None = None
) -> duckdb.DuckDBPyConnection:
    """Open a snapshot read-only after checking it; the query cannot read or write files, load
    extensions, or change the limits."""
    if not db_path.exists():
        raise NoPublishedWarehouse(
            f"no published warehouse at {db_path}: run `make run` or `govmetrics build` first"
        )
    warning = check_snapshot(db_path)
    if warning:
        print(f"govmetrics: {warning}", file=sys.stderr)
    limits = limits or SandboxLimits()
    return duckdb.connect(
        str(db_path),
        read_only=True,
        config={
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "memory_limit": limits.memory_limit,
            "threads": limits.threads,
            # Nothing spills to disk: a query over the limit fails instead of filling the disk
            # (and readers never share a temporary folder beside the snapshot).
            "temp_directory": "",
            "lock_configuration": True,
        },
    )


def check_query_text(sql: str) -> None:
    """Refuse text DuckDB cannot take: not valid UTF-8 (a shell passes undecodable bytes as lone
    surrogates) or a NUL character."""
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError as err:
        code = ord(sql[err.start])
        # A shell's undecodable byte b arrives as U+DC00 + b (Python's surrogateescape).
        what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
        raise QueryRefused(
            f"refused: the query is not valid UTF-8 text ({what} at character {err.start + 1});"
            " save or type it as UTF-8"
        ) from None
    if "\x00" in sql:
        raise QueryRefused(
            f"refused: the query contains a NUL character at character {sql.index(chr(0)) + 1};"
            " remove it"
        )


def check_read_only(sql: str) -> None:
    check_query_text(sql)
    statements = duckdb.extract_statements(sql)
    if not statements:
        raise QueryRefused("refused: the query is empty")
    for statement in statements:
        if statement.type not in READ_ONLY_STATEMENTS:
            kind = statement.type.name
            raise QueryRefused(f"refused: only read-only SELECT queries are allowed, got {kind}")


@contextlib.contextmanager
def _watchdog(
    con: duckdb.DuckDBPyConnection, timeout_s: float, stop_on_sigint: bool
) -> Iterator[dict[str, bool]]:
    """Interrupt the connection after `timeout_s`, or (from the main thread, if asked) on
    Ctrl-C, which DuckDB does not notice while it runs; yields which of the two happened."""
    fired = {"timeout": False, "sigint": False}
    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    done = threading.Event()
    previous_fd = None
    if stop_on_sigint and threading.current_thread() is threading.main_thread():
        # Python's C signal handler writes the signal number here from whatever thread it runs in.
        previous_fd = signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)

    def watch() -> None:
        ready, _, _ = select.select([wake_read], [], [], timeout_s)
        if done.is_set():
            return
        fired["sigint" if ready else "timeout"] = True
        # An interrupt that comes before DuckDB starts executing is lost (a Ctrl-C soon after
        # start): interrupt again until the query has ended.
        while not done.is_set():
            con.interrupt()
            done.wait(0.1)

    watcher = threading.Thread(target=watch, name="govmetrics-sql-watchdog", daemon=True)
    watcher.start()
    try:
        yield fired
    finally:
        done.set()
        if previous_fd is not None:
            signal.set_wakeup_fd(previous_fd)
        wake_write.send(b"\0")
        watcher.join()
        wake_read.close()
        wake_write.close()


class Sandbox:
    """An open sandboxed connection: every query it runs is checked as read-only, and the
    statement timeout covers all of them together."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, limits: SandboxLimits, fired: dict[str, bool]
    ) -> None:
        self.con = con
        self.limits = limits
        self._fired = fired

    @contextlib.contextmanager
    def guarded(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection, with an interrupt turned into QueryTimedOut or KeyboardInterrupt and
        running out of memory into QueryOutOfMemory."""
        try:
            yield self.con
        except (duckdb.InterruptException, RuntimeError) as err:
            # An interrupt while executing raises InterruptException; while fetching, DuckDB
            # raises RuntimeError("Query interrupted"), and it may notice Ctrl-C by itself
            # before the watchdog does. An interrupt the timer did not make is a Ctrl-C.
            if not isinstance(err, duckdb.InterruptException) and "interrupted" not in str(err):
                raise
            if self._fired["timeout"]:
                raise QueryTimedOut(
                    f"the query ran longer than {self.limits.timeout_s:g} s and was stopped "
                    "(set --timeout or GOVMETRICS_SQL_TIMEOUT)"
                ) from None
            raise KeyboardInterrupt from None
        except duckdb.OutOfMemoryException as err:
            reason = str(err).splitlines()[0]
            raise QueryOutOfMemory(
                f"the query needed more memory than the limit of {self.limits.memory_limit} and "
                f"was stopped (set GOVMETRICS_SQL_MEMORY_LIMIT, e.g. 4GiB): {reason}"
            ) from None

    def query(self, sql: str, params: list[object] | None = None) -> QueryResult:
        """Rows of the last statement, as Python values."""
        check_read_only(sql)
        with self.guarded() as con:
            relation = con.execute(sql, params)
            columns = [d[0] for d in relation.description or []]
            return QueryResult(columns=columns, rows=relation.fetchall())

    def arrow(self, sql: str) -> pa.Table:
        """The last statement's result as an Arrow table: DuckDB's column types kept."""
        check_read_only(sql)
        with self.guarded() as con:
            return con.sql(sql).to_arrow_table()


@contextlib.contextmanager
def sandbox(
    db_path: Path, limits: SandboxLimits | None = None, *, stop_on_sigint: bool = False
) -> Iterator[Sandbox]:
    """Open the snapshot (checked) in the sandbox. With `stop_on_sigint` (the CLI), Ctrl-C
    stops a running query and raises KeyboardInterrupt."""
    limits = limits or SandboxLimits()
    with (
        connect_read_only(db_path, limits) as con,
        _watchdog(con, limits.timeout_s, stop_on_sigint) as fired,
    ):
        yield Sandbox(con, limits, fired)


def run_query(
    sql: str,
    db_path: Path,
    limits: SandboxLimits | None = None,
    *,
    stop_on_sigint: bool = False,
) -> QueryResult:
    """Run one or more read-only statements within the limits; the result of the last one is
    returned. The timeout covers executing and fetching."""
    check_read_only(sql)
    with sandbox(db_path, limits, stop_on_sigint=stop_on_sigint) as box:
        return box.query(sql)


# --- what the snapshot holds ------------------------------------------------------------------

TABLES_COLUMNS = ["schema", "table", "kind", "rows", "title_zh", "title_en", "description"]
DESCRIBE_COLUMNS = ["column", "type", "title_zh", "title_en", "description"]


class UnknownTable(LookupError):
    """`describe` was given a name the snapshot has no table or view of."""


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # "table" or "view"

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relations(box: Sandbox) -> list[Relation]:
    """Every table and view of the snapshot, by schema and name."""
    result = box.query(
        "select table_schema, table_name, table_type from information_schema.tables"
        " where table_catalog = current_database() order by table_schema, table_name"
    )
    return [
        Relation(schema, name, "view" if kind == "VIEW" else "table")
        for schema, name, kind in result.rows
    ]


def list_tables(box: Sandbox) -> QueryResult:
    """One row per table and view: kind, exact row count (tables only), titles, description."""
    from warehouse.table_docs import table_doc

    found = relations(box)
    counts: dict[tuple[str, str], int] = {}
    tables = [r for r in found if r.kind == "table"]
    if tables:
        union = " union all ".join(
            f"select {i} as n, count(*) from {_identifier(r.schema)}.{_identifier(r.name)}"
            for i, r in enumerate(tables)
        )
        rows = box.query(union).rows
        counts = {(tables[i].schema, tables[i].name): count for i, count in rows}
    result = []
    with box.guarded() as con:
        for r in found:
            doc = table_doc(con, r.schema, r.name)
            count = counts.get((r.schema, r.name))
            result.append(
                (r.schema, r.name, r.kind, count, doc.title_zh, doc.title_en, doc.description)
            )
    return QueryResult(columns=list(TABLES_COLUMNS), rows=result)


def find_relation(box: Sandbox, name: str) -> Relation:
    """`schema.table`, or a bare name when one schema has it (`marts` first when several do);
    raises UnknownTable with the closest names."""
    import difflib

    found = relations(box)
    wanted = name.strip().lower()
    by_qualified = {r.qualified.lower(): r for r in found}
    if wanted in by_qualified:
        return by_qualified[wanted]
    same_name = [r for r in found if r.name.lower() == wanted]
    marts = [r for r in same_name if r.schema == "marts"]
    if len(same_name) == 1 or marts:
        return (marts or same_name)[0]
    if same_name:
        choices = ", ".join(r.qualified for r in same_name)
        raise UnknownTable(f"{name!r} is in several schemas ({choices}): give one of them")
    # Matched on both spellings, suggested qualified; a bare name shared by schemas stands for
    # its marts table when there is one (sorted last, so it wins).
    spellings = {
        r.name.lower(): r.qualified for r in sorted(found, key=lambda r: r.schema == "marts")
    }
    spellings |= {r.qualified.lower(): r.qualified for r in found}
    matches = difflib.get_close_matches(wanted, spellings, n=6, cutoff=0.6) or sorted(
        spelling for spelling in spellings if wanted in spelling
    )
    close = list(dict.fromkeys(spellings[m] for m in matches))[:3]
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UnknownTable(f"no table or view {name!r}: {hint}`govmetrics tables` lists them all")


def describe_relation(box: Sandbox, relation: Relation) -> QueryResult:
    """One row per column, in table order: name, DuckDB type, titles and description."""
    from warehouse.table_docs import column_docs

    columns = box.query(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = current_database() and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [relation.schema, relation.name],
    ).rows
    with box.guarded() as con:
        docs = column_docs(con, relation.schema, relation.name)
    rows = []
    for name, kind in columns:
        doc = docs.get(name)
        titles = (doc.title_zh, doc.title_en, doc.description) if doc else (None, None, None)
        rows.append((name, kind, *titles))
    return QueryResult(columns=list(DESCRIBE_COLUMNS), rows=rows)
