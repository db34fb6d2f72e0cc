"""Cases + evaluation date + the alerts engine -> node alerts.

The facts come from `rules/alert_facts.py`, the decision from the `alerts` ruleset run by the
one engine (`rules/engine.py`): a node alerts when at least one rule naming it fires, with the
highest severity among them. Nothing here names a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from assign.alerts import SEVERITY_RANK, Alert, AlertKind, AlertValues, Severity
from assign.errors import RulebookError
from assign.schemas import Case, RulebookVersion
from rules.alert_facts import NODES, CaseNodes, read_nodes
from rules.evaluate import FiresRules, rulebook_version
from rules.fact_classes import fire_by_class, fired_by_class
from rules.spec import Comparison, Rule, Rulebook, Scalar

RULESET_ID = "alerts"
_RANKS = {s.value: rank for s, rank in SEVERITY_RANK.items()}
_versions: dict[str, RulebookVersion] = {}  # content hash -> the version every alert of it carries (built once)


def _rank(rule: Rule) -> int:
    return _RANKS[rule.sets.severity or ""]


def _node_alerts(rulebook: Rulebook, fired_ids: tuple[str, ...]) -> list[AlertKind]:
    """Per node in process order: its fired rules' highest severity, that rule's label and basis."""
    by_node: dict[str, list[Rule]] = {}
    for rule_id in fired_ids:
        rule = rulebook.rule(rule_id)
        if rule.sets.alert is not None:
            by_node.setdefault(rule.sets.alert, []).append(rule)
    version = _versions.get(rulebook.content_hash) or _versions.setdefault(rulebook.content_hash,
                                                                             rulebook_version(rulebook))
    out: list[AlertKind] = []
    for node, info in NODES.items():  # process order
        rules = by_node.get(node)
        if not rules:
            continue
        top = max(rules, key=_rank)
        if top.sets.severity is None:  # the loader refuses an alert rule without one
            raise RulebookError(f"alert rule {top.id} sets no severity")
        out.append(AlertKind(node, info.name_zh, Severity(str(top.sets.severity)), info.limit_zh, top.label_zh,
                             top.legal_basis, tuple(r.id for r in rules), version))
    return out


# (content hash, fired ids) -> the kinds of the node alerts they raise (the same for every case firing them)
_plans: dict[tuple[str, tuple[str, ...]], list[AlertKind]] = {}


def _plan(rulebook: Rulebook, fired_ids: Sequence[str]) -> list[AlertKind]:
    key = (rulebook.content_hash, tuple(fired_ids))
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _node_alerts(rulebook, key[1])
    return plan


def make_alerts(nodes: CaseNodes, fired_ids: Sequence[str], engine: FiresRules, as_of: date) -> list[Alert]:
    out: list[Alert] = []
    for kind in _plan(engine.rulebook, fired_ids):
        r = nodes.readings[kind.node]
        out.append(kind.alert(nodes.case_no, nodes.court_code, as_of, r.state, r.trigger_on, r.due_on, r.done_on,
                              r.days_over))
    return out


def make_alert_values(nodes: CaseNodes, fired_ids: Sequence[str], engine: FiresRules) -> list[AlertValues]:
    """`AlertValues.of` each of `make_alerts`, without building the alerts (`AlertKind.values`)."""
    out: list[AlertValues] = []
    for kind in _plan(engine.rulebook, fired_ids):
        r = nodes.readings[kind.node]
        out.append(kind.values(nodes.case_no, nodes.court_code, r.state, r.trigger_on, r.due_on, r.done_on,
                               r.days_over))
    return out


Gate = tuple[tuple[tuple[str, Scalar], ...], ...]
_gates: dict[str, Gate | None] = {}  # rulebook content hash -> its gate


def required_equalities(rulebook: Rulebook) -> Gate | None:
    """Per rule, the `eq` comparisons of constants its top-level `all` requires; None when some rule
    has none (or is not an `all`), so no record can be ruled out without the engine.

    A record that fails at least one of them in EVERY rule fires no rule: exactly what the engine
    would find (eq compares typed scalars, and the fact types are checked exactly), so such a
    record skips the engine. In the alerts ruleset every rule requires a case state and a node
    state of late or overdue: a case whose nodes are all on time, unknown, running or not
    applicable is not fired at all."""
    if rulebook.content_hash not in _gates:
        gate: list[tuple[tuple[str, Scalar], ...]] = []
        for rule in rulebook.rules:
            eqs = tuple((c.fact, c.value) for c in rule.when.items if isinstance(c, Comparison) and c.op == "eq"
                        and isinstance(c.value, bool | int | str)) if rule.when.kind == "all" else ()
            if not eqs:
                _gates[rulebook.content_hash] = None
                break
            gate.append(eqs)
        else:  # rules that differ only beyond their equalities (a `.long` variant) test them once
            _gates[rulebook.content_hash] = tuple(dict.fromkeys(gate))
    return _gates[rulebook.content_hash]


def may_fire(facts: Mapping[str, object], gate: Gate | None) -> bool:
    """False only when `facts` fails a required equality of every rule (`required_equalities`)."""
    if gate is None:
        return True
    return any(all(type(facts[f]) is type(v) and facts[f] == v for f, v in eqs) for eqs in gate)


def evaluate_alerts(cases: Sequence[Case], as_of: date, engine: FiresRules) -> list[Alert]:
    """The alerts of validated cases on `as_of`, case by case in input order, nodes in process order.
    The engine is asked once per class of fact records it cannot tell apart (`rules.fact_classes`);
    a rulebook without classes asks it for every case that may fire a rule (`required_equalities`)."""
    return [a for n, ids in _fired(cases, as_of, engine) for a in make_alerts(n, ids, engine, as_of)]


def evaluate_alert_values(cases: Sequence[Case], as_of: date, engine: FiresRules) -> list[AlertValues]:
    """`AlertValues.of` each of `evaluate_alerts` (what a store pass saves), without building the alerts."""
    return [a for n, ids in _fired(cases, as_of, engine) if ids for a in make_alert_values(n, ids, engine)]


def _fired(cases: Sequence[Case], as_of: date, engine: FiresRules) -> list[tuple[CaseNodes, list[str]]]:
    """Each case that may fire a rule, read, with the ids of the rules it fires."""
    if engine.rulebook.id != RULESET_ID:
        raise ValueError(f"evaluate_alerts needs the {RULESET_ID} ruleset, got {engine.rulebook.id}")
    if fired_by_class(engine.rulebook) is not None:  # classes: every case is asked for (cheaply)
        read = [read_nodes(c, as_of) for c in cases]
    else:
        gate = required_equalities(engine.rulebook)
        read = [n for n in (read_nodes(c, as_of) for c in cases) if may_fire(n.facts, gate)]
    if not read:
        return []
    fired = fire_by_class(engine, [n.facts for n in read], [n.case_no for n in read])
    return list(zip(read, fired, strict=True))
