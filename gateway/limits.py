"""Rate limits on the doors anyone can knock at: logging in, activating an account, verifying a
letter, uploading files, and a record room's batches of scans. Each door has two budgets, spent
together: one per address (many guesses from one machine) and one per account (one account
guessed at from many machines; the person logged in, for verification and uploads). The API and
the web page of a door share its budgets, so using both does not double them.

Budgets are set by environment variables (``EOFFICE_RATE_LIMIT_LOGIN_PER_ADDRESS`` …, in
Flask-Limiter's notation: ``10/minute;100/hour``) and counted in ``EOFFICE_RATE_LIMIT_STORAGE``
(``memory://``: each gunicorn process counts on its own)."""

import math
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from common.errors import OfficeError
from gateway.auth import bearer_actor, session_actor

# door: (per address, per account). An office of fifty behind one NAT shares an address, so
# the per-address budgets are wide; the per-account ones are what slows a guesser down (and
# identity's own growing waits after wrong passwords come on top).
DEFAULT_LIMITS = {
    "login": ("60/minute;600/hour", "10/minute;60/hour"),
    "activation": ("20/minute;200/hour", "5/minute;30/hour"),
    "verification": ("30/minute;300/hour", "10/minute;100/hour"),
    "upload": ("120/minute;2000/hour", "30/minute;600/hour"),
    # A record room sends a batch of hundreds of scans one by one: a budget of its own, wide
    # enough for 300 scans in a few minutes, still bounded.
    "records": ("600/minute;20000/hour", "300/minute;10000/hour"),
}

limiter = Limiter(get_remote_address)

View = TypeVar("View", bound=Callable[..., Any])


def limits_from_environment() -> dict[str, dict[str, str]]:
    return {
        door: {
            "address": os.environ.get(f"EOFFICE_RATE_LIMIT_{door.upper()}_PER_ADDRESS", address),
            "account": os.environ.get(f"EOFFICE_RATE_LIMIT_{door.upper()}_PER_ACCOUNT", account),
        }
        for door, (address, account) in DEFAULT_LIMITS.items()
    }


def limited(
    door: str,
    account: Callable[[], str],
    methods: list[str] | None = None,
    when: Callable[[], bool] | None = None,
) -> Callable[[View], View]:
    """Count each call of the view against the door's two budgets: for ``methods`` only, and
    only ``when`` it says so, if given. ``account`` names the account the call is about ("" when
    there is none: then only the address's budget is spent)."""

    def budget(kind: str) -> Callable[[], str]:
        return lambda: current_app.config["RATE_LIMITS"][door][kind]

    exempt = (lambda: not when()) if when else None

    def wrap(view: View) -> View:
        counted: Callable[..., Any] = view
        for kind, key in (("account", account), ("address", get_remote_address)):
            counted = limiter.shared_limit(
                budget(kind),
                scope=f"{door}:{kind}",
                key_func=key,
                methods=methods,
                exempt_when=exempt,
            )(counted)
        return cast(View, counted)

    return wrap


def retry_after() -> int:
    """Whole seconds until the budget that was spent has room again."""
    spent = limiter.current_limit
    return max(1, math.ceil(spent.reset_at - time.time())) if spent else 60


# --- whose account a call is about ------------------------------------------------------------


def _field(name: str) -> str:
    body = request.get_json(silent=True) if request.is_json else request.form
    value = body.get(name) if isinstance(body, dict) else None
    return value.strip().lower()[:200] if isinstance(value, str) else ""


def login_name() -> str:
    """The username being logged in to, as typed (known or not: both spend alike)."""
    name = _field("username")
    return f"login:{name}" if name else ""


def activation_login() -> str:
    name = _field("login")
    return f"activation:{name}" if name else ""


def person_calling() -> str:
    """The person calling, once their token is verified (bearer on the API, the session on
    pages); "" for nobody, and the view answers for a bad token as it always does.

    Public verification is keyed so too, not by the letter: a letter's budget could be spent
    by anyone who knows its number, to keep its readers from verifying it, and its code (eight
    characters of 32: 40 bits) is not worth guessing at any rate the address budget
    allows."""
    try:
        bearer_actor() if request.path.startswith("/api/") else session_actor()
    except OfficeError:
        return ""
    return f"user:{g.actor.user_id}"


def pdf_attached() -> bool:
    upload = request.files.get("pdf")
    return bool(upload and upload.filename)
