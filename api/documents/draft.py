"""Fill a document draft from the case, its verdict and the decision (or recommendation).

`build_draft` is pure: (case, verdict, disposition, network, issue date) -> DocumentDraft.
It refuses drafts the verdict does not allow (e.g. an order under Art. 12, where only 提级
or 指定 may follow) instead of writing a document the law would not support.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from api.documents import wording as w
from api.documents.model import Disposition, DocumentDraft, DocumentKind
from assign.errors import DataError
from assign.masking import mask_text
from assign.network import CourtNetwork
from assign.receiving import NotReceivable, receiving_court_problem
from assign.schemas import Case, Court, Outcome, Verdict

# CONVENTION: an order without a deadline in the decision gives the enforcing court 30 days.
DEFAULT_ORDER_DAYS = 30

DRAFT_NOTE = "草稿：本文书由系统根据案件信息、审查结果和调度决定自动生成，仅供审核，未经签发不具有法律效力。"


def check_allowed(kind: DocumentKind, case: Case, verdict: Verdict, disposition: Disposition,
                  network: CourtNetwork) -> None:
    """Raise DataError (with the reason in Chinese) when this draft would not be lawful or not match the decision."""
    if verdict.case_no != case.case_no:
        raise DataError(f"verdict is for {verdict.case_no}, not {case.case_no}")
    if verdict.outcome not in (Outcome.ELIGIBLE, Outcome.MANDATORY_TRANSFER) or not verdict.forum:
        raise DataError(f"审查结果为 {verdict.outcome.value}，不适用第二百三十七条，不能生成{kind.label_zh}")
    if not kind.modes & set(verdict.permitted_modes):
        allowed = "、".join(m.value for m in verdict.permitted_modes) or "无"
        raise DataError(f"审查结果不允许{kind.label_zh}（允许的方式：{allowed}）")
    if disposition.mode not in kind.modes:
        raise DataError(f"{disposition.source} 的方式为 {disposition.mode.value}，与{kind.label_zh}不一致")
    if kind is DocumentKind.DESIGNATE:
        target = disposition.target_court
        if not target:
            raise DataError("指定执行须写明受指定的法院")
        entrusted = case.entrusted.to_court if case.entrusted else None
        problem = receiving_court_problem(network, target=target, forum=verdict.forum,
                                          original=(case.court_code, entrusted))
        if problem is NotReceivable.ORIGINAL:
            raise DataError("不得指定原执行法院执行（民事诉讼法第二百三十七条“其他人民法院”）")
        if problem is not None:
            raise DataError(f"受指定法院 {target} 不在 {verdict.forum} 的辖区内（解释第十一条“本辖区其他人民法院”）")


def build_draft(kind: DocumentKind, *, case: Case, verdict: Verdict, disposition: Disposition,
                network: CourtNetwork, issue_date: date, serial: int | None = None,
                reveal_ids: bool = False) -> DocumentDraft:
    check_allowed(kind, case, verdict, disposition, network)
    forum = network.get(verdict.forum or "")
    original = enforcing_court(case, network)
    mandatory = verdict.outcome == Outcome.MANDATORY_TRANSFER
    receiving = {DocumentKind.ORDER: original, DocumentKind.ESCALATE: forum}.get(kind) \
        or network.get(disposition.target_court or "")
    basis = _legal_basis(kind, verdict, mandatory)
    draft = DocumentDraft(
        kind=kind, issuing_court=forum.name, title=kind.title_zh,
        number=w.document_number(forum, issue_date, serial), case_no=case.case_no, issue_date=issue_date,
        issue_date_zh=w.chinese_date(issue_date), receiving_court=receiving.name, legal_basis=basis,
        draft_note=DRAFT_NOTE,
        provenance={"source": disposition.source, "plan_id": disposition.plan_id,
                    "rulebook": f"{verdict.rulebook_version.id}@{verdict.rulebook_version.hash[:12]}",
                    "verdict_as_of": verdict.as_of.isoformat(), "decided_by": disposition.decided_by,
                    "reason": mask_text(disposition.reason) if disposition.reason else disposition.reason},
    )
    facts = _fact_paragraphs(case, verdict, original, network)
    cited = "，".join(basis)
    if kind is DocumentKind.ORDER:
        deadline = disposition.deadline or issue_date + timedelta(days=DEFAULT_ORDER_DAYS)
        return replace(
            draft, deadline=deadline, addressee=f"{original.name}：",
            body=(*facts, _reasoning(case, verdict, original), f"依照{cited}之规定，特发此令："),
            operative=(
                f"责令你院于{w.arabic_date(deadline)}前对{case.case_no}案件"
                f"{'依法采取相应执行措施' if verdict.basis == '10(3)' else '执行完结'}，并将执行情况书面报告本院。",
                f"逾期无正当理由仍未执行完结的，本院将依照{w.INTERPRETATION}第十二条的规定，"
                "裁定由本院执行或者指令本辖区其他人民法院执行。",
            ),
            signatures=("（院印）",),
            served_to=(f"{original.name}（原执行法院）",),
            notified=(f"申请执行人{case.applicant.name}（书面通知，解释第十一条第一款）",),
        )
    case_list = "、".join(disposition.case_nos) if len(disposition.case_nos) > 1 else case.case_no
    reason = _transfer_reason(kind, receiving)
    designated = (f"{receiving.name}（受指定执行法院）",) if kind is DocumentKind.DESIGNATE else ()
    return replace(
        draft,
        parties=(
            w.party_line("申请执行人", case.applicant, network, reveal_ids=reveal_ids),
            w.party_line("被执行人", case.debtor, network, reveal_ids=reveal_ids),
        ),
        body=(*facts, _reasoning(case, verdict, original) + reason, f"依照{cited}之规定，裁定如下："),
        operative=(
            f"一、{case_list}案件由{'本院' if kind is DocumentKind.ESCALATE else receiving.name}执行；",
            f"二、{original.name}应当在收到本裁定后及时将上述案件的执行卷宗材料移送"
            f"{'本院' if kind is DocumentKind.ESCALATE else receiving.name}。",
        ),
        closing=("本裁定送达后即发生法律效力。",),
        signatures=("审　判　长　（待定）", "审　判　员　（待定）", "审　判　员　（待定）",
                    "（院印）", "书　记　员　（待定）"),
        served_to=(f"申请执行人{case.applicant.name}", f"被执行人{case.debtor.name}"),
        notified=(f"{original.name}（原执行法院）", *designated),
    )


def _legal_basis(kind: DocumentKind, verdict: Verdict, mandatory: bool) -> tuple[str, ...]:
    item = w.BASIS_ITEM_ZH.get(verdict.basis or "", "第十条")
    paragraph = "第十一条第一款" if kind is DocumentKind.ORDER else "第十一条第二款"
    articles = [item, paragraph] + (["第十二条"] if mandatory and kind is not DocumentKind.ORDER else [])
    return f"{w.CPL}第二百三十七条", f"{w.INTERPRETATION}{'、'.join(articles)}"


def enforcing_court(case: Case, network: CourtNetwork) -> Court:
    """The court that must act: the entrusted court when the case was entrusted (委托执行), else the court of record."""
    if case.entrusted is not None and case.entrusted.to_court in network:
        return network.get(case.entrusted.to_court)
    return network.get(case.court_code)


def _fact_paragraphs(case: Case, verdict: Verdict, original: Court, network: CourtNetwork) -> list[str]:
    applicant, debtor = case.applicant.name, case.debtor.name
    first = network.get(case.court_code)
    out = [
        f"申请执行人{applicant}与被执行人{debtor}{w.OBLIGATION_ZH[case.obligation]}执行一案，"
        f"{first.name}于{w.arabic_date(case.received_on)}收到申请执行书，于{w.arabic_date(case.filed_on)}立案执行，"
        f"案号为{case.case_no}，执行标的{w.money_text(case.amount)}，已执行到位{w.money_text(case.recovered)}。"
    ]
    if case.entrusted is not None and original.code != first.code:
        out.append(f"{first.name}委托{original.name}执行，{original.name}于{w.arabic_date(case.entrusted.filed_on)}立案。")
    if case.application is not None:
        out.append(f"申请执行人{applicant}于{w.arabic_date(case.application.on)}以{original.name}"
                   "自收到申请执行书之日起超过六个月未执行为由，向本院申请执行。")
    else:
        out.append("本院在执行指挥管理中发现该案自收到申请执行书之日起超过六个月未执行，依职权进行审查。")
    clock = []
    if verdict.clock_start:
        clock.append(f"该案六个月期间自{w.arabic_date(verdict.clock_start)}起算")
    excluded = [f"{w.PERIOD_KIND_ZH.get(p.kind.value, p.kind.value)}（{w.arabic_date(p.start)}至"
                f"{w.arabic_date(p.end) if p.end else '今'}）" for p in case.excluded_periods]
    if excluded:
        clock.append(f"其间{'、'.join(excluded)}依法不计入")
    if verdict.eligible_from:
        clock.append(f"自{w.arabic_date(verdict.eligible_from)}起已超过六个月")
    if verdict.countable_days is not None:
        clock.append(f"截至{w.arabic_date(verdict.as_of)}计算期间共{verdict.countable_days}日")
    if clock:
        out.append("本院经审查查明：" + "，".join(clock) + "。")
    explained = [f.explanation_zh for f in verdict.fired if f.explanation_zh]
    if explained:  # rulebook 1.2.0 on: the verdict's own sentences state which orders it read and why (§12.12)
        numbered = "；".join(f"（{w.chinese_number(i)}）{text.rstrip('。')}" for i, text in enumerate(explained, 1))
        out.append(f"经审查：{numbered}。")
    else:
        for order in case.supervision_orders:
            issuer = network.get(order.issued_by).name if order.issued_by in network else order.issued_by
            reason = f"其所述理由为“{order.good_reason}”" if order.good_reason else "无正当理由"
            out.append(f"{issuer}曾于{w.arabic_date(order.issued_on)}发出督促执行令，责令于"
                       f"{w.arabic_date(order.deadline)}前执行完结；{original.name}在指定期间内未执行完结，{reason}。")
    found = [w.FLAG_FINDINGS_ZH[f] for f in verdict.flags if f in w.FLAG_FINDINGS_ZH]
    if found:
        numbered = "；".join(f"（{w.chinese_number(i)}）{text}" for i, text in enumerate(found, start=1))
        out.append(f"经审查，本案还存在下列情形：{numbered}。")
    return out


def _reasoning(case: Case, verdict: Verdict, original: Court) -> str:
    item = w.BASIS_ITEM_ZH.get(verdict.basis or "", "第十条")
    text = (f"本院认为，{original.name}{w.BASIS_FAILURE_ZH.get(verdict.basis or '', '超过六个月未执行')}，"
            f"符合{w.CPL}第二百三十七条、{w.INTERPRETATION}{item}规定的情形。")
    if verdict.outcome == Outcome.MANDATORY_TRANSFER:
        text += ("本院已责令限期执行，执行法院在指定期间内无正当理由仍未执行完结，"
                 "依法应当由本院执行或者指令本辖区其他人民法院执行。")
    return text


def _transfer_reason(kind: DocumentKind, receiving: Court) -> str:
    if kind is DocumentKind.ESCALATE:
        return "为保障申请执行人的合法权益，本案由本院提级执行为宜。"
    return (f"综合考虑当事人住所地、主要财产所在地、各法院执行案件数量及执行力量等因素，"
            f"指定{receiving.name}执行本案为宜。")
