"""`newsmon doctor` as a user runs it: it names what blocks a run, and passes on a set-up that
works (the session's real broker, with this test's topics created)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from pipeline.config import Settings
from pipeline.kafka.broker import free_port
from tests.integration.procs import REPO, newsmon_argv, settings_env


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        newsmon_argv("doctor", *args), cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300,
    )


def _lines(out: str, status: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(status)]


def test_doctor_names_a_taken_broker_port_and_a_missing_model(tmp_path: Path) -> None:
    missing_model = tmp_path / "no-such-ner-model"
    with socket.socket() as squatter:  # another program holding the broker's port
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        env = settings_env(
            Settings(),
            NEWSMON_BROKER__PORT=str(port),
            NEWSMON_BROKER__CONTROLLER_PORT=str(free_port()),
            NEWSMON_BROKER__DATA_DIR=str(tmp_path / "broker"),
            NEWSMON_KAFKA__BOOTSTRAP_SERVERS=f"127.0.0.1:{port}",
            NEWSMON_MODELS__NER=str(missing_model),
            NEWSMON_ANALYSTS__PORT="0",
        )
        done = _doctor(env, "--demo-port", str(free_port()))
    assert done.returncode == 1, done.stdout + done.stderr
    fails = _lines(done.stdout, "FAIL")
    assert any(f"broker.port 127.0.0.1:{port} is taken" in line for line in fails), done.stdout
    assert any("NEWSMON_BROKER__PORT" in line for line in fails)
    assert any(line.split()[1] == "broker" and "cannot start" in line for line in fails)
    model = [line for line in done.stdout.splitlines() if "models.ner" in line]
    assert len(model) == 1 and str(missing_model) in model[0], done.stdout
    assert model[0].startswith("WARN") and "does not exist" in model[0]
    assert "block a run" in done.stdout.splitlines()[-1]
    assert "Traceback" not in done.stderr


def test_doctor_passes_on_a_working_set_up(kafka_settings: Settings, tmp_path: Path) -> None:
    env = settings_env(
        kafka_settings,
        NEWSMON_BROKER__PORT=str(free_port()),
        NEWSMON_BROKER__CONTROLLER_PORT=str(free_port()),
        NEWSMON_BROKER__DATA_DIR=str(tmp_path / "broker"),
        NEWSMON_ANALYSTS__PORT=str(free_port()),
    )
    done = _doctor(env, "--demo-port", str(free_port()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _lines(done.stdout, "FAIL") == []
    out = done.stdout
    assert f"OK    broker  broker at {kafka_settings.kafka.bootstrap_servers} answers" in out
    assert f"{len(kafka_settings.topics.all())} topics with 4 partitions each" in out
    assert "models.encoder = 'builtin:all-MiniLM-L6-v2' loads" in out
    for word in ("python", "java", "maven", "port", "disk", "feeds", "model"):
        assert any(line.split()[1] == word for line in out.splitlines()[:-1]), word
    assert out.splitlines()[-1].startswith("nothing blocks a run")
    assert not [line for line in (out + done.stderr).splitlines() if line.startswith("{")]
