"""Chinese names the console shows for the service's fixed codes (outcomes, flags, modes, constraints).

The codes are the interchange format's (`shared/spec/case-format.md`) and the solver's
constraint ids; an unknown code is shown as itself, so a new flag never breaks a page.
"""

from __future__ import annotations

from typing import Any

OUTCOMES: dict[str, str] = {
    "MANDATORY_TRANSFER": "应当提级/指定",
    "ELIGIBLE": "可交叉执行",
    "WAIT": "督促期限内",
    "ROUTE_TO_PROPER_COURT": "告知向上一级法院申请",
    "NOT_YET": "未满六个月",
    "NOT_ELIGIBLE": "不符合条件",
    "NO_ACTION": "无需处理",
}

# Outcomes a dispatcher must act on, in the order the queue shows them.
ACTION_OUTCOMES = ["MANDATORY_TRANSFER", "ELIGIBLE", "ROUTE_TO_PROPER_COURT", "WAIT"]

FLAGS: dict[str, str] = {
    "LOCAL_PROTECTION_RISK": "地方保护风险",
    "ASSET_UNDISPOSED": "财产长期未处置",
    "PETITIONS": "信访投诉",
    "INTERFERENCE": "不当干预记录",
    "RELATED_CASES_CONCENTRATION": "关联案件宜集中",
    "RECUSAL_OFFICER": "承办人应回避",
    "CONSIDER_ZHONGBEN": "可考虑终本",
    "IMPROPER_ZHONGBEN_TOO_EARLY": "终本过早",
    "IMPROPER_ZHONGBEN_ASSET_NOT_DISPOSED": "终本时财产未处置",
    "ZHONGBEN_MONITORING_LAPSE": "终本后未定期查询",
    "CLOSING_DEADLINE_OVERDUE": "超执行期限",
    "SUPERVISION_POSSIBLE": "可予督办",
    "SUSPENDED_REVIEW": "中止期间待复查",
    "MANUAL_REVIEW_10_4": "第十条第（四）项待人工审查",
    "MANUAL_REVIEW_10_3_NOTICE": "仅有通知，待人工审查",  # rulebook 1.1.0 verdicts
    "MANUAL_REVIEW_10_3_OTHER_MEASURE": "措施性质不明，待人工审查",
    "CROSS_ENFORCEMENT_CANDIDATE": "交叉执行候选",
}

MODES: dict[str, str] = {
    "order": "督促执行令（限期执行）",
    "escalate": "提级执行",
    "designate": "指定执行",
    "concentrate": "集中执行",
    "joint": "协同执行",
}

CONSTRAINTS: dict[str, str] = {
    "hard.not_original_court": "不得为原执行法院",
    "hard.in_forum_jurisdiction": "须在上一级法院辖区内",
    "hard.not_debtor_home": "不得为被执行人住所地法院",
    "hard.not_asset_local": "不得为主要财产所在地法院",
    "hard.declared_conflict": "存在申报的回避/利益冲突",
    "hard.capacity": "超出承接能力",
    "hard.pinned": "已确定的安排",
    "medium.group_together": "关联案件集中办理",
    "soft.transfer_burden_balance": "交叉执行负担均衡",
    "soft.total_load_balance": "总体案件负荷均衡",
    "soft.distance": "距当事人及财产的距离",
    "soft.churn": "与前一方案相比的变动",
    "soft.mode_cost": "执行方式成本（低成本优先）",
    "soft.receiving_outcome": "承接法院移送执行成效（可选）",
}

PERIODS: dict[str, str] = {
    "public_notice": "公告", "appraisal": "鉴定评估", "jurisdiction_dispute": "管辖争议处理",
    "dispute_coordination": "执行争议协调", "stay": "暂缓执行", "suspension": "中止执行",
    "objection_review": "异议审查", "auction": "拍卖", "settlement_talks": "和解协商", "other": "其他",
}

# The rulebook's fact names (rules/facts.py FACTS) as the case page shows them.
FACTS: dict[str, str] = {
    "case_state": "案件状态", "obligation": "给付内容", "application_state": "向上一级法院申请",
    "basis": "第十条适用项", "basis_kind": "期间类型", "period_exceeded": "已超过六个月",
    "countable_days": "已计期间（日）", "order_state": "督促执行令", "restored": "已恢复执行",
    "debtor_kind": "被执行人类型", "debtor_key_local_taxpayer": "当地重点纳税人", "petition_count": "信访次数",
    "interference_count": "不当干预记录", "linked_case_count": "关联未结案件数", "officer_conflict": "承办人应回避",
    "amount_yuan": "执行标的（元）", "closing_deadline_overdue": "已超执行期限", "months_since_filing": "立案后月数",
    "oldest_undisposed_seizure_months": "查封未处置最长月数", "three_months_since_filing": "立案已满三个月",
    "zhongben_too_early": "终本过早", "zhongben_undisposed_assets": "终本时未处置财产数",
    "zhongben_auction_tried": "终本前曾拍卖", "zhongben_monitoring_lapse": "终本后漏查财产",
    "open_suspension_days": "暂缓/中止已持续（日）",
    "order_reading": "督促执行令（第十二条）", "premature_application": "未满六个月即申请",
    "stalled_asset_months": "财产未处置净月数", "stalled_asset_no_progress": "经督办无进展",
    "zhongben_assets_without_ground": "终本时无正当理由未处置财产数", "local_debtor_kind": "当地被执行人类型",
    "local_key_taxpayer": "当地重点纳税人", "closing_extension_approved": "结案期限经批准延长",
}

FACT_VALUES: dict[str, str] = {
    "true": "是", "false": "否", "open": "在办", "closed": "已结", "zhongben": "终本", "none": "无",
    "at_forum": "已向上一级法院申请", "wrong_court": "向非上一级法院申请", "clock": "计时", "manual": "人工审查",
    "enforced": "已执行完毕", "running": "期限未届满", "passed_no_reason": "逾期且无正当理由",
    "passed_good_reason": "逾期但有正当理由", "money": "金钱给付", "delivery": "交付财物", "behaviour": "行为",
    "person": "自然人", "company": "公司", "state_owned": "国有企业", "government": "机关",
    "public_institution": "事业单位", "lapsed": "依第二百三十七条限期届满且无正当理由",
    "excused_reason": "限期届满但有正当理由", "excused_period": "限期内有中止等期间",
    "supervision_lapsed": "依职权督办期限届满", "not_local": "非当地",
}

ACTIONS: dict[str, str] = {"accept": "采纳", "override": "改派", "reject": "不采纳"}

DOCUMENT_KINDS: dict[str, str] = {
    "order": "督促执行令",
    "escalate": "执行裁定书（提级执行）",
    "designate": "执行裁定书（指定执行）",
}


def all_labels() -> dict[str, Any]:
    """Everything the pages need, embedded once per page as JSON."""
    return {"outcomes": OUTCOMES, "action_outcomes": ACTION_OUTCOMES, "flags": FLAGS, "modes": MODES,
            "constraints": CONSTRAINTS, "periods": PERIODS, "facts": FACTS, "fact_values": FACT_VALUES,
            "actions": ACTIONS, "documents": DOCUMENT_KINDS}
