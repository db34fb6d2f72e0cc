"""The `assign` console script (Typer + Rich).

Each area has its own module in this package and registers its commands in `register`.
The modules parse arguments, call `api.service` (or a package's public function: the
rulebook checks, the network builder, the generator) and format output.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="assign",
    help="Art. 237 CPL cross-enforcement: find transferable cases, place them on courts.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

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

for _name in _AREAS:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _e:  # an area not written yet must not break the others
        if _e.name != _name:
            raise
        continue
    _module.register(app)


def main() -> None:
    app()
