"""Changing an office: what changes is kept in its history; its names are never taken away."""

from services.identity.domain import tree

HATHRAS = {"code": "SP-HTR", "name_en": "SP Office Hathras", "name_hi": "एसपी कार्यालय हाथरस"}


def test_a_rename_is_a_change_from_the_old_name_to_the_new():
    assert tree.changes(HATHRAS, {"name_en": "SP Office, Hathras"}) == {
        "name_en": ["SP Office Hathras", "SP Office, Hathras"]
    }


def test_a_null_name_leaves_the_office_its_names():
    # PATCH /offices/SP-HTR {"name_en": null} once stored no name, and every list of offices
    # that held it answered 500 from then on.
    assert tree.changes(HATHRAS, {"name_en": None, "name_hi": None}) == {}


def test_a_vpn_pool_can_be_taken_away():
    assert tree.changes({**HATHRAS, "vpn_pool": "10.61.0.0/22"}, {"vpn_pool": None}) == {
        "vpn_pool": ["10.61.0.0/22", None]
    }
