"""The demo district, Hathras: what `make run` seeds once so a person can try the office."""

from typing import Any

from common.errors import Conflict

POLICE_LEVELS = ["zone", "range", "district", "circle", "police_station", "branch"]

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
]

# (abbreviation, office code, English name, Hindi name, reports to)
POSTS = [
    ("SP-HTR", "SP-HTR", "Superintendent of Police, Hathras", "पुलिस अधीक्षक, हाथरस", None),
    ("ASP-HTR", "SP-HTR", "Additional Superintendent of Police, Hathras", "अपर पुलिस अधीक्षक, हाथरस", "SP-HTR"),
    ("RDR-SP-HTR", "SP-HTR", "Reader to SP, Hathras", "वाचक पुलिस अधीक्षक, हाथरस", "SP-HTR"),
    ("HC-ESTT-SP-HTR", "SP-HTR", "Head Clerk, Establishment, SP Office Hathras", "प्रधान लिपिक, अधिष्ठान, पुलिस अधीक्षक कार्यालय हाथरस", "ASP-HTR"),
    ("CRU-SP-HTR", "SP-HTR", "Central Receipt Unit, SP Office Hathras", "केंद्रीय आवती इकाई, पुलिस अधीक्षक कार्यालय हाथरस", "HC-ESTT-SP-HTR"),
    ("CO-SADAR-HTR", "CO-SADAR-HTR", "Circle Officer Sadar, Hathras", "क्षेत्राधिकारी सदर, हाथरस", "ASP-HTR"),
    ("SHO-KOTWALI-HTR", "PS-KOTWALI-HTR", "SHO Kotwali Nagar, Hathras", "थानाध्यक्ष कोतवाली नगर, हाथरस", "CO-SADAR-HTR"),
]

# (username, English name, Hindi name, roles, office code, posts)
PEOPLE = [
    ("admin.up", "State e-Office Team", "राज्य ई-ऑफ़िस टीम", ["admin"], "UP-POLICE", []),
    ("sp.hathras", "Rajesh Kumar Singh", "राजेश कुमार सिंह", ["officer"], "SP-HTR", ["SP-HTR"]),
    ("asp.hathras", "Anita Verma", "अनीता वर्मा", ["officer", "nodal_officer"], "SP-HTR", ["ASP-HTR"]),
    ("reader.hathras", "Suresh Chandra Sharma", "सुरेश चन्द्र शर्मा", ["dealing_hand"], "SP-HTR", ["RDR-SP-HTR"]),
    ("hc.estt.hathras", "Mohd. Iqbal Khan", "मो. इक़बाल ख़ान", ["dealing_hand"], "SP-HTR", ["HC-ESTT-SP-HTR"]),
    ("cru.hathras", "Pooja Yadav", "पूजा यादव", ["diarist"], "SP-HTR", ["CRU-SP-HTR"]),
    ("co.sadar.hathras", "Vikram Pratap Singh", "विक्रम प्रताप सिंह", ["officer"], "CO-SADAR-HTR", ["CO-SADAR-HTR"]),
    ("sho.kotwali.hathras", "Ramesh Prasad Gupta", "रमेश प्रसाद गुप्ता", ["officer"], "PS-KOTWALI-HTR", ["SHO-KOTWALI-HTR"]),
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
                    "levels": POLICE_LEVELS if lv == "department" else [],
                    "live_since": "2025-04-01",
                    "vpn_pool": "10.61.0.0/22" if lv == "district" else None,
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
