"""The officer's signer (the ``eoffice-signer`` command of signer/) as the office shows it,
alike on the API and the sign screen: the link for one signing, which carries the token made for
it, and the commands to run beside the token."""

import os

from eoffice_signer.link import COMMAND, signing_link
from flask import request, url_for


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
