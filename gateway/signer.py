"""The officer's signer (the ``eoffice-signer`` command of signer/) as the office shows it,
alike on the API and the sign screen: the link for one signing, which carries the token made for
it, and the commands to run beside the token; the answer of every route that readies a signing
(a draft letter, a leave sanction order)."""

import os
from typing import Any

from eoffice_signer.link import COMMAND, signing_link
from flask import request, url_for
from pydantic import Field

from gateway.rpc import rpc
from services.signing.schemas import Prepared


class ReadyToSign(Prepared):
    """A prepared signing and what the officer's signer (eoffice-signer) needs to complete it:
    a token good for this signing only (never the session's own), the link that carries it, and
    the command for scripts."""

    signing_token: str = Field(
        description="for EOFFICE_TOKEN: fetches and completes this signing, and nothing else"
    )
    signing_token_expires_at: str
    link: str = Field(
        description="eoffice-sign://sign?office=…&signing=…&token=…: the line eoffice-signer "
        "takes (pasted, or as its argument); it holds the signing token"
    )
    command: str = Field(description="eoffice-signer for scripts, with EOFFICE_TOKEN set")


def ready_to_sign(actor: dict[str, Any], prepared: dict[str, Any]) -> dict[str, Any]:
    """A prepared signing with its one-signing token, link and command."""
    token = rpc().identity.signing_token(actor, prepared["signing_id"])
    return ReadyToSign(
        **prepared,
        signing_token=token["token"],
        signing_token_expires_at=token["expires_at"],
        link=link_for(prepared["signing_id"], token["token"]),
        command=signer_command(prepared["signing_id"]),
    ).model_dump()


def public_url(path: str) -> str:
    """An absolute address of ours, as printed on letters (EOFFICE_PUBLIC_URL behind a proxy)."""
    base = os.environ.get("EOFFICE_PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def link_for(signing_id: str, token: str) -> str:
    """``eoffice-sign://sign?…``: this office, the signing, and its one-signing ``token``."""
    return signing_link(public_url(""), signing_id, token)


def signer_command(signing_id: str) -> str:
    """The command for scripts: the signing's address, its token in ``EOFFICE_TOKEN`` (so
    that the token is in no command line)."""
    url = public_url(url_for("api.prepared_signing", signing_id=signing_id))
    return f"{COMMAND} --url {url} --token-env EOFFICE_TOKEN"
