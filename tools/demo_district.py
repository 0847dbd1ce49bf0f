"""The demo district, Hathras: what `make run` seeds once so a person can try the office.
Two departments work there, so HQ's figures compare them: the police (the SP's office, with a
constable under the Reader who applies for leave, a circle and a police station) and revenue
(the Collectorate and Tehsil Sadar)."""

from typing import Any

from common.errors import Conflict

# Each department's kind brings its levels, designations and heads for file numbers.
KINDS = {"UP-POLICE": "police", "UP-REV": "revenue"}
VPN_POOLS = {"SP-HTR": "10.61.0.0/22", "DM-HTR": "10.61.4.0/22"}
# Revenue went paperless half a year after the police (offices go live in phases).
LIVE_SINCE = dict.fromkeys(["UP-REV", "ALIGARH-DIV", "DM-HTR", "TEHSIL-SADAR-HTR"], "2025-10-01")

# fmt: off
# (code, English name, Hindi name, level, parent code)
OFFICES = [
    ("UP", "Uttar Pradesh", "उत्तर प्रदेश", "state", None),
    ("UP-POLICE", "Uttar Pradesh Police", "उत्तर प्रदेश पुलिस", "department", "UP"),
    ("AGRA-ZONE", "Agra Zone", "आगरा ज़ोन", "zone", "UP-POLICE"),
    ("ALIGARH-RANGE", "Aligarh Range", "अलीगढ़ परिक्षेत्र", "range", "AGRA-ZONE"),
    ("SP-HTR", "Office of the Superintendent of Police, Hathras", "पुलिस अधीक्षक कार्यालय, हाथरस", "district", "ALIGARH-RANGE"),
    ("CO-SADAR-HTR", "Circle Office Sadar, Hathras", "क्षेत्राधिकारी कार्यालय सदर, हाथरस", "circle", "SP-HTR"),
    ("PS-KOTWALI-HTR", "Police Station Kotwali Nagar, Hathras", "थाना कोतवाली नगर, हाथरस", "police_station", "CO-SADAR-HTR"),
    ("UP-REV", "Revenue Department, Uttar Pradesh", "राजस्व विभाग, उत्तर प्रदेश", "department", "UP"),
    ("ALIGARH-DIV", "Aligarh Division", "अलीगढ़ मण्डल", "division", "UP-REV"),
    ("DM-HTR", "Collectorate Hathras", "कलेक्ट्रेट हाथरस", "district", "ALIGARH-DIV"),
    ("TEHSIL-SADAR-HTR", "Tehsil Sadar, Hathras", "तहसील सदर, हाथरस", "tehsil", "DM-HTR"),
]

# (abbreviation, office code, English name, Hindi name, reports to)
POSTS = [
    ("SP-HTR", "SP-HTR", "Superintendent of Police, Hathras", "पुलिस अधीक्षक, हाथरस", None),
    ("ASP-HTR", "SP-HTR", "Additional Superintendent of Police, Hathras", "अपर पुलिस अधीक्षक, हाथरस", "SP-HTR"),
    ("RDR-SP-HTR", "SP-HTR", "Reader to SP, Hathras", "वाचक पुलिस अधीक्षक, हाथरस", "SP-HTR"),
    ("HC-ESTT-SP-HTR", "SP-HTR", "Head Clerk, Establishment, SP Office Hathras", "प्रधान लिपिक, अधिष्ठान, पुलिस अधीक्षक कार्यालय हाथरस", "ASP-HTR"),
    ("CT-SP-HTR", "SP-HTR", "Constable, SP Office Hathras", "आरक्षी, पुलिस अधीक्षक कार्यालय हाथरस", "RDR-SP-HTR"),
    ("CRU-SP-HTR", "SP-HTR", "Central Receipt Unit, SP Office Hathras", "केंद्रीय आवती इकाई, पुलिस अधीक्षक कार्यालय हाथरस", "HC-ESTT-SP-HTR"),
    ("CO-SADAR-HTR", "CO-SADAR-HTR", "Circle Officer Sadar, Hathras", "क्षेत्राधिकारी सदर, हाथरस", "ASP-HTR"),
    ("SHO-KOTWALI-HTR", "PS-KOTWALI-HTR", "SHO Kotwali Nagar, Hathras", "थानाध्यक्ष कोतवाली नगर, हाथरस", "CO-SADAR-HTR"),
    ("DM-HTR", "DM-HTR", "District Magistrate, Hathras", "जिलाधिकारी, हाथरस", None),
    ("ADM-E-HTR", "DM-HTR", "Additional District Magistrate (Administration), Hathras", "अपर जिलाधिकारी (प्रशासन), हाथरस", "DM-HTR"),
    ("SA-ESTT-DM-HTR", "DM-HTR", "Senior Assistant, Establishment, Collectorate Hathras", "वरिष्ठ सहायक, अधिष्ठान, कलेक्ट्रेट हाथरस", "ADM-E-HTR"),
    ("CRU-DM-HTR", "DM-HTR", "Central Receipt Unit, Collectorate Hathras", "केंद्रीय आवती इकाई, कलेक्ट्रेट हाथरस", "SA-ESTT-DM-HTR"),
    ("TEH-SADAR-HTR", "TEHSIL-SADAR-HTR", "Tehsildar Sadar, Hathras", "तहसीलदार सदर, हाथरस", "ADM-E-HTR"),
    ("RK-SADAR-HTR", "TEHSIL-SADAR-HTR", "Registrar Kanungo, Tehsil Sadar, Hathras", "रजिस्ट्रार कानूनगो, तहसील सदर, हाथरस", "TEH-SADAR-HTR"),
]

# (username, English name, Hindi name, roles, office code, posts)
PEOPLE = [
    ("admin.up", "State e-Office Team", "राज्य ई-ऑफ़िस टीम", ["admin"], "UP-POLICE", []),
    ("sp.hathras", "Rajesh Kumar Singh", "राजेश कुमार सिंह", ["officer"], "SP-HTR", ["SP-HTR"]),
    ("asp.hathras", "Anita Verma", "अनीता वर्मा", ["officer", "nodal_officer"], "SP-HTR", ["ASP-HTR"]),
    ("reader.hathras", "Suresh Chandra Sharma", "सुरेश चन्द्र शर्मा", ["dealing_hand"], "SP-HTR", ["RDR-SP-HTR"]),
    ("hc.estt.hathras", "Mohd. Iqbal Khan", "मो. इक़बाल ख़ान", ["dealing_hand"], "SP-HTR", ["HC-ESTT-SP-HTR"]),
    ("ct.hathras", "Sunil Kumar Yadav", "सुनील कुमार यादव", ["dealing_hand"], "SP-HTR", ["CT-SP-HTR"]),
    ("cru.hathras", "Pooja Yadav", "पूजा यादव", ["diarist"], "SP-HTR", ["CRU-SP-HTR"]),
    ("co.sadar.hathras", "Vikram Pratap Singh", "विक्रम प्रताप सिंह", ["officer"], "CO-SADAR-HTR", ["CO-SADAR-HTR"]),
    ("sho.kotwali.hathras", "Ramesh Prasad Gupta", "रमेश प्रसाद गुप्ता", ["officer"], "PS-KOTWALI-HTR", ["SHO-KOTWALI-HTR"]),
    ("dm.hathras", "Sunita Agarwal", "सुनीता अग्रवाल", ["officer"], "DM-HTR", ["DM-HTR"]),
    ("adm.hathras", "Prakash Narayan Tiwari", "प्रकाश नारायण तिवारी", ["officer", "nodal_officer"], "DM-HTR", ["ADM-E-HTR"]),
    ("sa.estt.collectorate.hathras", "Manoj Kumar Saxena", "मनोज कुमार सक्सेना", ["dealing_hand"], "DM-HTR", ["SA-ESTT-DM-HTR"]),
    ("cru.collectorate.hathras", "Neha Chauhan", "नेहा चौहान", ["diarist"], "DM-HTR", ["CRU-DM-HTR"]),
    ("tehsildar.sadar.hathras", "Dinesh Chandra Pal", "दिनेश चन्द्र पाल", ["officer"], "TEHSIL-SADAR-HTR", ["TEH-SADAR-HTR"]),
    ("rk.sadar.hathras", "Shyam Babu Kushwaha", "श्याम बाबू कुशवाहा", ["dealing_hand"], "TEHSIL-SADAR-HTR", ["RK-SADAR-HTR"]),
]
# fmt: on


def seed(identity: Any, password: str, seeder: dict[str, str]) -> int:
    """Create the demo district through identity's ordinary calls. Whatever exists already is
    left as it is, so seeding twice (or again after an interrupted first run) is harmless.
    Returns how many things were created. ``identity`` is a Nameko RPC proxy to identity;
    ``seeder`` is the seed principal's credential (``common.trust.Principal``)."""
    calls = (
        [
            (
                identity.create_office,
                {
                    "code": c,
                    "name_en": en,
                    "name_hi": hi,
                    "level": lv,
                    "parent_code": p,
                    "kind": KINDS.get(c),
                    "live_since": LIVE_SINCE.get(c, "2025-04-01"),
                    "vpn_pool": VPN_POOLS.get(c),
                },
            )
            for c, en, hi, lv, p in OFFICES
        ]
        + [
            (
                identity.create_post,
                {
                    "office_code": o,
                    "abbreviation": a,
                    "name_en": en,
                    "name_hi": hi,
                    "reports_to": r,
                },
            )
            for a, o, en, hi, r in POSTS
        ]
        + [
            (
                identity.create_user,
                {
                    "username": u,
                    "name_en": en,
                    "name_hi": hi,
                    "password": password,
                    "roles": roles,
                    "office_code": o,
                    "posts": posts,
                },
            )
            for u, en, hi, roles, o, posts in PEOPLE
        ]
    )
    created = 0
    for call, payload in calls:
        try:
            call(seeder, payload)
            created += 1
        except Conflict:
            pass  # seeded before
    return created
