"""Shared fixtures.

`engine` gives each test a fresh, migrated database: an SQLite file, and (when
ASSIGN_TEST_PG_URL points at a PostgreSQL server, as `.ci/run` arranges) a fresh schema
on PostgreSQL too. Tests that take `engine` run once per backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assign import migrate
from assign.db import make_engine

PG_URL = os.environ.get("ASSIGN_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgres"]


@contextmanager
def fresh_pg_schema(url: str) -> Iterator[str]:
    """A URL on `url`'s PostgreSQL whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def migrated_engine(url: str) -> Iterator[Engine]:
    eng = make_engine(url)
    migrate.upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database of each backend (not yet migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set ASSIGN_TEST_PG_URL; .ci/run does)")
    with fresh_pg_schema(PG_URL) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh database of each backend."""
    with migrated_engine(db_url) as eng:
        yield eng


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite engine only, for tests about behaviour that is not backend-specific."""
    with migrated_engine(f"sqlite:///{tmp_path / 'one.sqlite'}") as eng:
        yield eng
