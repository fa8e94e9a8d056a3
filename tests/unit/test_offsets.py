"""ContiguousReads: a consumer never hands on a record beyond one it has not read.
head_lost / HeldSince: a partition whose committed record can never be acked is read again.
reads_starved: a partition with records waiting and none handed on is sought again."""

from __future__ import annotations

from pipeline.kafka.offsets import (
    ContiguousReads,
    HeldSince,
    Verdict,
    head_lost,
    nothing_in_flight,
    reads_starved,
)

TP = ("news.articles", 0)


def test_in_order_reads_are_delivered_and_the_first_read_sets_the_position() -> None:
    reads = ContiguousReads()
    assert [reads.check(TP, o) for o in (40, 41, 42)] == [Verdict.DELIVER] * 3
    assert reads.expected(TP) == 43


def test_a_jump_is_read_again_from_the_expected_offset() -> None:
    reads = ContiguousReads()
    reads.reset(TP, 505)
    assert reads.check(TP, 505) is Verdict.DELIVER
    # the records 506..957 were dropped on the client side: do not hand on 958
    assert reads.check(TP, 958) is Verdict.REFETCH
    assert reads.expected(TP) == 506
    # the re-read starting at 506 delivers it
    assert reads.check(TP, 506) is Verdict.DELIVER
    assert reads.expected(TP) == 507


def test_a_hole_is_accepted_only_when_a_read_from_its_start_confirms_it() -> None:
    reads = ContiguousReads()
    reads.reset(TP, 10)
    assert reads.check(TP, 12) is Verdict.REFETCH  # first time: assume records were dropped
    assert reads.check(TP, 12) is Verdict.HOLE  # read again from 10, still starts at 12
    assert reads.expected(TP) == 13
    assert reads.check(TP, 13) is Verdict.DELIVER


def test_older_records_are_left_to_the_consumer_and_do_not_move_the_position() -> None:
    reads = ContiguousReads()
    reads.reset(TP, 100)
    assert reads.check(TP, 97) is Verdict.OLDER
    assert reads.expected(TP) == 100


def test_a_seek_clears_a_pending_refetch_and_forget_drops_the_partition() -> None:
    reads = ContiguousReads()
    reads.reset(TP, 10)
    assert reads.check(TP, 20) is Verdict.REFETCH
    reads.reset(TP, 15)  # e.g. seek to committed after a rebalance
    assert reads.check(TP, 20) is Verdict.REFETCH  # not mistaken for a confirmed hole
    reads.forget(TP)
    assert reads.expected(TP) is None
    assert reads.check(TP, 99) is Verdict.DELIVER


def test_a_head_handed_on_unacked_and_gone_is_lost() -> None:
    # the broker-restart stall: committed 32, records read up to 81, the record at 32 neither
    # acked nor held anywhere any more -> no commit of the partition can ever move again
    assert head_lost(32, 82, head_acked=False, head_alive=False)


def test_a_head_still_queued_or_processing_or_acked_is_not_lost() -> None:
    assert not head_lost(32, 82, head_acked=False, head_alive=True)  # in a take() batch
    assert not head_lost(32, 82, head_acked=True, head_alive=False)  # the commit will move


def test_a_head_not_handed_on_yet_is_not_lost() -> None:
    assert not head_lost(32, 32, head_acked=False, head_alive=False)  # just sought back to it
    assert not head_lost(32, None, head_acked=False, head_alive=False)  # nothing read yet
    assert not head_lost(None, 82, head_acked=False, head_alive=False)  # never committed


def test_a_lost_head_is_due_for_a_reread_only_after_the_delay_and_then_again_later() -> None:
    heads = HeldSince(after_s=10.0)
    assert not heads.due(TP, 32, held=True, now=100.0)
    assert not heads.due(TP, 32, held=True, now=109.0)
    assert heads.due(TP, 32, held=True, now=110.0)
    assert not heads.due(TP, 32, held=True, now=111.0)  # re-armed: the re-read gets its time
    assert heads.due(TP, 32, held=True, now=120.0)


def test_a_head_found_again_or_a_moved_commit_restarts_the_delay() -> None:
    heads = HeldSince(after_s=10.0)
    assert not heads.due(TP, 32, held=True, now=100.0)
    assert not heads.due(TP, 32, held=False, now=105.0)  # e.g. acked meanwhile
    assert not heads.due(TP, 32, held=True, now=111.0)
    assert not heads.due(TP, 36, held=True, now=119.0)  # the commit moved: a new head
    assert not heads.due(TP, 36, held=True, now=128.0)
    assert heads.due(TP, 36, held=True, now=129.0)
    heads.forget(TP)
    assert not heads.due(TP, 36, held=True, now=200.0)


def test_a_partition_with_records_waiting_and_none_handed_on_is_starved() -> None:
    assert reads_starved(20, 20, end=70)  # sought to 20 (a rejoin), nothing fetched since
    assert reads_starved(20, None, end=70)  # nothing read since the assignment


def test_a_caught_up_or_busy_partition_is_not_starved() -> None:
    assert not reads_starved(70, 70, end=70)  # everything read is committed, nothing waits
    assert not reads_starved(20, 45, end=70)  # records in flight: the commit will follow
    assert not reads_starved(20, 20, end=None)  # end unknown (broker away): no verdict
    assert not reads_starved(None, None, end=70)  # never committed: the reset policy decides
    assert nothing_in_flight(20, 20) and not nothing_in_flight(20, 21)
    assert nothing_in_flight(None, None) and not nothing_in_flight(None, 1)  # never committed
