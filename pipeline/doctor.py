"""``newsmon doctor``: every reason a set-up may not run, one check at a time.

Why one place: a first run fails on whatever is missing first (Java, Maven, a taken port, an
unreachable broker, a model that will not load, a full disk, a typo in the feeds file) and
each failure surfaces in a different log. Here each check is a small function that returns a
:class:`Check` (OK, WARN or FAIL, and in that case what to do); the probes that touch the
machine (running ``java``, connecting to a port, loading a model) are parameters or thin
wrappers, so the decisions are unit-tested without them.

FAIL means ``newsmon run`` (or the configured broker's clients) cannot work until it is fixed;
WARN means it runs degraded (a model on its fallback, a metrics port taken, a disk nearly full).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipeline.config import Settings, resolve_path

Status = Literal["ok", "warn", "fail"]

MIN_PYTHON = (3, 11)
MIN_JAVA = 17
MIN_MAVEN = (3, 8)
DISK_FAIL_BYTES = 200 * 1024**2  # below this the broker or the poller's database stop writing
DISK_WARN_BYTES = 1024**3
PROBE_TIMEOUT_S = 10.0
DEMO_PORT = "newsmon run --demo-port"


@dataclass(frozen=True)
class Check:
    name: str  # what was checked: "java", "port", "broker", "model", ...
    status: Status
    message: str  # what was found or, when not OK, what to do

    @property
    def blocks(self) -> bool:
        return self.status == "fail"


def ok(name: str, message: str) -> Check:
    return Check(name, "ok", message)


def warn(name: str, message: str) -> Check:
    return Check(name, "warn", message)


def fail(name: str, message: str) -> Check:
    return Check(name, "fail", message)


# --------------------------------------------------------------------------- tools


def check_python(version: Sequence[int] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(str(v) for v in version[:3])
    if tuple(version[:2]) < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        return fail("python", f"Python {shown} is too old: install Python {need}+")
    return ok("python", f"Python {shown} ({sys.executable})")


def _run_tool(argv: list[str]) -> str | None:
    """Combined output of a version command, or None when the tool is not on PATH."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout + proc.stderr


def java_major(version_output: str) -> int | None:
    """17 from ``openjdk version "17.0.15"``; 8 from ``java version "1.8.0_392"``."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def check_java(version_output: str | None) -> Check:
    """``version_output``: what ``java -version`` printed, None when java is not on PATH."""
    hint = "install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
    if version_output is None:
        return fail("java", f"java not found on PATH: {hint}; the local Kafka broker needs it")
    major = java_major(version_output)
    if major is None:
        return fail("java", f"`java -version` printed no version: {hint}")
    if major < MIN_JAVA:
        return fail("java", f"Java {major} is too old for Kafka 4: {hint}")
    first = version_output.strip().splitlines()[0] if version_output.strip() else f"Java {major}"
    return ok("java", first)


def maven_version(version_output: str) -> tuple[int, ...] | None:
    """(3, 8, 7) from ``Apache Maven 3.8.7`` (Maven colours it on a terminal)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", version_output)
    match = re.search(r"Apache Maven (\d+(?:\.\d+)*)", plain)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def check_maven(version_output: str | None, jars_ready: bool, jars_dir: Path) -> Check:
    """Maven is needed once, to fetch the broker's jars; with them cached it is optional."""
    cached = f"Kafka jars cached in {jars_dir}"
    if jars_ready:
        if version_output is None:
            return ok("maven", f"not installed, not needed: {cached}")
        found = maven_version(version_output)
        shown = ".".join(map(str, found)) if found else "unknown version"
        return ok("maven", f"Apache Maven {shown}; {cached}")
    hint = "install Maven 3.8+ (apt-get install maven): it fetches the Kafka jars once"
    if version_output is None:
        return fail("maven", f"mvn not found on PATH and no Kafka jars in {jars_dir}: {hint}")
    found = maven_version(version_output)
    if found is None or found[:2] < MIN_MAVEN:
        return fail("maven", f"`mvn -v` shows no Maven 3.8+: {hint}")
    shown = ".".join(map(str, found))
    return ok("maven", f"Apache Maven {shown} (the Kafka jars are fetched on the first run)")


# --------------------------------------------------------------------------- ports


def port_taken(host: str, port: int) -> bool:
    """True if something listens on (host, port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass(frozen=True)
class PortUse:
    setting: str  # "broker.port", "metrics.poller_port", "newsmon run --demo-port"
    host: str
    port: int
    required: bool  # the process cannot start without it (the broker's ports)
    env: str  # how to change it


def ports_to_check(settings: Settings, demo_port: int | None) -> list[PortUse]:
    b, m = settings.broker, settings.metrics
    uses = [
        PortUse("broker.port", b.host, b.port, True, "NEWSMON_BROKER__PORT"),
        PortUse(
            "broker.controller_port", b.host, b.controller_port, True,
            "NEWSMON_BROKER__CONTROLLER_PORT",
        ),
    ]
    if m.enabled:
        uses += [
            PortUse("metrics.poller_port", m.host, m.poller_port, False,
                    "NEWSMON_METRICS__POLLER_PORT"),
            PortUse("metrics.worker_port", m.host, m.worker_port, False,
                    "NEWSMON_METRICS__WORKER_PORT"),
        ]
    analysts = settings.analysts
    if analysts.port:  # 0: `newsmon run` picks a free one
        uses.append(PortUse("analysts.port", analysts.host, analysts.port, True,
                            "NEWSMON_ANALYSTS__PORT"))
    if settings.worker.web_enabled:
        uses.append(
            PortUse("worker.web_port", "127.0.0.1", settings.worker.web_port, True,
                    "NEWSMON_WORKER__WEB_PORT")
        )
    if demo_port is not None:
        uses.append(PortUse(DEMO_PORT, "127.0.0.1", demo_port, True, "newsmon run --demo-port N"))
    return uses


def check_port(use: PortUse, taken: bool, ours: str | None) -> Check:
    """``ours``: which part of a running newsmon holds it (its broker, the demo feed of a
    running ``newsmon run``), which is fine; None when it is someone else's."""
    where = f"{use.setting} {use.host}:{use.port}"
    if use.port == 0:
        return ok("port", f"{use.setting}: any free port")
    if not taken:
        return ok("port", f"{where} is free")
    if ours:
        return ok("port", f"{where} is {ours}")
    todo = f"stop the process that listens there or choose another port ({use.env})"
    if use.required:
        return fail("port", f"{where} is taken by another process: {todo}")
    return warn("port", f"{where} is taken: that process runs without /metrics; {todo}")


# --------------------------------------------------------------------------- broker


def serves_demo_feed(host: str, port: int) -> bool:
    """True if (host, port) answers with newsmon's demo feed: a `newsmon run` is running."""
    from urllib.error import URLError
    from urllib.request import urlopen

    from pipeline.demo.server import FEED_PATH

    try:
        with urlopen(f"http://{host}:{port}{FEED_PATH}", timeout=2) as response:
            return b"newsmon demo" in response.read(4096)
    except (URLError, OSError, ValueError):
        return False


def kafka_client_options(settings: Settings) -> dict[str, Any]:
    """Connection options for a kafka-python client of ``settings.kafka``.

    The one place the broker check connects from, with the same security settings (SASL/TLS)
    as the poller and the worker, so the doctor connects exactly as they do."""
    from pipeline.kafka.security import client_kwargs

    return {
        "bootstrap_servers": [s.strip() for s in settings.kafka.bootstrap_servers.split(",")],
        "client_id": f"{settings.kafka.client_id}-doctor",
        **client_kwargs(settings.kafka),
    }


@dataclass(frozen=True)
class BrokerProbe:
    """What a broker answered: its brokers and the partition count of each topic."""

    brokers: int
    topics: dict[str, int]


def probe_broker(settings: Settings, timeout_s: float) -> BrokerProbe:
    """Connect with :func:`kafka_client_options` and describe the cluster and our topics;
    raises ``OSError``/``KafkaError`` when the broker does not answer."""
    from kafka import KafkaAdminClient

    from pipeline.kafka.admin import _quiet_kafka_client, describe_topics

    ms = max(1000, int(timeout_s * 1000))
    with _quiet_kafka_client():
        admin = KafkaAdminClient(
            **kafka_client_options(settings), request_timeout_ms=ms, bootstrap_timeout_ms=ms
        )
        try:
            cluster = admin.describe_cluster()
            names = [spec.name for spec in settings.topics.all()]
            topics = describe_topics(admin, names)
        finally:
            admin.close()
    return BrokerProbe(brokers=len(cluster.get("brokers") or []), topics=topics)


def check_broker(
    settings: Settings,
    local_running: bool,
    probe: Callable[[Settings], BrokerProbe],
    local_port_taken: bool = False,
) -> tuple[Check, BrokerProbe | None]:
    """The broker clients will use: the local one when it runs or is what the settings name
    (``newsmon run`` starts it), otherwise the configured ``kafka.bootstrap_servers``."""
    bootstrap = settings.kafka.bootstrap_servers
    local = f"{settings.broker.host}:{settings.broker.port}"
    if not local_running and bootstrap == local:
        if local_port_taken:
            return fail(
                "broker",
                f"the local broker is not running and cannot start: another process holds "
                f"{local} (see broker.port above)",
            ), None
        return ok("broker", f"local broker at {local} not running: `newsmon run` starts it"), None
    try:
        found = probe(settings)
    except Exception as exc:  # kafka-python raises many types; all mean "not reachable"
        todo = (
            "check `newsmon broker status` and its log in broker.data_dir"
            if bootstrap == local
            else "check the address (kafka.bootstrap_servers / NEWSMON_BOOTSTRAP) and that "
            "the broker runs"
        )
        return fail("broker", f"no Kafka broker answers at {bootstrap} ({exc!r}): {todo}"), None
    kind = "local broker" if bootstrap == local else "broker"
    return ok("broker", f"{kind} at {bootstrap} answers ({found.brokers} broker(s))"), found


def check_topics(settings: Settings, found: BrokerProbe | None) -> list[Check]:
    """Missing topics are created at start; a partition count that differs from
    ``topics.partitions`` stops the worker (Faust tables are co-partitioned)."""
    if found is None:
        return []
    want = settings.topics.partitions
    missing, wrong, good = [], [], []
    for spec in settings.topics.all():
        have = found.topics.get(spec.name)
        if have is None:
            missing.append(spec.name)
        elif have != spec.partitions:
            wrong.append(f"{spec.name} has {have}")
        else:
            good.append(spec.name)
    out = []
    if wrong:
        out.append(fail(
            "topics",
            f"{', '.join(wrong)} partitions but topics.partitions is {want}: set "
            f"NEWSMON_TOPICS__PARTITIONS to match, or delete and recreate those topics",
        ))
    if missing:
        out.append(ok(
            "topics",
            f"{len(missing)} topics not created yet ({', '.join(missing)}): "
            "`newsmon run` or `newsmon topics create` creates them",
        ))
    if good and not wrong:
        out.append(ok("topics", f"{len(good)} topics with {want} partitions each"))
    return out


# --------------------------------------------------------------------------- models


@dataclass(frozen=True)
class ModelUse:
    setting: str
    name: str | None
    kind: Literal["encoder", "token-classification", "sequence-classification"]
    fallback: str


def models_to_check(settings: Settings) -> list[ModelUse]:
    """The models the worker loads, with the fallback it uses when one does not load
    (the same fallbacks as :class:`pipeline.nlp.enrich.Enricher`)."""
    m = settings.models
    return [
        ModelUse("models.encoder", m.encoder, "encoder",
                 "no topic scores (every text in the catch-all topic)"),
        ModelUse("models.topic_classifier", m.topic_classifier, "sequence-classification",
                 f"zero-shot topic scores with {m.encoder}"),
        ModelUse("models.ner", m.ner, "token-classification", "the actor dictionary only"),
    ]


def check_model(use: ModelUse, load: Callable[[ModelUse], str]) -> Check:
    """``load`` returns the model's version or raises ModelUnavailable (or anything else)."""
    if not use.name:
        return ok("model", f"{use.setting}: off")
    try:
        version = load(use)
    except Exception as exc:
        return warn(
            "model",
            f"{use.setting} = {use.name!r} does not load: {exc}; the worker uses "
            f"{use.fallback}. Set {use.setting} to a local model directory (or null)",
        )
    return ok("model", f"{use.setting} = {use.name!r} loads ({version})")


def load_configured_model(settings: Settings) -> Callable[[ModelUse], str]:
    def load(use: ModelUse) -> str:
        from pipeline.nlp.models import load_model

        assert use.name is not None
        return load_model(use.name, use.setting, use.kind, settings.models).version

    return load


# --------------------------------------------------------------------------- disk and feeds


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def data_dirs(settings: Settings) -> list[tuple[str, Path]]:
    return [
        ("broker.data_dir", resolve_path(settings.broker.data_dir)),
        ("broker.jars_dir", resolve_path(settings.broker.jars_dir)),
        ("worker.data_dir", resolve_path(settings.worker.data_dir)),
        ("poller.state_db", resolve_path(settings.poller.state_db).parent),
    ]


def check_disk(setting: str, path: Path, free_bytes: int) -> Check:
    free = f"{free_bytes / 1024**3:.1f} GB free"
    if free_bytes < DISK_FAIL_BYTES:
        return fail("disk", f"{setting} ({path}): only {free}: free some space or move it")
    if free_bytes < DISK_WARN_BYTES:
        return warn("disk", f"{setting} ({path}): {free}, little for the broker's logs")
    return ok("disk", f"{setting} ({path}): {free}")


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(_existing_ancestor(path)).free


def check_feeds(settings: Settings) -> Check:
    from pipeline.feeds.config import FeedConfigError, load_feeds

    path = resolve_path(settings.poller.feeds_file)
    try:
        feeds = load_feeds(path)
    except FeedConfigError as exc:
        return fail("feeds", f"{exc}: fix it (`newsmon feeds validate` checks it again)")
    enabled = len(feeds.enabled())
    if enabled == 0:
        return warn("feeds", f"{path}: no enabled feed, the poller has nothing to do")
    return ok("feeds", f"{path}: {len(feeds.feeds)} feeds ({enabled} enabled)")


# --------------------------------------------------------------------------- all of it


def run_checks(
    settings: Settings,
    demo_port: int | None = None,
    check_models: bool = True,
    probe: Callable[[Settings], BrokerProbe] | None = None,
    timeout_s: float = 5.0,
) -> Iterable[Check]:
    """Every check, in the order a first run meets them; yields as it goes (model loads
    take seconds, so the lines before them are shown at once)."""
    from pipeline.kafka.broker import LocalBroker

    yield check_python()
    yield check_java(_run_tool(["java", "-version"]))
    broker = LocalBroker(settings.broker)
    yield check_maven(_run_tool(["mvn", "-v"]), broker.jars_ready(), broker.version_dir)

    running = broker.status().running
    broker_ports = {"broker.port", "broker.controller_port"}
    for port in ports_to_check(settings, demo_port):
        taken = port.port != 0 and port_taken(port.host, port.port)
        ours = None
        if taken and running and port.setting in broker_ports:
            ours = "the running newsmon broker"
        elif taken and port.setting == DEMO_PORT and serves_demo_feed(port.host, port.port):
            ours = "the demo feed of a running `newsmon run`"
        yield check_port(port, taken, ours)

    verdict, found = check_broker(
        settings,
        running,
        probe or (lambda s: probe_broker(s, timeout_s)),
        local_port_taken=not running and port_taken(settings.broker.host, settings.broker.port),
    )
    yield verdict
    yield from check_topics(settings, found)

    yield check_feeds(settings)
    for setting, path in data_dirs(settings):
        yield check_disk(setting, path, free_bytes(path))

    if check_models:
        load = load_configured_model(settings)
        for model in models_to_check(settings):
            yield check_model(model, load)


def is_demo(settings: Settings) -> bool:
    return os.path.basename(settings.poller.feeds_file).startswith("feeds-demo")
