"""The desk as an installable web app that a dropped link does not stop: its manifest, its
service worker (gateway/static/sw.js: the inbox, its items' pages and their PDFs kept on the
device), and what offline.js needs from each page (whose actions wait on this device, a fresh
CSRF token when it sends them, and its words in the reader's language)."""

from typing import Any

from flask import Blueprint, current_app, jsonify, send_from_directory, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

pages = Blueprint("offline", __name__)


def _static(filename: str, mimetype: str) -> Response:
    response = send_from_directory(current_app.static_folder or "", filename, mimetype=mimetype)
    response.cache_control.no_cache = True  # a new version is taken up at the next visit
    return response


@pages.get("/manifest.webmanifest")
def manifest() -> Response:
    return _static("manifest.webmanifest", "application/manifest+json")


@pages.get("/sw.js")
def worker() -> Response:
    """The service worker, from the site's root so that it may serve every page."""
    response = _static("sw.js", "application/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@pages.get("/csrf-token")
def csrf_token() -> Response:
    """A fresh token for a form that waited on the device longer than its token lives."""
    response = jsonify(csrf_token=generate_csrf())
    response.cache_control.no_store = True
    return response


@pages.app_context_processor
def offline_desk() -> dict[str, Any]:
    def settings() -> dict[str, Any]:
        return {
            "worker": url_for("offline.worker"),
            "token": url_for("offline.csrf_token"),
            "person": session.get("user_id", "") if session.get("access_token") else "",
            "texts": {
                "offline": _("Offline — showing what was saved at %(time)s"),
                "waiting": _("Waiting to send (%(n)s)"),
                "attention": _("Needs your attention (%(n)s)"),
                "queued": _(
                    "The link is down: this is kept on this device and will be sent when the "
                    "link returns."
                ),
                "sent": _("Sent what was waiting on this device: %(n)s."),
                "made": _("Made at %(time)s"),
                "refused": _("Not done: %(reason)s"),
                "copy": _("Copy the text"),
                "retry": _("Try again"),
                "discard": _("Discard"),
                "kinds": {
                    "note": _("Write a note"),
                    "send": _("Send"),
                    "receive": _("Receive"),
                    "put-in-file": _("Put in a file"),
                },
            },
        }

    return {"offline_desk": settings}
