"""The font files PDFs are drawn with, found once per process through fontconfig.

The note sheet, the RTI export, letters (fpdf2) and the signature stamp (pyHanko) all write Hindi
and English with Noto Sans Devanagari and Noto Sans. Fonts are named by their file, as both
libraries load files; where a file lives is fontconfig's answer (one ``fc-list`` run, kept), so
no path to ``/usr/share/fonts`` is written into the code. A caller may name a directory instead
(tests do, to see what happens when the fonts are missing)."""

import functools
import subprocess
from collections.abc import Iterable
from pathlib import Path

DEVANAGARI = "NotoSansDevanagari-Regular.ttf"
DEVANAGARI_BOLD = "NotoSansDevanagari-Bold.ttf"
LATIN = "NotoSans-Regular.ttf"
LATIN_BOLD = "NotoSans-Bold.ttf"

INSTALL_HINT = (
    "on Debian: apt-get install fontconfig fonts-noto-core, or pass the directory holding them"
)


class FontsMissing(RuntimeError):
    """Fonts a PDF needs are not installed (Debian: fonts-noto-core), or not in the directory
    the caller named."""


@functools.cache
def _installed() -> dict[str, Path]:
    """Every font file fontconfig knows, by file name."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\n"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}  # no fontconfig: every font is missing, and FontsMissing says which
    found: dict[str, Path] = {}
    for line in sorted(listing.splitlines()):  # sorted: the same copy wins in every process
        path = Path(line)
        found.setdefault(path.name, path)
    return found


def find(name: str, font_dir: Path | None = None) -> Path | None:
    """The file of the font ``name`` (``NotoSans-Regular.ttf``): in ``font_dir`` when given,
    else where fontconfig knows it; None if it is not there."""
    if font_dir is not None:
        path = font_dir / name
        return path if path.is_file() else None
    return _installed().get(name)


def require(names: Iterable[str], font_dir: Path | None = None) -> list[Path]:
    """The files of the fonts ``names``, in order; ``FontsMissing`` names each one not there."""
    names = list(names)
    found = [find(name, font_dir) for name in names]
    missing = [
        str(font_dir / name) if font_dir is not None else name
        for name, path in zip(names, found, strict=True)
        if path is None
    ]
    if missing:
        raise FontsMissing(
            "Fonts for Hindi PDFs not found: " + ", ".join(missing) + f" ({INSTALL_HINT})"
        )
    return [path for path in found if path is not None]
