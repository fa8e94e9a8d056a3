"""`newsmon broker start|status|stop` on a second, private broker: the user-visible contract.

Exit codes (status 0 running / 3 stopped), idempotent start, stop that really ends the process,
and a restart on the same data dir that keeps the cluster id and the topics (formatted once).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.cli import broker_cmd
from pipeline.config import Settings, load_settings
from pipeline.kafka.admin import ensure_topics, list_topics
from pipeline.kafka.broker import LocalBroker, _pid_alive, free_port


def _settings(tmp_path: Path) -> Settings:
    settings = load_settings()
    port = free_port()
    controller = free_port()
    while controller == port:
        controller = free_port()
    settings.broker.data_dir = str(tmp_path / "broker")
    settings.broker.port = port
    settings.broker.controller_port = controller
    settings.kafka.bootstrap_servers = f"127.0.0.1:{port}"
    settings.topics.partitions = 2
    return settings


def _cli(action: str, settings: Settings) -> int:
    return broker_cmd.run(argparse.Namespace(action=action, stop_timeout=20.0), settings)


def test_start_status_stop_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    broker = LocalBroker(settings.broker)
    try:
        assert _cli("status", settings) == broker_cmd.EXIT_STOPPED
        assert "stopped" in capsys.readouterr().out

        assert _cli("start", settings) == 0
        out = capsys.readouterr().out
        assert "started" in out and broker.bootstrap in out
        pid = broker.status().pid
        assert pid is not None and _pid_alive(pid)
        cluster_id = (broker.data_dir / "cluster.id").read_text().strip()

        assert _cli("status", settings) == 0
        assert f"pid {pid}" in capsys.readouterr().out

        assert _cli("start", settings) == 0  # idempotent: same process, says so
        assert "already running" in capsys.readouterr().out
        assert broker.status().pid == pid

        assert ensure_topics(settings, timeout=30)

        assert _cli("stop", settings) == 0
        assert "stopped" in capsys.readouterr().out
        assert not _pid_alive(pid)
        assert not broker.pid_file.exists()
        assert _cli("status", settings) == broker_cmd.EXIT_STOPPED
        assert _cli("stop", settings) == 0
        assert "not running" in capsys.readouterr().out

        # Restart on the same data dir: same cluster, topics still there.
        assert _cli("start", settings) == 0
        assert (broker.data_dir / "cluster.id").read_text().strip() == cluster_id
        assert "Kafka Server started" in broker.log_file.read_text()
        assert list_topics(settings)[settings.topics.articles] == 2
        assert ensure_topics(settings, timeout=30) == []
    finally:
        broker.stop(timeout=20)
    assert broker.status().running is False


def test_start_on_a_taken_port_fails_with_a_clear_message(
    kafka_broker: LocalBroker | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kafka_broker is None:
        pytest.skip("needs the session broker's port (NEWSMON_TEST_BOOTSTRAP is set)")
    settings = _settings(tmp_path)
    settings.broker.port = kafka_broker.settings.port
    assert _cli("start", settings) == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{kafka_broker.settings.port} is already in use" in err
    assert not LocalBroker(settings.broker).pid_file.exists()
