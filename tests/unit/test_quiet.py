"""Broker outages leave a few log lines, not thousands."""

from __future__ import annotations

import logging

import pytest

from pipeline.quiet import ClientLogGate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(name: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "Unable connect to node", None, None)


def test_an_outage_gives_one_warning_periodic_summaries_and_one_line_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    gate = ClientLogGate(summary_every_s=30, clock=clock)
    caplog.set_level(logging.INFO, logger="newsmon.broker_outage")
    passed = 0
    for i in range(2000):  # about 2,000 client lines in 62 s of outage
        clock.now = i * 0.031
        name = ("aiokafka.conn", "kafka.client", "faust.transport.drivers.aiokafka")[i % 3]
        passed += gate.filter(_record(name))
    gate.broker_checked(True)
    events = [(r.getMessage(), getattr(r, "suppressed", None)) for r in caplog.records]
    assert passed == 0
    assert events[0] == ("broker_unreachable", None)
    summaries = [n for e, n in events if e == "broker_still_unreachable"]
    assert len(summaries) == 2 and sum(summaries) < 2000
    assert events[-1] == ("broker_reachable", 2000)
    assert len(events) == 4


def test_own_lines_info_lines_and_other_faust_warnings_pass_outside_an_outage() -> None:
    gate = ClientLogGate()
    assert gate.filter(_record("newsmon.worker"))
    assert gate.filter(_record("aiokafka.consumer", logging.INFO))
    assert gate.filter(_record("faust.transport.consumer", logging.WARNING))  # not a trigger
    slow = logging.LogRecord("kafka.net", logging.WARNING, __file__, 1, "Task ran 0.2s", None, None)
    assert gate.filter(slow)  # a client warning not about the broker opens no outage
    assert not gate.outage
    gate.broker_checked(False, "cannot reach broker")
    assert gate.outage
    assert not gate.filter(_record("faust.transport.consumer", logging.WARNING))
    assert gate.filter(_record("newsmon.worker"))  # our own lines are never suppressed
