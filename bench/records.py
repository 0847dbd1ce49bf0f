"""How fast is OCR of scanned records, how fast is full-text search over 100,000 documents, and
how big is the index?

In-process, with no Nameko, no RabbitMQ and no store (the search RPC adds an RPC, reading each
candidate item and judging who may see it; bench.files measures those). In this order:

1. ocr      Scans as a record room makes them: a typed Hindi letter (several lines, with
            चौकीदार and भूमि विवाद in it) drawn by common.office_pdf.OfficePdf, rasterised by
            pdftoppm at 200 dpi and wrapped alone into a PDF (tools.demo_scans), so it has no
            text layer. Each is read by ``services.files.text.extract.read_text`` (pdftoppm +
            Tesseract eng+hin) one after another with Tesseract held to one thread
            (OMP_THREAD_LIMIT=1): pages per minute per core, from wall time and from the CPU
            time of the child processes; and how many pages gave back the distinctive word.
2. index    DOCS documents (default 100,000, EOFFICE_BENCH_DOCS) of generated text, one page of
            WORDS words each: Hindi and English office words (a few common, most rare, as in
            real letters), names of villages and people, numbers, a file number now and then;
            put into ``FullTextIndex`` through its own ``put`` (folding included), in batches.
            Build rate, and index size on disk per 1,000 pages.
3. search   Queries of each shape a clerk types (a common Hindi word, a rare one, the start of a
            word, two words, Hindi and English together, a file number, a word nobody wrote),
            each asked in turn: ``text_query`` + ``FullTextIndex.search`` for the first page of
            20, p50 and p95; the snippets of those 20 from their original text, p50 and p95;
            and the baseline, a bare FTS5 query with the same MATCH on the same index
            (``SELECT rowid FROM words WHERE words MATCH ? ORDER BY rank LIMIT 20``), and the
            ratio of ours to it.

    .venv/bin/python -m bench.records     (writes bench/results/records-latest.json as well)
"""

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from services.files.text.extract import Unreadable, read_text
from services.files.text.index import Filters, FullTextIndex, Row
from services.files.text.query import text_query
from services.files.text.snippets import snippet
from tools.demo_scans import hindi_scan_pdf

RESULTS = Path(__file__).resolve().parent / "results" / "records-latest.json"
DOCS = int(os.environ.get("EOFFICE_BENCH_DOCS", "100000"))
WORDS = 250  # a typed page
SCANS = int(os.environ.get("EOFFICE_BENCH_SCANS", "6"))
ROUNDS = 40  # each query asked this many times
BATCH = 2_000
SEED = 15

LETTER = [
    "कार्यालय पुलिस अधीक्षक, हाथरस",
    "पत्रांक: अ-11011/3/2025-स्था    दिनांक: 12.03.2025",
    "विषय: ग्राम नगला सिंघी में भूमि विवाद के संबंध में।",
    "महोदय,",
    "ग्राम के चौकीदार रामसिंह ने सूचित किया है कि खसरा संख्या 412 की",
    "भूमि पर दो पक्षों में विवाद चल रहा है। थाना सासनी द्वारा मौके पर",
    "जाकर जाँच की गई तथा दोनों पक्षों को शांति बनाए रखने हेतु निर्देशित",
    "किया गया। कृपया आवश्यक कार्यवाही हेतु आदेश देने का कष्ट करें।",
    "भवदीय, प्रभारी निरीक्षक, थाना सासनी",
]


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


HINDI_COMMON = words(
    "के की में है से को और का पर हेतु किया गया संबंध विषय महोदय कार्यालय पत्र आदेश थाना "
    "पुलिस जिला ग्राम भूमि विवाद जाँच रिपोर्ट प्रार्थना आवेदन निरीक्षक अधीक्षक उप द्वारा "
    "अनुसार कार्यवाही सूचना दिनांक संख्या प्रकरण शिकायत अभियोग आरक्षी मुख्य वेतन अवकाश"
)
HINDI_RARE = words(
    "चौकीदार खसरा खतौनी लेखपाल तहसीलदार पटवारी मुकदमा वारंट समन जमानत कुर्की बरामदगी "
    "अपहरण चोरी डकैती हत्या मारपीट दहेज उत्पीड़न साइबर धोखाधड़ी नीलामी निविदा बजट अनुदान "
    "स्थानांतरण पदोन्नति निलंबन बहाली पेंशन भविष्यनिधि चिकित्सा प्रमाणपत्र सत्यापन चरित्र"
)
ENGLISH = words(
    "the of and to in for on with by office police station district report inquiry complaint "
    "order letter subject reference dated regarding transfer leave salary land dispute village "
    "constable inspector superintendent court summons warrant bail case number file record"
)
PLACES = words("हाथरस सासनी सिकंदराराऊ मुरसान सादाबाद अलीगढ़ इगलास खैर अतरौली नगला")
NAMES = words("रामसिंह श्यामलाल मोहनलाल सुरेश रमेश गीता सीता राधा इकबाल अनीता")


# --- 1. scans and OCR ----------------------------------------------------------------------


def ocr(scans: int) -> dict:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract on one core, so the figure is per core
    pdfs = [hindi_scan_pdf(LETTER) for _ in range(scans)]
    found = failed = 0
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    for pdf in pdfs:
        try:
            reading = read_text(pdf, deadline_s=300)
        except Unreadable as exc:
            failed += 1
            print(f"[bench]   unreadable: {exc.reason} {exc.detail}", flush=True)
            continue
        found += "चौकीदार" in reading.text
    wall = time.monotonic() - began
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    pages = scans - failed
    return {
        "pages": pages,
        "failed": failed,
        "wall_s": round(wall, 2),
        "child_cpu_s": round(cpu, 2),
        "pages_per_minute_per_core_wall": round(pages * 60 / wall, 1) if wall else None,
        "pages_per_minute_per_core_cpu": round(pages * 60 / cpu, 1) if cpu else None,
        "pages_with_the_word_found": found,
    }


# --- 2. the index --------------------------------------------------------------------------


def page_of_text(rng: random.Random, n: int) -> str:
    words = []
    for _ in range(WORDS):
        pick = rng.random()
        if pick < 0.45:
            words.append(rng.choice(HINDI_COMMON))
        elif pick < 0.60:
            words.append(rng.choice(HINDI_RARE))
        elif pick < 0.80:
            words.append(rng.choice(ENGLISH))
        elif pick < 0.88:
            words.append(rng.choice(PLACES) + rng.choice(("", "", "पुर", "गंज")))
        elif pick < 0.95:
            words.append(rng.choice(NAMES))
        else:
            words.append(str(rng.randint(1, 99999)))
    if n % 50 == 0:
        words.append(f"A-{rng.randint(11000, 11099)}/{n % 97}/20{rng.randint(10, 25)}-ESTT")
    if n % 1000 == 7:
        words.append(f"दुर्लभ{n}")  # a word a few documents have
    return " ".join(words) + "।"


def build(index: FullTextIndex, docs: int) -> dict:
    rng = random.Random(SEED)
    began, seq = time.monotonic(), 0
    for start in range(0, docs, BATCH):
        rows = []
        for n in range(start, min(docs, start + BATCH)):
            rows.append(
                Row(
                    kind="files" if n % 3 == 0 else "receipts",
                    item_id=f"i{n}",
                    sha256=f"{n:064x}",
                    what=("legacy", "receipt", "letter")[n % 3],
                    year=2000 + n % 26,
                    section=("ESTT", "CRIME", "ACCTS")[n % 3],
                    fields=f"{n}/2025/SP-HTR {rng.choice(HINDI_RARE)} {rng.choice(NAMES)}",
                    text=page_of_text(rng, n),
                )
            )
        seq += len(rows)
        index.put(rows, seq)
        if start and start % 20_000 == 0:
            print(f"[bench]   {start} documents indexed", flush=True)
    wall = time.monotonic() - began
    size = index.size()
    return {
        "documents": docs,
        "words_per_page": WORDS,
        "build_s": round(wall, 1),
        "documents_per_s": round(docs / wall),
        "size_mb": round(size / 2**20, 1),
        "mb_per_1000_pages": round(size / 2**20 / (docs / 1000), 2),
    }


# --- 3. search -----------------------------------------------------------------------------

QUERIES = {
    "common Hindi word": "भूमि",
    "rare Hindi word": "दुर्लभ1007",
    "start of a word": "चौकी",
    "two words": "भूमि विवाद",
    "Hindi and English": "चौकीदार report",
    "file number": "A-11011",
    "word nobody wrote": "अंतरिक्षयान",
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)


def texts_of(ids: list[str]) -> list[str]:
    """The original text of documents, made again from their numbers (as the store keeps it)."""
    out = []
    for item_id in ids:
        n = int(item_id[1:])
        # A stand-in of the same shape and vocabulary (the index keeps only the folded text).
        out.append(page_of_text(random.Random(n), n))
    return out


def search(index: FullTextIndex) -> dict:
    bare_sql = "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rank LIMIT 20"
    raw = index._db  # the baseline asks the same SQLite file directly
    figures = {}
    for shape, query in QUERIES.items():
        ours, snippets, bare, hits = [], [], [], 0
        for _ in range(ROUNDS):
            began = time.perf_counter()
            asked = text_query(query)
            found = index.search(asked.match, Filters(), 20)
            ours.append(time.perf_counter() - began)
            texts = texts_of([h.item_id for h in found])
            began = time.perf_counter()
            for text in texts:
                snippet(text, asked)
            snippets.append(time.perf_counter() - began)
            began = time.perf_counter()
            raw.execute(bare_sql, (asked.match,)).fetchall()
            bare.append(time.perf_counter() - began)
            hits = len(found)
        matching = raw.execute(
            "SELECT count(*) FROM words WHERE words MATCH ?", (text_query(query).match,)
        ).fetchone()[0]
        figures[shape] = {
            "query": query,
            "matching": matching,
            "page": hits,
            "p50_ms": pct(ours, 0.5),
            "p95_ms": pct(ours, 0.95),
            "snippets_p50_ms": pct(snippets, 0.5),
            "snippets_p95_ms": pct(snippets, 0.95),
            "bare_fts5_p50_ms": pct(bare, 0.5),
            "bare_fts5_p95_ms": pct(bare, 0.95),
            "ratio_p50": round(pct(ours, 0.5) / max(pct(bare, 0.5), 0.001), 2),
        }
        print(f"[bench]   {shape}: {figures[shape]}", flush=True)
    return figures


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    print(f"[bench] 1. ocr: {SCANS} Hindi scans, one core", flush=True)
    results: dict = {"ocr": ocr(SCANS)}
    print(f"[bench]   {results['ocr']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-records-") as tmp:
        index = FullTextIndex(Path(tmp) / "fulltext.sqlite3")
        print(f"[bench] 2. index: {DOCS} pages of generated text", flush=True)
        results["index"] = build(index, DOCS)
        print(f"[bench]   {results['index']}", flush=True)
        print(f"[bench] 3. search: {len(QUERIES)} shapes x {ROUNDS}", flush=True)
        results["search"] = search(index)
        index.close()
    results["machine"] = {
        "cores": os.cpu_count(),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "total_s": round(time.monotonic() - began, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
