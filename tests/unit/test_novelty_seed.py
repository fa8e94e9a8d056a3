"""Acceptance without Kafka: the seed article through the real detector and the novelty state.

Issue 6: the seed gives exactly one mediation and one sanctions alert; the same article under
another URL and a paraphrase from another outlet give no new alert but raise the source count;
a later article in which North Korea accepts Russia's mediation gives an ``update``.
Entities come from the actor dictionary alone (what the enricher falls back to without the
NER model), so the test is fast and needs no model.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.alerts.novelty import decide, event_key
from pipeline.config import EventSettings
from pipeline.events.detect import detect_events
from pipeline.nlp.actors import default_linker
from pipeline.schema import Article, EnrichedArticle, Event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# Written for this test (not from any outlet).
PARAPHRASE_TITLE = "Moscow ready to broker US-North Korea talks"
PARAPHRASE = (
    "Moscow is prepared to broker talks between Washington and Pyongyang, the Kremlin said, "
    "if both sides agree to it. Separately, the UN Security Council voted to impose fresh "
    "sanctions on North Korea last week."
)
ACCEPT_TITLE = "Pyongyang accepts Russian mediation"
ACCEPT = (
    "North Korea on Thursday accepted Russia's offer to mediate between Pyongyang and "
    "Washington, state media reported."
)


def _events(article_id: str, url: str, source: str, title: str, body: str) -> list[Event]:
    art = Article(
        id=article_id,
        feed_id="test",
        source=source,
        url=url,
        title=title,
        content=body,
        published="2026-03-02T08:00:00Z",
        fetched="2026-03-02T08:05:00Z",
    )
    text = f"{title}\n\n{body}"
    enriched = EnrichedArticle(
        article=art, text=text, entities=default_linker().find_mentions(text)
    )
    return detect_events(enriched, EventSettings())


@pytest.fixture
def seed(seed_text: str) -> tuple[str, str]:
    title, _, body = seed_text.partition("\n")
    return title.strip(), body.strip()


def test_seed_story_end_to_end_without_kafka(seed: tuple[str, str]) -> None:
    title, body = seed
    articles = [
        ("seed", "https://outlet-a.example/world/kremlin", "Outlet A", title, body),
        ("seed-amp", "https://outlet-a.example/amp/world/kremlin", "Outlet A", title, body),
        ("para", "https://outlet-b.example/moscow-broker", "Outlet B", PARAPHRASE_TITLE,
         PARAPHRASE),
        ("accept", "https://outlet-c.example/accepts", "Outlet C", ACCEPT_TITLE, ACCEPT),
    ]  # fmt: skip
    table: dict[str, str] = {}
    fired: list[list[tuple[str, str, str]]] = []
    for i, args in enumerate(articles):
        out = []
        for ev in _events(*args):
            key = event_key(ev)
            stored = table.get(key)
            d = decide(json.loads(stored) if stored else None, ev, T0 + i * timedelta(hours=1),
                       EventSettings())  # fmt: skip
            table[key] = json.dumps(d.state)
            if d.alert:
                out.append((d.alert.kind, ev.type, ev.action))
        fired.append(out)

    assert fired[0] == [("new", "mediation", "offer"), ("new", "sanctions", "impose")]
    assert fired[1] == []  # re-published under another URL
    assert fired[2] == []  # paraphrase from another outlet
    assert fired[3] == [("update", "mediation", "accept")]

    mediation = json.loads(table["mediation|mediator=RUS"])["clusters"]
    sanctions = json.loads(table["sanctions|target=PRK"])["clusters"]
    assert len(mediation) == 1 and len(sanctions) == 1
    assert (mediation[0]["n_src"], mediation[0]["n_ind"]) == (4, 3)  # A twice, B, C
    assert (sanctions[0]["n_src"], sanctions[0]["n_ind"]) == (3, 2)  # A twice, B
    assert mediation[0]["action"] == "accept"
