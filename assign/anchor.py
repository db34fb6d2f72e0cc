"""External anchors of the audit chain: a truncation with the head rewritten is detected.

The chain (assign/audit.py) proves that no record was edited, removed from the middle or
reordered; it cannot prove that the *last* records were not cut off together with the
`log_head` row rewritten to match, since nothing outside the database remembers how long
the chain was. An anchor is that memory: the chain's head (its last seq and that record's
hash) at a moment, signed with a key the database does not hold — HMAC-SHA256 with a
configured secret and/or Ed25519 (`cryptography`) — and written outside the database (a
JSON line appended to a file; optionally POSTed to a receiver as well).

`check` takes the latest anchor: its signature must verify with a configured key, and the
record at the anchored seq must exist with the anchored hash (the chain check then vouches
for everything before it). A chain cut below the anchor, or cut and re-grown to a different
record at that seq, fails. An attacker who also holds the file could replace it with an
older anchor; a copy held elsewhere (the POST) is what closes that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from assign.audit import AUDIT_CHAIN, GENESIS_HASH, AuditRecord, ChainBreak
from assign.errors import DataError
from assign.models import utcnow

HMAC = "hmac-sha256"
ED25519 = "ed25519"


class Anchor(BaseModel):
    chain: str = AUDIT_CHAIN
    seq: int = Field(ge=0)
    hash: str = Field(min_length=64, max_length=64)
    created_at: str
    signatures: dict[str, str] = Field(default_factory=dict, description="algorithm -> signature (base64)")

    def message(self) -> bytes:
        """What is signed: everything but the signatures, canonically."""
        return json.dumps([self.chain, self.seq, self.hash, self.created_at], separators=(",", ":")).encode()


@dataclass(frozen=True)
class AnchorKeys:
    """The keys an operator configured; any subset. Ed25519: a private key signs (and verifies), a public key
    alone verifies (a verifier that must not be able to sign)."""

    hmac_key: bytes = b""
    ed25519_private: Ed25519PrivateKey | None = None
    ed25519_public: Ed25519PublicKey | None = None

    @classmethod
    def load(cls, *, hmac_key: str = "", ed25519_private_pem: Path | None = None,
             ed25519_public_pem: Path | None = None) -> AnchorKeys:
        private = load_pem_private_key(ed25519_private_pem.read_bytes(), None) if ed25519_private_pem else None
        public = load_pem_public_key(ed25519_public_pem.read_bytes()) if ed25519_public_pem else None
        if private is not None and not isinstance(private, Ed25519PrivateKey):
            raise DataError(f"{ed25519_private_pem} is not an Ed25519 private key")
        if public is not None and not isinstance(public, Ed25519PublicKey):
            raise DataError(f"{ed25519_public_pem} is not an Ed25519 public key")
        return cls(hmac_key.encode(), private, public or (private.public_key() if private else None))

    @property
    def configured(self) -> bool:
        return bool(self.hmac_key) or self.ed25519_public is not None


def chain_head(session: Session) -> tuple[int, str]:
    """The last record's seq and hash (0 and the genesis hash for an empty chain)."""
    last = session.exec(select(AuditRecord).order_by(col(AuditRecord.seq).desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


def sign(seq: int, head_hash: str, keys: AnchorKeys) -> Anchor:
    if not keys.hmac_key and keys.ed25519_private is None:
        raise DataError("no anchor key configured: set ASSIGN_AUDIT_ANCHOR_KEY (HMAC) "
                        "or ASSIGN_AUDIT_ANCHOR_ED25519_KEY (a PEM private key file)")
    anchor = Anchor(seq=seq, hash=head_hash, created_at=utcnow().isoformat())
    message = anchor.message()
    signatures = {}
    if keys.hmac_key:
        signatures[HMAC] = base64.b64encode(hmac.new(keys.hmac_key, message, hashlib.sha256).digest()).decode()
    if keys.ed25519_private is not None:
        signatures[ED25519] = base64.b64encode(keys.ed25519_private.sign(message)).decode()
    return anchor.model_copy(update={"signatures": signatures})


def signature_problem(anchor: Anchor, keys: AnchorKeys) -> str | None:
    """None when every signature we hold a key for verifies, and at least one does."""
    message, checked = anchor.message(), 0
    if keys.hmac_key and HMAC in anchor.signatures:
        expected = base64.b64encode(hmac.new(keys.hmac_key, message, hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, anchor.signatures[HMAC]):
            return "the anchor's HMAC signature does not verify (forged, or another key)"
        checked += 1
    if keys.ed25519_public is not None and ED25519 in anchor.signatures:
        try:
            keys.ed25519_public.verify(base64.b64decode(anchor.signatures[ED25519]), message)
        except (InvalidSignature, ValueError):
            return "the anchor's Ed25519 signature does not verify (forged, or another key)"
        checked += 1
    return None if checked else "the anchor carries no signature that a configured key can check"


def write(anchor: Anchor, path: Path) -> None:
    """Append one JSON line (the file is the history of anchors; the last line is the latest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(anchor.model_dump_json() + "\n")
        f.flush()


def latest(path: Path) -> Anchor | None:
    if not path.is_file():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Anchor.model_validate_json(lines[-1]) if lines else None


def check(session: Session, anchor: Anchor, keys: AnchorKeys) -> ChainBreak | None:
    """The chain against one anchor (run after `audit.verify` found the links intact)."""
    problem = signature_problem(anchor, keys)
    if problem:
        return ChainBreak(anchor.seq, problem)
    if anchor.seq == 0:
        return None
    record = session.get(AuditRecord, anchor.seq)
    if record is None:
        return ChainBreak(anchor.seq, f"record {anchor.seq}, anchored at {anchor.created_at}, is missing: "
                                      "the chain was cut back (and its head rewritten)")
    if record.hash != anchor.hash:
        return ChainBreak(anchor.seq, f"record {anchor.seq} differs from the one anchored at {anchor.created_at}: "
                                      "the chain was cut back and re-grown")
    return None
