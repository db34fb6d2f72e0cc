"""Cases + evaluation date + the alerts engine -> node alerts.

The facts come from `rules/alert_facts.py`, the decision from the `alerts` ruleset run by the
one engine (`rules/engine.py`): a node alerts when at least one rule naming it fires, with the
highest severity among them. Nothing here names a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assign.alerts import SEVERITY_RANK, Alert, Severity
from assign.errors import RulebookError
from assign.schemas import Case
from rules.alert_facts import NODES, CaseNodes, read_nodes
from rules.evaluate import FiresRules, rulebook_version
from rules.spec import Rule

RULESET_ID = "alerts"
_RANKS = {s.value: rank for s, rank in SEVERITY_RANK.items()}


def _rank(rule: Rule) -> int:
    return _RANKS[rule.sets.severity or ""]


def make_alerts(nodes: CaseNodes, fired_ids: Sequence[str], engine: FiresRules, as_of: date) -> list[Alert]:
    rulebook = engine.rulebook
    by_node: dict[str, list[Rule]] = {}
    for rule_id in fired_ids:
        rule = rulebook.rule(rule_id)
        if rule.sets.alert is not None:
            by_node.setdefault(rule.sets.alert, []).append(rule)
    version = rulebook_version(rulebook)
    out: list[Alert] = []
    for node in NODES:  # process order
        rules = by_node.get(node)
        if not rules:
            continue
        top = max(rules, key=_rank)
        if top.sets.severity is None:  # the loader refuses an alert rule without one
            raise RulebookError(f"alert rule {top.id} sets no severity")
        reading = nodes.readings[node]
        # every value already has its type: constructed without re-validation (tests validate)
        out.append(Alert.model_construct(
            case_no=nodes.case_no, court_code=nodes.court_code, as_of=as_of, node=node,
            node_zh=NODES[node].name_zh, state=reading.state, severity=Severity(str(top.sets.severity)),
            limit_zh=NODES[node].limit_zh, trigger_on=reading.trigger_on, due_on=reading.due_on,
            done_on=reading.done_on, days_overdue=reading.days_over, label_zh=top.label_zh,
            legal_basis=top.legal_basis, rule_ids=[r.id for r in rules], ruleset=version,
        ))
    return out


def evaluate_alerts(cases: Sequence[Case], as_of: date, engine: FiresRules) -> list[Alert]:
    """The alerts of validated cases on `as_of`, case by case in input order, nodes in process order."""
    if engine.rulebook.id != RULESET_ID:
        raise ValueError(f"evaluate_alerts needs the {RULESET_ID} ruleset, got {engine.rulebook.id}")
    read = [read_nodes(c, as_of) for c in cases]
    fired = engine.fire([n.facts for n in read], [n.case_no for n in read])
    return [a for n, ids in zip(read, fired, strict=True) for a in make_alerts(n, ids, engine, as_of)]
