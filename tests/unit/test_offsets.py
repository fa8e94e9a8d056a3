"""ContiguousReads: a consumer never hands on a record beyond one it has not read."""

from __future__ import annotations

from pipeline.kafka.offsets import ContiguousReads, Verdict

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
