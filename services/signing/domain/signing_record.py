"""A signing as signing keeps it: prepared for one officer over one document (single use, and
only until it expires), then completed, with the event that tells the service it was for. The
moment is given; nothing here reads a clock."""

import base64
from datetime import datetime, timedelta
from typing import Any

from common.actor import Actor
from common.clock import iso
from common.events import DocumentSigned, new_event

from .token_signing import Prepared


def new_signing(
    signing_id: str,
    signer: Actor,
    purpose: dict[str, Any],
    certificate: dict[str, Any],
    prepared: Prepared,
    now: datetime,
    good_for: timedelta,
) -> dict[str, Any]:
    """A signing prepared at ``now`` for ``signer`` with their enrolled ``certificate`` (as
    identity answers it): the token has ``good_for`` to sign ``prepared``'s signed
    attributes."""
    return {
        "_id": signing_id,
        "user_id": signer.user_id,
        "status": "prepared",
        "purpose": purpose,
        "certificate": {
            "der_b64": certificate["certificate_b64"],
            "chain_b64": certificate["chain_b64"],
        },
        "certificate_sha256": certificate["sha256"],
        "algorithm": prepared.algorithm,
        "prepared": prepared.to_json(),
        "to_sign_b64": base64.b64encode(prepared.signed_attrs).decode(),
        "created_at": iso(now),
        "expires_at": iso(now + good_for),
    }


def completion(sha256: str, level: str, now: datetime) -> dict[str, Any]:
    """What a completed signing records: its signed PDF, when, and its PAdES ``level``."""
    return {"sha256": sha256, "signed_at": iso(now), "level": level}


def signed_event(
    signing: dict[str, Any], signer: Actor, sha256: str, now: datetime
) -> dict[str, Any]:
    """``document.signed``: the service the signing was for may take its signed PDF
    (``sha256``)."""
    told = DocumentSigned(
        signing_id=signing["_id"],
        purpose=signing["purpose"],
        sha256=sha256,
        signer_user_id=signer.user_id,
        signer_name=signer.name,
        certificate_sha256=signing["certificate_sha256"],
        signed_at=iso(now),
    )
    return new_event(told, signer, signer.office_path, occurred_at=now)
