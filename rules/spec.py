"""The rulebook as small frozen objects (the loader builds them; the compiler reads them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Scalar = bool | int | str


@dataclass(frozen=True)
class ParamRef:
    """A condition value taken from the rulebook's params (a policy threshold)."""

    name: str


@dataclass(frozen=True)
class Comparison:
    fact: str
    op: str  # a key of rules.compiler.OPERATORS
    value: Scalar | tuple[Scalar, ...] | ParamRef


@dataclass(frozen=True)
class Group:
    """`all` (every item holds) or `any` (at least one holds); items nest one level."""

    kind: str  # "all" | "any"
    items: tuple[Comparison | Group, ...]


@dataclass(frozen=True)
class Effects:
    """What a fired rule sets on the verdict."""

    outcome: str | None = None  # only outcome rules set it
    basis_from_facts: bool = False  # copy facts["basis"] into the verdict
    modes: tuple[str, ...] = ()  # outcome rules: the permitted modes
    may_add_modes: tuple[str, ...] = ()  # outcome rules: modes other rules may add
    add_modes: tuple[str, ...] = ()  # other rules: modes to add when the outcome allows them
    prefer_modes: tuple[str, ...] = ()  # preferred order among permitted modes
    priority: int = 0  # the highest-priority preference with a permitted mode wins
    flags: tuple[str, ...] = ()
    alert: str | None = None  # alerts ruleset: the process node the alert concerns
    severity: str | None = None  # alerts ruleset: low | medium | high


@dataclass(frozen=True)
class Rule:
    id: str
    label_zh: str
    legal_basis: str
    when: Group
    sets: Effects
    description: str = ""
    explain_zh: str = ""  # sentence template (rules/explain.py placeholders)
    law: tuple[str, ...] = ()  # 法律依据 templates
    policy: tuple[str, ...] = ()  # 政策依据 templates

    @property
    def is_outcome_rule(self) -> bool:
        return self.sets.outcome is not None

    def fact_names(self) -> tuple[str, ...]:
        """The facts the conditions read, in first-use order (computed once per rule)."""
        cached: tuple[str, ...] | None = self.__dict__.get("_fact_names")
        if cached is not None:
            return cached
        seen: dict[str, None] = {}

        def walk(g: Group) -> None:
            for item in g.items:
                if isinstance(item, Group):
                    walk(item)
                else:
                    seen.setdefault(item.fact, None)

        walk(self.when)
        names = tuple(seen)
        object.__setattr__(self, "_fact_names", names)  # frozen: cache via the instance dict
        return names


@dataclass(frozen=True)
class Rulebook:
    id: str
    version: str
    description: str
    params: dict[str, Any]
    rules: tuple[Rule, ...]
    content_hash: str
    source: str = ""  # the file it came from (for messages)
    conventions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def versioned_name(self) -> str:
        """A ruleset name unique per content (the engine cannot re-register a name)."""
        return f"{self.id}_{self.content_hash[:12]}"

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to a worker process started by spawn or forkserver) without the memos (`cache`,
        `rule`): each process builds its own, and the memo of audit entries may hold tens of MB."""
        return {name: value for name, value in self.__dict__.items() if not name.startswith("_")}

    def cache(self, name: str, limit: int) -> dict[Any, Any]:
        """A memo of this rulebook's (what a rule set decides, entries it renders), emptied when it
        grows past `limit` entries; it lives with the rulebook, so a reload starts afresh."""
        memo: dict[Any, Any] | None = self.__dict__.get(name)
        if memo is None or len(memo) > limit:
            memo = {}
            object.__setattr__(self, name, memo)  # frozen: cache via the instance dict
        return memo

    def generations(self, name: str, limit: int) -> tuple[dict[Any, Any], dict[Any, Any]]:
        """A memo in two generations, (young, old): when the young one grows past `limit` entries it
        becomes the old one and a new young one starts (the previous old one is dropped). A caller
        that finds an entry only in the old generation puts it in the young one, so entries in use
        survive a rotation and at most about 2 x `limit` are kept (`cache` drops every entry at once)."""
        memo: tuple[dict[Any, Any], dict[Any, Any]] | None = self.__dict__.get(name)
        if memo is None or len(memo[0]) > limit:
            memo = ({}, memo[0] if memo is not None else {})
            object.__setattr__(self, name, memo)  # frozen: cache via the instance dict
        return memo

    def rule(self, rule_id: str) -> Rule:
        by_id: dict[str, Rule] | None = self.__dict__.get("_by_id")
        if by_id is None:
            by_id = {r.id: r for r in self.rules}
            object.__setattr__(self, "_by_id", by_id)  # frozen: cache via the instance dict
        return by_id[rule_id]
