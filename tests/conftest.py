"""Shared fixtures.

`engine` gives each test a fresh, migrated database: an SQLite file, and (when
ASSIGN_TEST_PG_URL points at a PostgreSQL server, as `.ci/run` arranges) a fresh schema
on PostgreSQL too. Tests that take `engine` run once per backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assign import migrate
from assign.db import make_engine

PG_URL = os.environ.get("ASSIGN_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgres"]


def _pg_engine_in_fresh_schema(url: str) -> tuple[Engine, str, Engine]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    return engine, schema, admin


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database of each backend (not yet migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set ASSIGN_TEST_PG_URL; .ci/run does)")
    engine, schema, admin = _pg_engine_in_fresh_schema(PG_URL)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh database of each backend."""
    eng = make_engine(db_url)
    migrate.upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite engine only, for tests about behaviour that is not backend-specific."""
    eng = make_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")
    migrate.upgrade(eng)
    yield eng
    eng.dispose()
