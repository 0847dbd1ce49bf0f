"""VPN accounts (WireGuard): issuing one from the district's pool, its client config,
revoking it, and the server's peer list."""

from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, NotFound
from common.events import (
    VpnIssued,
    VpnRevoked,
    new_event,
)
from common.rpc import rpc
from services.identity import store
from services.identity.domain import authority, vpn
from services.identity.schemas import (
    VpnAccount,
    VpnConfig,
)
from services.identity.service.base import Desk


class VpnDesk(Desk):
    @rpc
    def issue_vpn(self, actor: dict, user_id: str) -> dict:
        """A VPN account for a person: a key pair and an address from their district's pool
        that nobody else has ever had."""
        who = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(who, user_id)
        district = store.office_by_id(db, store.district_of(db, office))
        if not district.get("vpn_pool"):
            raise Conflict("VPN_NO_POOL", {"district": district["code"]})
        if store.live_vpn_account(db, user_id):
            raise Conflict("VPN_ALREADY_ISSUED")
        private_key, public_key = vpn.new_key_pair()
        for _ in range(20):  # another request may take the address first: take the next one
            address = vpn.next_free_address(
                district["vpn_pool"], store.vpn_addresses_issued(db, district["_id"])
            )
            account_id = store.new_id()
            account = {
                "_id": account_id,
                "user_id": user_id,
                "live_user": user_id,
                "district_id": district["_id"],
                "slot": f"{district['_id']}:{address}",
                "address": address,
                "public_key": public_key,
                "private_key": self.secrets.seal(private_key, store.sealed_for("vpn", account_id)),
                "issued_at": iso(utcnow()),
                "revoked_at": None,
            }
            event = new_event(
                VpnIssued(user_id=user_id, district_id=district["_id"], address=address),
                who,
                office["path"],
            )
            if store.insert_vpn_account(db, account, event):
                return VpnAccount(**account).model_dump()
        raise Conflict("VPN_BUSY")

    @rpc
    def vpn_config(self, actor: dict, user_id: str) -> dict:
        """The person's wg-quick client config: for them, or for whoever sets up their office."""
        who = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(who, user_id, self_may=True)
        account = store.live_vpn_account(db, user_id)
        if account is None:
            raise NotFound("VPN_NOT_ISSUED")
        private_key = self.secrets.open(
            account["private_key"], store.sealed_for("vpn", account["_id"])
        )
        if private_key is None:  # only a revoked account loses its key
            raise NotFound("VPN_NOT_ISSUED")
        district = store.office_by_id(db, account["district_id"])
        text = vpn.client_config(
            private_key,
            account["address"],
            district["vpn_pool"],
            self._vpn_server_key(),
            setting(self.config, "EOFFICE_VPN_ENDPOINT", "vpn.eoffice.invalid:51820"),
            setting(self.config, "EOFFICE_VPN_ALLOWED_IPS", "10.60.0.0/14").split(","),
            [d for d in setting(self.config, "EOFFICE_VPN_DNS", "").split(",") if d],
        )
        return VpnConfig(filename=f"eoffice-{person['username']}.conf", config=text).model_dump()

    @rpc
    def revoke_vpn(self, actor: dict, user_id: str) -> dict:
        who = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(who, user_id)
        account = store.live_vpn_account(db, user_id)
        if account is None:
            raise NotFound("VPN_NOT_ISSUED")
        now = iso(utcnow())
        event = new_event(
            VpnRevoked(
                user_id=user_id, district_id=account["district_id"], address=account["address"]
            ),
            who,
            office["path"],
        )
        store.revoke_vpn_account(db, account, now, event)
        return VpnAccount(**{**account, "revoked_at": now}).model_dump()

    @rpc
    def vpn_peers(self, actor: dict, district_code: str) -> str:
        """The VPN server's [Peer] list for a district's live accounts."""
        who = self.trust.actor(actor)
        db = self.storage.db
        district = store.office_by_code(db, district_code)
        authority.require_setup(who, district["path"])
        accounts = store.live_vpn_accounts(db, district["_id"])
        people = store.users_by_ids(db, [a["user_id"] for a in accounts])
        return vpn.server_peers(
            (
                a["public_key"],
                a["address"],
                f"{people[a['user_id']]['username']} {people[a['user_id']]['name_en']}",
            )
            for a in accounts
            if a["user_id"] in people
        )

    def _vpn_server_key(self) -> str:
        """The VPN server's public key: configured, or (on one machine, for a demo) a stand-in
        made once and kept. The stand-in's private key is never stored, so a real VPN needs
        EOFFICE_VPN_SERVER_PUBLIC_KEY set to the key of the server itself."""
        configured = setting(self.config, "EOFFICE_VPN_SERVER_PUBLIC_KEY")
        if configured:
            return configured
        return store.kept_vpn_server_key(self.storage.db, vpn.new_key_pair()[1])
