"""Status and events the command centre pushes for a stored case (`PATCH /v1/cases/{case_no}`).

Lists are merged, not replaced: measures (keyed by kind, day and asset) and dates are added once; a period is keyed by
(kind, start), so sending it again with an `end` closes it; an order is keyed by
(issued_by, issued_on), so sending it again with a `good_reason` records the reason.
Scalars replace. The merged record is validated as a whole, like an import row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from assign import events, outcomes, repository
from assign.errors import DataError
from assign.fields import CaseNo, EventDate, require_not_future
from assign.interchange import context_problems, validation_problems
from assign.network import CourtNetwork
from assign.schemas import Application, Case, CaseStatus, Entrustment, Measure, Money, Order, Period, ZhongBen


class CaseUpdate(BaseModel):
    status: CaseStatus | None = None
    recovered: Money | None = None
    measures: list[Measure] = Field(default_factory=list, max_length=1000)
    excluded_periods: list[Period] = Field(default_factory=list, max_length=1000)
    other_periods: list[Period] = Field(default_factory=list, max_length=1000)
    supervision_orders: list[Order] = Field(default_factory=list, max_length=1000)
    petitions: list[EventDate] = Field(default_factory=list, max_length=1000)
    interference_reports: list[EventDate] = Field(default_factory=list, max_length=1000)
    related_case_nos: list[CaseNo] = Field(default_factory=list, max_length=1000)
    zhongben: ZhongBen | None = None
    restored_on: EventDate | None = None
    entrusted: Entrustment | None = None
    application: Application | None = None
    officer_conflict: bool | None = None


# how a list field's items are told apart (an item with the same key replaces the stored one)
_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "measures": lambda m: (m["kind"], m["on"], m.get("asset_id") or ""),  # v1.1: one round per asset a day
    "excluded_periods": lambda p: (p["kind"], p["start"]),
    "other_periods": lambda p: (p["kind"], p["start"]),
    "supervision_orders": lambda o: (o["issued_by"], o["issued_on"]),
}


def merged(case: Case, update: CaseUpdate) -> tuple[dict[str, Any], list[str]]:
    """The case's record with the update applied, and the names of the fields that changed."""
    data = case.model_dump(mode="json")
    # Only the fields sent, each dumped whole: an item's unset optional fields (a measure's v1.1 asset_id
    # and result, a period's end) compare equal to the stored record's nulls.
    patch = {name: update.model_dump(mode="json", include={name})[name] for name in update.model_fields_set}
    changed: list[str] = []
    for name, value in patch.items():
        if value is None and name not in ("zhongben", "restored_on", "entrusted", "application"):
            continue
        if name in _KEYS:
            key = _KEYS[name]
            items = {key(x): x for x in data[name]}
            items.update({key(x): x for x in value})
            new = sorted(items.values(), key=lambda x: tuple(str(v) for v in key(x)))
        elif name in ("petitions", "interference_reports", "related_case_nos"):
            new = sorted(set(data[name]) | set(value))
        else:
            new = value
        if new != data[name]:
            data[name] = new
            changed.append(name)
    return data, changed


def update_case(*, session: Session, network: CourtNetwork, case: Case, update: CaseUpdate,
                as_of: date) -> tuple[Case, list[str]]:
    require_not_future(as_of)
    data, changed = merged(case, update)
    if not changed:
        return case, []
    try:
        new = Case.model_validate(data)
    except ValidationError as e:
        raise DataError(f"case {case.case_no}: the update makes an invalid record",
                        validation_problems(1, e, case.case_no)) from None
    problems = context_problems(new, 1, as_of=as_of, network=network)
    if problems:
        raise DataError(f"case {case.case_no}: the update is inconsistent", problems)
    repository.save_case(session=session, case=new)
    outcomes.record_progress(session=session, progress=outcomes.progress_of_update(case, new, as_of=as_of),
                             source=outcomes.Source.CASE_UPDATE)  # the progress the update carries (issue 17 §3)
    events.publish(session=session, kind="case.updated", subject=new.case_no,
                   payload={"case_no": new.case_no, "court_code": new.court_code, "status": new.status.value,
                            "changed": changed})
    return new, changed
