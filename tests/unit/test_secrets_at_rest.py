"""Secrets at rest: what a copy of the database yields is sealed, and the key is elsewhere."""

import base64
import os

import pytest

from common.secrets_at_rest import SecretBox, SecretsKeyError, is_sealed, secrets_key
from common.storage import Storage
from services.identity import store
from services.identity.domain import login, vpn
from services.identity.domain import tokens as domain

KEY = base64.b64encode(bytes(range(32))).decode()


def test_a_sealed_secret_opens_only_with_its_key_and_for_what_it_was_sealed_for():
    box = SecretBox(base64.b64decode(KEY))
    sealed = box.seal("JBSWY3DPEHPK3PXP", "identity.totp:u1")
    assert is_sealed(sealed) and "JBSWY3DPEHPK3PXP" not in sealed
    assert box.open(sealed, "identity.totp:u1") == "JBSWY3DPEHPK3PXP"
    assert box.seal("same", "c") != box.seal("same", "c")  # a fresh nonce each time
    with pytest.raises(SecretsKeyError):  # copied into another person's record
        box.open(sealed, "identity.totp:u2")
    with pytest.raises(SecretsKeyError):  # another office's key
        SecretBox(os.urandom(32)).open(sealed, "identity.totp:u1")
    assert box.open("JBSWY3DPEHPK3PXP", "identity.totp:u1") == "JBSWY3DPEHPK3PXP"  # from before
    assert box.open(None, "identity.totp:u1") is None


def test_the_key_comes_from_the_environment_a_file_or_is_made_once_on_one_machine(tmp_path):
    assert secrets_key({"EOFFICE_SECRETS_KEY": KEY}) == bytes(range(32))
    kept = tmp_path / "mounted-secret"
    kept.write_text(KEY + "\n")
    assert secrets_key({"EOFFICE_SECRETS_KEY_FILE": str(kept)}) == bytes(range(32))

    one_machine = {"EOFFICE_DATA_DIR": str(tmp_path / "var"), "MONGODB_URI": ""}
    made = secrets_key(one_machine)
    assert len(made) == 32 and secrets_key(one_machine) == made
    key_file = tmp_path / "var" / "secrets.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700


def test_a_missing_or_malformed_key_is_refused_with_a_reason(tmp_path):
    with pytest.raises(SecretsKeyError, match="every replica must share one key"):
        secrets_key({"EOFFICE_DATA_DIR": str(tmp_path), "MONGODB_URI": "mongodb://db:27017"})
    with pytest.raises(SecretsKeyError, match="32 random bytes"):
        secrets_key({"EOFFICE_SECRETS_KEY": "not-a-key"})
    with pytest.raises(SecretsKeyError, match="32 random bytes"):
        secrets_key({"EOFFICE_SECRETS_KEY": base64.b64encode(b"short").decode()})


def test_secrets_an_older_version_stored_in_plain_form_are_sealed_once(tmp_path):
    storage = Storage("identity", {"EOFFICE_DATA_DIR": str(tmp_path), "MONGODB_URI": ""})
    db, box = storage.db, SecretBox(base64.b64decode(KEY))
    kid, private_pem, public_pem = domain.new_signing_key()
    old_kid, old_private, old_public = domain.new_signing_key()
    db.signing_keys.insert_one({"_id": kid, "private_pem": private_pem, "active": True})
    db.signing_keys.insert_one({"_id": old_kid, "private_pem": old_private, "active": False})
    secret = login.new_totp_secret()
    db.users.insert_one({"_id": "u1", "totp_secret": secret, "totp_pending_secret": None})
    db.users.insert_one({"_id": "u2", "name_en": "no TOTP"})
    vpn_private, vpn_public = vpn.new_key_pair()
    db.vpn_accounts.insert_one({"_id": "a1", "private_key": vpn_private})
    db.vpn_accounts.insert_one({"_id": "a2", "private_key": None})  # revoked
    server_private, server_public = vpn.new_key_pair()
    db.settings.insert_one(
        {"_id": "vpn_server", "private_key": server_private, "public_key": server_public}
    )

    store.seal_plaintext_secrets(db, box)
    store.seal_plaintext_secrets(db, box)  # again: nothing is sealed twice

    everything = repr([list(db[c].find()) for c in ("signing_keys", "users", "vpn_accounts")])
    for plain in (private_pem, old_private, secret, vpn_private, server_private):
        assert plain not in everything + repr(list(db.settings.find()))
    active = db.signing_keys.find_one({"_id": kid})["private_pem"]
    assert box.open(active, store.sealed_for("signing_key", kid)) == private_pem
    assert db.signing_keys.find_one({"_id": old_kid})["private_pem"] is None  # retired: gone
    sealed_secret = db.users.find_one({"_id": "u1"})["totp_secret"]
    assert box.open(sealed_secret, store.sealed_for("totp", "u1")) == secret
    sealed_vpn = db.vpn_accounts.find_one({"_id": "a1"})["private_key"]
    assert box.open(sealed_vpn, store.sealed_for("vpn", "a1")) == vpn_private
    assert db.vpn_accounts.find_one({"_id": "a2"})["private_key"] is None
    assert db.settings.find_one({"_id": "vpn_server"}) == {
        "_id": "vpn_server",
        "public_key": server_public,
    }
    storage.close()
