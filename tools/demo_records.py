"""The demo district's record room: the first time `make run` seeds Hathras, the Head Clerk of
Establishment uploads a ZIP of four old files, scanned (real image-only scans of Hindi letters,
made by tools/demo_scans.py), with its sheet, as a record room clerk would. Each scan carries
"चौकीदार" and "भूमि विवाद", so the search can be tried on words only OCR can read."""

import base64
import csv
import io
import zipfile
from typing import Any

from tools.demo_scans import hindi_scan_pdf
from tools.demo_work import People

CLERK = "hc.estt.hathras"
# (old file number, year, retention category, subject, the letter's lines)
FILES = (
    ("12/1987", 1987, "B", "ग्राम चौकीदार की नियुक्ति", "ग्राम नगला भोज में चौकीदार की नियुक्ति"),
    ("31/1994", 1994, "A", "भूमि विवाद, ग्राम सासनी", "ग्राम सासनी का भूमि विवाद: चौकीदार की रिपोर्ट"),
    ("7/2003", 2003, "C", "चौकीदार का वेतन", "चौकीदार रामपाल का वेतन भुगतान"),
    ("45/2009", 2009, "B", "थाना सादाबाद का अभिलेख", "थाना सादाबाद: भूमि विवाद में चौकीदार का बयान"),
)


def records_zip() -> bytes:
    """The ZIP a record room sends: a scan per old file and the sheet that describes them."""
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(
        ["Old file number", "Subject", "Year", "Section", "Retention category", "File name"]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for old, year, category, subject, line in FILES:
            name = f"scan-{old.replace('/', '-')}.pdf"
            lines = [
                f"पुलिस अधीक्षक कार्यालय, हाथरस — फ़ाइल {old}",
                line,
                "विषय: भूमि विवाद",
                f"वर्ष {year}",
            ]
            archive.writestr(f"records/{name}", hindi_scan_pdf(lines))
            writer.writerow([old, subject, year, "ESTT", category, name])
        archive.writestr("records/records.csv", sheet.getvalue().encode())
    return out.getvalue()


def seed_records(files: Any, people: People) -> dict[str, Any]:
    """Upload the demo batch as the Head Clerk; answers the batch. ``files`` is a Nameko RPC
    proxy. Run once, with the demo's desk work."""
    upload = {
        "filename": "records.zip",
        "content_b64": base64.b64encode(records_zip()).decode(),
        "fields": {},
    }
    batch: dict[str, Any] = files.record_batch(people.as_(CLERK), upload)
    return batch
