"""A false-alert mark (``newsmon alerts mark``) stops that event from alerting again, in the real
worker and after a restart of it (the marks table is rebuilt from its changelog).

Events are published straight to ``news.events`` under their identity key, as the event agent
would (the NLP has its own tests). Every step ends with an alert of an *unmarked* event of the
same identity key, hence on the same partition and processed after the marked one's sightings:
when it arrives, the marked event's sightings have been decided, without an alert.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipeline.alerts.identity import event_key
from pipeline.config import Settings
from pipeline.kafka.producer import make_producer
from pipeline.schema import Event, dumps
from tests.integration.procs import NewsmonProcess, TopicReader, run_newsmon
from tests.unit.test_alerts_helpers import sanctions

WAIT_S = 180


def _publish(settings: Settings, *events: Event) -> None:
    producer = make_producer(settings)
    try:
        for ev in events:
            key = event_key(ev).encode()
            producer.send(settings.topics.events, key=key, value=dumps(ev)).get(30)
    finally:
        producer.close()


def _wait_in_log(worker: NewsmonProcess, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in worker.log_path.read_text(errors="replace"):
        assert worker.proc.poll() is None, worker.log_tail()
        assert time.monotonic() < deadline, f"{text!r} not logged: {worker.log_tail()}"
        time.sleep(0.5)


def _kinds(records: list[dict]) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(r["kind"], r["event"]["action"]) for r in records]


@pytest.mark.slow
def test_a_false_mark_stops_the_event_alerting_also_after_a_worker_restart(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    settings = kafka_settings
    alerts = TopicReader(settings.kafka.bootstrap_servers, settings.topics.alerts_sanctions)
    first = sanctions()  # UN Security Council imposes sanctions on North Korea
    # Reports that would each fire an update of it: an escalation, then a third independent
    # source (corroboration threshold 3). Sentences written for this test.
    escalation = sanctions(
        "extend", article="s2", url="https://outlet-b.example/unsc-extends", source="Outlet B",
        evidence="Diplomats at the council agreed to prolong the measures against Pyongyang "
        "for another twelve months.",
        title="Security Council extends North Korea sanctions")
    corroboration = sanctions(
        article="s3", url="https://outlet-c.example/un-penalties", source="Outlet C",
        evidence="A fresh package of United Nations penalties now applies to North Korean "
        "shipping and banks, officials in New York confirmed.",
        title="New UN penalties hit North Korea")
    # Controls under the same key (sanctions|target=PRK): relief is an event of its own.
    relief = sanctions(
        "ease", article="r1", url="https://outlet-d.example/relief", source="Outlet D",
        evidence="The council voted to ease restrictions on humanitarian deliveries to "
        "North Korea.",
        title="UN eases some North Korea restrictions")
    lifted = sanctions(
        "lift", article="r2", url="https://outlet-e.example/lifted", source="Outlet E",
        evidence="Members lifted the ban on food shipments into North Korea altogether.",
        title="UN lifts food shipment ban on North Korea")
    assert len({event_key(e) for e in (first, escalation, corroboration, relief, lifted)}) == 1

    worker = NewsmonProcess(settings, tmp_path / "worker-1.log", "worker")
    try:
        _publish(settings, first)
        alerts.wait_for(lambda r: len(r) >= 1, WAIT_S)
        assert _kinds(alerts.records) == [("new", "impose")], worker.log_tail()
        event_id = alerts.records[0]["event_id"]

        marked = run_newsmon(settings, "alerts", "mark", event_id, "--false", "--by", "test")
        assert marked.returncode == 0, marked.stderr
        assert f"marked {event_id} (sanctions impose, sanctions|target=PRK)" in marked.stdout
        _wait_in_log(worker, '"mark_applied"', 60)

        _publish(settings, escalation, relief)
        alerts.wait_for(lambda r: len(r) >= 2, WAIT_S)
        alerts.poll(2)
        assert _kinds(alerts.records) == [("new", "impose"), ("new", "ease")], worker.log_tail()
    finally:
        worker.stop()

    with NewsmonProcess(settings, tmp_path / "worker-2.log", "worker") as worker2:
        _publish(settings, corroboration, lifted)
        alerts.wait_for(lambda r: len(r) >= 3, WAIT_S)
        alerts.poll(2)
        assert _kinds(alerts.records) == [
            ("new", "impose"), ("new", "ease"), ("update", "lift")], worker2.log_tail()
    alerts.close()

    report = run_newsmon(settings, "eval", "feedback", "--json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout) == [
        {"type": "sanctions", "action": "ease", "events": 1, "false": 0, "duplicate": 0,
         "marked_share": 0.0},
        {"type": "sanctions", "action": "impose", "events": 1, "false": 1, "duplicate": 0,
         "marked_share": 1.0},
    ]
