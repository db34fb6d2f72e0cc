"""Fact records the rules cannot tell apart, fired once: the engine asked once per class, not per record.

A rule's conditions compare facts with constants (`rules.compiler.OPERATORS`: eq, ne, in,
not_in on typed scalars; gt, gte, lt, lte on ints). Whether one comparison holds depends on
the value only through
- for a fact compared only with int constants c1 < ... < ck: where an int value falls among
  them (below c1, equal to c1, between c1 and c2, ...), and
- for any other fact: the value itself (with its type: the engine compares typed scalars);
and a fact no rule reads cannot matter at all. Two records with the same class on every read
fact therefore fire exactly the same rules, whatever their other values. `FiredByClass` asks
the engine once per class (one representative record, through the one engine: the decision is
still the engine's) and answers every other record of the class from what it said. A national
night of node alerts has about a million records but a few hundred classes.

A rulebook with a condition outside these operators gets no classes (`fact_classes` is None)
and every record goes to the engine, as before.

`fire_by_class(engine, records, case_nos)` is the one entry both rulesets use: the verdicts
(`rules.evaluate`, ~17 value facts and 8 thresholds: a store pass of 55k open cases has a few
thousand classes) and the node alerts (`rules.alerts`). The memo is per rulebook content, per
process; each engine still counts and re-runs records it drops (`RuleEngine.fire`).
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rules.spec import Comparison, Group, ParamRef, Rulebook, Scalar

if TYPE_CHECKING:  # rules.evaluate imports this module
    from rules.evaluate import FiresRules

THRESHOLD_OPS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"})
VALUE_OPS = frozenset({"eq", "ne", "in", "not_in"})
MEMO_LIMIT = 100_000  # classes remembered per rulebook (a few hundred in practice); beyond it, started over
_MISSING = object()
_EACH = object()  # leads a class read fact by fact (`FactClasses._of_each`)


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, object]], tuple[Any, ...]]:
    """The values of `names` in a mapping, as a tuple (a C itemgetter; KeyError when one is missing)."""
    if len(names) >= 2:
        return operator.itemgetter(*names)
    if names:
        one = operator.itemgetter(names[0])
        return lambda facts: (one(facts),)
    return lambda facts: ()


@dataclass(frozen=True)
class FactClasses:
    thresholds: tuple[tuple[str, tuple[int, ...]], ...]  # int-only facts: the sorted constants they meet
    values: tuple[str, ...]  # every other fact a rule reads: classed by value
    # what `of` reads with, set from the two above
    _ints: Callable[[Mapping[str, object]], tuple[Any, ...]] = field(init=False, repr=False, compare=False)
    _cuts: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)
    _int_types: tuple[type, ...] = field(init=False, repr=False, compare=False)
    _others: Callable[[Mapping[str, object]], tuple[Any, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # `of` reads every fact in C; set once here (the dataclass is frozen)
        names = tuple(name for name, _ in self.thresholds)
        object.__setattr__(self, "_ints", _getter(names))
        object.__setattr__(self, "_cuts", tuple(cuts for _, cuts in self.thresholds))
        object.__setattr__(self, "_int_types", (int,) * len(names))
        object.__setattr__(self, "_others", _getter(self.values))

    @property
    def read(self) -> frozenset[str]:
        """Every fact some rule reads (the facts a class is made of)."""
        return frozenset(name for name, _ in self.thresholds) | frozenset(self.values)

    def of(self, facts: Mapping[str, object]) -> tuple[Hashable, ...]:
        """The record's class: equal classes fire the same rules (module docstring).

        Where every threshold fact is present and an int and every value fact is present (every
        checked fact record), the class is read in C: for each int, where it falls among its
        constants as the pair (bisect_left, bisect_right) (equal to a constant exactly when the two
        differ), and the other values with their types. Otherwise `_of_each`, fact by fact."""
        try:
            ints = self._ints(facts)
            others = self._others(facts)
        except KeyError:
            return self._of_each(facts)
        if tuple(map(type, ints)) != self._int_types:
            return self._of_each(facts)
        cuts = self._cuts
        return (tuple(map(bisect_left, cuts, ints)), tuple(map(bisect_right, cuts, ints)),
                others, tuple(map(type, others)))

    def _of_each(self, facts: Mapping[str, object]) -> tuple[Hashable, ...]:
        """`of` for a record with a missing or unexpectedly typed fact: marked `_EACH` first, so it
        never equals a class read in C."""
        key: list[Hashable] = [_EACH]
        for name, cuts in self.thresholds:
            v = facts.get(name, _MISSING)
            if type(v) is int:
                i = bisect_left(cuts, v)
                key.append(2 * i + (i < len(cuts) and cuts[i] == v))
            else:  # not an int after all: its own value (and type) is its class
                key.append((type(v), v))
        for name in self.values:
            v = facts.get(name, _MISSING)
            key.append(v if type(v) is str else (type(v), v))
        return tuple(key)


def _comparisons(group: Group) -> list[Comparison]:
    out: list[Comparison] = []
    for item in group.items:
        out += _comparisons(item) if isinstance(item, Group) else [item]
    return out


def _constants(c: Comparison, params: Mapping[str, Any]) -> tuple[Scalar, ...]:
    value = params[c.value.name] if isinstance(c.value, ParamRef) else c.value
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def fact_classes(rulebook: Rulebook) -> FactClasses | None:
    """The classes of `rulebook`'s records, or None when some condition is not a comparison with constants."""
    constants: dict[str, list[Scalar]] = {}
    ops: dict[str, set[str]] = {}
    for rule in rulebook.rules:
        for c in _comparisons(rule.when):
            if c.op not in THRESHOLD_OPS:
                return None
            constants.setdefault(c.fact, []).extend(_constants(c, rulebook.params))
            ops.setdefault(c.fact, set()).add(c.op)
    thresholds: list[tuple[str, tuple[int, ...]]] = []
    values: list[str] = []
    for fact in sorted(constants):
        if all(type(v) is int for v in constants[fact]):
            thresholds.append((fact, tuple(sorted(set(int(v) for v in constants[fact])))))
        elif ops[fact] <= VALUE_OPS:
            values.append(fact)
        else:  # an order comparison with a non-int constant: the compiler refuses it; never guess
            return None
    return FactClasses(tuple(thresholds), tuple(values))


RecordCheck = Callable[[str, Mapping[str, Any]], None]  # (case number, record): raises on a faulty record


@dataclass
class FiredByClass:
    """`engine.fire` of a rulebook with classes, asked once per fact class (module docstring): the
    same answers in the same order. One per rulebook content (and `check`): any engine of that
    content answers alike. With a `check`, each class's first record is checked before the engine
    sees it, so every class in the memo was checked once (a record of a known class is not)."""

    classes: FactClasses
    check: RecordCheck | None = None
    memo: dict[tuple[Hashable, ...], tuple[str, ...]] = field(default_factory=dict)

    def fire(self, engine: FiresRules, records: Sequence[dict[str, Any]],
             case_nos: Sequence[str]) -> list[list[str]]:
        return [list(ids) for ids in self.fired_sets(engine, records, case_nos)]

    def fired_sets(self, engine: FiresRules, records: Sequence[dict[str, Any]],
                   case_nos: Sequence[str]) -> list[tuple[str, ...]]:
        """`fire`'s answers as the memo's tuples (shared, not copied: callers keep them as they are).
        Each record's class is hashed once for the memo (a class key is a tuple of ~20 values: its
        hash is not kept), again only for a class the memo does not know yet."""
        keys = [self.classes.of(r) for r in records]
        memo = self.memo
        found = [memo.get(k) for k in keys]
        ask: dict[tuple[Hashable, ...], int] = {}  # a class not known yet -> its first record here
        for i, ids in enumerate(found):
            if ids is None and keys[i] not in ask:
                ask[keys[i]] = i
        if not ask:
            return found  # type: ignore[return-value]  # every record's class known: no None left
        if self.check is not None:
            for i in ask.values():
                self.check(case_nos[i], records[i])
        answers = engine.fire([records[i] for i in ask.values()], [case_nos[i] for i in ask.values()])
        if len(memo) + len(ask) > MEMO_LIMIT:
            memo.clear()
        new = {k: tuple(ids) for k, ids in zip(ask, answers, strict=True)}
        memo.update(new)
        return [ids if ids is not None else new[k] for ids, k in zip(found, keys, strict=True)]


# (rulebook content hash, check) -> its fired-by-class memo
_memos: dict[tuple[str, RecordCheck | None], FiredByClass | None] = {}


def fired_by_class(rulebook: Rulebook, check: RecordCheck | None = None) -> FiredByClass | None:
    """The process's memo for `rulebook`'s content (classes first checked by `check`: a memo of
    its own), or None when the rulebook has no classes."""
    key = (rulebook.content_hash, check)
    if key not in _memos:
        classes = fact_classes(rulebook)
        _memos[key] = FiredByClass(classes, check) if classes is not None else None
    return _memos[key]


def fire_by_class(engine: FiresRules, records: Sequence[dict[str, Any]], case_nos: Sequence[str]) -> list[list[str]]:
    """`engine.fire(records, case_nos)`, asked once per class where the rulebook has classes."""
    by_class = fired_by_class(engine.rulebook)
    return by_class.fire(engine, records, case_nos) if by_class is not None else engine.fire(records, case_nos)

