"""What a document draft is made of, independent of the file format it is written to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from assign.schemas import Mode, Recommendation


class DocumentKind(StrEnum):
    """The three drafts of interpretation Art. 11 (an order, ¶1, or a ruling, ¶2), and the notice of a
    restoration lead (恢复执行通知, 终本规定 Art. 9; `api.documents.restoration`), which carries out no mode."""

    ORDER = "order"  # 督促执行令
    ESCALATE = "escalate"  # 执行裁定书（提级执行）
    DESIGNATE = "designate"  # 执行裁定书（指定执行）
    RESTORATION = "restoration"  # 恢复执行通知 (to the enforcing court, on a restoration lead)

    @property
    def title_zh(self) -> str:
        return {"order": "督促执行令", "restoration": "恢复执行通知"}.get(self.value, "执行裁定书")

    @property
    def label_zh(self) -> str:
        return {"order": "督促执行令", "escalate": "执行裁定书（提级执行）",
                "designate": "执行裁定书（指定执行）", "restoration": "恢复执行通知"}[self.value]

    @property
    def modes(self) -> frozenset[Mode]:
        """The decided modes this document carries out (集中执行 is a 指定 of linked cases)."""
        return {
            DocumentKind.ORDER: frozenset({Mode.ORDER}),
            DocumentKind.ESCALATE: frozenset({Mode.ESCALATE}),
            DocumentKind.DESIGNATE: frozenset({Mode.DESIGNATE, Mode.CONCENTRATE}),
            DocumentKind.RESTORATION: frozenset(),
        }[self]

    @classmethod
    def for_mode(cls, mode: Mode | str | None) -> DocumentKind | None:
        for kind in cls:
            if mode is not None and Mode(mode) in kind.modes:
                return kind
        return None


@dataclass(frozen=True)
class Disposition:
    """What the forum does with the case: a dispatcher's decision, or else the plan's recommendation."""

    mode: Mode
    target_court: str | None
    source: str  # "decision" | "recommendation"
    case_nos: tuple[str, ...] = ()
    reason: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None
    deadline: date | None = None  # the order's deadline, when the decision set one
    plan_id: str | None = None

    @classmethod
    def from_recommendation(cls, rec: Recommendation) -> Disposition:
        if rec.mode is None:
            raise ValueError("the recommendation has no mode (unplaced)")
        return cls(mode=rec.mode, target_court=rec.target_court, source="recommendation",
                   case_nos=tuple(rec.case_nos), plan_id=rec.plan_id)


@dataclass(frozen=True)
class DocumentDraft:
    """A filled-in draft: the renderers only lay these parts out. A value: built whole (a builder fills in
    the parts of its kind with `dataclasses.replace`), never changed after, each part a tuple of paragraphs."""

    kind: DocumentKind
    issuing_court: str
    title: str
    number: str
    case_no: str
    issue_date: date
    issue_date_zh: str
    receiving_court: str
    legal_basis: tuple[str, ...]
    addressee: str | None = None
    parties: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    operative: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    served_to: tuple[str, ...] = ()
    notified: tuple[str, ...] = ()
    deadline: date | None = None
    draft_note: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        safe = "".join(ch for ch in self.case_no if ch not in '()（）/\\:*?"<>| ')
        return f"{self.kind.label_zh}-{safe}-草稿"
