"""`assign CMD` imports only the area that registers CMD (api.cli): same commands, less start-up."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import typer

from api.cli import _AREAS, COMMAND_AREA, areas_for

HEAVY = ("fastapi", "alembic", "uvicorn")


def _run(argv0: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    code = ("import sys; sys.argv = [sys.argv[1], *sys.argv[2:]]; from api.cli import app; "
            "app(prog_name='assign')")
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", code, argv0, *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_every_command_maps_to_the_area_that_registers_it() -> None:
    registered: dict[str, str] = {}
    for name in _AREAS:
        t = typer.Typer()
        importlib.import_module(name).register(t)
        for c in t.registered_commands:
            registered[c.name or (c.callback.__name__ if c.callback else "").replace("_", "-")] = name
        for g in t.registered_groups:
            registered[str(g.name or g.typer_instance.info.name)] = name
    assert registered == COMMAND_AREA


def test_only_the_script_with_a_known_command_loads_one_area() -> None:
    assert areas_for(["/venv/bin/assign", "recommend", "x.json"]) == ["api.cli.recommend"]
    assert areas_for(["/venv/bin/assign", "--help"]) == _AREAS
    assert areas_for(["/venv/bin/assign", "no-such-command"]) == _AREAS
    assert areas_for(["pytest", "bench"]) == _AREAS  # a test runner's arguments are not commands


def test_recommend_starts_without_the_servers_imports_and_reads_as_before() -> None:
    probe = subprocess.run([sys.executable, "-c", (
        "import sys; sys.argv = ['/venv/bin/assign', 'recommend', '--help']; import api.cli; "
        f"api.cli.app.registered_commands; print([m for m in {HEAVY!r} if m in sys.modules])")],
        capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "[]", probe.stderr
    for args in (["recommend", "--help"], ["no-such"]):
        one, every = _run("/venv/bin/assign", args), _run("/elsewhere/assign-all", args)
        assert (one.returncode, one.stdout, one.stderr) == (every.returncode, every.stdout, every.stderr), args
