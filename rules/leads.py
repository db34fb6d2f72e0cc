"""Restoration leads (恢复执行线索): one register record of a debtor read against one of its cases.

A pure function over typed values; `assign.leads` finds the (case, record) pairs by an SQL join
on the debtor id, so this runs only on pairs that share a debtor.

- **终本 case** (status zhongben, ruled on R): a lead when the asset is not among the case's
  recorded assets (by id) and it was registered after R (`registered_after_ruling`), or
  registered on or before R and not released by R, i.e. held at the end of R
  (`held_at_ruling`). Basis: 终本规定 Art. 9 (the court shall restore enforcement when
  available assets are found); a restored case runs a new six-month clock from the discovery
  (interpretation Art. 10(2)).
- **Open case**: an asset held on the evaluation date and not recorded is a new-asset lead
  (`held_unrecorded`): a discovery under Art. 10(2) the court has to act on.
- **Action window** (CONVENTION, `ASSIGN_LEAD_ACTION_DAYS`, default 30): the court has N days
  after the day the lead was first raised (that day not counted, as the law counts periods), so
  the last day to act is first_seen + N. Acting means: for a 终本 case, restoration on or after
  the day first seen (`restored_on`); for any case, a measure dated on or after that day. A lead
  not acted on by the end of the last day becomes, from first_seen + N + 1, a cross-enforcement
  candidate for the forum (上一级 of the enforcing court, `rules.facts.forum_of`).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from assign.construct import built
from assign.leads import Lead, LeadCase, LeadState
from assign.network import CourtNetwork
from assign.registers import RegisterRecord
from assign.schemas import CaseStatus

DEFAULT_ACTION_DAYS = 30


class LeadBasis(StrEnum):
    REGISTERED_AFTER_RULING = "registered_after_ruling"
    HELD_AT_RULING = "held_at_ruling"
    HELD_UNRECORDED = "held_unrecorded"


RESTORATION_BASIS = ("终本规定第9条（发现可供执行财产，执行法院应当恢复执行）；"
                     "恢复执行后依执行程序解释第10条第2项自发现之日起重新计算六个月")
NEW_ASSET_BASIS = "执行程序解释第10条第2项（发现新的可供执行财产）"


def lead_basis(case: LeadCase, record: RegisterRecord, as_of: date) -> LeadBasis | None:
    """Why `record` is a lead for `case` on `as_of`, or None when it is not one."""
    if record.party_id != case.debtor.id or record.registered_on > as_of:
        return None
    if record.record_id in case.asset_ids:
        return None  # already recorded on the case
    if case.status == CaseStatus.ZHONGBEN and case.zhongben is not None:
        ruled = case.zhongben.ruled_on
        if record.registered_on > ruled:
            return LeadBasis.REGISTERED_AFTER_RULING
        return LeadBasis.HELD_AT_RULING if record.held_on(ruled) else None
    if case.status == CaseStatus.OPEN:
        return LeadBasis.HELD_UNRECORDED if record.held_on(as_of) else None
    return None


def forum(case: LeadCase, network: CourtNetwork) -> str | None:
    """上一级 of the enforcing court (`rules.facts.forum_of`'s rule on the lead view; a test holds them equal)."""
    parent = network.parent(case.enforcing_court)
    return parent.code if parent else None


def acted_on(case: LeadCase, since: date) -> date | None:
    """The first day on or after `since` the court acted on the case (restoration or a measure), if any."""
    days = [d for d in case.measure_days if d >= since]
    if case.restored_on is not None and case.restored_on >= since:
        days.append(case.restored_on)
    return min(days) if days else None


def classify_lead(case: LeadCase, record: RegisterRecord, *, as_of: date, first_seen_on: date | None,
                  action_days: int, network: CourtNetwork) -> Lead | None:
    """The lead `record` gives on `case` on `as_of` (first raised on `first_seen_on`, today if new), or None."""
    basis = lead_basis(case, record, as_of)
    if basis is None:
        return None
    seen = first_seen_on or as_of
    act_by = seen + timedelta(days=action_days)
    acted = acted_on(case, seen)
    if acted is not None and acted <= as_of:
        state = LeadState.ACTED_ON
    elif as_of > act_by:
        state = LeadState.CROSS_ENFORCEMENT_CANDIDATE
    else:
        state = LeadState.AWAITING_ACTION
    zhongben = basis is not LeadBasis.HELD_UNRECORDED
    # every value already has its type (the record is a RegisterRecord): built without re-validation
    return built(Lead, {
        "case_no": case.case_no, "court_code": case.court_code, "forum": forum(case, network),
        "kind": "restoration" if zhongben else "new_asset", "basis": basis.value,
        "legal_basis": RESTORATION_BASIS if zhongben else NEW_ASSET_BASIS,
        "ruled_on": case.zhongben.ruled_on if zhongben and case.zhongben else None,
        "record": record, "as_of": as_of, "first_seen_on": seen, "act_by": act_by, "acted_on": acted, "state": state,
    })
