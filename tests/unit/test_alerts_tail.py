"""``alerts tail`` without a broker: rendering, poison records, --max/--timeout, CLI errors."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest

from pipeline.alerts import tail
from pipeline.alerts.novelty import decide
from pipeline.alerts.tail import TailOptions, follow, render
from pipeline.cli.main import main
from pipeline.schema import dumps
from tests.unit.test_alerts_helpers import T0, mediation, sanctions, settings


@dataclass
class Rec:
    topic: str
    partition: int
    offset: int
    value: bytes | None


class FakeConsumer:
    """Hands out pre-arranged poll() batches, then empty polls; advances a fake clock."""

    def __init__(self, batches: list[list[Rec]], clock: list[float]) -> None:
        self.batches = list(batches)
        self.clock = clock
        self.polls = 0

    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> dict:
        self.polls += 1
        self.clock[0] += timeout_ms / 1000
        if not self.batches:
            return {}
        recs = self.batches.pop(0)
        if max_records is not None and len(recs) > max_records:  # like kafka-python: the rest
            recs, rest = recs[:max_records], recs[max_records:]  # stays unconsumed
            self.batches.insert(0, rest)
        return {("tp", i): [r] for i, r in enumerate(recs)}

    def close(self) -> None:
        pass


def _alert_bytes() -> tuple[bytes, bytes]:
    s = settings()
    med = decide(None, mediation(), T0, s).alert
    sanc = decide(None, sanctions(), T0 + timedelta(minutes=1), s).alert
    assert med and sanc
    return dumps(med), dumps(sanc)


def test_render_line_and_json():
    med, _ = _alert_bytes()
    assert render(med, as_json=False).startswith("NEW    mediation offer mediator=RUS(Russia)")
    assert json.loads(render(med, as_json=True)) == json.loads(med)
    assert "\n" not in render(med, as_json=True)


def test_follow_prints_alerts_in_offset_order_and_skips_poison_records():
    med, sanc = _alert_bytes()
    clock = [0.0]
    consumer = FakeConsumer(
        [
            [
                Rec("alerts.sanctions", 0, 7, sanc),
                Rec("alerts.mediation", 1, 3, b"{not json"),
                Rec("alerts.mediation", 0, 5, med),
            ],
            [Rec("alerts.mediation", 0, 6, None)],
        ],
        clock,
    )
    out, err = io.StringIO(), io.StringIO()
    n = follow(consumer, TailOptions(topics=[], timeout_s=3), out, err, clock=lambda: clock[0])
    lines = out.getvalue().splitlines()
    assert n == 2
    assert lines[0].startswith("NEW    mediation offer")
    assert lines[1].startswith("NEW    sanctions impose")
    assert "skipped alerts.mediation[1]@3: Alert: not valid JSON" in err.getvalue()
    assert "skipped alerts.mediation[0]@6: Alert: empty record" in err.getvalue()
    assert clock[0] >= 3  # ran until the timeout


def test_follow_stops_at_max_without_waiting_for_the_timeout():
    med, sanc = _alert_bytes()
    clock = [0.0]
    consumer = FakeConsumer(
        [[Rec("t", 0, 0, med), Rec("t", 0, 1, sanc)], [Rec("t", 0, 2, med)]], clock
    )
    out = io.StringIO()
    opts = TailOptions(topics=[], max_alerts=1, timeout_s=60)
    assert follow(consumer, opts, out, io.StringIO(), clock=lambda: clock[0]) == 1
    assert len(out.getvalue().splitlines()) == 1
    assert consumer.polls == 1
    # nothing fetched beyond --max: the second alert of that batch is still unconsumed
    assert [r.offset for r in consumer.batches[0]] == [1]


def test_cli_reports_an_unreachable_broker(monkeypatch, capsys):
    monkeypatch.setattr(tail, "METADATA_WAIT_S", 0.5)
    monkeypatch.setenv("NEWSMON_BOOTSTRAP", "127.0.0.1:1")
    rc = main(["alerts", "tail", "--max", "1", "--timeout", "1"])
    assert rc == 2
    assert "no Kafka broker reachable at 127.0.0.1:1" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--max", "0"], ["--timeout", "-1"]])
def test_cli_rejects_bad_limits(argv, capsys):
    assert main(["alerts", "tail", *argv]) == 2
    assert "must be" in capsys.readouterr().err
