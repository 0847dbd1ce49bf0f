"""common.fonts: the PDF fonts come from fontconfig, and a missing one is named."""

from pathlib import Path

import pytest

from common import fonts


def test_the_noto_fonts_are_found_through_fontconfig():
    for name in (fonts.DEVANAGARI, fonts.DEVANAGARI_BOLD, fonts.LATIN, fonts.LATIN_BOLD):
        path = fonts.find(name)
        assert path is not None and path.name == name and path.is_file()


def test_a_missing_font_is_named_with_how_to_install_it(tmp_path: Path):
    with pytest.raises(fonts.FontsMissing, match=r"NoSuchSans-Regular\.ttf .*fonts-noto-core"):
        fonts.require([fonts.LATIN, "NoSuchSans-Regular.ttf"])
    with pytest.raises(fonts.FontsMissing, match=str(tmp_path / fonts.LATIN)):
        fonts.require([fonts.LATIN], tmp_path)


def test_a_directory_named_is_used_instead(tmp_path: Path):
    installed = fonts.find(fonts.LATIN)
    assert installed is not None
    (tmp_path / fonts.LATIN).write_bytes(installed.read_bytes())
    assert fonts.require([fonts.LATIN], tmp_path) == [tmp_path / fonts.LATIN]
