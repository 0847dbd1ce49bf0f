"""The web UI: server-rendered pages that work on a slow police-station link (no script
needed). They call the same services as the API, as the person in the session cookie.

One blueprint per area, as the API has one module per area; the app factory registers each:
``account`` (log in and out, language, activation, two-step login), ``desk`` (the inbox,
history, documents), ``notices`` (all my notices, what reaches me by email or SMS; the admin's
dead letters and circulars), ``receipts``, ``files``, ``filing`` (open a file; close, reopen,
link, merge and record it), ``drafts``, ``signing``, ``leave`` (apply, one's applications,
what waits for one's word, the office's calendar of who is away and its leave register),
``search`` (receipts and files by their words and their documents'), ``verify`` (public) and
``staff`` (the nodal officer's onboarding, people and posts)."""
