"""Who is calling, and what they may see and do.

- No key or an unknown/revoked key: 401 (raised by `api.deps.current_key`).
- A role that may not use an endpoint, or a dispatcher reaching outside its court's
  jurisdiction (本辖区, the subtree under its court): `AccessDenied` -> 403.
- Party ID numbers are shown only to the integration role (the command centre, which sent
  them); dispatchers and admins see them masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assign.access import ApiKey, Role
from assign.errors import AccessDenied
from assign.masking import mask_id, mask_strings
from assign.network import CourtNetwork
from assign.schemas import Case

ALL_ROLES = (Role.DISPATCHER, Role.INTEGRATION, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    key_id: int
    role: Role
    court_code: str | None
    label: str = ""

    @classmethod
    def from_key(cls, key: ApiKey) -> Principal:
        return cls(key_id=key.id or 0, role=Role(key.role), court_code=key.court_code, label=key.label)

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"

    @property
    def is_dispatcher(self) -> bool:
        return self.role == Role.DISPATCHER

    @property
    def sees_party_ids(self) -> bool:
        return self.role == Role.INTEGRATION

    def require(self, roles: Iterable[Role], what: str) -> None:
        allowed = tuple(roles)
        if self.role not in allowed:
            names = " or ".join(r.value for r in allowed)
            raise AccessDenied(f"{what} needs a {names} key; this is a {self.role.value} key")

    def may_see_court(self, network: CourtNetwork, code: str | None) -> bool:
        if not self.is_dispatcher:
            return True
        own = self.court_code or ""
        return code is not None and code in network and own in network and network.in_jurisdiction(code, own)

    def check_court(self, network: CourtNetwork, code: str | None, what: str) -> None:
        """403 unless `code` lies within this dispatcher's jurisdiction (other roles: always fine)."""
        if not self.may_see_court(network, code):
            raise AccessDenied(f"{what}: court {code} is outside the jurisdiction of {self.court_code} "
                               f"(this key's court)")

    def check_case(self, network: CourtNetwork, case: Case, what: str | None = None) -> None:
        self.check_court(network, case.court_code, what or f"case {case.case_no}")

    def scope_codes(self, network: CourtNetwork) -> list[str] | None:
        """The court codes this key may read, or None for every court."""
        if not self.is_dispatcher:
            return None
        own = self.court_code or ""
        return network.subtree_codes(own) if own in network else []

    def court_scope(self, network: CourtNetwork, court: str | None) -> list[str] | None:
        """The court codes a read asking for `court`'s jurisdiction (None: this key's whole scope) covers,
        or None for every court; 403 when `court` lies outside this key's jurisdiction."""
        if court is None:
            return self.scope_codes(network)
        if not self.may_see_court(network, court):
            raise AccessDenied(f"court {court} is outside the jurisdiction of {self.court_code} (this key's court)")
        return network.subtree_codes(court)


def case_view(case: Case, principal: Principal) -> dict[str, Any]:
    """A case as this caller may see it: party IDs masked unless the role needs them, and then
    also any ID number typed into the case's free text (an order's good reason, a name)."""
    data = case.model_dump(mode="json")
    if not principal.sees_party_ids:
        for party in ("debtor", "applicant"):
            data[party]["id"] = mask_id(data[party]["id"])
        data = mask_strings(data)
    return data
