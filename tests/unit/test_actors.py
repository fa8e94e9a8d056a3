"""The actor dictionary and linker: canonical ids, metonyms, longest match, ambiguity rules."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from pipeline.nlp.actors import ActorDataError, ActorLinker, default_linker


@pytest.fixture(scope="module")
def linker() -> ActorLinker:
    return default_linker()


def ids(linker: ActorLinker, text: str) -> list[str]:
    return [e.actor.id for e in linker.find_mentions(text) if e.actor]


def test_seed_article_actors(linker: ActorLinker, seed_text: str) -> None:
    found = {e.actor.id: e.actor for e in linker.find_mentions(seed_text) if e.actor}
    assert {"RUS", "USA", "PRK", "IGO:UNSC"} <= set(found)
    assert found["PERSON:sergei-lavrov"].country == "RUS"
    assert found["PERSON:rex-tillerson"].country == "USA"
    assert found["PERSON:sergei-lavrov"].kind == "person"
    assert found["IGO:UNSC"].kind == "igo"


def test_offsets_index_into_the_text(linker: ActorLinker, seed_text: str) -> None:
    for e in linker.find_mentions(seed_text):
        assert seed_text[e.start : e.end] == e.text
        assert e.label in ("PERSON", "ORG", "LOC", "MISC")


@pytest.mark.parametrize(
    "text, actor_id",
    [
        ("the Kremlin said on Tuesday", "RUS"),
        ("Pyongyang rejected the offer", "PRK"),
        ("Washington has lifted sanctions", "USA"),
        ("officials at Foggy Bottom", "USA"),
        ("the State Department said", "USA"),
        ("Downing Street said", "GBR"),
        ("the Elysee said", "FRA"),
        ("Tehran responded", "IRN"),
    ],
)
def test_metonyms_link_to_their_country(linker: ActorLinker, text: str, actor_id: str) -> None:
    assert ids(linker, text) == [actor_id]


def test_russian_federation_and_russia_are_one_actor(linker: ActorLinker) -> None:
    mentions = linker.find_mentions("The Russian Federation, or Russia, said.")
    assert [m.text for m in mentions] == ["The Russian Federation", "Russia"]
    assert {m.actor.id for m in mentions if m.actor} == {"RUS"}


def test_longest_match_wins(linker: ActorLinker) -> None:
    assert ids(linker, "the UN Security Council met") == ["IGO:UNSC"]
    assert ids(linker, "the United Nations Security Council met") == ["IGO:UNSC"]
    assert ids(linker, "the United Nations met") == ["IGO:UN"]
    assert ids(linker, "Guinea-Bissau and Papua New Guinea") == ["GNB", "PNG"]
    # a mention that starts inside another and reaches further wins
    assert ids(linker, "the North Korean regime") == ["PRK"]


def test_demonyms_link_as_misc(linker: ActorLinker) -> None:
    mentions = linker.find_mentions("Russian and North Korean diplomats")
    assert [(m.text, m.label, m.actor.id) for m in mentions if m.actor] == [
        ("Russian", "MISC", "RUS"),
        ("North Korean", "MISC", "PRK"),
    ]


def test_case_where_it_matters(linker: ActorLinker) -> None:
    assert ids(linker, "let us go") == []
    assert ids(linker, "the US said") == ["USA"]
    assert ids(linker, "roast turkey with china plates") == []
    assert ids(linker, "NATO and Nato") == ["IGO:NATO", "IGO:NATO"]


def test_turkey_in_a_recipe_is_not_the_country(linker: ActorLinker) -> None:
    assert ids(linker, "Put the Turkey in the oven and baste it for Thanksgiving dinner.") == []
    assert ids(linker, "Turkey said it would host talks.") == ["TUR"]


def test_jordan_as_a_name_is_not_the_country(linker: ActorLinker) -> None:
    assert ids(linker, "Michael Jordan scored 40 points.") == []
    assert ids(linker, "Jordan Peterson gave a lecture.") == []
    assert ids(linker, "King Abdullah of Jordan met the envoy.") == ["JOR"]


def test_georgia_the_us_state_is_not_the_country(linker: ActorLinker) -> None:
    assert ids(linker, "Georgia's governor spoke in Atlanta.") == []
    assert ids(linker, "Georgia and Russia fought a war; Tbilisi said.") == ["GEO", "RUS", "GEO"]


def test_washington_in_names_is_not_the_state(linker: ActorLinker) -> None:
    assert ids(linker, "George Washington was the first president.") == []
    assert ids(linker, "The Washington Post reported it.") == []
    assert ids(linker, "In Washington, officials said.") == ["USA"]


def test_a_surname_after_another_first_name_is_someone_else(linker: ActorLinker) -> None:
    assert ids(linker, "Kate Bush released an album.") == []
    assert ids(linker, "Ivanka Trump spoke.") == []
    assert ids(linker, "President Bush said.") == ["PERSON:george-w-bush"]
    assert ids(linker, "Russia's Lavrov said.") == ["RUS", "PERSON:sergei-lavrov"]


def test_title_case_headlines_do_not_look_like_names(linker: ActorLinker) -> None:
    assert ids(linker, "Jordan Rejects Israeli Plan For West Bank") == ["JOR", "ISR"]
    assert ids(linker, "Jordan rejected the plan, Jordan Peterson said.") == ["JOR"]


def test_regions_named_after_states_are_not_the_state(linker: ActorLinker) -> None:
    assert ids(linker, "Latin America and South American leaders met.") == []
    assert ids(linker, "America and Americans") == ["USA", "USA"]
    assert ids(linker, "Oil spills in the Niger Delta and the Indian Ocean.") == []
    assert ids(linker, "Niger and India") == ["NER", "IND"]
    assert ids(linker, "the European Court of Human Rights ruled") == []


def test_resolve_links_spans_found_by_ner(linker: ActorLinker) -> None:
    assert linker.resolve("Russian Federation").id == "RUS"  # type: ignore[union-attr]
    assert linker.resolve("the Kremlin", "ORG").id == "RUS"  # type: ignore[union-attr]
    assert linker.resolve("Russia’s").id == "RUS"  # type: ignore[union-attr]
    assert linker.resolve("the Russian Foreign Ministry", "ORG").id == "RUS"  # type: ignore[union-attr]
    assert linker.resolve("Lavrov", "PERSON").id == "PERSON:sergei-lavrov"  # type: ignore[union-attr]
    assert linker.resolve("Jordan", "PERSON") is None  # a person named Jordan
    assert linker.resolve("us") is None
    assert linker.resolve("Acme Holdings") is None
    assert linker.resolve("Turkey", context="roast the Turkey for dinner") is None


def test_role_actor_maps_persons_to_their_state(linker: ActorLinker) -> None:
    lavrov = linker.actor("PERSON:sergei-lavrov")
    assert lavrov is not None
    assert linker.role_actor(lavrov).id == "RUS"
    assert linker.parent("IGO:UNSC") == "IGO:UN"
    guterres = linker.actor("PERSON:antonio-guterres")
    assert guterres is not None and linker.role_actor(guterres).id == "IGO:UN"
    hemedti = linker.actor("PERSON:mohamed-hamdan-dagalo")
    assert hemedti is not None and linker.role_actor(hemedti).id == "ORG:rsf"


def test_every_iso_country_is_in_the_dictionary(linker: ActorLinker) -> None:
    for c in pycountry.countries:
        actor = linker.actor(c.alpha_3)
        assert actor is not None and actor.kind == "country", c.alpha_3


def test_users_extend_the_dictionary_with_a_file(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    base = sorted((root / "configs" / "actors").glob("*.yaml"))
    extra = tmp_path / "zz-local.yaml"
    extra.write_text(
        "actors:\n"
        "  - {id: RUS, institutions: [Smolenskaya Square]}\n"
        "  - {id: 'PERSON:jane-envoy', name: Jane Envoy, country: NOR, aliases: [Jane Envoy]}\n",
        encoding="utf-8",
    )
    linker = ActorLinker.load([*base, extra])
    assert ids(linker, "Smolenskaya Square said Jane Envoy would travel.") == [
        "RUS",
        "PERSON:jane-envoy",
    ]
    assert linker.version != default_linker().version


def test_version_is_stable_for_the_same_data() -> None:
    assert ActorLinker.load().version == default_linker().version
    assert default_linker().version.startswith("actors-")


def test_bad_data_names_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("actors:\n  - {id: XXX, alias: [Oops]}\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.yaml.*XXX.*alias"):
        ActorLinker.load([bad])
    bad.write_text("actors:\n  - {id: XXX, kind: planet}\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="planet"):
        ActorLinker.load([bad])
    bad.write_text("actors: [\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="not valid YAML"):
        ActorLinker.load([bad])
