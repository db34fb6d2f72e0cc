"""The `assign` console script (Typer + Rich).

Each area has its own module in this package and registers its commands in `register`.
The modules parse arguments, call `api.service` (or a package's public function: the
rulebook checks, the network builder, the generator) and format output.

Areas are imported when Typer (or a test's runner) first reads the app's commands. Run as the
`assign` script with a known command (`assign recommend …`), only the area that registers it is
imported: the others bring FastAPI, alembic, uvicorn and the like, seconds of start-up that
`assign recommend` on a 2,000-case file spent before its first case (measured with
`python -X importtime`). Anything else (`assign`, `assign --help`, an unknown name, a test that
imports `app`) imports every area, so help and errors read as before.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import typer

# Modules that add commands or sub-apps to `app`. Each defines `register(app)`.
_AREAS = [
    "api.cli.network",
    "api.cli.database",
    "api.cli.cases",
    "api.cli.generate",
    "api.cli.rules_cmd",
    "api.cli.evaluate",
    "api.cli.alerts",
    "api.cli.registers",
    "api.cli.documents",
    "api.cli.outcomes",
    "api.cli.recommend",
    "api.cli.frontier",
    "api.cli.bench",
    "api.cli.nightly",
    "api.cli.serve",
    "api.cli.demo",
]

# The area that registers each top-level command or group (tests/api/test_cli_areas.py checks
# it against what every area registers; a command missing here only costs start-up time).
COMMAND_AREA = {
    "network": "api.cli.network", "db": "api.cli.database", "cases": "api.cli.cases",
    "courts": "api.cli.cases", "generate": "api.cli.generate", "rules": "api.cli.rules_cmd",
    "evaluate": "api.cli.evaluate", "alerts": "api.cli.alerts", "leads": "api.cli.registers",
    "registers": "api.cli.registers", "outcomes": "api.cli.outcomes", "recommend": "api.cli.recommend",
    "frontier": "api.cli.frontier", "bench": "api.cli.bench", "nightly": "api.cli.nightly",
    "scheduler": "api.cli.nightly", "serve": "api.cli.serve", "keys": "api.cli.serve", "documents": "api.cli.documents",
    "audit": "api.cli.serve", "webhooks": "api.cli.serve", "demo": "api.cli.demo",
}


def areas_for(argv: list[str]) -> list[str]:
    """The areas to import for this command line: the command's own when run as `assign CMD`."""
    if len(argv) > 1 and Path(argv[0]).name == "assign" and argv[1] in COMMAND_AREA:
        return [COMMAND_AREA[argv[1]]]
    return list(_AREAS)


class _Loaded:
    """An attribute of `_AreaTyper` whose first read registers the areas."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: _AreaTyper | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        obj._load()
        return getattr(obj, self.slot)

    def __set__(self, obj: _AreaTyper, value: Any) -> None:
        setattr(obj, self.slot, value)


class _AreaTyper(typer.Typer):
    """A Typer whose areas register themselves the first time its commands are read."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True  # first: each area's register() appends to the lists below
        names = areas_for(sys.argv)
        if len(names) < len(_AREAS):
            # one command alone would become the root command (`assign FILE`): a group it stays
            self.callback()(_group)
        for name in names:
            # imported plainly: a missing or broken area is an error, never a command that silently disappears
            importlib.import_module(name).register(self)

    # Typer reads these when it builds the command (the callback first): each loads the areas
    registered_callback = _Loaded()
    registered_commands = _Loaded()
    registered_groups = _Loaded()


def _group() -> None:
    pass


app = _AreaTyper(
    name="assign",
    help="Art. 237 CPL cross-enforcement: find transferable cases, place them on courts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def main() -> None:
    app()
