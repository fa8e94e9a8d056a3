"""Who is who in a sentence: actor mentions on tokens, and the role-finding moves the event
frames use (subject before a verb, the noun phrase after "on/against/between", "X-Y talks",
possessives, "X-brokered").

Why token patterns still: they are the frames the dev set was built on and the fallback when
``models.parser`` is off or cannot load. Where the enrich stage parsed a sentence, the parse
corrects and extends what these patterns find (:mod:`pipeline.events.parsed`: places that are
no party, titles, coordination, peoples, speakers, measures without the word "sanction").
Each helper documents the pattern it reads. Known limits: pronouns resolve only to the
sentence's first suitable actor; a role named only in another sentence is not found (the
document-level merge helps when another sentence names it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.nlp.actors import ActorLinker
from pipeline.nlp.text import Token, tokenize
from pipeline.schema import Actor, Entity

# nouns after a demonym that make it stand for the state ("Russian government" -> RUS)
GOV_NOUNS = {
    "government",
    "governments",
    "authorities",
    "official",
    "officials",
    "president",
    "presidency",
    "prime",
    "premier",
    "foreign",
    "defence",
    "defense",
    "minister",
    "ministry",
    "ministers",
    "military",
    "army",
    "forces",
    "troops",
    "navy",
    "air",
    "parliament",
    "lawmakers",
    "legislators",
    "congress",
    "congressional",
    "diplomat",
    "diplomats",
    "negotiator",
    "negotiators",
    "envoy",
    "envoys",
    "mediator",
    "mediators",
    "mediation",
    "delegation",
    "delegations",
    "leader",
    "leaders",
    "leadership",
    "regime",
    "state",
    "side",
    "administration",
    "embassy",
    "ambassador",
    "cabinet",
    "sanctions",
    "embargo",
    "treasury",
    "security",
    "intelligence",
    "counterpart",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "king",
    "queen",
    "emir",
    "crown",
    "chancellor",
    "junta",
    "rulers",
    "coast",
    "council",
    "senate",
    "senators",
    "officers",
    "commanders",
    "generals",
    "republic",
    "monarchy",
    "interior",
    "finance",
    "economy",
    "trade",
    "commerce",
    "justice",
    "entity",
    "agency",
    "ministries",
    "department",
    "mission",
    "representative",
    "representatives",
    "top",
    "chief",
    "vice",
    "deputy",
    "acting",
    "then",
    "new",
    "incoming",
    "outgoing",
    "president-elect",
    "blockade",
    "boycott",
    "peacekeepers",
    "peace",
    "offer",
    "offers",
    "proposal",
    "proposals",
    "initiative",
    "plan",
    "bid",
    "effort",
    "efforts",
    "push",
    "demand",
    "demands",
    "call",
    "calls",
    "ultimatum",
    "warning",
    "threat",
    "threats",
}
# generic heads of a target/party phrase that are not states (the dev set's OTHER)
OTHER_NOUNS = {
    "companies",
    "company",
    "firms",
    "firm",
    "individuals",
    "individual",
    "entities",
    "entity",
    "officials",
    "people",
    "persons",
    "person",
    "unit",
    "units",
    "banks",
    "bank",
    "organizations",
    "organisations",
    "organization",
    "organisation",
    "groups",
    "group",
    "militias",
    "militia",
    "rebels",
    "rebel",
    "separatists",
    "insurgents",
    "militants",
    "guerrillas",
    "paramilitaries",
    "oligarchs",
    "oligarch",
    "businesses",
    "businessmen",
    "executives",
    "leaders",
    "commanders",
    "generals",
    "members",
    "lawmakers",
    "judges",
    "ministers",
    "truckers",
    "workers",
    "unions",
    "union",
    "opposition",
    "protesters",
    "protestors",
    "factions",
    "faction",
    "tribes",
    "networks",
    "network",
    "vessels",
    "ships",
    "tankers",
    "airlines",
    "exchanges",
    "traders",
    "shipping",
    "family",
    "relatives",
    "associates",
    "allies",
    "cronies",
    "elites",
}
# heads after a state's name that make the phrase non-state ("U.S. defence firms")
NONSTATE_NOUNS = {
    "companies",
    "company",
    "firms",
    "firm",
    "banks",
    "bank",
    "businesses",
    "businessmen",
    "oligarchs",
    "oligarch",
    "individuals",
    "entities",
    "organizations",
    "organisations",
    "groups",
    "producers",
    "exporters",
    "shipping",
    "tankers",
    "vessels",
    "airlines",
    "insurers",
    "traders",
    "executives",
    "investors",
    "citizens",
    "nationals",
    "settlers",
    "activists",
    "journalists",
    "rebels",
    "separatists",
    "militants",
    "insurgents",
    "protesters",
    "tycoons",
    "conglomerates",
    "manufacturers",
    "suppliers",
}
# words that end a target/party phrase
PHRASE_STOP = {
    "over",
    "for",
    "because",
    "after",
    "due",
    "following",
    "amid",
    "which",
    "that",
    "who",
    "whom",
    "linked",
    "accused",
    "responsible",
    "involved",
    "based",
    "in",
    "as",
    "while",
    "since",
    "but",
    "until",
    "unless",
    "if",
    "by",
    "when",
    "to",
    "from",
    "saying",
    "said",
    "said,",
    "says",
    "with",
    "on",
    "against",
    "at",
    "about",
    "during",
    "under",
    "before",
    "tied",
    "connected",
    "allegedly",
    "including",
    "including,",
    "citing",
    "where",
}
SKIPPABLE = {
    "the",
    "a",
    "an",
    "some",
    "all",
    "its",
    "their",
    "his",
    "her",
    "both",
    "several",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozen",
    "dozens",
    "nearly",
    "almost",
    "about",
    "more",
    "than",
    "other",
    "new",
    "top",
    "senior",
    "powerful",
    "key",
    "major",
    "leading",
    "certain",
    "various",
    "many",
    "most",
    "state",
    "state-run",
    "state-owned",
    "neighbouring",
    "neighboring",
    "fellow",
    "rival",
    "our",
    "this",
    "these",
    "those",
    "such",
    "any",
    "further",
    "additional",
}
# prepositions after which a mention is not the subject of what follows
NON_SUBJECT_PREPS = {
    "on",
    "in",
    "with",
    "at",
    "about",
    "against",
    "over",
    "near",
    "toward",
    "towards",
    "into",
    "across",
    "to",
    "inside",
    "within",
    "throughout",
    "around",
    "upon",
    "for",
    "like",
}
# "the OPEC member", "its NATO ally Turkey": the mention qualifies another noun
RELATION_NOUNS = {
    "member",
    "members",
    "member-state",
    "ally",
    "allies",
    "partner",
    "partners",
    "neighbour",
    "neighbor",
    "-based",
    "-backed",
    "-led",
}
DATE_WORDS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "jan",
    "feb",
    "aug",
    "sept",
    "oct",
    "nov",
    "dec",
}
PRONOUNS = {"he", "she", "it", "they", "we"}
COMMODITY = {
    "potash",
    "fertilizer",
    "fertiliser",
    "diamonds",
    "timber",
    "gold",
    "aluminium",
    "aluminum",
    "grain",
    "wheat",
    "semiconductors",
    "chips",
    "seafood",
    "uranium",
    "banking",
    "financial",
    "exports",
    "export",
    "imports",
    "import",
    "sales",
    "sale",
    "shipments",
    "goods",
    "oil",
    "arms",
    "weapons",
    "products",
    "trade",
    "technology",
    "investment",
    "investments",
    "transfers",
    "supplies",
    "deliveries",
    "flights",
    "travel",
    "assets",
    "access",
    "high",
    "tech",
    "high-tech",
    "lethal",
    "economic",
    "military",
    "nuclear",
    "crude",
    "petroleum",
    "refined",
    "luxury",
    "energy",
    "gas",
    "liquefied",  # "an embargo on Russian liquefied natural gas"
    "natural",
    "lng",
    "coal",
    "steel",
    "items",
    "equipment",
}
BOUNDARY_PUNCT = {",", ";", ":", "(", ")", "—", "–", '"', "“", "”", "?", "!"}


@dataclass
class Mention:
    """An actor mention aligned to tokens ``[first, last]`` (inclusive)."""

    first: int
    last: int
    start: int  # char offsets in the sentence
    end: int
    text: str
    actor: Actor
    category: str  # aliases | demonyms | capitals | institutions | ner
    possessive: bool = False
    former: bool = False


@dataclass
class Sentence:
    text: str
    offset: int  # into the document
    toks: list[Token]
    low: list[str]
    mentions: list[Mention] = field(default_factory=list)
    by_tok: dict[int, Mention] = field(default_factory=dict)

    def mention_at(self, i: int) -> Mention | None:
        return self.by_tok.get(i)


def build_sentence(text: str, offset: int, entities: list[Entity], linker: ActorLinker) -> Sentence:
    """Tokens of one sentence plus its actor mentions (entities already offset to the sentence)."""
    toks = tokenize(text)
    sent = Sentence(text=text, offset=offset, toks=toks, low=[t.low for t in toks])
    for ent in entities:
        if ent.actor is None:
            continue
        first = next((i for i, t in enumerate(toks) if t.end > ent.start), None)
        if first is None:
            continue
        last = first
        while last + 1 < len(toks) and toks[last + 1].start < ent.end:
            last += 1
        category = linker.category(ent.text, ent.actor.id) or (
            "demonyms" if ent.label == "MISC" else "ner"
        )
        if category == "demonyms" and sent.low[first - 1 : first] == ["ethnic"]:
            continue  # "ethnic Albanian rebels" in Macedonia: a people, not Albania's state
        tail = text[ent.end : ent.end + 2]
        possessive = tail in ("'s", "’s") or (tail[:1] in ("'", "’") and ent.text.endswith("s"))
        prev_words = [t.low for t in toks[max(0, first - 2) : first]]
        former = any(w in ("former", "ex", "late") for w in prev_words)
        m = Mention(
            first, last, ent.start, ent.end, ent.text, ent.actor, category, possessive, former
        )
        sent.mentions.append(m)
        for i in range(first, last + 1):
            sent.by_tok[i] = m
    return sent


def role_actor(m: Mention, linker: ActorLinker) -> Actor:
    """The actor a mention stands for in a role: a serving person acts for their state; a former
    one stands for themselves."""
    if m.actor.kind == "person" and m.former:
        return m.actor
    return linker.role_actor(m.actor)


def other_actor(name: str, named: bool = False) -> Actor:
    """A role filler the dictionary does not know. A name ("Rusal", "Glavkosmos") gets a stable
    ``OTHER:<slug>`` id; a description ("companies", "Iranian organizations", "a former
    official") is plain ``OTHER``, so two outlets wording it differently give one identity."""
    if not named:
        return Actor(id="OTHER", name=name or "other", kind="other")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return Actor(id=f"OTHER:{slug}" if slug else "OTHER", name=name or "other", kind="other")


def demonym_stands_for_state(s: Sentence, m: Mention, goods: bool = False) -> bool:
    """'Russian government', 'Greek Foreign Minister', 'Ethiopian mediator': yes;
    'Russian oligarch', 'European bar', 'Iranian organizations': no."""
    if m.category != "demonyms":
        return True
    nxt = m.last + 1
    while nxt < len(s.toks) and s.low[nxt] in ("-", "'s", "’s"):
        nxt += 1
    if nxt >= len(s.toks):
        return False
    if s.low[nxt] in ("and", "or") and nxt + 1 < len(s.toks):
        second = s.mention_at(nxt + 1)  # "American and Iranian negotiators"
        if second is not None and second.category == "demonyms":
            return demonym_stands_for_state(s, second, goods)
    after = s.mention_at(nxt)
    if after is not None:
        return after.actor.kind in ("person", "igo")  # "Russian President Putin"
    if goods and s.low[nxt] in COMMODITY:
        # "sanctions on Belarusian potash" (the state's trade), not "Chinese tech firms"
        following = s.low[nxt + 1 : nxt + 3]
        return not any(x in NONSTATE_NOUNS for x in following)
    return s.low[nxt] in GOV_NOUNS


def eligible_agent(s: Sentence, m: Mention) -> bool:
    """Can this mention be the one who acts (sender, mediator)? Not a locative or object of a
    preposition, not 'the OPEC member', not a demonym of a non-state noun."""
    prep = None
    if m.first > 0 and s.low[m.first - 1] in NON_SUBJECT_PREPS:
        prep = s.low[m.first - 1]
    elif (
        m.first > 1
        and s.low[m.first - 1] in ("the", "a")
        and s.low[m.first - 2] in (NON_SUBJECT_PREPS)
    ):
        prep = s.low[m.first - 2]
    # "rejected calls from Caracas to lift": the caller does not act
    if (
        prep is None
        and m.first > 1
        and s.low[m.first - 1] == "from"
        and s.low[m.first - 2]
        in (
            "calls",
            "call",
            "demands",
            "demand",
            "requests",
            "request",
            "pressure",
            "appeals",
            "appeal",
            "offer",
            "offers",
            "proposal",
            "pleas",
        )
    ):
        return False
    # "officials in the Kremlin", "Republicans in Congress" still speak for the state, as
    # does "the junta in Niger"
    if prep is not None and not (
        prep == "in" and (m.category == "institutions" or _ruler_in(s, m))
    ):
        return False
    if m.last + 1 < len(s.toks) and s.low[m.last + 1] in RELATION_NOUNS:
        return False
    return demonym_stands_for_state(s, m)


# who rules from a capital: "the junta in Niamey" names the state, not a place (tokens and
# lemmas; the parse adds "the foreign ministry in Canberra", whose token reading is a speaker's)
RULERS = {"junta", "government", "regime", "authorities", "authority", "leadership", "military"}
RULERS |= {"army"}


def _ruler_in(s: Sentence, m: Mention) -> bool:
    """'the junta in Niger', 'the government in Kabul': the state's rulers, not a place."""
    i = m.first - 1
    while i > 0 and s.low[i] in ("in", "the"):
        i -= 1
    return s.low[m.first - 1] in ("in", "the") and s.low[i] in RULERS


def agent_before(
    s: Sentence, idx: int, lo: int = 0, exclude: set[str] | None = None, strict: bool = True
) -> list[Mention]:
    """The acting mention(s) nearest before token ``idx`` (not before ``lo``), with actors
    coordinated with it ("The OAU and the Arab League launched ..."). A subject pronoun
    ("he", "it") met first resolves to the sentence's first eligible mention."""
    exclude = exclude or set()
    lo = max(lo, idx - 60)  # a subject is not further away than this; keeps scans linear
    i = idx - 1
    while i >= lo:
        w = s.low[i]
        m = s.mention_at(i)
        if m is not None:
            if (not strict or eligible_agent(s, m)) and m.actor.id not in exclude:
                return with_coordinated(s, m, lo, exclude)
            i = m.first - 1
            continue
        if w in PRONOUNS and i > 0 and s.low[i - 1] not in NON_SUBJECT_PREPS:
            for cand in s.mentions:
                if cand.first >= i:
                    break
                if eligible_agent(s, cand) and cand.actor.id not in exclude:
                    want_person = w in ("he", "she")
                    if not want_person or cand.actor.kind == "person" or cand.category in ("ner",):
                        return [cand]
            # no person: fall back to any eligible actor before the pronoun
            for cand in s.mentions:
                if cand.first < i and eligible_agent(s, cand) and cand.actor.id not in exclude:
                    return [cand]
            return []
        i -= 1
    return []


def with_coordinated(
    s: Sentence, m: Mention, lo: int = 0, exclude: set[str] | None = None
) -> list[Mention]:
    """``m`` with the actors coordinated before it ("X and Y", "X, Y and Z")."""
    exclude = exclude or set()
    out = [m]
    i = m.first - 1
    if i > lo and s.low[i] == "the":
        i -= 1  # "Turkey and the United Nations"
    while i >= lo + 1 and s.low[i] in ("and", ",", "&"):
        j = i - 1
        while j >= lo and s.low[j] in ("the",):
            j -= 1
        prev = s.mention_at(j) if j >= lo else None
        if prev is None or prev.actor.id in exclude:
            break
        # "Egyptian and Qatari mediators", "Saudi and U.S. sponsorship": a demonym right
        # before the "and" shares the head noun of the last item
        shares = prev.category == "demonyms" and prev.last + 1 == i and s.low[i] == "and"
        if not demonym_stands_for_state(s, prev) and not shares:
            break
        out.insert(0, prev)
        i = prev.first - 1
    return out


def phrase_actors(s: Sentence, i: int, linker: ActorLinker, limit: int = 14) -> list[Actor]:
    """The actors named by the noun phrase (or list of phrases) starting at token ``i``:
    'North Korea', 'India and Pakistan', 'Rusal and other companies' (OTHER),
    'high-tech exports to India' (looks through goods to the country), 'a Chinese government
    entity' (CHN), 'Iranian organizations' (OTHER)."""
    out: list[Actor] = []
    end = min(len(s.toks), i + limit)
    j = i
    unknown = 0
    former = False
    while j < end:
        w = s.low[j]
        m = s.mention_at(j)
        # "a former official"; not a name that begins with it ("the former Yugoslav Republic
        # of Macedonia")
        if w in ("former", "ex", "exiled", "late") and m is None:
            former = True
        if m is not None:
            nxt = s.low[m.last + 1 : m.last + 3]
            if (former and m.actor.kind != "person") or (
                m.category != "demonyms"
                and (
                    (nxt[:1] and nxt[0] in NONSTATE_NOUNS)
                    or (len(nxt) == 2 and nxt[0] not in GOV_NOUNS and nxt[1] in NONSTATE_NOUNS)
                )
            ):
                # "a former Venezuelan official", "U.S. defence firms": not the state itself
                out.append(other_actor(_phrase_text(s, m.first, m.last + 3)))
                j = _skip_head(s, m.last + 1, end)
                former = False
                if j < end and s.low[j] in ("and", "&", "or"):
                    j += 1
                    continue
                break
            if m.category == "demonyms":
                if demonym_stands_for_state(s, m, goods=True):
                    out.append(role_actor(m, linker))
                else:
                    out.append(other_actor(_phrase_text(s, m.first, m.last + 2)))
                j = _skip_head(s, m.last + 1, end)
            else:
                if m.last + 1 < len(s.toks) and s.low[m.last + 1] in RELATION_NOUNS:
                    j = m.last + 2
                    continue
                out.append(role_actor(m, linker))
                j = m.last + 1
                if m.possessive:  # "Mali's government and Tuareg rebels": on to the next side
                    while j < end and s.low[j] in ("'s", "’s", "'", "’", *GOV_NOUNS):
                        j += 1
                    if _skip_head(s, j, end) - j <= 3:  # "Liberia's interim government and"
                        j = _skip_head(s, j, end)
                # "the Central African Republic (CAR)": skip a parenthesised short form
                if j < end and s.low[j] == "(":
                    k = j
                    while k < end and s.low[k] != ")":
                        k += 1
                    j = k + 1
            if j < end and s.low[j] in ("and", "&", "or"):
                j += 1
                continue
            if (
                j + 1 < end
                and s.low[j] == ","
                and (s.mention_at(j + 1) is not None or s.low[j + 1] in ("and", "the"))
            ):
                j += 1
                continue
            break
        if w in COMMODITY:
            # "sanctions on high-tech exports to India": look through the goods
            j += 1
            while j < end and (s.low[j] in COMMODITY or s.low[j] == "-"):
                j += 1
            if j < end and s.low[j] in ("to", "from", "of", "with", "by") and (j + 1 < end):
                j += 1
                continue
            break
        if w in OTHER_NOUNS and w in GOV_NOUNS and s.low[j + 1 : j + 2] == ["of"]:
            j += 2  # "the leaders of Rwanda and Congo": the states
            continue
        if w in RULERS and s.low[j + 1 : j + 2] == ["in"]:
            j += 2  # "the junta in Niger"
            continue
        if w in OTHER_NOUNS:
            head_end = _skip_head(s, j + 1, end)
            out.append(other_actor(_phrase_text(s, j, head_end)))
            j = head_end
            if j < end and s.low[j] in ("and", ",", "&", "or"):
                j += 1
                continue
            break
        if w in PHRASE_STOP or w in BOUNDARY_PUNCT or w in (".", "of") or w in DATE_WORDS:
            break
        tok = s.toks[j].text
        if tok[:1].isupper() and w not in SKIPPABLE:
            # a capitalised name the dictionary does not know
            k = j
            while k + 1 < end and s.toks[k + 1].text[:1].isupper() and s.mention_at(k + 1) is None:
                k += 1
            out.append(other_actor(_phrase_text(s, j, k + 1), named=True))
            j = k + 1
            if j < end and s.low[j] in ("and", ",", "&", "or"):
                j += 1
                continue
            break
        if w not in SKIPPABLE and not w.isdigit() and w != "-":
            unknown += 1  # an adjective or a noun we cannot read: give up after a few
            if unknown > 2:
                break
        j += 1
    return dedupe(out)


def _skip_head(s: Sentence, j: int, end: int) -> int:
    while (
        j < end
        and s.low[j] not in PHRASE_STOP
        and s.low[j] not in ("and", ",", "&", "or")
        and s.mention_at(j) is None
        and s.low[j] not in BOUNDARY_PUNCT
        and s.low[j] != "."
    ):
        j += 1
    return j


def _phrase_text(s: Sentence, a: int, b: int) -> str:
    b = min(b, len(s.toks))
    if a >= b:
        return ""
    return s.text[s.toks[a].start : s.toks[b - 1].end]


def compound_pairs(s: Sentence, linker: ActorLinker, lo: int = 0) -> list[Actor]:
    """'Israel-Syria peace talks', 'US-Iran conflict', 'Arab-Israeli dispute': the actors of a
    hyphenated pair (the one side the dictionary knows, at least)."""
    out: list[Actor] = []
    for i in range(lo + 1, len(s.toks) - 1):
        if s.low[i] != "-":
            continue
        left, right = s.mention_at(i - 1), s.mention_at(i + 1)
        if left is None and right is None:
            continue
        if left is not None and right is not None:
            out += [role_actor(left, linker), role_actor(right, linker)]
        elif (left is None) != (right is None):
            # one side is a known actor and the other a capitalised word ("Arab-Israeli")
            other_i = i - 1 if left is None else i + 1
            if s.toks[other_i].text[:1].isupper():
                known = left or right
                assert known is not None
                out.append(role_actor(known, linker))
    return dedupe(out)


def dedupe(actors: list[Actor]) -> list[Actor]:
    """The actors in order, each id once (its first actor: names of OTHER differ)."""
    out: dict[str, Actor] = {}
    for a in actors:
        out.setdefault(a.id, a)
    return list(out.values())
