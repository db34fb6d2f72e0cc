"""Meta-test: every unit in the registry has a feasible, a violated and a contribution test."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from solver.constraints import HARD_FILTERS, REGISTRY, ConstraintUnit, Level
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


def missing_tests(registry: Iterable[ConstraintUnit], covered: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(unit id, aspect) of every test the registry's units lack."""
    return [(u.id, a) for u in registry for a in ASPECTS if (u.id, a) not in covered]


def test_every_registry_unit_has_its_three_tests() -> None:
    assert missing_tests(REGISTRY, _covered()) == []


def test_covers_names_only_registry_units() -> None:
    ids = {u.id for u in REGISTRY}
    assert {unit for unit, _ in _covered()} <= ids


def test_registry_ids_are_unique_and_levelled() -> None:
    ids = [u.id for u in REGISTRY]
    assert len(ids) == len(set(ids)) == 15
    assert all(u.id.split(".")[0] == u.level.value for u in REGISTRY)
    assert [u.id for u in HARD_FILTERS][:3] == ["hard.in_forum_jurisdiction", "hard.escalation_open",
                                                "hard.not_original_court"]
    assert all(u.level == Level.HARD for u in HARD_FILTERS)
    assert all((u.default_weight is None) == (u.level == Level.HARD) for u in REGISTRY)


class _Untested(ConstraintUnit):
    id = "soft.untested"
    level = Level.SOFT


def test_the_check_reports_a_registered_unit_without_tests() -> None:
    covered = _covered()
    registry = (*REGISTRY, _Untested())
    assert missing_tests(registry, covered) == [("soft.untested", a) for a in ASPECTS]
    # and once its three tests exist, it is satisfied again
    assert missing_tests(registry, covered | {("soft.untested", a) for a in ASPECTS}) == []


def unit_classes() -> list[type[ConstraintUnit]]:
    """Every concrete unit class the solver's constraint modules define (private bases excluded)."""
    found, todo = [], list(ConstraintUnit.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("solver.constraints.") and not cls.__name__.startswith("_"):
            found.append(cls)
    return found


def unregistered(classes: Iterable[type[ConstraintUnit]], registry: Iterable[ConstraintUnit]) -> list[str]:
    """Unit classes with no instance in the registry: they would escape the three-test check."""
    registered = {type(u) for u in registry}
    return sorted(c.__name__ for c in classes if c not in registered)


def test_every_unit_class_is_in_the_registry() -> None:
    assert len(unit_classes()) >= len(REGISTRY)
    assert unregistered(unit_classes(), REGISTRY) == []


def test_the_registration_check_reports_a_unit_class_left_out() -> None:
    assert unregistered([*unit_classes(), _Untested], REGISTRY) == ["_Untested"]


def test_the_check_reports_a_real_unit_that_loses_one_test() -> None:
    unit, aspect = REGISTRY[0].id, ASPECTS[1]
    assert missing_tests(REGISTRY, _covered() - {(unit, aspect)}) == [(unit, aspect)]
