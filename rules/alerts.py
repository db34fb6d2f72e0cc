"""Cases + evaluation date + the alerts engine -> node alerts.

The facts come from `rules/alert_facts.py`, the decision from the `alerts` ruleset run by the
one engine (`rules/engine.py`): a node alerts when at least one rule naming it fires, with the
highest severity among them. Nothing here names a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from assign.alerts import SEVERITY_RANK, Alert, Severity
from assign.errors import RulebookError
from assign.schemas import Case, RulebookVersion
from rules.alert_facts import NODES, CaseNodes, read_nodes
from rules.evaluate import FiresRules, rulebook_version
from rules.spec import Comparison, Rule, Rulebook, Scalar

RULESET_ID = "alerts"
_RANKS = {s.value: rank for s, rank in SEVERITY_RANK.items()}
_versions: dict[str, RulebookVersion] = {}  # content hash -> the version every alert of it carries (built once)


def _rank(rule: Rule) -> int:
    return _RANKS[rule.sets.severity or ""]


def make_alerts(nodes: CaseNodes, fired_ids: Sequence[str], engine: FiresRules, as_of: date) -> list[Alert]:
    rulebook = engine.rulebook
    by_node: dict[str, list[Rule]] = {}
    for rule_id in fired_ids:
        rule = rulebook.rule(rule_id)
        if rule.sets.alert is not None:
            by_node.setdefault(rule.sets.alert, []).append(rule)
    version = _versions.get(rulebook.content_hash) or _versions.setdefault(rulebook.content_hash,
                                                                             rulebook_version(rulebook))
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
    Only the cases that may fire a rule go through the engine (`required_equalities`)."""
    if engine.rulebook.id != RULESET_ID:
        raise ValueError(f"evaluate_alerts needs the {RULESET_ID} ruleset, got {engine.rulebook.id}")
    gate = required_equalities(engine.rulebook)
    read = [n for n in (read_nodes(c, as_of) for c in cases) if may_fire(n.facts, gate)]
    fired = engine.fire([n.facts for n in read], [n.case_no for n in read]) if read else []
    return [a for n, ids in zip(read, fired, strict=True) for a in make_alerts(n, ids, engine, as_of)]
