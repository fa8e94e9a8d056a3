"""A local single-node Apache Kafka broker (KRaft) run from jars fetched with Maven.

Why this exists: no Docker engine and no Apache download mirror are reachable here, but Maven
Central is. So the broker's jars come from Maven (cached once per Kafka version outside the work
tree), and the broker runs as a detached ``java ... kafka.Kafka`` process whose pid file, config and
log live in one data dir. Everything that decides *what* to run (pom, server.properties, logging
config, cluster id) is a pure function so it can be unit-tested without Java.

Layout of ``data_dir``::

    server.properties   regenerated on every start from the settings
    log4j2.properties   (log4j.properties for Kafka 3.x) console-only logging
    cluster.id          the KRaft cluster id, created once
    kafka-logs/         log.dirs (formatted once by StorageTool)
    broker.log          stdout+stderr of the running broker (previous run: broker.log.1)
    broker.pid          pid of the running broker
"""

from __future__ import annotations

import base64
import collections
import contextlib
import ctypes
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.config import BrokerSettings, resolve_path

LOG4J2_VERSION = "2.24.3"
SLF4J_RELOAD4J_VERSION = "1.7.36"
RELOAD4J_VERSION = "1.2.25"
DEPENDENCY_PLUGIN_VERSION = "3.8.1"
READY_LINE = "Kafka Server started"
MARKER_NAME = ".complete"
LOG_TAIL_LINES = 30
STOP_TIMEOUT_S = 30.0

PROGRESS_EVERY_S = 20.0  # a first fetch takes about a minute: two or three progress lines
_DOWNLOADED_RE = re.compile(r"Downloaded from [^:]+: \S+ \((\d+(?:\.\d+)?) (B|kB|KB|MB|GB)")
_SIZE_UNITS = {"B": 1, "kB": 1000, "KB": 1024, "MB": 1000**2, "GB": 1000**3}

# Kafka's reserved ids (Uuid.ZERO_UUID, Uuid.METADATA_TOPIC_ID) are refused as cluster ids.
_RESERVED_IDS = {"AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAQ"}
_CLUSTER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


class BrokerError(RuntimeError):
    """The broker could not be fetched, started or stopped; the message says why and, when the
    broker ran, carries its last log lines."""


# --------------------------------------------------------------------------- pure helpers


def kafka_major(version: str) -> int:
    """Major version of a Kafka release string ("4.1.1" -> 4); a malformed one is an error."""
    match = re.match(r"^(\d+)\.(\d+)", version)
    if not match:
        raise BrokerError(f"broker.version {version!r} is not a Kafka version like '4.1.1'")
    return int(match.group(1))


def dependencies(version: str, scala_version: str = "2.13") -> list[tuple[str, str, str]]:
    """(groupId, artifactId, version) triples: the broker plus a logging binding.

    Kafka's published POM leaves the logging binding out, and without one the broker logs
    nothing (so readiness could not be seen). 4.x logs through log4j2 (slf4j 1.7 binding),
    3.x through reload4j."""
    deps = [("org.apache.kafka", f"kafka_{scala_version}", version)]
    if kafka_major(version) >= 4:
        deps += [
            ("org.apache.logging.log4j", "log4j-api", LOG4J2_VERSION),
            ("org.apache.logging.log4j", "log4j-core", LOG4J2_VERSION),
            ("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J2_VERSION),
        ]
    else:
        deps += [
            ("org.slf4j", "slf4j-reload4j", SLF4J_RELOAD4J_VERSION),
            ("ch.qos.reload4j", "reload4j", RELOAD4J_VERSION),
        ]
    return deps


def render_pom(version: str, scala_version: str = "2.13") -> str:
    """A packaging-pom project whose only job is ``dependency:copy-dependencies``.

    The dependency plugin is pinned so the copy behaves the same on every machine, and only
    runtime scope is copied (test/provided jars are not needed to run the broker)."""
    dep_xml = "\n".join(
        "    <dependency>\n"
        f"      <groupId>{escape(g)}</groupId>\n"
        f"      <artifactId>{escape(a)}</artifactId>\n"
        f"      <version>{escape(v)}</version>\n"
        "    </dependency>"
        for g, a, v in dependencies(version, scala_version)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>newsmon.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>{escape(version)}</version>
  <packaging>pom</packaging>
  <dependencies>
{dep_xml}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>{DEPENDENCY_PLUGIN_VERSION}</version>
        <configuration>
          <includeScope>runtime</includeScope>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
"""


SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;"


@dataclass(frozen=True)
class SecureListener:
    """A SASL_SSL listener: SCRAM logins over TLS with a PEM key store (cert + key)."""

    port: int
    keystore_pem: Path


def render_server_properties(
    host: str,
    port: int,
    controller_port: int,
    log_dir: Path,
    node_id: int = 1,
    secure: SecureListener | None = None,
) -> str:
    """server.properties for a combined broker+controller node with replication factor 1.

    Every internal topic (offsets, transactions, share state) gets RF 1 / min ISR 1, otherwise a
    single node can never create them and consumer groups hang. With ``secure`` the node also
    listens SASL_SSL (SCRAM-SHA-256/512); the controller and inter-broker listeners stay
    PLAINTEXT on ``host``, which is local only."""
    if port == controller_port:
        raise BrokerError(f"broker.port and broker.controller_port are both {port}")
    if secure is not None and secure.port in (port, controller_port):
        raise BrokerError(f"broker.sasl_ssl_port {secure.port} is already another listener's")
    listeners = f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}"
    advertised = f"PLAINTEXT://{host}:{port}"
    protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    if secure is not None:
        listeners += f",SASL_SSL://{host}:{secure.port}"
        advertised += f",SASL_SSL://{host}:{secure.port}"
        protocols += ",SASL_SSL:SASL_SSL"
    lines = [
        "process.roles=broker,controller",
        f"node.id={node_id}",
        f"controller.quorum.voters={node_id}@{host}:{controller_port}",
        f"listeners={listeners}",
        f"advertised.listeners={advertised}",
        f"listener.security.protocol.map={protocols}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        f"log.dirs={log_dir}",
        "num.partitions=4",
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
    ]
    if secure is not None:
        lines += [
            f"sasl.enabled.mechanisms={','.join(SCRAM_MECHANISMS)}",
            *(
                f"listener.name.sasl_ssl.{m.lower()}.sasl.jaas.config={SCRAM_LOGIN}"
                for m in SCRAM_MECHANISMS
            ),
            "ssl.keystore.type=PEM",
            f"ssl.keystore.location={secure.keystore_pem}",
            "ssl.client.auth=none",
        ]
    return "\n".join(lines) + "\n"


def scram_format_args(username: str, password: str) -> list[str]:
    """StorageTool ``--add-scram`` arguments creating ``username`` for both SCRAM mechanisms.

    Why at format time: KRaft stores SCRAM credentials in the metadata log, and the bootstrap
    records written by ``format`` are the only way to have a user before the first login."""
    for name, value in (("broker.scram_username", username), ("password", password)):
        if any(c in value for c in ',=[]"') or not value:
            raise BrokerError(f"{name} must be non-empty without , = [ ] or quotes")
    out: list[str] = []
    for mechanism in SCRAM_MECHANISMS:
        out += ["--add-scram", f"{mechanism}=[name={username},password={password}]"]
    return out


def log_config(version: str) -> tuple[str, str]:
    """(file name, content) of a console-only logging config for this Kafka version.

    Console-only because the broker's stdout is already captured into broker.log; the request
    and state-change loggers are noisy at INFO and drop to WARN."""
    if kafka_major(version) >= 4:
        return "log4j2.properties", (
            "status = warn\n"
            "name = newsmon-broker\n"
            "appender.console.type = Console\n"
            "appender.console.name = STDOUT\n"
            "appender.console.layout.type = PatternLayout\n"
            "appender.console.layout.pattern = [%d] %p %m (%c)%n\n"
            "rootLogger.level = info\n"
            "rootLogger.appenderRef.stdout.ref = STDOUT\n"
            "logger.request.name = kafka.request.logger\n"
            "logger.request.level = warn\n"
            "logger.state.name = state.change.logger\n"
            "logger.state.level = warn\n"
        )
    return "log4j.properties", (
        "log4j.rootLogger=INFO, stdout\n"
        "log4j.appender.stdout=org.apache.log4j.ConsoleAppender\n"
        "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\n"
        "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
        "log4j.logger.kafka.request.logger=WARN\n"
        "log4j.logger.state.change.logger=WARN\n"
    )


def log_config_jvm_option(version: str, path: Path) -> str:
    """The system property that points this Kafka version's logging backend at ``path``."""
    if kafka_major(version) >= 4:
        return f"-Dlog4j2.configurationFile={path}"
    return f"-Dlog4j.configuration=file:{path}"


def validate_cluster_id(cluster_id: str) -> str:
    """Return ``cluster_id`` if Kafka's StorageTool would accept it, else raise BrokerError.

    Rules (Kafka's ``Uuid``): 22 chars of url-safe base64 without padding that decode to 16
    bytes; not starting with ``-`` (it would parse as a command-line option); not one of the
    reserved ids (all-zero, metadata topic id)."""
    if not _CLUSTER_ID_RE.match(cluster_id):
        raise BrokerError(
            f"cluster id {cluster_id!r} is not 22 characters of url-safe base64"
        )
    if cluster_id.startswith("-"):
        raise BrokerError(f"cluster id {cluster_id!r} starts with '-'")
    if cluster_id in _RESERVED_IDS:
        raise BrokerError(f"cluster id {cluster_id!r} is reserved by Kafka")
    try:
        raw = base64.urlsafe_b64decode(cluster_id + "==")
    except ValueError as exc:  # pragma: no cover - the regex already limits the alphabet
        raise BrokerError(f"cluster id {cluster_id!r} is not base64: {exc}") from exc
    if len(raw) != 16 or base64.urlsafe_b64encode(raw).decode()[:22] != cluster_id:
        raise BrokerError(f"cluster id {cluster_id!r} does not encode a 16-byte UUID")
    return cluster_id


def new_cluster_id() -> str:
    """A fresh random cluster id that :func:`validate_cluster_id` accepts."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii")[:22]
        try:
            return validate_cluster_id(candidate)
        except BrokerError:
            continue


def downloaded_bytes(maven_line: str) -> int | None:
    """Size of one file from Maven's ``Downloaded from central: URL (6.6 MB at 2.1 MB/s)``;
    None for any other line."""
    match = _DOWNLOADED_RE.search(maven_line)
    if not match:
        return None
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2)])


def human_size(n: int) -> str:
    for unit, size in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


class DownloadCounter:
    """Counts Maven's downloads from its batch output and reports now and then: Maven's own
    transfer log is a line per file (hundreds), too much for a person and too little summary."""

    def __init__(self, report: Callable[[str], None], clock: Callable[[], float] = time.monotonic):
        self.report = report
        self.clock = clock
        self.files = 0
        self.bytes = 0
        self._reported_at = clock()

    def feed(self, line: str) -> None:
        size = downloaded_bytes(line)
        if size is None:
            return
        self.files += 1
        self.bytes += size
        now = self.clock()
        if now - self._reported_at >= PROGRESS_EVERY_S:
            self.report(f"downloaded {self.files} files ({human_size(self.bytes)}) so far")
            self._reported_at = now

    def summary(self) -> str:
        if not self.files:
            return "nothing to download: every file was in the local Maven repository"
        return f"downloaded {self.files} files ({human_size(self.bytes)})"


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file ('' if missing); used in every error message."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            data = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])


def port_in_use(host: str, port: int) -> bool:
    """True if something already listens on (host, port): starting there would fail late."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (tests run beside a developer's broker)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BrokerError(f"{name!r} not found on PATH: {hint}")
    return path


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock so parallel test sessions and CLIs do not download into one folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie (a child we started but have not reaped)."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _parent_death_signal() -> Callable[[], None] | None:
    """A preexec function that asks Linux to SIGTERM the child when its parent exits
    (prctl PR_SET_PDEATHSIG); None where prctl does not exist.

    libc is looked up here, in the parent: the forked child should only make the one call."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def set_pdeathsig() -> None:  # pragma: no cover - runs in the forked child
        prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG

    return set_pdeathsig


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


# --------------------------------------------------------------------------- the broker


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str
    data_dir: Path
    version: str

    def describe(self) -> str:
        if self.running:
            return (
                f"broker running (pid {self.pid}, Kafka {self.version}) at {self.bootstrap}, "
                f"data dir {self.data_dir}"
            )
        return f"broker stopped (would listen at {self.bootstrap}, data dir {self.data_dir})"


class LocalBroker:
    """One local broker described by :class:`BrokerSettings`.

    The process is detached (own session) so it outlives the CLI that started it; the pid file
    plus a check of the process's command line (it must be ``kafka.Kafka`` with *this* data dir's
    server.properties) is how later commands find it without trusting a recycled pid."""

    def __init__(self, settings: BrokerSettings, die_with_parent: bool = False) -> None:
        """``die_with_parent``: the kernel sends the broker SIGTERM when the process that
        started it exits, even by SIGKILL (Linux). Test sessions use it so a killed pytest
        does not leave a 512 MB JVM running on a shared machine; the CLI does not, because
        ``newsmon broker start`` must outlive itself."""
        self.settings = settings
        self.die_with_parent = die_with_parent
        self.data_dir = resolve_path(settings.data_dir)
        self.jars_root = resolve_path(settings.jars_dir)

    # paths ---------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    @property
    def version_dir(self) -> Path:
        return self.jars_root / self.settings.version

    @property
    def libs_dir(self) -> Path:
        return self.version_dir / "libs"

    @property
    def marker(self) -> Path:
        return self.version_dir / MARKER_NAME

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def log_dirs(self) -> Path:
        return self.data_dir / "kafka-logs"

    # jars ----------------------------------------------------------------
    def _marker_text(self) -> str:
        return f"kafka_{self.settings.scala_version}:{self.settings.version}\n"

    def jars_ready(self) -> bool:
        """The marker is written only after a complete copy, so its presence means complete."""
        try:
            return self.marker.read_text() == self._marker_text() and any(
                self.libs_dir.glob("kafka_*.jar")
            )
        except OSError:
            return False

    def ensure_jars(self, progress: Callable[[str], None] | None = None) -> Path:
        """Fetch the broker's jars once per version into ``jars_dir/<version>/libs``.

        Returns the libs folder. Concurrent callers wait on a lock instead of racing.
        ``progress`` receives one sentence per phase and a download count now and then."""
        say = progress or (lambda message: None)
        if self.jars_ready():
            say(f"Kafka {self.settings.version} jars already in {self.libs_dir}")
            return self.libs_dir
        mvn = _require_tool(
            "mvn", "install Maven 3.8+ (apt-get install maven) to fetch the Kafka broker jars"
        )
        with _file_lock(self.jars_root / f"{self.settings.version}.lock"):
            if self.jars_ready():  # another process fetched them while we waited
                return self.libs_dir
            self.version_dir.mkdir(parents=True, exist_ok=True)
            pom = self.version_dir / "pom.xml"
            pom.write_text(render_pom(self.settings.version, self.settings.scala_version))
            staging = self.version_dir / "libs.partial"
            shutil.rmtree(staging, ignore_errors=True)
            cmd = [
                mvn,
                "-B",  # batch output: one "Downloaded from" line per file, which we count
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}",
                "-DincludeScope=runtime",
            ]
            say(
                f"resolving Kafka {self.settings.version} and its dependencies with Maven "
                "(from Maven Central, or the local ~/.m2 repository)"
            )
            counter = DownloadCounter(say)
            last_lines: collections.deque[str] = collections.deque(maxlen=LOG_TAIL_LINES)
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                stdin=subprocess.DEVNULL,
            )
            assert proc.stdout is not None
            with proc.stdout:
                for line in proc.stdout:
                    last_lines.append(line.rstrip("\n"))
                    counter.feed(line)
            code = proc.wait()
            if code != 0:
                out = "\n".join(last_lines)
                raise BrokerError(
                    f"mvn could not fetch Kafka {self.settings.version} jars "
                    f"(exit {code}, pom {pom}):\n{out}"
                )
            if not any(staging.glob("kafka_*.jar")):
                raise BrokerError(f"mvn finished but {staging} holds no kafka_*.jar")
            say(counter.summary())
            shutil.rmtree(self.libs_dir, ignore_errors=True)
            staging.rename(self.libs_dir)
            self.marker.write_text(self._marker_text())
            jars = list(self.libs_dir.glob("*.jar"))
            size = sum(j.stat().st_size for j in jars)
            say(f"copied {len(jars)} jars ({human_size(size)}) to {self.libs_dir}")
        return self.libs_dir

    # process -------------------------------------------------------------
    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _is_our_broker(self, pid: int) -> bool:
        if not _pid_alive(pid):
            return False
        cmd = _cmdline(pid)
        if not cmd:  # no /proc (not Linux): trust a live pid
            return True
        return "kafka.Kafka" in cmd and str(self.properties_file) in cmd

    def status(self) -> BrokerStatus:
        pid = self._read_pid()
        running = pid is not None and self._is_our_broker(pid)
        return BrokerStatus(
            running=running,
            pid=pid if running else None,
            bootstrap=self.bootstrap,
            data_dir=self.data_dir,
            version=self.settings.version,
        )

    def _java_command(self, java: str, libs: Path, log_cfg: Path) -> list[str]:
        heap = self.settings.heap
        return [
            java,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            *self.settings.jvm_options,
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.data_dir / 'logs'}",
            log_config_jvm_option(self.settings.version, log_cfg),
            "-cp",
            f"{libs}/*",
            "kafka.Kafka",
            str(self.properties_file),
        ]

    def _cluster_id(self) -> str:
        path = self.data_dir / "cluster.id"
        if path.exists():
            return validate_cluster_id(path.read_text().strip())
        cid = new_cluster_id()
        path.write_text(cid + "\n")
        return cid

    def _scram_password(self) -> str:
        name = self.settings.scram_password_env
        secret = os.environ.get(name, "")
        if not secret:
            raise BrokerError(
                f"broker.scram_password_env: environment variable {name} is not set "
                f"(the password of broker.scram_username {self.settings.scram_username!r})"
            )
        return secret

    def _secure_listener(self) -> SecureListener | None:
        """The SASL_SSL listener of the settings, its PEM key store written into the data dir
        (Kafka wants key and certificate chain in one file)."""
        s = self.settings
        if s.sasl_ssl_port is None:
            return None
        missing = [
            name
            for name, value in (
                ("broker.ssl_certfile", s.ssl_certfile),
                ("broker.ssl_keyfile", s.ssl_keyfile),
                ("broker.scram_username", s.scram_username),
            )
            if not value
        ]
        if missing:
            raise BrokerError(f"broker.sasl_ssl_port is set but {', '.join(missing)} is not")
        assert s.ssl_certfile and s.ssl_keyfile
        parts = []
        for name, value in (("broker.ssl_keyfile", s.ssl_keyfile),
                            ("broker.ssl_certfile", s.ssl_certfile)):
            try:
                parts.append(resolve_path(value).read_text(encoding="ascii").strip())
            except (OSError, UnicodeDecodeError) as exc:
                raise BrokerError(f"{name}: cannot read {value}: {exc}") from exc
        store = self.data_dir / "broker-keystore.pem"
        store.write_text("\n".join(parts) + "\n")
        store.chmod(0o600)
        return SecureListener(port=s.sasl_ssl_port, keystore_pem=store)

    def _format(self, java: str, libs: Path, log_cfg: Path) -> None:
        """Format log.dirs once; StorageTool's --ignore-formatted makes a rerun harmless."""
        if (self.log_dirs / "meta.properties").exists():
            return
        scram: list[str] = []
        secret = ""
        if self.settings.sasl_ssl_port is not None and self.settings.scram_username:
            secret = self._scram_password()
            scram = scram_format_args(self.settings.scram_username, secret)
        cmd = [
            java,
            log_config_jvm_option(self.settings.version, log_cfg),
            "-cp",
            f"{libs}/*",
            "kafka.tools.StorageTool",
            "format",
            "-t",
            self._cluster_id(),
            "-c",
            str(self.properties_file),
            "--ignore-formatted",
            *scram,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if proc.returncode != 0:
            out = "\n".join((proc.stdout + proc.stderr).splitlines()[-LOG_TAIL_LINES:])
            if secret:
                out = out.replace(secret, "***")
            raise BrokerError(f"formatting {self.log_dirs} failed (exit {proc.returncode}):\n{out}")

    def start(self) -> BrokerStatus:
        """Start the broker and wait until it is ready; a running broker is left alone.

        Two concurrent starts on one data dir (``make run`` beside a manual ``broker start``)
        serialize on a lock: the second waits and then finds the first one's broker, instead of
        racing it for the cluster id, the ports and the pid file."""
        current = self.status()
        if current.running:
            return current
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.data_dir / ".start.lock"):
            return self._start_locked()

    def _start_locked(self) -> BrokerStatus:
        current = self.status()
        if current.running:
            return current
        java = _require_tool(
            "java", "install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
        )
        ports = [
            ("broker.port", self.settings.port),
            ("broker.controller_port", self.settings.controller_port),
        ]
        if self.settings.sasl_ssl_port is not None:
            ports.append(("broker.sasl_ssl_port", self.settings.sasl_ssl_port))
        for name, port in ports:
            if port_in_use(self.settings.host, port):
                raise BrokerError(
                    f"{name} {self.settings.host}:{port} is already in use by another process; "
                    "stop it or choose another port (NEWSMON_BROKER__PORT / "
                    "NEWSMON_BROKER__CONTROLLER_PORT)"
                )
        libs = self.ensure_jars()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "logs").mkdir(exist_ok=True)
        self.properties_file.write_text(
            render_server_properties(
                self.settings.host, self.settings.port, self.settings.controller_port,
                self.log_dirs, secure=self._secure_listener(),
            )
        )
        cfg_name, cfg_text = log_config(self.settings.version)
        log_cfg = self.data_dir / cfg_name
        log_cfg.write_text(cfg_text)
        self._format(java, libs, log_cfg)

        if self.log_file.exists():
            self.log_file.replace(self.log_file.with_name("broker.log.1"))
        with self.log_file.open("wb") as out:
            proc = subprocess.Popen(
                self._java_command(java, libs, log_cfg),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                start_new_session=True,
                preexec_fn=_parent_death_signal() if self.die_with_parent else None,
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        self._wait_ready(proc)
        return self.status()

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.settings.start_timeout_s
        while True:
            code = proc.poll()
            if code is not None:
                self.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"Kafka broker exited with code {code} during start "
                    f"(log {self.log_file}):\n{tail(self.log_file)}"
                )
            if self._log_says_ready() and port_in_use(self.settings.host, self.settings.port):
                return
            if time.monotonic() >= deadline:
                log_tail = tail(self.log_file)
                self._terminate(proc.pid, timeout=10.0)
                with contextlib.suppress(OSError):
                    proc.wait(timeout=1)
                self.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"Kafka broker not ready within {self.settings.start_timeout_s:g}s "
                    f"(log {self.log_file}):\n{log_tail}"
                )
            time.sleep(0.2)

    def _log_says_ready(self) -> bool:
        try:
            return READY_LINE in self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False

    @staticmethod
    def _terminate(pid: int, timeout: float) -> bool:
        """SIGTERM, wait up to ``timeout``, then SIGKILL. True if it needed the SIGKILL."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return False
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        for _ in range(50):
            if not _pid_alive(pid):
                break
            time.sleep(0.1)
        return True

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop the broker (SIGTERM, SIGKILL after ``timeout``). False if it was not running.

        A stale pid file (process gone, or the pid now belongs to something else) is removed
        without signalling anything."""
        pid = self._read_pid()
        if pid is None or not self._is_our_broker(pid):
            self.pid_file.unlink(missing_ok=True)
            return False
        killed = self._terminate(pid, timeout)
        if _pid_alive(pid):
            raise BrokerError(
                f"Kafka broker pid {pid} survived SIGKILL (log {self.log_file}):\n"
                f"{tail(self.log_file)}"
            )
        self.pid_file.unlink(missing_ok=True)
        if killed:
            with self.log_file.open("a") as fh:
                fh.write(f"newsmon: broker did not stop within {timeout:g}s; sent SIGKILL\n")
        return True
