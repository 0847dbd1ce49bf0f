"""What each kind of department of a district brings when the admin creates it: its levels
below the department, its designations (and the short forms its offices write) and the heads
of its filing scheme. Defaults as data: the department's record keeps its own copy, so a state
can change its lists without a release."""

from dataclasses import dataclass
from typing import Any

from services.identity.domain.designations import Designations, designation_key


@dataclass(frozen=True)
class FileHead:
    """A head of the functional filing scheme (``A-11011`` ... ``-ESTT``), as the files
    service's ``add_head`` takes it."""

    basic: str
    primary: int
    secondary: int
    section: str
    description: str


@dataclass(frozen=True)
class Kind:
    """A kind of department: police, revenue, development, municipal."""

    name: str
    levels: tuple[str, ...]
    designations: tuple[str, ...]
    short_forms: tuple[tuple[str, str], ...]
    file_heads: tuple[FileHead, ...]


# The office staff every department has.
OFFICE_STAFF = (
    "Office Superintendent",
    "Head Clerk",
    "Senior Clerk",
    "Junior Clerk",
    "Senior Assistant",
    "Junior Assistant",
    "Stenographer",
    "Computer Operator",
    "Data Entry Operator",
    "Accountant",
    "Class IV Employee",
)
OFFICE_STAFF_SHORT = (
    ("OS", "Office Superintendent"),
    ("HC", "Head Clerk"),  # where no head constable can be meant: not in the police list
    ("Sr. Clerk", "Senior Clerk"),
    ("Jr. Clerk", "Junior Clerk"),
    ("Sr. Asstt.", "Senior Assistant"),
    ("Sr. Asst.", "Senior Assistant"),
    ("Jr. Asstt.", "Junior Assistant"),
    ("Jr. Asst.", "Junior Assistant"),
    ("Steno", "Stenographer"),
    ("DEO", "Data Entry Operator"),
    ("Comp. Operator", "Computer Operator"),
    ("Acctt.", "Accountant"),
    ("Accounts Clerk", "Accountant"),
    ("Peon", "Class IV Employee"),
    ("Class IV", "Class IV Employee"),
    ("Chaprasi", "Class IV Employee"),
)
ESTABLISHMENT = FileHead("A", 11, 11, "ESTT", "Establishment: postings, transfers, service records")
ACCOUNTS = FileHead("B", 12, 1, "ACCTS", "Accounts: budget, salaries, bills")

POLICE = Kind(
    name="police",
    levels=("zone", "range", "district", "circle", "police_station", "branch"),
    designations=(
        "Director General of Police",
        "Additional Director General of Police",
        "Inspector General of Police",
        "Deputy Inspector General of Police",
        "Senior Superintendent of Police",
        "Superintendent of Police",
        "Additional Superintendent of Police",
        "Deputy Superintendent of Police",
        "Circle Officer",
        "Station House Officer",
        "Inspector",
        "Sub-Inspector",
        "Assistant Sub-Inspector",
        "Head Constable",
        "Constable",
        *OFFICE_STAFF,
    ),
    short_forms=(
        ("DGP", "Director General of Police"),
        ("ADG", "Additional Director General of Police"),
        ("ADGP", "Additional Director General of Police"),
        ("IG", "Inspector General of Police"),
        ("IGP", "Inspector General of Police"),
        ("DIG", "Deputy Inspector General of Police"),
        ("SSP", "Senior Superintendent of Police"),
        ("SP", "Superintendent of Police"),
        ("Addl. SP", "Additional Superintendent of Police"),
        ("ASP", "Additional Superintendent of Police"),
        ("Dy. SP", "Deputy Superintendent of Police"),
        ("DSP", "Deputy Superintendent of Police"),
        ("CO", "Circle Officer"),
        ("SHO", "Station House Officer"),
        ("Insp.", "Inspector"),
        ("Inspr.", "Inspector"),
        ("SI", "Sub-Inspector"),
        ("S.I.", "Sub-Inspector"),
        ("उपनिरीक्षक", "Sub-Inspector"),
        ("ASI", "Assistant Sub-Inspector"),
        ("HC", "Head Constable"),
        ("HCP", "Head Constable"),
        ("मुख्य आरक्षी", "Head Constable"),
        ("Const.", "Constable"),
        ("Ct.", "Constable"),
        ("आरक्षी", "Constable"),
        *[s for s in OFFICE_STAFF_SHORT if s[0] != "HC"],
    ),
    file_heads=(
        ESTABLISHMENT,
        ACCOUNTS,
        FileHead("C", 13, 1, "CRIME", "Crime: cases, investigation, prosecution"),
        FileHead("L", 14, 1, "LO", "Law and order: arrangements, reports"),
    ),
)

REVENUE = Kind(
    name="revenue",
    levels=("division", "district", "tehsil", "kanungo_circle", "section"),
    designations=(
        "Divisional Commissioner",
        "Additional Commissioner",
        "District Magistrate",
        "Additional District Magistrate",
        "Additional District Magistrate (Administration)",
        "Additional District Magistrate (Finance and Revenue)",
        "City Magistrate",
        "Sub-Divisional Magistrate",
        "Tehsildar",
        "Naib Tehsildar",
        "Registrar Kanungo",
        "Revenue Inspector",
        "Lekhpal",
        "Nazir",
        "Amin",
        *OFFICE_STAFF,
    ),
    short_forms=(
        ("Commissioner", "Divisional Commissioner"),
        ("Addl. Commissioner", "Additional Commissioner"),
        ("DM", "District Magistrate"),
        ("Collector", "District Magistrate"),
        ("जिलाधिकारी", "District Magistrate"),
        ("ADM", "Additional District Magistrate"),
        ("Addl. DM", "Additional District Magistrate"),
        ("ADM (Admin)", "Additional District Magistrate (Administration)"),
        ("ADM (Administration)", "Additional District Magistrate (Administration)"),
        ("ADM (E)", "Additional District Magistrate (Administration)"),
        ("ADM (F/R)", "Additional District Magistrate (Finance and Revenue)"),
        ("ADM (F&R)", "Additional District Magistrate (Finance and Revenue)"),
        ("City Mag.", "City Magistrate"),
        ("SDM", "Sub-Divisional Magistrate"),
        ("उपजिलाधिकारी", "Sub-Divisional Magistrate"),
        ("Tahsildar", "Tehsildar"),
        ("तहसीलदार", "Tehsildar"),
        ("Naib Tahsildar", "Naib Tehsildar"),
        ("NT", "Naib Tehsildar"),
        ("नायब तहसीलदार", "Naib Tehsildar"),
        ("RK", "Registrar Kanungo"),
        ("Kanungo", "Revenue Inspector"),
        ("RI", "Revenue Inspector"),
        ("Patwari", "Lekhpal"),
        ("लेखपाल", "Lekhpal"),
        *OFFICE_STAFF_SHORT,
    ),
    file_heads=(
        ESTABLISHMENT,
        ACCOUNTS,
        FileHead("R", 15, 1, "LR", "Land records: mutation, partition, khatauni"),
        FileHead("R", 15, 2, "REVCT", "Revenue courts: suits and appeals"),
        FileHead("G", 16, 1, "GEN", "General administration: certificates, complaints"),
    ),
)

DEVELOPMENT = Kind(
    name="development",
    levels=("division", "district", "block", "section"),
    designations=(
        "Chief Development Officer",
        "District Development Officer",
        "Project Director",
        "District Panchayat Raj Officer",
        "District Programme Officer",
        "Block Development Officer",
        "Assistant Development Officer",
        "Village Development Officer",
        "Gram Panchayat Officer",
        *OFFICE_STAFF,
    ),
    short_forms=(
        ("CDO", "Chief Development Officer"),
        ("DDO", "District Development Officer"),
        ("PD", "Project Director"),
        ("PD DRDA", "Project Director"),
        ("DPRO", "District Panchayat Raj Officer"),
        ("DPO", "District Programme Officer"),
        ("BDO", "Block Development Officer"),
        ("ADO", "Assistant Development Officer"),
        ("VDO", "Village Development Officer"),
        ("Gram Sachiv", "Village Development Officer"),
        ("GPO", "Gram Panchayat Officer"),
        *OFFICE_STAFF_SHORT,
    ),
    file_heads=(
        ESTABLISHMENT,
        ACCOUNTS,
        FileHead("D", 17, 1, "SCHEMES", "Schemes: sanctions, progress, inspections"),
    ),
)

MUNICIPAL = Kind(
    name="municipal",
    # The corporation is its district's office of the department: marking stays in the district.
    levels=("district", "zone", "ward", "section"),
    designations=(
        "Municipal Commissioner",
        "Additional Municipal Commissioner",
        "Zonal Officer",
        "Chief Tax Assessment Officer",
        "Tax Superintendent",
        "Tax Inspector",
        "Executive Engineer",
        "Assistant Engineer",
        "Junior Engineer",
        "Chief Sanitary Inspector",
        "Sanitary Inspector",
        *OFFICE_STAFF,
    ),
    short_forms=(
        ("MC", "Municipal Commissioner"),
        ("Nagar Ayukt", "Municipal Commissioner"),
        ("AMC", "Additional Municipal Commissioner"),
        ("Addl. MC", "Additional Municipal Commissioner"),
        ("ZO", "Zonal Officer"),
        ("CTAO", "Chief Tax Assessment Officer"),
        ("TS", "Tax Superintendent"),
        ("TI", "Tax Inspector"),
        ("XEN", "Executive Engineer"),
        ("EE", "Executive Engineer"),
        ("AE", "Assistant Engineer"),
        ("JE", "Junior Engineer"),
        ("CSI", "Chief Sanitary Inspector"),
        ("SI", "Sanitary Inspector"),  # a sub-inspector only in the police
        *OFFICE_STAFF_SHORT,
    ),
    file_heads=(
        ESTABLISHMENT,
        ACCOUNTS,
        FileHead("T", 18, 1, "TAX", "House tax and water tax: assessment, objections"),
        FileHead("E", 19, 1, "ENGG", "Works: estimates, tenders, measurement books"),
        FileHead("S", 20, 1, "HEALTH", "Sanitation and public health"),
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in (POLICE, REVENUE, DEVELOPMENT, MUNICIPAL)}


def department_fields(kind_name: str, levels: list[str]) -> dict[str, Any]:
    """What a new department's record keeps of its kind: its levels (the admin's, when given),
    designations, short forms (as pairs: a dot cannot be part of a stored key) and file heads."""
    chosen = KINDS[kind_name]
    return {
        "kind": chosen.name,
        "levels": levels or list(chosen.levels),
        "designations": list(chosen.designations),
        "short_forms": [list(pair) for pair in chosen.short_forms],
        "file_heads": [vars(head) for head in chosen.file_heads],
    }


def designations_of(department: dict[str, Any] | None, fallback: tuple[str, ...]) -> Designations:
    """The designations a department's sheets may use: its own list, or (a department created
    before departments had lists) the deployment's list with every short form that fits it."""
    if department and department.get("designations"):
        pairs = department.get("short_forms") or []
        return Designations(tuple(department["designations"]), tuple((w, n) for w, n in pairs))
    return fallback_designations(fallback)


def fallback_designations(names: tuple[str, ...]) -> Designations:
    """A list with no department behind it: the short forms of every kind that fit it, the
    police's first (so "SI" is a sub-inspector here unless the list has no sub-inspector)."""
    fitting = {designation_key(n) for n in names}
    chosen: dict[str, tuple[str, str]] = {}
    for pair in (p for k in KINDS.values() for p in k.short_forms):
        if designation_key(pair[1]) in fitting:
            chosen.setdefault(designation_key(pair[0]), pair)
    return Designations(names, tuple(chosen.values()))
