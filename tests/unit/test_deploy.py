"""deploy/k8s and the Dockerfile, checked offline: every overlay renders with `kubectl
kustomize`, every rendered object validates against the Kubernetes schema (strict), and the
policies that matter hold. Each policy is a function returning its problems, and each is shown
to catch a deliberately bad object, so a green run means the policy was looked at, not skipped.
"""

import functools
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tools import broker

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir() if path.is_dir())
KUBERNETES_VERSION = "1.32.0"
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
HADOLINT = ROOT / ".venv" / "bin" / "hadolint"
SERVICES = broker.SERVICES
INGRESS_NAMESPACE, MONITORING_NAMESPACE = "ingress-nginx", "monitoring"
METRICS_PORT = 9100

Obj = dict[str, Any]
Checker = Callable[[list[Obj]], list[str]]


@functools.cache
def _rendered(target: str) -> str:
    return subprocess.run(
        [KUBECTL, "kustomize", str(K8S / target)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def render(target: str) -> list[Obj]:
    """The objects `kubectl kustomize` makes of an overlay (a fresh copy each call)."""
    return [doc for doc in yaml.safe_load_all(_rendered(target)) if doc]


def name(obj: Obj) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def pod_spec(obj: Obj) -> Obj | None:
    """The pod template's spec of a workload (CronJob: its job's), else None."""
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    if obj["kind"] == "Pod":
        return spec
    return spec.get("template", {}).get("spec")


def containers(obj: Obj, init: bool = True) -> Iterator[tuple[Obj, Obj]]:
    """(pod spec, container) for every container of a workload, init containers too."""
    spec = pod_spec(obj)
    if spec is None:
        return
    for key in ("initContainers", "containers") if init else ("containers",):
        for container in spec.get(key, []):
            yield spec, container


def of_kind(objects: list[Obj], *kinds: str) -> list[Obj]:
    return [obj for obj in objects if obj["kind"] in kinds]


def find(objects: list[Obj], kind: str, obj_name: str) -> Obj:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == obj_name)


def env_of(container: Obj) -> dict[str, Obj]:
    return {entry["name"]: entry for entry in container.get("env", [])}


# --- the checkers ------------------------------------------------------------------------------


def schema_problems(objects: list[Obj]) -> list[str]:
    """Every object against the Kubernetes schema, strictly (no unknown fields)."""
    problems = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{name(obj)}: {exc.message}")
    return problems


def root_problems(objects: list[Obj]) -> list[str]:
    """No container may run as root, gain privileges, or write its root filesystem."""
    problems = []
    for obj in objects:
        for pod, container in containers(obj):
            both = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
            where = f"{name(obj)} {container['name']}"
            if both.get("runAsNonRoot") is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if both.get("runAsUser", 0) == 0:
                problems.append(f"{where}: runAsUser is 0 or unset")
            if both.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if both.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if "ALL" not in both.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities are not all dropped")
    return problems


def resource_problems(objects: list[Obj]) -> list[str]:
    """Every container (init ones too) asks for CPU and memory and is limited in both."""
    return [
        f"{name(obj)} {container['name']}: no {kind}.{resource}"
        for obj in objects
        for _, container in containers(obj)
        for kind in ("requests", "limits")
        for resource in ("cpu", "memory")
        if resource not in container.get("resources", {}).get(kind, {})
    ]


def probe_problems(objects: list[Obj]) -> list[str]:
    """Every container that keeps running has a readiness and a liveness probe (Jobs and init
    containers run to completion: their exit status is their health)."""
    return [
        f"{name(obj)} {container['name']}: no {probe}"
        for obj in of_kind(objects, "Deployment", "StatefulSet", "DaemonSet")
        for _, container in containers(obj, init=False)
        for probe in ("readinessProbe", "livenessProbe")
        if probe not in container
    ]


def exposure_problems(objects: list[Obj]) -> list[str]:
    """Nothing but the gateway is reachable from outside: no NodePort, LoadBalancer or external
    addresses, and every Ingress (with TLS) leads to the gateway's Service only."""
    problems = []
    for service in of_kind(objects, "Service"):
        spec = service["spec"]
        if spec.get("type", "ClusterIP") not in ("ClusterIP",) or spec.get("externalIPs"):
            problems.append(f"{name(service)}: exposed as {spec.get('type')}")
    for ingress in of_kind(objects, "Ingress"):
        spec = ingress["spec"]
        if not spec.get("tls"):
            problems.append(f"{name(ingress)}: no TLS")
        backends = [spec["defaultBackend"]] if "defaultBackend" in spec else []
        backends += [
            path["backend"] for rule in spec.get("rules", []) for path in rule["http"]["paths"]
        ]
        problems += [
            f"{name(ingress)}: routes to {backend}"
            for backend in backends
            if backend.get("service", {}).get("name") != "gateway"
        ]
    return problems


SECRET_NAME = re.compile(r"KEY|PASSWORD|SECRET|TOKEN|CREDENTIAL", re.I)
PUBLIC = re.compile(r"PUBLIC_KEY", re.I)
SECRET_VALUE = re.compile(
    r"://[^/\s:@]+:[^@\s/]+@"  # a URI with a password
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\"password\"\s*:\s*\"(?!@@)[^\"]+\""  # a password in JSON, not a placeholder
)


def configmap_problems(objects: list[Obj]) -> list[str]:
    """No secret in a ConfigMap: no key named like one (a public key excepted), no value
    holding a password or a private key."""
    problems = []
    for configmap in of_kind(objects, "ConfigMap"):
        for key, value in configmap.get("data", {}).items():
            if SECRET_NAME.search(key) and not PUBLIC.search(key):
                problems.append(f"{name(configmap)}: key {key} names a secret")
            if SECRET_VALUE.search(value):
                problems.append(f"{name(configmap)}: {key} holds a secret value")
    return problems


def env_secret_problems(objects: list[Obj]) -> list[str]:
    """Secrets are referenced, never embedded: no Secret object is rendered, and an
    environment variable named like a secret comes from a Secret, not a literal value (file
    and folder paths excepted)."""
    problems = [f"{name(obj)}: a Secret in the manifests" for obj in of_kind(objects, "Secret")]
    for obj in objects:
        for _, container in containers(obj):
            for var, entry in env_of(container).items():
                path = var.endswith(("_FILE", "_DIR"))
                if SECRET_NAME.search(var) and not path and "value" in entry:
                    problems.append(f"{name(obj)} {container['name']}: {var} is a literal")
                if SECRET_VALUE.search(entry.get("value", "").replace("$(", "")) and not (
                    re.search(r":\$\([A-Z_]+\)@", entry.get("value", ""))
                ):
                    problems.append(f"{name(obj)} {container['name']}: {var} holds a secret")
    return problems


PINNED = re.compile(r"^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@sha256:[0-9a-f]{64})?$")


def image_problems(objects: list[Obj]) -> list[str]:
    """Every image pinned: a version tag (never `latest`) or a digest."""
    problems = []
    for obj in objects:
        for _, container in containers(obj):
            image = container["image"]
            repository, _, tag = image.split("@")[0].rpartition(":")
            tagged = bool(repository) and "/" not in tag
            if not PINNED.match(image) or not (tagged or "@sha256:" in image):
                problems.append(f"{name(obj)} {container['name']}: {image} is not pinned")
            elif tagged and tag == "latest":
                problems.append(f"{name(obj)} {container['name']}: {image} is latest")
    return problems


def selects(selector: Obj, labels: dict[str, str]) -> bool:
    if set(selector) - {"matchLabels"}:
        raise ValueError(f"only matchLabels is understood here: {selector}")
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def pdb_problems(objects: list[Obj]) -> list[str]:
    """Every Deployment and StatefulSet is covered by a PodDisruptionBudget."""
    budgets = of_kind(objects, "PodDisruptionBudget")
    return [
        f"{name(obj)}: no PodDisruptionBudget"
        for obj in of_kind(objects, "Deployment", "StatefulSet")
        if not any(
            selects(pdb["spec"]["selector"], obj["spec"]["template"]["metadata"]["labels"])
            for pdb in budgets
        )
    ]


def may_reach(
    objects: list[Obj], target: dict[str, str], port: int, namespace: str, source: dict[str, str]
) -> bool:
    """Whether NetworkPolicies let a pod labelled ``source`` in ``namespace`` (the office's own
    namespace is "") open ``port`` on a pod of the office labelled ``target``."""
    policies = [
        p for p in of_kind(objects, "NetworkPolicy") if selects(p["spec"]["podSelector"], target)
    ]
    if not policies:
        return True
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            ports = [entry["port"] for entry in rule.get("ports", [])]
            if ports and port not in ports:
                continue
            for peer in rule.get("from", [{}]):
                if "namespaceSelector" in peer:
                    names = {"kubernetes.io/metadata.name": namespace}
                    inside = namespace != "" and selects(peer["namespaceSelector"], names)
                else:
                    inside = namespace == ""
                if inside and selects(peer.get("podSelector", {}), source):
                    return True
    return False


def template_labels(obj: Obj) -> dict[str, str]:
    spec = obj["spec"]["jobTemplate"]["spec"] if obj["kind"] == "CronJob" else obj["spec"]
    return spec["template"]["metadata"]["labels"]


def network_problems(objects: list[Obj]) -> list[str]:
    """Only the ingress controller reaches the gateway (and nothing else), only the office
    reaches RabbitMQ, only the services (and the backup) reach MongoDB, and only monitoring
    reaches the metrics port."""
    workloads = {
        obj["metadata"]["name"]: template_labels(obj)
        for obj in of_kind(objects, "Deployment", "StatefulSet", "Job", "CronJob")
    }
    office = {"gateway", *SERVICES}
    may_use = {
        ("rabbitmq", 5672): office | {"rabbitmq"},
        ("mongodb", 27017): set(SERVICES) | {"mongodb", "mongodb-init", "mongodb-backup"},
        ("gateway", 8000): set(),
    }
    # Whatever is added later is closed until a policy opens it.
    problems = [
        f"a new pod's port {port} is open"
        for port in (80, 8000, METRICS_PORT)
        if may_reach(objects, {}, port, "elsewhere", {}) or may_reach(objects, {}, port, "", {})
    ]
    for (target, port), allowed in may_use.items():
        for source, labels in workloads.items():
            if may_reach(objects, workloads[target], port, "", labels) != (source in allowed):
                problems.append(
                    f"{source} -> {target}:{port} is {'not ' * (source in allowed)}as it should be"
                )
    for target, labels in workloads.items():
        from_ingress = may_reach(objects, labels, 8000, INGRESS_NAMESPACE, {})
        if from_ingress != (target == "gateway"):
            problems.append(f"ingress controller -> {target}:8000: {from_ingress}")
        for port in (5672, 27017, METRICS_PORT):
            if may_reach(objects, labels, port, INGRESS_NAMESPACE, {}):
                problems.append(f"ingress controller -> {target}:{port} is open")
            if may_reach(objects, labels, port, "elsewhere", {}):
                problems.append(f"another namespace -> {target}:{port} is open")
        if target in office and not may_reach(objects, labels, METRICS_PORT, "monitoring", {}):
            problems.append(f"monitoring cannot scrape {target}")
        if may_reach(objects, labels, 8000, MONITORING_NAMESPACE, {}):
            problems.append(f"monitoring -> {target}:8000 is open")
    return problems


def office_problems(objects: list[Obj]) -> list[str]:
    """Each service: its own broker user, MongoDB's replica set with w: majority, its
    principal key from a Secret volume and the public keys' folder; identity: the secrets key
    from a Secret."""
    problems = []
    for service in SERVICES:
        deployment = find(objects, "Deployment", service)
        pod = pod_spec(deployment) or {}
        container = pod["containers"][0]
        env = env_of(container)
        if f"nameko run --config config.yaml services.{service}.service" != " ".join(
            container["command"]
        ):
            problems.append(f"{service}: command {container['command']}")
        amqp = env.get("AMQP_URI", {}).get("value", "")
        if not amqp.startswith(f"pyamqp://{broker.user_name(service, '/')}:$(AMQP_PASSWORD)@"):
            problems.append(f"{service}: AMQP_URI {amqp!r} is not its own user")
        mongodb = env.get("MONGODB_URI", {}).get("value", "")
        if "w=majority" not in mongodb or "replicaSet=" not in mongodb:
            problems.append(f"{service}: MONGODB_URI {mongodb!r} lacks the replica set/majority")
        key_file = env.get("EOFFICE_PRINCIPAL_KEY_FILE", {}).get("value", "")
        secret_volumes = {
            v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v
        }
        mounted = {m["mountPath"]: secret_volumes.get(m["name"]) for m in container["volumeMounts"]}
        if mounted.get(str(Path(key_file).parent)) != f"eoffice-principal-{service}":
            problems.append(f"{service}: principal key {key_file!r} is not its Secret's")
        if "EOFFICE_PRINCIPAL_KEYS_DIR" not in env:
            problems.append(f"{service}: no EOFFICE_PRINCIPAL_KEYS_DIR")
    identity = env_of(
        find(objects, "Deployment", "identity")["spec"]["template"]["spec"]["containers"][0]
    )
    if "secretKeyRef" not in identity.get("EOFFICE_SECRETS_KEY", {}).get("valueFrom", {}):
        problems.append("identity: EOFFICE_SECRETS_KEY is not from a Secret")
    return problems


def definitions_problems(objects: list[Obj]) -> list[str]:
    """RabbitMQ's definitions give every service and the gateway the user and permissions
    tools/broker.py gives them under `make run`, and quorum queues by default."""
    configmap = next(
        c for c in of_kind(objects, "ConfigMap") if "definitions.template.json" in c["data"]
    )
    definitions = json.loads(configmap["data"]["definitions.template.json"])
    problems = []
    if definitions["vhosts"] != [
        {"name": "/", "metadata": {"default_queue_type": "quorum", "description": "the e-Office"}}
    ]:
        problems.append(f"vhosts: {definitions['vhosts']}")
    permissions = {p["user"]: p for p in definitions["permissions"]}
    topics = {p["user"]: p for p in definitions["topic_permissions"]}
    for who in (*SERVICES, "gateway"):
        user, rules = broker.user_name(who, "/"), broker.permissions(who)
        expected = {
            "user": user,
            "vhost": "/",
            **{k: rules[k] for k in ("configure", "write", "read")},
        }
        if permissions.get(user) != expected:
            problems.append(f"{user}: permissions {permissions.get(user)} != {expected}")
        topic = {
            "user": user,
            "vhost": "/",
            "exchange": "nameko-rpc",
            "write": rules["topic"],
            "read": ".*",
        }
        if topics.get(user) != topic:
            problems.append(f"{user}: topic permissions {topics.get(user)} != {topic}")
    return problems


CHECKERS: dict[str, Checker] = {
    "schema": schema_problems,
    "root": root_problems,
    "resources": resource_problems,
    "probes": probe_problems,
    "exposure": exposure_problems,
    "configmaps": configmap_problems,
    "env_secrets": env_secret_problems,
    "images": image_problems,
    "pdbs": pdb_problems,
    "network": network_problems,
    "office": office_problems,
    "definitions": definitions_problems,
}


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["base", *(f"overlays/{o}" for o in OVERLAYS)])
def test_renders(target: str) -> None:
    kinds = {obj["kind"] for obj in render(target)}
    assert {"Deployment", "StatefulSet", "Ingress", "NetworkPolicy", "CronJob"} <= kinds


def test_both_overlays_exist() -> None:
    assert OVERLAYS == ["state-dc", "test-cluster"]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_policy_holds(overlay: str, checker: str) -> None:
    assert CHECKERS[checker](render(f"overlays/{overlay}")) == []


def _gateway(objs: list[Obj]) -> Obj:
    return find(objs, "Deployment", "gateway")


def _container(obj: Obj, index: int = 0) -> Obj:
    return (pod_spec(obj) or {})["containers"][index]


def _set(path: list[str | int], value: Any) -> Callable[[Obj], None]:
    def change(obj: Obj) -> None:
        for step in path[:-1]:
            obj = obj[step]  # type: ignore[index]
        obj[path[-1]] = value  # type: ignore[index]

    return change


# What each checker must catch: (checker, what is broken, how).
BREAKAGES: list[tuple[str, str, Callable[[list[Obj]], None]]] = [
    ("schema", "unknown field", lambda o: _set(["spec", "replica"], 2)(_gateway(o))),
    ("schema", "wrong type", lambda o: _set(["spec", "replicas"], "two")(_gateway(o))),
    (
        "root",
        "runs as root",
        lambda o: _container(_gateway(o))["securityContext"].update(runAsUser=0),
    ),
    (
        "root",
        "may escalate",
        lambda o: _container(_gateway(o))["securityContext"].pop("allowPrivilegeEscalation"),
    ),
    (
        "root",
        "writable root",
        lambda o: _container(find(o, "StatefulSet", "mongodb"))["securityContext"].update(
            readOnlyRootFilesystem=False
        ),
    ),
    (
        "resources",
        "no limits",
        lambda o: _container(find(o, "Deployment", "files"))["resources"].pop("limits"),
    ),
    (
        "resources",
        "init without requests",
        lambda o: (pod_spec(find(o, "StatefulSet", "rabbitmq")) or {})["initContainers"][0][
            "resources"
        ].pop("requests"),
    ),
    (
        "probes",
        "no readiness",
        lambda o: _container(find(o, "StatefulSet", "rabbitmq")).pop("readinessProbe"),
    ),
    (
        "probes",
        "no liveness",
        lambda o: _container(find(o, "Deployment", "notify")).pop("livenessProbe"),
    ),
    (
        "exposure",
        "LoadBalancer",
        lambda o: _set(["spec", "type"], "LoadBalancer")(find(o, "Service", "rabbitmq")),
    ),
    (
        "exposure",
        "ingress to the broker",
        lambda o: _set(
            ["spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"], "rabbitmq"
        )(find(o, "Ingress", "eoffice")),
    ),
    ("exposure", "ingress without TLS", lambda o: find(o, "Ingress", "eoffice")["spec"].pop("tls")),
    (
        "configmaps",
        "a key named secret",
        lambda o: of_kind(o, "ConfigMap")[0]["data"].update(EOFFICE_SECRET_KEY="x"),
    ),
    (
        "configmaps",
        "a URI with a password",
        lambda o: of_kind(o, "ConfigMap")[0]["data"].update(
            AMQP_URI="pyamqp://eoffice-files:hunter2@rabbitmq:5672/"
        ),
    ),
    (
        "configmaps",
        "a password in JSON",
        lambda o: of_kind(o, "ConfigMap")[0]["data"].update(
            {"definitions.json": '{"password": "hunter2"}'}
        ),
    ),
    (
        "env_secrets",
        "a literal password",
        lambda o: _container(find(o, "Deployment", "signing"))["env"].append(
            {"name": "EOFFICE_SEAL_PASSWORD", "value": "hunter2"}
        ),
    ),
    (
        "env_secrets",
        "a Secret object",
        lambda o: o.append(
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {}}
        ),
    ),
    (
        "images",
        "latest",
        lambda o: _container(find(o, "StatefulSet", "mongodb")).update(image="mongo:latest"),
    ),
    (
        "images",
        "untagged",
        lambda o: _container(_gateway(o)).update(
            image="registry.example.invalid:5000/eoffice/eoffice"
        ),
    ),
    ("pdbs", "no PDB", lambda o: o.remove(find(o, "PodDisruptionBudget", "gateway"))),
    (
        "network",
        "no default deny",
        lambda o: o.remove(find(o, "NetworkPolicy", "deny-all-ingress")),
    ),
    (
        "network",
        "broker open to all",
        lambda o: find(o, "NetworkPolicy", "rabbitmq-from-office")["spec"]["ingress"].append({}),
    ),
    (
        "network",
        "metrics from ingress",
        lambda o: find(o, "NetworkPolicy", "gateway-from-ingress-controller")["spec"]["ingress"][0][
            "ports"
        ].append({"protocol": "TCP", "port": METRICS_PORT}),
    ),
    (
        "office",
        "shared broker user",
        lambda o: env_of(_container(find(o, "Deployment", "files")))["AMQP_URI"].update(
            value="pyamqp://admin:$(X)@rabbitmq/"
        ),
    ),
    (
        "office",
        "no majority",
        lambda o: env_of(_container(find(o, "Deployment", "reports")))["MONGODB_URI"].update(
            value="mongodb://mongodb-0.mongodb-headless/?replicaSet=rs0"
        ),
    ),
    (
        "office",
        "another's key",
        lambda o: _set(
            ["spec", "template", "spec", "volumes", -1, "secret", "secretName"],
            "eoffice-principal-files",
        )(find(o, "Deployment", "notify")),
    ),
    ("definitions", "wider permission", lambda o: _edit_definitions(o)),
]


def _edit_definitions(objects: list[Obj]) -> None:
    configmap = next(
        c for c in of_kind(objects, "ConfigMap") if "definitions.template.json" in c["data"]
    )
    definitions = json.loads(configmap["data"]["definitions.template.json"])
    definitions["permissions"][-1]["read"] = ".*"
    configmap["data"]["definitions.template.json"] = json.dumps(definitions)


@pytest.mark.parametrize(
    ("checker", "broken", "breakage"), BREAKAGES, ids=[f"{c}: {b}" for c, b, _ in BREAKAGES]
)
def test_checker_catches(checker: str, broken: str, breakage: Callable[[list[Obj]], None]) -> None:
    objects = render("overlays/test-cluster")
    assert CHECKERS[checker](objects) == []
    breakage(objects)
    assert CHECKERS[checker](objects), f"{checker} missed: {broken}"


def test_every_checker_is_shown_to_catch_something() -> None:
    assert {checker for checker, _, _ in BREAKAGES} == set(CHECKERS)


def test_secrets_are_rendered_nowhere() -> None:
    """The Secrets the README lists are referenced by name; none is in the manifests."""
    for overlay in OVERLAYS:
        assert "kind: Secret\n" not in _rendered(f"overlays/{overlay}")


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--no-color", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_dockerfile_passes_hadolint() -> None:
    result = _hadolint(ROOT / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    result = _hadolint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest
    assert "DL3008" in result.stdout  # apt packages unpinned


def test_image_runs_as_non_root_without_build_tools() -> None:
    """The runtime stage (after the last FROM) switches to a numeric non-root user and installs
    no compiler; the builder stage checks the wheels against the lock's hashes."""
    text = (ROOT / "Dockerfile").read_text()
    builder, runtime = text.rsplit("\nFROM ", 1)
    assert re.search(r"pip wheel .*--require-hashes .*-r requirements.lock", builder)
    assert re.search(r"^USER 10001", runtime, re.M)
    assert not re.search(r"build-essential|gcc|python3-dev", runtime)
    assert not re.search(r"^FROM \S+:latest|^FROM [^:\s]+(\s|$)", text, re.M)
