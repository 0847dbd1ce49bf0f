"""The production profile: each one-machine default is named, with its reason, and refused."""

import os
import subprocess
import sys

import pytest

from common.profile import (
    ROLES,
    ProductionCheck,
    UnsafeForProduction,
    refuse_unsafe_start,
    unsafe_settings,
)
from tests.support.office import ROOT

# Every setting a state deployment gives (deploy/k8s's ConfigMaps and Secrets).
DEPLOYED = {
    "AMQP_URI": "pyamqp://files:s3cret@rabbitmq.eoffice.svc:5672/eoffice",
    "MONGODB_URI": "mongodb://files:s3cret@mongo-0.mongo,mongo-1.mongo:27017/?replicaSet=rs0",
    "EOFFICE_DATA_DIR": "/var/lib/eoffice",
    "EOFFICE_SECRETS_KEY_FILE": "/run/secrets/eoffice/secrets.key",
    "EOFFICE_PRINCIPAL_KEY_FILE": "/run/secrets/eoffice/principal.key",
    "EOFFICE_PRINCIPAL_KEYS_DIR": "/etc/eoffice/principals",
    "EOFFICE_PUBLIC_URL": "https://eoffice.up.gov.in",
    "EOFFICE_SECRET_KEY": "a-long-random-session-key",
    "EOFFICE_RATE_LIMIT_STORAGE": "mongodb://gateway:s3cret@mongo-0.mongo/?replicaSet=rs0",
    "EOFFICE_HOST": "0.0.0.0",
    "EOFFICE_SEAL_KEY_FILE": "/run/secrets/seal/key.pem",
    "EOFFICE_SEAL_CERT_FILE": "/run/secrets/seal/chain.pem",
    "EOFFICE_SEAL_PASSWORD": "seal-password",
    "EOFFICE_SEAL_TRUST_ROOTS": "/etc/eoffice/seal-root.pem",
    "EOFFICE_DSC_TRUST_ROOTS": "/etc/eoffice/cca-roots.pem",
    "EOFFICE_VPN_SERVER_PUBLIC_KEY": "x1y2z3PublicKeyOfTheStateVpn=",
    "EOFFICE_VPN_ENDPOINT": "vpn.up.gov.in:51820",
    "EOFFICE_SMTP_HOST": "smtp.up.gov.in",
    "EOFFICE_MAIL_FROM": "e-office@up.gov.in",
}
UNSET = None


def named(settings: dict, environ: dict, role: str) -> list[str]:
    return [p.setting for p in unsafe_settings(settings, environ, role)]


@pytest.mark.parametrize("role", ROLES)
def test_a_deployment_that_gives_every_setting_has_no_problem(role):
    assert unsafe_settings({}, DEPLOYED, role) == []
    refuse_unsafe_start({}, {**DEPLOYED, "EOFFICE_PROFILE": "production"}, role)


# (role, setting, value (UNSET: removed), the setting named)
CASES = [
    ("files", "AMQP_URI", UNSET, "AMQP_URI"),
    ("gateway", "AMQP_URI", "pyamqp://guest:guest@rabbitmq.eoffice.svc:5672/", "AMQP_URI"),
    ("reports", "AMQP_URI", "pyamqp://reports:pw@127.0.0.1:5672/", "AMQP_URI"),
    ("notify", "AMQP_URI", "pyamqp://rabbitmq.eoffice.svc:5672/", "AMQP_URI"),
    ("identity", "MONGODB_URI", UNSET, "MONGODB_URI"),
    ("files", "MONGODB_URI", "mongodb://localhost:27017,mongo-1:27017/", "MONGODB_URI"),
    ("signing", "MONGODB_URI", "mongodb://u:p@[::1]:27017/", "MONGODB_URI"),
    ("identity", "EOFFICE_SECRETS_KEY_FILE", UNSET, "EOFFICE_SECRETS_KEY"),
    ("files", "EOFFICE_PRINCIPAL_KEY_FILE", UNSET, "EOFFICE_PRINCIPAL_KEY_FILE"),
    ("notify", "EOFFICE_PRINCIPAL_KEYS_DIR", UNSET, "EOFFICE_PRINCIPAL_KEYS_DIR"),
    ("files", "EOFFICE_PUBLIC_URL", UNSET, "EOFFICE_PUBLIC_URL"),
    ("gateway", "EOFFICE_PUBLIC_URL", "http://127.0.0.1:8100", "EOFFICE_PUBLIC_URL"),
    ("notify", "EOFFICE_PUBLIC_URL", "http://eoffice.up.gov.in", "EOFFICE_PUBLIC_URL"),
    ("gateway", "EOFFICE_SECRET_KEY", UNSET, "EOFFICE_SECRET_KEY"),
    ("gateway", "EOFFICE_RATE_LIMIT_STORAGE", UNSET, "EOFFICE_RATE_LIMIT_STORAGE"),
    ("gateway", "EOFFICE_RATE_LIMIT_STORAGE", "memory://", "EOFFICE_RATE_LIMIT_STORAGE"),
    ("gateway", "EOFFICE_HOST", UNSET, "EOFFICE_HOST"),
    ("gateway", "EOFFICE_SECURE_COOKIES", "0", "EOFFICE_SECURE_COOKIES"),
    ("signing", "EOFFICE_SEAL_PASSWORD", UNSET, "EOFFICE_SEAL_PASSWORD"),
    (
        "signing",
        "EOFFICE_SEAL_KEY_FILE",
        "/var/lib/eoffice/pki/seal-key.pem",
        "EOFFICE_SEAL_KEY_FILE",
    ),
    (
        "signing",
        "EOFFICE_SEAL_TRUST_ROOTS",
        "/var/lib/eoffice/pki/demo-root.pem",
        "EOFFICE_SEAL_TRUST_ROOTS",
    ),
    ("identity", "EOFFICE_DSC_TRUST_ROOTS", UNSET, "EOFFICE_DSC_TRUST_ROOTS"),
    (
        "identity",
        "EOFFICE_DSC_TRUST_ROOTS",
        "/var/lib/eoffice/pki/demo-root.pem",
        "EOFFICE_DSC_TRUST_ROOTS",
    ),
    (
        "signing",
        "EOFFICE_DSC_INTERMEDIATES",
        "/var/lib/eoffice/pki/dsc-ca.pem",
        "EOFFICE_DSC_INTERMEDIATES",
    ),
    ("signing", "EOFFICE_DSC_TRUST_ROOTS", UNSET, "EOFFICE_DSC_TRUST_ROOTS"),
    ("identity", "EOFFICE_VPN_SERVER_PUBLIC_KEY", UNSET, "EOFFICE_VPN_SERVER_PUBLIC_KEY"),
    ("identity", "EOFFICE_VPN_ENDPOINT", UNSET, "EOFFICE_VPN_ENDPOINT"),
    ("notify", "EOFFICE_SMTP_HOST", "localhost", "EOFFICE_SMTP_HOST"),
    ("notify", "EOFFICE_MAIL_FROM", UNSET, "EOFFICE_MAIL_FROM"),
]


@pytest.mark.parametrize(("role", "key", "value", "problem"), CASES)
def test_each_one_machine_default_is_named_alone(role, key, value, problem):
    environ = {k: v for k, v in DEPLOYED.items() if k != key}
    if value is not UNSET:
        environ[key] = value
    assert named({}, environ, role) == [problem]


def test_a_rule_applies_only_where_the_setting_is_read():
    environ = {k: v for k, v in DEPLOYED.items() if k != "EOFFICE_SECRET_KEY"}
    assert named({}, environ, "files") == []  # only the gateway signs session cookies
    environ = {k: v for k, v in DEPLOYED.items() if k != "MONGODB_URI"}
    assert named({}, environ, "gateway") == []  # the gateway keeps no data


def test_nameko_config_is_read_before_the_environment():
    # config.yaml substitutes its default AMQP_URI when the environment gives none.
    nameko = {"AMQP_URI": "pyamqp://guest:guest@127.0.0.1:5672/"}
    assert named(nameko, DEPLOYED, "reports") == ["AMQP_URI"]


def test_one_machine_defaults_are_each_named_with_a_reason():
    problems = unsafe_settings({}, {}, "gateway")
    assert [p.setting for p in problems] == [
        "AMQP_URI",
        "EOFFICE_PUBLIC_URL",
        "EOFFICE_SECRET_KEY",
        "EOFFICE_RATE_LIMIT_STORAGE",
        "EOFFICE_HOST",
    ]
    assert "http://127.0.0.1:8000/verify/" in problems[1].reason
    assert all(p.reason for p in problems)


def test_the_local_profile_checks_nothing():
    refuse_unsafe_start({}, {}, "files")
    refuse_unsafe_start({}, {"EOFFICE_PROFILE": "local"}, "gateway")


def test_production_refuses_with_one_message_naming_every_problem():
    with pytest.raises(UnsafeForProduction) as refused:
        refuse_unsafe_start({}, {"EOFFICE_PROFILE": "production"}, "identity")
    message = str(refused.value)
    assert message.startswith("identity refuses to start: EOFFICE_PROFILE=production")
    for problem in unsafe_settings({}, {}, "identity"):
        assert f"  - {problem.setting}: {problem.reason}" in message


def test_an_unknown_profile_is_refused_not_taken_for_local():
    with pytest.raises(UnsafeForProduction, match="'prod' is not a profile"):
        refuse_unsafe_start({}, {"EOFFICE_PROFILE": "prod"}, "files")


def test_an_unknown_role_is_a_mistake():
    with pytest.raises(ValueError, match="unknown role"):
        unsafe_settings({}, {}, "mail")


def test_the_dependency_refuses_as_the_service_is_made(monkeypatch):
    class Container:  # what a Nameko container gives its extensions as they bind
        config = {"EOFFICE_PROFILE": "production"}
        service_name = "reports"

    container = Container()
    monkeypatch.setattr(os, "environ", {})
    with pytest.raises(UnsafeForProduction, match="reports refuses to start"):
        ProductionCheck().bind(container, "production_check")
    monkeypatch.setattr(os, "environ", dict(DEPLOYED))
    assert ProductionCheck().bind(container, "production_check").attr_name == "production_check"


def _clean_environment(tmp_path) -> dict[str, str]:
    """This machine's environment without any of the settings, on a data dir of the test's."""
    kept = {
        k: v for k, v in os.environ.items() if not k.startswith(("EOFFICE_", "AMQP_", "MONGODB_"))
    }
    return {**kept, "EOFFICE_DATA_DIR": str(tmp_path), "EOFFICE_PROFILE": "production"}


def test_a_service_started_in_production_with_defaults_exits_and_says_why(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            "config.yaml",
            "services.reports.service",
        ],
        check=False,
        cwd=ROOT,
        env=_clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "reports refuses to start: EOFFICE_PROFILE=production" in run.stderr
    for setting in ("AMQP_URI", "MONGODB_URI", "EOFFICE_PRINCIPAL_KEY_FILE"):
        assert f"  - {setting}: " in run.stderr
    assert list(tmp_path.iterdir()) == []  # refused before any key was made or store opened


def test_the_gateway_started_in_production_with_defaults_exits_and_says_why(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "import gateway.wsgi"],
        check=False,
        cwd=ROOT,
        env=_clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "gateway refuses to start: EOFFICE_PROFILE=production" in run.stderr
    assert "  - EOFFICE_SECRET_KEY: " in run.stderr
    assert list(tmp_path.iterdir()) == []  # refused before its session key was made
