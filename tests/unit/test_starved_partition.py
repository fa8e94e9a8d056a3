"""ContiguousConsumer._reread_starved: a partition with records waiting in the log and none
handed on (the fetcher left it behind) is sought to its committed offset and fetched again;
a caught-up, busy or Faust-paused partition is left alone, and a broker that does not answer
changes nothing. (A stand-in for the consumer's state and its end-offset request, not for
Kafka: the method only reads that state, asks for end offsets and calls ``seek``.)"""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from agents.consumer import ContiguousConsumer
from pipeline.kafka.offsets import ContiguousReads, HeldSince

ARTICLES = TP("news.articles", 2)
LOOKS = 3  # with no delay: quiet armed, quiet due + starved armed, both due


class ConsumerState:
    """The attributes of a ContiguousConsumer that the starvation check reads and writes."""

    def __init__(
        self, committed: int | None, read_up_to: int | None, end: int | None, start: int = 0
    ) -> None:
        self._commit_fut: Any = None
        self.flow_active = True
        self._paused_partitions: set[TP] = set()
        self._buffered_partitions: set[TP] = set()
        self._active_partitions: set[TP] | None = set()  # the fetcher serves nothing of it
        self._committed_offset = {ARTICLES: committed}
        self._reads = ContiguousReads()
        if read_up_to is not None:
            self._reads.reset(ARTICLES, read_up_to)
        self._quiet = HeldSince(after_s=0.0)
        self._starved = HeldSince(after_s=0.0)
        self.end = end
        self.start = start
        self.asked: list[tuple[TP, ...]] = []
        self.seeks: list[tuple[TP, int]] = []

    def assignment(self) -> set[TP]:
        return {ARTICLES}

    def _checked(self, tp: TP) -> bool:
        return True

    def _get_active_partitions(self) -> set[TP]:
        assert self._active_partitions is not None
        return self._active_partitions

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        self.asked.append(tps)
        if self.end is None:
            raise ConnectionError("broker away")
        return {tp: self.end for tp in tps}

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.start for tp in tps}

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


def look(state: ConsumerState, times: int = LOOKS) -> list[tuple[TP, int]]:
    for _ in range(times):
        asyncio.run(ContiguousConsumer._reread_starved(state))  # type: ignore[arg-type]
    return state.seeks


def test_a_partition_left_behind_is_sought_to_its_committed_offset_and_fetched_again() -> None:
    # after a broker restart: committed 20, sought there on the rejoin, 50 records waiting
    state = ConsumerState(committed=20, read_up_to=20, end=70)
    state._buffered_partitions.add(ARTICLES)
    assert look(state) == [(ARTICLES, 20)]
    assert ARTICLES in state._get_active_partitions()
    assert ARTICLES not in state._buffered_partitions


def test_a_partition_never_committed_and_never_read_is_sought_to_the_log_start() -> None:
    # a worker's restart: the dead one had written a record but never committed the partition
    state = ConsumerState(committed=None, read_up_to=None, end=8, start=3)
    assert look(state) == [(ARTICLES, 3)]
    assert look(ConsumerState(committed=None, read_up_to=None, end=0, start=0), 5) == []
    assert look(ConsumerState(committed=None, read_up_to=1, end=8, start=0), 5) == []  # read


def test_one_look_that_finds_records_waiting_is_not_enough() -> None:
    # a record that just arrived and is being fetched: the second look must see it too
    state = ConsumerState(committed=20, read_up_to=20, end=21)
    assert look(state, times=LOOKS - 1) == []


def test_a_caught_up_partition_is_left_alone() -> None:
    assert look(ConsumerState(committed=70, read_up_to=70, end=70), times=5) == []


def test_a_partition_with_records_in_flight_is_left_alone_without_asking_the_broker() -> None:
    state = ConsumerState(committed=20, read_up_to=45, end=70)
    assert look(state, times=5) == []
    assert state.asked == []


def test_a_partition_faust_paused_is_left_to_faust() -> None:
    state = ConsumerState(committed=20, read_up_to=20, end=70)
    state._paused_partitions.add(ARTICLES)  # recovery or rebalance
    assert look(state, times=5) == []


def test_a_broker_that_does_not_answer_changes_nothing() -> None:
    state = ConsumerState(committed=20, read_up_to=20, end=None)
    assert look(state, times=5) == []
    assert state.asked  # it was asked, and the check went on without an answer
