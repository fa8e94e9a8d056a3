"""Records survive the JSON round trip; anything else is rejected with the field named."""

from __future__ import annotations

import pytest

from pipeline.schema import (
    SCHEMA_VERSION,
    Actor,
    Article,
    EnrichedArticle,
    Entity,
    Event,
    SchemaError,
    TopicScore,
    dumps,
    loads,
)


def _article() -> Article:
    return Article(
        id="a1",
        feed_id="f",
        source="Example",
        url="https://example.org/a1",
        title="Títle",
        summary="s",
        content="c",
        published="2026-11-28T07:00:00+00:00",
        fetched="2026-11-28T07:01:00+00:00",
    )


def test_article_and_enriched_round_trip() -> None:
    enriched = EnrichedArticle(
        article=_article(),
        text="Títle\n\nc",
        topics=[TopicScore("sanctions", 0.8)],
        entities=[Entity("Russia", "LOC", 0, 6, Actor("RUS", "Russia", "country"))],
        models={"encoder": "x"},
    )
    back = loads(dumps(enriched), EnrichedArticle)
    assert back.article == enriched.article
    assert back.entities[0].actor == Actor("RUS", "Russia", "country")
    assert back.topics[0].label == "sanctions"


def test_event_contract_shape() -> None:
    event = Event(
        type="sanctions",
        action="impose",
        roles={"sender": [Actor("IGO:UNSC", "UN Security Council", "igo")], "target": []},
        evidence="e",
        confidence=0.9,
    )
    d = event.contract_dict()
    assert set(d) == {
        "type",
        "action",
        "roles",
        "evidence",
        "confidence",
        "negated",
        "hypothetical",
    }
    assert loads(dumps(event), Event).roles["sender"][0].id == "IGO:UNSC"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe not json", "not valid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"id": "x"}', "missing field 'feed_id'"),
        (b'{"schema": 99, "id": "x"}', "field 'schema' is 99"),
    ],
)
def test_poison_articles_are_rejected_naming_the_problem(raw: bytes, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        loads(raw, Article)


def test_unknown_event_type_is_rejected() -> None:
    with pytest.raises(SchemaError, match="field 'type'"):
        loads(b'{"type": "weather", "action": "x", "roles": {}}', Event)


def test_schema_version_is_written() -> None:
    assert loads(dumps(_article()), Article).schema == SCHEMA_VERSION
    assert b'"schema":1' in dumps(_article())
