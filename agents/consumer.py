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
3. **No head lost for good.** With 2., a partition whose head record is neither acked nor held
   anywhere in the process any more (its ack or the record itself lost in Faust's bookkeeping,
   e.g. around a broker restart) could never commit again while the worker idles. Such a
   partition is read again from its committed offset (:func:`pipeline.kafka.offsets.head_lost`):
   a duplicate at worst, never a commit of a record that was not processed.
   And a partition that has records waiting but none handed on for as long (the fetcher left
   it behind, seen once after a broker restart) is sought to its committed offset and made
   active again (:func:`pipeline.kafka.offsets.reads_starved`): nothing is read twice.

4. **No partition starved by flow control.** When an agent's queue is nearly full, Faust stops
   fetching the partition whose record filled it (unless that partition's drop callback is
   still pending in the queue: then it is not stopped at all), and below the low-water mark
   it resumes *one* paused partition per record taken, popped from a set: the same one first
   every time, so under a steady backlog one partition could wait tens of seconds for the
   queue to run dry (the crash soak's longest stalls came without any kill). Here the
   partitions sharing a queue (a topic's) stop together and any resume resumes them all.

Everything else (fetching, rebalancing, acks from ``take()``, flushing the producer before a
commit) is Faust's own code. Kept to the consumer so that app options can change freely.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any

import faust
from faust.exceptions import ConsumerNotStarted
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message

from pipeline.kafka.offsets import (
    ContiguousReads,
    HeldSince,
    Verdict,
    head_lost,
    nothing_in_flight,
    reads_starved,
)
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.agents.consumer")
#: How long the record at a partition's committed offset must stay lost before the partition is
#: read again from there (pipeline.kafka.offsets.HeldSince: only a guard against transient
#: states; well below the progress watchdog's ``worker.stall_after_s``).
LOST_HEAD_AFTER_S = 10.0
#: How long a partition must go without a record handed on, nothing of it in flight, before its
#: end offset is asked for; it is sought to its committed offset once two such looks this far
#: apart both found records waiting (a fetch that was merely on its way is not a stall).
STARVED_AFTER_S = 10.0
#: A look at the end offsets that takes longer is given up (broker away); the next one asks again.
END_OFFSETS_TIMEOUT_S = 5.0


class ContiguousConsumer(faust_aiokafka.Consumer):
    """Reads every offset of a stream partition, in order, before anything past it commits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reads = ContiguousReads()
        # every stream record handed on, for as long as anything in the process still holds it
        self._handed: weakref.WeakValueDictionary[tuple[TP, int], Message] = (
            weakref.WeakValueDictionary()
        )
        # per partition the group never committed: the first offset handed on since its
        # assignment or a seek, which stands for the committed offset in the lost-head check
        self._first_handed: dict[TP, int] = {}
        self._lost_heads = HeldSince(LOST_HEAD_AFTER_S)
        self._quiet = HeldSince(STARVED_AFTER_S)  # nothing in flight
        self._starved = HeldSince(STARVED_AFTER_S)  # ... and records waiting in the log

    def on_buffer_full(self, tp: TP) -> None:
        """Stop fetching every partition of ``tp``'s topic, not only ``tp`` (4. above): they
        share the agent's queue, and Faust pauses a partition only when its own drop callback
        is not still pending in that queue, so one whose callback stayed pending went on
        feeding the queue alone while the others waited for it to drain (in the crash soak one
        partition read its whole backlog while three sat idle for 20 s). Records already
        fetched for them are still handed on (Faust's getmany yields buffered partitions)."""
        if self.app.in_recovery:  # as Faust: recovery manages its own partitions
            return
        active = self._get_active_partitions()
        sharing = {p for p in active if p.topic == tp.topic} | {tp}
        active.difference_update(sharing)
        self._buffered_partitions.update(sharing)

    def on_buffer_drop(self, tp: TP) -> None:
        """Resume every partition paused for a full queue, not only ``tp`` (4. above), and
        whether or not ``tp`` itself is paused: the queue keeps one drop callback per partition
        it paused, a resume of all leaves the others pending, and a later drop may pop such a
        stale one (keyed on ``tp``, the partitions paused meanwhile waited until the queue ran
        dry, 15-25 s in the crash soak). The fetch that follows is bounded by
        ``worker.fetch_partition_kib`` per partition."""
        buffered = self._buffered_partitions
        if buffered:
            # a partition Faust paused meanwhile (recovery, rebalance) stays paused
            self._get_active_partitions().update(buffered - self._paused_partitions)
            buffered.clear()

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
            self._handed[(tp, message.offset)] = message
            self._first_handed.setdefault(tp, message.offset)
            yield tp, message

    async def perform_seek(self) -> None:
        await super().perform_seek()
        self._first_handed.clear()
        for tp, offset in list(self._read_offset.items()):
            self._reads.reset(tp, offset)

    async def seek(self, partition: TP, offset: int) -> None:
        await super().seek(partition, offset)
        self._first_handed.pop(partition, None)
        self._reads.reset(partition, offset)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        for tp in revoked:
            self._first_handed.pop(tp, None)
            self._reads.forget(tp)
            self._lost_heads.forget(tp)
            self._quiet.forget(tp)
            self._starved.forget(tp)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        committed = self._committed_offset[tp]
        if acked and committed is not None and not self._gap[tp] and min(acked) > committed:
            return None  # the record at the committed offset is not done yet
        return super()._new_offset(tp)

    async def commit(self, topics: Any = None, start_new_transaction: bool = True) -> bool:
        await self._reread_lost_heads()
        await self._reread_starved()
        return await super().commit(topics, start_new_transaction=start_new_transaction)

    async def _reread_lost_heads(self) -> None:
        """Read a partition again from its committed offset when the record there is lost.

        Runs before every commit (the commit timer: once a second), on the partitions
        :func:`_watched_partitions` allows.
        """
        now = time.monotonic()
        for tp in _watched_partitions(self):
            committed = self._committed_offset.get(tp)
            # A partition the group never committed has its head at the first record handed on
            # (the log's start, where the reset policy read from): a broker test saw one such
            # record lost after the broker's restart, the partition's lag 1 for good.
            head = committed if committed is not None else self._first_handed.get(tp)
            expected = self._reads.expected(tp)
            acked = head in self._acked_index.get(tp, ())
            # first without looking at liveness: the 10 s delay is armed on this alone
            suspect = head_lost(head, expected, acked, head_alive=False)
            if head is None or not self._lost_heads.due(tp, head, suspect, now):
                continue
            # No gc.collect() to be sure: on a worker's heap (torch, spaCy) a full collection
            # holds the event loop for tenths of a second, and a queued head in a backlog is
            # suspect every 10 s. A dead record kept only by a reference cycle just counts as
            # alive until the collector's own next pass; the check after that sees it gone.
            if not head_lost(head, expected, acked, (tp, head) in self._handed):
                continue  # still queued or being processed: it will be acked in due course
            log_event(
                log,
                "lost_head_reread",
                level=logging.WARNING,
                topic=tp.topic,
                partition=tp.partition,
                committed=committed,
                sought_to=head,
                read_up_to=expected,
            )
            await self.seek(tp, head)

    async def _reread_starved(self) -> None:
        """Seek a partition the fetcher left behind to its committed offset (the log's start
        if the group never committed it), and resume it.

        Runs before every commit, like the lost-head check and skipped in the same states. A
        partition Faust paused (recovery, rebalance) is left to Faust; one paused only for a
        full queue has records in flight, so it is never starved.
        """
        now = time.monotonic()
        quiet: list[TP] = []
        for tp in _watched_partitions(self):
            committed = self._committed_offset.get(tp)
            held = nothing_in_flight(committed, self._reads.expected(tp))
            if self._quiet.due(tp, _key(committed), held, now):
                quiet.append(tp)
        if not quiet:
            return
        fresh = [tp for tp in quiet if self._committed_offset.get(tp) is None]
        try:
            ends = await asyncio.wait_for(self.highwaters(*quiet), END_OFFSETS_TIMEOUT_S)
            starts = (
                await asyncio.wait_for(self.earliest_offsets(*fresh), END_OFFSETS_TIMEOUT_S)
                if fresh
                else {}
            )
        except Exception as exc:  # broker away or slow: the next look asks again
            log_event(log, "end_offsets_unknown", level=logging.DEBUG, error=repr(exc))
            return
        for tp in quiet:
            committed = self._committed_offset.get(tp)
            # never committed: the reset policy (earliest) reads from the log's start
            position = committed if committed is not None else starts.get(tp)
            end = ends.get(tp)
            starved = reads_starved(position, self._reads.expected(tp), end)
            if position is None or not self._starved.due(tp, _key(committed), starved, now):
                continue
            log_event(
                log,
                "starved_partition_reread",
                level=logging.WARNING,
                topic=tp.topic,
                partition=tp.partition,
                committed=committed,
                sought_to=position,
                end=end,
            )
            self._buffered_partitions.discard(tp)
            if tp not in self._paused_partitions:
                self._get_active_partitions().add(tp)
            await self.seek(tp, position)


def _watched_partitions(consumer: ContiguousConsumer) -> list[TP]:
    """The stream partitions the re-read checks may look at now: none while a commit is in
    flight (it has taken its acks out of ``_acked`` but not yet moved the committed offset) or
    the flow is stopped (a rebalance seeks anyway); never one Faust paused for its own reasons
    (recovery, rebalance)."""
    if consumer._commit_fut is not None or not consumer.flow_active:
        return []
    try:
        assignment = consumer.assignment()
    except ConsumerNotStarted:
        return []
    return [
        tp
        for tp in sorted(assignment)
        if consumer._checked(tp) and tp not in consumer._paused_partitions
    ]


def _key(committed: int | None) -> int:
    """The committed offset as a timer key: -1 for a partition the group never committed."""
    return -1 if committed is None else committed


class ContiguousTransport(faust_aiokafka.Transport):
    Consumer = ContiguousConsumer


class NewsmonApp(faust.App):
    """A Faust app whose stream consumer is :class:`ContiguousConsumer`."""

    def _new_transport(self) -> Any:
        return ContiguousTransport(self.conf.broker_consumer, self)
