"""Faust's aiokafka consumer with two corrections to its read/commit bookkeeping.

Why (the reproduction and the reasoning are in docs/delivery.md):

1. **No skipped reads.** Faust's fetch loop counts any jump in offsets as a hole in the log and
   commits past it, but Faust itself abandons records the client already handed over (a
   ``getmany`` round cut short by a rebalance or a flow stop). Each record read is checked with
   :class:`pipeline.kafka.offsets.ContiguousReads`; on a jump the partition is sought back and
   read again, and a hole is accepted only when a read starting exactly there confirms it.
   Changelog topics (compacted, holes are normal) are left to Faust.
2. **No commit over an unprocessed head.** Faust's ``_new_offset`` lets the lowest acked offset
   be one above the committed offset, i.e. it commits past the one record at the committed
   offset that was never acked. Here the head must be acked itself.

Everything else (fetching, rebalancing, acks from ``take()``, flushing the producer before a
commit) is Faust's own code. Kept to the consumer so that app options can change freely.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

from pipeline.kafka.offsets import ContiguousReads, Verdict
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.agents.consumer")


class ContiguousConsumer(faust_aiokafka.Consumer):
    """Reads every offset of a stream partition, in order, before anything past it commits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reads = ContiguousReads()

    def _checked(self, tp: TP) -> bool:
        return tp.topic not in self.app.tables.changelog_topics

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:
        refetching: set[TP] = set()
        async for tp, message in super().getmany(timeout):
            if tp in refetching:
                continue  # the rest of this round is re-read after the seek
            if not self._checked(tp):
                yield tp, message
                continue
            verdict = self._reads.check(tp, message.offset)
            if verdict is Verdict.REFETCH:
                want = self._reads.expected(tp)
                assert want is not None
                refetching.add(tp)
                log_event(
                    log,
                    "read_gap_refetch",
                    topic=tp.topic,
                    partition=tp.partition,
                    expected=want,
                    got=message.offset,
                )
                await super().seek(tp, want)  # not self.seek: keep the refetch marker
                continue
            if verdict is Verdict.HOLE:
                log_event(
                    log,
                    "read_hole_confirmed",
                    topic=tp.topic,
                    partition=tp.partition,
                    resumed_at=message.offset,
                )
            yield tp, message

    async def perform_seek(self) -> None:
        await super().perform_seek()
        for tp, offset in list(self._read_offset.items()):
            self._reads.reset(tp, offset)

    async def seek(self, partition: TP, offset: int) -> None:
        await super().seek(partition, offset)
        self._reads.reset(partition, offset)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        for tp in revoked:
            self._reads.forget(tp)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        committed = self._committed_offset[tp]
        if acked and committed is not None and not self._gap[tp] and min(acked) > committed:
            return None  # the record at the committed offset is not done yet
        return super()._new_offset(tp)


class ContiguousTransport(faust_aiokafka.Transport):
    Consumer = ContiguousConsumer


class NewsmonApp(faust.App):
    """A Faust app whose stream consumer is :class:`ContiguousConsumer`."""

    def _new_transport(self) -> Any:
        return ContiguousTransport(self.conf.broker_consumer, self)
