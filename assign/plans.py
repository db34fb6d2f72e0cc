"""Plans and their recommendations: keyword-only reads and writes, one meaning each.

- **Visible** (`VISIBLE`): a plan, its recommendations and anything reached through them are
  readable and decidable only once the plan is published. A nightly run stores its plans
  unpublished and publishes them together; until then (or for ever, if the run is killed
  between store and publish) nothing of them is readable by id, listed, shown in the
  console, drafted into a document or decided. Every read here applies this one predicate.
- **Kind** (`PlanKind`): what a plan covers. Only a plan over a forum's whole queue (a night's
  plan, or a batch job over every open case of the forum) becomes the forum's current plan
  (`current_plan`): the plan the next night and the next batch diff against and the console
  shows. A one-case recommendation, and a batch over named cases or with nothing to place,
  are stored (readable, decidable) but never replace it.
- **Moves** (`moves_between`): the cases whose court differs between two plans' assignments;
  the nightly summary's count and the API's plan diff both come from it.
- **Stored once** (`plan_rows`, `save_plan`): one row builder for the plan and its
  recommendations, used by the ORM write here and by the single-case group commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from assign.db import execute_rows, rows_affected, table_of
from assign.errors import NotFound
from assign.models import PlanRow, RecommendationRow, utcnow
from assign.schemas import Recommendation


class PlanKind(StrEnum):
    NIGHTLY = "nightly"  # one forum's plan of a nightly run
    BATCH = "batch"  # a batch job over every open case of a forum
    PARTIAL = "partial"  # a batch job over named cases, or one with nothing to place
    SINGLE = "single"  # one case's ranked recommendation


CURRENT_KINDS = (PlanKind.NIGHTLY.value, PlanKind.BATCH.value)  # kinds that may become a forum's current plan
VISIBLE = col(PlanRow.published).is_(True)  # the one predicate for "readable and decidable"


# ---------------------------------------------------------------- moves


@dataclass(frozen=True)
class Move:
    """One case whose court differs between two plans: added (no `from_court`), removed (no
    `to_court`) or moved (both)."""

    case_no: str
    from_court: str | None
    to_court: str | None

    @property
    def moved(self) -> bool:
        return self.from_court is not None and self.to_court is not None


def assignments_of(row: PlanRow) -> dict[str, str]:
    """case_no -> receiving court of a stored plan."""
    return dict(json.loads(row.data or "{}").get("assignments") or {})


def moves_between(before: Mapping[str, str], after: Mapping[str, str]) -> list[Move]:
    """Every case placed differently in `after` than in `before`, by case number."""
    return [Move(no, before.get(no), after.get(no)) for no in sorted(set(before) | set(after))
            if before.get(no) != after.get(no)]


# ---------------------------------------------------------------- writes


def plan_rows(
    *, plan_id: str, as_of: date, scope: str, status: str, kind: PlanKind, data: str, summary: dict[str, Any],
    recommendations: Sequence[Recommendation], previous_plan_id: str | None = None, run_id: str | None = None,
    published: bool = True,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `plan` row and its `recommendation` rows as column values (`data`: the plan's JSON)."""
    plan = {"plan_id": plan_id, "created_at": utcnow(), "as_of": as_of, "scope": scope, "status": status,
            "kind": kind.value, "previous_plan_id": previous_plan_id, "run_id": run_id, "published": published,
            "summary": json.dumps(summary, ensure_ascii=False, default=str), "data": data}
    recs = [{"plan_id": plan_id, "group_key": r.case_nos[0], "case_nos": json.dumps(r.case_nos, ensure_ascii=False),
             "mode": r.mode.value if r.mode else None, "target_court": r.target_court, "forum": r.forum,
             "data": r.model_dump_json()} for r in recommendations]
    return plan, recs


_INSERT_PLAN = sa.insert(table_of(PlanRow))
_INSERT_RECOMMENDATIONS = sa.insert(table_of(RecommendationRow))


def save_plan(
    *, session: Session, plan_id: str, as_of: date, scope: str, status: str, kind: PlanKind, data: str,
    summary: dict[str, Any], recommendations: Sequence[Recommendation], previous_plan_id: str | None = None,
    run_id: str | None = None, published: bool = True,
) -> None:
    """Store a plan and its recommendations in the caller's transaction: two statements, the recommendations'
    one executemany (`assign.db.execute_rows`; a national night stores ~32k in 372 plans, and building an ORM
    object per row and flushing it cost the night's writer more than the database's own work)."""
    plan, recs = plan_rows(plan_id=plan_id, as_of=as_of, scope=scope, status=status, kind=kind, data=data,
                           summary=summary, recommendations=recommendations, previous_plan_id=previous_plan_id,
                           run_id=run_id, published=published)
    session.execute(_INSERT_PLAN, [plan])
    execute_rows(session, _INSERT_RECOMMENDATIONS, recs)


def publish_plans(*, session: Session, run_id: str) -> int:
    """Make every plan of a run visible at once (one UPDATE in the caller's transaction)."""
    return rows_affected(session.execute(sa.update(PlanRow).where(col(PlanRow.run_id) == run_id)
                                         .values(published=True)))


# ---------------------------------------------------------------- reads (published only)


def get_plan(*, session: Session, plan_id: str) -> PlanRow:
    row = session.exec(select(PlanRow).where(PlanRow.plan_id == plan_id).where(VISIBLE)).first()
    if row is None:
        raise NotFound(f"no plan {plan_id!r}")
    return row


def list_plans(*, session: Session, scope: str | None = None, scopes: Sequence[str] | None = None,
               kinds: Sequence[str] | None = None, limit: int = 50, offset: int = 0) -> list[PlanRow]:
    """Published plans, newest first: of one `scope`, within `scopes` (a key's jurisdiction), of `kinds`."""
    q = select(PlanRow).where(VISIBLE)
    if scope:
        q = q.where(PlanRow.scope == scope)
    if scopes is not None:
        q = q.where(col(PlanRow.scope).in_(list(scopes)))
    if kinds is not None:
        q = q.where(col(PlanRow.kind).in_(list(kinds)))
    return list(session.exec(q.order_by(col(PlanRow.created_at).desc()).offset(offset).limit(limit)).all())


def current_plan(*, session: Session, scope: str) -> PlanRow | None:
    """The forum's current plan: its newest published plan over the whole queue (see `PlanKind`)."""
    plans = list_plans(session=session, scope=scope, kinds=CURRENT_KINDS, limit=1)
    return plans[0] if plans else None


def current_plan_ids(*, session: Session, forum: str, limit: int = 200) -> list[str]:
    """Newest first: the one-case and partial plans made since the forum's current plan, then that
    plan (what a dispatcher works from; older plans are history)."""
    q = (select(PlanRow.plan_id, PlanRow.kind).where(PlanRow.scope == forum).where(VISIBLE)
         .order_by(col(PlanRow.created_at).desc()).limit(limit))
    out: list[str] = []
    for plan_id, kind in session.exec(q).all():
        out.append(plan_id)
        if kind in CURRENT_KINDS:
            break
    return out


def plan_recommendation_rows(*, session: Session, plan_id: str) -> list[RecommendationRow]:
    """A plan's recommendation rows in stored order (any plan: the nightly job reads its own unpublished ones)."""
    return list(session.exec(select(RecommendationRow).where(RecommendationRow.plan_id == plan_id)
                             .order_by(col(RecommendationRow.id))).all())


def recommendation_rows_of(*, session: Session, plan_ids: Sequence[str]) -> list[RecommendationRow]:
    """The recommendation rows of these plans (the caller's visible ones, e.g. `current_plan_ids`), in stored order."""
    if not plan_ids:
        return []
    return list(session.exec(select(RecommendationRow).where(col(RecommendationRow.plan_id).in_(list(plan_ids)))
                             .order_by(col(RecommendationRow.id))).all())


def recommendation_placing(*, session: Session, plan_id: str, case_no: str) -> RecommendationRow | None:
    """The plan's recommendation that places `case_no` (None: the plan does not place it)."""
    needle = json.dumps(case_no, ensure_ascii=False)  # as it stands in the stored JSON list of case numbers
    return session.exec(select(RecommendationRow).where(RecommendationRow.plan_id == plan_id)
                        .where(col(RecommendationRow.case_nos).contains(needle))).first()


def run_placements(*, session: Session, run_id: str, limit: int | None = None) -> list[RecommendationRow]:
    """The recommendations of a nightly run's plans that name a receiving court, in stored order."""
    q = (select(RecommendationRow).join(PlanRow, col(PlanRow.plan_id) == col(RecommendationRow.plan_id))
         .where(PlanRow.run_id == run_id, col(RecommendationRow.target_court).is_not(None))
         .order_by(col(RecommendationRow.id)))
    return list(session.exec(q if limit is None else q.limit(limit)).all())


def run_plan_summaries(*, session: Session, run_id: str) -> dict[str, str]:
    """plan_id -> the stored summary (JSON text) of every plan of a nightly run, published or not."""
    q = sa.select(col(PlanRow.plan_id), col(PlanRow.summary)).where(col(PlanRow.run_id) == run_id)
    return {plan_id: summary for plan_id, summary in session.execute(q).all()}


def recommended_courts(*, session: Session, run_id: str) -> dict[str, dict[str, str | None]]:
    """plan_id -> case_no -> the receiving court its recommendation names (None: unplaced), for every plan of a
    nightly run, each plan's cases in its recommendations' stored order; read from the columns, no
    recommendation's JSON parsed (a national night stores ~32k)."""
    q = (sa.select(col(RecommendationRow.plan_id), col(RecommendationRow.case_nos), col(RecommendationRow.target_court))
         .join(PlanRow, col(PlanRow.plan_id) == col(RecommendationRow.plan_id)).where(col(PlanRow.run_id) == run_id)
         .order_by(col(RecommendationRow.id)))
    out: dict[str, dict[str, str | None]] = {}
    for plan_id, case_nos, court in session.execute(q).all():
        courts = out.setdefault(plan_id, {})
        for no in json.loads(case_nos):
            courts[no] = court
    return out


def plan_recommendations(*, session: Session, plan_id: str) -> list[Recommendation]:
    return [Recommendation.model_validate_json(r.data)
            for r in plan_recommendation_rows(session=session, plan_id=plan_id)]


def get_recommendation_row(*, session: Session, recommendation_id: int) -> RecommendationRow:
    """A recommendation of a published plan (one of an unpublished plan does not exist for readers)."""
    row = session.exec(select(RecommendationRow).join(PlanRow, col(PlanRow.plan_id) == col(RecommendationRow.plan_id))
                       .where(RecommendationRow.id == recommendation_id).where(VISIBLE)).first()
    if row is None:
        raise NotFound(f"no recommendation {recommendation_id}")
    return row
