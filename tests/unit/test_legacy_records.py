"""The record room's bad input, without a broker: a ZIP bomb, paths escaping the ZIP's folder,
scans encrypted, broken or of nothing, and sheets with missing or repeated old file numbers."""

import io
import subprocess
import zipfile
from datetime import date

import pytest
from fpdf import FPDF

from common.errors import InvalidInput, TooLarge
from services.files.domain import batches, legacy
from tests.support.pdfs import broken_pdf, pdf
from tools.demo_scans import blank_scan_pdf, hindi_scan_pdf

TODAY = date(2026, 12, 10)
HEADER = "Old file number,Subject,Year,Section,Retention category,File name\n"


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def sheet(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def encrypted_pdf() -> bytes:
    doc = FPDF()
    doc.set_encryption(owner_password="owner", user_password="secret")
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="locked")
    return bytes(doc.output())


def test_a_zip_with_its_sheet_gives_the_sheet_and_its_pdfs_by_name():
    content = zipped(
        {
            "batch/records.csv": sheet("12/1987,Land dispute,1987,ESTT,B,Scan-12.pdf"),
            "batch/Scan-12.pdf": pdf(),
            "batch/notes.txt": b"passed over",
            "__MACOSX/batch/._Scan-12.pdf": b"passed over",
        }
    )
    unpacked = batches.unpack(content)
    assert unpacked.sheet_name == "records.csv"
    assert list(unpacked.scans) == ["scan-12.pdf"]


def test_a_zip_bomb_is_refused_on_what_it_unpacks_to_never_on_what_it_claims():
    bomb = zipped({"records.csv": sheet(), "big.pdf": b"%PDF-" + b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # a few hundred KB that unpack to 60 MB
    with pytest.raises(TooLarge) as refused:
        batches.unpack(bomb)
    assert refused.value.code == "RECORDS_ZIP_TOO_LARGE"


def test_a_zip_that_lies_about_its_sizes_is_still_capped():
    content = bytearray(
        zipped({"records.csv": sheet(), "a.pdf": b"%PDF-" + b"A" * (5 * 1024 * 1024)})
    )
    # Claim 10 bytes in both the local header and the central directory: read is still capped.
    honest = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("a.pdf")
    for at in (honest.header_offset + 22, bytes(content).rfind(b"PK\x01\x02") + 24):
        content[at : at + 4] = (10).to_bytes(4, "little")
    with pytest.raises((TooLarge, InvalidInput)) as refused:
        batches.unpack(bytes(content))
    assert refused.value.code in ("RECORDS_ZIP_TOO_LARGE", "RECORDS_ZIP_BROKEN")


def test_too_many_members_is_a_bomb_too():
    members = {f"{n}.pdf": b"" for n in range(batches.MAX_MEMBERS + 1)}
    with pytest.raises(TooLarge):
        batches.unpack(zipped(members, zipfile.ZIP_STORED))


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/cron.d/x.pdf",
        "/etc/passwd.pdf",
        "C:/Windows/x.pdf",
        "a/../../b.pdf",
        "..\\..\\x.pdf",
        "d:evil.pdf",
    ],
)
def test_a_path_escaping_the_zips_folder_refuses_the_zip(path):
    with pytest.raises(InvalidInput) as refused:
        batches.unpack(zipped({"records.csv": sheet(), path: pdf()}))
    assert refused.value.code == "RECORDS_ZIP_UNSAFE_PATH"


def test_a_zip_without_its_sheet_or_not_a_zip_at_all_is_refused():
    with pytest.raises(InvalidInput) as no_sheet:
        batches.unpack(zipped({"a.pdf": pdf()}))
    assert no_sheet.value.code == "RECORDS_ZIP_NO_SHEET"
    with pytest.raises(InvalidInput) as broken:
        batches.unpack(b"PK\x03\x04 not really")
    assert broken.value.code == "RECORDS_ZIP_BROKEN"
    with pytest.raises(InvalidInput) as twice:
        batches.unpack(zipped({"records.csv": sheet(), "a/x.pdf": pdf(), "b/X.pdf": pdf()}))
    assert twice.value.code == "RECORDS_ZIP_NAME_REPEATED"


def test_sheet_rows_missing_or_repeating_an_old_number_are_refused_and_the_rest_kept():
    rows = batches.sheet_rows(
        sheet(
            "12/1987,Land dispute,1987,ESTT,B,a.pdf",
            ",No number,1990,ESTT,A,b.pdf",
            "12/1987 ,Same number again,1991,ESTT,C,c.pdf",
            "14/1999,Bad category,1999,ESTT,D,d.pdf",
            "15/1999,Bad year,99,ESTT,A,e.pdf",
            "16/2001,Good too,2001,,a,f.pdf",
        ),
        "records.csv",
        lambda: False,
        TODAY,
    )
    codes = [r.answer()["code"] for r in rows]
    assert codes == [
        None,
        "LEGACY_OLD_NUMBER_MISSING",
        "LEGACY_OLD_NUMBER_REPEATED",
        "LEGACY_CATEGORY_INVALID",
        "LEGACY_YEAR_INVALID",
        None,
    ]
    assert rows[5].category == "A" and rows[5].section == ""
    assert [r.row for r in rows] == [2, 3, 4, 5, 6, 7]


def test_a_sheet_may_carry_a_grading_and_hindi_headers():
    content = (
        "पुरानी फ़ाइल संख्या,विषय,वर्ष,अनुभाग,अभिलेख श्रेणी,फ़ाइल का नाम,सुरक्षा श्रेणी\n"
        "7/1980,भूमि विवाद,1980,ESTT,A,x.pdf,secret\n"
        "8/1980,चौकीदार,1980,ESTT,A,y.pdf,very secret\n"
    ).encode()
    rows = batches.sheet_rows(content, "records.csv", lambda: False, TODAY)
    assert rows[0].grading == "secret" and not rows[0].reasons
    assert rows[1].reasons == ("LEGACY_GRADING_INVALID",)


def test_an_image_of_nothing_is_kept_an_encrypted_or_broken_pdf_is_not():
    assert legacy.scan_problem(blank_scan_pdf()) == (None, 1)
    assert legacy.scan_problem(encrypted_pdf())[0] == "LEGACY_SCAN_ENCRYPTED"
    assert legacy.scan_problem(broken_pdf())[0] == "LEGACY_SCAN_BROKEN"
    assert legacy.scan_problem(b"%PDF-1.4 and nothing more")[0] == "LEGACY_SCAN_BROKEN"
    assert legacy.scan_problem(b"PK not a pdf")[0] == "LEGACY_SCAN_NOT_PDF"


def test_the_demo_scan_is_an_image_with_no_text_layer(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(hindi_scan_pdf(["चौकीदार की नियुक्ति", "भूमि विवाद"]))
    text = subprocess.run(["pdftotext", str(scan), "-"], capture_output=True, check=True)
    assert text.stdout.strip() == b""
    images = subprocess.run(["pdfimages", "-list", str(scan)], capture_output=True, check=True)
    assert b"image" in images.stdout


def test_retention_runs_from_the_old_files_year():
    row = batches.check_row(
        {"old_number": "1", "subject": "s", "year": "1990", "category": "B", "file_name": "a.pdf"},
        2026,
    )
    assert legacy.review_date(row) == date(2015, 12, 31)
    assert legacy.review_date(batches.Row(**{**row.__dict__, "category": "A"})) is None
