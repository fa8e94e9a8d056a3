"""The topic scores are a soft signal for events: they can raise an event's confidence a
little, never lower it, because topics are judged on an article's first chunks while its events
come from every sentence."""

from __future__ import annotations

from pipeline.events.candidate import Candidate
from pipeline.events.merge import apply_topics
from pipeline.schema import Article, EnrichedArticle, TopicScore


def _candidate() -> Candidate:
    return Candidate(type="sanctions", action="impose", roles={}, negated=False,
                     hypothetical=False, confidence=0.6, evidence="...", sentence=9)


def _enriched(topics: list[TopicScore]) -> EnrichedArticle:
    article = Article(id="a", feed_id="f", source="s", url="https://x/a", title="t", content="b")
    return EnrichedArticle(article=article, text="t\n\nb", topics=topics)


def test_a_lead_about_something_else_does_not_weaken_a_later_event() -> None:
    off, on = _candidate(), _candidate()
    apply_topics([off], _enriched([TopicScore("sanctions", 0.02)]))
    apply_topics([on], _enriched([TopicScore("sanctions", 0.9)]))
    assert off.confidence == 0.6
    assert on.confidence > 0.6


def test_an_article_without_that_topic_scored_is_left_alone() -> None:
    cand = _candidate()
    apply_topics([cand], _enriched([TopicScore("elections", 0.9)]))
    assert cand.confidence == 0.6
