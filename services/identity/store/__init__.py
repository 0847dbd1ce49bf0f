"""Identity's collections: offices, posts, delegations, holders' leave, users, refresh tokens,
signing keys, VPN accounts. Changes that others must hear of carry their events in the changed
document (common.outbox). One module per subject; the service reads them all as
``store.<query>``."""

from typing import Any

from services.identity.store.calendar import (
    calendar_history,
    current_calendar,
    insert_calendar,
)
from services.identity.store.keys import (
    active_signing_key,
    insert_refresh_token,
    insert_signing_key,
    refresh_token,
    retire_signing_keys,
    revoke_all_of,
    revoke_family,
    revoked_access_tokens,
    seal_plaintext_secrets,
    use_refresh_token,
    verifying_keys,
)
from services.identity.store.leave import leave_on, record_leave
from services.identity.store.people import (
    claim_login,
    dsc_warning_sent,
    dscs_expiring_before,
    insert_onboarded,
    insert_sheet,
    insert_user,
    logins,
    onboarded,
    recently_disabled,
    record_failure,
    release_login,
    replace_dsc,
    set_user,
    sheet,
    update_sheet,
    user_by_id,
    user_by_username,
    users_by_ids,
    users_of_offices,
)
from services.identity.store.records import (
    insert_with_event,
    new_id,
    sealed_for,
)
from services.identity.store.tree import (
    ancestors,
    assign_post,
    children,
    delegation,
    delegations_of_post,
    delegations_to,
    district_of,
    end_delegation,
    insert_delegation,
    insert_office,
    insert_post,
    office_by_code,
    office_by_id,
    office_or_none,
    post_by_abbreviation,
    post_by_id,
    post_or_none,
    posts_held_by,
    posts_in_district,
    posts_of_office,
    posts_under,
    roots,
    set_office_path,
    set_post_path,
    subtree,
    tree_version,
    update_office,
)
from services.identity.store.vpn import (
    insert_vpn_account,
    kept_vpn_server_key,
    live_vpn_account,
    live_vpn_accounts,
    live_vpn_addresses,
    revoke_vpn_account,
    vpn_addresses_issued,
)

OUTBOX_COLLECTIONS = ["users", "posts", "delegations", "vpn_accounts"]

__all__ = [
    "OUTBOX_COLLECTIONS",
    "active_signing_key",
    "ancestors",
    "calendar_history",
    "assign_post",
    "children",
    "claim_login",
    "current_calendar",
    "delegation",
    "delegations_of_post",
    "delegations_to",
    "district_of",
    "dsc_warning_sent",
    "dscs_expiring_before",
    "end_delegation",
    "ensure_indexes",
    "insert_calendar",
    "insert_delegation",
    "insert_office",
    "insert_onboarded",
    "insert_post",
    "insert_refresh_token",
    "insert_sheet",
    "insert_signing_key",
    "insert_user",
    "insert_vpn_account",
    "insert_with_event",
    "kept_vpn_server_key",
    "leave_on",
    "live_vpn_account",
    "live_vpn_accounts",
    "live_vpn_addresses",
    "logins",
    "new_id",
    "office_by_code",
    "office_by_id",
    "office_or_none",
    "onboarded",
    "post_by_abbreviation",
    "post_by_id",
    "post_or_none",
    "posts_held_by",
    "posts_in_district",
    "posts_of_office",
    "posts_under",
    "recently_disabled",
    "record_leave",
    "record_failure",
    "refresh_token",
    "release_login",
    "replace_dsc",
    "retire_signing_keys",
    "revoke_all_of",
    "revoke_family",
    "revoke_vpn_account",
    "revoked_access_tokens",
    "roots",
    "seal_plaintext_secrets",
    "sealed_for",
    "set_office_path",
    "set_post_path",
    "set_user",
    "sheet",
    "subtree",
    "tree_version",
    "update_office",
    "update_sheet",
    "use_refresh_token",
    "user_by_id",
    "user_by_username",
    "users_by_ids",
    "users_of_offices",
    "verifying_keys",
    "vpn_addresses_issued",
]


def ensure_indexes(db: Any) -> None:
    db.offices.create_index("code", unique=True)
    db.offices.create_index("parent_id")
    db.posts.create_index("abbreviation", unique=True)
    db.posts.create_index("holder_user_id")
    db.posts.create_index("district_id")
    db.posts.create_index("office_id")
    db.posts.create_index("office_path")  # every post under an office (a circular's fan-out)
    db.users.create_index("username", unique=True)
    db.users.create_index("disabled_at")
    db.users.create_index("employee_code")
    db.users.create_index("office_id")  # the people of an office (staff screens, HQ)
    db.users.create_index("sheet_values.email")
    db.users.create_index("sheet_values.post")
    db.sheets.create_index("uploaded_by")
    db.delegations.create_index("delegate_user_id")
    db.delegations.create_index("post_id")
    db.leave_periods.create_index("post_id")
    db.refresh_tokens.create_index("family")
    db.refresh_tokens.create_index("user_id")
    db.signing_keys.create_index("active")
    # An address is never given to two people, nor a person two live accounts, even when
    # requests race: the unique indexes decide, the loser retries or is refused.
    db.vpn_accounts.create_index("slot", unique=True)
    db.vpn_accounts.create_index("live_user", unique=True)
    db.vpn_accounts.create_index("user_id")
    db.vpn_accounts.create_index("district_id")
    db.users.create_index("dsc.not_after")
    db.holiday_calendars.create_index([("state_id", 1), ("year", 1)])
    for name in OUTBOX_COLLECTIONS:
        db[name].create_index("has_outbox")
