"""Whether a court may receive a case transferred by a forum: the one statutory check.

CPL Art. 237 lets the court one level up designate "another court" (其他人民法院), and the
2020 interpretation Arts. 11-12 keep it inside the forum's own jurisdiction (本辖区). So a
receiving court must be a known court, inside the forum's jurisdiction, and neither the
original nor the entrusted court. The check of every solved plan before it is stored (nightly
and batch jobs alike, `api.service.forum_plan.check_result`) and the document drafts call
this; the solver's hard filters (`solver/constraints/hard.py`) apply the same rule and more
(level, local protection, conflicts, capacity) when they build the model, so a plan the
solver made always passes here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from assign.network import CourtNetwork


class NotReceivable(StrEnum):
    UNKNOWN = "not a court of the network"
    ORIGINAL = "the original (or entrusted) court"
    OUTSIDE = "outside the forum's jurisdiction"


def receiving_court_problem(network: CourtNetwork, *, target: str, forum: str,
                            original: Iterable[str | None] = ()) -> NotReceivable | None:
    """Why `target` may not receive a case from `forum` (None: it may). `original`: the case's
    original and entrusted courts, when the caller knows the case."""
    if target not in network:
        return NotReceivable.UNKNOWN
    if target in {code for code in original if code}:
        return NotReceivable.ORIGINAL
    if not network.in_jurisdiction(target, forum):
        return NotReceivable.OUTSIDE
    return None
