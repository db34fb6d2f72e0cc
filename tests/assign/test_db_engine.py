"""`assign.db.make_engine`: the SQLite settings every connection gets, and the page cache asked for by a writer of
large transactions (the store pass's workers: `WRITER_CACHE_MIB`), on every pooled connection; the import's cache
for its one transaction (`page_cache`)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation
from assign.db import IMPORT_CACHE_MIB, WRITER_CACHE_MIB, make_engine
from assign.errors import ImportReport, RowProblem
from assign.importer import _SEEN, import_pages
from assign.network import builtin_network
from rules.loader import load_rulebook


def _settings(url: str, **options: int) -> list[tuple[str, int, int]]:
    engine = make_engine(url, **options)
    with engine.connect() as one, engine.connect() as two:  # two pooled connections, each set up on connect
        found = [(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one(),
                  conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one(),
                  conn.exec_driver_sql("PRAGMA cache_size").scalar_one()) for conn in (one, two)]
    engine.dispose()
    return found


def test_a_writer_gets_its_page_cache_and_others_sqlites_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    default = sa.create_engine(url)
    with default.connect() as conn:
        sqlite_default = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    default.dispose()
    assert _settings(url) == [("wal", 1, sqlite_default)] * 2
    assert _settings(url, cache_mib=WRITER_CACHE_MIB) == [("wal", 1, -WRITER_CACHE_MIB * 1024)] * 2


def test_the_store_pass_workers_open_the_store_with_the_writer_cache(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    evaluation._init_worker(url, load_rulebook(BUILTIN_RULEBOOK_DIR), builtin_network(), {})
    try:
        with evaluation._worker[0].db.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -WRITER_CACHE_MIB * 1024
    finally:
        evaluation._worker[0].db.dispose()
        evaluation._worker.clear()


def test_an_import_runs_with_the_import_cache_and_gives_the_connection_back_as_it_was(engine: Engine) -> None:
    """`page_cache` around the import's one transaction (`assign.importer.import_pages`): SQLite's cache is
    IMPORT_CACHE_MIB inside it, and the pooled connection leaves with the cache it came with; PostgreSQL untouched."""
    seen: list[int] = []

    def store_page(conn: Connection, chunk: list[tuple[int, str | list[RowProblem]]], report: ImportReport) -> None:
        if conn.dialect.name == "sqlite":
            seen.append(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())

    with engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one() if conn.dialect.name == "sqlite" else None
    import_pages(engine, [(1, "a"), (2, "b"), (3, "c")], seen=_SEEN, store_page=store_page, batch_size=2, progress=None)
    if engine.dialect.name == "sqlite":
        assert seen == [-IMPORT_CACHE_MIB * 1024] * 2
        with engine.connect() as conn:  # the pool's one connection: the same one the import used
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
