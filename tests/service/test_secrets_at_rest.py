"""A copy of identity's database yields no key: token-signing keys, TOTP secrets and VPN keys
are stored sealed with a key kept outside it, and logins, TOTP and VPN configs work as before."""

from datetime import timedelta

import pyotp
from nameko.testing.utils import get_extension

from common.clock import utcnow
from common.secrets_at_rest import SecretBox, secrets_key
from common.storage import Database
from common.tokens import verify_access_token
from services.identity import store
from tests.service.conftest import PASSWORD


def stored(office):
    """Identity's database as it lies on disk (read through the running service's own client)."""
    return get_extension(office.containers["identity"], Database).storage.db


def everything(db) -> str:
    return repr(
        [list(db[name].find()) for name in ("signing_keys", "users", "vpn_accounts", "settings")]
    )


def login(office, username, **extra):
    return office.rpc.identity.login({"username": username, "password": PASSWORD, **extra})


def test_the_stored_documents_hold_no_key_or_secret_in_plain_form(office, tmp_path):
    identity = office.rpc.identity
    identity.change_office(office.actor("admin.up"), "SP-HTR", {"vpn_pool": "10.61.0.0/22"})
    sp = office.actor("sp.hathras")
    totp = pyotp.TOTP(identity.begin_totp(sp, {"password": PASSWORD})["secret"])
    identity.confirm_totp(sp, {"code": totp.now()})
    identity.issue_vpn(office.actor("asp.hathras"), sp["user_id"])
    config = identity.vpn_config(sp, sp["user_id"])["config"]
    private_key = next(
        line.split(" = ")[1] for line in config.splitlines() if line.startswith("PrivateKey")
    )
    server_key = next(
        line.split(" = ")[1] for line in config.splitlines() if line.startswith("PublicKey")
    )

    db = stored(office)
    on_disk = everything(db)
    assert "PRIVATE KEY" not in on_disk
    assert totp.secret not in on_disk
    assert private_key not in on_disk
    assert db.settings.find_one({"_id": "vpn_server"}) == {
        "_id": "vpn_server",
        "public_key": server_key,
    }
    key_file = tmp_path / "data" / "secrets.key"
    assert key_file.stat().st_mode & 0o777 == 0o600

    # Everything still works from the sealed records: a login with a TOTP code, the config.
    code = totp.at(utcnow() + timedelta(seconds=totp.interval))
    assert login(office, "sp.hathras", otp=code)["user"]["totp_enabled"] is True
    assert identity.vpn_config(sp, sp["user_id"])["config"] == config


def test_secrets_stored_in_plain_form_before_are_sealed_at_start_and_still_work(office):
    """An office upgraded from a version that kept secrets in plain form."""
    identity = office.rpc.identity
    sp = office.actor("sp.hathras")
    login(office, "reader.hathras")  # the token-signing key is made
    secret = pyotp.random_base32()
    db = stored(office)
    db.users.update_one(
        {"username": "sp.hathras"}, {"$set": {"totp_secret": secret, "totp_enabled": True}}
    )
    key = db.signing_keys.find_one({"active": True})
    box = SecretBox(secrets_key(office.config))
    plain_pem = box.open(key["private_pem"], store.sealed_for("signing_key", key["_id"]))
    db.signing_keys.update_one({"_id": key["_id"]}, {"$set": {"private_pem": plain_pem}})
    db.settings.delete_one({"_id": "secrets_sealed"})

    office.kill("identity")
    office.start("identity")

    on_disk = everything(stored(office))
    assert secret not in on_disk and "PRIVATE KEY" not in on_disk
    tokens = login(office, "sp.hathras", otp=pyotp.TOTP(secret).now())
    claims = verify_access_token(tokens["access_token"], identity.public_keys())
    assert claims["sub"] == sp["user_id"]
