"""Event roles read from the dependency parse (spaCy en_core_web_sm, installed by make).

Own sentences (not from any labelled set): punitive measures without the word "sanction",
the speaker as sender, places that are no party, mediators named by title, peoples standing
for their state, coordination, "held off", and hard negatives; plus the parser's plumbing
(pre-filter, record round trip, fallback when ``models.parser`` cannot load).
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.events.detect import detect_events
from pipeline.nlp.actors import default_linker
from pipeline.nlp.enrich import merge_entities
from pipeline.nlp.models import fallback_status
from pipeline.nlp.parsed_entities import parse_articles
from pipeline.nlp.parser import (
    SentenceParser,
    load_parser,
    load_parser_or_fallback,
)
from pipeline.schema import Article, EnrichedArticle, ParsedSentence, ParsedToken


def enrich(text: str, parser: SentenceParser | None, title: str = "") -> EnrichedArticle:
    """What the enrich stage hands to event detection, without the transformer models."""
    linker = default_linker()
    full = f"{title}\n\n{text}" if title else text
    art = Article(id="t", feed_id="f", source="s", url="", title=title, content=text)
    known = linker.find_mentions(full)
    parses, extra = parse_articles(parser, [art], [full], linker, [known])[0]
    ents = merge_entities(known, extra)
    return EnrichedArticle(article=art, text=full, entities=ents, parses=parses)


def events(text: str, parser: SentenceParser | None) -> list[dict[str, Any]]:
    out = []
    for e in detect_events(enrich(text, parser)):
        d = e.contract_dict()
        d["ids"] = {r: sorted(a["id"] for a in actors) for r, actors in d["roles"].items()}
        out.append(d)
    return out


def one(text: str, parser: SentenceParser) -> dict[str, Any]:
    got = events(text, parser)
    assert len(got) == 1, (text, got)
    return got[0]


@pytest.mark.parametrize(
    ("text", "sender", "target"),
    [
        ("Denmark said it had suspended development aid to Tanzania.", "DNK", "TZA"),
        ("Ukraine suspended all flights to and from Belarus on Friday.", "UKR", "BLR"),
        ("Washington imposed punitive tariffs on Mexican tomatoes.", "USA", "MEX"),
        ("Beijing banned imports of Philippine bananas amid the maritime row.", "CHN", "PHL"),
        ("South Korea froze the bank accounts of two North Korean trading houses.", "KOR", "PRK"),
        ("The Arab League suspended Libya's membership after the crackdown.", "IGO:ARL", "LBY"),
    ],
)
def test_punitive_measures_without_the_word_sanction(
    parser: SentenceParser, text: str, sender: str, target: str
) -> None:
    e = one(text, parser)
    assert (e["type"], e["action"]) == ("sanctions", "impose")
    assert e["ids"] == {"sender": [sender], "target": [target]}
    assert not e["negated"] and not e["hypothetical"]


@pytest.mark.parametrize(
    ("text", "sender", "target", "instrument"),
    [
        ("Seoul froze the assets of 15 North Korean individuals.", "KOR", "OTHER", "asset freeze"),
        ("Japan froze the assets of three Iranian banks on Monday.", "JPN", "IRN", "asset freeze"),
        ("Canada imposed a ban on exports of drones to Myanmar.", "CAN", "MMR", "export ban"),
        ("The EU imposed a visa ban on Belarusian officials.", "IGO:EU", "BLR", "travel ban"),
        ("Australia will impose a travel ban on Fiji's army officers.", "AUS", "FJI", "travel ban"),
    ],
)
def test_asset_freezes_and_trade_bans_come_from_the_parse(
    parser: SentenceParser, text: str, sender: str, target: str, instrument: str
) -> None:
    """Without a sanction noun these are read from the parse (their token rules went in issue
    10): a state or IGO sender, a foreign state as target, persons designated one by one as
    OTHER, and the instrument named."""
    (e,) = detect_events(enrich(text, parser))
    assert (e.type, e.action, e.instrument) == ("sanctions", "impose", instrument)
    assert {r: [a.id for a in x] for r, x in e.roles.items()} == {
        "sender": [sender],
        "target": [target],
    }


@pytest.mark.parametrize(
    "text",
    [
        "India banned exports of rice to keep domestic prices down.",
        "A court froze the assets of the former mayor.",
    ],
)
def test_a_ban_or_freeze_with_no_foreign_state_is_no_sanction(
    parser: SentenceParser, text: str
) -> None:
    assert events(text, parser) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine suspended all flights to and from Belarus on Friday.",
        "Seoul froze the assets of 15 North Korean individuals.",
        "Canada imposed a ban on exports of drones to Myanmar.",
    ],
)
def test_the_same_measures_are_missed_without_a_parse(text: str) -> None:
    """The token rules alone (the fallback, ``models.parser: null``) do not read them: the
    parse is what adds them."""
    assert events(text, None) == []


def test_speaker_is_the_sender_of_an_option() -> None:
    parser = load_parser("en_core_web_sm")
    e = one("Sanctions against Venezuela remain an option, Brazil's foreign minister said.", parser)
    assert (e["action"], e["ids"]) == ("threaten", {"sender": ["BRA"], "target": ["VEN"]})
    assert e["hypothetical"]


def test_threatened_import_restrictions(parser: SentenceParser) -> None:
    e = one("Vietnam threatened to restrict imports of Cambodian rice.", parser)
    assert (e["action"], e["ids"]) == ("threaten", {"sender": ["VNM"], "target": ["KHM"]})


def test_place_of_a_meeting_is_no_party(parser: SentenceParser) -> None:
    text = "Rebel commanders met African Union mediators in Addis Ababa to discuss a truce."
    e = one(text, parser)
    assert e["type"] == "mediation" and e["ids"]["mediator"] == ["IGO:AU"]
    assert "ETH" not in e["ids"]["parties"]


def test_mediator_named_by_title_elsewhere_in_the_sentence(parser: SentenceParser) -> None:
    text = (
        "Efforts to broker a truce between Armenia and Azerbaijan gathered pace as Iran's "
        "foreign minister arrived in Yerevan."
    )
    e = one(text, parser)
    assert e["ids"] == {"mediator": ["IRN"], "parties": ["ARM", "AZE"]}


def test_people_of_a_region_stand_for_their_state(parser: SentenceParser) -> None:
    e = one("Canada imposed sanctions on Bosnian Serb commanders on Monday.", parser)
    assert e["ids"] == {"sender": ["CAN"], "target": ["BIH"]}


def test_coordinated_senders(parser: SentenceParser) -> None:
    e = one("Estonia and Latvia barred entry to Russian officials linked to the war.", parser)
    assert e["ids"] == {"sender": ["EST", "LVA"], "target": ["RUS"]}


def test_held_off_is_negated(parser: SentenceParser) -> None:
    e = one("Italy held off on approving new sanctions against Iran.", parser)
    assert e["action"] == "impose" and e["negated"] and not e["hypothetical"]


@pytest.mark.parametrize(
    "text",
    [
        "The federation banned the team from the cup for two seasons.",
        "Opposition parties said they would boycott the presidential election.",
        "Hungary froze public spending to avoid sanctions from Brussels.",
        "Soldiers blockaded the rebel-held town of Bria in the east.",
        "The airline suspended flights to Rome because of a strike.",
        "Flights resumed for the first time since the embargo was imposed in 1996.",
        "Traders were fined for violating the oil embargo on Syria.",
        "China lifted a ban on imports of Dutch pork imposed during a swine fever outbreak.",
    ],
)
def test_hard_negatives_stay_silent(parser: SentenceParser, text: str) -> None:
    assert events(text, parser) == []


def test_unknown_person_gets_an_entity_acting_for_the_state_of_its_title(
    parser: SentenceParser,
) -> None:
    text = "Kyrgyz Foreign Minister Almaz Toktobaev offered to mediate between Tajikistan and Iran."
    enriched = enrich(text, parser)
    person = [e for e in enriched.entities if e.label == "PERSON"]
    assert [(p.text, p.actor.id if p.actor else None) for p in person] == [
        ("Almaz Toktobaev", "PERSON:almaz-toktobaev")
    ]
    assert person[0].actor is not None and person[0].actor.country == "KGZ"
    e = one(text, parser)
    assert (e["action"], e["ids"]) == ("offer", {"mediator": ["KGZ"], "parties": ["IRN", "TJK"]})


def test_only_event_sentences_and_the_title_are_parsed(parser: SentenceParser) -> None:
    text = (
        "Turkey stops deliveries\n\nThe weather was mild. Norway suspended aid to Eritrea. "
        "Aid agencies said thousands had fled. Markets rose."
    )
    parsed, _ = parser.parse([text], [len("Turkey stops deliveries")])[0]
    assert [text[p.start : p.end] for p in parsed] == [
        "Turkey stops deliveries",
        "Norway suspended aid to Eritrea.",
    ]
    # offsets index into the article text, heads within the sentence
    tok = parsed[1].tokens[0]
    assert text[tok.start : tok.end] == "Norway"
    assert all(0 <= t.head < len(parsed[1].tokens) for t in parsed[1].tokens)


def test_a_title_no_rule_can_read_is_not_parsed(parser: SentenceParser) -> None:
    text = "Quiet day\n\nNorway suspended aid to Eritrea."
    parsed, _ = parser.parse([text], [len("Quiet day")])[0]
    assert [text[p.start : p.end] for p in parsed] == ["Norway suspended aid to Eritrea."]


def test_parse_filter_covers_every_word_the_rules_read() -> None:
    """PARSE_READ must match every trigger of the token rules and every lemma the parse-only
    frames look up; a word added to those lists and not here would silently lose events."""
    from pipeline.events import triggers as T
    from pipeline.events.cues import PARSE_READ
    from pipeline.events.measures import CUT_VERBS, MEASURE_NOUNS

    words = (
        T.SANCTION_NOUNS | T.WEAK_SANCTION_NOUNS | T.SANCTION_VERBS
        | T.INTERMEDIARY | T.FACILITATE | CUT_VERBS | MEASURE_NOUNS
        | {"ban", "bans", "froze", "frozen", "mediate", "mediation", "brokered", "good offices"}
        | {"shuttle"}
    )  # fmt: skip
    assert sorted(w for w in words if not PARSE_READ.search(w)) == []
    assert not PARSE_READ.search("Aid agencies said imports and trade rose; flights resumed.")


@pytest.mark.parametrize(
    "text",
    [
        "Aid agencies said 40 thousand people had fled the flooding in the north of Kenya.",
        "Imports from China rose by 12 percent, trade officials in Japan said.",
        "Norway offered support and visas to students from Ethiopia.",
    ],
)
def test_a_sentence_the_filter_skips_has_no_events_even_when_parsed(
    parser: SentenceParser, text: str
) -> None:
    """What the filter skips is what the parse could not turn into an event anyway."""
    from pipeline.events.cues import PARSE_READ

    assert not PARSE_READ.search(text)
    linker = default_linker()
    doc = parser.nlp(text)
    toks = [
        ParsedToken(t.idx, t.idx + len(t.text), t.lemma_, t.pos_, t.dep_, t.head.i) for t in doc
    ]
    art = Article(id="t", feed_id="f", source="s", url="", title="", content=text)
    enriched = EnrichedArticle(
        article=art,
        text=text,
        entities=linker.find_mentions(text),
        parses=[ParsedSentence(0, len(text), toks)],
    )
    assert detect_events(enriched) == []


def test_parses_survive_the_record_round_trip(parser: SentenceParser) -> None:
    enriched = enrich("Ukraine suspended all flights to and from Belarus on Friday.", parser)
    back = EnrichedArticle.from_dict(enriched.to_dict())
    assert back.parses == enriched.parses and back.parses
    assert [e.action for e in detect_events(back)] == ["impose"]


def test_records_without_parses_keep_their_old_shape() -> None:
    art = Article(id="t", feed_id="f", source="s", url="", title="", content="x")
    d = EnrichedArticle(article=art, text="x").to_dict()
    assert "parses" not in d
    assert EnrichedArticle.from_dict(d).parses == []
    assert ParsedSentence.from_dict({"start": 0, "end": 1}).tokens == []


def test_unloadable_parser_falls_back_and_names_the_setting() -> None:
    assert load_parser_or_fallback("no_such_spacy_pipeline_xyz") is None
    reason = fallback_status()["models.parser"]
    assert "no_such_spacy_pipeline_xyz" in reason and "models.parser" in reason
    assert load_parser_or_fallback(None) is None
    assert "models.parser" not in fallback_status()


def test_seed_article_gives_exactly_its_two_events_with_the_parse(
    parser: SentenceParser, seed_text: str
) -> None:
    found = {
        (e.type, e.action): {r: sorted(a.id for a in actors) for r, actors in e.roles.items()}
        for e in detect_events(enrich(seed_text, parser))
    }
    assert found == {
        ("mediation", "offer"): {"mediator": ["RUS"], "parties": ["PRK", "USA"]},
        ("sanctions", "impose"): {"sender": ["IGO:UNSC"], "target": ["PRK"]},
    }


def test_parser_without_entities_still_parses(parser: SentenceParser) -> None:
    """models.parser_entities: false skips spaCy's NER (half the parse cost), not the parse."""
    lean = load_parser("en_core_web_sm", entities=False)
    text = "Kyrgyz Foreign Minister Almaz Toktobaev offered to mediate between Tajikistan and Iran."
    parsed, spans = lean.parse([text])[0]
    assert len(parsed) == 1 and parsed[0].tokens and spans == []
    assert parser.parse([text])[0][1]  # the default keeps the spans
