"""Interchange format v1 (`shared/spec/case-format.md`) as pydantic models.

Field names are the contract with the command centre; inputs may carry more fields
(ignored), never fewer. Checks that need only the record itself live here as validators;
checks that need context (evaluation date, the court network) live in
`assign.interchange.context_problems`.

Version 1.1 added optional Measure fields (auction rounds, `sale`, `eviction`); version 1.2
adds the optional `Case.process` object (`assign.process.ProcessNodes`: officer assigned,
notice served, leads requested / given / checked, investigation requested / started,
concealment reported / controlled, extension requested / approved), read by the node
alerts. Every v1 and v1.1 file stays valid; an absent node is unknown, never late.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field, field_validator, model_validator

from assign.fields import (
    CaseNo,
    CourtCode,
    DateOrder,
    DatesInOrder,
    DeadlineDate,
    EventDate,
    FormatRecord,
    FreeText,
    Name,
    RecordId,
    dates_in_order,
)
from assign.process import ProcessNodes

DivisionCode = Annotated[str, Field(pattern=r"^\d{6}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]


class _Model(FormatRecord):
    """A record of this module (the format's common configuration: `FormatRecord`)."""


# ---------------------------------------------------------------- courts


class CourtLevel(StrEnum):
    HIGH = "high"
    INTERMEDIATE = "intermediate"
    BASIC = "basic"
    SPECIAL = "special"


class Court(_Model):
    code: CourtCode = Field(description="the court's identifier (in the built-in network: level letter + 6-digit "
                                        "division code)", examples=["B500237"])
    name: Name = Field(examples=["巫山县人民法院"])
    level: CourtLevel
    parent_code: CourtCode | None = Field(default=None, description="the court one level up (上一级); null only for "
                                                                    "a high court")
    division_code: DivisionCode = Field(description="6-digit administrative division code of the area it serves",
                                        examples=["500237"])
    lat: float | None = Field(default=None, ge=-90, le=90, description="latitude, for distances")
    lon: float | None = Field(default=None, ge=-180, le=180, description="longitude, for distances")
    enforcement_staff: int = Field(ge=0, description="enforcement officers (执行员额法官 + 执行员)")
    open_cases: int = Field(ge=0, description="enforcement cases pending there now (its current load)")

    @field_validator("parent_code", mode="before")
    @classmethod
    def _blank_parent_is_none(cls, v: Any) -> Any:
        return None if v in ("", None) else v

    @property
    def point(self) -> tuple[float, float] | None:
        """The court's (lat, lon), None when either is unknown (distances to it then count as unknown)."""
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


# ---------------------------------------------------------------- cases


class Obligation(StrEnum):
    MONEY = "money"
    DELIVERY = "delivery"
    BEHAVIOUR = "behaviour"


class CaseStatus(StrEnum):
    OPEN = "open"
    CONCLUDED = "concluded"
    ZHONGBEN = "zhongben"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"


class PartyKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    STATE_OWNED = "state_owned"
    GOVERNMENT = "government"
    PUBLIC_INSTITUTION = "public_institution"


class AssetKind(StrEnum):
    DEPOSIT = "deposit"
    REAL_ESTATE = "real_estate"
    VEHICLE = "vehicle"
    EQUITY = "equity"
    RECEIVABLE = "receivable"
    OTHER = "other"


class MeasureKind(StrEnum):
    NOTICE = "notice"
    ASSET_QUERY = "asset_query"
    FREEZE = "freeze"
    SEIZE = "seize"
    VALUATION = "valuation"
    AUCTION = "auction"
    EVICTION_NOTICE = "eviction_notice"
    FINE = "fine"
    DETENTION = "detention"
    CONSUMPTION_RESTRICTION = "consumption_restriction"
    DISHONEST_LIST = "dishonest_list"
    SUBSTITUTE_PERFORMANCE = "substitute_performance"
    OTHER = "other"
    # v1.1
    SALE = "sale"  # 变卖
    EVICTION = "eviction"  # 强制迁出/交付 carried out (as opposed to EVICTION_NOTICE)


class MeasureResult(StrEnum):
    """v1.1: what a measure achieved. An auction round with no result on an asset not disposed
    of afterwards is read as `unsold` (case-format.md)."""

    SOLD = "sold"
    UNSOLD = "unsold"
    WITHDRAWN = "withdrawn"
    DONE = "done"


class PeriodKind(StrEnum):
    # the six kinds Art. 13 of the 2008/2020 interpretation removes from the six months
    PUBLIC_NOTICE = "public_notice"
    APPRAISAL = "appraisal"
    JURISDICTION_DISPUTE = "jurisdiction_dispute"
    DISPUTE_COORDINATION = "dispute_coordination"
    STAY = "stay"
    SUSPENSION = "suspension"
    # periods that do not stop the Art. 237 clock
    OBJECTION_REVIEW = "objection_review"
    AUCTION = "auction"
    SETTLEMENT_TALKS = "settlement_talks"
    OTHER = "other"


EXCLUDED_PERIOD_KINDS: frozenset[PeriodKind] = frozenset(
    {
        PeriodKind.PUBLIC_NOTICE,
        PeriodKind.APPRAISAL,
        PeriodKind.JURISDICTION_DISPUTE,
        PeriodKind.DISPUTE_COORDINATION,
        PeriodKind.STAY,
        PeriodKind.SUSPENSION,
    }
)
OTHER_PERIOD_KINDS: frozenset[PeriodKind] = frozenset(set(PeriodKind) - EXCLUDED_PERIOD_KINDS)


class Party(_Model):
    id: RecordId = Field(description="unified social credit code or ID number (masked in every log)")
    name: Name
    kind: PartyKind
    domicile_division: DivisionCode | None = Field(default=None, description="6-digit division code of the domicile")
    key_local_taxpayer: bool = Field(default=False, description="a major local taxpayer (纳税大户): a local "
                                                                "protection risk where it is local to the court")


class Asset(_Model, DatesInOrder):
    DATE_ORDER: ClassVar[DateOrder] = (("discovered_on", "seized_on"), ("seized_on", "disposed_on"))
    id: RecordId = Field(description="the asset's id in the case (`measures[].asset_id` and "
                                     "`zhongben.undisposed_asset_ids` name it)", examples=["A1"])
    kind: AssetKind
    value: Money = Field(description="its value in yuan")
    available_at_application: bool = Field(
        description="the debtor had it, available for enforcement, when the application was received "
                    "(执行程序解释 Art. 10(1): the six months then run from `received_on`)")
    discovered_on: EventDate | None = Field(
        default=None, description="for an asset found later: the day the court verified it (Art. 10(2): the six "
                                  "months run from it)")
    seized_on: EventDate | None = Field(default=None, description="the day it was seized or frozen (查封/扣押/冻结)")
    disposed_on: EventDate | None = Field(
        default=None, description="enforcement against it completed, the proceeds paid out")
    location_division: DivisionCode | None = Field(
        default=None, description="6-digit administrative division code of where it is", examples=["510104"])


class Measure(_Model):
    """An enforcement measure taken; each `auction` is one auction round (一拍, 二拍, …)."""

    kind: MeasureKind
    on: EventDate = Field(description="the day it was taken")
    asset_id: RecordId | None = Field(default=None, description="v1.1: the Asset it acted on (an `assets[].id` of "
                                                                "the case)")
    result: MeasureResult | None = Field(default=None, description="v1.1: what it achieved; an auction round on an "
                                                                   "asset not disposed of afterwards, with none, "
                                                                   "is read as `unsold`")


class Period(_Model, DatesInOrder):
    DATE_ORDER: ClassVar[DateOrder] = (("start", "end"),)
    kind: PeriodKind
    start: EventDate = Field(description="its first day (inclusive)")
    end: EventDate | None = Field(default=None, description="its last day (inclusive); null: still running on the "
                                                            "evaluation date")


class Order(_Model, DatesInOrder):
    DATE_ORDER: ClassVar[DateOrder] = (("issued_on", "deadline"),)
    issued_by: CourtCode = Field(description="code of the higher court that issued it")
    issued_on: EventDate
    deadline: DeadlineDate = Field(description="the last day the enforcing court was given")
    good_reason: FreeText | None = Field(default=None, description="the enforcing court's accepted reason for not "
                                                                   "finishing by the deadline")


class ZhongBen(_Model):
    """The 终本 record: the ruling that ended this round of enforcement (终结本次执行程序)."""

    ruled_on: EventDate = Field(description="the day of the 终本 ruling")
    asset_queries: list[EventDate] = Field(default_factory=list,
                                           description="the dates of online asset queries (网络查控) after it")
    undisposed_asset_ids: list[RecordId] = Field(
        default_factory=list, description="ids of the case's assets seized but never disposed of when it was ruled")


class Entrustment(_Model):
    """委托执行: the case entrusted to another court, which enforces it (the forum is then its 上一级)."""

    to_court: CourtCode = Field(description="code of the entrusted court (受托法院)")
    filed_on: EventDate = Field(description="the day the entrusted court filed it (立案)")


class Application(_Model):
    """The applicant's Art. 237 application to the higher court (向上一级人民法院申请执行)."""

    filed_with: CourtCode = Field(description="code of the court it was filed with (when not the forum: "
                                              "ROUTE_TO_PROPER_COURT)")
    on: EventDate = Field(description="the day it was filed")


# The interchange record as API users see it in the OpenAPI (an illustrative case: made-up parties,
# a supervision order whose deadline passed); tests/api/test_openapi_examples.py validates it.
CASE_EXAMPLE: dict[str, Any] = {
    "case_no": "(2024)川0104执900号", "court_code": "B510104", "obligation": "money", "non_litigation": False,
    "received_on": "2024-01-10", "filed_on": "2024-01-12", "amount": "500000", "recovered": "0", "status": "open",
    "debtor": {"id": "91510104MA6C000001", "name": "成都某贸易有限公司", "kind": "company",
               "domicile_division": "510104"},
    "applicant": {"id": "510104198001010011", "name": "张三", "kind": "person", "domicile_division": "510105"},
    "assets": [{"id": "A1", "kind": "deposit", "value": "300000", "available_at_application": True,
                "location_division": "510104"}],
    "measures": [{"kind": "notice", "on": "2024-01-15"}],
    "supervision_orders": [{"issued_by": "I510100", "issued_on": "2024-08-01", "deadline": "2024-09-01"}],
}


class Case(_Model):
    model_config = ConfigDict(json_schema_extra={"examples": [CASE_EXAMPLE]})

    case_no: CaseNo = Field(description="案号, unique", examples=["(2024)渝0237执123号"])
    court_code: CourtCode = Field(description="the court enforcing it now")
    obligation: Obligation = Field(description="what the judgment orders")
    non_litigation: bool = Field(default=False, description="非诉执行 (closing limit 3 months instead of 6)")
    received_on: EventDate = Field(description="the day the court received the application (收到申请执行书之日): "
                                               "starts the Art. 237 clock")
    filed_on: EventDate = Field(description="立案 date: starts the closing-deadline clock")
    amount: Money = Field(default=Decimal(0), description="执行标的, in yuan")
    recovered: Money = Field(default=Decimal(0), description="amount paid out so far, in yuan")
    status: CaseStatus = Field(default=CaseStatus.OPEN, description="执行完毕 = `concluded`; 终结本次执行程序 = "
                                                                    "`zhongben`")
    debtor: Party = Field(description="被执行人")
    applicant: Party = Field(description="申请执行人")
    assets: list[Asset] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list, description="enforcement measures taken, with dates")
    excluded_periods: list[Period] = Field(default_factory=list, description="the six kinds that Art. 13 of the "
                                                                             "interpretation removes from the six "
                                                                             "months")
    other_periods: list[Period] = Field(default_factory=list, description="periods that do not stop the Art. 237 "
                                                                          "clock but matter elsewhere")
    supervision_orders: list[Order] = Field(default_factory=list, description="督促执行令 issued by a higher court")
    zhongben: ZhongBen | None = Field(default=None, description="the 终本 record")
    restored_on: EventDate | None = Field(default=None, description="恢复执行 date")
    entrusted: Entrustment | None = Field(default=None, description="委托执行")
    application: Application | None = Field(default=None, description="the applicant's Art. 237 application, if any")
    petitions: list[EventDate] = Field(default_factory=list, description="信访 / complaints of passive enforcement "
                                                                         "received")
    interference_reports: list[EventDate] = Field(default_factory=list, description="recorded improper "
                                                                                    "interference (不当干预)")
    officer_conflict: bool = Field(default=False, description="the case officer must recuse (回避)")
    related_case_nos: list[CaseNo] = Field(default_factory=list, description="other cases the dispatcher links to "
                                                                             "this one")
    process: ProcessNodes | None = Field(default=None, description="v1.2: dated process nodes (officer assigned, "
                                                                   "notice served, …); absent = unknown")

    @field_validator("excluded_periods")
    @classmethod
    def _only_excluded_kinds(cls, periods: list[Period]) -> list[Period]:
        for i, p in enumerate(periods):
            if p.kind not in EXCLUDED_PERIOD_KINDS:
                raise ValueError(
                    f"[{i}] kind {p.kind.value!r} is not one of the six Art. 13 kinds "
                    f"({', '.join(sorted(k.value for k in EXCLUDED_PERIOD_KINDS))}); put it in other_periods"
                )
        return periods

    @field_validator("other_periods")
    @classmethod
    def _only_other_kinds(cls, periods: list[Period]) -> list[Period]:
        for i, p in enumerate(periods):
            if p.kind in EXCLUDED_PERIOD_KINDS:
                raise ValueError(f"[{i}] kind {p.kind.value!r} is an Art. 13 kind; put it in excluded_periods")
        return periods

    @model_validator(mode="after")
    def _cross_field(self) -> Case:
        dates_in_order(self, ("received_on", "filed_on"))
        ids = [a.id for a in self.assets]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"assets has duplicate ids: {', '.join(dupes)}")
        if self.zhongben:
            unknown = sorted(set(self.zhongben.undisposed_asset_ids) - set(ids))
            if unknown:
                raise ValueError(f"zhongben.undisposed_asset_ids names unknown assets: {', '.join(unknown)}")
        for i, m in enumerate(self.measures):  # v1.1
            if m.asset_id is not None and m.asset_id not in ids:
                raise ValueError(f"measures[{i}].asset_id names unknown asset {m.asset_id!r}")
        if self.case_no in self.related_case_nos:
            raise ValueError("related_case_nos lists the case itself")
        return self

    def latest_date(self) -> date:
        """The latest date the record mentions (for the 'no date after the evaluation date' check)."""
        days: list[date] = [self.received_on, self.filed_on]
        for a in self.assets:
            days += [d for d in (a.discovered_on, a.seized_on, a.disposed_on) if d]
        days += [m.on for m in self.measures]
        for p in (*self.excluded_periods, *self.other_periods):
            days += [d for d in (p.start, p.end) if d]
        days += [o.issued_on for o in self.supervision_orders]
        if self.zhongben:
            days += [self.zhongben.ruled_on, *self.zhongben.asset_queries]
        days += [d for d in (self.restored_on,) if d]
        if self.entrusted:
            days.append(self.entrusted.filed_on)
        if self.application:
            days.append(self.application.on)
        days += [*self.petitions, *self.interference_reports]
        if self.process:
            days += self.process.dates()
        return max(days)

    def court_codes(self) -> dict[str, str]:
        """Every court code the record names, keyed by field path (for the unknown-court check)."""
        codes = {"court_code": self.court_code}
        for i, o in enumerate(self.supervision_orders):
            codes[f"supervision_orders[{i}].issued_by"] = o.issued_by
        if self.entrusted:
            codes["entrusted.to_court"] = self.entrusted.to_court
        if self.application:
            codes["application.filed_with"] = self.application.filed_with
        return codes


# ---------------------------------------------------------------- verdicts


class Outcome(StrEnum):
    NO_ACTION = "NO_ACTION"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NOT_YET = "NOT_YET"
    ELIGIBLE = "ELIGIBLE"
    WAIT = "WAIT"
    MANDATORY_TRANSFER = "MANDATORY_TRANSFER"
    ROUTE_TO_PROPER_COURT = "ROUTE_TO_PROPER_COURT"


class Mode(StrEnum):
    ORDER = "order"  # 督促执行令 / 限期执行
    ESCALATE = "escalate"  # 提级执行
    DESIGNATE = "designate"  # 指定执行
    CONCENTRATE = "concentrate"  # 集中执行
    JOINT = "joint"  # 共同执行


# Least cost first (SPC Q&A 2024-07-03): used to break ties between modes.
MODE_COST: dict[Mode, int] = {
    Mode.ORDER: 0,
    Mode.JOINT: 1,
    Mode.DESIGNATE: 2,
    Mode.CONCENTRATE: 2,
    Mode.ESCALATE: 3,
}
# Modes that need a receiving court chosen by the solver.
MODES_NEEDING_TARGET: frozenset[Mode] = frozenset({Mode.DESIGNATE, Mode.CONCENTRATE})


class Flag(StrEnum):
    LOCAL_PROTECTION_RISK = "LOCAL_PROTECTION_RISK"
    ASSET_UNDISPOSED = "ASSET_UNDISPOSED"
    PETITIONS = "PETITIONS"
    INTERFERENCE = "INTERFERENCE"
    RELATED_CASES_CONCENTRATION = "RELATED_CASES_CONCENTRATION"
    RECUSAL_OFFICER = "RECUSAL_OFFICER"
    CONSIDER_ZHONGBEN = "CONSIDER_ZHONGBEN"
    IMPROPER_ZHONGBEN_TOO_EARLY = "IMPROPER_ZHONGBEN_TOO_EARLY"
    IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED = "IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED"
    ZHONGBEN_MONITORING_LAPSE = "ZHONGBEN_MONITORING_LAPSE"
    CLOSING_DEADLINE_OVERDUE = "CLOSING_DEADLINE_OVERDUE"
    SUPERVISION_POSSIBLE = "SUPERVISION_POSSIBLE"
    SUSPENDED_REVIEW = "SUSPENDED_REVIEW"
    MANUAL_REVIEW_10_4 = "MANUAL_REVIEW_10_4"
    CROSS_ENFORCEMENT_CANDIDATE = "CROSS_ENFORCEMENT_CANDIDATE"


class FiredRule(_Model):
    rule_id: str
    label_zh: str
    legal_basis: str
    facts: dict[str, Any] = Field(default_factory=dict)
    # rulebook 1.2.0 on (legal-reference §12.12): the rule's sentence with its deciding facts, and its
    # sources split into 法律依据 (law) and 政策依据 (policy). Empty for verdicts of older rulebooks.
    explanation_zh: str = ""
    law: list[str] = Field(default_factory=list)
    policy: list[str] = Field(default_factory=list)


class RulebookVersion(_Model):
    id: str
    hash: str


class Verdict(_Model):
    """What evaluating one case returns."""

    case_no: str
    as_of: date = Field(description="the evaluation date")
    outcome: Outcome
    basis: str | None = Field(default=None, description="the item of Art. 10 of the interpretation that applies: "
                                                        "`10(1)`, `10(2)`, `10(3)`, `10(4)` or null")
    clock_start: date | None = Field(default=None, description="the date the six months run from")
    eligible_from: date | None = Field(default=None, description="the first day on which \"more than six months\" "
                                                                 "holds, after excluded days")
    countable_days: int | None = Field(default=None, description="days counted so far")
    forum: str | None = Field(default=None, description="the court that decides (上一级 of the enforcing court, or "
                                                        "of the entrusted court)")
    permitted_modes: list[Mode] = Field(default_factory=list)
    recommended_mode: Mode | None = Field(default=None, description="one of `permitted_modes`, or null")
    flags: list[str] = Field(default_factory=list, description="flag codes (the `Flag` names; more may be added)")
    fired: list[FiredRule] = Field(default_factory=list, description="every rule that fired and why")
    rulebook_version: RulebookVersion = Field(description="id and content hash of the rulebook that produced it")
    # §12.11: a projection, labelled as one wherever it is shown
    eligible_from_projected: date | None = Field(
        default=None, description="while an Art. 13 period runs (`eligible_from` is then null): the day it would be "
                                  "if the period ended on `as_of`")

    @property
    def needs_target(self) -> bool:
        """True when the recommended mode needs the solver to pick a receiving court."""
        return self.recommended_mode in MODES_NEEDING_TARGET


# ---------------------------------------------------------------- recommendations


class Alternative(_Model):
    court: str
    delta: float  # score difference against the chosen court (>= 0 means worse)
    score: dict[str, float] = Field(default_factory=dict)


class Exclusion(_Model):
    court: str
    constraint: str  # constraint id, e.g. "hard.not_original_court"
    reason: str = ""


class SolverInfo(_Model):
    status: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    seed: int | None = None
    workers: int | None = None
    time_s: float | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)


class Recommendation(_Model):
    case_nos: list[str]
    mode: Mode | None
    target_court: str | None
    forum: str | None
    score: dict[str, float] = Field(default_factory=dict)
    alternatives: list[Alternative] = Field(default_factory=list)
    excluded: list[Exclusion] = Field(default_factory=list)
    plan_id: str | None = None
    solver: SolverInfo | None = None
    unplaced_reason: str | None = None  # constraint family that left the group without a court
