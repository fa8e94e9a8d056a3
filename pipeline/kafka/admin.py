"""Topic administration with kafka-python's admin client: create newsmon's topics up front.

Why up front: Faust tables need their changelog topics to match the source topics' partition
count, and auto-created topics take the broker default. Creating every topic of
``settings.topics.all()`` with one partition count before any producer or worker runs keeps
them co-partitioned.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from pipeline.config import KafkaSettings, Settings
from pipeline.kafka.security import (
    BrokerAuthError,
    client_kwargs,
    explain_refusal,
    redact,
)
from pipeline.logs import get_logger, log_event

logger = get_logger(__name__)


class BrokerUnavailable(RuntimeError):
    """No broker answered at the bootstrap address within the timeout."""


class TopicError(RuntimeError):
    """A topic could not be created, or exists with a layout newsmon cannot use."""


def _servers(bootstrap: str) -> list[str]:
    return [s.strip() for s in bootstrap.split(",") if s.strip()]


def _admin(
    bootstrap: str,
    timeout_s: float,
    client_id: str = "newsmon-admin",
    kafka: KafkaSettings | None = None,
) -> KafkaAdminClient:
    ms = max(1000, int(timeout_s * 1000))
    return KafkaAdminClient(
        bootstrap_servers=_servers(bootstrap),
        client_id=client_id,
        bootstrap_timeout_ms=ms,
        request_timeout_ms=ms,
        **(client_kwargs(kafka) if kafka else {}),
    )


class _Recorder(logging.Handler):
    """Keeps what kafka-python logged meanwhile: its exceptions often only say "unable to
    bootstrap", while the log line before says *why* (SASL refused, certificate untrusted)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # a malformed client log record must not break the probe
        with contextlib.suppress(Exception):
            self.messages.append(record.getMessage())


@contextmanager
def _quiet_kafka_client() -> Iterator[_Recorder]:
    """While polling a broker that may not be up yet, kafka-python logs every refused connection;
    the one message that matters is ours, raised after the timeout. What it logged is recorded
    (not printed) so a refusal can be told from a broker that is down.

    Recorded from WARNING up: kafka-python 3 reports a refused SASL login during bootstrap
    only as the warning "Bootstrap connection to 1 failed: SaslAuthenticationFailedError ...".
    Whether an ERROR line names it too depends on who closes the socket first (a loaded
    host let the broker win: the refusal went unseen and the process ran on)."""
    client_logger = logging.getLogger("kafka")
    previous, propagate = client_logger.level, client_logger.propagate
    recorder = _Recorder()
    client_logger.setLevel(logging.WARNING)
    client_logger.propagate = False
    client_logger.addHandler(recorder)
    try:
        yield recorder
    finally:
        client_logger.removeHandler(recorder)
        client_logger.setLevel(previous)
        client_logger.propagate = propagate


def _chain(exc: BaseException) -> list[str]:
    """The exception and what it was raised from: kafka-python's "unable to bootstrap" may
    carry the SASL or TLS failure only as its cause."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts.append(repr(current))
        current = current.__cause__ or current.__context__
    return texts


def raise_if_refused(kafka: KafkaSettings | None, *texts: str) -> None:
    """Raise :class:`BrokerAuthError` when any of ``texts`` shows an authentication or TLS
    trust failure: retrying those only turns one clear message into a loop of them."""
    if kafka is None:
        return
    for text in texts:
        reason = explain_refusal(kafka, text)
        if reason:
            raise BrokerAuthError(reason)


def wait_for_broker(
    bootstrap: str, timeout: float = 30.0, kafka: KafkaSettings | None = None
) -> dict[str, object]:
    """Block until a broker at ``bootstrap`` answers a cluster-metadata request.

    ``kafka`` carries the security settings (``None``: PLAINTEXT). Returns the cluster
    description (cluster_id, controller_id, brokers). Raises :class:`BrokerUnavailable` naming
    the address and the last error after ``timeout`` s, and
    :class:`~pipeline.kafka.security.BrokerAuthError` at once when the broker refused the
    credentials or its certificate is not trusted."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    # A refusal shows within a second on a quiet host, but a TLS + SCRAM handshake on a loaded
    # one can take seconds: an attempt cut off before the broker's answer reads as "timed out",
    # not as a refusal (a CI run saw only such attempts in 15 s). Hence 4 s, then up to 10 s.
    attempt_s = 4.0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        with _quiet_kafka_client() as recorder:
            try:
                with _admin(bootstrap, min(remaining, attempt_s), kafka=kafka) as admin:
                    info: dict[str, object] = admin.describe_cluster()
                if info.get("brokers"):
                    return info
                last = RuntimeError("metadata lists no brokers yet")
            except (KafkaError, OSError, ValueError) as exc:
                last = exc
                raise_if_refused(kafka, *_chain(exc), *recorder.messages)
                if recorder.messages:  # "unable to bootstrap" says less than the client's line
                    last = RuntimeError(f"{exc}; the client said: {recorder.messages[-1]}")
        attempt_s = min(10.0, attempt_s * 2)
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    if kafka is not None and last is not None:
        last = RuntimeError(redact(repr(last), kafka))
    raise BrokerUnavailable(
        f"no Kafka broker reachable at {bootstrap} within {timeout:g}s "
        f"(last error: {last!r}); start one with `newsmon broker start` "
        "or set NEWSMON_BOOTSTRAP"
    )


@contextmanager
def admin_client(settings: Settings, timeout: float = 30.0) -> Iterator[KafkaAdminClient]:
    """An admin client for ``settings.kafka.bootstrap_servers``, after the broker answered."""
    bootstrap = settings.kafka.bootstrap_servers
    wait_for_broker(bootstrap, timeout, kafka=settings.kafka)
    admin = _admin(
        bootstrap, timeout, client_id=f"{settings.kafka.client_id}-admin", kafka=settings.kafka
    )
    try:
        yield admin
    finally:
        admin.close()


def describe_topics(admin: KafkaAdminClient, names: list[str] | None = None) -> dict[str, int]:
    """{topic: partition count} for ``names`` (all topics if None); unknown names are left out."""
    out: dict[str, int] = {}
    for topic in admin.describe_topics(names):
        if topic.get("error_code", 0) == 0 and topic.get("name"):
            out[topic["name"]] = len(topic.get("partitions") or [])
    return out


def list_topics(settings: Settings, include_internal: bool = False, timeout: float = 30.0
                ) -> dict[str, int]:
    """{topic: partition count} of the cluster, internal topics (``__*``) only if asked."""
    with admin_client(settings, timeout) as admin:
        topics = describe_topics(admin)
    return {
        name: parts
        for name, parts in sorted(topics.items())
        if include_internal or not name.startswith("__")
    }


def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create every topic of ``settings.topics.all()`` that does not exist; return those created.

    Idempotent: existing topics are fine (also when another process creates one concurrently).
    Waits until metadata shows every topic with a leader per partition. An existing topic with
    a different partition count raises :class:`TopicError`, because Faust's co-partitioned
    tables would fail later with a less helpful PartitionsMismatch."""
    specs = settings.topics.all()
    names = [s.name for s in specs]
    rf = settings.topics.replication_factor
    bootstrap = settings.kafka.bootstrap_servers
    with admin_client(settings, timeout) as admin:
        existing = describe_topics(admin, names)
        missing = [s for s in specs if s.name not in existing]
        created: list[str] = []
        if missing:
            request = {
                s.name: {
                    "num_partitions": s.partitions,
                    "replication_factor": rf,
                    **({"configs": dict(s.configs)} if s.configs else {}),
                }
                for s in missing
            }
            result = admin.create_topics(
                request, timeout_ms=int(timeout * 1000), raise_errors=False
            )
            for topic in result.get("topics", []):
                code = topic.get("error_code", 0)
                name = topic.get("name")
                if code == 0:
                    created.append(name)
                elif code != TopicAlreadyExistsError.errno:
                    raise TopicError(
                        f"creating topic {name!r} on {bootstrap} failed: error {code} "
                        f"{topic.get('error_message') or ''}".rstrip()
                    )
        try:
            admin.wait_for_topics(names, timeout_ms=int(timeout * 1000))
        except KafkaError as exc:
            raise TopicError(f"topics on {bootstrap} not ready within {timeout:g}s: {exc}") from exc
        layout = describe_topics(admin, names)
    wrong = {
        s.name: layout.get(s.name) for s in specs if layout.get(s.name) != s.partitions
    }
    if wrong:
        detail = ", ".join(f"{n} has {p}" for n, p in wrong.items())
        raise TopicError(
            f"topics on {bootstrap} do not have the configured {settings.topics.partitions} "
            f"partitions: {detail} (topics.partitions must match existing topics)"
        )
    for name in created:
        log_event(logger, "topic_created", topic=name, bootstrap=bootstrap)
    return created


def preflight(settings: Settings, timeout: float = 30.0) -> bool:
    """Fail at start on what no retry fixes: an unreadable password or certificate
    (:class:`~pipeline.kafka.security.SecurityError`), credentials the broker refuses or a
    certificate we do not trust (:class:`~pipeline.kafka.security.BrokerAuthError`).

    A broker that is merely not there is not fatal for processes that wait for it (the poller
    keeps articles in its outbox): that returns False. True once the broker answered. The
    timeout leaves room for several TLS + SCRAM handshakes on a loaded host: with 5 s and
    again with 15 s (in a CI run), a refusal slower than the attempts went unseen and the
    process ran on. A broker that is down costs a process that waits for it this much once."""
    client_kwargs(settings.kafka)
    try:
        wait_for_broker(settings.kafka.bootstrap_servers, timeout, kafka=settings.kafka)
    except BrokerUnavailable as exc:
        log_event(logger, "broker_unreachable_at_start", level=logging.WARNING, error=str(exc))
        return False
    return True
