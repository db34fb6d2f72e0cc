"""Ruleset profiles: what a rulebook of one ruleset id may name (its facts, its effects, its checks).

The loader, the checks, the compiler and the one engine are shared; a profile says which fact
registry a rulebook reads and which `sets` keys its rules may use. A rulebook whose id names
no profile is an Article 237 rulebook (test and custom rulebooks keep their own ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assign.schemas import Flag
from rules.alert_facts import ALERT_FACTS, NODES
from rules.facts import FACTS, FactSpec


@dataclass(frozen=True)
class Profile:
    id: str
    facts: Mapping[str, FactSpec]
    effect_keys: frozenset[str]  # the `sets` keys its rules may use
    known_flags: frozenset[str] = frozenset()
    alert_nodes: frozenset[str] = frozenset()
    outcome_coverage: bool = False  # every combination of the outcome facts must hit one outcome rule


ART237 = Profile(
    "art237", FACTS,
    frozenset({"outcome", "basis", "modes", "may_add_modes", "add_modes", "prefer_modes", "priority", "flags"}),
    known_flags=frozenset(f.value for f in Flag), outcome_coverage=True,
)
ALERTS = Profile("alerts", ALERT_FACTS, frozenset({"alert", "severity"}), alert_nodes=frozenset(NODES))
PROFILES: dict[str, Profile] = {p.id: p for p in (ART237, ALERTS)}


def profile_for(ruleset_id: str) -> Profile:
    return PROFILES.get(ruleset_id, ART237)
