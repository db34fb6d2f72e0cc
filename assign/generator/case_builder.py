"""Builds one interchange-format case dict from the draws in distributions.py."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from assign.generator import distributions as dist
from assign.generator.assets import amount_for, decide_status, plan_assets, recovered_for
from assign.generator.court_mix import CourtMix
from assign.generator.draws import Weighted, pick, randint
from assign.generator.parties import PartyFactory, PooledDebtor
from assign.generator.procedure import is_stalled, measures_for, periods_for, zhongben_record
from assign.generator.process_nodes import add_process_nodes
from assign.schemas import Court, CourtLevel

_OBLIGATIONS = Weighted(dist.OBLIGATION_WEIGHTS)
_FILING_DELAYS = Weighted(dist.FILING_DELAY_WEIGHTS)
_DAY = date.fromordinal


class CaseBuilder:
    def __init__(self, mix: CourtMix, rng: random.Random, as_of: date) -> None:
        self.mix = mix
        self.rng = rng
        self.as_of = as_of.toordinal()
        self.parties = PartyFactory(mix, rng, self.as_of)

    def build(self) -> dict[str, Any]:
        rng, mix, as_of = self.rng, self.mix, self.as_of
        court = mix.draw(rng)
        debtor, pooled = self.parties.debtor(court)
        applicant = self.parties.applicant(court)
        obligation = str(_OBLIGATIONS.draw(rng))
        received = as_of - self._age()
        filed = min(as_of, received + self._filing_delay())
        situation = self._situation(obligation)
        restored = situation == "later" and rng.random() < dist.RESTORED_SHARE_OF_LATER
        amount = amount_for(rng, debtor["kind"], obligation)
        assets = []
        if situation in ("at_application", "later"):
            assets = plan_assets(rng, mix, court, debtor["domicile_division"], situation=situation,
                                 restored=restored, received=received, filed=filed, as_of=as_of, amount=amount)
        status, closed = decide_status(rng, situation=situation, obligation=obligation, filed=filed,
                                               as_of=as_of, assets=assets)
        end = closed if closed is not None else as_of
        planned: list[tuple[str, int, int | None]] = []
        measures = measures_for(rng, situation=situation, status=status, filed=filed, end=end, assets=assets,
                                debtor_kind=debtor["kind"], periods=planned)
        excluded, other = periods_for(rng, received=received, filed=filed, end=end, as_of=as_of,
                                      is_open=status == "open", planned=planned)
        case: dict[str, Any] = {
            "case_no": mix.case_no(court, _DAY(filed).year, restored, rng),
            "court_code": court.code,
            "obligation": obligation,
            "non_litigation": obligation == "money" and rng.random() < dist.NON_LITIGATION_SHARE,
            "received_on": _DAY(received),
            "filed_on": _DAY(filed),
            "amount": f"{amount:.2f}",
            "recovered": f"{recovered_for(status, amount, assets):.2f}",
            "status": status,
            "debtor": debtor,
            "applicant": applicant,
            "assets": [a.as_dict() for a in assets],
            "measures": [{"kind": k, "on": _DAY(d)} for k, d in measures],
            "excluded_periods": excluded,
            "other_periods": other,
            "restored_on": _DAY(filed) if restored else None,
        }
        if status == "zhongben" and closed is not None:
            case["zhongben"] = zhongben_record(rng, ruled=closed, as_of=as_of, assets=assets)
        stalled = is_stalled(status=status, situation=situation, received=received, as_of=as_of,
                             assets=assets, measures=measures, filed=filed)
        self._procedure(case, court, status=status, filed=filed, end=end, stalled=stalled,
                        debtor=debtor, assets=assets)
        self._link_related(case, pooled)
        add_process_nodes(case, as_of=as_of, end=end)  # v1.2 nodes, from their own stream
        return case

    # ------------------------------------------------------------ draws

    def _age(self) -> int:
        rng = self.rng
        if rng.random() < dist.AGE_UNIFORM_SHARE:
            return rng.randrange(dist.HORIZON_DAYS)
        return min(dist.HORIZON_DAYS - 1, int(rng.expovariate(1 / dist.AGE_EXPONENTIAL_MEAN_DAYS)))

    def _filing_delay(self) -> int:
        rng = self.rng
        if rng.random() < dist.FILING_LATE_SHARE:
            return randint(rng, 8, 20)
        return _FILING_DELAYS.index(rng)

    def _situation(self, obligation: str) -> str:
        if obligation == "behaviour":
            return "behaviour"
        u = self.rng.random()
        if u < dist.NO_ASSETS_SHARE:
            return "none"
        if u < dist.NO_ASSETS_SHARE + (1 - dist.NO_ASSETS_SHARE) * dist.ASSETS_AT_APPLICATION_SHARE:
            return "at_application"
        return "later"

    # ------------------------------------------------------------ procedure around the case

    def _procedure(self, case: dict[str, Any], court: Court, *, status: str, filed: int, end: int,
                   stalled: bool, debtor: dict[str, Any], assets: list[Any]) -> None:
        rng, as_of = self.rng, self.as_of
        is_open = status == "open"
        entrusted_to = None
        if rng.random() < dist.ENTRUSTED_SHARE and end - filed > 7:
            entrusted_to = self._entrustee(court, assets)
            if entrusted_to is not None:
                case["entrusted"] = {"to_court": entrusted_to.code,
                                     "filed_on": _DAY(min(end, filed + randint(rng, 7, 40)))}
        # The forum is 上一级 of the enforcing court, or of the entrusted court.
        forum = (entrusted_to or court).parent_code or court.code
        share = dist.APPLICATION_SHARE_STALLED if stalled else (
            dist.APPLICATION_SHARE_OTHER if is_open else 0.01)
        applied_on = None
        if rng.random() < share:
            received = case["received_on"].toordinal()
            applied_on = received + 184 + int(rng.expovariate(1 / 60)) if stalled else randint(rng, filed, end)
            if applied_on > as_of:
                applied_on = randint(rng, min(received + 184, as_of), as_of)
            case["application"] = {"filed_with": self._application_court(court, forum), "on": _DAY(applied_on)}
        ex_officio = is_open and rng.random() < dist.SUPERVISION_SHARE_EX_OFFICIO
        if (applied_on is not None and rng.random() < dist.SUPERVISION_SHARE_WITH_APPLICATION) or ex_officio:
            issued = (applied_on or randint(rng, filed, end)) + randint(rng, 10, 60)
            if issued <= end:
                deadline = issued + randint(rng, *dist.SUPERVISION_DEADLINE_DAYS)
                reason = None
                if deadline < as_of and rng.random() < dist.SUPERVISION_GOOD_REASON_SHARE:
                    reason = pick(rng, dist.GOOD_REASONS)
                case["supervision_orders"] = [{"issued_by": forum, "issued_on": _DAY(issued),
                                               "deadline": _DAY(deadline), "good_reason": reason}]
        petition_share = (dist.PETITION_SHARE_STALLED if stalled else dist.PETITION_SHARE) if is_open else (
            dist.PETITION_SHARE / 3)
        if rng.random() < petition_share and as_of - filed > 30:
            case["petitions"] = sorted(_DAY(randint(rng, filed + 30, as_of)) for _ in range(randint(rng, 1, 3)))
        public = debtor["kind"] in ("government", "state_owned") or debtor["key_local_taxpayer"]
        factor = dist.INTERFERENCE_PUBLIC_DEBTOR_FACTOR if public else 1.0
        if rng.random() < dist.INTERFERENCE_SHARE * factor:
            case["interference_reports"] = [_DAY(randint(rng, filed, end))]
        case["officer_conflict"] = rng.random() < dist.OFFICER_CONFLICT_SHARE

    def _entrustee(self, court: Court, assets: list[Any]) -> Court | None:
        """委托执行 goes to the basic court where an asset is, else to another court of the prefecture."""
        network = self.mix.network
        for a in assets:
            local = network.local_basic_court(a.location)
            if local is not None and local.code != court.code and local.code in self.mix.in_scope:
                return local
        pool = [c for c in self.mix.basic_by_prefecture.get(self.mix.prefecture_of(court), []) if c.code != court.code]
        return pick(self.rng, pool) if pool else None

    def _application_court(self, court: Court, forum: str) -> str:
        """Usually the proper forum; sometimes the enforcing court itself or another court."""
        u = self.rng.random()
        w_forum, w_self, _ = dist.APPLICATION_FORUM_WEIGHTS
        if u < w_forum:
            return forum
        if u < w_forum + w_self:
            return court.code
        high = self.mix.province_of(court)
        others = [c for c in self.mix.network.children(high) if c.level == CourtLevel.INTERMEDIATE
                  and c.code != forum]
        return pick(self.rng, others).code if others else high

    def _link_related(self, case: dict[str, Any], pooled: PooledDebtor | None) -> None:
        if pooled is None:
            return
        if pooled.recent_case_nos and self.rng.random() < dist.RELATED_LINK_SHARE:
            case["related_case_nos"] = list(pooled.recent_case_nos)
        pooled.recent_case_nos.append(case["case_no"])
