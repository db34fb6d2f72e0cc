"""A plain-Python evaluator of the compiled durable-rules predicates.

It reads the same JSON the engine receives, so it serves as an independent cross-check of
the engine in tests, as the reference in the throughput benchmark, and as the evaluator the
rulebook coverage check uses.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rules.compiler import MARKER

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "$neq": operator.ne,
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}


def matches(pattern: Mapping[str, Any], fact: Mapping[str, Any]) -> bool:
    """True when `fact` satisfies a compiled pattern. A missing field never matches (as in durable)."""
    for key, arg in pattern.items():
        if key == "$and":
            if not all(matches(p, fact) for p in arg):
                return False
        elif key == "$or":
            if not any(matches(p, fact) for p in arg):
                return False
        elif key in _CMP:
            ((name, value),) = arg.items()
            if name not in fact or not _CMP[key](fact[name], value):
                return False
        elif key not in fact or fact[key] != arg:
            return False
    return True


def _without_marker(pattern: Mapping[str, Any]) -> Mapping[str, Any]:
    tests = pattern.get("$and")
    if tests and tests[0] == MARKER:
        return {"$and": tests[1:]}
    return pattern


class PlainEvaluator:
    """Evaluate a compiled ruleset ({rule_id: {"all": [{"m": pattern}]}}) fact by fact."""

    def __init__(self, compiled: Mapping[str, Mapping[str, Any]]) -> None:
        # Records given here are case records already (the engine adds the marker itself), so
        # the leading record-type test is dropped rather than copied into every record.
        self._patterns = [(rule_id, _without_marker(rule["all"][0]["m"])) for rule_id, rule in compiled.items()]

    def fired(self, fact: Mapping[str, Any]) -> list[str]:
        return [rule_id for rule_id, pattern in self._patterns if matches(pattern, fact)]

    def evaluate(self, facts: Iterable[Mapping[str, Any]]) -> list[list[str]]:
        return [self.fired(f) for f in facts]


Predicate = Callable[[Mapping[str, Any]], bool]


def _every(parts: list[Predicate]) -> Predicate:
    return lambda f: all(p(f) for p in parts)


def _some(parts: list[Predicate]) -> Predicate:
    return lambda f: any(p(f) for p in parts)


def _compares(name: str, value: Any, cmp: Callable[[Any, Any], bool]) -> Predicate:
    return lambda f: name in f and cmp(f[name], value)


def _equals(name: str, value: Any) -> Predicate:
    return lambda f: name in f and f[name] == value


def compile_predicate(pattern: Mapping[str, Any]) -> Predicate:
    """The same pattern as a Python closure (a faster plain baseline for the benchmark)."""
    tests: list[Predicate] = []
    for key, arg in pattern.items():
        if key == "$and":
            tests.append(_every([compile_predicate(p) for p in arg]))
        elif key == "$or":
            tests.append(_some([compile_predicate(p) for p in arg]))
        elif key in _CMP:
            ((name, value),) = arg.items()
            tests.append(_compares(name, value, _CMP[key]))
        else:
            tests.append(_equals(key, arg))
    if len(tests) == 1:
        return tests[0]
    return _every(tests)


class CompiledPlainEvaluator(PlainEvaluator):
    """PlainEvaluator with every pattern turned into closures once."""

    def __init__(self, compiled: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__(compiled)
        self._predicates = [(rule_id, compile_predicate(p)) for rule_id, p in self._patterns]

    def fired(self, fact: Mapping[str, Any]) -> list[str]:
        return [rule_id for rule_id, pred in self._predicates if pred(fact)]
