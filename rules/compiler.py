"""Rulebook AST -> durable-rules ruleset JSON. Pure: no engine, no I/O.

Every rule compiles to one fact pattern `m` whose first test is the record-type marker
(`{"t": "case"}`): a positive test on a record field, so no rule can match the engine's own
state fact (which would fire forever, durable-rules-notes "Livelock").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assign.errors import RulebookError
from rules.facts import RECORD_TYPE
from rules.spec import Comparison, Group, ParamRef, Rule, Rulebook, Scalar

Json = dict[str, Any]
MARKER: Json = {"t": RECORD_TYPE}

# durable-rules limits compiled into the engine (shared/domain/durable-rules-notes.md)
MAX_RULES_MATCHING_ONE_FACT = 64  # error 303 past it; the marker rule takes one
MAX_RULES_PER_RULESET = 4096
MAX_OR_BRANCHES = 14  # an $or of 15 $and groups fails with error 113
MAX_DISTINCT_CONDITIONS_PER_FIELD = 511  # 512 hangs
MAX_RULES_SHARING_A_CONDITION = 255  # 256/257 crash or fail
MAX_FACT_FIELDS = 252


@dataclass(frozen=True)
class Operator:
    durable: str | None  # None: plain equality
    types: tuple[type, ...]  # fact types it applies to
    takes_list: bool
    build: Callable[[str, Any], Json]


def _cmp(key: str) -> Callable[[str, Any], Json]:
    return lambda fact, value: {key: {fact: value}}


OPERATORS: dict[str, Operator] = {
    "eq": Operator(None, (bool, int, str), False, lambda f, v: {f: v}),
    "ne": Operator("$neq", (bool, int, str), False, _cmp("$neq")),
    "gt": Operator("$gt", (int,), False, _cmp("$gt")),
    "gte": Operator("$gte", (int,), False, _cmp("$gte")),
    "lt": Operator("$lt", (int,), False, _cmp("$lt")),
    "lte": Operator("$lte", (int,), False, _cmp("$lte")),
    "in": Operator("$or", (int, str), True, lambda f, vs: {"$or": [{f: v} for v in vs]}),
    "not_in": Operator("$and", (int, str), True, lambda f, vs: {"$and": [{"$neq": {f: v}} for v in vs]}),
}


def resolve(value: Scalar | tuple[Scalar, ...] | ParamRef, params: dict[str, Any]) -> Any:
    if isinstance(value, ParamRef):
        return params[value.name]
    return list(value) if isinstance(value, tuple) else value


def compile_condition(item: Comparison | Group, params: dict[str, Any]) -> Json:
    if isinstance(item, Group):
        parts = [compile_condition(i, params) for i in item.items]
        if len(parts) == 1:
            return parts[0]
        return {"$and" if item.kind == "all" else "$or": parts}
    return OPERATORS[item.op].build(item.fact, resolve(item.value, params))


def compile_rule(rule: Rule, params: dict[str, Any]) -> Json:
    body = compile_condition(rule.when, params)
    tests = body["$and"] if set(body) == {"$and"} else [body]
    return {"all": [{"m": {"$and": [dict(MARKER), *tests]}}]}


def compile_rulebook(rulebook: Rulebook) -> dict[str, Json]:
    """{rule_id: durable rule JSON}, in rulebook order, without `run`/`cap` (the engine adds them)."""
    return {r.id: compile_rule(r, rulebook.params) for r in rulebook.rules}


def branches(pattern: Json) -> int:
    """How many durable rules a pattern expands to (its disjunctive normal form size)."""
    if "$and" in pattern:
        n = 1
        for p in pattern["$and"]:
            n *= branches(p)
        return n
    if "$or" in pattern:
        return sum(branches(p) for p in pattern["$or"])
    return 1


def _leaves(pattern: Json) -> list[tuple[str, str]]:
    if "$and" in pattern or "$or" in pattern:
        return [leaf for p in next(iter(pattern.values())) for leaf in _leaves(p)]
    op = next(iter(pattern))
    if op.startswith("$"):
        ((fact, value),) = pattern[op].items()
        return [(fact, f"{op}:{value!r}")]
    return [(op, f"=:{pattern[op]!r}")]


def engine_limit_problems(compiled: dict[str, Json], source: str = "") -> list[str]:
    """Everything that would make durable-rules fail, hang or crash on this ruleset."""
    where = f"{source}: " if source else ""
    problems: list[str] = []
    total = 1  # the engine's own marker rule (every record must fire something)
    per_field: dict[str, set[str]] = {}
    shared: dict[tuple[str, str], int] = {}
    for rule_id, rule in compiled.items():
        pattern = rule["all"][0]["m"]
        if pattern["$and"][0] != MARKER:
            problems.append(f"{where}rule {rule_id}: no positive record-type test (would match engine state)")
        for part in pattern["$and"]:
            if "$or" in part and len(part["$or"]) > MAX_OR_BRANCHES:
                problems.append(f"{where}rule {rule_id}: an any-group of {len(part['$or'])} branches "
                                f"(engine limit {MAX_OR_BRANCHES})")
        n = branches(pattern)
        total += n
        for fact, cond in set(_leaves(pattern)):
            per_field.setdefault(fact, set()).add(cond)
            shared[(fact, cond)] = shared.get((fact, cond), 0) + n
    if total > MAX_RULES_MATCHING_ONE_FACT:
        problems.append(f"{where}{total} engine rules (with any-branches and the marker rule) could all match one "
                        f"case; the engine allows {MAX_RULES_MATCHING_ONE_FACT} (error 303)")
    if total > MAX_RULES_PER_RULESET:
        problems.append(f"{where}{total} engine rules; the engine allows {MAX_RULES_PER_RULESET} per ruleset")
    for fact, conds in per_field.items():
        if len(conds) > MAX_DISTINCT_CONDITIONS_PER_FIELD:
            problems.append(f"{where}{len(conds)} distinct conditions on fact {fact} (the engine hangs past "
                            f"{MAX_DISTINCT_CONDITIONS_PER_FIELD})")
    for (fact, cond), n in shared.items():
        if n > MAX_RULES_SHARING_A_CONDITION:
            problems.append(f"{where}{n} rules share condition {fact} {cond} (limit {MAX_RULES_SHARING_A_CONDITION})")
    return problems


def check_engine_limits(compiled: dict[str, Json], source: str = "") -> None:
    problems = engine_limit_problems(compiled, source)
    if problems:
        raise RulebookError("rulebook exceeds durable-rules limits", problems)
