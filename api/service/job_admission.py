"""Admitting a batch job, before it is created: its named cases and its quotas.

A job over named cases (`case_nos`) is checked when it is posted (`check_batch_cases`):
unknown numbers and cases outside the forum's jurisdiction are refused with the list (422),
never dropped.

Quotas (`admit_job`, checked before a job is created): at most `jobs_per_key_max` queued or
running jobs per key and `jobs_per_scope_max` per scope (429 with the count and the limit),
and a dispatcher's `time_limit_s` at most `job_time_limit_max_s` (422). Two requests racing
for the last slot may both pass: a quota against flooding, not a lock.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from api.config import Settings
from api.security import Principal
from assign import jobs, repository
from assign.errors import DataError, RowProblem, TooMany
from assign.network import CourtNetwork


def check_batch_cases(*, session: Session, network: CourtNetwork, scope: str, case_nos: Sequence[str]) -> None:
    """Refuse (DataError, 422) a batch naming cases that are not stored or lie outside `scope`'s
    jurisdiction, listing each one; nothing is silently dropped."""
    wanted = list(dict.fromkeys(case_nos))
    found = {c.case_no: c for c in repository.get_cases(session=session, case_nos=wanted)}
    allowed = set(network.subtree_codes(scope))
    problems = []
    for row, case_no in enumerate(case_nos, start=1):
        case = found.get(case_no)
        if case is None:
            problems.append(RowProblem(row, "case_nos", "no such stored case", case_no))
        elif case.court_code not in allowed:
            problems.append(RowProblem(row, "case_nos", f"court {case.court_code} is outside the jurisdiction of "
                                                        f"{scope}", case_no))
    if problems:
        raise DataError(f"{len(problems)} of {len(case_nos)} case numbers cannot be planned for {scope}", problems)


def admit_job(*, session: Session, settings: Settings, key: Principal, scope: str,
              time_limit_s: float | None) -> None:
    """Refuse a job over a quota or over the dispatcher's time limit (see the module docstring)."""
    if key.is_dispatcher and time_limit_s is not None and time_limit_s > settings.job_time_limit_max_s:
        raise DataError(f"time_limit_s {time_limit_s:g} is over the limit for dispatchers "
                        f"({settings.job_time_limit_max_s:g} s)")
    mine = jobs.active_jobs(session=session, key_id=key.key_id)
    if mine >= settings.jobs_per_key_max:
        raise TooMany(f"this key has {mine} batch jobs queued or running (at most {settings.jobs_per_key_max}); "
                      "wait for one to finish or cancel one")
    here = jobs.active_jobs(session=session, scope=scope)
    if here >= settings.jobs_per_scope_max:
        raise TooMany(f"{scope} has {here} batch jobs queued or running (at most {settings.jobs_per_scope_max}); "
                      "wait for one to finish or cancel one")
