"""deploy/k8s and the Dockerfile, checked offline: every overlay renders with `kubectl
kustomize`, every rendered object validates against the Kubernetes schema (strict), and the
policies that matter hold. Each policy is a function returning its problems, and each is shown
to catch a deliberately bad object, so a green run means the policy was looked at, not skipped.
"""

import functools
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from common import profile
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
# A public key is meant to be published (the VPN server's goes into every person's config);
# only a name ending so is let through, so PUBLIC_KEY_PASSWORD is still a secret's.
PUBLIC = re.compile(r"PUBLIC[_-]KEY$", re.I)
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
    environment variable named like a secret comes from a Secret, not a literal value or a
    ConfigMap (file and folder paths, and public keys, excepted)."""
    problems = [f"{name(obj)}: a Secret in the manifests" for obj in of_kind(objects, "Secret")]
    for obj in objects:
        for _, container in containers(obj):
            for var, entry in env_of(container).items():
                exempt = var.endswith(("_FILE", "_DIR")) or PUBLIC.search(var)
                from_secret = "secretKeyRef" in entry.get("valueFrom", {})
                if SECRET_NAME.search(var) and not exempt and not from_secret:
                    problems.append(f"{name(obj)} {container['name']}: {var} is not from a Secret")
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
    reaches RabbitMQ, only the office (and the backup) reaches MongoDB, and only monitoring
    reaches the metrics port."""
    workloads = {
        obj["metadata"]["name"]: template_labels(obj)
        for obj in of_kind(objects, "Deployment", "StatefulSet", "Job", "CronJob")
    }
    office = {"gateway", *SERVICES}
    may_use = {
        ("rabbitmq", 5672): office | {"rabbitmq"},
        # The gateway for its rate limits (its own user, on the database "limits" only).
        ("mongodb", 27017): office | {"mongodb", "mongodb-init", "mongodb-backup"},
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


# --- each office process's environment, as Kubernetes would give it -----------------------------

# What a Secret's key holds, by the setting it fills: a value of the right shape, so the profile
# judges it as it would the real one (a password or key: hex, like the README's `openssl rand`).
SECRET_PLACEHOLDER = "5f0c2a9e7b1d4c83a6e2f9b04d7c1e68"
VPN_KEY_PLACEHOLDER = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="  # WireGuard's shape


def _secret_value(var: str, role: str) -> str:
    if var == "MONGODB_URI" or var == "EOFFICE_RATE_LIMIT_STORAGE":
        return f"mongodb://eoffice:{SECRET_PLACEHOLDER}@mongodb-0.mongodb-headless:27017/"
    if var == "AMQP_URI":
        return f"pyamqp://{broker.user_name(role, '/')}:{SECRET_PLACEHOLDER}@rabbitmq:5672/"
    if var.endswith(("_FILE", "_DIR")):
        return f"/run/secrets/{var.lower()}"
    return SECRET_PLACEHOLDER


def image_environment() -> dict[str, str]:
    """The ENV the Dockerfile's runtime stage (after the last FROM) gives every container."""
    runtime = (ROOT / "Dockerfile").read_text().rsplit("\nFROM ", 1)[1].replace("\\\n", " ")
    return dict(
        pair.split("=", 1)
        for line in re.findall(r"^ENV (.+)$", runtime, re.M)
        for pair in shlex.split(line)
    )


def environment(objects: list[Obj], container: Obj, role: str) -> dict[str, str]:
    """``container``'s environment as the kubelet makes it: the image's ENV, then envFrom
    ConfigMaps (resolved from the rendered ones), then env in order, expanding $(VAR) from what
    is defined so far. A Secret's value, or a ConfigMap's the operator makes (not rendered), is
    present with a placeholder of the right shape (``_secret_value``)."""
    configmaps = {c["metadata"]["name"]: c.get("data", {}) for c in of_kind(objects, "ConfigMap")}
    env = image_environment()
    for source in container.get("envFrom", []):
        if "configMapRef" not in source:  # its keys cannot be seen offline: name them in env
            raise ValueError(f"{role}: envFrom {source} hides which settings it gives")
        env.update(configmaps[source["configMapRef"]["name"]])
    for entry in container.get("env", []):
        var, ref = entry["name"], entry.get("valueFrom", {})
        if "value" in entry:
            env[var] = re.sub(
                r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m[1], m[0]), entry["value"]
            )
        elif "secretKeyRef" in ref:
            env[var] = _secret_value(var, role)
        elif "configMapKeyRef" in ref:
            key = ref["configMapKeyRef"]
            if key["name"] in configmaps:
                env[var] = configmaps[key["name"]][key["key"]]
            else:  # made by the operator (deploy/k8s/README.md): public keys only
                assert var.endswith("PUBLIC_KEY"), f"{role}: {var} from {key['name']}"
                env[var] = VPN_KEY_PLACEHOLDER
        else:
            raise ValueError(f"{role}: {var} from {ref}, which this test does not know")
    return env


def mounted_files(pod: Obj, container: Obj) -> list[str]:
    """Where ``container`` can read files given it: each mounted Secret or ConfigMap (its
    items' paths when it names them, else its whole folder) and each emptyDir."""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    found = []
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        items = (volume.get("secret") or volume.get("configMap") or {}).get("items")
        found += [f"{mount['mountPath']}/{item['path']}" for item in items or [{"path": ""}]]
    return [path.rstrip("/") for path in found]


def office_containers(objects: list[Obj]) -> Iterator[tuple[str, Obj, Obj]]:
    """(role, pod spec, container) of the gateway and each service."""
    for role in ("gateway", *SERVICES):
        deployment = find(objects, "Deployment", role)
        pod = pod_spec(deployment) or {}
        yield role, pod, pod["containers"][0]


def production_problems(objects: list[Obj]) -> list[str]:
    """Each office process, with EOFFICE_PROFILE=production, would start: common/profile.py
    finds no setting left at a one-machine default, every $(VAR) is defined before it is used,
    and every file a setting names is in a volume the container mounts."""
    problems = []
    for role, pod, container in office_containers(objects):
        env = environment(objects, container, role)
        if env.get("EOFFICE_PROFILE") != "production":
            problems.append(f"{role}: EOFFICE_PROFILE is {env.get('EOFFICE_PROFILE')!r}")
        problems += [
            f"{role}: {p.setting}: {p.reason}" for p in profile.unsafe_settings({}, env, role)
        ]
        problems += [
            f"{role}: {var} refers to {ref}, not defined before it"
            for var, value in env.items()
            for ref in re.findall(r"\$\([A-Za-z_][A-Za-z0-9_]*\)", value)
        ]
        files = mounted_files(pod, container)
        problems += [
            f"{role}: {var}={value} is in no volume it mounts"
            for var, value in env.items()
            if var.startswith("EOFFICE_")
            and value.startswith("/")
            and not any(value == f or value.startswith(f"{f}/") for f in files)
        ]
    gateway = next(c for role, _, c in office_containers(objects) if role == "gateway")
    port = int(environment(objects, gateway, "gateway").get("EOFFICE_PORT", "8000"))
    http = {p["name"]: p["containerPort"] for p in gateway.get("ports", [])}.get("http")
    if port != http:
        problems.append(f"gateway: listens on {port}, its container port http is {http}")
    for probe in ("readinessProbe", "livenessProbe"):
        if gateway.get(probe, {}).get("httpGet", {}).get("port") not in ("http", port):
            problems.append(f"gateway: {probe} is not on the port it listens on")
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
    "production": production_problems,
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
        "a key from a ConfigMap",
        lambda o: env_of(_container(find(o, "Deployment", "identity")))[
            "EOFFICE_SECRETS_KEY"
        ].update(valueFrom={"configMapKeyRef": {"name": "eoffice-settings", "key": "KEY"}}),
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
    (
        "production",
        "rate limits in memory",
        lambda o: env_of(_container(_gateway(o)))["EOFFICE_RATE_LIMIT_STORAGE"].update(
            value="memory://"
        ),
    ),
    (
        "production",
        "no DSC roots",
        lambda o: _container(find(o, "Deployment", "signing"))["env"].remove(
            env_of(_container(find(o, "Deployment", "signing")))["EOFFICE_DSC_TRUST_ROOTS"]
        ),
    ),
    (
        "production",
        "a password used before it is defined",
        lambda o: _container(find(o, "Deployment", "notify"))["env"].reverse(),
    ),
    (
        "production",
        "a file in no volume",
        lambda o: _container(find(o, "Deployment", "identity"))["volumeMounts"].pop(0),
    ),
    (
        "production",
        "gateway on another port",
        lambda o: env_of(_container(_gateway(o)))["EOFFICE_PORT"].update(value="8080"),
    ),
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


@pytest.mark.parametrize("role", ["gateway", *SERVICES])
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_office_would_start_in_production(overlay: str, role: str) -> None:
    """What common/profile.py checks before the process serves anything, on the environment
    the manifests give it (Secrets' values are placeholders of the right shape)."""
    objects = render(f"overlays/{overlay}")
    container = _container(find(objects, "Deployment", role))
    environ = environment(objects, container, role)
    assert environ["EOFFICE_PROFILE"] == "production"
    assert profile.unsafe_settings({}, environ, role) == []


@pytest.mark.parametrize(
    ("role", "setting"),
    [
        ("gateway", "EOFFICE_RATE_LIMIT_STORAGE"),
        ("identity", "EOFFICE_VPN_SERVER_PUBLIC_KEY"),
        ("identity", "EOFFICE_SECRETS_KEY"),
        ("signing", "EOFFICE_DSC_TRUST_ROOTS"),
        ("files", "MONGODB_URI"),
    ],
)
def test_a_setting_dropped_is_named(role: str, setting: str) -> None:
    """The same check on a copy with one setting taken out of the Deployment names it."""
    objects = render("overlays/test-cluster")
    container = _container(find(objects, "Deployment", role))
    container["env"] = [e for e in container["env"] if e["name"] != setting]
    problems = profile.unsafe_settings({}, environment(objects, container, role), role)
    assert [p.setting for p in problems] == [setting]


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
