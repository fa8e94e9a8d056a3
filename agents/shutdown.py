"""A Faust worker whose SIGTERM/SIGINT shutdown has a deadline.

Why: Faust stops its services one by one, and stopping the consumer while the group is still
rebalancing can hang for good (seen: SIGTERM during the join, only SIGKILL after 30 s ended
it). An orchestrator then waits its whole grace period and kills anyway. A hard exit after
``worker.shutdown_timeout_s`` loses nothing: offsets are only ever committed for records whose
outputs the broker acknowledged (docs/delivery.md), so whatever was in flight is read again by
the next owner of the partition.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import faust

from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.worker")
#: Exit status of a shutdown that ran past its deadline.
EXIT_SHUTDOWN_TIMEOUT = 124


class DeadlineWorker(faust.Worker):
    """``faust.Worker`` plus a timer, armed by the first stop signal, that ends the process."""

    def __init__(self, *args: Any, shutdown_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shutdown_timeout_s = shutdown_timeout_s
        self._deadline: threading.Timer | None = None

    def _arm_deadline(self, signal_name: str) -> None:
        if self._deadline is not None:
            return
        log_event(log, "shutdown_started", signal=signal_name, deadline_s=self.shutdown_timeout_s)
        self._deadline = threading.Timer(self.shutdown_timeout_s, self._expire)
        self._deadline.daemon = True
        self._deadline.start()

    def _expire(self) -> None:
        log_event(log, "shutdown_deadline_exit", deadline_s=self.shutdown_timeout_s)
        os._exit(EXIT_SHUTDOWN_TIMEOUT)

    def _on_sigterm(self) -> None:
        self._arm_deadline("SIGTERM")
        super()._on_sigterm()

    def _on_sigint(self) -> None:
        self._arm_deadline("SIGINT")
        super()._on_sigint()
