"""Database engines and sessions. Nothing is created at import time.

SQLite (the default, a file) gets WAL and foreign keys; PostgreSQL is used through
psycopg 3 (`postgresql+psycopg://`). A plain `postgresql://` URL is rewritten to psycopg.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Table, event
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlmodel import Session, SQLModel, create_engine, select

from assign.errors import NotFound

try:
    import fcntl
except ImportError:  # not on Windows: writers there fall back to SQLite's busy handler across processes
    fcntl = None  # type: ignore[assignment]  # the module or None; write_lock checks


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


# SQLite's page cache, in MiB, for a connection that writes pages of thousands of rows (the store pass's
# workers; `make_engine(cache_mib=...)`). A page of 2,500 verdicts dirties the table's new pages and, since
# the look-ups by case need a case-major index (`VerdictRow`), one leaf of that index per verdict once some
# 30 nights are stored: beyond SQLite's default 2 MiB the dirty pages spill to the WAL inside the
# transaction and are written again. Measured (bench/RESULTS.md, then with the case-major unique key): no
# difference with one night stored, about 7 µs less per verdict saved with ~55 nights stored and a second
# writer between the transactions, as in the pass.
WRITER_CACHE_MIB = 16


def _cache_size_sql(mib: int) -> str:
    return f"PRAGMA cache_size=-{int(mib) * 1024}"  # negative: KiB


# SQLite's page cache, in MiB, for the one transaction of a bulk import (`page_cache`). The import inserts
# rows in the feed's order into a table with seven indexes (case number, debtor, court, status pairs…):
# each row touches a leaf of each, all over the trees, and with SQLite's default 2 MiB the leaves of a
# store of a few hundred thousand cases no longer stay in the cache: every row reads them back from the OS.
IMPORT_CACHE_MIB = 64


@contextmanager
def page_cache(conn: Connection, mib: int) -> Iterator[None]:
    """SQLite: the connection's page cache is `mib` MiB inside the block and what it was afterwards (the
    connection goes back to the pool); PostgreSQL: nothing (its buffers are the server's)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(_cache_size_sql(mib))
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def make_engine(url: str, *, echo: bool = False, cache_mib: int | None = None) -> Engine:
    """An engine for `url`; `cache_mib`: SQLite's page cache per connection (None: SQLite's default; ignored
    on PostgreSQL)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # DB-API objects: untyped
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            if cache_mib is not None:
                cur.execute(_cache_size_sql(cache_mib))
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def upsert(conn: Connection | Session, table: Table, rows: Sequence[dict[str, Any]], *, key: Sequence[str],
           update: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE, as one compiled statement executed over all rows
    (executemany): compiling a multi-VALUES statement per page costs more than the write. No `update`
    columns: DO NOTHING (insert the rows that are missing)."""
    if not rows:
        return
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same on_conflict API
    stmt = insert(table)
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={c: stmt.excluded[c] for c in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    execute_rows(conn, stmt, rows)


def execute_rows(conn: Connection | Session, stmt: Any, rows: Sequence[dict[str, Any]]) -> None:
    """`conn.execute(stmt, rows)` (executemany), on SQLite with the rows handed to the driver directly
    (`_execute_sqlite_rows`) when the statement allows it."""
    if not rows:
        return
    connection = conn.connection() if isinstance(conn, Session) else conn
    if connection.dialect.name != "sqlite" or not _execute_sqlite_rows(connection, stmt, rows):
        connection.execute(stmt, list(rows))


def _execute_sqlite_rows(connection: Connection, stmt: Any, rows: Sequence[dict[str, Any]]) -> bool:
    """`connection.execute(stmt, rows)` on SQLite, cheaper: the statement compiled once, the processors
    SQLAlchemy itself would apply run here, a date or time converted once per distinct value (a page of
    verdicts shares its day and write time), the rows handed to the driver as tuples. SQLAlchemy's per-row
    parameter handling cost as much as SQLite's own work for a verdict row. False (nothing done) for a
    statement it cannot take."""
    compiled = stmt.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup
    processors = compiled._bind_processors
    # positional binds only, each a value of the rows (a column default SQLAlchemy fills in is left to it)
    if names is None or any(name not in rows[0] for name in names) or not all(map(callable, processors.values())):
        return False
    convert = cast(dict[str, Callable[[Any], Any]], processors)
    memo: dict[Any, Any] = {}  # (bind name, day or instant and offset) -> the converted value
    tuples = []
    for row in rows:
        values = []
        for name in names:
            value = row[name]
            if name in convert:
                kind = type(value)
                if kind is date or kind is datetime:  # equal values convert alike (an instant: with its offset)
                    key = (name, value, value.utcoffset() if kind is datetime else None)
                    found = memo.get(key)
                    value = memo[key] = convert[name](value) if found is None else found
                else:
                    value = convert[name](value)
            values.append(value)
        tuples.append(tuple(values))
    connection.exec_driver_sql(compiled.string, tuples)
    return True


RowT = TypeVar("RowT", bound=SQLModel)


def get_row(session: Session, model: type[RowT], key: Any, what: str) -> RowT:
    """The row with primary key `key`, or NotFound("no <what> <key>") (a 404 through the API)."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"no {what} {key!r}")
    return row


def court_queue_page(session: Session, model: type[RowT], *, court_codes: Sequence[str] | None, active: bool,
                     after: int, limit: int, **equal: str | None) -> list[RowT]:
    """One page of a court's work queue table (node alerts, restoration leads: an `id`, a `court_code`
    and an `active` flag): the rows after the id cursor, in id order, with the given `active`; `court_codes`
    None = every court; each `equal` column whose value is given (not None or empty) must have that value."""
    table = table_of(model)
    q = select(model).where(table.c.active == active).where(table.c.id > after)
    if court_codes is not None:
        q = q.where(table.c.court_code.in_(list(court_codes)))
    for column, value in equal.items():
        if value:
            q = q.where(table.c[column] == value)
    return list(session.exec(q.order_by(table.c.id).limit(limit)).all())


def json_parts(dialect: str, column: ColumnElement[Any], paths: Sequence[tuple[str, ...]]) -> ColumnElement[str]:
    """The values at `paths` (two or more) in a column of JSON text, as the JSON text of one array (null where a
    path is absent): the database extracts the few parts a bulk reader needs, which then parses a short array
    instead of the whole document. SQLite's json_extract with several paths; PostgreSQL json_build_array of `#>`."""
    if len(paths) < 2:
        raise ValueError("json_parts takes two or more paths (json_extract returns one value bare)")
    if dialect == "postgresql":
        doc = sa.cast(column, sa.JSON)
        parts = [doc.op("#>")(sa.literal_column("'{" + ",".join(p) + "}'::text[]")) for p in paths]
        return sa.cast(sa.func.json_build_array(*parts), sa.Text)
    return sa.func.json_extract(column, *("$." + ".".join(p) for p in paths))


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class, for statements built once and bulk writes."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # set by SQLModel's metaclass, not declared


def rows_affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (`Session.execute` types its result as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class SqliteWriteLock:
    """One writer at a time on an SQLite file, across threads and processes, queued not polled.

    SQLite's own busy handler sleeps in growing steps (up to 100 ms) while another
    connection writes, so two processes that both write often wait far longer than the
    write takes. This lock serialises writers before they reach SQLite: a thread lock within
    the process, then `flock` on `<database>.write-lock` across processes; a waiter wakes as
    soon as the holder releases. Only writers that take it are ordered by it.
    """

    def __init__(self, database: str) -> None:
        self.path = f"{database}.write-lock"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    def __enter__(self) -> SqliteWriteLock:
        self._thread_lock.acquire()
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def write_lock(engine: Engine) -> AbstractContextManager[Any]:
    """The lock that hot write paths hold around their transaction: `SqliteWriteLock` for an
    SQLite file, a thread lock for in-memory SQLite, nothing for PostgreSQL (row locks queue)."""
    if not is_sqlite(engine):
        return nullcontext()
    database = engine.url.database or ""
    if database in ("", ":memory:") or fcntl is None:
        return threading.Lock()
    return SqliteWriteLock(database)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
