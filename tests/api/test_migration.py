"""The migrations create exactly the tables the models declare: autogenerate finds nothing to do."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import assign.tables  # noqa: F401  (registers every table)

API_TABLES = ("api_key", "audit_record", "log_head", "event", "webhook_subscription", "webhook_delivery",
              "decision", "plan_job")


def test_the_migrated_schema_matches_the_api_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    ours = [d for d in diff if any(f"'{t}'" in str(d) or f"{t}." in str(d) for t in API_TABLES)]
    assert ours == []
    assert diff == []  # nor for any other table (cases, verdicts, plans, runs)
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    from assign import migrate

    assert heads == (migrate.head_revision(),)


def test_current_and_latest_revision_name_every_head(engine: Engine) -> None:
    """The single head is the newest migration file (revision ids are the files' names), whatever its number:
    a test naming today's head fails the day the next migration lands."""
    from assign import migrate

    newest = max(Path(migrate.__file__).parent.joinpath("migrations", "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    current = migrate.current_revision(engine)
    assert current == migrate.head_revision() == newest.stem
