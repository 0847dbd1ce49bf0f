"""English and Hindi: the caller's language from ``?lang=``, the session, or Accept-Language."""

from flask import request, session

LANGUAGES = ("en", "hi")


def current_language() -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="en")
