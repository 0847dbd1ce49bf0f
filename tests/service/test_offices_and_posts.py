"""Setting up the office: who may do it where, the office tree as data, and how people move
between posts (transfer, additional charge, delegation) while the work stays with the posts."""

import base64
from datetime import timedelta

import pytest

from common.clock import iso, utcnow
from common.errors import Conflict, Forbidden, NotFound, OfficeError, Refused, Unauthenticated
from common.trust import actor_from_claims
from tests.service.conftest import PASSWORD
from tests.support.pdfs import pdf

LETTER = {"subject": "पुलिस लाइन में आवास आवंटन हेतु प्रार्थना पत्र", "sender": "HC Ram Singh"}


def outcome(call) -> str:
    """What the user is told: "done", or the kind and code of the refusal."""
    try:
        call()
    except OfficeError as refused:
        return f"{type(refused).__name__} {refused.code}"
    return "done"


def in_an_hour() -> str:
    return iso(utcnow() + timedelta(hours=1))


def new_office(code, level, parent_code, **extra):
    return {
        "code": code,
        "name_en": f"Office {code}",
        "name_hi": f"कार्यालय {code}",
        "level": level,
        "parent_code": parent_code,
        **extra,
    }


def new_post(office_code, abbreviation, **extra):
    return {
        "office_code": office_code,
        "abbreviation": abbreviation,
        "name_en": f"Post {abbreviation}",
        "name_hi": f"पद {abbreviation}",
        **extra,
    }


def new_person(username, office_code, **extra):
    return {
        "username": username,
        "name_en": f"Person {username}",
        "name_hi": f"व्यक्ति {username}",
        "password": PASSWORD,
        "roles": ["dealing_hand"],
        "office_code": office_code,
        **extra,
    }


def aligarh(office) -> tuple[dict, dict]:
    """The state team opens a second district, Aligarh, with its SP post and its SP."""
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    identity.create_office(
        admin,
        {
            "code": "SP-ALG",
            "name_en": "Office of the Superintendent of Police, Aligarh",
            "name_hi": "पुलिस अधीक्षक कार्यालय, अलीगढ़",
            "level": "district",
            "parent_code": "ALIGARH-RANGE",
        },
    )
    post = identity.create_post(
        admin,
        {
            "office_code": "SP-ALG",
            "abbreviation": "SP-ALG",
            "name_en": "Superintendent of Police, Aligarh",
            "name_hi": "पुलिस अधीक्षक, अलीगढ़",
        },
    )
    person = identity.create_user(
        admin, new_person("sp.aligarh", "SP-ALG", roles=["officer"], posts=["SP-ALG"])
    )
    return post, person


def diarise_to(office, abbreviation: str, subject: str = LETTER["subject"]) -> dict:
    """The CRU diarises a letter and marks it to a post."""
    cru = office.actor("cru.hathras")
    receipt = office.rpc.files.diarise(
        cru, {**LETTER, "subject": subject}, base64.b64encode(pdf()).decode()
    )
    return office.rpc.files.send_receipt(
        cru, receipt["id"], {"to_post_id": office.post_id(abbreviation)}
    )


def inbox_numbers(office, actor: dict) -> list[str]:
    return sorted(i["number"] for i in office.rpc.files.inbox(actor)["items"])


def abbreviations(user_view: dict) -> list[str]:
    return sorted(p["abbreviation"] for p in user_view["posts"])


# --- roles with a scope ----------------------------------------------------------------------


def test_the_nodal_officer_of_hathras_sets_up_posts_and_people_anywhere_in_hathras(office):
    nodal = office.actor("asp.hathras")
    identity = office.rpc.identity
    made = [
        identity.create_post(nodal, new_post(code, abbreviation))
        for code, abbreviation in [
            ("SP-HTR", "STENO-SP-HTR"),
            ("CO-SADAR-HTR", "RDR-CO-SADAR-HTR"),
            ("PS-KOTWALI-HTR", "HM-KOTWALI-HTR"),
        ]
    ]
    assert [(p["office_code"], p["holder_user_id"]) for p in made] == [
        ("SP-HTR", None),
        ("CO-SADAR-HTR", None),
        ("PS-KOTWALI-HTR", None),
    ]

    person = identity.create_user(
        nodal, new_person("hm.kotwali.hathras", "PS-KOTWALI-HTR", posts=["HM-KOTWALI-HTR"])
    )
    assert abbreviations(person) == ["HM-KOTWALI-HTR"]
    assert office.actor("hm.kotwali.hathras")["post_ids"] == (made[2]["id"],)
    staff = identity.staff(nodal)["items"]
    assert "hm.kotwali.hathras" in [u["username"] for u in staff]


def test_the_nodal_officer_of_hathras_can_do_nothing_in_aligarh(office):
    aligarh_post, aligarh_sp = aligarh(office)
    nodal = office.actor("asp.hathras")
    reader_id = office.actor("reader.hathras")["user_id"]
    identity = office.rpc.identity
    attempts = {
        "create a post": lambda: identity.create_post(nodal, new_post("SP-ALG", "STENO-SP-ALG")),
        "create a person": lambda: identity.create_user(nodal, new_person("clerk.alg", "SP-ALG")),
        "give a new hathras person an aligarh post": lambda: identity.create_user(
            nodal, new_person("clerk2.htr", "SP-HTR", posts=["SP-ALG"])
        ),
        "assign an aligarh post": lambda: identity.assign_post(
            nodal, aligarh_post["id"], {"user_id": reader_id}
        ),
        "post an aligarh person to a hathras post": lambda: identity.assign_post(
            nodal, office.post_id("RDR-SP-HTR"), {"user_id": aligarh_sp["id"]}
        ),
        "delegate an aligarh post": lambda: identity.delegate_post(
            nodal, aligarh_post["id"], {"to_user_id": nodal["user_id"], "ends": in_an_hour()}
        ),
        "see who may act for an aligarh post": lambda: identity.delegations(
            nodal, aligarh_post["id"]
        ),
        "disable an aligarh person": lambda: identity.disable_user(nodal, aligarh_sp["id"]),
        "enable an aligarh person": lambda: identity.enable_user(nodal, aligarh_sp["id"]),
        "see aligarh's staff": lambda: identity.staff(nodal, "SP-ALG"),
        "see an aligarh person": lambda: identity.person(nodal, aligarh_sp["id"]),
        "list aligarh's posts": lambda: identity.district_posts(nodal, "SP-ALG"),
        "give an aligarh person a fresh activation code": lambda: identity.reissue_activation(
            nodal, aligarh_sp["id"]
        ),
    }
    outcomes = {what: outcome(attempt) for what, attempt in attempts.items()}
    assert outcomes == dict.fromkeys(attempts, "Forbidden OUTSIDE_YOUR_SCOPE")

    # nothing happened in Aligarh, nor to the reader of Hathras
    admin = office.actor("admin.up")
    aligarh_staff = identity.staff(admin, "SP-ALG")["items"]
    assert [(u["username"], u["disabled"], abbreviations(u)) for u in aligarh_staff] == [
        ("sp.aligarh", False, ["SP-ALG"])
    ]
    assert identity.post(admin, aligarh_post["id"])["holder_user_id"] == aligarh_sp["id"]
    assert identity.delegations(admin, aligarh_post["id"]) == []
    assert office.actor("sp.aligarh")["post_ids"] == (aligarh_post["id"],)
    assert office.actor("reader.hathras")["post_ids"] == (office.post_id("RDR-SP-HTR"),)


def test_a_clerk_sets_up_nothing_anywhere(office):
    aligarh_post, aligarh_sp = aligarh(office)
    clerk = office.actor("cru.hathras")
    reader_id = office.actor("reader.hathras")["user_id"]
    identity = office.rpc.identity
    attempts = {
        "create an office": lambda: identity.create_office(
            clerk, new_office("CO-NEW-HTR", "circle", "SP-HTR")
        ),
        "rename their office": lambda: identity.change_office(
            clerk, "SP-HTR", {"name_en": "SP Office"}
        ),
        "create a post in hathras": lambda: identity.create_post(
            clerk, new_post("SP-HTR", "STENO-SP-HTR")
        ),
        "create a post in aligarh": lambda: identity.create_post(
            clerk, new_post("SP-ALG", "STENO-SP-ALG")
        ),
        "create a person in hathras": lambda: identity.create_user(
            clerk, new_person("clerk.htr", "SP-HTR")
        ),
        "create a person in aligarh": lambda: identity.create_user(
            clerk, new_person("clerk.alg", "SP-ALG")
        ),
        "assign a hathras post": lambda: identity.assign_post(
            clerk, office.post_id("SP-HTR"), {"user_id": clerk["user_id"]}
        ),
        "assign an aligarh post": lambda: identity.assign_post(
            clerk, aligarh_post["id"], {"user_id": clerk["user_id"]}
        ),
        "delegate the sp's post": lambda: identity.delegate_post(
            clerk, office.post_id("SP-HTR"), {"to_user_id": clerk["user_id"], "ends": in_an_hour()}
        ),
        "delegate an aligarh post": lambda: identity.delegate_post(
            clerk, aligarh_post["id"], {"to_user_id": clerk["user_id"], "ends": in_an_hour()}
        ),
        "disable a colleague": lambda: identity.disable_user(clerk, reader_id),
        "disable an aligarh person": lambda: identity.disable_user(clerk, aligarh_sp["id"]),
        "enable a colleague": lambda: identity.enable_user(clerk, reader_id),
        "see their own office's staff": lambda: identity.staff(clerk),
        "see aligarh's staff": lambda: identity.staff(clerk, "SP-ALG"),
        "see a colleague": lambda: identity.person(clerk, reader_id),
        "list their district's posts": lambda: identity.district_posts(clerk, "SP-HTR"),
        "give a colleague a fresh activation code": lambda: identity.reissue_activation(
            clerk, reader_id
        ),
    }
    outcomes = {what: outcome(attempt) for what, attempt in attempts.items()}
    assert outcomes == dict.fromkeys(attempts, "Forbidden OUTSIDE_YOUR_SCOPE")

    assert office.actor("cru.hathras")["post_ids"] == (office.post_id("CRU-SP-HTR"),)
    assert office.actor("reader.hathras")["post_ids"] == (office.post_id("RDR-SP-HTR"),)
    assert office.actor("sp.aligarh")["post_ids"] == (aligarh_post["id"],)


def test_a_nodal_officer_cannot_grant_more_power_than_they_hold(office):
    nodal = office.actor("asp.hathras")
    identity = office.rpc.identity
    attempts = {
        "admin": new_person("admin.htr", "SP-HTR", roles=["admin"]),
        "admin over hathras": new_person(
            "admin2.htr", "SP-HTR", roles=["admin"], role_scopes={"admin": "SP-HTR"}
        ),
        "nodal officer over the state": new_person(
            "nodal.up", "SP-HTR", roles=["nodal_officer"], role_scopes={"nodal_officer": "UP"}
        ),
        "hq viewer over the police": new_person(
            "hq.up", "SP-HTR", roles=["hq_viewer"], role_scopes={"hq_viewer": "UP-POLICE"}
        ),
    }
    outcomes = {
        what: outcome(lambda p=p: identity.create_user(nodal, p)) for what, p in attempts.items()
    }
    assert outcomes == dict.fromkeys(attempts, "Forbidden OUTSIDE_YOUR_SCOPE")
    for person in attempts.values():  # none of them exists
        with pytest.raises(Unauthenticated):
            identity.login({"username": person["username"], "password": PASSWORD})

    # what the nodal officer holds, they may pass on: a second nodal officer for the circle
    deputy = identity.create_user(
        nodal,
        new_person(
            "nodal.sadar.htr",
            "CO-SADAR-HTR",
            roles=["nodal_officer"],
            role_scopes={"nodal_officer": "CO-SADAR-HTR"},
        ),
    )
    circle = identity.office_by_code(nodal, "CO-SADAR-HTR")
    assert deputy["grants"] == [{"role": "nodal_officer", "scope": circle["id"]}]


def test_the_state_team_lists_the_posts_of_any_district_a_nodal_officer_those_of_their_own(
    office,
):
    admin, nodal = office.actor("admin.up"), office.actor("asp.hathras")
    identity = office.rpc.identity
    revenue = identity.district_posts(admin, "DM-HTR")["items"]
    assert [(p["abbreviation"], p["holder_name"]) for p in revenue] == [
        ("ADM-E-HTR", "Prakash Narayan Tiwari"),
        ("CRU-DM-HTR", "Neha Chauhan"),
        ("DM-HTR", "Sunita Agarwal"),
        ("RK-SADAR-HTR", "Shyam Babu Kushwaha"),
        ("SA-ESTT-DM-HTR", "Manoj Kumar Saxena"),
        ("TEH-SADAR-HTR", "Dinesh Chandra Pal"),
    ]
    district = identity.office_by_code(admin, "DM-HTR")["id"]
    assert {p["district_id"] for p in revenue} == {district}
    # any office of a district names it: the tehsil's gives the whole Collectorate's list
    assert identity.district_posts(admin, "TEHSIL-SADAR-HTR")["items"] == revenue

    police = identity.district_posts(nodal, "PS-KOTWALI-HTR")["items"]
    assert police == identity.markable_posts(nodal)["items"]
    assert outcome(lambda: identity.district_posts(nodal, "DM-HTR")) == (
        "Forbidden OUTSIDE_YOUR_SCOPE"
    )


# --- the office tree as data -----------------------------------------------------------------


def test_a_department_defines_its_levels_and_every_office_must_fit_them(office):
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    revenue = identity.create_office(
        admin,
        new_office("UP-REVENUE", "department", "UP", levels=["division", "district", "tehsil"]),
    )
    assert revenue["levels"] == ["division", "district", "tehsil"]
    for code, level, parent in [
        ("AGRA-DIV", "division", "UP-REVENUE"),
        ("DM-AGRA", "district", "AGRA-DIV"),
        ("TEHSIL-SADAR-AGRA", "tehsil", "DM-AGRA"),
    ]:
        assert identity.create_office(admin, new_office(code, level, parent))["level"] == level

    attempts = {
        "a police level in revenue": (admin, new_office("CO-AGRA", "circle", "DM-AGRA")),
        "a division under a district": (admin, new_office("DIV-X", "division", "DM-AGRA")),
        "a district under a district": (admin, new_office("DM-X", "district", "DM-AGRA")),
        "a tehsil's child of the same level": (
            admin,
            new_office("TEHSIL-X", "tehsil", "TEHSIL-SADAR-AGRA"),
        ),
        "a state under a state": (admin, new_office("UP-2", "state", "UP")),
        "a department under a department": (
            admin,
            new_office("UP-GRP", "department", "UP-POLICE", levels=["zone"]),
        ),
        "a department without levels": (admin, new_office("UP-HOME", "department", "UP")),
        "a second state, by the state's admin": (admin, new_office("MP", "state", None)),
        "an office without a parent": (office.seeder, new_office("LOOSE", "district", None)),
    }
    outcomes = {
        what: outcome(lambda a=a, o=o: identity.create_office(a, o))
        for what, (a, o) in attempts.items()
    }
    assert outcomes == {
        "a police level in revenue": "Refused LEVEL_NOT_IN_DEPARTMENT",
        "a division under a district": "Refused LEVEL_ORDER",
        "a district under a district": "Refused LEVEL_ORDER",
        "a tehsil's child of the same level": "Refused LEVEL_ORDER",
        "a state under a state": "Refused STATE_MUST_BE_ROOT",
        "a department under a department": "Refused DEPARTMENT_UNDER_STATE",
        "a department without levels": "Refused DEPARTMENT_NEEDS_LEVELS",
        "a second state, by the state's admin": "Forbidden OUTSIDE_YOUR_SCOPE",
        "an office without a parent": "Refused OFFICE_NEEDS_PARENT",
    }
    with pytest.raises(Refused) as refused:
        identity.create_office(admin, new_office("CO-AGRA", "circle", "DM-AGRA"))
    assert refused.value.details == {
        "level": "circle",
        "levels": ["division", "district", "tehsil"],
    }

    # the police department's levels are untouched: a circle is still fine under a police district
    assert identity.create_office(admin, new_office("CO-HATHRAS-GATE", "circle", "SP-HTR"))
    codes = [o["code"] for o in identity.offices_under(admin, "UP-REVENUE")["items"]]
    assert codes == ["UP-REVENUE", "AGRA-DIV", "DM-AGRA", "TEHSIL-SADAR-AGRA"]
    for code in ("UP-2", "MP", "LOOSE", "UP-GRP", "UP-HOME"):
        with pytest.raises(NotFound):
            identity.office_by_code(admin, code)


def test_a_renamed_office_keeps_its_id_and_its_history_says_who_renamed_it(office):
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    before = identity.office_by_code(admin, "CO-SADAR-HTR")

    renamed = identity.change_office(
        admin,
        "CO-SADAR-HTR",
        {"name_en": "Circle Office City, Hathras", "name_hi": "क्षेत्राधिकारी कार्यालय नगर, हाथरस"},
    )
    identity.change_office(admin, "CO-SADAR-HTR", {"name_en": "Circle Office City, Hathras"})
    again = identity.change_office(admin, "CO-SADAR-HTR", {"name_en": "Circle Office I, Hathras"})

    after = identity.office_by_code(admin, "CO-SADAR-HTR")
    assert renamed["id"] == again["id"] == after["id"] == before["id"]
    assert after["path"] == before["path"] and after["name_en"] == "Circle Office I, Hathras"
    by_admin = {"user_id": admin["user_id"], "name": "State e-Office Team", "on_behalf_of": None}
    assert [(h["by"], h["changes"]) for h in after["history"]] == [
        (
            by_admin,
            {
                "name_en": [before["name_en"], "Circle Office City, Hathras"],
                "name_hi": [before["name_hi"], "क्षेत्राधिकारी कार्यालय नगर, हाथरस"],
            },
        ),
        # the same name again changed nothing and is not recorded
        (by_admin, {"name_en": ["Circle Office City, Hathras", "Circle Office I, Hathras"]}),
    ]
    assert all(h["at"] for h in after["history"])
    # the people and posts of the office are where they were
    co = office.actor("co.sadar.hathras")
    assert co["office_id"] == before["id"] and co["post_ids"] == (office.post_id("CO-SADAR-HTR"),)

    with pytest.raises(Forbidden):  # offices are the state team's; a nodal officer cannot
        identity.change_office(office.actor("asp.hathras"), "CO-SADAR-HTR", {"name_en": "X"})
    assert identity.office_by_code(admin, "CO-SADAR-HTR")["history"] == after["history"]


def test_moving_a_circle_to_another_district_moves_its_stations_and_posts_with_it(office):
    aligarh(office)
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    hathras = identity.office_by_code(admin, "SP-HTR")
    circle = identity.office_by_code(admin, "CO-SADAR-HTR")
    station = identity.office_by_code(admin, "PS-KOTWALI-HTR")
    co_post, sho_post = office.post_id("CO-SADAR-HTR"), office.post_id("SHO-KOTWALI-HTR")

    moved = identity.change_office(admin, "CO-SADAR-HTR", {"parent_code": "SP-ALG"})

    alg = identity.office_by_code(admin, "SP-ALG")
    assert moved["id"] == circle["id"] and moved["parent_id"] == alg["id"]
    assert moved["path"] == alg["path"] + [circle["id"]]
    assert identity.office_by_code(admin, "PS-KOTWALI-HTR")["path"] == alg["path"] + [
        circle["id"],
        station["id"],
    ]
    assert identity.post(admin, co_post)["office_path"] == alg["path"] + [circle["id"]]
    assert identity.post(admin, sho_post)["office_path"] == alg["path"] + [
        circle["id"],
        station["id"],
    ]
    assert [(h["by"]["name"], h["changes"]) for h in moved["history"]] == [
        ("State e-Office Team", {"parent_id": [hathras["id"], alg["id"]]})
    ]

    # Hathras can no longer mark to them; Aligarh can
    hathras_markable = [
        p["abbreviation"] for p in identity.markable_posts(office.actor("cru.hathras"))["items"]
    ]
    assert "CO-SADAR-HTR" not in hathras_markable and "SHO-KOTWALI-HTR" not in hathras_markable
    aligarh_markable = {
        p["abbreviation"] for p in identity.markable_posts(office.actor("sp.aligarh"))["items"]
    }
    assert aligarh_markable == {"SP-ALG", "CO-SADAR-HTR", "SHO-KOTWALI-HTR"}
    # and the nodal officer of Hathras has no say over them any more
    with pytest.raises(Forbidden):
        identity.create_post(office.actor("asp.hathras"), new_post("PS-KOTWALI-HTR", "HM-KTW"))
    staff = [u["username"] for u in identity.staff(office.actor("asp.hathras"))["items"]]
    assert "co.sadar.hathras" not in staff and "sho.kotwali.hathras" not in staff


def test_an_office_cannot_move_under_itself(office):
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    before = {
        code: identity.office_by_code(admin, code)
        for code in ("SP-HTR", "CO-SADAR-HTR", "PS-KOTWALI-HTR")
    }
    for parent in ("SP-HTR", "CO-SADAR-HTR", "PS-KOTWALI-HTR"):
        with pytest.raises(Refused) as refused:
            identity.change_office(admin, "SP-HTR", {"parent_code": parent})
        assert refused.value.code == "MOVE_UNDER_ITSELF", parent
    after = {code: identity.office_by_code(admin, code) for code in before}
    assert after == before


def test_when_an_office_went_live_is_kept_and_can_be_changed(office):
    admin = office.actor("admin.up")
    identity = office.rpc.identity
    assert identity.office_by_code(admin, "PS-KOTWALI-HTR")["live_since"] == "2025-04-01"
    not_yet = identity.create_office(
        admin, new_office("PS-HATHRAS-GATE", "police_station", "CO-SADAR-HTR")
    )
    assert not_yet["live_since"] is None

    identity.change_office(admin, "PS-HATHRAS-GATE", {"live_since": "2025-10-02"})
    identity.change_office(admin, "PS-KOTWALI-HTR", {"live_since": "2025-06-15"})

    gate = identity.office_by_code(admin, "PS-HATHRAS-GATE")
    kotwali = identity.office_by_code(admin, "PS-KOTWALI-HTR")
    assert gate["live_since"] == "2025-10-02" and kotwali["live_since"] == "2025-06-15"
    assert [h["changes"] for h in gate["history"]] == [{"live_since": [None, "2025-10-02"]}]
    assert [h["changes"] for h in kotwali["history"]] == [
        {"live_since": ["2025-04-01", "2025-06-15"]}
    ]


# --- transfer, additional charge, delegation -------------------------------------------------


def test_after_a_transfer_the_new_reader_finds_the_pending_receipt_and_the_old_one_does_not(office):
    reader_post = office.post_id("RDR-SP-HTR")
    receipt = diarise_to(office, "RDR-SP-HTR")
    assert inbox_numbers(office, office.actor("reader.hathras")) == [receipt["number"]]

    nodal = office.actor("asp.hathras")
    successor = office.rpc.identity.create_user(
        nodal,
        {
            **new_person("reader2.hathras", "SP-HTR"),
            "name_en": "Deepak Mishra",
            "name_hi": "दीपक मिश्र",
        },
    )
    assert successor["posts"] == []
    assigned = office.rpc.identity.assign_post(nodal, reader_post, {"user_id": successor["id"]})
    assert (assigned["holder_user_id"], assigned["holder_name"], assigned["charge"]) == (
        successor["id"],
        "Deepak Mishra",
        "regular",
    )

    new_reader = office.actor("reader2.hathras")
    assert new_reader["post_ids"] == (reader_post,)
    assert inbox_numbers(office, new_reader) == [receipt["number"]]
    opened = office.rpc.files.get_receipt(new_reader, receipt["id"])
    assert opened["number"] == receipt["number"] and opened["opened_at"]
    history = office.rpc.files.receipt_history(new_reader, receipt["id"])["items"]
    assert [(h["action"], h["actor"]["name"]) for h in history][-1] == ("opened", "Deepak Mishra")

    old_tokens = office.rpc.identity.login({"username": "reader.hathras", "password": PASSWORD})
    assert old_tokens["user"]["posts"] == []
    old_reader = office.actor("reader.hathras")
    assert old_reader["post_ids"] == ()
    assert office.rpc.files.inbox(old_reader)["items"] == []
    for call in (
        lambda: office.rpc.files.get_receipt(old_reader, receipt["id"]),
        lambda: office.rpc.files.receipt_history(old_reader, receipt["id"]),
        lambda: office.rpc.files.send_receipt(
            old_reader, receipt["id"], {"to_post_id": office.post_id("SP-HTR")}
        ),
    ):
        with pytest.raises(NotFound):
            call()
    # the new reader can move it on
    sent = office.rpc.files.send_receipt(
        new_reader, receipt["id"], {"to_post_id": office.post_id("SP-HTR")}
    )
    assert sent["holder_post_name"]["en"] == "Superintendent of Police, Hathras"


def test_a_transferred_reader_cannot_move_the_posts_work_with_a_token_from_before(office):
    """Access tokens live 15 minutes; a transfer must not leave the old holder 15 minutes in
    which to move the post's dak."""
    receipt = diarise_to(office, "RDR-SP-HTR")
    old_reader = office.actor("reader.hathras")  # logged in before the transfer
    nodal = office.actor("asp.hathras")
    successor = office.rpc.identity.create_user(nodal, new_person("reader2.hathras", "SP-HTR"))
    office.rpc.identity.assign_post(
        nodal, office.post_id("RDR-SP-HTR"), {"user_id": successor["id"]}
    )

    with pytest.raises((Conflict, NotFound, Forbidden, Unauthenticated)):
        office.rpc.files.send_receipt(
            old_reader, receipt["id"], {"to_post_id": office.post_id("SP-HTR")}
        )
    new_reader = office.actor("reader2.hathras")
    assert inbox_numbers(office, new_reader) == [receipt["number"]]


def test_an_additional_charge_puts_both_posts_work_in_one_inbox(office):
    nodal = office.actor("asp.hathras")
    vacant = office.rpc.identity.create_post(
        nodal, new_post("SP-HTR", "HC-ACCTS-SP-HTR", reports_to="ASP-HTR")
    )
    own_work = diarise_to(office, "HC-ESTT-SP-HTR", "वेतन निर्धारण")
    vacant_work = diarise_to(office, "HC-ACCTS-SP-HTR", "यात्रा भत्ता बिल")
    head_clerk = office.actor("hc.estt.hathras")
    assert inbox_numbers(office, head_clerk) == [own_work["number"]]

    given = office.rpc.identity.assign_post(
        nodal, vacant["id"], {"user_id": head_clerk["user_id"], "charge": "additional"}
    )
    assert (given["holder_user_id"], given["charge"]) == (head_clerk["user_id"], "additional")

    tokens = office.rpc.identity.login({"username": "hc.estt.hathras", "password": PASSWORD})
    assert sorted((p["abbreviation"], p["charge"]) for p in tokens["user"]["posts"]) == [
        ("HC-ACCTS-SP-HTR", "additional"),
        ("HC-ESTT-SP-HTR", "regular"),
    ]
    head_clerk = office.actor("hc.estt.hathras")
    assert set(head_clerk["post_ids"]) == {office.post_id("HC-ESTT-SP-HTR"), vacant["id"]}
    assert inbox_numbers(office, head_clerk) == sorted([own_work["number"], vacant_work["number"]])
    assert office.rpc.files.get_receipt(head_clerk, vacant_work["id"])["opened_at"]


def test_the_sp_delegates_to_the_asp_who_acts_on_his_behalf_until_it_ends(office):
    identity, files = office.rpc.identity, office.rpc.files
    sp, asp = office.actor("sp.hathras"), office.actor("asp.hathras")
    sp_post = office.post_id("SP-HTR")
    assert sp_post not in asp["post_ids"]
    first = diarise_to(office, "SP-HTR", "न्यायालय का सम्मन")

    delegation = identity.delegate_post(
        sp, sp_post, {"to_user_id": asp["user_id"], "ends": in_an_hour(), "reason": "अवकाश"}
    )
    assert delegation["live"] is True and delegation["delegate_user_id"] == asp["user_id"]
    assert delegation["holder_user_id"] == sp["user_id"]

    asp = office.actor("asp.hathras")
    assert sp_post in asp["post_ids"]
    sp_as_recorded = {"user_id": sp["user_id"], "name": "Rajesh Kumar Singh"}
    assert asp["on_behalf_of"] == {sp_post: sp_as_recorded}
    assert first["number"] in inbox_numbers(office, asp)

    files.send_receipt(
        asp, first["id"], {"to_post_id": office.post_id("RDR-SP-HTR"), "remark": "pl. put up"}
    )
    sent = files.receipt_history(asp, first["id"])["items"][-1]
    assert (sent["action"], sent["post_id"]) == ("sent", sp_post)
    assert sent["actor"] == {
        "user_id": asp["user_id"],
        "name": "Anita Verma",
        "on_behalf_of": sp_as_recorded,
    }
    assert first["number"] in inbox_numbers(office, office.actor("reader.hathras"))

    second = diarise_to(office, "SP-HTR", "मुख्यालय का पत्र")
    ended = identity.end_delegation(sp, delegation["id"])
    assert ended["live"] is False
    assert [d["live"] for d in identity.delegations(sp, sp_post)] == [False]

    asp = office.actor("asp.hathras")
    assert sp_post not in asp["post_ids"] and asp["on_behalf_of"] == {}
    assert second["number"] not in inbox_numbers(office, asp)
    # She still sees it (the CRU that diarised it reports up to her), but it is not hers to move.
    with pytest.raises(Conflict) as caught:
        files.send_receipt(asp, second["id"], {"to_post_id": office.post_id("RDR-SP-HTR")})
    assert caught.value.code == "RECEIPT_NOT_WITH_YOU"
    assert inbox_numbers(office, office.actor("sp.hathras")) == [second["number"]]


def test_delegations_that_cannot_be_are_refused_each_with_its_reason(office):
    identity = office.rpc.identity
    sp, asp = office.actor("sp.hathras"), office.actor("asp.hathras")
    sp_post = office.post_id("SP-HTR")
    vacant = identity.create_post(asp, new_post("SP-HTR", "PRO-SP-HTR"))
    now = utcnow()
    attempts = {
        "ends in the past": (sp, sp_post, {"ends": iso(now - timedelta(hours=1))}),
        "ends before it starts": (
            sp,
            sp_post,
            {"starts": iso(now + timedelta(days=3)), "ends": iso(now + timedelta(days=2))},
        ),
        "longer than 180 days": (sp, sp_post, {"ends": iso(now + timedelta(days=181))}),
        "to the holder himself": (sp, sp_post, {"to_user_id": sp["user_id"], "ends": in_an_hour()}),
        "of a vacant post": (asp, vacant["id"], {"ends": in_an_hour()}),
        "ends without a timezone": (sp, sp_post, {"ends": "2030-01-01T10:00:00"}),
        "to nobody": (sp, sp_post, {"to_user_id": "no-such-person", "ends": in_an_hour()}),
    }
    outcomes = {
        what: outcome(
            lambda a=a, p=p, r=r: identity.delegate_post(a, p, {"to_user_id": asp["user_id"], **r})
        )
        for what, (a, p, r) in attempts.items()
    }
    assert outcomes == {
        "ends in the past": "Refused DELEGATION_PERIOD_INVALID",
        "ends before it starts": "Refused DELEGATION_PERIOD_INVALID",
        "longer than 180 days": "Refused DELEGATION_TOO_LONG",
        "to the holder himself": "Refused DELEGATE_IS_HOLDER",
        "of a vacant post": "Refused POST_VACANT",
        "ends without a timezone": "InvalidInput INVALID_FIELDS",
        "to nobody": "NotFound USER_NOT_FOUND",
    }
    assert identity.delegations(sp, sp_post) == []
    assert identity.delegations(asp, vacant["id"]) == []
    assert sp_post not in office.actor("asp.hathras")["post_ids"]

    # 180 days is the limit, and it is allowed
    longest = identity.delegate_post(
        sp, sp_post, {"to_user_id": asp["user_id"], "ends": iso(now + timedelta(days=180))}
    )
    assert longest["live"] is True


def test_a_delegation_whose_period_is_over_gives_no_power_even_in_a_token_issued_before():
    """The token carries each delegation's period; the gateway keeps only those live now."""
    now = utcnow()

    def delegated(post_id, starts, until):
        return {
            "post_id": post_id,
            "starts": iso(now + starts),
            "until": iso(now + until),
            "for_user_id": f"holder-of-{post_id}",
            "for_name": f"Holder of {post_id}",
        }

    hour = timedelta(hours=1)
    claims = {
        "sub": "u-asp",
        "name": "Anita Verma",
        "grants": [{"role": "officer", "scope": "o-htr"}],
        "posts": ["p-asp"],
        "delegated": [
            delegated("p-over", -2 * hour, -hour),
            delegated("p-live", -hour, hour),
            delegated("p-later", hour, 2 * hour),
        ],
        "office": "o-htr",
        "office_path": ["o-up", "o-htr"],
    }
    actor = actor_from_claims(claims, "en")  # now
    assert actor.post_ids == ("p-asp", "p-live")
    assert set(actor.on_behalf_of) == {"p-live"}
    assert actor.audit("p-live")["on_behalf_of"] == {
        "user_id": "holder-of-p-live",
        "name": "Holder of p-live",
    }

    # the same token an hour and a half later: the live one has ended, the later one begun
    later = actor_from_claims(claims, "en", iso(now + 1.5 * hour))
    assert later.post_ids == ("p-asp", "p-later") and set(later.on_behalf_of) == {"p-later"}
    # the end is exclusive
    at_end = actor_from_claims(claims, "en", iso(now + hour))
    assert "p-live" not in at_end.post_ids
