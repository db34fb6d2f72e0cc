"""Meta-test: every unit in the registry has a feasible, a violated and a contribution test."""

from __future__ import annotations

import importlib
from pathlib import Path

from solver.constraints import HARD_FILTERS, REGISTRY, Level
from tests.solver.verifier import ASPECTS

HERE = Path(__file__).resolve().parent


def _covered() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted(HERE.glob("test_constraint_*.py")):
        module = importlib.import_module(f"tests.solver.{path.stem}")
        for name, fn in vars(module).items():
            if name.startswith("test_"):
                found |= set(getattr(fn, "__covers__", ()))
    return found


def test_every_registry_unit_has_its_three_tests() -> None:
    covered = _covered()
    missing = [(u.id, a) for u in REGISTRY for a in ASPECTS if (u.id, a) not in covered]
    assert missing == []


def test_covers_names_only_registry_units() -> None:
    ids = {u.id for u in REGISTRY}
    assert {unit for unit, _ in _covered()} <= ids


def test_registry_ids_are_unique_and_levelled() -> None:
    ids = [u.id for u in REGISTRY]
    assert len(ids) == len(set(ids)) == 13
    assert all(u.id.split(".")[0] == u.level.value for u in REGISTRY)
    assert [u.id for u in HARD_FILTERS][:2] == ["hard.in_forum_jurisdiction", "hard.not_original_court"]
    assert all(u.level == Level.HARD for u in HARD_FILTERS)
    assert all((u.default_weight is None) == (u.level == Level.HARD) for u in REGISTRY)


def test_meta_test_notices_a_unit_without_tests(monkeypatch) -> None:
    from solver.constraints.base import ConstraintUnit

    class Untested(ConstraintUnit):
        id = "soft.untested"
        level = Level.SOFT

    covered = _covered()
    assert any((Untested.id, a) not in covered for a in ASPECTS)
