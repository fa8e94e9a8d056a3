"""A full agent queue must not starve a partition: once the queue drains below its low-water
mark, every partition paused for it fetches again, not only the one Faust's set pops first.

Drives the real queue of Faust's streams (mode's ``ThrowableQueue``, with the pressure
callbacks Faust's conductor registers) against the consumer's pause/resume bookkeeping; the
stand-in is for the consumer's state, not for Kafka."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from faust.types import TP
from mode.utils.queues import FlowControlEvent, ThrowableQueue

from agents.consumer import ContiguousConsumer

PARTITIONS = [TP("news.articles", p) for p in range(4)]


class ConsumerState:
    """The attributes Faust's on_buffer_full / on_buffer_drop read and write."""

    def __init__(self) -> None:
        self.app = SimpleNamespace(in_recovery=False)
        self._active_partitions: set[TP] | None = None
        self._buffered_partitions: set[TP] = set()
        self._paused_partitions: set[TP] = set()

    def assignment(self) -> set[TP]:
        return set(PARTITIONS)

    def _get_active_partitions(self) -> set[TP]:
        return ContiguousConsumer._get_active_partitions(self)  # type: ignore[arg-type]

    def _set_active_tps(self, tps: set[TP]) -> set[TP]:
        return ContiguousConsumer._set_active_tps(self, tps)  # type: ignore[arg-type]

    def on_buffer_full(self, tp: TP) -> None:
        ContiguousConsumer.on_buffer_full(self, tp)  # type: ignore[arg-type]

    def on_buffer_drop(self, tp: TP) -> None:
        ContiguousConsumer.on_buffer_drop(self, tp)  # type: ignore[arg-type]


def _callbacks(consumer: ConsumerState, tp: TP) -> dict[str, Any]:
    """One pair per partition, as Faust's conductor builds them (conductor.py)."""
    return {
        "on_pressure_high": lambda: consumer.on_buffer_full(tp),
        "on_pressure_drop": lambda: consumer.on_buffer_drop(tp),
    }


def test_every_paused_partition_resumes_when_the_queue_drains() -> None:
    async def scenario() -> tuple[set[TP], set[TP]]:
        consumer = ConsumerState()
        flow = FlowControlEvent()
        flow.resume()
        queue: ThrowableQueue[int] = ThrowableQueue(maxsize=20, flow_control=flow)
        callbacks = {tp: _callbacks(consumer, tp) for tp in PARTITIONS}
        # a backlog on every partition: records arrive round-robin until all four are paused
        n = 0
        while consumer._buffered_partitions != set(PARTITIONS):
            tp = PARTITIONS[n % 4]
            queue.put_nowait_enhanced(n, **callbacks[tp])
            n += 1
        paused = set(consumer._get_active_partitions())
        # the agent takes records until the queue is below its low-water mark, not empty
        while queue.qsize() > queue.pressure_drop_size - 1:
            await queue.get()
        return paused, set(consumer._get_active_partitions())

    paused, active = asyncio.run(scenario())
    assert paused == set()  # all four were paused for the full queue
    assert active == set(PARTITIONS)


def test_a_partition_paused_by_faust_stays_paused() -> None:
    consumer = ConsumerState()
    for tp in PARTITIONS:
        consumer.on_buffer_full(tp)
    consumer._paused_partitions.add(PARTITIONS[2])  # e.g. paused for table recovery
    consumer.on_buffer_drop(PARTITIONS[0])
    assert consumer._get_active_partitions() == set(PARTITIONS) - {PARTITIONS[2]}


def test_a_drop_signalled_for_a_partition_already_resumed_still_resumes_the_paused_ones() -> None:
    """The queue keeps one pending drop callback per partition it paused, and a resume of all
    leaves the others' callbacks pending. A partition whose callback is still pending is not
    paused again, and a later drop can pop such a stale callback: with the resume keyed on the
    popped partition, the partitions paused meanwhile waited for the queue to run dry while the
    unpaused one kept it full (the crash soak: three partitions idle 15-25 s, one reading)."""

    async def scenario() -> list[set[TP]]:
        consumer = ConsumerState()
        flow = FlowControlEvent()
        flow.resume()
        queue: ThrowableQueue[int] = ThrowableQueue(maxsize=20, flow_control=flow)
        callbacks = {tp: _callbacks(consumer, tp) for tp in PARTITIONS}
        left_paused: list[set[TP]] = []
        n = 0
        for _cycle in range(12):
            # the fetcher hands on records of active partitions only, round-robin, while the
            # agent is busy: the queue fills up to its high-water mark
            while queue.qsize() < queue.pressure_high_size + 2:
                active = sorted(consumer._get_active_partitions())
                if not active:
                    break
                queue.put_nowait_enhanced(n, **callbacks[active[n % len(active)]])
                n += 1
            # then the agent catches up to below the low-water mark
            while queue.qsize() > queue.pressure_drop_size - 1:
                await queue.get()
            left_paused.append(set(PARTITIONS) - consumer._get_active_partitions())
        return left_paused

    left_paused = asyncio.run(scenario())
    assert all(not paused for paused in left_paused), left_paused
