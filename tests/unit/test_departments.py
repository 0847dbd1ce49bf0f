"""Every department of a district: its levels, designations (with the short forms offices write
in their sheets) and file heads as data; a role granted over several departments' offices."""

import pytest

from common.actor import Actor, Grant
from common.errors import Forbidden
from services.identity.domain import authority, departments, sheets
from services.identity.domain.designations import Designations, designation_key
from services.identity.domain.sheets import SheetRules
from services.identity.schemas import DepartmentKind
from tests.support.sheets import person

POLICE = departments.designations_of(departments.department_fields("police", []), ())
REVENUE = departments.designations_of(departments.department_fields("revenue", []), ())
MUNICIPAL = departments.designations_of(departments.department_fields("municipal", []), ())
DEVELOPMENT = departments.designations_of(departments.department_fields("development", []), ())


def read(table: Designations, written: str) -> tuple[str, bool] | None:
    found = table.read(written)
    return (found.name, found.short_form) if found else None


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("Dy. SP", "Deputy Superintendent of Police"),
        ("DY.SP", "Deputy Superintendent of Police"),
        ("dy sp", "Deputy Superintendent of Police"),
        ("Addl. SP", "Additional Superintendent of Police"),
        ("SI", "Sub-Inspector"),
        ("S.I.", "Sub-Inspector"),
        ("ASI", "Assistant Sub-Inspector"),
        ("HC", "Head Constable"),
        ("H.C.", "Head Constable"),
        ("Const.", "Constable"),
        ("CO", "Circle Officer"),
        ("SHO", "Station House Officer"),
        ("मुख्य आरक्षी", "Head Constable"),
        ("Sr. Clerk", "Senior Clerk"),
    ],
)
def test_the_police_short_forms_are_read_as_full_names(written, full):
    assert read(POLICE, written) == (full, True)


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("DM", "District Magistrate"),
        ("ADM", "Additional District Magistrate"),
        ("ADM (Admin)", "Additional District Magistrate (Administration)"),
        ("adm(f/r)", "Additional District Magistrate (Finance and Revenue)"),
        ("SDM", "Sub-Divisional Magistrate"),
        ("Tahsildar", "Tehsildar"),
        ("तहसीलदार", "Tehsildar"),
        ("Naib Tahsildar", "Naib Tehsildar"),
        ("Patwari", "Lekhpal"),
        ("HC", "Head Clerk"),  # no head constables in a Collectorate
    ],
)
def test_the_revenue_short_forms_are_read_as_full_names(written, full):
    assert read(REVENUE, written) == (full, True)


def test_full_names_in_any_case_are_not_short_forms():
    assert read(REVENUE, "tehsildar") == ("Tehsildar", False)
    assert read(REVENUE, "Lekhpal") == ("Lekhpal", False)
    assert read(POLICE, "sub inspector") == ("Sub-Inspector", False)
    assert "Tehsildar" in REVENUE and "Tahsildar" not in REVENUE


def test_a_short_form_means_what_it_means_in_the_department():
    assert read(POLICE, "SI") == ("Sub-Inspector", True)
    assert read(MUNICIPAL, "SI") == ("Sanitary Inspector", True)
    assert read(DEVELOPMENT, "CDO") == ("Chief Development Officer", True)
    assert read(DEVELOPMENT, "BDO") == ("Block Development Officer", True)
    assert read(REVENUE, "Dy. SP") is None and read(POLICE, "Tehsildar") is None


def test_a_short_form_meaning_two_names_or_a_name_not_listed_is_ignored():
    table = Designations(
        ("Sanitary Inspector", "Sub-Inspector"),
        (("SI", "Sanitary Inspector"), ("SI", "Sub-Inspector"), ("JE", "Junior Engineer")),
    )
    assert table.read("SI") is None and table.read("JE") is None
    assert read(table, "sub inspector") == ("Sub-Inspector", False)


def test_matching_forgives_case_dots_brackets_and_spaces_but_keeps_hindi_vowel_signs():
    assert designation_key(" Dy. S.P. ") == designation_key("DYSP") == "dysp"
    assert designation_key("आरक्षी") != designation_key("आरक्ष")


def test_each_kind_brings_its_levels_designations_and_file_heads():
    assert set(departments.KINDS) == set(DepartmentKind.__args__)
    revenue = departments.department_fields("revenue", [])
    assert revenue["levels"] == ["division", "district", "tehsil", "kanungo_circle", "section"]
    assert revenue["kind"] == "revenue"
    assert {"Tehsildar", "Naib Tehsildar", "Lekhpal", "District Magistrate"} <= set(
        revenue["designations"]
    )
    assert all("." not in key for head in revenue["file_heads"] for key in head)
    assert {"basic": "R", "primary": 15, "secondary": 1, "section": "LR"}.items() <= revenue[
        "file_heads"
    ][2].items()
    assert departments.department_fields("municipal", [])["levels"] == [
        "district",
        "zone",
        "ward",
        "section",
    ]
    # the admin's own levels win over the kind's
    assert departments.department_fields("police", ["district", "circle"])["levels"] == [
        "district",
        "circle",
    ]


def test_every_kind_lists_each_designation_once_and_every_short_form_names_one_of_them():
    for kind in departments.KINDS.values():
        keys = [designation_key(n) for n in kind.designations]
        assert len(keys) == len(set(keys)), kind.name
        listed = set(keys)
        assert all(designation_key(full) in listed for _, full in kind.short_forms), kind.name


def test_the_deployment_list_keeps_the_police_short_forms():
    table = departments.designations_of(None, sheets.DESIGNATIONS)
    assert read(table, "Dy. SP") == ("Deputy Superintendent of Police", True)
    assert read(table, "SI") == ("Sub-Inspector", True)
    assert read(table, "HC") == ("Head Constable", True)
    custom = departments.designations_of(None, ("Sanitary Inspector", "Clerk"))
    assert read(custom, "SI") == ("Sanitary Inspector", True)


# --- the sheet ---------------------------------------------------------------------------------

RULES = SheetRules(
    email_domains=frozenset({"up.gov.in"}),
    designations=sheets.DESIGNATIONS,
    roles=frozenset({"dealing_hand", "officer"}),
    departments={"SP-HTR": POLICE, "DM-HTR": REVENUE, "TEHSIL-SADAR-HTR": REVENUE},
)


def test_a_row_is_checked_against_its_offices_department_and_notes_the_full_name():
    tehsildar = sheets.validate_row(
        {"row": 2, **person(1, designation="Naib Tahsildar", office_code="tehsil-sadar-htr")},
        RULES,
    )
    assert tehsildar.ok and tehsildar.values["designation"] == "Naib Tehsildar"
    assert tehsildar.notes == (
        {
            "field": "designation",
            "code": "DESIGNATION_EXPANDED",
            "details": {"written": "Naib Tahsildar", "read_as": "Naib Tehsildar"},
        },
    )
    police = sheets.validate_row({"row": 3, **person(2, designation="Dy. SP")}, RULES)
    assert police.values["designation"] == "Deputy Superintendent of Police"
    in_full = sheets.validate_row({"row": 4, **person(3, designation="constable")}, RULES)
    assert in_full.ok and in_full.notes == ()


def test_a_police_rank_in_a_revenue_office_is_refused():
    row = sheets.validate_row(
        {"row": 2, **person(1, designation="Dy. SP", office_code="DM-HTR")}, RULES
    )
    assert [r["code"] for r in row.reasons] == ["DESIGNATION_UNKNOWN"] and row.notes == ()


def test_the_plan_carries_each_rows_notes_beside_its_reasons():
    checks = [
        sheets.validate_row({"row": 2, **person(1, designation="Const.")}, RULES),
        sheets.validate_row({"row": 3, **person(2, designation="HC", mobile="1")}, RULES),
    ]
    planned = [p.as_dict() for p in sheets.plan(checks, {})]
    assert [p["action"] for p in planned] == ["create", "reject"]
    assert [[n["details"]["read_as"] for n in p["notes"]] for p in planned] == [
        ["Constable"],
        ["Head Constable"],
    ]
    assert set(planned[0]) == {
        "row",
        "employee_code",
        "action",
        "values",
        "changes",
        "reasons",
        "notes",
    }
    # read again, the stored full name is unchanged by the short form it was written as
    again = sheets.plan(checks[:1], {"UPP000001": dict(checks[0].values)})
    assert again[0].action == "unchanged" and again[0].notes == checks[0].notes


# --- a role over several offices ------------------------------------------------------------

DM_HTR = {"_id": "dm-htr", "path": ["up", "rev", "div", "dm-htr"]}
SP_HTR = {"_id": "sp-htr", "path": ["up", "pol", "zone", "range", "sp-htr"]}
DEV_HTR = {"_id": "cdo-htr", "path": ["up", "dev", "div", "cdo-htr"]}
SP_ALG = {"_id": "sp-alg", "path": ["up", "pol", "zone", "range", "sp-alg"]}


def test_a_role_over_several_offices_is_one_grant_over_each():
    grants = authority.grants_for(
        ["officer", "nodal_officer"],
        DEV_HTR,
        "cdo-htr",
        {"nodal_officer": [DEV_HTR, SP_HTR, SP_HTR]},
    )
    assert grants == [
        {"role": "officer", "scope": "cdo-htr"},
        {"role": "nodal_officer", "scope": "cdo-htr"},
        {"role": "nodal_officer", "scope": "sp-htr"},
    ]
    assert authority.grants_for(["nodal_officer"], DEV_HTR, "cdo-htr", {"nodal_officer": []}) == [
        {"role": "nodal_officer", "scope": "cdo-htr"}
    ]


def test_a_nodal_officer_of_several_departments_sets_up_each_and_nothing_beyond():
    cdo = Actor(
        user_id="cdo",
        name="CDO Hathras",
        grants=tuple(
            Grant(**g)
            for g in authority.grants_for(
                ["nodal_officer"], DEV_HTR, "cdo-htr", {"nodal_officer": [DEV_HTR, SP_HTR]}
            )
        ),
    )
    for office in (DEV_HTR, SP_HTR):
        authority.require_setup(cdo, office["path"])
        authority.require_setup(cdo, [*office["path"], "a-branch-below"])
    for elsewhere in (SP_ALG, DM_HTR, {"path": ["up", "pol"]}):
        with pytest.raises(Forbidden):
            authority.require_setup(cdo, elsewhere["path"])
