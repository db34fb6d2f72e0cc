"""build_instance: verdicts + cases + network -> AssignmentInstance (demands, pools, classes)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assign.errors import DataError
from assign.network import CourtNetwork
from assign.schemas import Case, CourtLevel, Flag, Mode, Verdict
from solver.geo import case_km
from solver.instance import (
    AssignmentInstance,
    AssignmentPlan,
    Conflict,
    CourtState,
    Demand,
    DemandClass,
    Pool,
    SolveParams,
)
from solver.legality import Legality
from solver.weights import WEIGHT_SCALE, scaled_weight

PROTECT_FLAGS = frozenset({Flag.LOCAL_PROTECTION_RISK.value, Flag.INTERFERENCE.value})
PLACED_MODES = frozenset({Mode.DESIGNATE, Mode.CONCENTRATE, Mode.ESCALATE})


def mask(party_id: str) -> str:
    """A stable, non-reversible token for a party id (ids are never stored or logged in clear)."""
    return "p:" + hashlib.sha256(party_id.encode()).hexdigest()[:16]


def pool_id(forum: str, level: str) -> str:
    return f"{forum}:{level}"


def pool_courts(network: CourtNetwork, forum: str, level: str) -> list[str]:
    """本辖区其他法院 at the case's level: the forum's subtree, same level as the original court, not the forum."""
    return [c.code for c in network.subtree(forum) if c.code != forum and c.level.value == level]


def court_state(network: CourtNetwork, code: str, params: SolveParams) -> CourtState:
    c = network.get(code)
    cap = int(params.capacity_per_officer * c.enforcement_staff * WEIGHT_SCALE)
    return CourtState(code=code, level=c.level.value, staff=c.enforcement_staff, open_cases=c.open_cases,
                      point=c.point, capacity=cap)


def _local_at_level(network: CourtNetwork, division: str | None, level: str) -> str | None:
    home = network.local_basic_court(division)
    if home is None:
        return None
    if level == CourtLevel.BASIC.value:
        return home.code
    for up in network.ancestors(home.code):
        if up.level.value == level:
            return up.code
    return None


def main_asset_division(case: Case) -> str | None:
    """Where the main assets are: the largest asset not yet disposed of that has a location."""
    live = [a for a in case.assets if a.disposed_on is None and a.location_division]
    if not live:
        return None
    return max(live, key=lambda a: (a.value, a.id)).location_division


def make_demand(case: Case, verdict: Verdict, network: CourtNetwork, *, previous: str | None = None,
                pinned: str | None = None, choose_mode: bool = False) -> Demand:
    """One placement demand from a case and its verdict (designate/concentrate/escalate)."""
    if verdict.forum is None or verdict.recommended_mode not in PLACED_MODES:
        raise DataError(f"{case.case_no}: the verdict places nothing "
                        f"(mode {verdict.recommended_mode}, forum {verdict.forum})")
    network.get(verdict.forum)
    # an entrusted case is enforced by the entrusted court, whose 上一级 is the forum
    # (委托执行规定 Art. 11): that court is the one the case must leave
    enforcing = case.entrusted.to_court if case.entrusted else case.court_code
    level = network.get(enforcing).level.value
    # a case bound to the forum itself (an accepted or overridden 提级) is an escalation, whatever
    # the verdict recommends: it is fixed on the forum, outside the designation pool
    escalate = verdict.recommended_mode == Mode.ESCALATE or pinned == verdict.forum
    pool = None if escalate else pool_id(verdict.forum, level)
    asset_div = main_asset_division(case)
    # the verdict leaves 提级 or 指定 open: it permits both and recommends designation
    open_mode = (choose_mode and verdict.recommended_mode == Mode.DESIGNATE
                 and Mode.ESCALATE in verdict.permitted_modes)
    return Demand(
        case_no=case.case_no, forum=verdict.forum, pool=pool,
        mode=Mode.ESCALATE if escalate else verdict.recommended_mode,
        weight=scaled_weight(case), court=enforcing, group=f"{mask(case.debtor.id)}@{pool or verdict.forum}",
        protect=bool(PROTECT_FLAGS & set(verdict.flags)),
        debtor_home=_local_at_level(network, case.debtor.domicile_division, level),
        asset_local=_local_at_level(network, asset_div, level),
        parties=[mask(case.debtor.id), mask(case.applicant.id)],
        debtor_point=network.point_of_division(case.debtor.domicile_division),
        asset_point=network.point_of_division(asset_div),
        previous=previous, pinned=pinned, may_escalate=open_mode and pinned is None,
    )


def build_instance(cases: Sequence[Case], verdicts: Sequence[Verdict], network: CourtNetwork,
                   previous_plan: AssignmentPlan | Mapping[str, str] | None = None,
                   pinned: Mapping[str, str] | None = None, conflicts: Iterable[Conflict] = (),
                   params: SolveParams | None = None) -> AssignmentInstance:
    """The instance for every verdict whose mode places the case (designate, concentrate, escalate).

    `previous_plan` (a plan or case_no -> court) seeds churn; `pinned` (case_no -> court) are
    accepted transfers that never move; `conflicts` carry raw party ids, masked here.
    """
    params = params or SolveParams()
    previous = dict(previous_plan.assignments if isinstance(previous_plan, AssignmentPlan) else previous_plan or {})
    pinned = dict(pinned or {})
    conflicts = [c.model_copy(update={"party": mask(c.party)}) if c.party else c for c in conflicts]
    by_no = {c.case_no: c for c in cases}
    demands: list[Demand] = []
    for v in verdicts:
        if v.recommended_mode not in PLACED_MODES or v.forum is None:
            continue
        if v.case_no not in by_no:
            raise DataError(f"verdict for unknown case {v.case_no}")
        demands.append(make_demand(by_no[v.case_no], v, network, previous=previous.get(v.case_no),
                                   pinned=pinned.get(v.case_no), choose_mode=params.choose_mode))
    escalating = {d.pool for d in demands if d.may_escalate}
    pools: dict[str, Pool] = {}
    courts: dict[str, CourtState] = {}
    fixed: dict[str, int] = defaultdict(int)
    for d in demands:
        if d.pool is None:
            fixed[d.forum] += d.weight
            courts.setdefault(d.forum, court_state(network, d.forum, params))
        elif d.pool not in pools:
            forum, level = d.pool.split(":")
            # where a case may be escalated the forum is one more court of the pool, its officers
            # counted like any court's
            extra = [forum] if d.pool in escalating else []
            pools[d.pool] = Pool(id=d.pool, forum=forum, level=level,
                                 courts=pool_courts(network, forum, level) + extra)
            for code in pools[d.pool].courts:
                courts.setdefault(code, court_state(network, code, params))
    for d in demands:
        if d.pinned is not None:
            courts.setdefault(d.pinned, court_state(network, d.pinned, params))
    for code, load in fixed.items():
        courts[code] = courts[code].model_copy(update={"fixed_load": load})
    classes, excluded, infeasible = _classes(demands, pools, courts, conflicts)
    return AssignmentInstance(courts=courts, pools=sorted(pools.values(), key=lambda p: p.id), demands=demands,
                              classes=classes, conflicts=conflicts, excluded=excluded, infeasible=infeasible,
                              params=params, network_hash=network.content_hash)


def _classes(demands: list[Demand], pools: dict[str, Pool], courts: dict[str, CourtState],
             conflicts: list[Conflict]) -> tuple[list[DemandClass], dict[str, dict[str, str]], dict[str, str]]:
    """Group interchangeable demands; the model then grows with classes, not cases."""
    legality = Legality({p.id: p.courts for p in pools.values()}, conflicts)
    group_size: dict[str, int] = defaultdict(int)
    for d in demands:
        group_size[d.group] += 1
    members: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    info: dict[tuple[Any, ...], tuple[list[str], list[int], dict[str, str]]] = {}
    infeasible: dict[str, str] = {}
    cache: dict[tuple[Any, ...], tuple[list[str], dict[str, str], str | None]] = {}
    for d in demands:
        if d.pool is None:
            continue
        legal_key = (d.pool, d.court, d.protect, d.debtor_home, d.asset_local, tuple(d.parties), d.weight, d.pinned,
                     d.may_escalate)
        if legal_key not in cache:
            cache[legal_key] = legality.split(d, [courts[c] for c in pools[d.pool].courts])
        legal, excl, family = cache[legal_key]
        if family is not None:
            infeasible[d.case_no] = family
            continue
        km = [case_km(courts[c].point, d.debtor_point, d.asset_point) for c in legal]
        group = d.group if group_size[d.group] > 1 else None
        key = (d.pool, d.mode.value, d.weight, group, tuple(legal), tuple(km), d.previous, d.pinned, d.may_escalate)
        members[key].append(d.case_no)
        info[key] = (legal, km, excl)
    classes: list[DemandClass] = []
    excluded: dict[str, dict[str, str]] = {}
    for i, (key, nos) in enumerate(sorted(members.items(), key=lambda kv: kv[1][0])):
        pool, mode, weight, group, _, _, prev, pin, may_escalate = key
        legal, km, excl = info[key]
        cid = f"k{i}"
        classes.append(DemandClass(id=cid, pool=pool, case_nos=sorted(nos), weight=weight, group=group,
                                   candidates=legal, km=km, previous=prev, pinned=pin, mode=Mode(mode),
                                   may_escalate=may_escalate))
        excluded[cid] = excl
    return classes, excluded, infeasible

