"""Records that cross Kafka: one module so poller and agents cannot drift apart.

Every record carries ``schema`` (the version of this module's layout). Readers accept
records of the current version and reject others with :class:`SchemaError` naming the
field, so a poison message is dead-lettered instead of half-processed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

SCHEMA_VERSION = 1

EVENT_TYPES = ("mediation", "sanctions")
MEDIATION_ACTIONS = ("offer", "request", "accept", "mediate", "reject", "halt")
SANCTIONS_ACTIONS = ("threaten", "impose", "extend", "ease", "lift", "call")
ROLES = {"mediation": ("mediator", "parties"), "sanctions": ("sender", "target")}
ENTITY_LABELS = ("PERSON", "ORG", "LOC", "MISC")
ACTOR_KINDS = ("country", "igo", "person", "org", "other")
ALERT_KINDS = ("new", "update")


class SchemaError(ValueError):
    """A record that does not match this schema; the message names the offending field."""


T = TypeVar("T")


def _require(data: dict[str, Any], name: str, cls_name: str) -> Any:
    if name not in data:
        raise SchemaError(f"{cls_name}: missing field {name!r}")
    return data[name]


@dataclass(frozen=True)
class Actor:
    """A canonical actor: ISO alpha-3 for countries, ``IGO:<code>``, ``PERSON:<slug>``..."""

    id: str
    name: str
    kind: str
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.country is not None:
            d["country"] = self.country
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        return cls(
            id=str(_require(d, "id", "Actor")),
            name=str(_require(d, "name", "Actor")),
            kind=str(_require(d, "kind", "Actor")),
            country=d.get("country"),
        )


@dataclass
class Article:
    """A feed item as the poller publishes it to ``news.articles``."""

    id: str
    feed_id: str
    source: str
    url: str
    title: str
    summary: str = ""
    content: str = ""
    published: str | None = None  # ISO 8601, UTC
    fetched: str = ""  # ISO 8601, UTC
    language: str | None = None
    published_clamped: bool = False  # the feed gave a future date, clamped to fetch time
    content_hash: str = ""
    revision: int = 0  # 0 for a new item, +1 for each changed version of the same id
    schema: int = SCHEMA_VERSION

    @property
    def body(self) -> str:
        """The text worth analysing: full content when the feed carries it, else the summary."""
        return self.content or self.summary

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        _check_version(d, "Article")
        names = {f.name for f in fields(cls)}
        for required in ("id", "feed_id", "source", "url", "title"):
            _require(d, required, "Article")
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class TopicScore:
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(float(self.score), 4)}


@dataclass
class Entity:
    """A mention with character offsets into the analysed text."""

    text: str
    label: str
    start: int
    end: int
    actor: Actor | None = None
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "actor": self.actor.to_dict() if self.actor else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        actor = d.get("actor")
        return cls(
            text=str(_require(d, "text", "Entity")),
            label=str(_require(d, "label", "Entity")),
            start=int(_require(d, "start", "Entity")),
            end=int(_require(d, "end", "Entity")),
            actor=Actor.from_dict(actor) if actor else None,
            score=float(d.get("score", 1.0)),
        )


@dataclass
class ParsedToken:
    """One token of a dependency parse; ``start``/``end`` index into the article text and
    ``head`` is the index of the head token within the same sentence (itself for the root)."""

    start: int
    end: int
    lemma: str
    pos: str
    dep: str
    head: int

    def to_list(self) -> list[Any]:
        return [self.start, self.end, self.lemma, self.pos, self.dep, self.head]

    @classmethod
    def from_list(cls, v: list[Any]) -> ParsedToken:
        return cls(int(v[0]), int(v[1]), str(v[2]), str(v[3]), str(v[4]), int(v[5]))


@dataclass
class ParsedSentence:
    """The parse of one sentence that can carry an event (the others are not parsed), kept on
    the enriched record so that event detection, behind Kafka, reads roles from it."""

    start: int
    end: int
    tokens: list[ParsedToken] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "tokens": [t.to_list() for t in self.tokens]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ParsedSentence:
        return cls(
            start=int(_require(d, "start", "ParsedSentence")),
            end=int(_require(d, "end", "ParsedSentence")),
            tokens=[ParsedToken.from_list(t) for t in d.get("tokens", [])],
        )


@dataclass
class EnrichedArticle:
    """An article with its topics and entities; entity offsets index into ``text``."""

    article: Article
    text: str
    topics: list[TopicScore] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION
    parses: list[ParsedSentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "schema": self.schema,
            "article": self.article.to_dict(),
            "text": self.text,
            "topics": [t.to_dict() for t in self.topics],
            "entities": [e.to_dict() for e in self.entities],
            "models": dict(self.models),
        }
        if self.parses:  # optional: records without a parser stay as they were
            d["parses"] = [p.to_dict() for p in self.parses]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EnrichedArticle:
        _check_version(d, "EnrichedArticle")
        return cls(
            article=Article.from_dict(_require(d, "article", "EnrichedArticle")),
            text=str(_require(d, "text", "EnrichedArticle")),
            topics=[TopicScore(str(t["label"]), float(t["score"])) for t in d.get("topics", [])],
            entities=[Entity.from_dict(e) for e in d.get("entities", [])],
            models=dict(d.get("models", {})),
            parses=[ParsedSentence.from_dict(p) for p in d.get("parses", [])],
        )


@dataclass
class Event:
    """One detected mediation or sanctions event with its actors in their roles."""

    type: str
    action: str
    roles: dict[str, list[Actor]]
    evidence: str
    confidence: float
    negated: bool = False
    hypothetical: bool = False
    instrument: str | None = None
    article_id: str = ""
    source: str = ""
    url: str = ""
    title: str = ""
    published: str | None = None
    fetched: str | None = None
    detected: str = ""
    models: dict[str, str] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION

    def contract_dict(self) -> dict[str, Any]:
        """The shape fixed by ``shared/contracts/analyze-json.md``."""
        d: dict[str, Any] = {
            "type": self.type,
            "action": self.action,
            "roles": {r: [a.to_dict() for a in actors] for r, actors in self.roles.items()},
            "evidence": self.evidence,
            "confidence": round(float(self.confidence), 3),
            "negated": self.negated,
            "hypothetical": self.hypothetical,
        }
        if self.instrument:
            d["instrument"] = self.instrument
        return d

    def to_dict(self) -> dict[str, Any]:
        d = self.contract_dict()
        d.update(
            {
                "schema": self.schema,
                "instrument": self.instrument,
                "article_id": self.article_id,
                "source": self.source,
                "url": self.url,
                "title": self.title,
                "published": self.published,
                "fetched": self.fetched,
                "detected": self.detected,
                "models": dict(self.models),
            }
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        _check_version(d, "Event")
        etype = str(_require(d, "type", "Event"))
        if etype not in EVENT_TYPES:
            raise SchemaError(f"Event: field 'type' is {etype!r}, expected one of {EVENT_TYPES}")
        roles_raw = _require(d, "roles", "Event")
        return cls(
            type=etype,
            action=str(_require(d, "action", "Event")),
            roles={r: [Actor.from_dict(a) for a in acts] for r, acts in roles_raw.items()},
            evidence=str(d.get("evidence", "")),
            confidence=float(d.get("confidence", 0.0)),
            negated=bool(d.get("negated", False)),
            hypothetical=bool(d.get("hypothetical", False)),
            instrument=d.get("instrument"),
            article_id=str(d.get("article_id", "")),
            source=str(d.get("source", "")),
            url=str(d.get("url", "")),
            title=str(d.get("title", "")),
            published=d.get("published"),
            fetched=d.get("fetched"),
            detected=str(d.get("detected", "")),
            models=dict(d.get("models", {})),
        )


@dataclass
class Alert:
    """What analysts read on ``alerts.<type>``; documented by configs/schemas/alert.schema.json."""

    alert_id: str
    kind: str  # new | update
    event_id: str
    event: Event
    headline: str
    sources: list[str]
    source_count: int
    first_seen: str
    detected: str
    latency_s: float | None  # seconds from the article's publication to ``detected``
    reason: str
    independent_source_count: int = 1  # wire copies and one outlet's re-publications count once
    latency_fetch_s: float | None = None  # seconds from the poller's fetch to ``detected``
    previous_action: str | None = None  # for an ``update``: the action alerted before
    schema: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "alert_id": self.alert_id,
            "kind": self.kind,
            "event_id": self.event_id,
            "event": self.event.to_dict(),
            "headline": self.headline,
            "evidence": self.event.evidence,
            "source": self.event.source,
            "url": self.event.url,
            "sources": list(self.sources),
            "source_count": self.source_count,
            "independent_source_count": self.independent_source_count,
            "first_seen": self.first_seen,
            "published": self.event.published,
            "fetched": self.event.fetched,
            "detected": self.detected,
            "latency_s": self.latency_s,
            "latency_fetch_s": self.latency_fetch_s,
            "confidence": round(float(self.event.confidence), 3),
            "previous_action": self.previous_action,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Alert:
        _check_version(d, "Alert")
        return cls(
            alert_id=str(_require(d, "alert_id", "Alert")),
            kind=str(_require(d, "kind", "Alert")),
            event_id=str(_require(d, "event_id", "Alert")),
            event=Event.from_dict(_require(d, "event", "Alert")),
            headline=str(d.get("headline", "")),
            sources=list(d.get("sources", [])),
            source_count=int(d.get("source_count", 1)),
            first_seen=str(d.get("first_seen", "")),
            detected=str(d.get("detected", "")),
            latency_s=d.get("latency_s"),
            reason=str(d.get("reason", "")),
            independent_source_count=int(d.get("independent_source_count", 1)),
            latency_fetch_s=d.get("latency_fetch_s"),
            previous_action=d.get("previous_action"),
        )


def _check_version(d: Any, cls_name: str) -> None:
    if not isinstance(d, dict):
        raise SchemaError(f"{cls_name}: expected a JSON object, got {type(d).__name__}")
    version = d.get("schema", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise SchemaError(
            f"{cls_name}: field 'schema' is {version!r}, this build reads {SCHEMA_VERSION}"
        )


def dumps(record: Any) -> bytes:
    """Serialise a record (anything with ``to_dict``) as compact UTF-8 JSON."""
    payload = record.to_dict() if hasattr(record, "to_dict") else record
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(raw: bytes | str | dict[str, Any], cls: type[T]) -> T:
    """Parse one record; raises :class:`SchemaError` on anything that is not one."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SchemaError(f"{cls.__name__}: not valid JSON ({exc})") from exc
    try:
        return cls.from_dict(data)  # type: ignore[attr-defined, no-any-return]
    except SchemaError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SchemaError(f"{cls.__name__}: malformed record ({exc!r})") from exc
