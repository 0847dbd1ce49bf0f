"""Read a PDF's words: its text layer when it has one (poppler's ``pdftotext``), OCR of its
pages when it has not (poppler's ``pdftoppm`` to images, then Tesseract with its English and
Hindi models). Each program runs as a child process under one deadline for the whole
document, so a hostile or huge scan is stopped and marked failed rather than holding the worker.
"""

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eventlet import patcher

# English first: with Hindi's model first, Tesseract misread Latin digits in Hindi letters (1994
# as 994, 03.11.2001 as 03.7.200) and the Hindi words read no better (measured on our scans).
OCR_LANGUAGES = "eng+hin"
OCR_DPI = 200  # enough for typed office letters; 300 doubles the time for little gain
# Fewer letters than this on every page means the text layer is absent or only a scanner's
# stamp: read the pages' images instead.
MIN_LETTERS_PER_PAGE = 20
MAX_OCR_PAGES = 200
# Tesseract's OpenMP threads would take every core for one page (the same speed per page of
# CPU, measured in bench/records.py): held to one, the services beside it keep a core.
ONE_THREAD = {"OMP_THREAD_LIMIT": "1"}
# Under Nameko's monkey patching ``subprocess.run`` is green (the service answers while a child
# runs), but eventlet builds its Popen on a copy of the subprocess module of its own, so a
# timeout raises that copy's TimeoutExpired, which ``except subprocess.TimeoutExpired`` misses.
TIMED_OUT = (subprocess.TimeoutExpired, patcher.original("subprocess").TimeoutExpired)


@dataclass(frozen=True)
class Reading:
    method: str  # "text" (the PDF's own text layer) or "ocr"
    pages: int
    text: str


class Unreadable(Exception):
    """Why a document gave no text: ``reason`` is one of ``encrypted``, ``broken``,
    ``deadline``, ``no_text`` (an image of nothing), ``too_many_pages``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def read_text(pdf: bytes, deadline_s: float = 120.0) -> Reading:
    """The words of ``pdf`` (pages separated by form feeds), or :class:`Unreadable`."""
    ends_at = time.monotonic() + deadline_s
    with tempfile.TemporaryDirectory(prefix="eoffice-text-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        pages = _page_count(source, ends_at)
        layer = _run(["pdftotext", "-enc", "UTF-8", "-layout", str(source), "-"], ends_at)
        if _letters(layer) >= MIN_LETTERS_PER_PAGE * max(pages, 1) // 2:
            return Reading("text", pages, layer.strip())
        if pages > MAX_OCR_PAGES:
            raise Unreadable("too_many_pages", f"{pages} > {MAX_OCR_PAGES}")
        text = _ocr(source, Path(folder), pages, ends_at)
        if _letters(text) == 0:
            raise Unreadable("no_text")
        return Reading("ocr", pages, text)


def _page_count(source: Path, ends_at: float) -> int:
    info = _run(["pdfinfo", str(source)], ends_at)
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise Unreadable("broken", "no page count")


def _ocr(source: Path, folder: Path, pages: int, ends_at: float) -> str:
    read = []
    for page in range(1, pages + 1):
        image = folder / f"page-{page}"
        _run(
            ["pdftoppm", "-r", str(OCR_DPI), "-gray", "-png", "-singlefile"]
            + ["-f", str(page), "-l", str(page), str(source), str(image)],
            ends_at,
        )
        read.append(_run(["tesseract", f"{image}.png", "-", "-l", OCR_LANGUAGES], ends_at).strip())
        Path(f"{image}.png").unlink()
    return "\f".join(read)


def _run(command: list[str], ends_at: float) -> str:
    left = ends_at - time.monotonic()
    if left <= 0:
        raise Unreadable("deadline")
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=left,
            check=False,
            env={**os.environ, **ONE_THREAD},
        )
    except TIMED_OUT:
        raise Unreadable("deadline") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace")
        reason = "encrypted" if "ncrypt" in said or "password" in said.lower() else "broken"
        raise Unreadable(reason, said.strip()[-300:])
    return done.stdout.decode("utf-8", "replace")


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())
