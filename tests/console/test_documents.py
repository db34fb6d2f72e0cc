"""The three document drafts: open the generated .docx and check the fields a clerk checks."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from api.documents import (
    Disposition,
    DocumentKind,
    PdfUnavailable,
    build_draft,
    cjk_font_path,
    docx_bytes,
    render_pdf,
)
from api.documents.wording import chinese_date, court_case_code, document_number
from assign.errors import DataError
from assign.schemas import FiredRule, Mode, Order, Outcome, Recommendation, RulebookVersion, Verdict
from tests.factories import make_case, make_network

ISSUE = date(2025, 3, 5)
CASE_NO = "(2024)川0104执1号"
CPL_237 = "《中华人民共和国民事诉讼法》第二百三十七条"
INTERP = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉执行程序若干问题的解释》"


def _verdict(outcome: Outcome = Outcome.ELIGIBLE, modes: tuple[Mode, ...] = (Mode.ORDER, Mode.ESCALATE,
             Mode.DESIGNATE)) -> Verdict:
    return Verdict(
        case_no=CASE_NO, as_of=date(2025, 3, 1), outcome=outcome, basis="10(1)", clock_start=date(2024, 1, 10),
        eligible_from=date(2024, 8, 20), countable_days=380, forum="I510100", permitted_modes=list(modes),
        recommended_mode=modes[0] if modes else None, flags=["LOCAL_PROTECTION_RISK"],
        fired=[FiredRule(rule_id="basis.10_1", label_zh="申请时有可供执行财产，超过六个月未执行完结",
                         legal_basis="解释第十条第（一）项", facts={"countable_days": 380})],
        rulebook_version=RulebookVersion(id="art237@1.0.0", hash="abc123"),
    )


def _case():
    return make_case(CASE_NO, excluded_periods=[{"kind": "appraisal", "start": date(2024, 3, 1),
                                                 "end": date(2024, 4, 10)}])


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    return header + "\n" + body


def _disposition(mode: Mode, target: str | None) -> Disposition:
    return Disposition(mode=mode, target_court=target, source="decision", case_nos=(CASE_NO,),
                       reason="被执行人系当地重点纳税企业", decided_by="dispatcher:I510100")


def test_order_docx_has_number_parties_basis_deadline_and_notice() -> None:
    data = docx_bytes(DocumentKind.ORDER, case=_case(), verdict=_verdict(), disposition=_disposition(Mode.ORDER, None),
                      network=make_network(), issue_date=ISSUE, serial=12)
    text = _text(data)
    assert "I510100人民法院" in text.splitlines()[1]  # issuing court header (the forum)
    assert "督促执行令" in text
    assert "（2025）川01执督12号" in text
    assert CASE_NO in text
    assert "张三" in text and "成都某贸易有限公司" in text
    assert CPL_237 in text and f"{INTERP}第十条第（一）项、第十一条第一款" in text
    assert "B510104人民法院：" in text  # addressed to the enforcing court, which must act
    assert "2025年4月4日前" in text  # default deadline: 30 days after issue
    assert "书面通知：申请执行人张三" in text
    assert "二〇二五年三月五日" in text
    assert "鉴定评估期间（2024年3月1日至2024年4月10日）依法不计入" in text
    assert "草稿" in text
    assert "第十二条的规定" in text  # the warning of what follows a missed deadline
    assert "存在地方保护风险" in text  # the verdict's flags, worded as findings
    assert "调度理由：被执行人系当地重点纳税企业" in text  # the dispatcher's reason: in the reviewer's note only


def test_escalation_ruling_serves_parties_with_masked_ids_and_notifies_the_court() -> None:
    text = _text(docx_bytes(DocumentKind.ESCALATE, case=_case(), verdict=_verdict(),
                            disposition=_disposition(Mode.ESCALATE, "I510100"), network=make_network(),
                            issue_date=ISSUE))
    assert "执行裁定书" in text and "（2025）川01执督\u3000\u3000号" in text
    assert "申请执行人：张三，公民身份号码5101**********0011" in text
    assert "被执行人：成都某贸易有限公司，统一社会信用代码9151**********0001" in text
    assert "510104198001010011" not in text
    assert f"一、{CASE_NO}案件由本院执行" in text
    assert "裁定如下" in text and "本裁定送达后即发生法律效力" in text
    assert f"{INTERP}第十条第（一）项、第十一条第二款" in text
    assert "送达：申请执行人张三；被执行人成都某贸易有限公司" in text
    assert "通知：B510104人民法院（原执行法院）" in text


def test_designation_ruling_names_receiving_court_and_cites_art_12_when_mandatory() -> None:
    verdict = _verdict(Outcome.MANDATORY_TRANSFER, (Mode.DESIGNATE, Mode.ESCALATE))
    case = _case().model_copy(update={"supervision_orders": [
        Order(issued_by="I510100", issued_on=date(2024, 9, 1), deadline=date(2024, 10, 31))]})
    text = _text(docx_bytes(DocumentKind.DESIGNATE, case=case, verdict=verdict,
                            disposition=_disposition(Mode.DESIGNATE, "B510112"), network=make_network(),
                            issue_date=ISSUE, serial=7, reveal_ids=True))
    assert "（2025）川01执督7号" in text
    assert f"一、{CASE_NO}案件由B510112人民法院执行" in text
    assert "第十一条第二款、第十二条" in text
    assert "2024年9月1日发出督促执行令" in text and "无正当理由" in text
    assert "公民身份号码510104198001010011" in text  # the role may see full IDs for service
    assert "B510112人民法院（受指定执行法院）" in text


def test_designation_from_a_recommendation_before_any_decision() -> None:
    rec = Recommendation(case_nos=[CASE_NO], mode=Mode.DESIGNATE, target_court="B510703", forum="I510100",
                         plan_id="p1")
    # B510703 is in another prefecture: outside the forum's jurisdiction, so no ruling may name it.
    with pytest.raises(DataError, match="不在"):
        build_draft(DocumentKind.DESIGNATE, case=_case(), verdict=_verdict(),
                    disposition=Disposition.from_recommendation(rec), network=make_network(), issue_date=ISSUE)
    rec = rec.model_copy(update={"target_court": "B510105"})
    draft = build_draft(DocumentKind.DESIGNATE, case=_case(), verdict=_verdict(),
                        disposition=Disposition.from_recommendation(rec), network=make_network(), issue_date=ISSUE)
    assert draft.receiving_court == "B510105人民法院" and draft.provenance["plan_id"] == "p1"


@pytest.mark.parametrize(
    ("kind", "verdict", "disposition", "reason"),
    [
        (DocumentKind.ORDER, _verdict(Outcome.MANDATORY_TRANSFER, (Mode.ESCALATE, Mode.DESIGNATE)),
         Disposition(mode=Mode.ORDER, target_court=None, source="decision"), "不允许"),
        (DocumentKind.ORDER, _verdict(Outcome.NOT_YET, ()), Disposition(mode=Mode.ORDER, target_court=None,
                                                                           source="decision"), "NOT_YET"),
        (DocumentKind.DESIGNATE, _verdict(), Disposition(mode=Mode.DESIGNATE, target_court="B510104",
                                                         source="decision"), "原执行法院"),
        (DocumentKind.ESCALATE, _verdict(), Disposition(mode=Mode.ORDER, target_court=None, source="decision"),
         "不一致"),
    ],
)
def test_drafts_the_verdict_or_decision_does_not_support_are_refused(kind, verdict, disposition, reason) -> None:
    with pytest.raises(DataError, match=reason):
        build_draft(kind, case=_case(), verdict=verdict, disposition=disposition, network=make_network(),
                    issue_date=ISSUE)


def test_wording_helpers() -> None:
    net = make_network()
    assert chinese_date(date(2025, 11, 22)) == "二〇二五年十一月二十二日"
    assert chinese_date(date(2030, 10, 10)) == "二〇三〇年十月十日"
    assert court_case_code(net.get("H510000")) == "川"
    assert court_case_code(net.get("B510104")) == "川0104"
    assert document_number(net.get("I510100"), date(2025, 1, 2), 12) == "（2025）川01执督12号"


def test_pdf_embeds_the_cjk_font_or_says_why_not() -> None:
    draft = build_draft(DocumentKind.ORDER, case=_case(), verdict=_verdict(),
                        disposition=_disposition(Mode.ORDER, None), network=make_network(), issue_date=ISSUE)
    if cjk_font_path() is None:
        with pytest.raises(PdfUnavailable, match="fonts-noto-cjk"):
            render_pdf(draft)
        return
    pytest.importorskip("fpdf")
    data = render_pdf(draft)
    assert data.startswith(b"%PDF") and b"FontFile" in data


def test_concentration_is_a_designation_ruling_over_the_debtors_linked_cases() -> None:
    other = "(2024)川0104执2号"
    verdict = _verdict(modes=(Mode.CONCENTRATE, Mode.DESIGNATE))
    disposition = Disposition(mode=Mode.CONCENTRATE, target_court="B510112", source="decision",
                              case_nos=(CASE_NO, other))
    text = _text(docx_bytes(DocumentKind.DESIGNATE, case=_case(), verdict=verdict, disposition=disposition,
                            network=make_network(), issue_date=ISSUE))
    assert f"一、{CASE_NO}、{other}案件由B510112人民法院执行" in text
    assert DocumentKind.for_mode(Mode.CONCENTRATE) is DocumentKind.DESIGNATE
    assert DocumentKind.for_mode(Mode.JOINT) is None  # 协同执行 has no ruling of its own here


def test_the_reasoning_follows_the_item_of_art_10() -> None:
    behaviour = _verdict().model_copy(update={"basis": "10(3)"})
    text = _text(docx_bytes(DocumentKind.ORDER, case=_case(), verdict=behaviour,
                            disposition=_disposition(Mode.ORDER, None), network=make_network(), issue_date=ISSUE))
    assert "超过六个月未依法采取相应执行措施" in text and "第十条第（三）项" in text
    assert "案件依法采取相应执行措施，并将执行情况书面报告本院" in text
    discovered = _verdict().model_copy(update={"basis": "10(2)"})
    found = _text(docx_bytes(DocumentKind.ESCALATE, case=_case(), verdict=discovered,
                             disposition=_disposition(Mode.ESCALATE, "I510100"), network=make_network(),
                             issue_date=ISSUE))
    assert "自发现可供执行的财产之日起超过六个月对该财产未执行完结" in found


def test_an_entrusted_case_is_ordered_to_the_entrusted_court() -> None:
    case = make_case(CASE_NO, entrusted={"to_court": "B510105", "filed_on": date(2024, 2, 1)})
    text = _text(docx_bytes(DocumentKind.ORDER, case=case, verdict=_verdict(),
                            disposition=_disposition(Mode.ORDER, None), network=make_network(), issue_date=ISSUE))
    assert "B510104人民法院委托B510105人民法院执行，B510105人民法院于2024年2月1日立案" in text
    assert "B510105人民法院：" in text  # the order goes to the court that must act
    with pytest.raises(DataError, match="原执行法院"):
        build_draft(DocumentKind.DESIGNATE, case=case, verdict=_verdict(),
                    disposition=_disposition(Mode.DESIGNATE, "B510105"), network=make_network(), issue_date=ISSUE)


def test_a_draft_states_the_verdicts_own_sentences() -> None:
    """§12.12: the draft shows the rulebook's sentences (1.2.0 on) instead of asserting that every
    supervision order lapsed without good reason."""
    from api.config import REPO_ROOT
    from rules.engine import RuleEngine
    from rules.evaluate import evaluate_cases
    from rules.loader import load_rulebook

    network = make_network()
    case = make_case(CASE_NO, supervision_orders=[Order(issued_by="I510100", issued_on=date(2024, 3, 1),
                                                        deadline=date(2024, 4, 1))])
    engine = RuleEngine(load_rulebook(REPO_ROOT / "rules" / "rulebook"))
    try:
        verdict = evaluate_cases([case], network, date(2024, 9, 1), engine)[0]
    finally:
        engine.retire()
    draft = build_draft(DocumentKind.ORDER, case=case, verdict=verdict, disposition=_disposition(Mode.ORDER, None),
                        network=network, issue_date=ISSUE)
    text = "\n".join(draft.body)
    assert "依职权督办" in text and "无正当理由" not in text
    assert "自2024年7月11日起超过六个月" in text
