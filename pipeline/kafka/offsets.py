"""Contiguous reads per partition: the check that keeps a consumer from skipping records.

Why this exists (docs/delivery.md has the whole story): Faust's fetch loop treats any jump in
the offsets it reads as a *gap* - offsets the log does not have (compaction, transaction
markers) - and counts the whole gap as processed, so its commits move past it. But Faust also
drops records itself: a ``getmany`` round that sees the flow stop or the generation change
abandons the rest of the records the client already handed over, and the client's position
has moved past them. If the flow then goes on without a seek back, the next record read is
beyond the abandoned ones, the "gap" is filled in as acked, and the abandoned records are
committed without ever being processed - whole fetch responses, hundreds of records.

newsmon's input topics are plain delete-retention topics written by idempotent,
non-transactional producers: their offsets have no holes. So a jump is first taken as
records lost on the client side and read again (seek back to the expected offset). Only when
a read *starting exactly at* the expected offset still begins later is the hole real (a
compacted or transactional topic), and then it is accepted.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    DELIVER = "deliver"  # the next offset (or the first one seen): hand it on
    OLDER = "older"  # below the expected offset: a re-read, the consumer's own dedup decides
    REFETCH = "refetch"  # beyond the expected offset: seek back to ``expected`` and drop it
    HOLE = "hole"  # beyond, although the read started at ``expected``: a real hole in the log


@dataclass
class ContiguousReads:
    """Per partition, the offset the next record must have."""

    _expected: dict[Hashable, int] = field(default_factory=dict)
    _refetching: dict[Hashable, int] = field(default_factory=dict)

    def expected(self, tp: Hashable) -> int | None:
        return self._expected.get(tp)

    def reset(self, tp: Hashable, offset: int | None) -> None:
        """The consumer was positioned at ``offset`` (a seek, an assignment); None forgets."""
        self._refetching.pop(tp, None)
        if offset is None or offset < 0:
            self._expected.pop(tp, None)
        else:
            self._expected[tp] = offset

    def forget(self, tp: Hashable) -> None:
        self._expected.pop(tp, None)
        self._refetching.pop(tp, None)

    def check(self, tp: Hashable, offset: int) -> Verdict:
        """Classify the record at ``offset``; DELIVER and HOLE advance the expected offset."""
        want = self._expected.get(tp)
        if want is None or offset == want:
            self._refetching.pop(tp, None)
            self._expected[tp] = offset + 1
            return Verdict.DELIVER
        if offset < want:
            return Verdict.OLDER
        if self._refetching.get(tp) == want:
            # We already sought back to ``want`` and the log still starts later: a real hole.
            self._refetching.pop(tp, None)
            self._expected[tp] = offset + 1
            return Verdict.HOLE
        self._refetching[tp] = want
        return Verdict.REFETCH


def head_lost(
    committed: int | None, expected: int | None, head_acked: bool, head_alive: bool
) -> bool:
    """Whether the record at the committed offset can no longer be acknowledged by anyone.

    A partition commits only up to the first record not acked (the record *at* the committed
    offset, ``agents/consumer.py``). If that record was already handed on (``expected`` is past
    it), is not acked, and no object for it exists any more in this process (not queued, not
    in a ``take()`` buffer, not being processed), nothing will ever ack it: every commit of the
    partition waits for good. That happens when Faust's bookkeeping loses the record's ack or
    the record itself while the position has moved on (docs/delivery.md, "Commits stuck after
    a broker restart"). Reading the partition again from the committed offset is then the only
    way on that never counts an unprocessed record as done.
    """
    if committed is None or expected is None or expected <= committed:
        return False  # not handed on yet (or just sought back to it): the fetch will bring it
    return not head_acked and not head_alive


def nothing_in_flight(committed: int | None, expected: int | None) -> bool:
    """Whether no record of the partition past its committed offset has been handed on: every
    record read is committed, or none was read since the assignment or a seek (for a partition
    the group never committed: none was read at all)."""
    if committed is None:
        return expected is None
    return expected is None or expected <= committed


def reads_starved(committed: int | None, expected: int | None, end: int | None) -> bool:
    """Whether the log holds records past the committed offset and none of them was handed on.

    Held for long, that is a partition the fetcher no longer serves: after a broker restart one
    partition was seen to wait a minute with lag left, nothing of it fetched, so its head was
    never handed on and :func:`head_lost` (which looks only at records that were) could not
    see it (docs/delivery.md, "A partition the fetcher left behind"). Seeking it to its
    committed offset costs nothing: with nothing in flight, no record is read twice. For a
    partition the group never committed, ``committed`` is the log's start (where the reset
    policy, earliest, reads from): the same stall was seen there, after a worker's restart.
    """
    if committed is None or end is None:
        return False
    return nothing_in_flight(committed, expected) and end > committed


@dataclass
class HeldSince:
    """When a condition at one committed offset of a partition has held for ``after_s``: a
    head lost (head_lost) or a partition starved (reads_starved), before acting on it.

    The delay only keeps transient states out (an object the garbage collector has not freed
    yet, a commit finishing, a fetch on its way); correctness does not depend on it, since the
    action, a re-read, can only cause a duplicate, never a skipped record.
    """

    after_s: float
    _since: dict[Hashable, tuple[int, float]] = field(default_factory=dict)

    def due(self, tp: Hashable, committed: int, held: bool, now: float) -> bool:
        """True once ``held`` at ``committed`` for ``after_s`` (two looks at least); re-armed."""
        if not held:
            self._since.pop(tp, None)
            return False
        first = self._since.get(tp)
        if first is None or first[0] != committed:
            self._since[tp] = (committed, now)
            return False
        if now - first[1] >= self.after_s:
            self._since[tp] = (committed, now)  # if the re-read did not help, again later
            return True
        return False

    def forget(self, tp: Hashable) -> None:
        self._since.pop(tp, None)
