"""VPN accounts: addresses never given twice, and the VPN server's public key."""

from typing import Any

from pymongo.errors import DuplicateKeyError

from common.errors import Conflict
from common.outbox import with_events
from services.identity.store.records import insert_with_event

# --- VPN accounts ----------------------------------------------------------------------------


def vpn_addresses_issued(db: Any, district_id: str) -> set[str]:
    """Every address ever issued in the district, revoked ones too: an address in old logs
    must keep pointing at one person."""
    return {
        a["address"] for a in db.vpn_accounts.find({"district_id": district_id}, {"address": 1})
    }


def insert_vpn_account(db: Any, account: dict, event: dict) -> bool:
    """Store a new account; False if its address was taken meanwhile (try the next one)."""
    try:
        insert_with_event(db.vpn_accounts, account, event)
    except DuplicateKeyError:
        # The engines do not both say which index refused it: ask.
        if live_vpn_account(db, account["live_user"]):
            raise Conflict("VPN_ALREADY_ISSUED") from None
        return False
    return True


def live_vpn_account(db: Any, user_id: str) -> dict | None:
    return db.vpn_accounts.find_one({"live_user": user_id}, {"outbox": 0})


def revoke_vpn_account(db: Any, account: dict, at: str, event: dict) -> None:
    db.vpn_accounts.update_one(
        {"_id": account["_id"], "live_user": account["live_user"]},
        with_events(
            {
                "$set": {
                    "live_user": f"revoked:{account['_id']}",
                    "revoked_at": at,
                    "private_key": None,
                }
            },
            event,
        ),
    )


def live_vpn_addresses(db: Any, user_ids: list[str]) -> dict[str, str]:
    return {
        a["user_id"]: a["address"]
        for a in db.vpn_accounts.find(
            {"live_user": {"$in": list(user_ids)}}, {"address": 1, "user_id": 1}
        )
    }


def live_vpn_accounts(db: Any, district_id: str) -> list[dict]:
    return [
        a
        for a in db.vpn_accounts.find({"district_id": district_id}, {"outbox": 0})
        if not a.get("revoked_at")
    ]


def kept_vpn_server_key(db: Any, public_key: str) -> str:
    """The VPN server's public key made on first use (the given one, unless one is kept
    already). Its private key is never stored: the office only ever hands out the public one."""
    db.settings.update_one(
        {"_id": "vpn_server"}, {"$setOnInsert": {"public_key": public_key}}, upsert=True
    )
    return db.settings.find_one({"_id": "vpn_server"})["public_key"]
