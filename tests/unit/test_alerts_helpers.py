"""Events for the novelty and alert tests, built by hand (no detector, no Kafka)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.config import EventSettings
from pipeline.schema import Actor, Event

RUS = Actor("RUS", "Russia", "country")
USA = Actor("USA", "United States", "country")
PRK = Actor("PRK", "North Korea", "country")
KOR = Actor("KOR", "South Korea", "country")
UKR = Actor("UKR", "Ukraine", "country")
IRN = Actor("IRN", "Iran", "country")
UNSC = Actor("IGO:UNSC", "UN Security Council", "igo")
EU = Actor("IGO:EU", "European Union", "igo")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# Sentences written for these tests (not copied from any outlet).
OFFER_TEXT = (
    "Moscow said on Tuesday it stands ready to act as a go-between for Pyongyang and "
    "Washington if both governments want it to take on that role."
)
OFFER_WIRE_COPY = (
    "Moscow said Tuesday it stands ready to act as a go-between for Pyongyang and "
    "Washington if both governments want it to take on that role."
)
OFFER_PARAPHRASE = (
    "The Kremlin has put itself forward to broker talks between the United States and "
    "North Korea, a spokesman told reporters."
)
ACCEPT_TEXT = "North Korea welcomed the Russian proposal and agreed to Moscow's mediation."
SANCTION_TEXT = (
    "The Security Council voted unanimously on Friday to impose a new round of penalties "
    "on North Korea over its latest missile launch."
)


def settings(**over: object) -> EventSettings:
    return EventSettings(**over)  # type: ignore[arg-type]


def mediation(
    action: str = "offer",
    mediator: tuple[Actor, ...] = (RUS,),
    parties: tuple[Actor, ...] = (USA, PRK),
    *,
    article: str = "a1",
    url: str = "https://outlet-a.example/world/kremlin-offer",
    source: str = "Outlet A",
    evidence: str = OFFER_TEXT,
    title: str = "Kremlin offers to mediate between the US and North Korea",
    published: str | None = None,
    fetched: str | None = None,
    confidence: float = 0.9,
    negated: bool = False,
    hypothetical: bool = False,
) -> Event:
    return Event(
        type="mediation",
        action=action,
        roles={"mediator": list(mediator), "parties": list(parties)},
        evidence=evidence,
        confidence=confidence,
        negated=negated,
        hypothetical=hypothetical,
        article_id=article,
        source=source,
        url=url,
        title=title,
        published=published or (T0 - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        fetched=fetched or (T0 - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        detected=T0.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def sanctions(
    action: str = "impose",
    sender: tuple[Actor, ...] = (UNSC,),
    target: tuple[Actor, ...] = (PRK,),
    *,
    article: str = "s1",
    url: str = "https://outlet-a.example/world/unsc-sanctions",
    source: str = "Outlet A",
    evidence: str = SANCTION_TEXT,
    title: str = "UN Security Council imposes new sanctions on North Korea",
    instrument: str | None = "UN resolution",
    confidence: float = 0.9,
    negated: bool = False,
    hypothetical: bool = False,
) -> Event:
    return Event(
        type="sanctions",
        action=action,
        roles={"sender": list(sender), "target": list(target)},
        evidence=evidence,
        confidence=confidence,
        negated=negated,
        hypothetical=hypothetical,
        instrument=instrument,
        article_id=article,
        source=source,
        url=url,
        title=title,
        published=(T0 - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        fetched=(T0 - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
