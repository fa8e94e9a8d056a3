"""The analysts' service without Kafka: index, Atom feed, page, JSON, Alertmanager payloads."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path

import feedparser
import jsonschema
import pytest

from pipeline.alerts.build import parse_time
from pipeline.alerts.feedback import make_mark
from pipeline.alerts.novelty import decide
from pipeline.analysts.alertmanager import DeliveryError, deliver_with_retry, labels, payload
from pipeline.analysts.atom import entry_id, render_feed
from pipeline.analysts.index import AlertIndex, Filters
from pipeline.analysts.page import render_page
from pipeline.analysts.server import AnalystsServer, serve_in_thread
from pipeline.schema import Alert
from tests.atomschema import atom_errors
from tests.conftest import REPO
from tests.unit.test_alerts_helpers import IRN, T0, mediation, sanctions, settings


def _alerts() -> tuple[Alert, Alert, Alert]:
    s = settings()
    med = decide(None, mediation(), T0, s)
    upd = decide(med.state, mediation("accept", article="c", url="https://c.example/x",
                                      source="Outlet C"), T0 + timedelta(hours=1), s)
    san = decide(None, sanctions(), T0 + timedelta(minutes=1), s)
    assert med.alert and upd.alert and san.alert
    return med.alert, san.alert, upd.alert


@pytest.fixture
def index(tmp_path: Path) -> AlertIndex:
    idx = AlertIndex(tmp_path / "index.sqlite", max_alerts=10)
    med, san, upd = _alerts()
    idx.ingest([med, san], [], {("alerts.mediation", 0): 1, ("alerts.sanctions", 0): 1})
    idx.ingest([upd], [], {("alerts.mediation", 0): 2})
    return idx


def test_index_keeps_one_row_per_event_newest_first_with_its_offsets(index: AlertIndex) -> None:
    _med, san, upd = _alerts()
    rows = index.query(Filters())
    assert [(r.alert.event_id, r.alert.kind) for r in rows] == [
        (upd.event_id, "update"), (san.event_id, "new")
    ]
    assert rows[0].n_alerts == 2
    index.ingest([upd], [], {})  # a worker's at-least-once repeat (same alert id)
    assert index.query(Filters())[0].n_alerts == 2
    assert index.offsets() == {("alerts.mediation", 0): 2, ("alerts.sanctions", 0): 1}
    # reopened (a restart): same rows, same offsets
    again = AlertIndex(index.path)
    assert [r.alert.alert_id for r in again.query(Filters())] == [upd.alert_id, san.alert_id]
    assert again.offsets() == index.offsets()


def test_index_filters_by_type_action_actor_and_words(index: AlertIndex) -> None:
    def ids(**kw: str) -> list[str]:
        return [r.alert.event.type for r in index.query(Filters(**kw))]  # type: ignore[arg-type]

    assert ids(type="sanctions") == ["sanctions"]
    assert ids(action="accept") == ["mediation"]
    assert ids(actor="IGO:UNSC") == ["sanctions"]
    assert ids(actor="PRK") == ["mediation", "sanctions"]
    assert ids(actor="PR") == []  # whole ids only
    assert ids(q="security council") == ["sanctions"]
    assert ids(q="kremlin") == ["mediation"]
    assert ids(q="100%_") == []
    san = _alerts()[1]
    assert ids(event_id=san.event_id) == ["sanctions"]  # the link in feeds and Alertmanager


def test_index_is_bounded_to_the_newest_events(tmp_path: Path) -> None:
    idx = AlertIndex(tmp_path / "i.sqlite", max_alerts=10)
    alerts = []
    for i in range(15):
        d = decide(None, sanctions(target=(IRN,), article=f"a{i}", url=f"https://x/{i}",
                                   evidence=f"Iran sanctions story number {i}."),
                   T0 + timedelta(minutes=i), settings())
        assert d.alert
        alerts.append(d.alert)
    for i, a in enumerate(alerts):
        idx.ingest([a], [], {("alerts.sanctions", 0): i + 1})
    kept = idx.query(Filters(limit=100))
    assert len(kept) == 10
    assert kept[0].alert.event_id == alerts[-1].event_id


def test_atom_feed_is_valid_atom_with_stable_ids_and_updated_times(index: AlertIndex) -> None:
    med, san, upd = _alerts()
    body = render_feed(index.query(Filters()), Filters(), "http://127.0.0.1:8780")
    assert atom_errors(body) == []
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    entries = {e.id: e for e in feed.entries}
    e = entries[entry_id(med.event_id)]
    assert parse_time(e.updated) == parse_time(upd.detected)
    assert parse_time(e.published) == parse_time(med.first_seen)
    assert e.title.startswith("UPDATE mediation accept:")
    assert upd.event.evidence in e.content[0].value
    assert "mediator: Russia (RUS)" in e.summary
    assert e.link == upd.event.url
    only = feedparser.parse(render_feed(index.query(Filters(type="sanctions")),
                                        Filters(type="sanctions"), "http://h"))
    assert [x.id for x in only.entries] == [entry_id(san.event_id)]
    assert only.feed.title == "newsmon alerts — sanctions"


def test_page_shows_each_alert_and_escapes_feed_text(tmp_path: Path) -> None:
    idx = AlertIndex(tmp_path / "i.sqlite")
    d = decide(None, sanctions(title="<script>alert(1)</script> Sanctions"), T0, settings())
    assert d.alert
    idx.ingest([d.alert], [make_mark(d.alert, "false", now=T0)], {})
    html = render_page(idx.query(Filters()), Filters(), idx.facets()).decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sanctions" in html
    assert f'id="e-{d.alert.event_id}"' in html
    assert "false alert" in html and "UN Security Council" in html
    assert "1 source (1 independent)" in html


def test_server_answers_json_and_turns_a_button_into_a_mark(index: AlertIndex) -> None:
    published = []
    srv = AnalystsServer(("127.0.0.1", 0), index, "", published.append)
    srv.base_url = srv.url
    serve_in_thread(srv)
    try:
        with urllib.request.urlopen(f"{srv.url}/api/alerts?actor=IGO:UNSC") as resp:
            data = json.load(resp)
        assert [a["event"]["type"] for a in data["alerts"]] == ["sanctions"]
        schema = json.loads((REPO / "configs" / "schemas" / "alert.schema.json").read_text())
        jsonschema.validate(data["alerts"][0], schema)  # the JSON is what the schema documents
        event_id = data["alerts"][0]["event_id"]
        req = urllib.request.Request(
            f"{srv.url}/alerts/{event_id}/mark?type=sanctions", data=b"kind=false",
            method="POST")
        with urllib.request.urlopen(req) as resp:  # follows the 303 back to the page
            page = resp.read().decode()
            assert resp.url.startswith(f"{srv.url}/?type=sanctions&notice=marked")
        assert f"marked {event_id} as a false alert" in page
        assert [(m.event_id, m.kind) for m in published] == [(event_id, "false")]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{srv.url}/api/alerts/{'f' * 20}")
        assert err.value.code == 404
    finally:
        srv.shutdown()
        srv.server_close()


def test_alertmanager_labels_and_annotations() -> None:
    med, san, _ = _alerts()
    assert labels(san) == {
        "alertname": "NewsmonSanctions", "type": "sanctions", "action": "impose",
        "event_id": san.event_id, "kind": "new", "severity": "info",
        "sender": "IGO:UNSC", "target": "PRK",
    }
    assert labels(med)["parties"] == "PRK+USA" and labels(med)["mediator"] == "RUS"
    body = payload(san, "http://page", T0 + timedelta(minutes=5), timedelta(hours=1))
    assert body["annotations"]["evidence"] == san.event.evidence
    assert body["annotations"]["source_url"] == san.event.url
    assert body["annotations"]["page"] == f"http://page/?event={san.event_id}#e-{san.event_id}"
    assert body["startsAt"] == san.detected
    assert body["endsAt"] == "2026-03-02T10:05:00Z"


def test_delivery_retries_with_backoff_then_gives_up_with_the_last_error() -> None:
    calls, sleeps = [], []
    clock = [0.0]

    def send() -> None:
        calls.append(clock[0])
        if len(calls) < 4:
            raise DeliveryError(f"down {len(calls)}")

    def sleep(s: float) -> None:
        sleeps.append(s)
        clock[0] += s

    assert deliver_with_retry(send, 60, 2, clock=lambda: clock[0], sleep=sleep) is None
    assert sleeps == [0.5, 1.0, 2.0]
    calls.clear()

    def never() -> None:
        raise DeliveryError("still down")

    err = deliver_with_retry(never, 5, 2, clock=lambda: clock[0], sleep=sleep)
    assert isinstance(err, DeliveryError) and "still down" in str(err)


def test_a_stopped_forwarder_stops_retrying() -> None:
    stop = threading.Event()
    stop.set()

    def never() -> None:
        raise DeliveryError("down")

    with pytest.raises(InterruptedError):
        deliver_with_retry(never, 60, 1, stopped=stop.is_set, sleep=lambda s: None)
