"""Measured figures for the optional solver term `soft.receiving_outcome` (issue 17 §3).

Off by default. `ASSIGN_OUTCOME_TERM_FORUMS` (a JSON list of forum codes, `["*"]` for every forum) turns it
on; a forum's nightly and batch plans are then solved with `SolveParams.outcome_shares`: for each receiving court
of the forum's subtree, its share of transferred cases with substantive progress within six months
(`assign.outcome_report`, `share_6m`, as of the plan's day). The plan's params keep those figures, so every plan
says whether the term was used and with which figures (`outcome_shares`, empty when off or nothing measured).

CONVENTIONS (ours): the six-month share, because the SPC counts substantive progress or conclusion
(legal-reference §7) and three months is too short for an auction; a court's share counts only when at least
`ASSIGN_OUTCOME_TERM_MIN_CASES` (default 5) of its transferred cases have a closed six-month window — below
that the solver costs it at the mean of the measured courts (solver/constraints/outcome.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date

from sqlmodel import Session

from assign.network import CourtNetwork
from assign.outcome_report import OutcomeReport, outcome_report

ALL_FORUMS = "*"


def term_on(term_forums: Collection[str], forum: str) -> bool:
    return ALL_FORUMS in term_forums or forum in term_forums


def measured_shares(report: OutcomeReport, *, min_cases: int) -> dict[str, float]:
    """Receiving court -> its six-month share, for the courts with enough closed windows."""
    return {c.court_code: c.transferred.share_6m for c in report.courts
            if c.transferred.share_6m is not None and c.transferred.eligible_6m >= min_cases}


def outcome_shares_by_forum(*, session: Session, network: CourtNetwork, as_of: date, forums: Iterable[str],
                            term_forums: Collection[str], min_cases: int) -> dict[str, dict[str, float]]:
    """Forum -> the measured shares of its subtree's courts, for the forums with the term on (others absent).
    One report for all of them (it reads every binding decision)."""
    on = [f for f in forums if term_on(term_forums, f)]
    if not on:
        return {}
    shares = measured_shares(outcome_report(session=session, network=network, as_of=as_of), min_cases=min_cases)
    return {f: _within(shares, network.subtree_codes(f)) for f in on}


def _within(shares: Mapping[str, float], codes: Iterable[str]) -> dict[str, float]:
    inside = set(codes)
    return {c: s for c, s in sorted(shares.items()) if c in inside}
