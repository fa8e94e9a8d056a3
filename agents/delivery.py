"""Wait for the broker's acknowledgement of what an input record produced, before it is acked.

Why in the agent and not only at commit time: Faust flushes its producer before it commits, but
a send that *failed* does not stop that commit, and Faust acks an input record even when the
agent raised. So each agent awaits the acks (acks=all) of every record derived from its input
before its loop body ends - that is when Faust acks the input (``take()``: the whole batch) -
and a send that fails for good ends the process at once, before any commit can include it;
the restarted worker reads the input again from the last commit.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Iterable
from typing import Any

from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.agents.delivery")
#: Exit status when a derived record could not be delivered (EX_TEMPFAIL: restart and retry).
EXIT_DELIVERY_FAILED = 75


async def acknowledged(pending: Iterable[Awaitable[Any]], stage: str) -> None:
    """Return once the broker acknowledged every pending send; exit the process if one failed."""
    futures = list(pending)
    if not futures:
        return
    try:
        await asyncio.gather(*futures)
    except Exception as exc:
        log_event(
            log,
            "delivery_failed_exiting",
            stage=stage,
            error=f"{type(exc).__name__}: {exc}"[:300],
            exit_status=EXIT_DELIVERY_FAILED,
        )
        os._exit(EXIT_DELIVERY_FAILED)
