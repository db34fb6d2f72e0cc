"""A dispatcher's decision on a recommendation: accept, override to another court, reject.

An override is checked by the solver itself: `placement.recommend_one` ranks every legal
court for the case and names the hard constraint that excludes each other court, so the
target is legal exactly when the solver ranks it. A target that breaks a hard constraint
is refused (422) unless the dispatcher records a justification; the violations and the
justification then go into the decision and the audit chain.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session

from api.security import Principal
from api.service import audit as audit_service
from api.service import evaluation
from api.service.recommendations import BaselineStates
from assign import events, repository
from assign.decisions import Action, Decision, ensure_decidable, record_decision
from assign.errors import DataError, NotFound
from assign.network import CourtNetwork
from assign.plans import get_recommendation_row
from assign.schemas import Case, Recommendation
from rules.engine import RuleEngine


def hard_violations(*, cases: list[Case], network: CourtNetwork, rules: RuleEngine, states: BaselineStates,
                    target: str, as_of: date) -> list[str]:
    """The hard constraints placing `cases` on `target` breaks (empty: the solver would allow it)."""
    if target not in network:
        return [f"unknown court {target!r}"]
    found: list[str] = []
    verdicts = evaluation.evaluate_cases(cases, network, as_of, engine=rules)
    for case, verdict in zip(cases, verdicts, strict=True):
        try:
            rec = states.run(network, case, verdict)
        except DataError as e:  # the verdict no longer places the case at all
            found.append(f"{case.case_no}: {e}")
            continue
        legal = {rec.target_court, *(a.court for a in rec.alternatives)}
        if target in legal:
            continue
        exclusion = next((e for e in rec.excluded if e.court == target), None)
        if exclusion is None:
            exclusion = next((e for e in rec.excluded if e.court == "*"), None)
        unit = exclusion.constraint if exclusion else "hard.in_forum_jurisdiction"
        why = exclusion.reason if exclusion else "not a legal court for this case"
        found.append(f"{case.case_no}: {unit}: {why}")
    return found


def decide(
    *, session: Session, network: CourtNetwork, rules: RuleEngine, states: BaselineStates, principal: Principal,
    recommendation_id: int,
    action: Action, reason: str, target_court: str | None, justification: str | None, as_of: date,
    supersedes: int | None = None,
) -> Decision:
    """Record a dispatcher's decision; one live decision per case (`assign.decisions`): a case
    already decided is decided again only by naming its live decision in `supersedes`."""
    row = get_recommendation_row(session=session, recommendation_id=recommendation_id)
    rec = Recommendation.model_validate_json(row.data)
    case_nos: list[str] = json.loads(row.case_nos)
    cases = repository.get_cases(session=session, case_nos=case_nos)
    missing = sorted(set(case_nos) - {c.case_no for c in cases})
    if missing:
        raise NotFound(f"recommendation {recommendation_id} names cases no longer stored: {', '.join(missing)}")
    principal.check_court(network, rec.forum, f"recommendation {recommendation_id} (forum {rec.forum})")
    for case in cases:
        principal.check_case(network, case)
    ensure_decidable(session=session, case_nos=case_nos, supersedes=supersedes)
    violations: list[str] = []
    if action == Action.ACCEPT:
        if target_court not in (None, rec.target_court):
            raise DataError(f"accept takes the recommended court {rec.target_court}; to choose {target_court} "
                            f"use action 'override'")
        if rec.target_court is None:
            raise DataError(f"recommendation {recommendation_id} has no court to accept "
                            f"({rec.unplaced_reason or 'unplaced'}); override with a court or reject")
        target_court = rec.target_court
    elif action == Action.OVERRIDE:
        if not target_court:
            raise DataError("an override needs target_court")
        if target_court == rec.target_court:
            raise DataError(f"{target_court} is the recommended court; use action 'accept'")
        principal.check_court(network, target_court, "override target")
        violations = hard_violations(cases=cases, network=network, rules=rules, states=states, target=target_court,
                                     as_of=as_of)
        if violations and not (justification and justification.strip()):
            raise DataError(f"override to {target_court} breaks hard constraints ({'; '.join(violations)}); "
                            f"send a justification to record it anyway")
    else:
        target_court = None
    decision = record_decision(session=session, recommendation=row, action=action, target_court=target_court,
                               reason=reason, justification=justification, violations=violations,
                               key_id=principal.key_id, supersedes=supersedes)
    record = decision.as_dict()
    audit_service.record_decision(session=session, decision=record, actor=principal.actor)
    events.publish(session=session, kind=f"decision.{action.value}", subject=f"recommendation:{recommendation_id}",
                   payload={k: record[k] for k in ("id", "recommendation_id", "plan_id", "case_nos", "action",
                                                   "recommended_court", "target_court", "created_at",
                                                   "supersedes")})
    return decision
