"""The token signer as the office shows it, alike on the API and the sign screen: the command
an officer runs beside the token (``python -m tools.token_signer``), with the details of their
token or placeholders for them."""

import os
import re
from collections.abc import Mapping

from flask import request, url_for
from flask_babel import lazy_gettext as _l

# The officer's token: its PKCS#11 library, its label and the signing key's label.
SIGNER_FIELDS = ("module", "token_label", "key_label")
SIGNER_PLACEHOLDERS = {
    "module": _l("<path to your token's PKCS#11 library>"),
    "token_label": _l("<your token's label>"),
    "key_label": _l("<your signing key's label>"),
}


def public_url(path: str) -> str:
    """An absolute address of ours, as printed on letters (EOFFICE_PUBLIC_URL behind a proxy)."""
    base = os.environ.get("EOFFICE_PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def _shell_word(value: str) -> str:
    """One argument as pasted into a terminal: bare, or in double quotes (which bash and
    Windows' cmd both read alike for what the sign screen lets through)."""
    return value if re.fullmatch(r"[\w@+=:,./~-]+", value) else f'"{value}"'


def signer_command(signing_id: str, chosen: Mapping[str, str]) -> str:
    """The exact command the officer runs beside the token: the token's details ``chosen``
    (placeholders for those not given); the signing token comes from ``EOFFICE_TOKEN``."""
    url = public_url(url_for("api.prepared_signing", signing_id=signing_id))
    words = ["python", "-m", "tools.token_signer"]
    for field in SIGNER_FIELDS:
        value = chosen.get(field)
        words += [
            f"--{field.replace('_', '-')}",
            _shell_word(value) if value else str(SIGNER_PLACEHOLDERS[field]),
        ]
    return " ".join([*words, "--url", url, "--token-env", "EOFFICE_TOKEN"])
