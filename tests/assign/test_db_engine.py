"""`assign.db.make_engine`: the SQLite settings every connection gets, and the page cache asked for by a writer of
large transactions (the store pass's workers: `WRITER_CACHE_MIB`), on every pooled connection."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation
from assign.db import WRITER_CACHE_MIB, make_engine
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
