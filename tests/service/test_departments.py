"""Every department of a district goes live beside the police: the Collectorate's ADM onboards
revenue staff from a sheet written the way offices write it ("Naib Tahsildar", "Sr. Asstt."),
departments bring their levels and designations by kind, and the CDO as nodal officer of
several departments of Hathras onboards in each of them and nowhere else."""

import base64

import pytest

from common.errors import InvalidInput, Refused
from tests.service.conftest import PASSWORD, Office
from tests.support.sheets import csv_sheet, person
from tools.demo_district import seed


@pytest.fixture
def identity_office(config, container_factory):
    """Only identity: nothing here needs the other services."""
    running = Office(config, container_factory).start("identity")
    seed(running.rpc.identity, PASSWORD, running.seeder)
    yield running
    running.stop()


def upload(rows: list[dict]) -> dict:
    return {"filename": "staff.csv", "content_b64": base64.b64encode(csv_sheet(rows)).decode()}


def office_of(code: str, level: str, parent: str, **extra) -> dict:
    return {
        "code": code,
        "name_en": f"Office {code}",
        "name_hi": f"कार्यालय {code}",
        "level": level,
        "parent_code": parent,
        **extra,
    }


def revenue(n: int, designation: str, office_code: str = "DM-HTR", **extra) -> dict:
    return person(
        n, employee_code=f"REV{n:05d}", designation=designation, office_code=office_code, **extra
    )


def test_the_adm_onboards_revenue_staff_from_a_sheet_with_short_designations(identity_office):
    identity = identity_office.rpc.identity
    adm = identity_office.actor("adm.hathras")
    rows = [
        revenue(1, "Naib Tahsildar", "TEHSIL-SADAR-HTR"),
        revenue(2, "Lekhpal", "TEHSIL-SADAR-HTR"),
        revenue(3, "Sr. Asstt."),
        revenue(4, "ADM (F/R)"),
        revenue(5, "Dy. SP"),  # a police rank has no place in the Collectorate
        revenue(6, "Senior Assistant", "SP-HTR"),  # nor the police office in the ADM's sheet
    ]
    report = identity.onboarding_dry_run(adm, upload(rows))
    assert report["summary"] == {"create": 4, "update": 0, "unchanged": 0, "reject": 2}
    by_code = {r["employee_code"]: r for r in report["rows"]}
    read_as = {
        code: [(n["details"]["written"], n["details"]["read_as"]) for n in r["notes"]]
        for code, r in by_code.items()
    }
    assert read_as == {
        "REV00001": [("Naib Tahsildar", "Naib Tehsildar")],
        "REV00002": [],
        "REV00003": [("Sr. Asstt.", "Senior Assistant")],
        "REV00004": [("ADM (F/R)", "Additional District Magistrate (Finance and Revenue)")],
        "REV00005": [],
        "REV00006": [],
    }
    assert [x["code"] for x in by_code["REV00005"]["reasons"]] == ["DESIGNATION_UNKNOWN"]
    assert [x["code"] for x in by_code["REV00006"]["reasons"]] == ["OFFICE_UNKNOWN"]

    applied = identity.onboarding_apply(adm, report["id"])
    assert applied["summary"]["create"] == 4
    assert [n["code"] for n in applied["rows"][0]["notes"]] == ["DESIGNATION_EXPANDED"]
    again = identity.onboarding_dry_run(adm, upload(rows[:4]))
    # stored in full: the short forms read the same again, so nothing changes
    assert again["summary"] == {"create": 0, "update": 0, "unchanged": 4, "reject": 0}
    assert again["rows"][0]["values"]["designation"] == "Naib Tehsildar"


def test_a_department_of_a_kind_brings_its_levels_designations_and_file_heads(identity_office):
    identity = identity_office.rpc.identity
    admin = identity_office.actor("admin.up")
    collectorate = identity.office_by_code(admin, "DM-HTR")
    revenue_department = identity.office_by_code(admin, "UP-REV")
    assert revenue_department["kind"] == "revenue" and collectorate["kind"] is None
    assert revenue_department["levels"][:3] == ["division", "district", "tehsil"]
    assert "LR" in {h["section"] for h in revenue_department["file_heads"]}

    municipal = identity.create_office(
        admin, office_of("UP-NAGAR", "department", "UP", kind="municipal")
    )
    assert municipal["levels"] == ["district", "zone", "ward", "section"]
    for code, level, parent in [
        ("NN-ALG", "district", "UP-NAGAR"),
        ("NN-ALG-ZONE-1", "zone", "NN-ALG"),
        ("NN-ALG-WARD-12", "ward", "NN-ALG-ZONE-1"),
    ]:
        assert identity.create_office(admin, office_of(code, level, parent))["level"] == level

    with pytest.raises(InvalidInput) as unknown_kind:
        identity.create_office(admin, office_of("UP-X", "department", "UP", kind="railways"))
    assert unknown_kind.value.code == "INVALID_FIELDS"
    with pytest.raises(Refused) as not_a_department:
        identity.create_office(admin, office_of("DM-X", "district", "ALIGARH-DIV", kind="revenue"))
    assert not_a_department.value.code == "KIND_ONLY_FOR_A_DEPARTMENT"


def test_a_nodal_officer_of_several_departments_onboards_in_each_and_not_in_aligarh(
    identity_office,
):
    identity = identity_office.rpc.identity
    admin = identity_office.actor("admin.up")
    identity.create_office(admin, office_of("UP-DEV", "department", "UP", kind="development"))
    identity.create_office(admin, office_of("ALIGARH-DIV-DEV", "division", "UP-DEV"))
    identity.create_office(admin, office_of("CDO-HTR", "district", "ALIGARH-DIV-DEV"))
    identity.create_office(admin, office_of("SP-ALG", "district", "ALIGARH-RANGE"))
    cdo = identity.create_user(
        admin,
        {
            "username": "cdo.hathras",
            "name_en": "Kavita Mishra",
            "name_hi": "कविता मिश्रा",
            "password": PASSWORD,
            "roles": ["officer", "nodal_officer"],
            "office_code": "CDO-HTR",
            "role_scopes": {"nodal_officer": ["CDO-HTR", "SP-HTR"]},
        },
    )
    offices = {c: identity.office_by_code(admin, c)["id"] for c in ("CDO-HTR", "SP-HTR")}
    assert [g["scope"] for g in cdo["grants"] if g["role"] == "nodal_officer"] == [
        offices["CDO-HTR"],
        offices["SP-HTR"],
    ]
    nodal = identity_office.actor("cdo.hathras")
    rows = [
        revenue(1, "BDO", "CDO-HTR"),
        revenue(2, "HC", "SP-HTR"),
        revenue(3, "SI", "SP-ALG"),
        revenue(4, "Sr. Asstt.", "DM-HTR"),  # revenue is the ADM's, not the CDO's
    ]
    report = identity.onboarding_dry_run(nodal, upload(rows))
    outcome = {
        r["employee_code"]: (
            r["action"],
            [x["code"] for x in r["reasons"]],
            r["values"].get("designation"),
        )
        for r in report["rows"]
    }
    assert outcome == {
        "REV00001": ("create", [], "Block Development Officer"),
        "REV00002": ("create", [], "Head Constable"),
        "REV00003": ("reject", ["OFFICE_UNKNOWN"], None),
        "REV00004": ("reject", ["OFFICE_UNKNOWN"], None),
    }
    assert identity.onboarding_apply(nodal, report["id"])["summary"]["create"] == 2
    staff = {u["name_en"] for u in identity.staff(nodal, "SP-HTR")["items"]}
    assert "Rajesh Kumar Singh" in staff  # the SP's office is the CDO's to set up, too
