"""Migrated PostgreSQL schemas for the `engine` fixture, migrated once and reset between tests.

Running the migrations into a new schema costs PostgreSQL about 0.5-1 s of DDL per test (more than the
test itself for most), and a database copied from a template is no cheaper (PostgreSQL WAL-logs the copy
and checkpoints on every DROP DATABASE). So a schema is migrated once, lent to one test at a time, and
after each test put back exactly as the migrations left it: every table truncated, the migrations' own
rows copied back from a pristine migrated schema that no test touches, every sequence set to that
schema's state (about 0.1 s). A test that changed the
schema itself (a table, column, index, constraint, trigger, function...: its catalog fingerprint differs
from the pristine one's), or whose reset fails, gets its schema dropped instead, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from assign import migrate
from assign.db import make_engine

# Every object of a schema as text, its own name stripped by the caller: a test that changed any of it
# does not get its schema reused.
FINGERPRINT = text("""
SELECT coalesce(string_agg(x, E'\\n' ORDER BY x), '') FROM (
  SELECT 'c ' || c.relname || ' ' || CAST(c.relkind AS text) FROM pg_class c
   WHERE c.relnamespace = CAST(:s AS regnamespace)
  UNION ALL
  SELECT 'a ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
         || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = CAST(:s AS regnamespace) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'k ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
   WHERE k.connamespace = CAST(:s AS regnamespace)
  UNION ALL
  SELECT 'i ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
   WHERE c.relnamespace = CAST(:s AS regnamespace)
  UNION ALL
  SELECT 't ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = CAST(:s AS regnamespace) AND NOT t.tgisinternal
  UNION ALL
  SELECT 'r ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace = CAST(:s AS regnamespace)
  UNION ALL
  SELECT 'f ' || CAST(CAST(p.oid AS regprocedure) AS text) FROM pg_proc p
   WHERE p.pronamespace = CAST(:s AS regnamespace)
  UNION ALL
  SELECT 'y ' || t.typname FROM pg_type t WHERE t.typnamespace = CAST(:s AS regnamespace)
) q(x)
""")


def schema_url(url: str, schema: str) -> str:
    """`url` with its search_path set to `schema`."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


class MigratedSchemas:
    """Schemas migrated to head on `url`'s PostgreSQL, lent one per test by `lend`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = make_engine(url)
        self.free: list[str] = []
        self.pristine = self._migrated_schema()  # never lent: what every reset restores
        try:
            with self.admin.connect() as conn:
                self.fingerprint = self._fingerprint(conn, self.pristine)
                self.tables = list(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"),
                                                {"s": self.pristine}))
                self.seeded = [t for t in self.tables
                               if conn.scalar(text(f'SELECT EXISTS (SELECT 1 FROM "{self.pristine}"."{t}")'))]
                self.sequences = list(conn.scalars(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = :s"), {"s": self.pristine}))
        except BaseException:
            self.close()
            raise

    def _migrated_schema(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(schema_url(self.url, schema))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        return schema

    def _fingerprint(self, conn: Connection, schema: str) -> str:
        return str(conn.scalar(FINGERPRINT, {"s": schema})).replace(f"{schema}.", "")

    def _drop(self, schema: str) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def _reset(self, schema: str) -> bool:
        """Put `schema` back as the migrations left it; False when it cannot be (then it is to be dropped)."""
        try:
            with self.admin.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
                if self._fingerprint(conn, schema) != self.fingerprint:
                    return False
                # TRUNCATE, not DELETE: new, empty files, as after the migrations (no dead rows whose space
                # later rows would reuse, so an unordered read sees rows as on a fresh schema)
                conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{schema}"."{table}"' for table in self.tables))
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # seeds: no FK checks
                for table in self.seeded:
                    conn.exec_driver_sql(f'INSERT INTO "{schema}"."{table}" OVERRIDING SYSTEM VALUE '
                                         f'SELECT * FROM "{self.pristine}"."{table}"')
                for seq in self.sequences:
                    conn.exec_driver_sql(f"SELECT setval('\"{schema}\".\"{seq}\"', last_value, is_called) "
                                         f'FROM "{self.pristine}"."{seq}"')
            return True
        except Exception:  # noqa: BLE001 - any failure: the schema is dropped, as without reuse
            return False

    @contextmanager
    def lend(self) -> Iterator[str]:
        """A URL on a migrated schema of its own for the duration; reset and kept, or dropped, afterwards."""
        schema = self.free.pop() if self.free else self._migrated_schema()
        try:
            yield schema_url(self.url, schema)
        finally:
            if self._reset(schema):
                self.free.append(schema)
            else:
                self._drop(schema)

    def close(self) -> None:
        for schema in [*self.free, self.pristine]:
            self._drop(schema)
        self.free.clear()
        self.admin.dispose()
