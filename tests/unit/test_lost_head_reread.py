"""ContiguousConsumer._reread_lost_heads: a partition whose committed record was lost is read
again from there, and nothing else: no seek while the record is still held or acked, or
while a commit is in flight. (A stand-in for the consumer's state, not for Kafka: the method
only reads that state and calls ``seek``.)"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from faust.types import TP

from agents.consumer import ContiguousConsumer
from pipeline.kafka.offsets import ContiguousReads, HeldSince

ARTICLES = TP("news.articles", 0)


class Record:
    """Something weak-referenceable standing for a Faust message."""


class ConsumerState:
    """The attributes of a ContiguousConsumer that the re-read decision looks at."""

    def __init__(self, committed: int | None, read_up_to: int) -> None:
        self._commit_fut: Any = None
        self.flow_active = True
        self._paused_partitions: set[TP] = set()
        self._committed_offset = {ARTICLES: committed}
        self._acked_index: dict[TP, set[int]] = {ARTICLES: set()}
        self._reads = ContiguousReads()
        self._reads.reset(ARTICLES, read_up_to)
        self._handed: weakref.WeakValueDictionary[tuple[TP, int], Any] = (
            weakref.WeakValueDictionary()
        )
        self._first_handed: dict[TP, int] = {}
        self._lost_heads = HeldSince(after_s=0.0)  # due on the second look
        self.seeks: list[tuple[TP, int]] = []

    def assignment(self) -> set[TP]:
        return {ARTICLES}

    def _checked(self, tp: TP) -> bool:
        return True

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


def look_twice(state: ConsumerState) -> list[tuple[TP, int]]:
    for _ in range(2):
        asyncio.run(ContiguousConsumer._reread_lost_heads(state))  # type: ignore[arg-type]
    return state.seeks


def test_a_lost_head_is_read_again_from_the_committed_offset() -> None:
    # committed 32, records read up to 81, the record at 32 neither acked nor held anywhere
    assert look_twice(ConsumerState(committed=32, read_up_to=82)) == [(ARTICLES, 32)]


def test_a_head_still_held_in_the_process_is_left_alone() -> None:
    state = ConsumerState(committed=32, read_up_to=82)
    record = Record()  # e.g. in a take() batch waiting for its sends' acks
    state._handed[(ARTICLES, 32)] = record
    assert look_twice(state) == []
    del record


def test_an_acked_head_or_a_commit_in_flight_is_left_alone() -> None:
    acked = ConsumerState(committed=32, read_up_to=82)
    acked._acked_index[ARTICLES].add(32)
    assert look_twice(acked) == []
    committing = ConsumerState(committed=32, read_up_to=82)
    committing._commit_fut = object()  # its acks are out of _acked until it lands
    assert look_twice(committing) == []


def test_a_head_not_read_yet_is_left_to_the_fetch() -> None:
    assert look_twice(ConsumerState(committed=32, read_up_to=32)) == []


def test_a_lost_head_of_a_partition_never_committed_is_read_again_from_its_first_record() -> None:
    # the group never committed news.articles[0]; its records 0..3 were handed on from 0 and
    # the one at 0 was lost (not acked, not held): read again from 0, not left at lag for good
    state = ConsumerState(committed=None, read_up_to=4)
    state._first_handed[ARTICLES] = 0
    assert look_twice(state) == [(ARTICLES, 0)]


def test_a_partition_never_committed_whose_first_record_is_held_or_acked_is_left_alone() -> None:
    held = ConsumerState(committed=None, read_up_to=4)
    held._first_handed[ARTICLES] = 0
    record = Record()
    held._handed[(ARTICLES, 0)] = record
    assert look_twice(held) == []
    acked = ConsumerState(committed=None, read_up_to=4)
    acked._first_handed[ARTICLES] = 0
    acked._acked_index[ARTICLES].add(0)
    assert look_twice(acked) == []
    nothing_read = ConsumerState(committed=None, read_up_to=4)  # no first record known
    assert look_twice(nothing_read) == []
    del record
