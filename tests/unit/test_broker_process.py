"""Broker process handling without Java: fake `java` / `mvn` executables on PATH.

The fake java is a Python script, so its command line carries ``kafka.Kafka`` and the
server.properties path exactly like the real broker's; it can crash, hang, or become "ready"
(print the ready line and listen on the broker port), optionally ignoring SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.cli import broker_cmd
from pipeline.config import BrokerSettings, Settings
from pipeline.kafka.broker import (
    MARKER_NAME,
    BrokerError,
    LocalBroker,
    _pid_alive,
    free_port,
)

FAKE_JAVA = """#!{python}
import os, signal, socket, sys, time
args = sys.argv[1:]
if "kafka.tools.StorageTool" in args:
    sys.exit(0)
mode = os.environ.get("FAKE_JAVA_MODE", "ready")
open(os.environ["FAKE_JAVA_PIDFILE"], "w").write(str(os.getpid()))
if mode == "crash":
    for i in range(40):
        print(f"ERROR fake broker line {{i}}", flush=True)
    sys.exit(3)
if mode == "hang":
    time.sleep(120)
    sys.exit(0)
props = dict(l.split("=", 1) for l in open(args[-1]).read().splitlines() if "=" in l)
host, port = props["listeners"].split(",")[0].split("//")[1].rsplit(":", 1)
if os.environ.get("FAKE_JAVA_IGNORE_TERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind((host, int(port)))
sock.listen()
print("[KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)", flush=True)
time.sleep(120)
"""

FAKE_MVN = """#!{python}
import os, pathlib, sys
if os.environ.get("FAKE_MVN_FAIL"):
    print("[ERROR] Could not resolve dependencies: org.apache.kafka:kafka_2.13:jar:9.9.9")
    sys.exit(1)
out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("-DoutputDirectory="))
pathlib.Path(out).mkdir(parents=True)
for name in (f"kafka_2.13-{{os.environ['FAKE_VERSION']}}.jar", "kafka-clients.jar"):
    (pathlib.Path(out) / name).touch()
"""

def _write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only our fake java and mvn."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _write_exe(bin_dir / "java", FAKE_JAVA.format(python=sys.executable))
    _write_exe(bin_dir / "mvn", FAKE_MVN.format(python=sys.executable))
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_JAVA_PIDFILE", str(tmp_path / "fake.pid"))
    return bin_dir


def _broker(tmp_path: Path, **over: object) -> LocalBroker:
    port = free_port()
    controller = free_port()
    while controller == port:
        controller = free_port()
    settings = BrokerSettings(
        data_dir=str(tmp_path / "data"),
        jars_dir=str(tmp_path / "jars"),
        port=port,
        controller_port=controller,
        start_timeout_s=10,
    )
    return LocalBroker(settings.model_copy(update=over))


def _fake_jars(broker: LocalBroker) -> None:
    broker.libs_dir.mkdir(parents=True)
    (broker.libs_dir / f"kafka_2.13-{broker.settings.version}.jar").touch()
    broker.marker.write_text(broker._marker_text())


def _fake_pid(tmp_path: Path) -> int:
    return int((tmp_path / "fake.pid").read_text())


# ------------------------------------------------------------------ jars


def test_complete_jar_cache_is_used_without_maven(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no mvn at all
    broker = _broker(tmp_path)
    _fake_jars(broker)
    assert broker.ensure_jars() == broker.libs_dir


def test_missing_marker_or_other_version_marker_means_not_cached(tmp_path: Path) -> None:
    broker = _broker(tmp_path)
    _fake_jars(broker)
    broker.marker.unlink()
    assert not broker.jars_ready()
    broker.marker.write_text("kafka_2.12:4.1.1\n")
    assert not broker.jars_ready()


def test_ensure_jars_runs_maven_once_and_writes_marker(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = _broker(tmp_path)
    monkeypatch.setenv("FAKE_VERSION", broker.settings.version)
    libs = broker.ensure_jars()
    assert libs == tmp_path / "jars" / broker.settings.version / "libs"
    assert (libs / f"kafka_2.13-{broker.settings.version}.jar").exists()
    assert (broker.version_dir / MARKER_NAME).exists()
    assert "<packaging>pom</packaging>" in (broker.version_dir / "pom.xml").read_text()
    (fake_bin / "mvn").unlink()  # second call must not need Maven
    assert broker.ensure_jars() == libs


def test_maven_failure_reports_its_output_and_leaves_no_marker(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MVN_FAIL", "1")
    broker = _broker(tmp_path)
    with pytest.raises(BrokerError, match="Could not resolve dependencies") as err:
        broker.ensure_jars()
    assert "mvn could not fetch Kafka" in str(err.value)
    assert not broker.marker.exists()
    assert not broker.libs_dir.exists()


def test_missing_maven_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BrokerError, match="'mvn' not found on PATH"):
        _broker(tmp_path).ensure_jars()


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    broker = _broker(tmp_path)
    _fake_jars(broker)
    with pytest.raises(BrokerError, match="'java' not found on PATH"):
        broker.start()


# ------------------------------------------------------------------ start / stop


def test_crash_during_start_raises_with_the_last_30_log_lines(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_JAVA_MODE", "crash")
    broker = _broker(tmp_path)
    _fake_jars(broker)
    with pytest.raises(BrokerError) as err:
        broker.start()
    msg = str(err.value)
    assert "exited with code 3" in msg
    assert "fake broker line 39" in msg and "fake broker line 10" in msg
    assert "fake broker line 9\n" not in msg
    assert not broker.pid_file.exists()


def test_start_timeout_kills_the_process_and_reports(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_JAVA_MODE", "hang")
    broker = _broker(tmp_path, start_timeout_s=1.0)
    _fake_jars(broker)
    with pytest.raises(BrokerError, match="not ready within 1s"):
        broker.start()
    assert not _pid_alive(_fake_pid(tmp_path))
    assert not broker.pid_file.exists()


def test_start_is_idempotent_and_stop_escalates_to_sigkill(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_JAVA_IGNORE_TERM", "1")
    broker = _broker(tmp_path)
    _fake_jars(broker)
    try:
        status = broker.start()
        assert status.running and status.pid == _fake_pid(tmp_path)
        assert broker.start().pid == status.pid  # no second process
        assert broker.stop(timeout=0.5) is True
        assert status.pid is not None and not _pid_alive(status.pid)
        assert "sent SIGKILL" in broker.log_file.read_text()
        assert not broker.pid_file.exists()
        assert broker.status().running is False
    finally:
        broker.stop(timeout=0.5)


def test_concurrent_starts_share_one_broker(tmp_path: Path, fake_bin: Path) -> None:
    broker = _broker(tmp_path)
    _fake_jars(broker)
    other = LocalBroker(broker.settings)
    try:
        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(lambda b: b.start(), [broker, other]))
        assert statuses[0].pid == statuses[1].pid == _fake_pid(tmp_path)
        assert broker.log_file.read_text().count("Kafka Server started") == 1
    finally:
        broker.stop(timeout=1)


def test_stale_pid_file_pointing_at_another_process_is_not_signalled(tmp_path: Path) -> None:
    broker = _broker(tmp_path)
    broker.data_dir.mkdir(parents=True)
    broker.pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a Kafka broker
    assert broker.status().running is False
    assert broker.stop(timeout=0.5) is False  # and we are still here
    assert not broker.pid_file.exists()


@pytest.mark.parametrize("die_with_parent", [True, False])
def test_broker_outlives_its_starter_unless_asked_to_die_with_it(
    tmp_path: Path, fake_bin: Path, die_with_parent: bool
) -> None:
    broker = _broker(tmp_path)
    _fake_jars(broker)
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pipeline.config import BrokerSettings\n"
            "from pipeline.kafka.broker import LocalBroker\n"
            "b = LocalBroker(BrokerSettings.model_validate_json(sys.argv[1]),"
            " die_with_parent=sys.argv[2] == '1')\n"
            "b.start()\n"
            "print('up', flush=True)\n"
            "time.sleep(60)\n",
            broker.settings.model_dump_json(),
            "1" if die_with_parent else "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert starter.stdout is not None and starter.stdout.readline() == "up\n"
        pid = _fake_pid(tmp_path)
        starter.kill()  # SIGKILL: no cleanup code of the starter runs
        starter.wait(10)
        # Dying takes milliseconds; surviving is checked over one second.
        deadline = time.monotonic() + (5.0 if die_with_parent else 1.0)
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _pid_alive(pid) is (not die_with_parent)
        assert broker.status().running is (not die_with_parent)
    finally:
        starter.kill()
        broker.stop(timeout=1)


# ------------------------------------------------------------------ CLI


def _run(action: str, broker: LocalBroker) -> int:
    settings = Settings(broker=broker.settings)
    return broker_cmd.run(argparse.Namespace(action=action, stop_timeout=5.0), settings)


def test_cli_exit_codes_and_messages(
    tmp_path: Path, fake_bin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broker = _broker(tmp_path)
    _fake_jars(broker)
    try:
        assert _run("status", broker) == broker_cmd.EXIT_STOPPED
        assert "stopped" in capsys.readouterr().out
        assert _run("start", broker) == 0
        assert broker.bootstrap in capsys.readouterr().out
        assert _run("start", broker) == 0
        assert "already running" in capsys.readouterr().out
        assert _run("status", broker) == 0
        assert _run("stop", broker) == 0
        assert _run("status", broker) == broker_cmd.EXIT_STOPPED
    finally:
        broker.stop(timeout=1)


def test_cli_failure_exits_1_with_log_lines_on_stderr(
    tmp_path: Path, fake_bin: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FAKE_JAVA_MODE", "crash")
    broker = _broker(tmp_path)
    _fake_jars(broker)
    assert _run("start", broker) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsmon broker start:")
    assert "fake broker line 39" in err
