"""`assign db ...`: schema migrations."""

from __future__ import annotations

import typer

from api.cli.common import cli_errors, out
from api.config import get_settings
from assign import migrate
from assign.db import make_engine


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)

    @db.command("upgrade")
    def upgrade(revision: str = typer.Argument("heads", help="target revision (default: every head)")) -> None:
        """Apply migrations up to REVISION on DATABASE_URL (SQLite file by default)."""
        with cli_errors():
            settings = get_settings()
            engine = make_engine(settings.database_url)
            migrate.upgrade(engine, revision)
            out.print(f"database at [bold]{engine.url.render_as_string(hide_password=True)}[/bold] "
                      f"is at revision {migrate.current_revision(engine)}")

    @db.command("current")
    def current() -> None:
        """Show the applied and the latest revision."""
        with cli_errors():
            engine = make_engine(get_settings().database_url)
            out.print(f"applied: {migrate.current_revision(engine)}  latest: {migrate.head_revision()}")

    app.add_typer(db, name="db")
