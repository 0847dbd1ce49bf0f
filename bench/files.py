"""With 50,000 files and 200,000 movements in the store: how fast are a desk's inbox, search, and
sending a file on, and how many times a bare RPC does each cost?

Three stages, on one data directory:

1. district  The whole office starts exactly as `make run` does (tests.support.office.Office),
             and the demo district of Hathras is grown through the API to a realistic size:
             three more circles and fifteen more police stations (admin.up), about 290 posts
             (the SP office's sections with their head clerks and dealing hands, a CO's office
             per circle, ten posts per police station), one person on every new post from one
             master data sheet (the nodal officer, asp.hathras), and a head of the filing
             scheme for each section of the SP office. Then the office stops.
2. seed      The files service's embedded store (litemongo under <data>/files, opened as the
             service opens it: common.storage.Storage, with store.ensure_indexes) gets 50,000
             files written directly, shaped as services/files/service/efiles.py's create_file
             and _move make them: number under the section's head (or a non-scheme number in a
             circle or police station), English or Hindi subjects from varied templates and
             names, search_terms from services.files.domain.search.terms, a history chain built
             with services.files.domain.history.entry (created, opened, sent ...), holder,
             sender, involved posts and supervisors as the moves leave them, version = entries.
             The 200,000 movements (4 per file on average, 0 to 8) are random walks over the
             chain of command (up, down, sideways, now and then across the district), ending
             at a holder chosen so that each desk holds tens to a couple of hundred files: the
             measured desks, the Reader (reader.hathras) and the Head Clerk, Establishment
             (hc.estt.hathras), hold HELD_BY_MEASURED each. The files counters are set to the
             highest serial seeded per head and year, so new files do not collide. Wall time,
             rate and size on disk are recorded.
3. measure   The office starts again on the same data directory, and, at 1 and 8 concurrent
             clients, after a short warm-up, in this order:
               echo    GET /readyz/files: one RPC round trip to the files service, no work.
               inbox   GET /api/v1/inbox?limit=50 as the Reader or the Head Clerk (alternately).
               send    POST /api/v1/files/{id}/send: the holder sends a file on to the other
                       measured desk (Reader <-> Head Clerk), with the version it saw; the files
                       go back and forth, none is sent by two clients at once.
               search  GET /api/v1/search?q=... in turn: a file number the searcher holds, a
                       Hindi word, an English word, two words. Last, because a search the
                       gateway gives up on (503 after EOFFICE_RPC_TIMEOUT) still runs to its end
                       in the files service and would hold up the phases after it.
             After each, the bench waits until the files service is idle (bench.onboarding's
             settle: under 5% of a CPU for a second) and reports how long it stayed busy after
             the clients stopped. Then the inbox at 1 client while SEARCHERS clients search: does
             a search hold up everybody's inbox? And the ratios to the echo (p50, and
             throughput); how long the restart on the full store took, the first inbox after it
             (cold), the office's and the files service's resident memory, and checks: the
             measured inboxes hold what was seeded, seeded and sent-on chains verify, a new file
             under a seeded head gets the next serial. Then the office at work: MIXED_CLIENTS
             clients with pauses between requests, inbox, search, send and echo mixed, for
             MIXED_SECONDS (its slowest request); and the files service killed and timed until
             it answers again (store opened, indexes built), its first inbox and its memory.
4. goal      Issue #17's goal 2, each figure against its bound, met or not: inbox and search
             p95 at most twice the echo's, no request over 200 ms in the mixed run (5 minutes:
             EOFFICE_BENCH_MIXED_SECONDS=300), the files service under 400 MiB and answering
             within 3 s of a restart.

Each phase is bounded by a count and a time, whichever comes first. Latencies and throughput
count successful operations only; failures (non-2xx answers, exceptions) are counted and
printed, never dropped. The load generator runs on the same machine as the office: compare runs
on one machine only.

    .venv/bin/python -m bench.files     (writes bench/results/files-latest.json as well)
    EOFFICE_BENCH_FILES=5000 ...        fewer files, to try a change quickly
"""

import itertools
import os
import queue
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import requests

from bench.office import (
    Failed,
    PeakMemory,
    expect,
    mib,
    ms,
    office_pids,
    office_rss_kib,
    percentile,
    ratio,
    rss_kib,
    run_facts,
    run_phase,
    save_and_print,
)
from bench.onboarding import find_processes, settle
from common.actor import Actor
from common.clock import iso, utcnow
from common.storage import DataDirLocked, Storage
from services.files import store
from services.files.domain import history, movement, numbering, search
from tests.support.office import DEMO_PASSWORD, Office
from tests.support.sheets import csv_sheet, person

RESULTS = Path(__file__).resolve().parent / "results" / "files-latest.json"
# Fewer files to try a change quickly (EOFFICE_BENCH_FILES=5000); the goal is set at 50,000.
FILES = int(os.environ.get("EOFFICE_BENCH_FILES", "50000"))
MOVES_PER_FILE = 4  # on average: 200,000 movements; each file 4 - d or 4 + d, d in 0..4
BATCH = 1_000  # files per insert_many
YEARS = 6  # files were opened over the last six years
HELD_BY_MEASURED = 150  # files with each measured desk
SEND_POOL = 32  # files the send phase passes back and forth (half start at each desk)
SEED = 2025  # the random generator's (identity makes new post ids each run, so walks differ)
CONCURRENCY = (1, 8)
# name -> (max operations, max seconds) per measured phase; warm-up is separate and discarded.
LIMITS = {"echo": (3000, 8), "inbox": (2000, 10), "send": (1000, 15), "search": (300, 20)}
# Search last: the searches the gateway gives up on still run in the files service afterwards.
ORDER = ("echo", "inbox", "send", "search")
WARMUP = (20, 3)
SEARCHERS = 4  # clients searching while one client reads the inbox
HTTP_TIMEOUT = 60
# The office at work: MIXED_CLIENTS clients, each pausing THINK seconds between requests, ask
# for their inbox, search, send on and echo in these proportions, for MIXED_SECONDS (the goal
# asks for five minutes: EOFFICE_BENCH_MIXED_SECONDS=300; one minute by default).
MIXED_SECONDS = float(os.environ.get("EOFFICE_BENCH_MIXED_SECONDS", "60"))
MIXED_CLIENTS = 8
MIXED = {"inbox": 6, "search": 2, "send": 1, "echo": 1}
THINK = (0.1, 0.5)
# Issue #17, goal 2: each figure and its bound.
GOAL = {
    "inbox_p95_vs_echo_p95": 2.0,
    "search_p95_vs_echo_p95": 2.0,
    "mixed_max_ms": 200.0,
    "files_rss_mib": 400.0,
    "files_restart_s": 3.0,
}
STARTUP_TIMEOUT = 300  # seconds for the office to start on the full store

ADMIN, NODAL = "admin.up", "asp.hathras"
MEASURED = {"reader.hathras": "RDR-SP-HTR", "hc.estt.hathras": "HC-ESTT-SP-HTR"}
DISTRICT_OFFICE = "SP-HTR"

# --- the district ------------------------------------------------------------------------------

# fmt: off
# Circles added to the demo's Sadar: (code part, English, Hindi)
CIRCLES = [
    ("SASNI", "Sasni", "सासनी"),
    ("SIKANDRARAO", "Sikandra Rao", "सिकंदराराऊ"),
    ("SADABAD", "Sadabad", "सादाबाद"),
]
# Police stations added to the demo's Kotwali Nagar: (code part, English, Hindi, circle)
STATIONS = [
    ("HATHRASGATE", "Hathras Gate", "हाथरस गेट", "SADAR"),
    ("CHANDPA", "Chandpa", "चंदपा", "SADAR"),
    ("MURSAN", "Mursan", "मुरसान", "SADAR"),
    ("HATHRASJN", "Hathras Junction", "हाथरस जंक्शन", "SADAR"),
    ("SASNI", "Sasni", "सासनी", "SASNI"),
    ("HASAYAN", "Hasayan", "हसायन", "SASNI"),
    ("KOTWALISASNI", "Kotwali Sasni", "कोतवाली सासनी", "SASNI"),
    ("MAHILA", "Mahila Thana", "महिला थाना", "SASNI"),
    ("SIKANDRARAO", "Sikandra Rao", "सिकंदराराऊ", "SIKANDRARAO"),
    ("PURDILNAGAR", "Purdilnagar", "पुरदिलनगर", "SIKANDRARAO"),
    ("BISANA", "Bisana", "बिसाना", "SIKANDRARAO"),
    ("SADABAD", "Sadabad", "सादाबाद", "SADABAD"),
    ("SAHPAU", "Sahpau", "सहपऊ", "SADABAD"),
    ("BISAWAR", "Bisawar", "बिसावर", "SADABAD"),
    ("RATANPUR", "Ratanpur", "रतनपुर", "SADABAD"),
]
# Sections of the SP office: (code, English, Hindi, dealing hands, head of the filing scheme)
SECTIONS = [
    ("ESTT", "Establishment", "अधिष्ठान", 14, ("A", 11, 11)),
    ("ACCTS", "Accounts", "लेखा", 10, ("A", 12, 11)),
    ("RI", "Reserve Police Lines", "रिज़र्व पुलिस लाइन", 10, ("A", 13, 11)),
    ("CRIME", "Crime", "अपराध", 10, ("B", 21, 11)),
    ("PG", "Public Grievances", "जनशिकायत", 12, ("B", 22, 11)),
    ("DCRB", "District Crime Records Bureau", "जिला अपराध अभिलेख ब्यूरो", 6, ("B", 23, 11)),
    ("TRAFFIC", "Traffic", "यातायात", 4, ("B", 24, 11)),
    ("LEGAL", "Legal", "विधि", 6, ("C", 31, 11)),
    ("ARMS", "Arms Licences", "शस्त्र लाइसेंस", 8, ("C", 32, 11)),
    ("CONF", "Confidential", "गोपनीय", 6, ("D", 41, 11)),
    ("LIU", "Local Intelligence Unit", "स्थानीय अभिसूचना इकाई", 6, ("D", 42, 11)),
    ("GEN", "General", "सामान्य", 0, ("D", 43, 11)),
]
# The demo's own posts of the SP office, and the section whose head their files are opened under
DEMO_SECTIONS = {
    "SP-HTR": "CONF", "ASP-HTR": "CONF", "RDR-SP-HTR": "GEN", "CRU-SP-HTR": "GEN",
    "HC-ESTT-SP-HTR": "ESTT",
}
# Posts of a police station: (abbreviation part, English, Hindi, reports to part, designation)
STATION_POSTS = [
    ("SSI", "Senior Sub-Inspector", "वरिष्ठ उपनिरीक्षक", "SHO", "Sub-Inspector"),
    ("SI1", "Sub-Inspector 1", "उपनिरीक्षक 1", "SSI", "Sub-Inspector"),
    ("SI2", "Sub-Inspector 2", "उपनिरीक्षक 2", "SSI", "Sub-Inspector"),
    ("SI3", "Sub-Inspector 3", "उपनिरीक्षक 3", "SSI", "Sub-Inspector"),
    ("SI4", "Sub-Inspector 4", "उपनिरीक्षक 4", "SSI", "Sub-Inspector"),
    ("HM", "Head Moharrir", "मुख्य मोहर्रिर", "SHO", "Head Constable"),
    ("COMP", "Computer Operator", "कंप्यूटर ऑपरेटर", "HM", "Computer Operator"),
    ("DSK1", "Writer Constable 1", "लेखक आरक्षी 1", "HM", "Constable"),
    ("DSK2", "Writer Constable 2", "लेखक आरक्षी 2", "HM", "Constable"),
]

# What subjects are made of: (English, Hindi)
FIRST = [
    ("Ramesh", "रमेश"), ("Suresh", "सुरेश"), ("Mahesh", "महेश"), ("Rajesh", "राजेश"),
    ("Anil", "अनिल"), ("Sunil", "सुनील"), ("Vijay", "विजय"), ("Ajay", "अजय"), ("Sanjay", "संजय"),
    ("Rakesh", "राकेश"), ("Dinesh", "दिनेश"), ("Mukesh", "मुकेश"), ("Naresh", "नरेश"),
    ("Satish", "सतीश"), ("Pramod", "प्रमोद"), ("Vinod", "विनोद"), ("Manoj", "मनोज"),
    ("Santosh", "संतोष"), ("Deepak", "दीपक"), ("Amit", "अमित"), ("Om Prakash", "ओम प्रकाश"),
    ("Ram Prakash", "राम प्रकाश"), ("Shiv Kumar", "शिव कुमार"), ("Jagdish", "जगदीश"),
    ("Salim", "सलीम"), ("Arif", "आरिफ़"), ("Iqbal", "इक़बाल"), ("Pooja", "पूजा"),
    ("Sunita", "सुनीता"), ("Anita", "अनीता"), ("Rekha", "रेखा"), ("Kavita", "कविता"),
    ("Geeta", "गीता"), ("Seema", "सीमा"), ("Neha", "नेहा"), ("Priyanka", "प्रियंका"),
]
FEMALE = {"Pooja", "Sunita", "Anita", "Rekha", "Kavita", "Geeta", "Seema", "Neha", "Priyanka"}
LAST = [
    ("Sharma", "शर्मा"), ("Verma", "वर्मा"), ("Singh", "सिंह"), ("Yadav", "यादव"),
    ("Gupta", "गुप्ता"), ("Kumar", "कुमार"), ("Khan", "ख़ान"), ("Chauhan", "चौहान"),
    ("Tomar", "तोमर"), ("Rathore", "राठौर"), ("Jadaun", "जादौन"), ("Baghel", "बघेल"),
    ("Kushwaha", "कुशवाहा"), ("Prajapati", "प्रजापति"), ("Pal", "पाल"), ("Saxena", "सक्सेना"),
    ("Agarwal", "अग्रवाल"), ("Mishra", "मिश्रा"), ("Tiwari", "तिवारी"), ("Pandey", "पाण्डेय"),
    ("Dubey", "दुबे"), ("Qureshi", "क़ुरैशी"), ("Ansari", "अंसारी"), ("Solanki", "सोलंकी"),
    ("Varshney", "वार्ष्णेय"),
]
VILLAGES = [
    ("Mendu", "मेंडू"), ("Lahra", "लहरा"), ("Rudayan", "रुदायन"), ("Kajraut", "कजरौठ"),
    ("Gijrauli", "गिजरौली"), ("Bamnoi", "बामनोई"), ("Kursanda", "कुरसंडा"), ("Hatisa", "हतीसा"),
    ("Bhojpur", "भोजपुर"), ("Khandauli", "खंदौली"), ("Nagla Jhinga", "नगला झींगा"),
    ("Baroli", "बरौली"), ("Salempur", "सलेमपुर"), ("Jatoi", "जटोई"), ("Daryapur", "दरियापुर"),
    ("Tochigarh", "तोछीगढ़"), ("Akbarpur", "अकबरपुर"), ("Nagla Kalua", "नगला कलुआ"),
    ("Sikandarpur", "सिकंदरपुर"), ("Garhi Khushal", "गढ़ी खुशाल"), ("Madanpur", "मदनपुर"),
    ("Naujhil", "नौझील"), ("Bichpuri", "बिचपुरी"), ("Kanjoli", "कंजोली"),
]
RANKS = [
    ("Constable", "आरक्षी"), ("Head Constable", "मुख्य आरक्षी"), ("Sub-Inspector", "उपनिरीक्षक"),
    ("Inspector", "निरीक्षक"), ("Junior Clerk", "कनिष्ठ लिपिक"), ("Senior Clerk", "वरिष्ठ लिपिक"),
    ("Driver Constable", "आरक्षी चालक"), ("Home Guard", "होमगार्ड"),
]
ITEMS = [
    ("computers", "कंप्यूटर"), ("vehicles", "वाहन"), ("wireless sets", "वायरलेस सेट"),
    ("furniture", "फ़र्नीचर"), ("stationery", "लेखन सामग्री"), ("uniforms", "वर्दी"),
    ("CCTV cameras", "सीसीटीवी कैमरे"), ("fuel", "ईंधन"), ("body cameras", "बॉडी कैमरे"),
]
MONTHS = [
    ("January", "जनवरी"), ("February", "फ़रवरी"), ("March", "मार्च"), ("April", "अप्रैल"),
    ("May", "मई"), ("June", "जून"), ("July", "जुलाई"), ("August", "अगस्त"),
    ("September", "सितंबर"), ("October", "अक्टूबर"), ("November", "नवंबर"), ("December", "दिसंबर"),
]
# {r} rank, {p} {q} people, {v} village, {s} {t} police stations, {i} item, {n} number,
# {y} year, {f} financial year, {m} month
TOPICS = {
    "ESTT": [
        ("Leave application of {r} {p}, PS {s}", "{r} {p} थाना {s} का अवकाश प्रार्थना पत्र"),
        ("Transfer of {r} {p} from PS {s} to PS {t}", "{r} {p} का थाना {s} से थाना {t} स्थानांतरण"),
        ("Salary fixation of {r} {p}", "{r} {p} का वेतन निर्धारण"),
        ("Medical reimbursement claim of {r} {p}", "{r} {p} का चिकित्सा प्रतिपूर्ति दावा"),
        ("Promotion of {r} {p}: seniority list {y}", "{r} {p} की पदोन्नति: वरिष्ठता सूची {y}"),
        ("Service book of {r} {p}", "{r} {p} की सेवा पुस्तिका"),
    ],
    "ACCTS": [
        ("Budget allotment for {i}, financial year {f}", "वित्तीय वर्ष {f} में {i} हेतु बजट आवंटन"),
        ("Purchase of {i} for PS {s}", "थाना {s} हेतु {i} का क्रय"),
        ("Travel allowance bill of {r} {p}", "{r} {p} का यात्रा भत्ता बिल"),
        ("GPF advance of {r} {p}", "{r} {p} का सामान्य भविष्य निधि अग्रिम"),
    ],
    "RI": [
        ("Allotment of {i} to PS {s}", "थाना {s} को {i} का आवंटन"),
        ("Kit inspection of {r} {p}", "{r} {p} का किट निरीक्षण"),
        ("Duty roster of the Police Lines, {m} {y}", "पुलिस लाइन की ड्यूटी तालिका, {m} {y}"),
    ],
    "CRIME": [
        ("Case crime no. {n}/{y}, PS {s}: progress of investigation",
         "मु.अ.सं. {n}/{y} थाना {s}: विवेचना की प्रगति"),
        ("Monthly crime review, PS {s}, {m} {y}", "थाना {s} की मासिक अपराध समीक्षा, {m} {y}"),
        ("Theft in village {v}, PS {s}", "ग्राम {v} थाना {s} में चोरी की घटना"),
    ],
    "LEGAL": [
        ("Court summons in case crime no. {n}/{y}, PS {s}",
         "मु.अ.सं. {n}/{y} थाना {s} में न्यायालय सम्मन"),
        ("Writ petition of {p} in the High Court", "{p} की उच्च न्यायालय में रिट याचिका"),
    ],
    "PG": [
        ("Complaint of {p}, resident of village {v}, against {q}",
         "ग्राम {v} निवासी {p} का {q} के विरुद्ध शिकायती प्रार्थना पत्र"),
        ("IGRS complaint no. {n}: land dispute in village {v}",
         "आईजीआरएस शिकायत संख्या {n}: ग्राम {v} में भूमि विवाद"),
        ("Complaint of harassment by {p}, PS {s}", "थाना {s} क्षेत्र में {p} द्वारा उत्पीड़न की शिकायत"),
    ],
    "ARMS": [
        ("Arms licence application of {p}, village {v}",
         "ग्राम {v} निवासी {p} का शस्त्र लाइसेंस आवेदन"),
        ("Renewal of arms licence no. {n} of {p}", "{p} के शस्त्र लाइसेंस संख्या {n} का नवीनीकरण"),
    ],
    "LIU": [
        ("Character verification of {p}, village {v}", "ग्राम {v} निवासी {p} का चरित्र सत्यापन"),
        ("Passport verification of {p}, PS {s}", "थाना {s} क्षेत्र के {p} का पासपोर्ट सत्यापन"),
    ],
    "CONF": [
        ("Departmental inquiry against {r} {p}", "{r} {p} के विरुद्ध विभागीय जांच"),
        ("Annual confidential report of {r} {p}, {y}", "{r} {p} की वार्षिक गोपनीय प्रविष्टि {y}"),
    ],
    "TRAFFIC": [
        ("Traffic challans of PS {s}, {m} {y}", "थाना {s} के यातायात चालान, {m} {y}"),
        ("Road accident near village {v}, PS {s}", "ग्राम {v} थाना {s} के निकट सड़क दुर्घटना"),
    ],
}
TOPICS["DCRB"] = TOPICS["CRIME"]
TOPICS["GEN"] = TOPICS["PG"] + TOPICS["ESTT"][:2] + TOPICS["LIU"]
FIELD = TOPICS["PG"] + TOPICS["CRIME"] + TOPICS["LIU"] + TOPICS["LEGAL"]  # circles, stations
REMARKS = [
    "", "", "Please see.", "For necessary action.", "Put up with the previous papers.",
    "Discussed; please process.", "Approved.", "कृपया अवलोकन करें।", "आवश्यक कार्यवाही हेतु।",
    "पूर्व पत्रावली सहित प्रस्तुत करें।", "अनुमोदनार्थ प्रस्तुत।", "जांच कर आख्या प्रस्तुत करें।",
    "स्वीकृत।",
]
# fmt: on
# What the search phase asks, in turn, besides a file number the searcher holds.
QUERIES = ["सत्यापन", "licence", "complaint mendu"]


class District:
    """The grown district as the API shows it: posts, the people on them, the filing heads."""

    def __init__(self, posts: dict, holders: dict, heads: dict, sections: dict):
        self.posts = posts  # post id -> the post as /api/v1/posts shows it
        self.holders = holders  # post id -> Actor of the person holding it
        self.heads = heads  # section -> (office id, head code)
        self.sections = sections  # post id -> section whose head its files are opened under
        self.by_abbreviation = {p["abbreviation"]: p for p in posts.values()}
        self._chains: dict[str, list[str]] = {}
        below: dict[str, list[str]] = {}
        for p in posts.values():
            if p["reports_to"]:
                below.setdefault(p["reports_to"], []).append(p["id"])
        self.below = below
        self.ids = sorted(posts)

    def chain(self, post_id: str) -> list[str]:
        """As identity.chain answers: the posts above, nearest first."""
        if post_id not in self._chains:
            above, current = [], self.posts[post_id]
            while current["reports_to"] and current["reports_to"] not in above and len(above) < 20:
                above.append(current["reports_to"])
                current = self.posts[current["reports_to"]]
            self._chains[post_id] = above
        return self._chains[post_id]

    def names(self, post_id: str) -> dict:
        post = self.posts[post_id]
        return {"en": post["name_en"], "hi": post["name_hi"]}

    def neighbour(self, post_id: str, rng: random.Random) -> str:
        """Where a file at this post goes next: up, down, sideways, or (now and then) anywhere
        in the district. Symmetric, so a walk can be made backwards from where it ends."""
        post = self.posts[post_id]
        up = [post["reports_to"]] if post["reports_to"] else []
        down = self.below.get(post_id, [])
        side = [p for p in self.below.get(post["reports_to"], []) if p != post_id]
        roll = rng.random()
        for choice, share in ((up, 0.4), (down, 0.3), (side, 0.2)):
            roll -= share
            if roll < 0 and choice:
                return rng.choice(choice)
        while True:
            other = rng.choice(self.ids)
            if other != post_id:
                return other


def login(url: str, username: str) -> dict:
    response = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=HTTP_TIMEOUT,
    )
    token = expect(response, 200, f"login {username}").json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def post_json(url: str, path: str, auth: dict, body: dict, step: str, status: int = 201) -> dict:
    response = requests.post(f"{url}{path}", json=body, headers=auth, timeout=HTTP_TIMEOUT)
    return expect(response, status, step).json()


def get_json(url: str, path: str, auth: dict, step: str) -> dict:
    return expect(
        requests.get(f"{url}{path}", headers=auth, timeout=HTTP_TIMEOUT), 200, step
    ).json()


def grow_district(url: str, rng: random.Random) -> tuple[District, dict]:
    """Offices, posts, people and heads through the API; the district as it then stands."""
    t0 = time.perf_counter()
    admin = login(url, ADMIN)
    for code, en, hi in CIRCLES:
        post_json(
            url,
            "/api/v1/offices",
            admin,
            {
                "code": f"CO-{code}-HTR",
                "name_en": f"Circle Office {en}, Hathras",
                "name_hi": f"क्षेत्राधिकारी कार्यालय {hi}, हाथरस",
                "level": "circle",
                "parent_code": DISTRICT_OFFICE,
                "live_since": "2025-04-01",
            },
            "create circle",
        )
    for code, en, hi, circle in STATIONS:
        post_json(
            url,
            "/api/v1/offices",
            admin,
            {
                "code": f"PS-{code}-HTR",
                "name_en": f"Police Station {en}, Hathras",
                "name_hi": f"थाना {hi}, हाथरस",
                "level": "police_station",
                "parent_code": f"CO-{circle}-HTR",
                "live_since": "2025-04-01",
            },
            "create police station",
        )

    # (office code, abbreviation, English, Hindi, reports to, designation, roles, section)
    wanted: list[tuple] = []
    office = "पुलिस अधीक्षक कार्यालय हाथरस"
    for code, en, hi, hands, _ in SECTIONS:
        head_post = "HC-ESTT-SP-HTR" if code == "ESTT" else f"HC-{code}-SP-HTR"
        if code not in ("ESTT", "GEN"):
            wanted.append(
                (DISTRICT_OFFICE, head_post, f"Head Clerk, {en}, SP Office Hathras",
                 f"प्रधान लिपिक, {hi}, {office}", "ASP-HTR", "Head Clerk", "dealing_hand", code)
            )  # fmt: skip
        for n in range(1, hands + 1):
            wanted.append(
                (DISTRICT_OFFICE, f"DH-{code}-{n}-SP-HTR", f"Dealing Hand {n}, {en}, SP Office "
                 "Hathras", f"पटल सहायक {n}, {hi}, {office}", head_post,
                 rng.choice(["Senior Clerk", "Junior Clerk", "Senior Assistant", "Head Constable"]),
                 "dealing_hand", code)
            )  # fmt: skip
    circles = [("SADAR", "Sadar", "सदर"), *CIRCLES]
    for code, en, hi in circles:
        co = f"CO-{code}-HTR"
        if code != "SADAR":
            wanted.append(
                (co, co, f"Circle Officer {en}, Hathras", f"क्षेत्राधिकारी {hi}, हाथरस", "ASP-HTR",
                 "Deputy Superintendent of Police", "officer", None)
            )  # fmt: skip
        wanted.append(
            (co, f"RDR-CO-{code}-HTR", f"Reader to CO {en}, Hathras",
             f"वाचक क्षेत्राधिकारी {hi}, हाथरस", co, "Sub-Inspector", "dealing_hand", None)
        )  # fmt: skip
        for n in range(1, 4):
            wanted.append(
                (co, f"CLK-CO-{code}-{n}-HTR", f"Clerk {n}, Circle Office {en}, Hathras",
                 f"लिपिक {n}, क्षेत्राधिकारी कार्यालय {hi}, हाथरस", f"RDR-CO-{code}-HTR",
                 "Head Constable", "dealing_hand", None)
            )  # fmt: skip
    stations = [("KOTWALI", "Kotwali Nagar", "कोतवाली नगर", "SADAR"), *STATIONS]
    for code, en, hi, circle in stations:
        ps, sho = f"PS-{code}-HTR", f"SHO-{code}-HTR"
        if code != "KOTWALI":
            wanted.append(
                (ps, sho, f"SHO {en}, Hathras", f"थानाध्यक्ष {hi}, हाथरस", f"CO-{circle}-HTR",
                 "Inspector", "officer", None)
            )  # fmt: skip
        for part, p_en, p_hi, above, designation in STATION_POSTS:
            wanted.append(
                (ps, f"{part}-{code}-HTR", f"{p_en}, PS {en}, Hathras", f"{p_hi}, थाना {hi}, हाथरस",
                 sho if above == "SHO" else f"{above}-{code}-HTR", designation, "dealing_hand",
                 None)
            )  # fmt: skip
    for office_code, abbreviation, en, hi, above, *_ in wanted:
        post_json(
            url,
            "/api/v1/posts",
            admin,
            {
                "office_code": office_code,
                "abbreviation": abbreviation,
                "name_en": en,
                "name_hi": hi,
                "reports_to": above,
            },
            "create post",
        )
    posts_s = time.perf_counter() - t0

    heads = {}
    for code, en, hi, _, (basic, primary, secondary) in SECTIONS:
        head = post_json(
            url,
            "/api/v1/heads",
            admin,
            {
                "basic": basic,
                "primary": primary,
                "secondary": secondary,
                "section": code,
                "description": f"{en} / {hi}",
                "office_code": DISTRICT_OFFICE,
            },
            "add head",
        )
        heads[code] = (head["office_id"], head["code"])

    # One person on every new post, from one master data sheet, as a nodal officer onboards.
    t1 = time.perf_counter()
    nodal = login(url, NODAL)
    rows = []
    for n, (office_code, abbreviation, *_, designation, roles, _section) in enumerate(wanted, 1):
        (first_en, first_hi), (last_en, last_hi) = rng.choice(FIRST), rng.choice(LAST)
        rows.append(
            person(
                n,
                name_en=f"{first_en} {last_en}",
                name_hi=f"{first_hi} {last_hi}",
                employee_code=f"HTR{n:06d}",
                gender="Female" if first_en in FEMALE else "Male",
                designation=designation,
                office_code=office_code,
                post=abbreviation,
                roles=roles,
            )
        )
    uploaded = requests.post(
        f"{url}/api/v1/onboarding/sheets",
        headers=nodal,
        files={"sheet": ("hathras-staff.csv", csv_sheet(rows), "text/csv")},
        timeout=300,
    )
    report = expect(uploaded, 201, "upload sheet").json()
    applied = post_json(
        url, f"/api/v1/onboarding/sheets/{report['id']}/apply", nodal, {}, "apply sheet", 200
    )
    sheet_s = time.perf_counter() - t1

    reader = login(url, next(iter(MEASURED)))
    posts = {p["id"]: p for p in get_json(url, "/api/v1/posts", reader, "posts")["items"]}
    holders = {}
    for user in get_json(url, f"/api/v1/users?office={DISTRICT_OFFICE}", nodal, "staff")["items"]:
        for p in user["posts"]:
            holders[p["id"]] = Actor(user_id=user["id"], name=user["name_en"])
    sections = {}
    by_abbreviation = {p["abbreviation"]: p["id"] for p in posts.values()}
    for abbreviation, section in DEMO_SECTIONS.items():
        sections[by_abbreviation[abbreviation]] = section
    for _, abbreviation, *_, section in wanted:
        if section and abbreviation in by_abbreviation:
            sections[by_abbreviation[abbreviation]] = section
    district = District(posts, holders, heads, sections)
    vacant = [p["abbreviation"] for p in posts.values() if p["id"] not in holders]
    figures = {
        "offices_created": len(CIRCLES) + len(STATIONS),
        "posts_created": len(wanted),
        "posts": len(posts),
        "people_onboarded": applied["summary"].get("create"),
        "sheet_summary": applied["summary"],
        "vacant_posts": vacant,
        "heads": len(heads),
        "offices_and_posts_s": round(posts_s, 1),
        "sheet_upload_and_apply_s": round(sheet_s, 1),
    }
    return district, figures


# --- the files -----------------------------------------------------------------------------------


def subject(section: str | None, year: int, rng: random.Random) -> str:
    """A subject as a desk would type it, in Hindi (a little over half) or English."""
    hindi = rng.random() < 0.55
    lang = 1 if hindi else 0

    def someone() -> str:
        return f"{rng.choice(FIRST)[lang]} {rng.choice(LAST)[lang]}"

    template = rng.choice(TOPICS.get(section, FIELD) if section else FIELD)[lang]
    stations = rng.sample(STATIONS, 2)
    return template.format(
        r=rng.choice(RANKS)[lang],
        p=someone(),
        q=someone(),
        v=rng.choice(VILLAGES)[lang],
        s=stations[0][2 if hindi else 1],
        t=stations[1][2 if hindi else 1],
        i=rng.choice(ITEMS)[lang],
        n=rng.randint(1, 999),
        y=year,
        f=f"{year}-{(year + 1) % 100:02d}",
        m=rng.choice(MONTHS)[lang],
    )


def plan_files(
    district: District, rng: random.Random, now: datetime
) -> tuple[list[dict], dict[str, int]]:
    """Who holds each file at the end, its walk there, when it was opened, and its number
    (serials per head and year in the order the files were opened); and the last serial of
    each counter."""
    measured = {district.by_abbreviation[a]["id"] for a in MEASURED.values()}
    others = [p for p in district.ids if p not in measured]
    weights = [rng.uniform(0.3, 1.7) for _ in others]
    holders = [p for p in measured for _ in range(HELD_BY_MEASURED)]
    holders += rng.choices(others, weights, k=FILES - len(holders))
    rng.shuffle(holders)
    moves = []
    for _ in range(FILES // 2):
        d = rng.randint(0, MOVES_PER_FILE)
        moves += [MOVES_PER_FILE - d, MOVES_PER_FILE + d]
    moves += [MOVES_PER_FILE] * (FILES - len(moves))
    rng.shuffle(moves)

    plans = []
    for holder, k in zip(holders, moves, strict=True):
        walk = [holder]
        for _ in range(k):
            walk.append(district.neighbour(walk[-1], rng))
        walk.reverse()  # creator first
        # Opened within the last YEARS years, more of them recently.
        opened = now - timedelta(days=YEARS * 365 * rng.random() ** 1.6, seconds=rng.random())
        opened = min(opened, now - timedelta(hours=1 + k))
        plans.append({"walk": walk, "opened": opened})
    plans.sort(key=lambda p: p["opened"])
    serials: Counter = Counter()
    for plan in plans:
        creator = district.posts[plan["walk"][0]]
        year = plan["opened"].year
        section = district.sections.get(creator["id"])
        if section:
            office_id, head = district.heads[section]
            key = f"file:{office_id}:{head}:{year}"
            serials[key] += 1
            plan["number"] = numbering.file_number(head, serials[key], year, section)
            plan["head"], plan["section"] = head, section
        else:
            key = f"file:{creator['office_id']}:NS:{year}"
            serials[key] += 1
            plan["number"] = numbering.non_scheme_number(creator["office_code"], serials[key], year)
            plan["head"], plan["section"] = None, None
    return plans, dict(serials)


def file_doc(plan: dict, district: District, rng: random.Random, now: datetime) -> dict:
    """One file as create_file opened it and _move sent it on, move by move."""
    walk, number = plan["walk"], plan["number"]
    creator = district.posts[walk[0]]
    # Times of: created, then for each move (opened by the sender, sent), then opened at the end.
    opened = plan["opened"]
    span = min((now - opened).total_seconds(), rng.uniform(3, 400) * 86400)
    times = sorted(rng.random() * span for _ in range(2 * len(walk)))
    at = [iso(opened + timedelta(seconds=s)) for s in times]
    at[0] = iso(opened)
    actor = district.holders.get(creator["id"]) or vacant(creator)
    entries = [history.entry(None, "created", at[0], actor, creator["id"], {"number": number})]
    doc = {
        "_id": f"{rng.getrandbits(128):032x}",
        "number": number,
        "subject": subject(plan["section"], opened.year, rng),
        "category": "general",
        "grading": "confidential" if rng.random() < 0.03 else "normal",
        "physical": rng.random() < 0.3,
        "status": "open",
        "head": plan["head"],
        "section": plan["section"],
        "office_id": creator["office_id"],
        "office_path": creator["office_path"],
        "created_at": at[0],
        "created_by": actor.audit(creator["id"]),
        "creator_post_id": creator["id"],
        "holder_post_id": creator["id"],
        "holder_post_name": district.names(creator["id"]),
        "from_post_name": None,
        "holder_since": at[0],
        "opened_at": at[0],
        "priority": "normal",
        "due_date": None,
        "remark": "",
        "sent_by_post_id": None,
        "involved_posts": [creator["id"]],
        "supervisors": district.chain(creator["id"]),
        "notes": [],
        "correspondence": [],
    }
    clock = iter(at[1:])
    for step, (sender, receiver) in enumerate(itertools.pairwise(walk)):
        who = district.holders.get(sender) or vacant(district.posts[sender])
        when = next(clock)
        if step and doc["opened_at"] is None and rng.random() < 0.9:  # read before sending on
            entries.append(history.entry(entries[-1], "opened", when, who, sender, {}))
            doc["opened_at"] = when
        when = next(clock)
        priority = rng.choices(["normal", "immediate", "most_immediate"], [80, 15, 5])[0]
        due = (datetime.fromisoformat(when) + timedelta(days=7)).date().isoformat()
        due = due if rng.random() < 0.1 else None
        remark = rng.choice(REMARKS)
        skipped = movement.skipped_levels(district.chain(sender), receiver)
        details = {
            "to_post_id": receiver,
            "to_post_name": district.names(receiver),
            "remark": remark,
            "priority": priority,
            "due_date": due,
            "skipped_levels": skipped or [],
        }
        entries.append(history.entry(entries[-1], "sent", when, who, sender, details))
        doc.update(
            {
                "before_send": {
                    "from_post_name": doc["from_post_name"],
                    "sent_by_post_id": doc["sent_by_post_id"],
                },
                "from_post_name": doc["holder_post_name"],
                "sent_by_post_id": sender,
                "holder_post_id": receiver,
                "holder_post_name": district.names(receiver),
                "holder_since": when,
                "opened_at": None,
                "priority": priority,
                "due_date": due,
                "remark": remark,
                "involved_posts": sorted(set(doc["involved_posts"]) | {receiver}),
                "supervisors": sorted(set(doc["supervisors"]) | set(district.chain(receiver))),
            }
        )
    if len(walk) > 1 and rng.random() < 0.5:  # the holder has read it, or not yet
        holder = walk[-1]
        when = at[-1]
        who = district.holders.get(holder) or vacant(district.posts[holder])
        entries.append(history.entry(entries[-1], "opened", when, who, holder, {}))
        doc["opened_at"] = when
    doc.update(
        {
            "version": len(entries),
            "history": entries,
            "search_terms": search.terms(number, doc["subject"]),
            "outbox": [],  # as the relay leaves a document once its events are published
            "has_outbox": False,
        }
    )
    return doc


def vacant(post: dict) -> Actor:
    """Whoever worked a post that has no holder now (only if onboarding left it empty)."""
    return Actor(user_id=f"vacant:{post['abbreviation']}", name=post["name_en"])


def open_files_store(data_dir: Path, seconds: float = 30) -> Storage:
    """The files service's store, as the service opens it (its lock too: the office must have
    let go of it)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return Storage("files", {"EOFFICE_DATA_DIR": str(data_dir)})
        except DataDirLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def disk_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def seed_files(data_dir: Path, district: District, rng: random.Random) -> tuple[dict, dict]:
    """Write the files into the store; the figures, and what the measure stage needs: the
    files each measured desk holds, and the last serial of each counter."""
    now = utcnow()
    t0 = time.perf_counter()
    plans, serials = plan_files(district, rng, now)
    plan_s = time.perf_counter() - t0
    measured = {district.by_abbreviation[a]["id"]: u for u, a in MEASURED.items()}
    held: dict[str, list[dict]] = {u: [] for u in MEASURED}
    build_s = insert_s = 0.0
    sent = entries = 0
    per_holder: Counter = Counter()
    storage = open_files_store(data_dir)
    try:
        db = storage.db
        store.ensure_indexes(db)
        before = db.files.count_documents({})
        for start in range(0, len(plans), BATCH):
            t1 = time.perf_counter()
            docs = [file_doc(p, district, rng, now) for p in plans[start : start + BATCH]]
            t2 = time.perf_counter()
            db.files.insert_many(docs)
            t3 = time.perf_counter()
            build_s += t2 - t1
            insert_s += t3 - t2
            for d in docs:
                sent += sum(e["action"] == "sent" for e in d["history"])
                entries += len(d["history"])
                per_holder[d["holder_post_id"]] += 1
                if d["holder_post_id"] in measured:
                    held[measured[d["holder_post_id"]]].append(
                        {
                            "id": d["_id"],
                            "number": d["number"],
                            "version": d["version"],
                            "grading": d["grading"],
                        }
                    )
            done = start + len(docs)
            if done % 10_000 == 0:
                print(
                    f"[bench]   {done} files: build {build_s:.0f} s, insert {insert_s:.0f} s",
                    flush=True,
                )
        t4 = time.perf_counter()
        for key, serial in serials.items():  # new files continue after the seeded serials
            current = db.counters.find_one({"_id": key})
            seq = max(serial, current["seq"] if current else 0)
            db.counters.update_one({"_id": key}, {"$set": {"seq": seq}}, upsert=True)
        counters_s = time.perf_counter() - t4
        count = db.files.count_documents({}) - before
    finally:
        storage.close()
    total_s = time.perf_counter() - t0
    held_counts = sorted(per_holder.values())
    figures = {
        "files": count,
        "movements": sent,
        "history_entries": entries,
        "plan_s": round(plan_s, 1),
        "build_s": round(build_s, 1),
        "insert_s": round(insert_s, 1),
        "counters_s": round(counters_s, 2),
        "total_s": round(total_s, 1),
        "inserted_per_s": round(count / insert_s) if insert_s else None,
        "held_per_post": {
            "posts": len(held_counts),
            "min": held_counts[0],
            "median": held_counts[len(held_counts) // 2],
            "max": held_counts[-1],
        },
        "files_store_mib": disk_mib(data_dir / "files"),
        "files_collection_mib": disk_mib(data_dir / "files" / "db" / "eoffice_files"),
        "counters": len(serials),
    }
    return figures, {"held": held, "serials": serials}


# --- the office's operations -------------------------------------------------------------------


def operations(url: str, district: District, held: dict) -> tuple[dict[str, Callable], dict]:
    """The four operations, and what the checks need (tokens, the send pool)."""
    auth = {u: login(url, u) for u in MEASURED}
    post_of = {u: district.by_abbreviation[a]["id"] for u, a in MEASURED.items()}
    users = list(MEASURED)
    other = {users[0]: users[1], users[1]: users[0]}
    turn = itertools.count()  # next() on it is atomic under the GIL
    queries = {u: [held[u][0]["number"], *QUERIES] for u in users}

    pool: queue.Queue = queue.Queue()
    for u in users:
        for f in [f for f in held[u] if f["grading"] == "normal"][: SEND_POOL // 2]:
            version = explain_delay(url, auth[u], f)
            pool.put({"id": f["id"], "version": version, "holder": u, "stale": False})
    sends = itertools.count()

    def echo(session):
        expect(session.get(f"{url}/readyz/files", timeout=HTTP_TIMEOUT), 200, "readyz/files")

    def inbox(session):
        user = users[next(turn) % 2]
        expect(
            session.get(f"{url}/api/v1/inbox?limit=50", headers=auth[user], timeout=HTTP_TIMEOUT),
            200,
            "inbox",
        )

    def find(session):
        n = next(turn)
        user = users[n % 2]
        q = queries[user][(n // 2) % len(queries[user])]
        expect(
            session.get(
                f"{url}/api/v1/search",
                params={"q": q},
                headers=auth[user],
                timeout=HTTP_TIMEOUT,
            ),
            200,
            "search",
        )

    def send(session):
        f = pool.get(timeout=HTTP_TIMEOUT)  # one client per file at a time
        try:
            if f["stale"]:  # an earlier send failed: see where the file is now
                seen = expect(
                    session.get(
                        f"{url}/api/v1/files/{f['id']}",
                        headers=auth[users[0]],
                        timeout=HTTP_TIMEOUT,
                    ),
                    200,
                    "get file",
                ).json()
                f["holder"] = next(u for u in users if post_of[u] == seen["holder_post_id"])
                f["version"], f["stale"] = seen["version"], False
            to = other[f["holder"]]
            sent = expect(
                session.post(
                    f"{url}/api/v1/files/{f['id']}/send",
                    json={
                        "to_post_id": post_of[to],
                        "remark": f"Bench send {next(sends)}",
                        "priority": "normal",
                        "version": f["version"],
                    },
                    headers=auth[f["holder"]],
                    timeout=HTTP_TIMEOUT,
                ),
                200,
                "send",
            ).json()
            f["holder"], f["version"] = to, sent["version"]
        except (Failed, requests.RequestException):
            f["stale"] = True
            raise
        except Exception as exc:  # counted like any failure, never lost with its thread
            f["stale"] = True
            raise Failed(f"send: {type(exc).__name__}: {exc}"[:200]) from exc
        finally:
            pool.put(f)

    ops = {"echo": echo, "inbox": inbox, "search": find, "send": send}
    return ops, {"auth": auth, "post_of": post_of, "pool": pool, "queries": queries}


def explain_delay(url: str, auth: dict, f: dict) -> int:
    """A seeded file has sat at its desk since its last seeded move, longer than the office
    allows: its holder records why (the seven-working-day rule), once, before the sends; the
    file's version after that."""
    response = requests.post(
        f"{url}/api/v1/files/{f['id']}/explanation",
        json={"text": "Bench: held since the seeded history", "version": f["version"]},
        headers=auth,
        timeout=HTTP_TIMEOUT,
    )
    return int(response.json()["version"]) if response.ok else f["version"]


def timed_get(url: str, path: str, auth: dict) -> dict:
    t0 = time.perf_counter()
    try:
        response = requests.get(f"{url}{path}", headers=auth, timeout=HTTP_TIMEOUT)
    except requests.RequestException as exc:
        return {"ms": ms(time.perf_counter() - t0), "error": f"{type(exc).__name__}: {exc}"[:200]}
    out = {"ms": ms(time.perf_counter() - t0), "status": response.status_code}
    if response.status_code == 200:
        out["items"] = len(response.json().get("items", []))
    return out


def checks(url: str, district: District, seeded: dict, ctx: dict) -> dict:
    """Is the seeded store what the office expects? (run after the phases)"""
    held = seeded["held"]
    auth, post_of = ctx["auth"], ctx["post_of"]
    problems = []
    # What is with each measured desk: everything seeded there (the send pool only swaps
    # files between the two desks, so their sum is unchanged).
    counts = {}
    for user in MEASURED:
        page = get_json(url, "/api/v1/inbox?limit=200", auth[user], "inbox")
        counts[user] = len(page["items"])
    if sum(counts.values()) != 2 * HELD_BY_MEASURED:
        problems.append(f"measured inboxes hold {counts}, expected {2 * HELD_BY_MEASURED} in all")
    # Chains: a few seeded files never moved by the bench, and every file it sent on.
    pool = []
    while not ctx["pool"].empty():
        pool.append(ctx["pool"].get())
    untouched = [f["id"] for f in held[next(iter(MEASURED))][-3:]]
    for file_id in untouched + [f["id"] for f in pool]:
        check = get_json(
            url, f"/api/v1/files/{file_id}/history/verify", auth[next(iter(MEASURED))], "verify"
        )
        if not check.get("intact"):
            problems.append(f"history of {file_id} does not verify: {check}")
    # A new file under a seeded head continues the seeded serials.
    user = "hc.estt.hathras"
    office_id, head = district.heads["ESTT"]
    created = post_json(
        url,
        "/api/v1/files",
        auth[user],
        {"subject": "Bench: a new file after the seeded ones", "head": head},
        "create file",
    )
    parsed = numbering.parse_file_number(created["number"]) or {}
    year = parsed.get("year")
    expected = seeded["serials"].get(f"file:{office_id}:{head}:{year}", 0) + 1
    if parsed.get("serial") != expected:
        problems.append(f"new file {created['number']}: serial {expected} expected")
    if created["holder_post_id"] != post_of[user]:
        problems.append(f"new file {created['number']} is not with its creator")
    return {
        "measured_inbox_items": counts,
        "chains_verified": len(untouched) + len(pool),
        "new_file_number": created["number"],
        "new_file_serial_expected": expected,
        "problems": problems,
    }


# --- report ------------------------------------------------------------------------------------


def ratios(phases: dict) -> dict:
    out = {}
    for k in CONCURRENCY:
        echo = phases["echo"][str(k)]
        out[str(k)] = {
            name + suffix: value
            for name in ("send", "inbox", "search")
            for suffix, value in (
                ("_vs_echo_p50", ratio(phases[name][str(k)]["p50_ms"], echo["p50_ms"])),
                (
                    "_echo_vs_throughput",
                    ratio(echo["per_second"], phases[name][str(k)]["per_second"]),
                ),
            )
        }
    return out


def goal(result: dict) -> dict:
    """Issue #17's goal 2, figure by figure: value, bound, met. The p95 ratios take the worse
    of 1 and 8 clients; the memory the files service's most over the run."""
    phases, restart, mixed = result["phases"], result["restart"], result["mixed"]

    def worst(name: str) -> float | None:
        found = [
            ratio(phases[name][k]["p95_ms"], phases["echo"][k]["p95_ms"]) for k in phases[name]
        ]
        return None if None in found else max(found)

    rss = [restart["files_rss_mib"], restart["files_rss_after_mib"], mixed["files_peak_rss_mib"]]
    values = {
        "inbox_p95_vs_echo_p95": worst("inbox"),
        "search_p95_vs_echo_p95": worst("search"),
        "mixed_max_ms": mixed["max_ms"],
        "files_rss_mib": max(rss),
        "files_restart_s": restart["files_service"]["ready_s"],
    }
    out = {
        name: {"value": value, "bound": GOAL[name], "met": value is not None and value <= bound}
        for (name, value), bound in zip(values.items(), GOAL.values(), strict=True)
    }
    out["files_rss_mib"]["met"] = values["files_rss_mib"] < GOAL["files_rss_mib"]
    out["files_restart_s"]["met"] = values["files_restart_s"] < GOAL["files_restart_s"]
    out["mixed_max_ms"]["run_s"] = mixed["seconds"]
    return out


def print_goal(result: dict) -> None:
    g, mixed = result["goal"], result["mixed"]

    def verdict(name: str) -> str:
        return "met" if g[name]["met"] else "NOT met"

    short = "" if mixed["seconds"] >= 300 else " (a shorter run than the goal's 5 minutes)"
    print(f"\nIssue #17, goal 2 ({result['seed']['files']} files):")
    print(
        f"  inbox p95 / echo p95       x{g['inbox_p95_vs_echo_p95']['value']} "
        f"(at most x2): {verdict('inbox_p95_vs_echo_p95')}"
    )
    print(
        f"  search p95 / echo p95      x{g['search_p95_vs_echo_p95']['value']} "
        f"(at most x2): {verdict('search_p95_vs_echo_p95')}"
    )
    print(
        f"  slowest request            {g['mixed_max_ms']['value']} ms of {mixed['ok']} over "
        f"{mixed['seconds']:g} s at {mixed['clients']} clients{short} (at most 200 ms): "
        f"{verdict('mixed_max_ms')}"
    )
    print(
        f"  files service memory       {g['files_rss_mib']['value']} MiB (under 400): "
        f"{verdict('files_rss_mib')}"
    )
    print(
        f"  files service restart      {g['files_restart_s']['value']} s to ready (under 3 s): "
        f"{verdict('files_restart_s')}"
    )


def print_report(result: dict) -> None:
    labels = {
        "echo": "echo   GET /readyz/files",
        "inbox": "inbox  GET /api/v1/inbox",
        "search": "search GET /api/v1/search",
        "send": "send   POST /files/{id}/send",
    }
    machine, seed, district = result["machine"], result["seed"], result["district"]
    restart = result["restart"]
    print(
        f"\nFiles at scale: {seed['files']} files, {seed['movements']} movements "
        f"({seed['history_entries']} history entries) over {district['posts']} posts; "
        f"{machine['cpus']} CPUs, load generator on the same machine; 1-min load average "
        f"{machine['load_avg_1min_before']} before start, {restart['load_avg_1min']} when "
        f"measuring began, {restart['load_avg_1min_after']} at its end"
    )
    print(
        f"District: {district['offices_created']} offices and {district['posts_created']} posts "
        f"created in {district['offices_and_posts_s']} s, {district['people_onboarded']} people "
        f"onboarded from one sheet in {district['sheet_upload_and_apply_s']} s"
    )
    held = seed["held_per_post"]
    print(
        f"Seeding: {seed['total_s']} s in all (plan {seed['plan_s']} s, build documents "
        f"{seed['build_s']} s, insert_many {seed['insert_s']} s = {seed['inserted_per_s']} "
        f"files/s); files store {seed['files_store_mib']} MiB on disk; files held per post "
        f"min {held['min']} / median {held['median']} / max {held['max']}"
    )
    first = ", ".join(
        f"{user} {r.get('ms')} ms ({r.get('items')} items)"
        for user, r in restart["first_inbox"].items()
    )
    print(
        f"Restart on the full store: ready after {restart['ready_s']} s; first inbox: {first}; "
        f"files service RSS {restart['files_rss_mib']} MiB after start, "
        f"{restart['files_rss_after_mib']} MiB at the end (whole office "
        f"{restart['office_rss_mib']} MiB after start)"
    )
    print(
        f"\n{'phase':<30}{'clients':>8}{'ok':>7}{'failed':>8}{'s':>7}{'per s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'RSS MiB':>9}{'busy s':>8}"
    )
    for name, by_clients in result["phases"].items():
        for r in by_clients.values():
            print(
                f"{labels[name]:<30}{r['clients']:>8}{r['ok']:>7}{r['failed']:>8}"
                f"{r['seconds']:>7}{r['per_second']:>9}{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}"
                f"{r['max_ms']!s:>9}{r['peak_rss_mib']!s:>9}{r['busy_after_s']!s:>8}"
            )
    print(
        "(RSS: the office's peak; busy s: how long the files service stayed busy after the "
        "clients stopped, including 1 idle second)"
    )
    print("\nRatios to the echo (p50: times slower; throughput: times fewer per second)")
    for k, r in result["ratios"].items():
        print(
            f"  {k:>2} client(s): send p50 x{r['send_vs_echo_p50']}, "
            f"throughput x{r['send_echo_vs_throughput']};  "
            f"inbox p50 x{r['inbox_vs_echo_p50']}, throughput x{r['inbox_echo_vs_throughput']};  "
            f"search p50 x{r['search_vs_echo_p50']}, "
            f"throughput x{r['search_echo_vs_throughput']}"
        )
    during = result["inbox_while_searching"]
    inbox, searches = during["inbox"], during["search"]
    print(
        f"\nInbox x1 while {searches.get('clients')} clients search: {inbox['ok']} ok, "
        f"{inbox['failed']} failed, p50 {inbox['p50_ms']} ms, p95 {inbox['p95_ms']} ms, max "
        f"{inbox['max_ms']} ms (alone: p50 {result['phases']['inbox']['1']['p50_ms']} ms); "
        f"searches meanwhile {searches.get('ok')} ok, {searches.get('failed')} failed; files "
        f"service busy {during['busy_after_s']} s after"
    )
    mixed, again = result["mixed"], restart["files_service"]
    by = ", ".join(
        f"{name} {r['ok']} (p95 {r['p95_ms']} ms, max {r['max_ms']} ms)"
        for name, r in mixed["by_operation"].items()
    )
    print(
        f"The office at work, {mixed['clients']} clients for {mixed['seconds']:g} s: "
        f"{mixed['ok']} ok, {mixed['failed']} failed, p95 {mixed['p95_ms']} ms, max "
        f"{mixed['max_ms']} ms; {by}; files service at most {mixed['files_peak_rss_mib']} MiB"
    )
    first_again = ", ".join(f"{u} {r.get('ms')} ms" for u, r in again["first_inbox"].items())
    print(
        f"Files service killed and started again: answering after {again['ready_s']} s; "
        f"first inbox {first_again}; {again['rss_mib']} MiB"
    )
    c = result["checks"]
    print(
        f"Checks: measured inboxes {c['measured_inbox_items']}, {c['chains_verified']} "
        f"history chains verified, new file after the seeded ones: {c['new_file_number']}"
    )
    failures = [
        (name, r["clients"], f)
        for name, by_clients in result["phases"].items()
        for r in by_clients.values()
        for f in r["failures"].items()
    ] + [
        (f"{name} while searching", r.get("clients"), f)
        for name, r in during.items()
        if isinstance(r, dict)
        for f in r.get("failures", {}).items()
    ]
    failures += [("mixed", mixed["clients"], f) for f in mixed["failures"].items()]
    problems = result["problems"]
    print("Failures: " + ("none" if not failures else ""))
    for name, clients, (what, count) in failures:
        print(f"  {name} x{clients}: {count} x {what}")
    print("Problems: " + ("none" if not problems else ""))
    for problem in problems:
        print(f"  {problem}")
    print_goal(result)
    print(f"\nWritten to {RESULTS}")


def measure(office: Office, district: District, context: dict) -> dict:
    """Stage 3, on the office started again on the full store."""
    ready = start(office)
    pid = office.proc.pid
    files_pids = find_processes(pid, "services.files")
    first = {
        u: timed_get(office.url, "/api/v1/inbox?limit=50", login(office.url, u)) for u in MEASURED
    }
    restart = {
        "ready_s": round(ready, 1),
        "first_inbox": first,
        "files_rss_mib": mib(files_service_rss(pid)),
        "office_rss_mib": mib(office_rss_kib(pid)),
        "processes": len(office_pids(pid)),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }

    def settled() -> dict:
        """How long the files service stayed busy once the clients had stopped (a call the
        gateway gave up on still runs to its end in the service)."""
        if not files_pids:
            return {}
        s = settle(files_pids[0])
        return {
            "busy_after_s": s["seconds"],  # includes the last, idle second
            "cpu_s": s["identity_cpu_s"],  # bench.onboarding's settle() names it for identity
            "still_busy": s["still_busy"],
        }

    ops, ctx = operations(office.url, district, context["held"])
    phases: dict[str, dict] = {}
    for name in ORDER:
        max_ops, max_seconds = LIMITS[name]
        run_phase(ops[name], 2, *WARMUP, requests.Session)
        settled()
        phases[name] = {}
        for clients in CONCURRENCY:
            print(f"[bench] {name} x{clients} ...", flush=True)
            with PeakMemory(lambda: office_rss_kib(pid)) as memory:
                r = run_phase(ops[name], clients, max_ops, max_seconds, requests.Session)
            after = settled()
            phases[name][str(clients)] = {
                **r,
                "peak_rss_mib": mib(memory.peak),
                "busy_after_s": after.get("busy_after_s"),
            }
    print(f"[bench] inbox x1 while {SEARCHERS} clients search ...", flush=True)
    interference = inbox_while_searching(ops)
    interference["busy_after_s"] = settled().get("busy_after_s")
    print(f"[bench] the office at work: {MIXED_CLIENTS} clients for {MIXED_SECONDS:g} s ...")
    with PeakMemory(lambda: files_service_rss(pid)) as memory:
        mixed = mixed_run(ops, MIXED_CLIENTS, MIXED_SECONDS)
    mixed["files_peak_rss_mib"] = mib(memory.peak)
    settled()
    restart["files_rss_after_mib"] = mib(files_service_rss(pid))
    restart["load_avg_1min_after"] = round(os.getloadavg()[0], 2)
    found = checks(office.url, district, context, ctx)
    print("[bench] the files service killed and started again ...", flush=True)
    restart["files_service"] = files_restart(office.url, pid, ctx)
    return {
        "restart": restart,
        "phases": phases,
        "inbox_while_searching": interference,
        "mixed": mixed,
        "checks": found,
        "queries": ctx["queries"],
    }


def mixed_run(ops: dict, clients: int, seconds: float) -> dict:
    """``clients`` people at work for ``seconds``: each asks for one operation (drawn by the
    MIXED weights), pauses THINK seconds, and again. Every request's latency counts."""
    names, weights = list(MIXED), list(MIXED.values())
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {name: [] for name in names}
    failures: Counter = Counter()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(SEED + n)
        with requests.Session() as session:
            while time.monotonic() < deadline:
                name = rng.choices(names, weights)[0]
                t0 = time.perf_counter()
                try:
                    ops[name](session)
                except (Failed, requests.RequestException) as exc:
                    with lock:
                        failures[f"{name}: {exc}"[:200]] += 1
                else:
                    with lock:
                        latencies[name].append(time.perf_counter() - t0)
                time.sleep(rng.uniform(*THINK))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = sorted(x for values in latencies.values() for x in values)
    return {
        "clients": clients,
        "seconds": seconds,
        "ok": len(every),
        "failed": sum(failures.values()),
        "failures": dict(failures),
        "p95_ms": ms(percentile(every, 95)),
        "max_ms": ms(every[-1] if every else None),
        "by_operation": {
            name: {
                "ok": len(values),
                "p95_ms": ms(percentile(sorted(values), 95)),
                "max_ms": ms(max(values) if values else None),
            }
            for name, values in latencies.items()
        },
    }


def files_restart(url: str, root_pid: int, ctx: dict) -> dict:
    """Kill the files service (as a crash would) and time until it answers again: the
    supervisor's first restart delay, the start, the store opened and its indexes built. Then
    the first inbox (cold) and the service's memory."""
    old = find_processes(root_pid, "services.files")
    t0 = time.monotonic()
    for p in old:
        os.kill(p, signal.SIGKILL)
    while True:  # the probe waits in the service's queue until the new process takes it
        try:
            if requests.get(f"{url}/readyz/files", timeout=HTTP_TIMEOUT).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() - t0 > STARTUP_TIMEOUT:
            raise Failed("the files service did not come back")
        time.sleep(0.05)
    ready = time.monotonic() - t0
    first = {u: timed_get(url, "/api/v1/inbox?limit=50", ctx["auth"][u]) for u in MEASURED}
    return {
        "ready_s": round(ready, 2),
        "first_inbox": first,
        "rss_mib": mib(files_service_rss(root_pid)),
    }


def inbox_while_searching(ops: dict) -> dict:
    """The inbox at 1 client while SEARCHERS clients search: does one desk's search hold up
    everybody else's inbox (the files service's greenlets share one OS thread)?"""
    max_ops, seconds = LIMITS["inbox"]
    background: dict = {}

    def searches():
        background.update(
            run_phase(ops["search"], SEARCHERS, LIMITS["search"][0], seconds + 1, requests.Session)
        )

    thread = threading.Thread(target=searches, daemon=True)
    thread.start()
    time.sleep(0.5)  # let the searches start
    inbox = run_phase(ops["inbox"], 1, max_ops, seconds, requests.Session)
    thread.join()
    return {"inbox": inbox, "search": background}


def start(office: Office) -> float:
    t0 = time.monotonic()
    print("[bench] starting the office ...", flush=True)
    office.start(timeout=STARTUP_TIMEOUT)
    print(f"[bench] office ready at {office.url} after {time.monotonic() - t0:.0f} s", flush=True)
    return time.monotonic() - t0


def run(office: Office, step: Callable[[], dict]) -> dict:
    """``step()`` against a started office, which is stopped afterwards (its log shown if the
    step fails)."""
    try:
        return step()
    except BaseException:
        if office.proc is not None:
            print("[bench] office log (tail):\n" + office.log()[-4000:], file=sys.stderr)
        raise
    finally:
        office.stop()


def files_service_rss(root_pid: int) -> int:
    return sum(rss_kib(p) for p in find_processes(root_pid, "services.files"))


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]  # anything else busy on the machine skews every figure
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-files-") as tmp:
        data_dir = Path(tmp)

        print("[bench] 1. district: growing Hathras through the API", flush=True)
        office = Office(data_dir)

        def grow() -> dict:
            ready = start(office)
            district, figures = grow_district(office.url, rng)
            return {"district": district, "figures": {**figures, "first_start_s": round(ready, 1)}}

        grown = run(office, grow)
        district: District = grown["district"]
        print(f"[bench]    {grown['figures']}", flush=True)

        print(f"[bench] 2. seed: {FILES} files into the files store ...", flush=True)
        seeded, context = seed_files(data_dir, district, rng)
        print(f"[bench]    {seeded}", flush=True)

        print("[bench] 3. measure: the office again, on the full store", flush=True)
        office = Office(data_dir)

        measured = run(office, lambda: measure(office, district, context))

    problems = list(measured["checks"].pop("problems"))
    if seeded["movements"] != FILES * MOVES_PER_FILE:
        problems.append(f"seeded {seeded['movements']} movements, not {FILES * MOVES_PER_FILE}")
    if grown["figures"]["vacant_posts"]:
        problems.append(f"posts left vacant by onboarding: {grown['figures']['vacant_posts']}")
    result = {
        **run_facts(load_before),
        "limits": {"per_phase": LIMITS, "warmup": WARMUP, "concurrency": CONCURRENCY},
        "district": grown["figures"],
        "seed": seeded,
        "restart": measured["restart"],
        "queries": measured["queries"],
        "phases": measured["phases"],
        "ratios": ratios(measured["phases"]),
        "inbox_while_searching": measured["inbox_while_searching"],
        "mixed": measured["mixed"],
        "checks": measured["checks"],
        "problems": problems,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    result["goal"] = goal(result)
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
