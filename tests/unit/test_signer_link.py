"""The line the sign page shows, ``eoffice-sign://sign?office=…&signing=…&token=…``, as the
signer reads it: what the office writes is read back exactly, pasted with quotes or spaces
around it; a link cut short, changed, put together from two signings, pointing at an office
that is not over https, or expired, is refused with what is wrong, before anything is fetched."""

import base64
import json
import time

import pytest
from eoffice_signer.errors import UNUSABLE, SignerError
from eoffice_signer.link import Ticket, link_command, read_link, signing_link

NOW = time.time()


def token_for(signing_id: str = "sg-7", expires_in: int = 600, **claims) -> str:
    """A token shaped as identity makes one (its signature is for the office to check)."""
    body = {"aud": f"eoffice-signing:{signing_id}", "exp": int(NOW) + expires_in, **claims}
    part = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJFZERTQSJ9.{part}.c2lnbmF0dXJl"


def refused(line: str) -> str:
    with pytest.raises(SignerError) as error:
        read_link(line, now=NOW)
    assert error.value.exit_code == UNUSABLE
    return str(error.value)


def test_what_the_office_writes_is_read_back_as_the_signing_and_its_token():
    token = token_for(name="राजेश कुमार सिंह")
    link = signing_link("https://eoffice.up.gov.in/", "sg-7", token)

    assert link.startswith("eoffice-sign://sign?office=https://eoffice.up.gov.in&signing=sg-7&")
    assert read_link(link, now=NOW) == Ticket(
        url="https://eoffice.up.gov.in/api/v1/signing/sg-7",
        bearer=token,
        person="राजेश कुमार सिंह",
    )


def test_an_office_under_a_path_and_on_this_computer_are_taken():
    token = token_for()
    under = read_link(signing_link("https://up.gov.in/eoffice", "sg-7", token), now=NOW)
    here = read_link(signing_link("http://127.0.0.1:8000", "sg-7", token), now=NOW)

    assert under.url == "https://up.gov.in/eoffice/api/v1/signing/sg-7"
    assert here.url == "http://127.0.0.1:8000/api/v1/signing/sg-7"


@pytest.mark.parametrize("around", ['"{}"', "'{}'", "  {}\r\n", '\t"{}" '])
def test_a_pasted_line_may_carry_quotes_and_spaces(around):
    link = signing_link("https://eoffice.up.gov.in", "sg-7", token_for())

    assert read_link(around.format(link), now=NOW).bearer == token_for()


def test_the_command_quotes_the_link_for_every_shell():
    link = signing_link("https://eoffice.up.gov.in", "sg-7", token_for())

    command = link_command(link)

    assert command == f'eoffice-signer "{link}"'
    assert not set('$%!`"') & set(link)  # nothing bash, PowerShell or cmd reads inside "…"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "https://eoffice.up.gov.in/api/v1/signing/sg-7",
        "eoffice-signer eoffice-sign://sign?office=https://x&signing=s&token=t",
        "eoffice-sign://verify?office=https://x&signing=s&token=t",
        "eoffice-sign://sign/other?office=https://x&signing=s&token=t",
    ],
)
def test_what_is_not_a_signing_link_is_called_so(line):
    assert "this is not a signing link: it must begin eoffice-sign://sign?" in refused(line)


@pytest.mark.parametrize(
    "query",
    [
        "office=https://eoffice.up.gov.in&signing=sg-7",
        "office=https://eoffice.up.gov.in&signing=sg-7&token={t}&token={t}",
        "office=https://eoffice.up.gov.in&signing=sg-7&token={t}&then=https://elsewhere",
        "office=https://eoffice.up.gov.in&signing=sg-7&token=",
        "office&signing=sg-7&token={t}",
    ],
)
def test_a_link_cut_short_or_added_to_is_refused(query):
    line = "eoffice-sign://sign?" + query.format(t=token_for())

    assert "the link is cut short or changed" in refused(line)


@pytest.mark.parametrize(
    "office, said",
    [
        ("http://eoffice.up.gov.in", "is not reached over https"),
        ("http://10.0.0.5:8000", "is not reached over https"),
        ("ftp://eoffice.up.gov.in", "is not reached over https"),
        ("https://someone:secret@eoffice.up.gov.in", "is not a web address"),
        ("https://eoffice.up.gov.in?next=x", "is not a web address"),
        ("https://[::1", "is not a web address"),
        ("eoffice.up.gov.in", "is not a web address"),
    ],
)
def test_an_office_not_over_https_or_not_an_address_is_refused(office, said):
    line = signing_link(office, "sg-7", token_for())

    assert said in refused(line)


def test_a_token_for_another_signing_is_a_forged_link():
    line = signing_link("https://eoffice.up.gov.in", "sg-7", token_for("sg-8"))

    assert "the link's parts do not belong together" in refused(line)


def test_a_signing_id_that_is_not_one_is_refused():
    line = signing_link("https://eoffice.up.gov.in", "../me", token_for("../me"))

    assert "the link's signing is not an e-Office signing id" in refused(line)


@pytest.mark.parametrize("token", ["abc", "a.b.c", "a.bm90IGpzb24.c", "a.WzFd.c", "a.!!!.c"])
def test_a_token_that_is_not_the_offices_kind_is_refused(token):
    line = signing_link("https://eoffice.up.gov.in", "sg-7", token)

    assert "the link's token is not one the office makes" in refused(line)


def test_an_expired_link_says_when_it_expired_and_what_to_do():
    line = signing_link("https://eoffice.up.gov.in", "sg-7", token_for(expires_in=-1))

    said = refused(line)

    assert said.startswith("this link expired at ")
    assert said.endswith(": prepare your signature again from the file")


def test_a_token_without_an_expiry_is_refused():
    part = base64.urlsafe_b64encode(json.dumps({"aud": "eoffice-signing:sg-7"}).encode())
    line = signing_link("https://x.gov.in", "sg-7", f"a.{part.decode().rstrip('=')}.c")

    assert "says no time it expires" in refused(line)
