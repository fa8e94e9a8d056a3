"""Quiet outages: while the broker is away, one warning, a summary now and then, one line back.

Why: the Kafka clients (kafka-python, aiokafka, and Faust's transport on top) log every failed
connect, metadata refresh and fetch - thousands of lines in a minute of outage (2,031 in 23 s
measured), which bury everything else and cost log storage. What ops need is when it went,
that it is still away, and when it came back.

:class:`ClientLogGate` is a filter on the root handler (one place, whatever logger a client
line comes from). A WARNING-or-worse line from ``kafka``/``aiokafka``, or a failed broker
check, opens an outage: one ``broker_unreachable`` warning, then client lines (those loggers
and ``faust.transport``) at WARNING or above are counted, not written, with a
``broker_still_unreachable`` summary every ``summary_every_s`` that says how many were
suppressed. The next successful broker check closes it with one ``broker_reachable`` line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

TRIGGERS = ("kafka", "aiokafka")
#: A client warning opens an outage only when it is about reaching the broker (a slow-task
#: warning of kafka-python's event loop, say, is not an outage).
OUTAGE_WORDS = ("connect", "unreachable", "nodenotready", "timed out", "timeout", "broker")
SUPPRESSED = ("kafka", "aiokafka", "faust.transport")
log = logging.getLogger("newsmon.broker_outage")


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


class ClientLogGate(logging.Filter):
    def __init__(
        self, summary_every_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.summary_every_s = summary_every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_summary = 0.0
        self._since_summary = 0
        self._total = 0

    @property
    def outage(self) -> bool:
        return self._down_since is not None

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if record.levelno < logging.WARNING or not _under(name, SUPPRESSED):
            return True
        with self._lock:
            if self._down_since is None:
                message = record.getMessage()
                if not _under(name, TRIGGERS) or not any(
                    w in message.lower() for w in OUTAGE_WORDS
                ):
                    return True
                self._open(message)
            self._since_summary += 1
            self._total += 1
            now = self._clock()
            summary = now - self._last_summary >= self.summary_every_s
            if summary:
                count, self._since_summary = self._since_summary, 0
                self._last_summary = now
                down_for = now - (self._down_since or now)
        if summary:
            log.warning(
                "broker_still_unreachable",
                extra={"suppressed": count, "down_for_s": round(down_for, 1)},
            )
        return False

    def _open(self, reason: str) -> None:
        # under self._lock
        now = self._clock()
        self._down_since = now
        self._last_summary = now
        self._since_summary = 0
        self._total = 0
        log.warning(
            "broker_unreachable",
            extra={"reason": reason[:300], "summary_every_s": self.summary_every_s},
        )

    def broker_checked(self, ok: bool, detail: str = "") -> None:
        """What the periodic broker check found; opens or closes the outage."""
        with self._lock:
            if not ok and self._down_since is None:
                self._open(detail)
                return
            if not ok or self._down_since is None:
                return
            down_for = self._clock() - self._down_since
            total = self._total
            self._down_since = None
        log.warning(
            "broker_reachable",
            extra={"down_for_s": round(down_for, 1), "suppressed": total},
        )


_GATE = ClientLogGate()


def client_log_gate() -> ClientLogGate:
    """The process-wide gate that :func:`pipeline.logs.setup_logging` installs."""
    return _GATE
