"""Alert records (schema, round trip, latency), the one-line format, and source counting."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from pipeline.alerts.build import parse_time, seconds_since
from pipeline.alerts.format import format_alert_line
from pipeline.alerts.novelty import decide
from pipeline.alerts.sources import (
    NEAR_DUP_BITS,
    fingerprint,
    hamming,
    near_duplicate,
    normalize_url,
    outlet_of,
    url_hash,
)
from pipeline.schema import Alert, dumps, loads
from tests.unit.test_alerts_helpers import (
    ACCEPT_TEXT,
    OFFER_PARAPHRASE,
    OFFER_TEXT,
    OFFER_WIRE_COPY,
    PRK,
    SANCTION_TEXT,
    T0,
    mediation,
    sanctions,
    settings,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "configs" / "schemas" / "alert.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _alerts() -> list[Alert]:
    s = settings(alert_on_hypothetical=True)
    new_m = decide(None, mediation(), T0, s)
    upd = decide(
        new_m.state,
        mediation(
            "accept",
            parties=(PRK,),
            article="c",
            url="https://c.example/x",
            source="Outlet C",
            evidence=ACCEPT_TEXT,
        ),
        T0 + timedelta(hours=2),
        s,
    )
    new_s = decide(None, sanctions(), T0, s)
    hyp = decide(None, sanctions("threaten", hypothetical=True, instrument=None), T0, s)
    undated = mediation()
    undated.published = None
    no_date = decide(None, undated, T0, s)
    out = [d.alert for d in (new_m, upd, new_s, hyp, no_date)]
    assert all(a is not None for a in out)
    return out  # type: ignore[return-value]


def test_alerts_we_build_validate_against_the_published_schema(validator):
    for alert in _alerts():
        record = json.loads(dumps(alert))
        errors = [e.message for e in validator.iter_errors(record)]
        assert errors == [], (alert.kind, errors)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("source_count"), "'source_count' is a required property"),
        (lambda r: r.update(kind="maybe"), "'maybe' is not one of"),
        (lambda r: r["event"].update(action="impose"), "is not one of"),  # mediation + impose
        (lambda r: r["event"]["roles"].update(target=[]), "'target' is not one of"),
        (lambda r: r.update(latency_s=-3), "less than the minimum"),
    ],
)
def test_schema_rejects_records_that_break_the_contract(validator, mutate, message):
    record = json.loads(dumps(_alerts()[0]))
    mutate(record)
    errors = " | ".join(e.message for e in validator.iter_errors(record))
    assert message in errors


def test_alert_round_trips_through_json():
    for alert in _alerts():
        back = loads(dumps(alert), Alert)
        assert back.to_dict() == alert.to_dict()


def test_alert_record_carries_what_analysts_read():
    new_m, upd, _, _, undated = _alerts()
    assert new_m.kind == "new" and new_m.previous_action is None
    assert new_m.latency_s == 30 * 60 and new_m.latency_fetch_s == 5 * 60
    assert new_m.first_seen == "2026-03-02T09:00:00Z" == new_m.detected
    assert new_m.sources == ["https://outlet-a.example/world/kremlin-offer"]
    assert new_m.to_dict()["evidence"] == OFFER_TEXT
    assert upd.first_seen == new_m.first_seen and upd.detected == "2026-03-02T11:00:00Z"
    assert upd.sources == [new_m.sources[0], "https://c.example/x"]
    assert undated.latency_s is None and undated.latency_fetch_s == 300


def test_latency_times():
    assert parse_time("2026-03-02T08:00:00+01:00") == T0 - timedelta(hours=2)
    assert parse_time("2026-03-02T09:00:00") == T0  # naive is UTC
    assert parse_time("yesterday") is None
    assert seconds_since("2026-03-02T10:00:00Z", T0) == 0.0  # future-dated feed item


# --- the readable line ----------------------------------------------------------------------


def test_alert_line_names_kind_type_action_roles_headline_and_source():
    _, upd, new_s, hyp, _ = _alerts()
    line = format_alert_line(new_s)
    assert line.startswith("NEW    sanctions impose ")
    assert "sender=IGO:UNSC(UN Security Council)" in line
    assert "target=PRK(North Korea)" in line
    assert '"UN Security Council imposes new sanctions on North Korea"' in line
    assert "1 src/1 indep" in line
    assert "Outlet A https://outlet-a.example/world/unsc-sanctions" in line
    up = format_alert_line(upd)
    assert up.startswith("UPDATE mediation offer->accept mediator=RUS(Russia) parties=PRK(")
    assert "2 src/2 indep" in up and "update: action offer -> accept" in up
    assert "[hypothetical]" in format_alert_line(hyp)


def test_alert_line_is_one_line_even_with_messy_feed_text():
    alert = _alerts()[0]
    alert.headline = "Breaking:\n\tKremlin   offers\r\nto mediate " + "x" * 300
    alert.event.source = "Outlet\nA"
    line = format_alert_line(alert)
    assert "\n" not in line and "\r" not in line and "\t" not in line
    assert '"Breaking: Kremlin offers to mediate x' in line and "…" in line


# --- sources ----------------------------------------------------------------------------------


def test_url_normalisation_drops_only_cosmetic_differences():
    base = "https://www.outlet.example/world/story-1"
    same = [
        "HTTP://WWW.Outlet.example/world/story-1/",
        "https://www.outlet.example/world/story-1?utm_source=rss&utm_medium=feed#top",
    ]
    for url in same:
        assert url_hash(url) == url_hash(base), url
    assert normalize_url("https://a.example/x?id=2") != normalize_url("https://a.example/x?id=3")
    assert url_hash(base) != url_hash("https://www.outlet.example/amp/world/story-1")


def test_outlet_is_the_source_name_else_the_host():
    assert outlet_of("Outlet  A", "https://x.example/1") == "outlet a"
    assert outlet_of("", "https://www.paper.example/1") == "paper.example"


def test_fingerprint_tells_wire_copies_from_paraphrases():
    fp = fingerprint(OFFER_TEXT)
    assert len(fp) == 32
    assert fingerprint(OFFER_TEXT.upper() + "  ") == fp  # case and spacing do not matter
    assert near_duplicate(fp, fingerprint(OFFER_WIRE_COPY))
    for other in (OFFER_PARAPHRASE, ACCEPT_TEXT, SANCTION_TEXT):
        assert not near_duplicate(fp, fingerprint(other)), other
    assert not near_duplicate("", fp)


def test_fingerprint_on_the_seed_sentence_and_a_light_edit(seed_text):
    sentence = next(s for s in seed_text.split("\n") if "ready to act as a mediator" in s)
    sentence = sentence.split(". But")[0]
    edited = sentence.replace("Russian Federation", "Russia").replace("on Tuesday", "Tuesday")
    assert edited != sentence
    assert hamming(fingerprint(sentence), fingerprint(edited)) <= NEAR_DUP_BITS
    other = next(s for s in seed_text.split("\n") if "unanimously voted" in s)
    assert not near_duplicate(fingerprint(sentence), fingerprint(other))
