"""The findings commands (`assign alerts`, `assign leads`): store-wide passes that find things, declared once.

Every findings command takes the same four options, `--as-of DATE`, `--court CODE`, `--json` and
`--save/--no-save`, and opens the store the same way (`api.cli.stores.open_pass`: an unknown court is a
clear error before any work). `findings_command` declares them once: the command's function takes the
resulting `Findings` first, then only its own options. Each command keeps its own `--save` default
(leads are stored by default, alerts only printed).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from api.cli.common import cli_errors
from api.cli.options import AsOf, CourtScope, JsonOut, SaveFindings
from api.cli.stores import OpenedStore, open_pass


@dataclass(frozen=True)
class Findings:
    """What a findings command is asked: the opened store and day, and the shared options."""

    scope: OpenedStore
    court: str | None  # --court: only this court's jurisdiction
    as_json: bool  # --json
    save: bool  # --save/--no-save


FindingsRun = Callable[..., None]  # (findings: Findings, **its own options) -> None


def findings_command(app: typer.Typer, name: str, *, save: bool) -> Callable[[FindingsRun], FindingsRun]:
    """Register the decorated function as `assign NAME` with the shared options before its own (help: its docstring).

    `save` is the command's `--save/--no-save` default."""

    def register(run: FindingsRun) -> FindingsRun:
        def command(as_of: str | None, court: str | None, as_json: bool, save: bool, **own: Any) -> None:
            with cli_errors():
                run(Findings(scope=open_pass(as_of, court), court=court, as_json=as_json, save=save), **own)

        shared = [inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=AsOf),
                  inspect.Parameter("court", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=CourtScope),
                  inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOut),
                  inspect.Parameter("save", inspect.Parameter.KEYWORD_ONLY, default=save, annotation=SaveFindings)]
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
               for p in list(inspect.signature(run, eval_str=True).parameters.values())[1:]]
        # Typer reads a command's options from its signature: the shared ones, then the command's own
        command.__signature__ = inspect.Signature([*shared, *own])  # type: ignore[attr-defined]  # set on purpose
        command.__doc__ = run.__doc__
        app.command(name)(command)
        return run

    return register
