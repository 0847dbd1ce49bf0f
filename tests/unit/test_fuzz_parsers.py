"""Every parser of what people upload, fed random bytes and valid uploads with a few bytes
changed: a PDF (a scan, a draft, a PDF to verify), a master data sheet (CSV, XLSX), a DSC
certificate, and the signature the token signer sends back. Each answers with a value or one
of the office's named refusals (common/errors.py, which the gateway turns into a 4xx) and never
anything else, and none hangs: the inputs are bounded and each test has a deadline."""

import base64
import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import Conflict, InvalidInput, Refused, TooLarge, UnsupportedMedia
from common.pdf import check_pdf
from services.files.service.receipts import decode_pdf
from services.identity.domain import dsc, sheets
from services.signing.domain import token_signing, verification
from services.signing.domain.seal import Seal
from services.signing.render.stamp import Stamp
from tests.support import pdfs, pki
from tests.support.sheets import csv_sheet, person

# Room enough for a slow pyHanko call on a busy two-core machine; a hang blows through it.
FUZZ = settings(
    max_examples=800,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
SLOW_FUZZ = settings(FUZZ, max_examples=250, deadline=15000)

INTERESTING_NUMBERS = st.sampled_from(
    [0, 1, -1, 2, 7, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**32, 2**63, 10**12, 10**30]
)


@st.composite
def mutated(draw, valid: bytes, edits: int = 4) -> bytes:
    """``valid`` with a few changes of the kinds that break parsers: bytes flipped, cut out,
    repeated or put in, the end cut off, a number in it made huge, negative or zero. Mostly one
    change, so that most inputs get past the first checks to the parts behind them."""
    data = bytearray(valid)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, edits]))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "repeat", "insert", "truncate", "number"]))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 256))] * draw(st.integers(1, 4))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "truncate":
            del data[at:]
        else:
            numbers = list(re.finditer(rb"-?\d+", bytes(data)))
            if numbers:
                found = draw(st.sampled_from(numbers))
                data[found.start() : found.end()] = str(draw(INTERESTING_NUMBERS)).encode()
    return bytes(data)


def answers_or_refuses(parse, *refusals):
    """What ``parse`` answers, or None when it refused with one of the named ``refusals``."""
    try:
        return parse()
    except refusals as refused:
        assert refused.code and refused.code == refused.code.upper()
        return None


# --- PDF ------------------------------------------------------------------------------------

PDF_REFUSALS = (InvalidInput, UnsupportedMedia, TooLarge)
ROOTS = [pki.root_ca().der]
CHAIN = [pki.licensed_ca().der, pki.root_ca().der]


@pytest.fixture(scope="module")
def sealed_pdf() -> bytes:
    """A letter signed (sealed) as the office issues it: the most structure a PDF we read has."""
    ca = pki.licensed_ca()
    pem, cert = Seal.generate("District Police Office (seal)", ca.key, ca.der, b"fuzz-password")
    seal = Seal.load(pem, b"fuzz-password", cert, CHAIN)
    return seal.sign(pdfs.pdf(2, "Letter"), stamp(), "Seal-fuzz")


def stamp() -> Stamp:
    return Stamp(
        name_en="Pooja Yadav",
        name_hi="पूजा यादव",
        designation_en="Superintendent of Police",
        designation_hi="पुलिस अधीक्षक",
        office_en="District Police Office",
        office_hi="ज़िला पुलिस कार्यालय",
        signed_at=datetime.now(UTC),
    )


@st.composite
def with_its_signature_changed(draw, signed: bytes) -> bytes:
    """The signed PDF with its signature container (CMS, in hex in /Contents) changed in place,
    the byte ranges untouched: reaches the CMS and certificate readers behind the PDF's."""
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", start)
    container = draw(mutated(bytes.fromhex(signed[start:end].decode())))
    hexed = container.hex().upper().encode()[: end - start].ljust(end - start, b"0")
    return signed[:start] + hexed + signed[end:]


def pdf_inputs(*valid: bytes):
    """Half valid PDFs changed a little, half noise (with or without a PDF's first line)."""
    return st.one_of(
        st.sampled_from(valid).flatmap(mutated),
        st.one_of(
            st.binary(max_size=2048),
            st.binary(max_size=2048).map(lambda tail: b"%PDF-1.7\n" + tail),
        ),
    )


@FUZZ
@given(data=st.data())
def test_a_scan_or_draft_is_read_or_refused_by_name(data, sealed_pdf):
    content = data.draw(pdf_inputs(pdfs.pdf(), pdfs.pdf(3, "Letter"), sealed_pdf))
    pages = answers_or_refuses(lambda: check_pdf(content), *PDF_REFUSALS)
    assert pages is None or pages >= 1


@FUZZ
@given(text=st.one_of(st.text(max_size=64), st.binary(max_size=64).map(base64.b64encode)))
def test_a_pdf_sent_over_the_bus_is_base64_or_refused_by_name(text):
    decoded = answers_or_refuses(
        lambda: decode_pdf(text if isinstance(text, str) else text.decode()), InvalidInput
    )
    assert decoded is None or isinstance(decoded, bytes)


@SLOW_FUZZ
@given(data=st.data())
def test_a_pdf_anyone_uploads_for_verification_is_reported_on_or_refused(data, sealed_pdf):
    content = data.draw(st.one_of(pdf_inputs(sealed_pdf), with_its_signature_changed(sealed_pdf)))
    report = answers_or_refuses(lambda: verification.verify(content, ROOTS), *PDF_REFUSALS)
    if report is not None:  # a report on every signature, a broken one said to be not valid
        assert isinstance(report["ok"], bool)
        assert all(isinstance(s["valid"], bool) for s in report["signatures"])


@SLOW_FUZZ
@given(data=st.data())
def test_a_draft_pdf_is_prepared_for_signing_or_refused_by_name(data, sealed_pdf, officer):
    content = data.draw(pdf_inputs(pdfs.pdf(), sealed_pdf))
    answers_or_refuses(
        lambda: token_signing.prepare(content, officer.der, CHAIN, stamp(), "Sig-officer"),
        *PDF_REFUSALS,
        Refused,
        Conflict,
    )


# --- master data sheets -------------------------------------------------------------------

RULES = sheets.SheetRules(
    email_domains=frozenset({"up.gov.in"}),
    designations=sheets.DESIGNATIONS,
    roles=frozenset({"dealing_hand", "diarist", "officer"}),
)
CSV = csv_sheet([person(n) for n in range(3)])


def xlsx_sheet() -> bytes:
    """The template as a nodal officer fills it: headers, and three people."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(sheets.template_xlsx(list(sheets.DESIGNATIONS))))
    sheet = workbook.worksheets[0]
    for n in range(3):
        sheet.append([person(n)[c.field] for c in sheets.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX = xlsx_sheet()


@st.composite
def xlsx_with_a_part_changed(draw) -> bytes:
    """The sheet's zip rebuilt with one of its XML parts changed: reaches the XML reader
    (row numbers, cell references, shared strings) rather than the zip's checksums."""
    with zipfile.ZipFile(io.BytesIO(XLSX)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    parts[name] = draw(mutated(parts[name]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return out.getvalue()


def read_and_check(content: bytes, filename: str) -> None:
    rows = answers_or_refuses(lambda: sheets.read_sheet(content, filename), InvalidInput)
    for row in rows or ():
        check = sheets.validate_row(row, RULES)
        assert check.ok or all(r["code"] == r["code"].upper() for r in check.reasons)


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=1024).map(str.encode),
        mutated(CSV),
    )
)
def test_a_csv_sheet_is_read_row_by_row_or_refused_by_name(content):
    read_and_check(content, "staff.csv")


@FUZZ
@given(content=st.one_of(mutated(XLSX), xlsx_with_a_part_changed()))
def test_an_xlsx_sheet_is_read_row_by_row_or_refused_by_name(content):
    read_and_check(content, "staff.xlsx")


# --- DSC certificates -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def officer() -> pki.Issued:
    return pki.officer("Rajesh Kumar Singh")


@FUZZ
@given(data=st.data())
def test_a_dsc_certificate_is_enrolled_or_refused_by_name(data, officer):
    content = data.draw(
        st.one_of(
            st.binary(max_size=2048),
            mutated(officer.der),
            mutated(officer.pem),
            st.binary(max_size=512).map(
                lambda body: (
                    b"-----BEGIN CERTIFICATE-----\n"
                    + base64.encodebytes(body)
                    + b"-----END CERTIFICATE-----\n"
                )
            ),
        )
    )

    def enrol():
        certificate = dsc.load_certificate(content)
        return dsc.check_enrolment(
            certificate,
            [pki.root_ca().cert],
            [pki.licensed_ca().cert],
            ["Rajesh Kumar Singh"],
            datetime.now(UTC),
        )

    enrolled = answers_or_refuses(enrol, InvalidInput, Refused)
    if enrolled is not None:  # only the officer's own certificate, however it was spelt
        assert enrolled["sha256"] == hashlib.sha256(officer.der).hexdigest()


# --- the token's signature -------------------------------------------------------------------


@pytest.fixture(scope="module", params=["rsa", "ec"])
def signer(request):
    """An officer's certificate and a signing prepared for it, and the token's true signature."""
    officer = pki.officer(f"Officer {request.param}", key_type=request.param)
    prepared = token_signing.prepare(pdfs.pdf(), officer.der, CHAIN, stamp(), "Sig-officer")
    if isinstance(officer.key, rsa.RSAPrivateKey):
        signature = officer.key.sign(prepared.signed_attrs, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = officer.key.sign(prepared.signed_attrs, ec.ECDSA(hashes.SHA256()))
    return officer, prepared, signature


@FUZZ
@given(data=st.data())
def test_a_signature_not_made_by_the_officers_key_is_refused_by_name(data, signer):
    officer, prepared, signature = signer
    sent = data.draw(st.one_of(st.binary(max_size=600), mutated(signature)))
    answers_or_refuses(
        lambda: token_signing.check_token_signature(officer.der, prepared.signed_attrs, sent),
        InvalidInput,
        Refused,
    )


@SLOW_FUZZ
@given(data=st.data())
def test_only_the_officers_own_signature_is_embedded(data, signer):
    officer, prepared, signature = signer
    sent = data.draw(st.one_of(st.just(signature), mutated(signature), st.binary(max_size=600)))
    signed = answers_or_refuses(
        lambda: token_signing.finish(prepared, officer.der, CHAIN, sent), InvalidInput, Refused
    )
    assert (signed is not None) == (sent == signature)


# --- what the fuzzing found, kept as examples --------------------------------------------------


def test_a_pdf_base64_with_a_letter_outside_ascii_is_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        decode_pdf("JVBERi0é")  # base64 refused it with ValueError, not binascii.Error
    assert refused.value.code == "PDF_NOT_BASE64"


BROKEN_NUMBERS = {
    "an offset too large for an int (OverflowError)": (b"startxref\n", b"startxref\n" + b"9" * 23),
    "a number that is no decimal (decimal.InvalidOperation)": (b"/Count 1", b"/Count 1.2.3"),
    "a negative first object number (pyHanko's own assertion)": (b"xref\n0 6", b"xref\n-5 6"),
}


@pytest.mark.parametrize("broken", BROKEN_NUMBERS.values(), ids=list(BROKEN_NUMBERS))
def test_a_pdf_with_a_broken_number_is_unreadable(broken):
    with pytest.raises(InvalidInput) as refused:
        check_pdf(pdfs.pdf().replace(*broken))
    assert refused.value.code == "PDF_UNREADABLE"


BROKEN_PAGE_TREES = {
    "no pages under the root (KeyError)": (b"/Kids [3 0 R]", b"/Kids null"),
    "a page tree that holds itself": (b"/Kids [3 0 R]", b"/Kids [2 0 R]"),
    "a page size that is no number (ValueError)": (b"0 0 595 842", b"0 0 (x) 842"),
}


@pytest.mark.parametrize("broken", BROKEN_PAGE_TREES.values(), ids=list(BROKEN_PAGE_TREES))
def test_a_draft_whose_page_tree_is_broken_is_refused_not_signed(broken, officer):
    draft = pdfs.pdf().replace(*broken)
    assert check_pdf(draft) == 1  # it opens; the page tree fails only when a field is added
    with pytest.raises(InvalidInput) as refused:
        token_signing.prepare(draft, officer.der, CHAIN, stamp(), "Sig-officer")
    assert refused.value.code == "PDF_UNREADABLE"


def test_a_signature_carrying_a_garbled_certificate_is_reported_unreadable(sealed_pdf):
    start = sealed_pdf.index(b"/Contents <") + len(b"/Contents <")
    end = sealed_pdf.index(b">", start)
    container = bytearray(bytes.fromhex(sealed_pdf[start:end].decode()))
    root = container.index(pki.root_ca().der[:40])  # the root's certificate in the container
    container[root + 14] ^= 0x20  # a tag in it changed: read only when a path is built
    garbled = sealed_pdf[:start] + bytes(container).hex().upper().encode() + sealed_pdf[end:]
    report = verification.verify(garbled, ROOTS)
    assert not report["ok"]
    assert [s["problem"] for s in report["signatures"]] == ["SIGNATURE_UNREADABLE"]


def test_a_certificate_of_an_unknown_version_or_with_a_garbled_issuer_is_no_certificate(officer):
    der = officer.der
    at = der.index(bytes.fromhex("a003020102"))  # version: v3
    version_4 = der[:at] + bytes.fromhex("a003020103") + der[at + 5 :]
    issuer = der.index(officer.cert.issuer.public_bytes())
    garbled_issuer = bytearray(der)
    garbled_issuer[issuer + 11] ^= 0x20  # read only when the issuer is first asked for
    for content in (version_4, bytes(garbled_issuer)):
        with pytest.raises(InvalidInput) as refused:
            dsc.load_certificate(content)
        assert refused.value.code == "NOT_A_CERTIFICATE"


def test_an_xlsx_sheet_whose_xml_is_broken_is_no_spreadsheet():
    with zipfile.ZipFile(io.BytesIO(XLSX)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</row>", b"</rwo>", 1
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    with pytest.raises(InvalidInput) as refused:
        sheets.read_sheet(out.getvalue(), "staff.xlsx")
    assert refused.value.code == "SHEET_NOT_SPREADSHEET"
