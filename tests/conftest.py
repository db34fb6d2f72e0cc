"""Shared fixtures.

`engine` gives each test a fresh, migrated database: an SQLite file, and (when
ASSIGN_TEST_PG_URL points at a PostgreSQL server, as `.ci/run` arranges) a fresh schema
on PostgreSQL too. Tests that take `engine` run once per backend.

Running Alembic per test cost about 0.2 s on SQLite and 0.5-1 s on PostgreSQL, minutes over the suite.
So the migrations run once per session: on SQLite into a template file that each test gets a copy of; on
PostgreSQL into schemas that are reset to the migrated state between tests (`tests/pg_schemas.py`). Every
test still gets a database no other test has written to. The tests of the migrations themselves take
`db_url` (an empty database) and run the real migrations.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assign import migrate
from assign.db import make_engine
from tests.pg_schemas import MigratedSchemas, schema_url

PG_URL = os.environ.get("ASSIGN_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgres"]


@contextmanager
def fresh_pg_schema(url: str) -> Iterator[str]:
    """A URL on `url`'s PostgreSQL whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(url, schema)
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head, for `copy_sqlite_template` (never written to after)."""
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite"
    with migrated_engine(f"sqlite:///{path}") as eng:
        settle_sqlite(eng)
    return path


def settle_sqlite(engine: Engine) -> None:
    """Make `engine`'s SQLite file a template: everything in the main file (the write-ahead log checkpointed
    and emptied) and no connection left open, so `copy_sqlite_template` can copy the file alone."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def copy_sqlite_template(template: Path, path: Path) -> str:
    """A copy at `path` of an SQLite template (`settle_sqlite`: the session's migrated one, a seeded store); its
    URL."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[MigratedSchemas]:
    """The session's migrated PostgreSQL schemas (see `tests/pg_schemas.py`), dropped at its end."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set ASSIGN_TEST_PG_URL; .ci/run does)")
    schemas = MigratedSchemas(PG_URL)
    try:
        yield schemas
    finally:
        schemas.close()


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


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for a fresh database of each backend, migrated to head (a copy of the session's template)."""
    if request.param == "sqlite":
        yield copy_sqlite_template(request.getfixturevalue("sqlite_template"), tmp_path / "test.sqlite")
        return
    schemas: MigratedSchemas = request.getfixturevalue("pg_schemas")
    with schemas.lend() as url:
        yield url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh database of each backend."""
    eng = make_engine(migrated_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated SQLite engine only, for tests about behaviour that is not backend-specific."""
    eng = make_engine(copy_sqlite_template(sqlite_template, tmp_path / "one.sqlite"))
    try:
        yield eng
    finally:
        eng.dispose()
