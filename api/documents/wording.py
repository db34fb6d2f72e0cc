"""Chinese wording shared by the document drafts: numbers, dates, 案号, names of things.

Pure functions; nothing here reads the database or the clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assign.masking import mask_id
from assign.network import CourtNetwork
from assign.schemas import Court, CourtLevel, Obligation, Party, PartyKind

# 省级行政区简称 by the first two digits of the division code (used in 案号 court codes).
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}

# Case-type code of the higher court's Art. 237 review (执行督促案件, 案件类型代字 "执督").
SUPERVISION_CASE_TYPE = "执督"

_DIGITS = "〇一二三四五六七八九"

OBLIGATION_ZH: dict[Obligation, str] = {
    Obligation.MONEY: "金钱给付",
    Obligation.DELIVERY: "交付财物",
    Obligation.BEHAVIOUR: "行为",
}

PERIOD_KIND_ZH: dict[str, str] = {
    "public_notice": "公告期间",
    "appraisal": "鉴定评估期间",
    "jurisdiction_dispute": "管辖争议处理期间",
    "dispute_coordination": "执行争议协调期间",
    "stay": "暂缓执行期间",
    "suspension": "中止执行期间",
}

CPL = "《中华人民共和国民事诉讼法》"
INTERPRETATION = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉执行程序若干问题的解释》"

# Findings a ruling may state, worded for a court document (the flags that show why a transfer
# is necessary; internal workflow flags are left out).
FLAG_FINDINGS_ZH: dict[str, str] = {
    "LOCAL_PROTECTION_RISK": "被执行人系当地机关、国有企业、事业单位或重点纳税企业，存在地方保护风险",
    "INTERFERENCE": "本案有不当干预执行的记录",
    "PETITIONS": "申请执行人曾信访反映消极执行",
    "RELATED_CASES_CONCENTRATION": "同一被执行人涉及多件未结执行案件，宜集中执行",
    "RECUSAL_OFFICER": "承办人员存在应当回避的情形",
    "ASSET_UNDISPOSED": "已查控的财产长期未予处置",
    "CLOSING_DEADLINE_OVERDUE": "本案已超过执行期限",
}

# What the enforcing court failed to do, in the words of each item of Art. 10.
BASIS_FAILURE_ZH: dict[str, str] = {
    "10(1)": "自收到申请执行书之日起超过六个月对可供执行的财产未执行完结",
    "10(2)": "自发现可供执行的财产之日起超过六个月对该财产未执行完结",
    "10(3)": "自收到申请执行书之日起超过六个月未依法采取相应执行措施",
    "10(4)": "有条件执行而超过六个月未执行",
}

BASIS_ITEM_ZH = {"10(1)": "第十条第（一）项", "10(2)": "第十条第（二）项", "10(3)": "第十条第（三）项",
                 "10(4)": "第十条第（四）项"}


def chinese_date(day: date) -> str:
    """2025-11-22 -> '二〇二五年十一月二十二日' (the form used for a document's signing date)."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 10 -> 十, 22 -> 二十二, 30 -> 三十."""
    if not 0 < n < 100:
        raise ValueError(f"chinese_number handles 1..99, not {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def arabic_date(day: date) -> str:
    """2024-01-10 -> '2024年1月10日' (the form used inside the text of a document)."""
    return f"{day.year}年{day.month}月{day.day}日"


def court_case_code(court: Court) -> str:
    """The court part of a 案号: 川 (high), 川01 (intermediate), 川0104 (basic)."""
    div = court.division_code
    prefix = PROVINCE_ABBREVIATIONS.get(div[:2], div[:2])
    if court.level == CourtLevel.HIGH:
        return prefix
    if court.level == CourtLevel.INTERMEDIATE:
        return prefix + div[2:4]
    return prefix + div[2:6]


def document_number(court: Court, issue_date: date, serial: int | None) -> str:
    """（2025）川01执督12号; without a serial the number is left blank for the registry to assign."""
    number = str(serial) if serial is not None else "\u3000\u3000"
    return f"（{issue_date.year}）{court_case_code(court)}{SUPERVISION_CASE_TYPE}{number}号"


def domicile_text(network: CourtNetwork, division: str | None) -> str:
    """A party's domicile as a place name, from the court serving that division."""
    if not division:
        return "不详"
    court = network.local_basic_court(division)
    if court is None:
        return f"行政区划代码{division}"
    return court.name.removesuffix("人民法院")


def party_id_label(party: Party) -> str:
    return "公民身份号码" if party.kind == PartyKind.PERSON else "统一社会信用代码"


def party_id_text(party: Party, *, reveal_ids: bool) -> str:
    """The ID as this reader may see it: full only when the role needs it (e.g. for service)."""
    return party.id if reveal_ids else (mask_id(party.id) or "")


def party_line(role: str, party: Party, network: CourtNetwork, *, reveal_ids: bool) -> str:
    """'申请执行人：张三，公民身份号码5101**********0011，住所地四川省成都市武侯区。'"""
    return (f"{role}：{party.name}，{party_id_label(party)}{party_id_text(party, reveal_ids=reveal_ids)}，"
            f"住所地{domicile_text(network, party.domicile_division)}。")


def money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}元"
