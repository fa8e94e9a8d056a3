"""Parses and spaCy entities for a batch of articles, as the enrich stage stores them.

Why spaCy's entities are kept: the actor dictionary knows states, IGOs and well-known people;
spaCy's PERSON / ORG / GPE / NORP spans in the event-bearing sentences let a person or an
organisation outside it become an entity (and an actor in a role), while a known name still
links to its canonical actor. They only fill gaps: the enricher's own entities win where they
overlap (``merge_entities`` keeps the first list's spans).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.schema import Actor, Article, Entity, ParsedSentence

if TYPE_CHECKING:
    from pipeline.nlp.parser import SentenceParser

_SLUG = re.compile(r"[^a-z0-9]+")
# spans that are titles or generic words, not names, when spaCy tags them
_WORD = re.compile(r"[A-Za-z]+")
_GOV_WORDS = {
    "the", "foreign", "office", "ministry", "department", "treasury", "council", "commission",
    "committee", "government", "cabinet", "parliament", "senate", "congress", "house", "of",
    "state", "defence", "defense", "interior", "finance", "trade", "commerce", "security",
    "national", "assembly", "presidency", "white", "and", "affairs", "economy", "justice",
}  # fmt: skip
_TITLE_WORDS = {
    "president", "prime", "minister", "foreign", "defence", "defense", "secretary", "of",
    "state", "envoy", "special", "deputy", "vice", "chief", "top", "diplomat", "ambassador",
    "leader", "king", "emir", "chancellor", "premier", "spokesman", "spokeswoman", "general",
    "finance", "trade", "interior", "the", "former", "acting", "senior", "negotiator",
    "mediator", "representative", "high", "commissioner", "affairs", "crown", "prince",
}  # fmt: skip
_NOT_NAMES = {"the", "a", "an", "president", "minister", "government", "state", "officials"}


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def spacy_entity(text: str, start: int, end: int, label: str, linker: Any | None) -> Entity | None:
    """An entity for one spaCy span: linked when the dictionary knows it; otherwise a person or
    an organisation gets a stable slug id, and an unknown place or group stays unlinked."""
    mention = text[start:end].strip()
    if "(" in mention and ")" not in mention:  # "The Foreign Office (FO"
        mention = mention[: mention.index("(")].strip()
    if not mention or mention.lower() in _NOT_NAMES or not mention[:1].isupper():
        return None
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return None  # "GENEVA (Reuters)", "(FO)": a credit or an acronym, never an actor
    actor: Actor | None = None
    if linker is not None:
        actor = linker.resolve(mention, label, text[max(0, start - 200) : end + 200])
    if actor is None and label in ("PERSON", "ORG"):
        name = re.sub(r"(?:['’]s|['’])$", "", mention)
        words = [w.lower() for w in _WORD.findall(name)]
        if label == "ORG" and all(w in _GOV_WORDS for w in words):
            # "the Foreign Office", "Treasury": a government body whose state the text names
            # elsewhere; an ORG slug would stand in a role as a party of its own
            return Entity(mention, label, start, start + len(mention), actor=None, score=0.8)
        prefix = "PERSON" if label == "PERSON" else "ORG"
        kind = "person" if label == "PERSON" else "org"
        country = _title_country(text, start, linker) if label == "PERSON" else None
        actor = Actor(id=f"{prefix}:{_slug(name)}", name=name, kind=kind, country=country)
    return Entity(mention, label, start, start + len(mention), actor=actor, score=0.8)


def _title_country(text: str, start: int, linker: Any | None) -> str | None:
    """The state or IGO of a title right before a person's name: "Greek Foreign Minister
    Nikos Dendias", "Kenya's president William Ruto", "UN envoy X" (a person acts for it)."""
    if linker is None:
        return None
    window = text[max(0, start - 60) : start]
    found = [e for e in linker.find_mentions(window) if e.actor is not None]
    if not found:
        return None
    last = found[-1]
    rest = [w.lower() for w in _WORD.findall(window[last.end :])]
    if rest and rest[0] == "s":
        rest = rest[1:]  # the possessive 's
    if rest and all(w in _TITLE_WORDS for w in rest) and last.actor is not None:
        return last.actor.id if last.actor.kind in ("country", "igo") else None
    return None


def linked_spans(entities: Sequence[Entity]) -> list[tuple[int, int]]:
    """The (start, end) of the entities linked to an actor: where they stand, no spaCy span
    can be kept (``merge_entities``), so the parser's NER need not look."""
    return [(e.start, e.end) for e in entities if e.actor is not None]


def parse_articles(
    parser: SentenceParser | None,
    articles: Sequence[Article],
    texts: Sequence[str],
    linker: Any | None,
    known: Sequence[Sequence[Entity]] | None = None,
) -> list[tuple[list[ParsedSentence], list[Entity]]]:
    """Per article: the parsed event-bearing sentences and the spaCy entities found there.

    ``known[i]`` are article i's entities so far: where linked ones cover every name of a
    sentence, spaCy's entities could not be kept beside them and are not looked for.
    """
    if parser is None:
        return [([], []) for _ in texts]
    titles = [len((a.title or "").strip()) for a in articles]
    covered = [linked_spans(ents) for ents in known] if known is not None else None
    out = []
    parsed = parser.parse(texts, titles, covered)
    for text, (parses, spans) in zip(texts, parsed, strict=True):
        ents = [spacy_entity(text, sp.start, sp.end, sp.label, linker) for sp in spans]
        out.append((parses, [e for e in ents if e is not None]))
    return out
