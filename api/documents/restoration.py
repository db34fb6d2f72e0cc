"""A draft 恢复执行通知: the forum tells the enforcing court of a restoration lead (恢复执行线索) on a 终本 case.

Pure: (lead, case, network, issue date) -> DocumentDraft. Issued by the lead's forum (上一级 of the enforcing court)
to the enforcing court, it states the case, the 终本 ruling date, the asset the register shows (kind, registry, id,
dates, value), when the lead was first raised and the last day to act, and asks the court to verify the asset and,
if it is real, restore enforcement. Legal basis (legal-reference §3.2, §5): 终本规定 Art. 9 (the court shall restore
enforcement once it verifies that assets were found); 执行工作规定 items 71 (the higher court supervises) and 74 ¶1
(it shall press a lower court that omits a required act); after restoration the six months run from the discovery
(执行程序解释 Art. 10(2)) and CPL Art. 237 applies. Party ids are always masked: the enforcing court holds the file.
"""

from __future__ import annotations

from datetime import date

from api.documents import wording as w
from api.documents.draft import DRAFT_NOTE, enforcing_court
from api.documents.model import DocumentDraft, DocumentKind
from assign.errors import Conflict, DataError
from assign.leads import Lead, LeadState
from assign.network import CourtNetwork
from assign.schemas import Case, CaseStatus

ZHONGBEN_RULES = "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》"
WORK_RULES = "《最高人民法院关于人民法院执行工作若干问题的规定（试行）》"
BASIS_ZH = {
    "registered_after_ruling": "该财产系终结本次执行程序后登记至被执行人名下",
    "held_at_ruling": "终结本次执行程序裁定作出时该财产已登记在被执行人名下，而案件未记载该财产",
}


def check_restoration(lead: Lead, case: Case) -> None:
    """Raise Conflict (the reason in Chinese) when the lead calls for no restoration notice (any more)."""
    if lead.case_no != case.case_no:
        raise DataError(f"lead is for {lead.case_no}, not {case.case_no}")
    if lead.kind != "restoration" or lead.ruled_on is None:
        raise Conflict("该线索为未结案件新发现的财产，不是终本案件的恢复执行线索，无需恢复执行通知")
    if lead.state is LeadState.ACTED_ON:
        raise Conflict(f"执行法院已于{w.arabic_date(lead.acted_on or lead.as_of)}处理该线索，无需再行通知")
    if case.status != CaseStatus.ZHONGBEN or case.restored_on is not None:
        raise Conflict(f"案件{case.case_no}已不处于终结本次执行程序状态，无需恢复执行通知")
    if lead.forum is None:
        raise Conflict("执行法院的上一级法院为最高人民法院，不在本系统的法院网络内，无法生成通知")


def build_restoration_notice(*, lead: Lead, case: Case, network: CourtNetwork, issue_date: date,
                             serial: int | None = None, lead_id: int | None = None) -> DocumentDraft:
    check_restoration(lead, case)
    forum = network.get(lead.forum or "")
    court = enforcing_court(case, network)
    basis = (f"{ZHONGBEN_RULES}第九条", f"{WORK_RULES}第71条、第74条第一款",
             f"{w.INTERPRETATION}第十条第（二）项", f"{w.CPL}第二百三十七条")
    return DocumentDraft(
        kind=DocumentKind.RESTORATION, issuing_court=forum.name, title=DocumentKind.RESTORATION.title_zh,
        number=w.document_number(forum, issue_date, serial), case_no=case.case_no, issue_date=issue_date,
        issue_date_zh=w.chinese_date(issue_date), receiving_court=court.name, legal_basis=basis,
        draft_note=DRAFT_NOTE, addressee=f"{court.name}：",
        provenance={"source": "lead", "lead_id": lead_id, "lead_as_of": lead.as_of.isoformat(),
                    "basis": lead.basis, "state": lead.state.value},
        parties=(w.party_line("申请执行人", case.applicant, network, reveal_ids=False),
                 w.party_line("被执行人", case.debtor, network, reveal_ids=False)),
        body=(*_facts(lead, case, court.name, network),
              f"根据{ZHONGBEN_RULES}第九条，终结本次执行程序后发现被执行人有可供执行财产，执行法院核查属实的，"
              "应当恢复执行；符合恢复执行条件的，执行法院应当及时恢复执行。"
              f"依照{WORK_RULES}第71条、第74条第一款及上述规定，现通知如下："),
        operative=(
            f"一、请你院对上述财产线索及时核查；核查属实的，依法恢复执行{case.case_no}案件，并将核查及恢复执行情况书面报告本院。",
            f"二、恢复执行后，该案依照{w.INTERPRETATION}第十条第（二）项，自发现可供执行的财产之日起计算六个月期间；"
            f"超过六个月对该财产未执行完结的，本院将依照{w.CPL}第二百三十七条的规定处理。",
        ),
        signatures=("（院印）",),
        served_to=(f"{court.name}（执行法院）",),
    )


def _facts(lead: Lead, case: Case, court_name: str, network: CourtNetwork) -> list[str]:
    r = lead.record
    first = network.get(case.court_code)
    held = (f"于{w.arabic_date(r.released_on)}注销或者转移登记" if r.released_on is not None
            else f"截至{w.arabic_date(lead.as_of)}仍登记在其名下")
    place = f"，登记所在地{w.domicile_text(network, r.location_division)}" if r.location_division else ""
    value = f"，价值{w.money_text(r.value)}" if r.value is not None else "，价值不详"
    party_id = f"{w.party_id_label(case.debtor)}{w.party_id_text(case.debtor, reveal_ids=False)}"
    out = [
        f"申请执行人{case.applicant.name}与被执行人{case.debtor.name}{w.OBLIGATION_ZH[case.obligation]}执行一案，"
        f"{first.name}于{w.arabic_date(case.filed_on)}立案执行，案号为{case.case_no}，执行标的"
        f"{w.money_text(case.amount)}，已执行到位{w.money_text(case.recovered)}。"
        f"该案于{w.arabic_date(lead.ruled_on or case.filed_on)}裁定终结本次执行程序。",
        f"本院经比对财产登记信息发现：被执行人{case.debtor.name}（{party_id}）名下有"
        f"{r.asset_kind.label_zh}一项，登记机关为{r.registry}，登记编号{r.record_id}，"
        f"于{w.arabic_date(r.registered_on)}登记，{held}{place}{value}。"
        + (f"{BASIS_ZH[lead.basis]}。" if lead.basis in BASIS_ZH else ""),
    ]
    if lead.state is LeadState.CROSS_ENFORCEMENT_CANDIDATE:
        out.append(f"该线索于{w.arabic_date(lead.first_seen_on)}首次发现，处理期限已于{w.arabic_date(lead.act_by)}届满，"
                   f"截至{w.arabic_date(lead.as_of)}，{court_name}尚未恢复执行或者采取执行措施。")
    else:
        out.append(f"该线索于{w.arabic_date(lead.first_seen_on)}首次发现，处理期限至{w.arabic_date(lead.act_by)}。")
    return out
