"""One Chinese sentence per fired rule, rendered from typed findings (legal-reference §12.12).

Each rule of the rulebook carries `explain_zh` (a template with named placeholders), `law`
(法律依据: the article and item applied) and `policy` (政策依据: regional criteria, thresholds,
the 2024 opinion's principles); law and policy entries may use placeholders too. A placeholder
names a property of `ExplanationContext` (computed on first use from `rules.facts.Findings`)
or a rulebook param (`{params[name]}`); the loader refuses any other name, so every sentence
that renders at all renders with facts, never with engine tokens.
"""

from __future__ import annotations

import functools
import operator
import string
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

from assign.schemas import Measure, Order, Period
from rules import clock
from rules.facts import Findings

SPC = "最高人民法院"  # the forum above a high court (not in the network)

_MEASURE_ZH = {
    "notice": "执行通知", "asset_query": "财产查询", "freeze": "冻结", "seize": "查封/扣押", "valuation": "评估",
    "auction": "拍卖", "eviction_notice": "公告责令迁出", "fine": "罚款", "detention": "拘留",
    "consumption_restriction": "限制消费", "dishonest_list": "纳入失信名单", "substitute_performance": "代履行",
    "other": "其他措施", "sale": "变卖", "eviction": "强制迁出/交付",
}
_PERIOD_ZH = {
    "public_notice": "公告", "appraisal": "鉴定评估", "jurisdiction_dispute": "管辖争议处理",
    "dispute_coordination": "执行争议协调", "stay": "暂缓执行", "suspension": "中止执行",
    "objection_review": "执行异议审查", "auction": "拍卖", "settlement_talks": "和解协商", "other": "其他期间",
}
_ASSET_ZH = {"deposit": "存款", "real_estate": "不动产", "vehicle": "车辆", "equity": "股权", "receivable": "债权",
             "other": "其他财产"}
_KIND_ZH = {"person": "自然人", "company": "企业", "state_owned": "国有企业", "government": "政府机关",
            "public_institution": "事业单位"}
_BASIS_ITEM = {"10(1)": "（一）", "10(2)": "（二）", "10(3)": "（三）", "10(4)": "（四）"}
_ORDER_KIND_ZH = {
    "art237_application": "系依民事诉讼法第二百三十七条、根据申请执行人的申请发出",
    "art237_six_months": "发出时已超过六个月，系依民事诉讼法第二百三十七条发出",
    "supervision": "发出时未超过六个月且无申请，系上级法院依职权督办（执行工作规定第74条、督办规定），"
                   "期限届满不适用执行程序解释第十二条",
}


@functools.lru_cache(maxsize=1 << 14)  # pure; a store pass writes the same few thousand dates over and over
def zh_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（超出可计算的日期范围）"


@functools.lru_cache(maxsize=1 << 14)  # pure; keyed by a day number (an int hashes faster than a date)
def zh_day(ordinal: int) -> str:
    """`zh_date` of day number `ordinal` (`clock.from_ordinal`: past 9999-12-31 there is no date)."""
    return zh_date(clock.from_ordinal(ordinal))


@functools.lru_cache(maxsize=1 << 14)  # pure; one entry per filing date
def _zhongben_earliest(filed_on: date) -> str:
    return zh_date(clock.earliest_after_months(filed_on, 3))  # 终本规定 Art. 1(4)


def zh_measures(measures: Iterable[Measure]) -> str:
    parts = [f"{_MEASURE_ZH[m.kind.value]}（{zh_date(m.on)}）" for m in measures]
    return "、".join(parts) if parts else "无"


def zh_period(p: Period) -> str:
    end = zh_date(p.end) if p.end else "今仍在进行"
    return f"{_PERIOD_ZH[p.kind.value]}（{zh_date(p.start)}至{end}）"


_T = TypeVar("_T")


class _Placeholder(Generic[_T]):
    """A placeholder of the table at the head of `ExplanationContext`: `value(context)` computes it
    (`PLACEHOLDER_VALUES` calls it), and the context reads it as an attribute too."""

    def __get__(self, context: ExplanationContext, owner: type[ExplanationContext] | None = None) -> _T:
        return self.value(context)

    def value(self, context: ExplanationContext) -> _T:
        raise NotImplementedError


class _ReadingField(_Placeholder[_T]):
    """One field of a findings reading (`Findings.art237`, `.stalled`, `.closing`, `.act`) rendered by
    `render`, or `absent` when the case has no such reading."""

    def __init__(self, reading: str, field: str, render: Callable[[Any], _T], absent: _T) -> None:
        self.reading, self.field, self.render, self.absent = reading, field, render, absent
        reading_of, field_of = operator.attrgetter(reading), operator.attrgetter(field)

        def value(context: ExplanationContext) -> _T:  # a closure: no attribute look-ups on self per call
            found = reading_of(context._found)
            return render(field_of(found)) if found is not None else absent

        self.value = value  # type: ignore[method-assign]  # a per-instance closure replaces the method (faster)


class _Part(_Placeholder[str]):
    """An optional part of the case or of a reading (`Findings.case.application`, `.orders.later`) worded
    by `render(context, part)`, or `absent` when the record has none."""

    def __init__(self, of: str, part: str, render: Callable[[ExplanationContext, Any], str], absent: str) -> None:
        self.of, self.part, self.render, self.absent = of, part, render, absent
        part_of = operator.attrgetter(f"{of}.{part}")

        def value(context: ExplanationContext) -> str:  # a closure, as `_ReadingField`'s
            found = part_of(context._found)
            return render(context, found) if found is not None else absent

        self.value = value  # type: ignore[method-assign]  # a per-instance closure replaces the method (faster)


class _Fact(_Placeholder[int]):
    """One rule fact (`rules.facts`) read back as a whole number."""

    def __init__(self, fact: str) -> None:
        self.fact = fact

        def value(context: ExplanationContext) -> int:  # a closure, as `_ReadingField`'s
            return int(context._facts[fact])

        self.value = value  # type: ignore[method-assign]  # a per-instance closure replaces the method (faster)


class ExplanationContext:
    """The values a sentence template may name. Every public property (and every placeholder of the
    table) is a placeholder; `placeholder_values` computes those a case's templates name, each once
    (`functools.cached_property` takes a lock per read on Python 3.11, which cost more than the
    sentences themselves)."""

    __slots__ = ("_found", "_facts", "_forum", "_eligible_from", "_projected", "_params")  # one per sentence set
    # the placeholders that read one field of one reading, one optional part, or one fact, as it is
    clock_start = _ReadingField("art237", "start", zh_date, "无")
    clock_end = _ReadingField("art237", "end_ordinal", zh_day, "无")  # zh_date(reading.end)
    counted_days = _ReadingField("art237", "counted_days", int, 0)
    excluded_days = _ReadingField("art237", "excluded_days", int, 0)
    budget_days = _ReadingField("art237", "budget_days", int, 0)
    act_measures = _ReadingField("act", "not_corresponding", zh_measures, "无")
    compelling_measures = _ReadingField("act", "compelling", zh_measures, "无")
    eviction_notices = _ReadingField("act", "eviction_notices", zh_measures, "无")
    unclassified_measures = _ReadingField("act", "unclassified", zh_measures, "无")
    stalled_months = _ReadingField("stalled", "months", int, 0)
    stalled_excluded_days = _ReadingField("stalled", "excluded_days", int, 0)
    closing_start = _ReadingField("closing", "start", zh_date, "")
    closing_end = _ReadingField("closing", "end_ordinal", zh_day, "")  # zh_date(reading.end)
    closing_excluded_days = _ReadingField("closing", "excluded_days", int, 0)
    later_order = _Part("orders", "later", lambda c, later: f"其后{c._order(later)}不改变已届满的结果。", "")
    application = _Part("case", "application",
                        lambda c, app: f"申请执行人于{zh_date(app.on)}向{c._court(app.filed_with)}提出申请", "无申请")
    zhongben_ruled_on = _Part("case", "zhongben", lambda c, zb: zh_date(zb.ruled_on), "无")
    petition_count = _Fact("petition_count")
    interference_count = _Fact("interference_count")
    months_since_filing = _Fact("months_since_filing")
    suspension_days = _Fact("open_suspension_days")

    def __init__(self, found: Findings, facts: Mapping[str, bool | int | str], forum: str | None,
                 eligible_from: date | None, projected: date | None, params: Mapping[str, Any]) -> None:
        self._found, self._facts, self._forum = found, facts, forum
        self._eligible_from, self._projected, self._params = eligible_from, projected, params

    def _court(self, code: str | None) -> str:
        network = self._found.network
        return (network.get(code).name if code in network else code) if code else SPC

    def _order(self, order: Order | None) -> str:
        if order is None:
            return "无督促执行令"
        return (f"{self._court(order.issued_by)}于{zh_date(order.issued_on)}发出的督促执行令"
                f"（期限至{zh_date(order.deadline)}）")

    @property
    def case_no(self) -> str:
        return self._found.case.case_no

    @property
    def court(self) -> str:
        return self._court(self._found.enforcing_court)

    @property
    def forum(self) -> str:
        return self._court(self._forum)

    @property
    def basis_item(self) -> str:
        return _BASIS_ITEM.get(str(self._facts["basis"]), "")

    @property
    def clock_start_event(self) -> str:
        """What the six months run from (Interp. Art. 10; 委托执行规定 Art. 11; a restored case)."""
        case, reading = self._found.case, self._found.art237
        if reading is None:
            return ""
        if case.entrusted is not None and reading.start == case.entrusted.filed_on:
            return "（受托法院立案之日）"
        if case.restored_on is not None and reading.start == case.restored_on:
            return "（恢复执行之日）"
        return "（发现财产之日）" if self._facts["basis"] == "10(2)" else "（收到申请执行书之日）"

    @property
    def entrustment_law(self) -> str:
        """委托执行规定第十一条 when the case was entrusted (its forum and clock follow it), else nothing."""
        return "委托执行规定第十一条" if self._found.case.entrusted is not None else ""

    @property
    def eligible_from(self) -> str:
        """§12.11: a date only when it is a fact; else the projection, labelled as such."""
        period = self._found.running_period
        if self._eligible_from is not None:
            return f"自{zh_date(self._eligible_from)}起超过六个月"
        if period is not None and self._projected is not None:
            return (f"{zh_period(period)}，超过六个月的日期尚不确定"
                    f"（若{_PERIOD_ZH[period.kind.value]}于今日结束，为{zh_date(self._projected)}）")
        return "超过六个月的日期超出可计算的日期范围"

    @property
    def order(self) -> str:
        return self._order(self._found.orders.order)

    @property
    def order_kind(self) -> str:
        return _ORDER_KIND_ZH.get(self._found.orders.kind, "")

    @property
    def order_reason(self) -> str:
        reading = self._found.orders
        if reading.overlap is not None:
            return f"期限内有{zh_period(reading.overlap)}，属执行程序解释第十三条所列期间，系正当理由"
        reason = (reading.order.good_reason or "").strip() if reading.order else ""
        return f"执行法院提出的正当理由为“{reason}”" if reason else "执行法院无正当理由"

    @property
    def order_note(self) -> str:
        """What an order that does not decide the outcome contributed (§12.1, §12.2)."""
        reading = self._found.orders
        if reading.state == "supervision_lapsed":
            return f"{self.order}{self.order_kind}。"
        if reading.state in ("excused_reason", "excused_period"):
            return f"{self.order}{self.order_kind}，期限已届满但{self.order_reason}，回到上一级法院裁量。"
        return ""

    @property
    def stalled_asset(self) -> str:
        s = self._found.stalled
        if s is None:
            return "无"
        return f"{s.asset.id}（{_ASSET_ZH[s.asset.kind.value]}，{zh_date(s.asset.seized_on)}查封/冻结）"

    @property
    def stalled_order(self) -> str:
        s = self._found.stalled
        return self._order(s.no_progress_after if s else None)

    @property
    def closing_months(self) -> int:
        return 3 if self._found.case.non_litigation else 6

    @property
    def linked_count(self) -> int:
        return self._found.linked_unfinished

    @property
    def filed_on(self) -> str:
        return zh_date(self._found.case.filed_on)

    @property
    def zhongben_earliest(self) -> str:
        return _zhongben_earliest(self._found.case.filed_on)

    @property
    def zhongben_assets(self) -> str:
        parts = [f"{z.asset.id}（{_ASSET_ZH[z.asset.kind.value]}，流拍{z.unsold_rounds}次"
                 f"{'，变卖未成交' if z.unsold_sale else ''}）" for z in self._found.zhongben_assets if not z.ground]
        return "、".join(parts) if parts else "无"

    @property
    def debtor_kind(self) -> str:
        debtor = self._found.case.debtor
        return _KIND_ZH[debtor.kind.value] + ("（纳税大户）" if debtor.key_local_taxpayer else "")

    @property
    def locality(self) -> str:
        debtor = self._found.case.debtor
        if not self._found.debtor_local:
            return "住所地及主要财产均不在执行法院辖区内"
        prefix_note = f"住所地（{debtor.domicile_division}）" if debtor.domicile_division else "主要财产"
        return f"{prefix_note}在{self.court}辖区内"

    @property
    def petition_last(self) -> str:
        days = [d for d in self._found.case.petitions if d <= self._found.as_of]
        return zh_date(max(days)) if days else "无"

    @property
    def interference_last(self) -> str:
        days = [d for d in self._found.case.interference_reports if d <= self._found.as_of]
        return zh_date(max(days)) if days else "无"

    @property
    def amount(self) -> str:
        return f"{self._found.case.amount:,.2f}元"

    @property
    def supervision_grounds(self) -> str:
        """The §12.4 grounds present (the rule's any-group, read back for the sentence)."""
        f = self._facts
        grounds: list[str] = []  # only the grounds present are worded (most cases: the closing deadline alone)
        if f["closing_deadline_overdue"]:
            grounds.append(f"结案期限已于{_CLOSING_END(self)}届满")
        if f["petition_count"]:
            grounds.append(f"当事人反映{self.petition_count}次（最近一次{self.petition_last}）")
        if f["order_reading"] == "supervision_lapsed":
            grounds.append(f"{self.order}{self.order_kind}，期限届满")
        if f["premature_application"]:
            grounds.append(f"{self.application}时尚未超过六个月，属反映消极执行")
        return "；".join(grounds)

    @property
    def necessity_grounds(self) -> str:
        """The necessity grounds present (flag.cross_enforcement's any-group, read back for the sentence)."""
        f, p = self._facts, self._params
        local_kind = f["local_debtor_kind"] in ("government", "state_owned", "public_institution")
        stalled = (int(f["stalled_asset_months"]) >= int(p.get("asset_stall_months", 0))
                   and bool(f["stalled_asset_no_progress"]))
        grounds = [f"不当干预{self.interference_count}次" if self.interference_count else "",
                   f"信访{self.petition_count}次" if self.petition_count else "",
                   f"被执行人为{self.debtor_kind}，{self.locality}" if local_kind or f["local_key_taxpayer"] else "",
                   f"同一被执行人未实结案件{self.linked_count}件"
                   if self.linked_count >= int(p.get("linked_cases_for_concentration", 0)) else "",
                   f"立案已{self.months_since_filing}个月"
                   if self.months_since_filing >= int(p.get("long_stall_months", 0)) else "",
                   f"{self.stalled_asset}已{self.stalled_months}个月未处置且经督办无进展" if stalled else ""]
        return "、".join(filter(None, grounds))

    @property
    def no_basis_reason(self) -> str:
        act = self._found.act
        if act is None:
            return "未发现可供执行的财产"
        found = "、".join(x for x in (zh_measures(act.compelling) if act.compelling else "",
                                      zh_measures(act.eviction_notices) if act.eviction_notices else "") if x)
        return f"行为或交付义务自{self.clock_start}起六个月内已采取相应执行措施（{found}）"

    @property
    def manual_10_4_reason(self) -> str:
        act = self._found.act
        if act is not None and act.eviction_notices:
            return (f"已采取{zh_measures(act.eviction_notices)}，属相应执行措施，不符合第（三）项；"
                    f"但行为自{self.clock_start}起六个月仍未完成")
        return f"财产{self.unknown_assets}既非申请执行时可供执行，也无发现日期，无法起算六个月"

    @property
    def unknown_assets(self) -> str:
        ids = [a.id for a in self._found.case.assets if not a.available_at_application and a.discovered_on is None]
        return "、".join(ids) if ids else "无"


Placeholder = Callable[[ExplanationContext], Any]
_CLOSING_END: Placeholder = ExplanationContext.__dict__["closing_end"].value


def _computed_by(attribute: property | _Placeholder[Any]) -> Placeholder:
    """The function behind a placeholder attribute (called directly: no attribute look-up per case)."""
    if isinstance(attribute, property):
        if attribute.fget is None:
            raise TypeError("a placeholder property must have a getter")
        return attribute.fget
    return attribute.value


# every placeholder, by name: the function that computes its value for one case
PLACEHOLDER_VALUES: dict[str, Placeholder] = {
    name: _computed_by(value)
    for name, value in vars(ExplanationContext).items() if isinstance(value, property | _Placeholder)}
PLACEHOLDERS: frozenset[str] = frozenset(PLACEHOLDER_VALUES)


def template_fields(template: str) -> list[str]:
    """The field names `template` uses, in order (`{params[x]:,}` -> `params[x]`); ValueError when malformed."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


def template_problems(template: str, params: Mapping[str, Any]) -> list[str]:
    """Placeholders that name neither a context property nor a param (empty when the template is sound)."""
    problems: list[str] = []
    try:
        fields = template_fields(template)
    except ValueError as e:
        return [f"malformed template: {e}"]
    for name in fields:
        if name.startswith("params[") and name.endswith("]"):
            if name[7:-1] not in params:
                problems.append(f"unknown param {name[7:-1]!r}")
        elif name not in PLACEHOLDERS:
            problems.append(f"unknown placeholder {{{name}}}")
    return problems


def case_placeholders(template: str) -> tuple[str, ...]:
    """The placeholders of `template` that read the case (not `params[...]`), each once, in order."""
    return tuple(dict.fromkeys(f for f in template_fields(template) if not f.startswith("params[")))


def placeholder_values(context: ExplanationContext, placeholders: Iterable[tuple[str, Placeholder]],
                       params: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping `str.format_map` renders one case's templates with: the value of each of the
    `placeholders` (name, `PLACEHOLDER_VALUES[name]`: computed once, whichever templates name it)
    and the rulebook's `params`."""
    values = {name: value(context) for name, value in placeholders}
    values["params"] = params
    return values
