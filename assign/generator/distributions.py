"""The shares, lengths and weights of the workload that docs/workload.md documents.

Draws that only shape one detail stay next to their use (asset disposal speeds and
valuations in `assets.py`, name and identity details in `identities.py`, applicant bands in
`parties.py`, the notice delay in `procedure.py`, the process nodes in `process_nodes.py`).

Sources are cited as § of shared/domain/legal-reference.md. Figures marked CHOICE are
ours: no published statistic was found, so they are set to plausible values and, where
it matters, tuned so that the Art. 237 rules find a useful share of transferable cases.
docs/workload.md explains each one in prose and gives the measured shares.
"""

from __future__ import annotations

# ---------------------------------------------------------------- courts and dates

# Intermediate courts enforce some first-instance cases of their own; their weight is
# this fraction of their open_cases (basic courts get weight = open_cases). CHOICE.
INTERMEDIATE_WEIGHT = 0.05
# Receipt dates fall within three years before as_of: a mix of uniform (old backlog)
# and exponential (recent intake; pending cases skew young). CHOICE.
HORIZON_DAYS = 3 * 365
AGE_UNIFORM_SHARE = 0.45
AGE_EXPONENTIAL_MEAN_DAYS = 240
# 审限规定 Art. 6: file within 7 days of receipt (§6); 6% are filed late (8–20 days).
FILING_DELAY_WEIGHTS = (30, 22, 14, 10, 8, 6, 5, 5)  # 0..7 days
FILING_LATE_SHARE = 0.06

# ---------------------------------------------------------------- what is enforced

OBLIGATION_WEIGHTS = {"money": 0.92, "delivery": 0.04, "behaviour": 0.04}  # CHOICE
NON_LITIGATION_SHARE = 0.08  # 非诉执行 among money cases; CHOICE
# §5, §7: about 43% of cases entering enforcement have no enforceable assets (执行不能).
NO_ASSETS_SHARE = 0.43
# Of the cases with assets: found at application (Art. 10(1)) or later (Art. 10(2)). CHOICE.
ASSETS_AT_APPLICATION_SHARE = 0.62
# A case with assets found later is a restored case (执恢, after an earlier 终本) this often.
RESTORED_SHARE_OF_LATER = 0.20
ASSET_KIND_WEIGHTS = {
    "deposit": 0.35, "real_estate": 0.20, "vehicle": 0.18, "equity": 0.08, "receivable": 0.11, "other": 0.08,
}
EXTRA_ASSET_PROBS = (0.35, 0.10)  # a second asset, a third
# Asset location: the debtor's county, another county of the prefecture, elsewhere.
ASSET_LOCATION_WEIGHTS = (0.72, 0.18, 0.10)
# Median amount (yuan) and log-sd by debtor kind; lognormal. CHOICE (tens of thousands
# for persons, hundreds of thousands for companies, millions for SOEs and organs).
AMOUNT_MEDIAN = {
    "person": 60_000, "company": 350_000, "state_owned": 1_500_000, "government": 800_000,
    "public_institution": 400_000,
}
AMOUNT_SIGMA = 1.2

# ---------------------------------------------------------------- parties

DEBTOR_KIND_WEIGHTS = {
    "person": 0.55, "company": 0.36, "state_owned": 0.03, "government": 0.03, "public_institution": 0.03,
}
APPLICANT_KIND_WEIGHTS = {
    "person": 0.40, "company": 0.45, "state_owned": 0.10, "government": 0.02, "public_institution": 0.03,
}
# §8: key local taxpayers and SOEs are the first local-protection indicator.
KEY_TAXPAYER_SHARE = {"company": 0.06, "state_owned": 0.35}
# Debtor domicile: the court's own county (local protection is the concern), another
# county of the prefecture, elsewhere in the province, another province. CHOICE.
DEBTOR_DOMICILE_WEIGHTS = (0.80, 0.12, 0.06, 0.02)
# Repeat debtors (§8: Sichuan concentrates a debtor with ≥ 10 unfinished cases in
# different courts). This share of cases goes to a pooled debtor of the prefecture (or,
# REPEAT_PROVINCE_SHARE of the time, of the province); a new pooled debtor is opened with
# probability max(REPEAT_NEW_FLOOR, ALPHA / (ALPHA + cases in pool)), else an existing one
# is chosen in proportion to its cases half the time (preferential: a heavy tail of big
# debtors) and uniformly the other half (so the tail stays in the tens, not thousands).
REPEAT_DEBTOR_SHARE = 0.08
REPEAT_PROVINCE_SHARE = 0.25
REPEAT_ALPHA = 3.0
REPEAT_NEW_FLOOR = 0.12
REPEAT_PREFERENTIAL_SHARE = 0.5
REPEAT_DEBTOR_KIND_WEIGHTS = {
    "company": 0.60, "state_owned": 0.15, "government": 0.10, "person": 0.15,
}
RELATED_LINK_SHARE = 0.5  # a repeat debtor's case lists up to 5 earlier cases of that debtor

# ---------------------------------------------------------------- status

# No-asset cases: 终本 once the three months of 终本规定 Art. 1(4) have passed (§5).
ZHONGBEN_SHARE_NO_ASSETS = 0.40
ZHONGBEN_TOO_EARLY_SHARE = 0.05  # ruled within three months of filing (improper)
ZHONGBEN_ASSETS_UNDISPOSED_SHARE = 0.05  # of cases with assets: 终本 with a seized asset left
TERMINATED_SHARE = 0.03
CONCLUDED_SHARE_WITH_ASSETS = 0.85  # when the disposal dates allow it by as_of
# An open case's asset whose disposal was due by as_of has been disposed this often (the
# rest are the stalled cases Art. 10(1)/(2) is about).
DISPOSED_WHEN_DUE_SHARE = 0.90
CONCLUDED_SHARE_BEHAVIOUR = 0.40
# 终本规定 Art. 9: a query every six months for five years; lapses are flagged (§5).
ZHONGBEN_QUERY_LAPSE_SHARE = 0.20

# ---------------------------------------------------------------- periods (Art. 13, §2, §6)

# kind -> (share of cases, length choices in days as (weight, lo, hi) bands)
EXCLUDED_PERIODS = {
    # 公告送达: 30 days since the 2024 CPL (60 before); 公告 periods of other kinds a bit longer.
    "public_notice": (0.06, ((0.75, 30, 35), (0.25, 60, 65))),
    # 鉴定评估: weeks (also drawn for every real-estate valuation, see measures).
    "appraisal": (0.03, ((0.7, 14, 45), (0.25, 46, 90), (0.05, 91, 150))),
    "jurisdiction_dispute": (0.01, ((1.0, 20, 90),)),
    "dispute_coordination": (0.01, ((1.0, 30, 150),)),
    # 暂缓执行 ≤ 3 months, extendable by ≤ 3 months; with security up to 1 year (§6).
    "stay": (0.04, ((0.70, 15, 90), (0.20, 91, 180), (0.10, 181, 365))),
    # 中止执行: until the cause ends; a quarter open-ended (bankruptcy, third-party suits).
    "suspension": (0.05, ((0.75, 30, 365), (0.25, 100_000, 100_000))),
}
OTHER_PERIODS = {
    "objection_review": (0.03, ((1.0, 15, 45),)),
    "settlement_talks": (0.05, ((1.0, 10, 60),)),
    "other": (0.01, ((1.0, 7, 60),)),
}
# This share of periods starts near the six-month mark (days 150–200 after receipt), so
# that the excluded days decide whether the six months have run. CHOICE.
STRADDLE_SHARE = 0.30

# ---------------------------------------------------------------- procedure

# Art. 237 applications (Art. 10: the track needs one). Applicants apply when a case with
# assets has stalled past six months; tuned so that ≈ 5–10% of open cases come out
# ELIGIBLE or MANDATORY_TRANSFER. CHOICE.
APPLICATION_SHARE_STALLED = 0.30
APPLICATION_SHARE_OTHER = 0.03
# filed_with: the proper forum, the enforcing court itself, or some other court.
APPLICATION_FORUM_WEIGHTS = (0.88, 0.08, 0.04)
SUPERVISION_SHARE_WITH_APPLICATION = 0.25
SUPERVISION_SHARE_EX_OFFICIO = 0.01  # 督办 without an application
SUPERVISION_DEADLINE_DAYS = (30, 90)
SUPERVISION_GOOD_REASON_SHARE = 0.30
GOOD_REASONS = (
    "被执行人进入破产重整程序",
    "案外人异议审查中，查封财产不得处分",
    "房产三次流拍，变卖公告期间",
    "被执行人下落不明，正在查找",
)
ENTRUSTED_SHARE = 0.02
PETITION_SHARE = 0.06
# Applicants whose case has sat more than six months complain far more often (信访 / complaints
# of passive enforcement are the SPC's first category of cross-enforcement cases).
PETITION_SHARE_STALLED = 0.25
INTERFERENCE_SHARE = 0.015
INTERFERENCE_PUBLIC_DEBTOR_FACTOR = 4.0  # organs, SOEs, key taxpayers
OFFICER_CONFLICT_SHARE = 0.01
