"""A dependency parse of one sentence aligned with its actor mentions, and the role moves that
read it: the actors of a noun phrase, the subject of a verb (through infinitives, coordination
and pronouns), the passive agent, the speaker of reported speech, and whether a mention is a
locative.

Why a parse: who did what to whom is syntax. "Economic sanctions against Laos are one option,
Thailand's foreign minister said" has Laos under "against" (the target) and Thailand as the
possessor of the speaker (the sender); "rebels met AU mediators in Nairobi" has Nairobi under
"in", a place that never fills a role. The parse comes from the enrich stage
(:mod:`pipeline.nlp.parser`); this module is pure and needs no model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.events import roles
from pipeline.events.roles import OTHER_NOUNS, Mention, Sentence, other_actor, role_actor
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor, ParsedSentence, ParsedToken

REPORTING = {
    "say", "tell", "add", "announce", "state", "warn", "confirm", "insist", "declare",
    "write", "note", "threaten", "stress", "caution", "predict", "suggest", "report",
}  # fmt: skip
LOCATIVE_PREPS = {"in", "at", "near", "inside", "outside", "across", "around"}
TRAVEL_VERBS = {"arrive", "travel", "fly", "visit", "leave", "go", "return", "land", "head"}
# nouns of a phrase that stand for the state their modifier names ("Thai officials" = THA)
STATE_HEADS = {
    "government", "authority", "official", "leader", "president", "minister", "ministry",
    "army", "military", "force", "navy", "parliament", "regime", "administration", "cabinet",
    "diplomat", "envoy", "negotiator", "delegation", "chief", "spokesman", "spokeswoman",
    "commander", "general", "citizen", "national", "emir", "king", "junta", "state",
    "side", "representative", "secretary", "premier", "chancellor", "mediator", "officer",
    "council", "department", "custom", "customs", "senator", "lawmaker", "legislator",
}  # fmt: skip
PRONOUNS = {"he", "she", "it", "they", "we", "i"}
RULERS = roles.RULERS | {"ministry"}
# an armed group that a state's name only locates ("Sudan's RSF paramilitary", "a Libyan militia
# leader", "Haitian gang leaders") is no state
ARMED = {
    "rebel", "separatist", "insurgent", "militia", "guerrilla", "militant", "paramilitary", "gang",
    "cartel",
}  # fmt: skip


@dataclass
class ParseView:
    """One sentence's parse with the token -> mention alignment (token indices are the
    parse's)."""

    sent: Sentence
    parse: ParsedSentence
    words: list[str]
    children: list[list[int]]
    mention_of: dict[int, Mention] = field(default_factory=dict)
    rule_index: dict[int, int] = field(default_factory=dict)  # parse token -> Sentence token

    @property
    def toks(self) -> list[ParsedToken]:
        return self.parse.tokens

    def kids(self, i: int, *deps: str) -> list[int]:
        return [j for j in self.children[i] if not deps or self.toks[j].dep in deps]

    def lemma(self, i: int) -> str:
        return self.toks[i].lemma.lower()

    def head(self, i: int) -> int:
        return self.toks[i].head

    def subtree(self, i: int) -> list[int]:
        out, todo = [], [i]
        while todo:
            j = todo.pop()
            out.append(j)
            todo.extend(self.children[j])
        return sorted(out)


def build_view(sent: Sentence, parse: ParsedSentence) -> ParseView:
    """Align a parse with the rule tokenizer's sentence (both index the article text)."""
    off = sent.offset
    toks = parse.tokens
    words = [sent.text[t.start - off : t.end - off] for t in toks]
    children: list[list[int]] = [[] for _ in toks]
    for i, t in enumerate(toks):
        if t.head != i and 0 <= t.head < len(toks):
            children[t.head].append(i)
    view = ParseView(sent, parse, words, children)
    for i, t in enumerate(toks):
        a, b = t.start - off, t.end - off
        for m in sent.mentions:
            if m.start < b and a < m.end:
                view.mention_of[i] = m
                break
        for k, rt in enumerate(sent.toks):
            if rt.start < b and a < rt.end:
                view.rule_index[i] = k
                break
    return view


def is_locative(v: ParseView, i: int) -> bool:
    """A place where something happens ("in Nairobi", "arrived in Beirut", "left Juba")."""
    j = i
    # climb compounds/appositions to the phrase head ("the Kenyan capital Nairobi")
    while v.toks[j].dep in ("compound", "appos", "amod", "poss", "conj") and v.head(j) != j:
        nxt = v.head(j)
        if v.toks[j].dep == "poss" or v.toks[nxt].pos not in ("PROPN", "NOUN"):
            break
        j = nxt
    dep, h = v.toks[j].dep, v.head(j)
    m = v.mention_of.get(i)
    city = m is not None and m.category == "capitals"
    attached_to_verb = v.toks[v.head(h)].pos in ("VERB", "AUX")
    if dep == "pobj" and v.lemma(h) == "in" and v.lemma(v.head(h)) in RULERS:
        return False  # "the junta in Niamey", "the government in Kabul": the state itself
    if dep == "pobj" and v.lemma(h) in LOCATIVE_PREPS and (city or attached_to_verb):
        return True
    if dep == "pobj" and v.lemma(h) == "to" and v.lemma(v.head(h)) in TRAVEL_VERBS:
        return True
    return dep in ("dobj", "npadvmod") and v.lemma(h) in ("leave", "visit", "reach")


def np_actors(
    v: ParseView, i: int, linker: ActorLinker, *, conj: bool = True, others: bool = True
) -> list[Actor]:
    """The actors a noun phrase headed by token ``i`` names: the mention itself; or, for a
    common noun, the state its possessor or modifier names ("Thailand's foreign minister",
    "Bosnian Croat officials" (the first, outer people), "the government of Mali");
    appositions ("Obasanjo, the AU's envoy"); coordinated phrases; a generic non-state noun
    ("rebels") as OTHER."""
    out: list[Actor] = []
    heads = [i] + (_conjuncts(v, i) if conj else [])
    for h in heads:
        a = _one_np(v, h, linker, others)
        if a is not None and a.id not in {x.id for x in out}:
            out.append(a)
    return out


def _conjuncts(v: ParseView, i: int) -> list[int]:
    out = []
    todo = list(v.kids(i, "conj")) + [
        # "Saudi Arabia, the United Arab Emirates, Bahrain and Egypt": a list of states that
        # the parse reads as an apposition with conjuncts of its own
        a
        for a in v.kids(i, "appos")
        if v.kids(a, "conj") and (_state(v, i) or v.lemma(i) in GROUP_HEADS) and _state(v, a)
    ]
    while todo:
        j = todo.pop(0)
        out.append(j)
        todo.extend(v.kids(j, "conj"))
    return out


# a plural noun that an apposed list of states spells out ("four Arab states - Saudi Arabia,
# Egypt, Bahrain and the UAE - closed ...")
GROUP_HEADS = {"state", "country", "nation", "government", "power", "neighbour", "neighbor"}


def _state(v: ParseView, i: int) -> bool:
    m = v.mention_of.get(i)
    return m is not None and m.actor.kind in ("country", "igo") and m.category != "demonyms"


def _one_np(v: ParseView, h: int, linker: ActorLinker, others: bool) -> Actor | None:
    m = v.mention_of.get(h)
    country = m is not None and m.actor.kind == "country"
    if country and any(_name_part(v, j) for j in v.kids(h, "compound")):
        return None  # "Air Canada", "Air France": a firm named after its state
    if m is not None and not (m.category == "demonyms" and v.toks[h].pos == "ADJ"):
        appos = _appos_actor(v, h, linker)
        if m.actor.kind == "person" and appos is not None:
            return appos  # "Obasanjo, the African Union's envoy"
        return role_actor(m, linker)
    if any(v.lemma(j) in ("former", "ex", "exiled", "late") for j in v.children[h]) or any(
        v.lemma(j) in ARMED for j in v.kids(h, "compound")
    ):
        # "a former official", "Haitian gang leaders", "Afghan rebel commanders": not the state
        return other_actor(v.words[h]) if others else None
    mods = [
        j
        for j in v.children[h]
        if v.toks[j].dep in ("poss", "compound", "amod", "nmod", "npadvmod") and j < h
    ]
    for j in mods:  # leftmost modifier first: "Bosnian Croat officials" -> Bosnia
        # the outermost mention of the modifier ("Bosnian" in "Bosnian Croat officials")
        mm = next((v.mention_of[k] for k in v.subtree(j) if k in v.mention_of and k < h), None)
        poss = v.toks[j].dep == "poss"
        if (
            mm is not None
            and (mm.actor.kind in ("country", "igo") or poss)
            and (v.lemma(h) in STATE_HEADS or poss or m is not None)
        ):
            return role_actor(mm, linker)
    appos = _appos_actor(v, h, linker)
    if appos is not None:
        return appos
    for p in v.kids(h, "prep"):
        # "the government of Mali", "the foreign ministry in Canberra"
        if (v.lemma(p) == "of" and v.lemma(h) in STATE_HEADS) or (
            v.lemma(p) == "in" and v.lemma(h) in RULERS
        ):
            for o in v.kids(p, "pobj"):
                got = _one_np(v, o, linker, others)
                if got is not None:
                    return got
    if m is not None:
        return role_actor(m, linker)
    if others and (v.lemma(h) in OTHER_NOUNS or v.words[h].lower() in OTHER_NOUNS):
        return other_actor(v.words[h])
    return None


def _name_part(v: ParseView, j: int) -> bool:
    """A capitalised word of a longer name that is no actor of its own ("Air" in "Air
    France")."""
    return v.toks[j].pos == "PROPN" and v.words[j].istitle() and j not in v.mention_of


def _appos_actor(v: ParseView, h: int, linker: ActorLinker) -> Actor | None:
    for j in v.kids(h, "appos"):
        a = _one_np(v, j, linker, others=False)
        if a is not None and a.kind in ("country", "igo"):
            return a
    return None


def subject(v: ParseView, verb: int, linker: ActorLinker) -> list[Actor]:
    """The acting subject of ``verb``: its own nsubj, else the subject of the verb it is an
    infinitive or a coordinated verb of ("threatened to restrict", "met and agreed"); a
    pronoun resolves to the subject of the reporting verb above ("Canada said they would ...").
    """
    seen = 0
    j = verb
    while seen < 5:
        seen += 1
        subj = v.kids(j, "nsubj")
        if subj:
            s = subj[0]
            if v.words[s].lower() in ("who", "which", "that") and v.toks[j].dep == "relcl":
                return np_actors(v, v.head(j), linker)  # "X's minister, who has carried ..."
            if v.words[s].lower() in PRONOUNS:
                up = _reporting_head(v, j)
                if up is not None:
                    j = up
                    continue
                return []
            return np_actors(v, s, linker)
        for a in v.kids(j, "agent"):
            for o in v.kids(a, "pobj"):
                got = np_actors(v, o, linker)
                if got:  # "extended by a year by Switzerland": the agent that names an actor
                    return got
        if v.toks[j].dep in ("xcomp", "conj", "advcl", "pcomp") and v.head(j) != j:
            j = v.head(j)
            if v.toks[j].pos == "ADP":  # "held off on approving": up through the preposition
                j = v.head(j)
            continue
        break
    return []


def _reporting_head(v: ParseView, i: int) -> int | None:
    """The reporting verb this clause is the content of ("..., the minister said")."""
    if v.toks[i].dep in ("ccomp", "parataxis") and v.lemma(v.head(i)) in REPORTING:
        return v.head(i)
    return None


def speaker(v: ParseView, clause: int, linker: ActorLinker) -> list[Actor]:
    """Who announces or proposes the content of ``clause``: the subject of the reporting verb
    it depends on, or of a reporting verb hung under it (spaCy often makes the quoted clause
    the root: "Sanctions ... are an option, X said"); a coordinated clause shares the first
    one's speaker ("Iran must free the crew or face sanctions, X said")."""
    while v.toks[clause].dep == "conj" and v.head(clause) != clause:
        clause = v.head(clause)
    up = _reporting_head(v, clause)
    if up is not None:
        return subject(v, up, linker)
    for j in v.kids(clause, "parataxis", "ccomp", "advcl", "conj"):  # conj: "or face X, Y warned"
        if v.lemma(j) in REPORTING:
            return subject(v, j, linker)
    return []


def clause_of(v: ParseView, i: int) -> int:
    """The verb (or root) whose clause holds token ``i``."""
    j = i
    for _ in range(20):
        if v.toks[j].pos in ("VERB", "AUX") or v.head(j) == j:
            return j
        j = v.head(j)
    return j


# the non-state side of a conflict ("the insurgents", "the opposition", "the Moro Islamic
# Liberation Front", "its paramilitary rivals"); not "rival", whose "X's rival factions" the sets
# label both ways
NONSTATE_SIDES = ARMED | {
    "secessionist", "opposition", "faction", "movement", "front", "camp", "warring", "breakaway",
}  # fmt: skip


def add_nonstate_side(v: ParseView, parties: list[Actor]) -> list[Actor]:
    """A mediation is between two sides: when the parties name one state only and the sentence
    names a non-state side of the conflict (an armed group of the dictionary, or a group noun
    that is no actor and not "opposition to/from"), that side is the other party: "between the
    government of X and the insurgents", "X and the Y Liberation Front held talks", "X's
    opposition agreed to talks with the government", "a truce between X and Hamas"."""
    if len(parties) != 1 or parties[0].kind != "country":
        return parties
    for k, word in enumerate(v.words):
        m = v.mention_of.get(k)
        if m is not None and m.actor.kind == "org":
            return [*parties, m.actor]
        if (
            m is None
            and v.lemma(k) in NONSTATE_SIDES
            and not any(v.lemma(p) in ("to", "from") for p in v.kids(k, "prep"))
        ):
            return [*parties, other_actor(word)]
    return parties
