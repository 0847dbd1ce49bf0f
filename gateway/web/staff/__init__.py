"""The nodal officer's screens (and the state team's): onboarding from the master data sheet,
the staff with their Gov ID, VPN and DSC, and the posts with who holds them and who they are
delegated to. Server-rendered like the rest of the UI, so they work over a thin link with no
script; every refusal comes back as a message in the reader's language.

One ``staff`` blueprint holds the three areas as blueprints of its own, so its guard (only
those who set offices up) and its template helpers cover all three."""

from flask import Blueprint
from werkzeug.wrappers import Response

from gateway.web.staff import holidays, onboarding, people, posts
from gateway.web.staff.common import back, only_those_who_set_up, staff_helpers, staff_menu

pages = Blueprint("staff", __name__)
pages.before_request(only_those_who_set_up)
pages.context_processor(staff_helpers)
pages.app_context_processor(staff_menu)
for area in (onboarding, people, posts, holidays):
    pages.register_blueprint(area.pages)


@pages.get("/staff")
def home() -> Response:
    return back("staff.people.people")
