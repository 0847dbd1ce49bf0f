"""Enrolling an officer's DSC, and the warnings before it expires."""

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from common.clock import utcnow
from common.errors import InvalidInput, Refused
from services.identity.domain import dsc
from tests.support import pki

OFFICER = ["पूजा यादव", "Pooja Yadav"]


def enrol(issued, names=OFFICER, at=None, roots=None, intermediates=None):
    return dsc.check_enrolment(
        issued.cert,
        trust_roots=[pki.root_ca().cert] if roots is None else roots,
        intermediates=[pki.licensed_ca().cert] if intermediates is None else intermediates,
        person_names=names,
        at=at or utcnow(),
    )


def refusal(issued, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        enrol(issued, **kwargs)
    return caught.value


# Enrolling a good certificate


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
def test_an_officer_enrols_the_dsc_from_her_token_and_we_keep_what_identifies_it(key_type):
    mine = pki.officer("Pooja Yadav", key_type=key_type)

    stored = enrol(mine)

    assert stored == {
        "serial": format(mine.cert.serial_number, "x"),
        "subject_cn": "Pooja Yadav",
        "issuer_cn": pki.LICENSED_CA_NAME,
        "not_before": mine.cert.not_valid_before_utc.isoformat(timespec="microseconds"),
        "not_after": mine.cert.not_valid_after_utc.isoformat(timespec="microseconds"),
        "sha256": mine.cert.fingerprint(hashes.SHA256()).hex(),
        "key_usage": ["digital_signature", "non_repudiation"],
    }


def test_a_dsc_from_an_all_ec_chain_enrols():
    root = pki.ca("Test EC Root", key_type="ec", path_length=1)
    sub = pki.ca("Test EC Licensed CA", issuer=root, key_type="ec")
    mine = pki.officer("Pooja Yadav", key_type="ec", issuer=sub)

    assert enrol(mine, roots=[root.cert], intermediates=[sub.cert])["issuer_cn"] == sub.name


@pytest.mark.parametrize("usage", [{"digital_signature"}, {"non_repudiation"}])
def test_either_signing_key_usage_is_enough(usage):
    assert enrol(pki.officer(key_usage=usage))["key_usage"] == sorted(usage)


@pytest.mark.parametrize(
    "on_certificate, on_record",
    [
        ("POOJA  YADAV", "Pooja Yadav"),
        ("Dr. A.K. Sharma", "Dr A K Sharma"),
        ("DR A.K.SHARMA", "Dr. A. K. Sharma"),
        (" Ravi   Kumar ", "ravi kumar"),
    ],
)
def test_the_name_on_the_certificate_matches_despite_case_dots_and_spaces(
    on_certificate, on_record
):
    assert enrol(pki.officer(on_certificate), names=[on_record])["subject_cn"] == on_certificate


def test_a_dsc_issued_straight_by_a_trusted_root_enrols_without_intermediates():
    assert enrol(pki.officer(issuer=pki.root_ca()), intermediates=[])["issuer_cn"] == (
        pki.ROOT_NAME
    )


def test_many_officers_enrol_at_once_inside_an_eventlet_service():
    # asyncio.run would refuse every enrolment but the first: green threads share one loop slot.
    script = textwrap.dedent(
        """
        import eventlet
        eventlet.monkey_patch()
        from common.clock import utcnow
        from services.identity.domain import dsc
        from tests.support import pki

        roots, subs, mine = [pki.root_ca().cert], [pki.licensed_ca().cert], pki.officer()
        def enrol(_):
            return dsc.check_enrolment(mine.cert, roots, subs, ["Pooja Yadav"], utcnow())
        print(sum(1 for _ in eventlet.GreenPool(20).imap(enrol, range(200))))
        """
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        cwd=root,
        env={"PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200"


# Refusals, each with the code the officer's screen explains


def test_a_self_signed_certificate_is_refused():
    assert refusal(pki.officer(self_signed=True)).code == "DSC_SELF_SIGNED"


def test_the_trust_root_itself_is_refused_as_self_signed():
    assert refusal(pki.root_ca()).code == "DSC_SELF_SIGNED"


def test_an_expired_dsc_is_refused_and_says_when_it_expired():
    now = utcnow()
    old = pki.officer(not_before=now - timedelta(days=730), not_after=now - timedelta(days=1))

    refused = refusal(old, at=now)

    assert refused.code == "DSC_EXPIRED"
    assert refused.details == {
        "not_after": old.cert.not_valid_after_utc.isoformat(timespec="microseconds")
    }


def test_a_dsc_that_is_not_valid_yet_is_refused():
    now = utcnow()
    future = pki.officer(not_before=now + timedelta(days=1), not_after=now + timedelta(days=700))

    assert refusal(future, at=now).code == "DSC_NOT_YET_VALID"


def test_a_dsc_from_a_ca_we_do_not_trust_is_refused():
    unknown_root = pki.ca("Some Other Root", path_length=1)
    unknown_sub = pki.ca("Some Other Licensed CA", issuer=unknown_root)
    stranger = pki.officer(issuer=unknown_sub)

    refused = refusal(stranger, intermediates=[pki.licensed_ca().cert, unknown_sub.cert])

    assert refused.code == "DSC_UNTRUSTED"
    assert refused.details == {"reason": "NO_PATH_TO_TRUST_ROOT"}


def test_a_forged_dsc_naming_our_licensed_ca_but_signed_by_another_key_is_refused():
    forged = pki.officer(issuer=pki.licensed_ca(), signing_key=pki.private_key("rsa", "forger"))
    assert forged.cert.issuer == pki.licensed_ca().cert.subject

    refused = refusal(forged)

    assert refused.code == "DSC_UNTRUSTED"
    assert refused.details == {"reason": "INVALID_PATH"}


def test_a_dsc_from_an_impostor_ca_passing_itself_off_as_our_licensed_ca_is_refused():
    impostor = pki.ca(
        pki.LICENSED_CA_NAME,
        issuer=pki.root_ca(),
        key_label="impostor",
        signing_key=pki.private_key("rsa", "impostor"),
    )
    stranger = pki.officer(issuer=impostor)

    assert refusal(stranger).code == "DSC_UNTRUSTED"
    # Even when the impostor's certificate is at hand, the root's signature on it is checked.
    refused = refusal(stranger, intermediates=[pki.licensed_ca().cert, impostor.cert])
    assert refused.code == "DSC_UNTRUSTED"
    assert refused.details == {"reason": "INVALID_PATH"}


def test_a_dsc_whose_issuing_ca_has_expired_is_refused():
    now = utcnow()
    lapsed = pki.ca(
        "Lapsed Licensed CA",
        issuer=pki.root_ca(),
        not_before=now - timedelta(days=3650),
        not_after=now - timedelta(days=1),
    )

    refused = refusal(pki.officer(issuer=lapsed), intermediates=[lapsed.cert], at=now)

    assert refused.code == "DSC_UNTRUSTED"
    assert refused.details == {"reason": "CA_EXPIRED"}


def test_a_dsc_from_a_sub_ca_our_licensed_ca_had_no_right_to_create_is_refused():
    rogue = pki.ca("Rogue Sub CA", issuer=pki.licensed_ca())  # licensed CA has pathlen 0

    refused = refusal(pki.officer(issuer=rogue), intermediates=[pki.licensed_ca().cert, rogue.cert])

    assert refused.code == "DSC_UNTRUSTED"


def test_a_dsc_issued_by_another_officer_rather_than_a_ca_is_refused():
    colleague = pki.officer("Ravi Kumar")
    made_up = pki.officer(issuer=colleague)

    refused = refusal(made_up, intermediates=[pki.licensed_ca().cert, colleague.cert])

    assert refused.code == "DSC_UNTRUSTED"


@pytest.mark.parametrize("usage", [{"key_encipherment"}, {"key_agreement"}, None])
def test_a_certificate_that_may_not_sign_is_refused(usage):
    refused = refusal(pki.officer(key_usage=usage))

    assert refused.code == "DSC_KEY_USAGE"
    assert refused.details == {"key_usage": sorted(usage or []), "ca": False}


def test_a_ca_certificate_is_refused_as_the_wrong_kind_of_certificate():
    refused = refusal(pki.licensed_ca())

    assert refused.code == "DSC_KEY_USAGE"
    assert refused.details["ca"] is True


def test_a_dsc_issued_to_someone_else_is_refused():
    refused = refusal(pki.officer("Ravi Kumar"))

    assert refused.code == "DSC_NAME_MISMATCH"
    assert refused.details == {"subject_cn": "Ravi Kumar"}


def test_a_name_that_only_contains_the_officers_name_does_not_match():
    assert refusal(pki.officer("Pooja Yadav Singh")).code == "DSC_NAME_MISMATCH"


# Loading what the officer uploads


def test_a_dsc_loads_from_der_and_from_pem_alike():
    mine = pki.officer()

    assert dsc.load_certificate(mine.der) == mine.cert
    assert dsc.load_certificate(mine.pem) == mine.cert


def test_a_pem_saved_on_windows_loads():
    mine = pki.officer()

    assert dsc.load_certificate(b"\r\n" + mine.pem.replace(b"\n", b"\r\n")) == mine.cert


def test_a_pem_printed_with_its_description_above_it_loads():
    mine = pki.officer()

    assert dsc.load_certificate(b"Certificate:\n    Data: ...\n" + mine.pem) == mine.cert


@pytest.mark.parametrize(
    "upload",
    [
        b"",
        b"not a certificate at all",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ],
)
def test_garbage_is_not_a_certificate(upload):
    with pytest.raises(InvalidInput) as caught:
        dsc.load_certificate(upload)
    assert caught.value.code == "NOT_A_CERTIFICATE"


def test_a_truncated_der_certificate_is_not_a_certificate():
    with pytest.raises(InvalidInput) as caught:
        dsc.load_certificate(pki.officer().der[:-10])
    assert caught.value.code == "NOT_A_CERTIFICATE"


@pytest.mark.parametrize("with_certificate", [False, True])
def test_a_private_key_is_refused_and_flagged(with_certificate):
    mine = pki.officer()
    upload = mine.key_pem() + (mine.pem if with_certificate else b"")

    with pytest.raises(InvalidInput) as caught:
        dsc.load_certificate(upload)

    assert caught.value.code == "NOT_A_CERTIFICATE"
    assert caught.value.details == {"private_key": True}


def test_a_whole_chain_is_refused_since_we_cannot_tell_whose_certificate_it_is():
    with pytest.raises(InvalidInput) as caught:
        dsc.load_certificate(pki.officer().chain_pem())
    assert caught.value.details == {"certificates": 3}


# Warnings before the DSC expires


def test_no_warning_more_than_30_days_ahead():
    now = utcnow()
    assert dsc.expiry_warnings_due(now + timedelta(days=31), now, set()) == []


@pytest.mark.parametrize(
    "left, sent, due",
    [
        (timedelta(days=30), set(), [30]),
        (timedelta(days=29), set(), [30]),
        (timedelta(days=29), {30}, []),
        (timedelta(days=7), {30}, [7]),
        (timedelta(days=6, hours=23), {30, 7}, []),
        (timedelta(hours=23), {30, 7}, [1]),
        (timedelta(minutes=5), {30, 7, 1}, []),
    ],
)
def test_each_warning_is_sent_once_when_its_day_comes(left, sent, due):
    now = utcnow()
    assert dsc.expiry_warnings_due(now + left, now, sent) == due


def test_a_dsc_enrolled_five_days_before_expiry_gets_the_7_day_warning_only_then_the_1_day():
    now = utcnow()
    not_after = now + timedelta(days=5)

    assert dsc.expiry_warnings_due(not_after, now, set()) == [7]
    assert dsc.expiry_warnings_due(not_after, now + timedelta(days=1), {7}) == []
    assert dsc.expiry_warnings_due(not_after, now + timedelta(days=4, hours=1), {7}) == [1]


def test_an_expired_dsc_is_told_once_that_it_expired():
    now = utcnow()
    assert dsc.expiry_warnings_due(now - timedelta(seconds=1), now, {30, 7, 1}) == [0]
    assert dsc.expiry_warnings_due(now - timedelta(days=3), now, {30, 7, 1, 0}) == []


def test_hourly_checks_over_two_months_send_30_7_and_1_once_each_on_time():
    start = utcnow()
    not_after = start + timedelta(days=60)
    sent: set[int] = set()
    log = []

    for hour in range(60 * 24 + 2):
        now = start + timedelta(hours=hour)
        for days in dsc.expiry_warnings_due(not_after, now, sent):
            sent.add(days)
            log.append((days, not_after - now))

    assert [days for days, _ in log] == [30, 7, 1, 0]
    assert all(
        timedelta(days=d) - timedelta(hours=1) < left <= timedelta(days=d) for d, left in log
    )


# The test PKI itself: shaped like the national chain, so signing tests can rely on it


def test_the_test_pkis_dsc_is_a_document_signing_certificate_under_a_two_level_chain():
    mine = pki.officer(key_type="ec")
    root, sub = pki.root_ca(), pki.licensed_ca()
    ext = mine.cert.extensions

    assert [link.name for link in mine.chain] == ["Pooja Yadav", sub.name, root.name]
    assert ext.get_extension_for_class(x509.BasicConstraints).critical
    assert ext.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = ext.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert (
        ext.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        == sub.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    )
    mine.cert.verify_directly_issued_by(sub.cert)
    sub.cert.verify_directly_issued_by(root.cert)
    for ca, path_length in [(root, 1), (sub, 0)]:
        constraints = ca.cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert constraints.ca and constraints.path_length == path_length
        ca_usage = ca.cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert ca_usage.key_cert_sign and ca_usage.crl_sign


def test_the_test_pki_reuses_its_keys_so_it_stays_fast():
    assert pki.root_ca() is pki.root_ca()
    assert pki.officer().key is pki.officer().key
    assert pki.officer().cert != pki.officer().cert
    assert pki.officer("Ravi Kumar").key is not pki.officer().key
