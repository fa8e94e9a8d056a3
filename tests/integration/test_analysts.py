"""`newsmon alerts serve` on the real broker: Atom feed, JSON, the page in real Chromium, marks,
restarts; and a real Alertmanager receiving, silencing and surviving an outage.

Alert records are fed straight to the alert topics (the service is under test, not the NLP);
they are the seed's two alerts (Russia offers mediation between the USA and North Korea; the
UN Security Council imposes sanctions on North Korea) plus the mediation's acceptance update.
"""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from pipeline.alerts.build import parse_time
from pipeline.alerts.feedback import feedback_partition
from pipeline.alerts.novelty import decide
from pipeline.analysts.atom import entry_id
from pipeline.config import Settings
from pipeline.schema import Alert, dumps
from tests.atomschema import atom_errors
from tests.integration.analysts_tools import (
    ARTIFACTS,
    Alertmanager,
    AlertsServe,
    WebhookReceiver,
    http_json,
    require_tool,
    send_alerts,
    wait_until,
)
from tests.integration.procs import TopicReader
from tests.unit.test_alerts_helpers import EU, IRN, KOR, PRK, T0, mediation, sanctions, settings

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _seed_alerts() -> tuple[Alert, Alert, Alert]:
    s = settings()
    med = decide(None, mediation(), T0, s)
    accept = mediation("accept", article="c", url="https://c.example/accept", source="Outlet C",
                       title="North Korea accepts Russian mediation")
    accept.models = {"encoder": "all-MiniLM-L6-v2", "actors": "dictionary 2026.11"}
    upd = decide(med.state, accept, T0 + timedelta(hours=1), s)
    san = decide(None, sanctions(), T0 + timedelta(minutes=2), s)
    assert med.alert and upd.alert and san.alert
    return med.alert, san.alert, upd.alert


def _new_alert(target: tuple, sender: tuple = (EU,), n: int = 0) -> Alert:  # type: ignore[type-arg]
    d = decide(None, sanctions("threaten", sender=sender, target=target, article=f"x{n}",
                               url=f"https://x.example/{n}",
                               evidence=f"Brussels warned of new measures, story {n}.",
                               title=f"EU threatens sanctions ({n})"),
               T0 + timedelta(hours=2, minutes=n), settings())
    assert d.alert
    return d.alert


def _feed(url: str) -> feedparser.FeedParserDict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("application/atom+xml")
        body = resp.read()
    assert atom_errors(body) == [], atom_errors(body)[:5]
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "atom10", feed.get("bozo_exception")
    return feed


@pytest.mark.slow
def test_alerts_reach_the_feed_the_json_and_the_page_in_chromium(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    chromium = require_tool("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    med, san, upd = _seed_alerts()
    send_alerts(kafka_settings, [med, san, upd])
    serve = AlertsServe(kafka_settings, tmp_path).start()
    try:
        data = serve.wait_for_events(2)
        assert [(a["event_id"], a["kind"]) for a in data["alerts"]] == [
            (upd.event_id, "update"), (san.event_id, "new")]  # newest first, one per event
        assert data["alerts"][0] == upd.to_dict()  # the record, as the alert schema has it

        feed = _feed(f"{serve.url}/feeds/alerts.atom")
        entries = {e.id: e for e in feed.entries}
        assert set(entries) == {entry_id(med.event_id), entry_id(san.event_id)}
        e = entries[entry_id(med.event_id)]
        assert parse_time(e.updated) == parse_time(upd.detected)  # updated by the update
        assert upd.event.evidence in e.content[0].value and "mediator: Russia (RUS)" in e.summary
        assert [x.id for x in _feed(f"{serve.url}/feeds/alerts.atom?type=sanctions").entries] \
            == [entry_id(san.event_id)]
        assert [x.id for x in _feed(f"{serve.url}/feeds/alerts.atom?actor=IGO:UNSC").entries] \
            == [entry_id(san.event_id)]
        assert len(_feed(f"{serve.url}/feeds/alerts.atom?actor=PRK").entries) == 2

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{serve.url}/")

                def shown() -> list[str]:
                    return page.eval_on_selector_all(
                        "article.alert", "els => els.map(e => e.dataset.type)")

                assert shown() == ["mediation", "sanctions"]
                assert "North Korea accepts Russian mediation" in page.inner_text("body")
                with page.expect_navigation():
                    page.select_option("select[name=type]", "sanctions")  # JS submits
                assert shown() == ["sanctions"]
                page.goto(f"{serve.url}/")
                page.fill("input[name=q]", "accepts russian")
                with page.expect_navigation():
                    page.click("button[type=submit].primary")
                assert shown() == ["mediation"]
                page.goto(f"{serve.url}/")
                with page.expect_navigation():
                    page.select_option("select[name=actor]", "IGO:UNSC")
                assert shown() == ["sanctions"]
                page.goto(f"{serve.url}/")
                page.click(f"#e-{med.event_id} details summary")  # provenance opens
                provenance = page.inner_text(f"#e-{med.event_id} details")
                assert "encoder all-MiniLM-L6-v2; actors dictionary 2026.11" in provenance
                assert "update: action offer -> accept" in provenance  # why it fired
                assert "https://c.example/accept" in provenance
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTIFACTS / "alerts-page.png"
                page.screenshot(path=str(shot), full_page=True)
                phone = browser.new_page(viewport={"width": 390, "height": 844},
                                         device_scale_factor=2)
                phone.goto(f"{serve.url}/")
                phone_shot = ARTIFACTS / "alerts-page-phone.png"
                phone.screenshot(path=str(phone_shot), full_page=True)
                width = phone.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
                print(f"\nscreenshots: {shot} {phone_shot}")

                # the page's button publishes a mark; the index shows it once it is on the topic
                with page.expect_navigation():
                    page.click(f"#e-{san.event_id} button.mark-false")
                assert f"marked {san.event_id} as a false alert" in page.inner_text("#count")
                wait_until(lambda: (page.reload() or True) and page.query_selector(
                    f"#e-{san.event_id}.marked"), 30, "the mark on the page")
            finally:
                browser.close()
        marks = TopicReader(kafka_settings.kafka.bootstrap_servers, kafka_settings.topics.feedback)
        rec = marks.wait_for(lambda r: len(r) >= 1, 30)
        assert [(m["event_id"], m["kind"], m["key"]) for m in rec] == [
            (san.event_id, "false", "sanctions|target=PRK")]
        marks.close()
    finally:
        serve.stop()

    # Restart: the index resumes after what it holds, nothing doubled, new alerts added.
    later = _new_alert((IRN,))
    send_alerts(kafka_settings, [later])
    serve = AlertsServe(kafka_settings, tmp_path).start()
    try:
        data = serve.wait_for_events(3)
        assert [a["event_id"] for a in data["alerts"]] == [
            later.event_id, upd.event_id, san.event_id]
        assert http_json(f"{serve.url}/api/alerts/{med.event_id}")["alerts_seen"] == 2
        assert data["marks"][san.event_id]["kind"] == "false"
    finally:
        serve.stop()


@pytest.mark.slow
def test_alertmanager_gets_the_alerts_silences_work_and_an_outage_loses_nothing(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    binary = require_tool("prometheus-alertmanager", "prometheus-alertmanager")
    receiver = WebhookReceiver()
    am = Alertmanager(binary, tmp_path, receiver.url)
    am.start()
    med, san, _ = _seed_alerts()
    serve = AlertsServe(kafka_settings, tmp_path, NEWSMON_ANALYSTS__ALERTMANAGER_URL=am.url,
                        NEWSMON_ANALYSTS__ALERTMANAGER_BACKOFF_MAX_S="1")
    try:
        send_alerts(kafka_settings, [med, san])
        serve.start()

        def got(event_id: str) -> list[dict]:  # type: ignore[type-arg]
            return [a for a in receiver.alerts() if a["labels"]["event_id"] == event_id]

        wait_until(lambda: got(med.event_id) and got(san.event_id), 60,
                   f"both seed alerts at the webhook: {serve.log_tail()}")
        m, s = got(med.event_id)[0], got(san.event_id)[0]
        assert m["labels"] == {
            "alertname": "NewsmonMediation", "type": "mediation", "action": "offer",
            "kind": "new", "severity": "info", "event_id": med.event_id,
            "mediator": "RUS", "parties": "PRK+USA"}
        assert s["labels"] == {
            "alertname": "NewsmonSanctions", "type": "sanctions", "action": "impose",
            "kind": "new", "severity": "info", "event_id": san.event_id,
            "sender": "IGO:UNSC", "target": "PRK"}
        assert s["annotations"]["evidence"] == san.event.evidence
        assert s["annotations"]["source_url"] == san.event.url
        assert s["annotations"]["page"].startswith(f"{serve.url}/?event={san.event_id}")

        # A silence on target="PRK": the next PRK alert reaches Alertmanager, not the receiver.
        now = time.time()
        http_json(f"{am.url}/api/v2/silences", {
            "matchers": [{"name": "target", "value": "PRK", "isRegex": False, "isEqual": True}],
            "startsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 5)),
            "endsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 3600)),
            "createdBy": "newsmon test", "comment": "PRK is noisy today"})
        prk, irn = _new_alert((PRK,), n=1), _new_alert((IRN,), n=2)
        send_alerts(kafka_settings, [prk, irn])
        wait_until(lambda: got(irn.event_id), 60, "the IRN alert at the webhook")

        def am_state(event_id: str) -> str | None:
            for a in am.alerts():
                if a["labels"]["event_id"] == event_id:
                    return a["status"]["state"]  # type: ignore[no-any-return]
            return None

        assert wait_until(lambda: am_state(prk.event_id), 30, "PRK alert in Alertmanager") \
            == "suppressed"
        time.sleep(2.5)  # > group_interval: a notification would have been sent by now
        assert got(prk.event_id) == []

        # Alertmanager down, an alert fires, Alertmanager up again: the alert arrives.
        am.stop()
        kor = _new_alert((KOR,), n=3)
        send_alerts(kafka_settings, [kor])
        time.sleep(4)  # the forwarder retries meanwhile
        am.start()
        wait_until(lambda: got(kor.event_id), 60,
                   f"the KOR alert after the outage: {serve.log_tail()}")
        dead = TopicReader(kafka_settings.kafka.bootstrap_servers, kafka_settings.topics.deadletter)
        assert dead.poll(1) == []
        dead.close()
    finally:
        serve.stop()
        am.stop()
        receiver.close()


def test_feedback_partition_matches_the_events_topic(kafka_settings: Settings) -> None:
    """A record keyed by the identity key lands where feedback_partition says, on this broker."""
    from pipeline.kafka.producer import make_producer

    producer = make_producer(kafka_settings)
    try:
        for key in ("sanctions|target=PRK", "mediation|mediator=RUS", "sanctions|target=KOR"):
            sent = producer.send(kafka_settings.topics.events, key=key.encode(), value=b"{}")
            meta = sent.get(30)
            assert meta.partition == feedback_partition(key, kafka_settings.topics.partitions)
    finally:
        producer.close()


def test_an_unreachable_alertmanager_gives_a_dead_letter_and_the_page_goes_on(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    from pipeline.kafka.broker import free_port
    from pipeline.kafka.deadletter import original_value

    med, san, _ = _seed_alerts()
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    serve = AlertsServe(kafka_settings, tmp_path, NEWSMON_ANALYSTS__ALERTMANAGER_URL=nobody,
                        NEWSMON_ANALYSTS__ALERTMANAGER_RETRY_FOR_S="2",
                        NEWSMON_ANALYSTS__ALERTMANAGER_BACKOFF_MAX_S="0.5")
    dead = TopicReader(kafka_settings.kafka.bootstrap_servers, kafka_settings.topics.deadletter)
    try:
        send_alerts(kafka_settings, [med, san])
        serve.start()
        assert serve.wait_for_events(2)["count"] == 2  # the page does not wait for Alertmanager
        records = dead.wait_for(lambda r: len(r) >= 2, 60)
        assert {r["stage"] for r in records} == {"alertmanager"}
        assert sorted(r["key"] for r in records) == sorted([med.event_id, san.event_id])
        assert all(nobody in r["error"] for r in records), records[0]["error"]
        assert sorted(original_value(json.dumps(r).encode()) for r in records) == sorted(
            [dumps(med), dumps(san)])
    finally:
        serve.stop()
        dead.close()


def test_serve_names_a_missing_topic(kafka_settings: Settings, tmp_path: Path) -> None:
    from tests.integration.procs import run_newsmon

    res = run_newsmon(kafka_settings, "alerts", "serve", "--port", "0", timeout=60,
                      NEWSMON_TOPICS__FEEDBACK="alerts.feedback.not-created",
                      NEWSMON_ANALYSTS__INDEX_DB=str(tmp_path / "i.sqlite"))
    assert res.returncode == 2
    assert "topics ['alerts.feedback.not-created'] not found" in res.stderr
    assert "newsmon topics create" in res.stderr
