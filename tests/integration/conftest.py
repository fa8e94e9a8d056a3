"""Integration fixtures: one real Kafka broker per test session, unique topics per test.

- ``kafka_broker`` / ``kafka_bootstrap`` (session): a single-node KRaft broker on free ports in a
  tmp data dir, jars from the shared cache (``broker.jars_dir``, default
  ``~/.cache/newsmon/kafka``, override with NEWSMON_BROKER__JARS_DIR; the Kafka version follows
  NEWSMON_BROKER__VERSION). Set NEWSMON_TEST_BOOTSTRAP=host:port to use a broker you already
  run instead. A broker that cannot start fails the tests with its last log lines.
- ``kafka_settings`` (function): ``Settings`` pointing at that broker, every topic name and the
  Faust app id suffixed with a short uuid so tests never read each other's records, and all
  topics already created.

Every test under tests/integration is marked ``integration`` automatically.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.kafka.admin import BrokerUnavailable, ensure_topics, wait_for_broker
from pipeline.kafka.broker import BrokerError, LocalBroker, free_port

HERE = Path(__file__).resolve().parent
TOPIC_FIELDS = (
    "articles",
    "enriched",
    "events",
    "alerts_mediation",
    "alerts_sanctions",
    "deadletter",
    "feedback",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.integration)


def _two_free_ports() -> tuple[int, int]:
    first = free_port()
    second = free_port()
    while second == first:
        second = free_port()
    return first, second


def _test_broker(data_dir: Path) -> LocalBroker:
    base = load_settings().broker
    port, controller_port = _two_free_ports()
    settings = base.model_copy(
        update={
            "data_dir": str(data_dir),
            "port": port,
            "controller_port": controller_port,
            "host": "127.0.0.1",
        }
    )
    # die_with_parent: a pytest killed by a timeout must not leave the JVM running.
    return LocalBroker(settings, die_with_parent=True)


def started_private_broker(data_dir: Path) -> LocalBroker:
    """A broker of the test's own (one it may kill or stop), started; the test fails, naming
    why, when it does not start. The caller stops it."""
    broker = _test_broker(data_dir)
    try:
        broker.start()
    except BrokerError as exc:
        broker.stop(timeout=10)
        pytest.fail(f"test broker did not start: {exc}", pytrace=False)
    return broker


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker | None]:
    """The session's broker (None when NEWSMON_TEST_BOOTSTRAP names an external one)."""
    if os.environ.get("NEWSMON_TEST_BOOTSTRAP"):
        yield None
        return
    data_dir = tmp_path_factory.mktemp("kafka-broker")
    broker = _test_broker(data_dir)
    try:
        broker.start()
    except BrokerError as exc:
        # A port taken between picking and binding is the one race worth one retry.
        if "already in use" not in str(exc):
            broker.stop(timeout=10)
            pytest.fail(f"test Kafka broker did not start: {exc}", pytrace=False)
        broker = _test_broker(data_dir)
        try:
            broker.start()
        except BrokerError as exc2:
            broker.stop(timeout=10)
            pytest.fail(f"test Kafka broker did not start: {exc2}", pytrace=False)
    try:
        yield broker
    finally:
        broker.stop(timeout=15)


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_broker: LocalBroker | None) -> str:
    """"127.0.0.1:PORT" of a broker that answers metadata requests."""
    bootstrap = (
        kafka_broker.bootstrap if kafka_broker else os.environ["NEWSMON_TEST_BOOTSTRAP"]
    )
    try:
        wait_for_broker(bootstrap, timeout=30)
    except BrokerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    return bootstrap


def unique_settings(bootstrap: str, tmp_path: Path, suffix: str | None = None) -> Settings:
    """Settings for one test: own topics, own Faust app id and worker dir, same broker."""
    suffix = suffix or uuid.uuid4().hex[:8]
    settings = load_settings()
    settings.kafka.bootstrap_servers = bootstrap
    settings.kafka.client_id = f"newsmon-test-{suffix}"
    for field in TOPIC_FIELDS:
        setattr(settings.topics, field, f"{getattr(settings.topics, field)}.{suffix}")
    settings.worker.app_id = f"newsmon-test-{suffix}"
    settings.worker.data_dir = str(tmp_path / "worker")
    return settings


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings pointing at the session broker with this test's own, already created topics."""
    settings = unique_settings(kafka_bootstrap, tmp_path)
    ensure_topics(settings, timeout=30)
    return settings
