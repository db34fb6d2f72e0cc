"""The draft 恢复执行通知 of a restoration lead: what a clerk checks in the .docx, masked ids, and the leads that
call for no notice (终本规定 Art. 9: the enforcing court restores once it verifies found assets)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from api.documents import DocumentKind, PdfUnavailable, build_restoration_notice, render_docx, render_pdf
from assign.errors import Conflict
from assign.leads import Lead, LeadCase
from assign.registers import RegisterKind, RegisterRecord
from rules.leads import classify_lead
from tests.factories import make_case, make_network

DEBTOR_ID = "91510104MA6C000001"
APPLICANT_ID = "510104198001010011"
ZHONGBEN = {"status": "zhongben", "zhongben": {"ruled_on": "2024-06-30"}}
VEHICLE = RegisterRecord(record_id="VH000000017", party_id=DEBTOR_ID, asset_kind=RegisterKind.VEHICLE,
                         registered_on=date(2024, 8, 1), released_on=None, registry="成都市公安局交通管理局",
                         location_division="510104", value=Decimal("85000"))


def _lead(as_of: date = date(2024, 9, 1), record: RegisterRecord = VEHICLE, **case: object) -> tuple[Lead, object]:
    stored = make_case(**{**ZHONGBEN, **case})
    lead = classify_lead(LeadCase.of(stored), record, as_of=as_of, first_seen_on=date(2024, 9, 1), action_days=30,
                         network=make_network())
    assert lead is not None
    return lead, stored


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in doc.paragraphs)


def test_the_notice_states_the_case_the_ruling_the_asset_the_dates_and_the_basis() -> None:
    lead, case = _lead()
    draft = build_restoration_notice(lead=lead, case=case, network=make_network(), issue_date=date(2024, 9, 5),
                                     serial=7, lead_id=3)
    text = _text(render_docx(draft))
    assert draft.kind is DocumentKind.RESTORATION and text.splitlines()[1] == "I510100人民法院"  # the forum issues it
    assert "恢复执行通知" in text and "（2024）川01执督7号" in text
    assert "B510104人民法院：" in text  # to the enforcing court, which must act
    assert "(2024)川0104执1号" in text and "执行标的500,000.00元" in text
    assert "该案于2024年6月30日裁定终结本次执行程序" in text
    assert "机动车一项，登记机关为成都市公安局交通管理局，登记编号VH000000017，于2024年8月1日登记" in text
    assert "截至2024年9月1日仍登记在其名下" in text and "价值85,000.00元" in text
    assert "该财产系终结本次执行程序后登记至被执行人名下" in text
    assert "该线索于2024年9月1日首次发现，处理期限至2024年10月1日" in text
    assert "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第九条" in text
    assert "执行法院核查属实的，应当恢复执行" in text
    assert "第71条、第74条第一款" in text
    assert "第十条第（二）项，自发现可供执行的财产之日起计算六个月" in text
    assert "《中华人民共和国民事诉讼法》第二百三十七条" in text
    assert "草稿" in text and "生成依据：恢复执行线索（编号 3" in text


def test_party_ids_are_masked_in_the_notice() -> None:
    lead, case = _lead()
    text = _text(render_docx(build_restoration_notice(lead=lead, case=case, network=make_network(),
                                                      issue_date=date(2024, 9, 5))))
    assert DEBTOR_ID not in text and APPLICANT_ID not in text
    assert "9151**********0001" in text and "5101**********0011" in text


def test_a_candidate_lead_says_the_time_to_act_has_passed_and_a_held_asset_says_so() -> None:
    held = VEHICLE.model_copy(update={"registered_on": date(2023, 5, 1), "released_on": date(2024, 8, 15),
                                      "value": None})
    lead, case = _lead(as_of=date(2024, 10, 2), record=held)
    assert lead.state.value == "cross_enforcement_candidate" and lead.basis == "held_at_ruling"
    text = _text(render_docx(build_restoration_notice(lead=lead, case=case, network=make_network(),
                                                      issue_date=date(2024, 10, 3))))
    assert "处理期限已于2024年10月1日届满，截至2024年10月2日，B510104人民法院尚未恢复执行或者采取执行措施" in text
    assert "于2024年8月15日注销或者转移登记" in text and "价值不详" in text
    assert "终结本次执行程序裁定作出时该财产已登记在被执行人名下" in text


def test_leads_that_call_for_no_notice_are_refused() -> None:
    network = make_network()
    open_case = make_case()
    new_asset = classify_lead(LeadCase.of(open_case), VEHICLE, as_of=date(2024, 9, 1), first_seen_on=None,
                              action_days=30, network=network)
    assert new_asset is not None and new_asset.kind == "new_asset"
    with pytest.raises(Conflict, match="不是终本案件的恢复执行线索"):
        build_restoration_notice(lead=new_asset, case=open_case, network=network, issue_date=date(2024, 9, 5))
    acted, case = _lead(as_of=date(2024, 9, 10), measures=[{"kind": "asset_query", "on": date(2024, 9, 3)}])
    assert acted.state.value == "acted_on"
    with pytest.raises(Conflict, match="已于2024年9月3日处理该线索"):
        build_restoration_notice(lead=acted, case=case, network=network, issue_date=date(2024, 9, 12))
    lead, _ = _lead()
    restored = make_case(**ZHONGBEN, restored_on=date(2024, 9, 2))
    with pytest.raises(Conflict, match="已不处于终结本次执行程序状态"):
        build_restoration_notice(lead=lead, case=restored, network=network, issue_date=date(2024, 9, 5))


def test_the_notice_as_pdf_when_a_cjk_font_is_installed() -> None:
    lead, case = _lead()
    draft = build_restoration_notice(lead=lead, case=case, network=make_network(), issue_date=date(2024, 9, 5))
    try:
        data = render_pdf(draft)
    except PdfUnavailable:
        pytest.skip("no CJK font on this machine")
    assert data.startswith(b"%PDF") and DEBTOR_ID.encode() not in data
