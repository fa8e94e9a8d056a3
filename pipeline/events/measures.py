"""Punitive measures read from the parse: the sanctions scope beyond the word "sanction".

Why: analysts count an aid cut-off, suspended flights, an entry ban, import restrictions,
punitive tariffs, a blockade or a state's boycott of another state as sanctions
(``shared/contracts/analyze-json.md``). These are a measure word in a verb-object relation
("suspended aid", "banned imports", "imposed tariffs", "boycott all contact"), a state or IGO
as the acting subject, and a foreign state in the object phrase or a prepositional attachment
("to Nicaragua", "on Canadian aluminium", "with Israel"). A measure noun that is only the topic
of reported speech ("an embargo on X is an option, Y's minister said") is a threat by the
speaker. What keeps domestic measures out: the target must be a foreign state (a curfew, a
party ban, a blockaded town name none), and the sender a state or IGO (an airline suspending
flights is no sender). Background, avoidance and enforcement ("to avoid sanctions", "violating
the embargo", "since ... in 1992") yield nothing.
"""

from __future__ import annotations

import re

from pipeline.events.candidate import Candidate
from pipeline.events.cues import SPORT_OR_CULTURE
from pipeline.events.modality import modality
from pipeline.events.parse_view import (
    ARMED,
    PRONOUNS,
    REPORTING,
    RULERS,
    STATE_HEADS,
    ParseView,
    clause_of,
    is_locative,
    np_actors,
    speaker,
    subject,
)
from pipeline.events.roles import Mention, other_actor, role_actor
from pipeline.events.sanctions import instrument_of
from pipeline.events.triggers import ACTION_WORDS
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor

# what is cut off, suspended or halted: a sanction when a state does it to a foreign state
CUT_OBJECTS = {
    "aid", "assistance", "support", "flight", "trade", "import", "export", "sale", "delivery",
    "shipment", "contact", "entry", "visa", "loan", "funding", "link", "transit", "investment",
    "airspace", "cooperation", "purchase", "supply", "asset", "account", "fund", "reserve",
    "holding", "property", "deposit", "port", "harbour", "harbor", "ferry", "route", "licence",
    "license", "permit", "credit", "grant", "remittance", "shipping", "payment", "disbursement",
    "lending", "tranche", "ship", "vessel", "aircraft", "plane", "airline", "carrier", "tanker",
    "truck", "lorry", "preference",
    # the same things in other words: "halted all commerce with", "shut its skies to", "cut
    # off the transfer of tax revenues to", "closed its border to goods from"
    "commerce", "sky", "transfer", "revenue", "good", "merchandise", "cargo",
}  # fmt: skip
# ties and relations whose cut is a sanction (breaking diplomatic relations is none)
NOT_DIPLOMATIC = {"economic", "trade", "commercial", "military", "defence", "defense", "financial"}
# what a donor gives ("aid from Sweden", "EU loans"): its "from" phrase names the sender
GIFTS = {"aid", "assistance", "support", "loan", "funding", "credit", "grant", "lending"}
# places a state closes to others: "barred from Canadian airspace", "from EU ports"
GUARDED = {"airspace", "port", "harbour", "harbor", "water", "territory"}
# what a state can be told it will lose: "could face a cut-off of EU aid", "an end to trade
# preferences", "a suspension of budget support" (a threat by whoever warns of it)
STOPPAGES = {"end", "suspension", "cutoff", "off", "withdrawal"}
# persons a travel or visa measure is for ("visa-free travel for Georgian citizens")
HOLDERS = {"citizen", "national", "official", "holder", "diplomat", "judge", "passport"}
# an amount whose "in"/"of" phrase names what is cut ("40 million euros in development aid")
AMOUNT_NOUNS = {
    "dollar", "euro", "pound", "yen", "franc", "rouble", "ruble", "yuan", "krone", "krona",
    "million", "billion", "trillion", "portion", "part", "share", "some", "much", "most", "all",
    "half", "bulk", "rest", "amount", "sum",
}  # fmt: skip
# a participle that sends what is cut to its recipient ("aid earmarked for Burkina Faso") or
# says where it goes or comes from ("wine shipped from Australia", "goods heading to X")
DESTINED = {"earmark", "destine", "intend", "allocate", "bind", "pledge", "promise", "mean",
            "bound", "meant", "set", "ship", "send", "move", "head", "come", "originate",
            "sell", "travel", "sail", "fly", "export", "import", "arrive", "depart"}  # fmt: skip
CUT_VERBS = {
    "suspend", "halt", "cut", "stop", "freeze", "end", "withdraw", "block", "curb", "restrict",
    "ban", "bar", "deny", "close", "boycott", "limit", "cancel", "withhold", "shut", "sever",
    "revoke", "prohibit", "pause",
}  # fmt: skip
# measure nouns governed by an action verb ("imposed tariffs", "threatened import restrictions")
MEASURE_NOUNS = {
    "tariff", "duty", "blockade", "boycott", "ban", "restriction", "embargo", "freeze",
    "penalty", "control", "curb", "measure", "sanction", "surtax", "surcharge", "levy",
    "countermeasure", "halt", "cap",
}  # fmt: skip
# measure nouns that restrict anything ("a ban on protests"): a sanction only on what crosses a
# border ("ordered a halt to Turkish tomato imports")
RESTRICTIONS = {"control", "curb", "restriction", "ban", "freeze", "halt", "cap"}
ACTION_VERBS = {
    "impose": "impose", "slap": "impose", "levy": "impose", "introduce": "impose",
    "announce": "impose", "adopt": "impose", "approve": "impose", "agree": "impose",
    "reach": "impose", "place": "impose", "put": "impose", "extend": "extend",
    "tighten": "extend", "renew": "extend", "expand": "extend", "ease": "ease",
    "relax": "ease", "loosen": "ease", "lift": "lift", "remove": "lift", "scrap": "lift",
    "threaten": "threaten", "face": "threaten", "prepare": "impose", "consider": "impose",
    "weigh": "impose", "mull": "impose", "study": "impose", "discuss": "impose",
    "rule": "impose", "roll": "extend", "order": "impose",
    # "raised tariffs on Brazilian goods to 50 percent": a new punitive rate (DEV-11.md)
    "raise": "impose", "hike": "impose", "increase": "impose", "double": "impose",
}  # fmt: skip
# a measure as the instrument of an act: "retaliated with punitive duties on Australian wine",
# "hit Canadian steel with tariffs"
WITH_VERBS = {
    "retaliate": "impose", "respond": "impose", "hit": "impose", "slap": "impose",
    "punish": "impose", "target": "impose", "threaten": "threaten",
}  # fmt: skip
# "added to its export blacklist", "placed on the sanctions list"
LISTING = {"add", "put", "place", "include", "designate", "list"}
# a measure demanded: "called on Tuesday for a full embargo on Russian oil"
CALL_FOR = {"call", "press", "push", "appeal", "lobby", "campaign", "clamour", "clamor", "argue"}
# verbs of planning: a measure only weighed is a (hypothetical) threat by whoever weighs it
PLANNING = {"prepare", "consider", "weigh", "mull", "study", "discuss"}
# "stopped issuing visas": the measure is the object of the verb under the cutting verb
_GIVING = {"issue", "grant", "sell", "supply", "export", "import", "buy", "deliver", "ship"}
# predicates that make a measure noun an option under discussion ("remain an option")
OPTION_WORDS = {
    "option", "table", "consider", "discuss", "discussion", "rule", "possible", "prepare",
    "weigh", "study", "review", "possibility", "card", "consideration",
}  # fmt: skip
# governors that make a measure background, not this report's event
BACKGROUND_HEADS = {
    "avoid", "evade", "escape", "violate", "breach", "break", "circumvent", "enforce",
    "dodge", "bust", "blame", "despite", "under", "since",
}  # fmt: skip
# "held off on approving", and a member's veto of the measure ("Hungary blocked a new package")
HOLD_OFF = {
    "hold", "delay", "postpone", "refuse", "decline", "fail", "reject", "resist", "block", "veto",
}  # fmt: skip
# persons designated one by one are no state ("the assets of 15 North Korean individuals"),
# unlike a population ("barred entry to 500 U.S. citizens")
PRIVATE_PERSONS = {"individual", "person"}
NOT_TARGET_OBJECTS = {"election", "vote", "poll", "referendum", "ceremony", "conference"}
PLACE_NOUNS = {
    "town", "city", "village", "camp", "area", "region", "district", "province", "street",
    "neighbourhood", "neighborhood", "enclave", "settlement", "suburb",
}  # fmt: skip
# a supplier halting deliveries over unpaid bills is a commercial dispute, not a sanction
UNPAID = {"unpaid", "arrears", "nonpayment", "non-payment", "debt", "debts"}
# health and safety bans are not sanctions (EVENTS-DEV.md: "sanitary or pandemic bans")
SANITARY = {
    "bse", "disease", "flu", "outbreak", "pandemic", "covid", "virus", "safety", "hygiene",
    "sanitary", "contamination", "contaminated", "pest", "fever", "epidemic", "health",
    "coronavirus", "ebola", "cholera", "measles", "mpox", "plague", "quarantine", "infection",
    "typhoon", "hurricane", "storm", "volcanic", "weather",
}  # fmt: skip
# a state restricting its own exports for its home market is no sanction, even with a
# destination named: an export ban or quota "as domestic supplies recovered", "to keep local
# prices in check", "amid shortages" protects supply, it punishes no one
HOME_MARKET = re.compile(
    r"\bdomestic\b|\bshortages?\b|\binflation\b|\bfood security\b"
    r"|\b(?:local|home)\s+(?:suppl(?:y|ies)|prices?|consumption|demand|needs)\b",
    re.I,
)


def measure_candidates(v: ParseView, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """Sanctions events of one parsed sentence for the measures the noun rules do not read."""
    out: list[Candidate] = []
    if any(w.lower() in SANITARY and not _inquired(v, k) for k, w in enumerate(v.words)):
        return []
    if any(w.lower() in UNPAID for w in v.words):
        return []  # "halted gas exports to Iran in a dispute over unpaid bills"
    home = bool(HOME_MARKET.search(v.sent.text))
    for i, t in enumerate(v.toks):
        lem = v.lemma(i)
        if home and any(v.lemma(k) in ("export", "shipment") for k in v.subtree(clause_of(v, i))):
            continue  # "lifted its ban on poultry exports to X as domestic supplies recovered"
        if t.pos == "VERB" and lem in CUT_VERBS:
            out += _cut(v, i, n_sent, linker)
        elif t.pos == "NOUN" and _stoppage_faced(v, i):
            out += _governed(v, i, v.head(i), n_sent, linker, "threaten")
        elif t.pos == "NOUN" and lem in MEASURE_NOUNS:
            out += _measure_noun(v, i, n_sent, linker)
        elif t.pos == "NOUN" and lem == "package" and _package_of_measures(v, i):
            out += _measure_noun(v, i, n_sent, linker)  # "the EU's latest package of measures"
        elif t.pos == "VERB" and v.words[i].lower().startswith(("readmit", "reinstat")):
            out += _readmitted(v, i, n_sent, linker)
        elif t.pos == "VERB" and lem == "restore":
            out += _cut(v, i, n_sent, linker)  # "restored X's export licences, membership"
        elif t.pos == "VERB" and lem == "designate" and not v.kids(i, "oprd"):
            out += _designated(v, i, n_sent, linker)
        elif t.pos == "NOUN" and lem in ("list", "blacklist"):
            out += _listed(v, i, n_sent, linker) or _delisted(v, i, n_sent, linker)
        elif t.pos == "NOUN" and lem in LICENCES:
            out += _licensing(v, i, n_sent, linker)
        elif t.pos == "NOUN" and lem == "suspension":
            # "announced the suspension of coal exports to X" reads as "a halt to" them
            out += _suspension_lifted(v, i, n_sent, linker) or (
                _measure_noun(v, i, n_sent, linker) if _trade_words(v, i) else []
            )
        elif t.pos == "VERB" and lem in ("put", "place"):
            out += _on_hold(v, i, n_sent, linker)
    # one event per action: "suspended Syria's membership and called for measures against
    # Damascus" reports an imposition and a call
    return list({c.action: c for c in reversed(out)}.values())


def _stoppage_faced(v: ParseView, n: int) -> bool:
    """'Ukraine could face a cut-off of EU aid': what is cut, as the object of "face"."""
    return (
        v.toks[n].dep == "dobj"
        and v.lemma(v.head(n)) == "face"
        and v.lemma(n) in STOPPAGES
        and any(
            _is_cut_object(v, o)
            for p in v.kids(n, "prep")
            if v.lemma(p) in ("of", "to")
            for o in v.kids(p, "pobj")
        )
    )


def _states_of(
    v: ParseView, ks: list[int], linker: ActorLinker, kinds: tuple[str, ...] = ("country", "igo")
) -> list[Actor]:
    """The states and IGOs (or only ``kinds``) the phrases at ``ks`` name: an owner or
    possessor of a measure, or with ``("country",)`` the state a measure is on."""
    return [a for k in ks for a in np_actors(v, k, linker, others=False) if a.kind in kinds]


def _inquired(v: ParseView, k: int) -> bool:
    """The word at ``k`` is the topic of an inquiry ("retaliation for its call for an inquiry
    into the origins of the virus"), not the health reason of a measure."""
    j = k
    for _ in range(6):
        if v.head(j) == j:
            return False
        j = v.head(j)
        if v.lemma(j) in ("inquiry", "investigation", "probe"):
            return True
    return False


def _background(v: ParseView, i: int) -> bool:
    """The measure at ``i`` is avoided, violated, enforced, or dated history."""
    j = i
    for _ in range(6):
        if v.lemma(j) in BACKGROUND_HEADS:
            return True
        for k in v.kids(j, "mark", "prep", "advmod"):
            if v.lemma(k) == "since":
                return True
        if v.head(j) == j:
            break
        j = v.head(j)
    return False


def _amount(v: ParseView, o: int) -> bool:
    """A sum or a share ("85 million dollars", "25 million kronor", "part of")."""
    return v.lemma(o) in AMOUNT_NOUNS or v.toks[o].pos == "NUM" or bool(v.kids(o, "nummod"))


def _is_cut_object(v: ParseView, o: int) -> bool:
    """The object names what is cut: itself, a compound, modifier or coordinated noun
    ("airspace and land borders", "its ports and airspace"), or, for an amount, its "in"/"of"
    phrase ("85 million dollars in military aid")."""
    near = [o, *v.kids(o, "compound", "nmod", "conj")]
    near += [g for a in v.kids(o, "amod") for g in v.kids(a, "npadvmod")]  # "visa-free travel"
    kinds = {v.lemma(a) for a in [*near[1:], *v.kids(o, "amod")]}
    if v.lemma(o) in ("tie", "relation") and kinds & NOT_DIPLOMATIC:
        return True  # "suspended military ties with X", not the diplomatic ones
    if _amount(v, o):
        for p in v.kids(o, "prep"):
            if v.lemma(p) in ("in", "of"):
                for k in v.kids(p, "pobj"):
                    near += [k, *v.kids(k, "compound", "conj")]
    return any(v.lemma(k) in CUT_OBJECTS for k in near)


def _targets(
    v: ParseView,
    roots: list[int],
    linker: ActorLinker,
    exclude: set[str],
    owned: int | None = None,
) -> list[Actor]:
    """The foreign state(s) in the object phrase or the verb's attachments: the first state
    named, in reading order, outside clauses of reason, time and place. The possessor of the
    measure noun ``owned`` is its owner, never its target ("the EU's package of measures
    against Belarus")."""
    stop_preps = {"over", "after", "amid", "as", "because", "until", "if", "for", "in", "during"}
    seen: list[int] = []
    for r in roots:
        todo = [r]
        while todo:
            j = todo.pop()
            seen.append(j)
            for k in v.children[j]:
                if j == owned and v.toks[k].dep == "poss":
                    continue
                if v.toks[k].dep == "acl" and v.lemma(k) in DESTINED:
                    # "aid earmarked for Burkina Faso", "goods bound for or coming from X":
                    # the recipient or the origin of what is cut
                    ps = [p for a in [k, *v.kids(k, "conj")] for p in v.kids(a, "prep", "dative")]
                    todo += [o for p in ps + [c for p in ps for c in v.kids(p, "conj")]
                             if v.lemma(p) in ("for", "to", "from", "into")
                             for o in v.kids(p, "pobj")]  # fmt: skip
                    continue
                if v.toks[k].dep == "acl" and v.lemma(k) in ("own", "control"):
                    # "the assets of firms owned by Myanmar's military": whose firms they are
                    todo += [o for p in v.kids(k, "agent") for o in v.kids(p, "pobj")]
                    continue
                gerund = v.toks[k].dep == "nsubj" and v.toks[j].dep == "pcomp"
                if v.toks[k].dep in ("advcl", "relcl", "acl", "nsubj", "punct", "cc", "mark") and (
                    not gerund  # "a ban on North Korean ships entering its ports": what is banned
                ):
                    continue
                # "$5m in aid", "investment in Burma", "the junta in Niamey": the "in" phrase
                # names what is cut or whom
                inside = v.lemma(k) == "in" and (
                    _amount(v, j) or v.lemma(j) == "investment" or v.lemma(j) in RULERS
                )
                # "visa-free travel for Georgian citizens", "export licences for Israel": whom
                # the measure, or what is cut, is for (a state, not "licences for imports")
                inside = inside or (
                    v.lemma(k) == "for"
                    and any(
                        v.lemma(o) in HOLDERS or (v.lemma(j) in CUT_OBJECTS and o in v.mention_of)
                        for o in v.kids(k, "pobj")
                    )
                )
                if v.toks[k].dep == "prep" and v.lemma(k) in stop_preps and not inside:
                    continue
                todo.append(k)
    for j in sorted(set(seen)):
        m = v.mention_of.get(j)
        if m is None or is_locative(v, j):
            continue
        if v.toks[j].dep in ("amod", "compound") and v.lemma(v.head(j)) in PLACE_NOUNS:
            continue  # "blockades around Palestinian towns": a place, not a state
        h = j
        while v.mention_of.get(v.head(h)) is m and v.head(h) != h:
            h = v.head(h)  # out of the mention ("North Korean")
        if v.toks[h].dep in ("amod", "compound") and v.lemma(v.head(h)) in PRIVATE_PERSONS:
            return [other_actor(v.words[v.head(h)])]
        g = v.head(h)
        group = {v.lemma(k) for k in [g, *v.kids(g, "compound", "amod")]}
        if v.toks[h].dep in ("poss", "amod", "compound") and group & ARMED:
            # "Sierra Leone's RUF rebel movement", "a Libyan militia leader": the group
            return [other_actor(v.words[g])]
        got = np_actors(v, j, linker, conj=False, others=False)
        for a in got:
            if a.kind in ("country", "igo") and a.id not in exclude:
                # "gas deliveries to Bulgaria and Poland": the coordinated states too
                more = [
                    b
                    for b in np_actors(v, j, linker, others=False) + _counted(v, h, m, linker)
                    if b.kind == a.kind and b.id not in exclude and b.id != a.id
                ]
                return list({b.id: b for b in [a, *more]}.values())
    if any(v.lemma(j) in ("neighbour", "neighbor") and v.kids(j, "poss") for j in seen):
        # "suspended trade with its neighbour": the other state the sentence names
        for j in sorted(v.mention_of):
            a = v.mention_of[j].actor
            if a.kind == "country" and a.id not in exclude and not is_locative(v, j):
                return [role_actor(v.mention_of[j], linker)]
    return []


def _counted(v: ParseView, h: int, m: Mention, linker: ActorLinker) -> list[Actor]:
    """'the assets of four Iranian and two Russian firms': each state counted by its own
    numeral modifies the noun (the parse hangs the second number on the first state or on the
    noun, and the second state among the noun's modifiers)."""
    noun = v.head(h)
    numbers = v.kids(h, "conj") + v.kids(noun, "nummod")
    if v.toks[h].dep != "amod" or not any(v.toks[c].pos == "NUM" and c > h for c in numbers):
        return []
    return [
        b
        for k in v.subtree(noun)
        if k < noun
        and v.toks[k].dep in ("amod", "compound")
        and v.mention_of.get(k) not in (None, m)
        for b in np_actors(v, k, linker, conj=False, others=False)
    ]


def _flags(v: ParseView, i: int, action: str) -> tuple[bool, bool]:
    k = v.rule_index.get(i)
    negated, hyp = modality(v.sent, k, action) if k is not None else (False, False)
    j = i
    for _ in range(4):  # "held off on approving", "refused to impose"
        if v.head(j) == j:
            break
        j = v.head(j)
        if held_off(v, j):
            return True, False
    if v.kids(i, "neg"):
        return True, False
    return negated, hyp


def held_off(v: ParseView, j: int) -> bool:
    """The verb at ``j`` withholds what it governs: "held off on approving", "refused to
    impose", and "ruled out joining the embargo" (not "did not rule out", "nothing is ruled
    out", which keep the measure open)."""
    if v.lemma(j) in HOLD_OFF:
        return True
    return (
        v.lemma(j) == "rule"
        and any(v.lemma(k) == "out" for k in v.kids(j, "prt"))
        and not v.kids(j, "neg")
        and not any(v.lemma(k) in ("nothing", "none") for k in v.kids(j, "nsubj", "nsubjpass"))
    )


def _sender(v: ParseView, verb: int, linker: ActorLinker) -> list[Actor]:
    h = v.head(verb)
    if v.toks[verb].dep == "acl" and v.toks[h].dep in ("dobj", "attr") and v.head(h) != h:
        # "had no plans to cut its aid", "took the decision to suspend", and "there were no
        # plans to lift ..., X said" (no subject: the speaker)
        verb = v.head(h)
    elif v.toks[verb].dep == "xcomp" and v.toks[h].dep == "acomp" and v.head(h) != h:
        verb = v.head(h)  # "the EU is ready to adopt", "Ankara is prepared to close"
    if v.toks[verb].dep == "xcomp" and v.lemma(h := v.head(verb)) in AUTHORISING:
        # "the WTO authorised Brazil to levy tariffs": the one authorised acts
        got = [a for o in v.kids(h, "dobj") for a in np_actors(v, o, linker)]
        got = [a for a in got if a.kind in ("country", "igo")]
        if got:
            return got
    got = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
    if not got:
        got = [a for a in speaker(v, _top(v, verb), linker) if a.kind in ("country", "igo")]
    return got


def _top(v: ParseView, verb: int) -> int:
    """The clause whose content a verb is, up through infinitives ("agreed to impose ...,
    the EU said": the speaker's clause is "agreed")."""
    c = clause_of(v, verb)
    for _ in range(4):
        if v.toks[c].dep != "xcomp" or v.head(c) == c:
            break
        c = clause_of(v, v.head(c))
    return c


# what a member state holds in a body: only the body can suspend it ("froze Syria's seat in the
# League", "suspended Paraguay's voting rights in the bloc")
MEMBERSHIP = {"membership", "participation", "seat", "right"}
AUTHORISING = {"authorise", "authorize", "allow", "permit", "clear", "empower", "entitle"}


def _cut(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'suspended development aid to Nicaragua', 'banned imports of Lithuanian beef',
    'will deny visas to Ugandan officials', 'boycott all official contact with Colombia',
    'suspended Niger from all its activities' (an IGO suspending a member)."""
    lem = v.lemma(i)
    objs = v.kids(i, "dobj")
    # "halted all exports to and imports from Israel": the parse hangs the second object on
    # the verb as a conjunct
    attach = v.kids(i, "prep", "dative") + [c for c in v.kids(i, "conj") if v.toks[c].pos == "NOUN"]
    giving: list[int] = []
    if not objs:
        giving = [k for k in v.kids(i, "xcomp", "pcomp") if v.lemma(k) in _GIVING]
        objs = v.kids(giving[0], "dobj") if giving else []
        attach += v.kids(giving[0], "prep", "dative") if giving else []  # "issuing visas to X"
    if not objs:
        return _barred_passive(v, i, n_sent, linker)
    o = objs[0]
    # "barred 40 officials from entering", "bar citizens holding tourist visas from entering"
    entering = any(
        v.lemma(p) == "from"
        and any(v.lemma(c) in ("enter", "visit", "entry") for c in v.children[p])
        for p in v.kids(i, "prep") + [p for a in v.kids(o, "acl") for p in v.kids(a, "prep")]
    )
    olem = v.lemma(o)
    if olem in NOT_TARGET_OBJECTS or olem in MEASURE_NOUNS or _background(v, i):
        return []  # "cut its import tariffs on X", "suspended the duties": less of a measure
    if olem == "contact" and lem != "boycott":
        # "suspended contacts with the EU delegation" is diplomatic (like breaking relations);
        # a state's boycott of all contact with another state is a sanction
        return []
    if olem in ("border", "frontier") and any(
        _is_cut_object(v, k) for p in attach if v.lemma(p) == "to" for k in v.kids(p, "pobj")
    ):
        giving = [o]  # "shut its border to all trade with X": a trade embargo, not a closure
    if v.toks[i].dep == "csubj" and (
        _is_cut_object(v, o) or giving or (lem == "suspend" and _from_prep(v, i))
    ):
        # "Suspending X from the bloc is an option, Y's minister said": the speaker's threat
        return _option(v, i, v.head(i), n_sent, linker)
    sender = _sender(v, i, linker)
    if olem in MEMBERSHIP and not (sender and all(a.kind == "igo" for a in sender)):
        # "ministers meeting in Cairo suspended Syria's membership of the Arab League": only
        # the organisation whose membership it is can suspend it
        sender = _igo_in(v, o, ("of", "in"), linker) or sender
    if not sender and lem == "suspend" and (o in v.mention_of or olem in MEMBERSHIP):
        sender = _unlisted_body(v, v.kids(i, "nsubj"))  # "Mercosur suspended Venezuela"
    bloc = bool(sender) and all(a.kind in ("igo", "org", "other") for a in sender)
    if not sender:
        return []
    ids = {a.id for a in sender}
    if _is_cut_object(v, o) or giving:
        # "stop buying Russian gas": what is no longer bought or sold is cut, whatever it is
        target = _targets(v, [o, *attach], linker, ids)
    elif lem in ("bar", "ban") and entering:
        # "barred 40 British officials from entering Russia": an entry ban on them;
        # "barred holders of Israeli passports": the state named inside the phrase
        target = _states_of(v, [o], linker, ("country",))
        target = target or _targets(v, [o], linker, ids)
    elif olem in MEMBERSHIP and bloc:
        # "The Arab League suspended Syria's membership": an IGO suspends a member state
        target = _states_of(v, [o], linker, ("country",))
    elif lem in ("suspend", "bar", "boycott", "blockade") and any(
        a.kind == "country" for a in np_actors(v, o, linker, conj=False, others=False)
    ):
        # an IGO suspends a member: "suspended Niger from its activities", "suspended Libya",
        # "voted to bar Honduras from the body"
        member = _from_prep(v, i) or (o in v.mention_of and lem == "suspend")
        if lem in ("suspend", "bar") and not (bloc and member):
            return []
        target = _states_of(v, [o], linker, ("country",))
    else:
        return []
    target = [a for a in target if a.id not in ids]
    if (olem in ("entry", "visa") or (lem in ("bar", "ban") and entering)) and _one_person(v, i, o):
        return []
    if not target and olem in ("entry", "visa"):
        # "will deny entry to officials who undermine the accord": a visa ban on persons
        target = [
            a
            for p in v.kids(i, "prep", "dative") + v.kids(o, "prep")
            if v.lemma(p) == "to"
            for k in v.kids(p, "pobj")
            for a in np_actors(v, k, linker)
        ][:1]
    if not target and (_is_cut_object(v, o) or giving):
        target = _conditioned(v, i, linker, ids)  # "would suspend cooperation if X ..."
    if not target and v.toks[i].dep == "advcl" and not v.kids(i, "nsubj") and _is_cut_object(v, o):
        # "listed Iran's Guards as terrorists, freezing any assets they hold": the participle
        # acts on whom the main clause names
        target = _targets(v, v.kids(v.head(i), "dobj"), linker, ids)
    if not target:
        return []
    action, negated, hyp = _cut_modality(v, i)
    if _urged(v, i):
        # the one who urges calls ("called for the OAS to suspend X"), not the one urged
        action, hyp = "call", False
        sender = [a for a in _sender(v, v.head(i), linker) if a.id not in ids] or sender
    return [_cand(v, action, sender, target, negated, hyp, n_sent, 0.72)]


def _threatened(v: ParseView, i: int) -> bool:
    """'threatened to revoke', 'threatened on Monday to remove X from its list' (the parse
    makes the infinitive an adverbial clause): the measure is what the subject threatens."""
    infinitive = v.toks[i].dep in ("xcomp", "advcl") or any(
        v.lemma(a) == "to" for a in v.kids(i, "aux")
    )
    return infinitive and v.lemma(v.head(i)) == "threaten"


def _event(
    v: ParseView,
    verb: int,
    action: str,
    sender: list[Actor],
    target: list[Actor],
    n_sent: int,
    conf: float = 0.7,
) -> list[Candidate]:
    """The measure whose verb is at ``verb`` as one event, with the verb's modality (a
    threat, not hypothetical, when threatened: "threatened to strike X off its list")."""
    negated, hyp = _flags(v, verb, action)
    if _threatened(v, verb):
        action, hyp = "threaten", False
    return [_cand(v, action, sender, target, negated, hyp, n_sent, conf)]


def _cut_modality(v: ParseView, i: int) -> tuple[str, bool, bool]:
    """(action, negated, hypothetical) of the cut at ``i``: a threat when threatened, warned
    of or conditional ("could suspend visa-free travel if X keeps backsliding")."""
    action = "impose"
    negated, hyp = _flags(v, i, action)
    if _threatened(v, i):
        action, hyp = "threaten", False
    elif _warned(v, i) and hyp:
        action = "threaten"
    future = _future(v, i)
    if hyp and _reported_future(v, i):
        hyp = False
    if (hyp or future) and _conditional(v, i):
        action = "threaten"  # "said it would halt shipments if the war spreads"
    if v.lemma(i) == "restore" and action == "impose":
        action = "lift"  # what was cut is given back: "restored air links with X"
    return action, negated, hyp


def _one_person(v: ParseView, i: int, o: int) -> bool:
    """'denied entry to a Russian pianist', 'cancelled the visa of a Serbian player', 'barred
    Swedish journalist from entering': an entry measure on one private person, named by
    nationality and trade, is an immigration decision, no measure against that state."""
    held = [k for p in v.kids(i, "prep", "dative") + v.kids(o, "prep") if v.lemma(p) in ("to", "of")
            for k in v.kids(p, "pobj")] if v.lemma(o) in ("entry", "visa") else [o]  # fmt: skip
    return bool(held) and all(
        v.toks[k].pos == "NOUN"
        and v.words[k].lower() == v.lemma(k)  # singular
        and v.lemma(k) not in STATE_HEADS | HOLDERS | {"ambassador"}
        for k in held
    )


# "called on the West to ban", "urged Washington to halt": a demand by the subject
URGING = {"urge", "call", "ask", "press", "push", "appeal", "pressure", "encourage", "demand",
          "lobby", "persuade", "implore"}  # fmt: skip


def _urged(v: ParseView, verb: int) -> bool:
    """The measure is what the subject urges someone else to take: a call (whose sender is
    the one who urges, the subject that :func:`_sender` climbs to). The parse also makes the
    infinitive an adverbial clause ("urged the administration on Monday to impose")."""
    infinitive = v.toks[verb].dep == "advcl" and any(
        v.lemma(a) == "to" for a in v.kids(verb, "aux")
    )
    return (v.toks[verb].dep == "xcomp" or infinitive or _demanded_that(v, verb)) and v.lemma(
        v.head(verb)
    ) in URGING


def _demanded_that(v: ParseView, verb: int) -> bool:
    """'demanded that the government impose tariffs', 'urged that the EU ban ...': the clause
    is what the subject of the urging verb calls for."""
    return v.toks[verb].dep == "ccomp" and any(v.lemma(k) == "that" for k in v.kids(verb, "mark"))


# non-state callers whose call on a state counts ("rights groups urged Washington to impose ...")
CAMPAIGNERS = {"group", "organisation", "organization", "activist", "campaigner", "ngo", "charity"}


def _campaigners(v: ParseView, verb: int, linker: ActorLinker) -> list[Actor]:
    """The non-state subject of the urging verb, when the one urged is a state or an IGO
    (a call on a firm or a club is no sanctions call)."""
    h = v.head(verb)
    urged = [a for o in v.kids(h, "dobj") for a in np_actors(v, o, linker, others=False)]
    subj = v.kids(h, "nsubj")
    if not subj or v.lemma(subj[0]) not in CAMPAIGNERS:
        return []
    if not any(a.kind in ("country", "igo") for a in urged):
        return []
    return [other_actor(v.words[subj[0]])]


def _barred_passive(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Five Nicaraguan judges were barred from entering the United States': an entry ban by
    the state entered (or the passive agent) on the state of those barred."""
    passive = v.kids(i, "nsubjpass")
    # "from entering the United States", and "from Canadian airspace", "from EU ports"
    entered = [
        o
        for p in v.kids(i, "prep")
        if v.lemma(p) == "from"
        for c in v.children[p]
        for o in ([c] if v.lemma(c) in GUARDED else v.kids(c, "dobj"))
        if v.lemma(c) in ("enter", "visit") or v.lemma(c) in GUARDED
    ]
    if passive and _is_cut_object(v, passive[0]) and not entered:  # "aid to X was withheld"
        return _cut_passive(v, i, n_sent, linker)
    if v.lemma(i) == "suspend" and passive and not _background(v, i):
        return _suspended_from(v, i, n_sent, linker)
    if v.lemma(i) not in ("bar", "ban") or not passive or not entered or _background(v, i):
        return []
    sender = [a for a in subject(v, i, linker) if a.kind in ("country", "igo")]
    sender = sender or _targets(v, entered[:1], linker, set())  # the state entered
    if not sender:
        return []
    ids = {a.id for a in sender}
    barred = passive[0]
    target = _states_of(v, [barred], linker, ("country",))
    target = [a for a in target or _targets(v, [barred], linker, ids) if a.id not in ids]
    if not target:
        return []
    return _event(v, i, "impose", sender, target, n_sent, 0.72)


def _cut_passive(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Shipments of gallium to American buyers are now prohibited, X's ministry said': the
    halt of what crosses a border, in the passive; the agent or the speaker is the sender, or
    the donor of what is given ("Malawi's aid from Norway was frozen", "EU aid to X was
    halted"); with none of them, nobody named acts and nothing is reported."""
    goods = v.kids(i, "nsubjpass")[0]
    if _background(v, i):
        return []
    donors: list[int] = []
    if v.lemma(goods) in GIFTS:  # only a gift names its donor: not "flights from Britain"
        donors = [o for p in v.kids(goods, "prep") if v.lemma(p) == "from"
                  for o in v.kids(p, "pobj")] + v.kids(goods, "compound")
    sender = _sender(v, i, linker) or _states_of(v, donors, linker)
    ids = {a.id for a in sender}
    target = [a for a in _targets(v, [goods], linker, ids) if a.id not in ids]
    target = target or _warned_party(v, i, linker, ids)
    if not sender or not target:
        return []
    action, negated, hyp = _cut_modality(v, i)
    return [_cand(v, action, sender, target, negated, hyp, n_sent, 0.72)]


def _warned_party(v: ParseView, i: int, linker: ActorLinker, ids: set[str]) -> list[Actor]:
    """'Washington warned Cairo that its aid could be withheld': the state told of the cut
    (what is cut names it only by a pronoun)."""
    c = clause_of(v, i)
    if v.toks[c].dep != "ccomp" or v.lemma(v.head(c)) not in ("warn", "tell", "threaten"):
        return []
    told = _states_of(v, v.kids(v.head(c), "dobj"), linker, ("country",))
    return [a for a in told if a.id not in ids]


def _suspended_from(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Mauritania was suspended from the African Union': the organisation suspends a member
    state (a person or firm suspended from a body is no sanction)."""
    sender = _igo_in(v, i, ("from",), linker) or _unlisted_body(
        v, [k for p in v.kids(i, "prep") if v.lemma(p) == "from" for k in v.kids(p, "pobj")]
    )
    target = [
        a
        for k in v.kids(i, "nsubjpass")
        for a in np_actors(v, k, linker, others=False)
        if a.kind == "country"
    ]
    if not sender or not target:
        return []
    return _event(v, i, "impose", sender, target, n_sent, 0.72)


def _unlisted_body(v: ParseView, heads: list[int]) -> list[Actor]:
    """'Mercosur', 'the Pacific Islands Forum': a named body the actor list lacks (a proper
    noun phrase naming no person, state or IGO), asked for only where it suspends a member
    state, which already says it is a body of states (a firm suspending flights is not)."""
    if SPORT_OR_CULTURE.search(v.sent.text):
        return []
    span = v.subtree(heads[0]) if heads and v.toks[heads[0]].pos == "PROPN" else []
    named = [v.mention_of[j] for j in span if j in v.mention_of]
    if not span or any(m.category != "demonyms" and m.actor.kind != "org" for m in named):
        return []
    orgs = [m.actor for m in named if m.actor.kind == "org"]
    return orgs[:1] or [
        other_actor(" ".join(v.words[j] for j in span if v.toks[j].pos == "PROPN"), True)
    ]


def _igo_in(v: ParseView, head: int, preps: tuple[str, ...], linker: ActorLinker) -> list[Actor]:
    """The first organisation named in one of ``head``'s ``preps`` phrases ("membership of the
    Arab League", "suspended from the African Union"): the body a membership belongs to."""
    return [
        a
        for p in v.kids(head, "prep")
        if v.lemma(p) in preps
        for k in v.kids(p, "pobj")
        for a in np_actors(v, k, linker, others=False)
        if a.kind == "igo"
    ][:1]


def _readmitted(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'The Arab League readmitted Syria', 'the AU reinstated Mali': an IGO lifts the
    suspension of a member state; passive, 'Syria was readmitted to the Arab League' (the
    body named by "to"/"into", as in :func:`_suspended_from`)."""
    sender = [a for a in subject(v, i, linker) if a.kind == "igo"]
    objs = v.kids(i, "dobj")
    if not objs and v.kids(i, "nsubjpass"):
        sender, objs = _igo_in(v, i, ("to", "into"), linker), v.kids(i, "nsubjpass")
    if not sender or not objs or _background(v, i):
        return []
    target = _states_of(v, objs[:1], linker, ("country",))
    if not target:
        return []
    return _event(v, i, "lift", sender, target, n_sent)


def _suspension_lifted(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'The AU lifted Gabon's suspension', 'ended the suspension of Mali': an IGO readmits a
    member state (as :func:`_readmitted`); a state's or a person's suspension is no sanction."""
    verb = v.head(n)
    if v.toks[n].dep not in ("dobj", "nsubjpass") or _verb_action(v.lemma(verb)) != "lift":
        return []
    sender = [a for a in subject(v, verb, linker) if a.kind == "igo"]
    of = [o for p in v.kids(n, "prep") if v.lemma(p) == "of" for o in v.kids(p, "pobj")]
    target = [
        a
        for k in v.kids(n, "poss") + of
        for a in np_actors(v, k, linker, others=False)
        if a.kind == "country"
    ]
    if not sender or not target or _background(v, verb):
        return []
    return _event(v, verb, "lift", sender, target, n_sent)


def _on_hold(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'put its aid to Mali on hold', 'New World Bank lending to Uganda will be put on hold,
    the lender announced': a suspension of what is cut, by the subject, the speaker or, in a
    passive, the owner the cut object names ("World Bank lending")."""
    hold = any(
        v.lemma(p) == "on" and any(v.lemma(o) == "hold" for o in v.kids(p, "pobj"))
        for p in v.kids(i, "prep")
    )
    objs = v.kids(i, "dobj", "nsubjpass")
    if not hold or not objs or not _is_cut_object(v, objs[0]) or _background(v, i):
        return []
    o = objs[0]
    sender = _sender(v, i, linker) or _states_of(v, v.kids(o, "compound", "poss"), linker)
    roots = [o, *v.kids(i, "prep", "dative")]  # "put its aid to Mali on hold"
    target = _targets(v, roots, linker, {a.id for a in sender}) if sender else []
    if not target:
        return []
    return _event(v, i, "impose", sender, target, n_sent)


def _listed(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'added 14 Chinese chipmakers to its export blacklist', 'were added to the European
    Union's sanctions list', 'placed on the entity list': a designation (impose) by whoever
    adds, or owns the list, of the state named in what is added."""
    p = v.head(n)
    verb = v.head(p)
    for _ in range(6):  # "add officials involved in X to the list": the parse hangs it on X
        if v.lemma(verb) in LISTING or v.toks[verb].dep not in ("pobj", "prep", "acl", "dobj"):
            break
        verb = v.head(verb)
    # "restored Japan to its list of trusted trading partners": a privilege given back (lift)
    privilege = bool({v.words[k].lower() for k in v.subtree(n)} & PRIVILEGED)
    listing = v.lemma(verb) in LISTING or (privilege and v.lemma(verb) == "restore")
    if v.toks[n].dep != "pobj" or v.lemma(p) not in ("to", "on") or not listing:
        return []
    kinds = {v.lemma(k) for k in v.subtree(n) if k < n} | {v.lemma(n)}
    if not privilege and not kinds & PUNITIVE_LISTS:
        return []
    if _background(v, verb):
        return []
    sender = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
    if not sender:
        owned = [a for k in v.kids(n, "poss") for a in np_actors(v, k, linker)]
        sender = [a for a in owned if a.kind in ("country", "igo")]
    if not sender:
        sender = [a for a in speaker(v, clause_of(v, verb), linker) if a.kind in ("country", "igo")]
    if not sender:
        return []
    ids = {a.id for a in sender}
    added = v.kids(verb, "dobj") or v.kids(verb, "nsubjpass")
    if not added:
        return []
    target = _targets(v, added, linker, ids)
    action = "lift" if privilege else "impose"
    if not target and not privilege:
        # "added 50 entities to its Russia sanctions list": more names under an existing
        # regime on the state the list is named for (a tightening)
        named = [k for k in v.subtree(n) if k < n and v.toks[k].dep in ("compound", "amod")]
        target = [a for a in _targets(v, named, linker, ids) if a.kind == "country"]
        action = "extend"
    if not target:
        return []
    return _event(v, verb, action, sender, target, n_sent, 0.72)


def _delisted(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Seoul removed Japan from (struck Japan off) its list of trusted trading partners': a
    state stripped of a privilege (impose); 'removed Cuba from its terrorism blacklist' lifts
    a designation."""
    verb = v.head(v.head(n))
    if v.lemma(v.head(n)) not in ("from", "off") or v.lemma(verb) not in REMOVING:
        return []
    words = {v.words[k].lower() for k in v.subtree(n)}
    action = "impose" if words & PRIVILEGED else "lift"
    if action == "lift" and not words & {"sanctions", "blacklist", "black", "terrorism", "terror"}:
        return []
    sender = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
    ids = {a.id for a in sender}
    target = _states_of(v, v.kids(verb, "dobj"), linker, ("country",))
    target = [a for a in target if a.id not in ids]
    if not sender or not target or _background(v, verb):
        return []
    return _event(v, verb, action, sender, target, n_sent)


REMOVING = {"remove", "drop", "strike"}
PRIVILEGED = {"trusted", "white", "whitelist", "preferred"}  # lists a state is glad to be on
PUNITIVE_LISTS = {"sanction", "blacklist", "export", "entity", "black", "embargo", "freeze"}
LICENCES = {"licence", "license", "permit", "authorisation", "authorization"}
OUTGOING = {"export", "shipment", "sale", "delivery", "transfer", "supply", "shipping"}


def _package_of_measures(v: ParseView, n: int) -> bool:
    return any(
        v.lemma(o) in MEASURE_NOUNS
        for p in v.kids(n, "prep")
        if v.lemma(p) == "of"
        for o in v.kids(p, "pobj")
    )


def _designated(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'The U.S. Treasury designated six Chinese firms accused of ...': a designation (impose)
    of the state named in the object. Not 'designated X as/a terrorist organisation' (a
    listing of a group) nor an appointment ('designated a new envoy'), which name no state."""
    objs = v.kids(i, "dobj")
    if not objs or _background(v, i):
        return []
    if any(v.lemma(p) == "as" for p in v.kids(i, "prep")) or any(
        w.lower() in DOMESTIC_LABELS for w in v.words
    ):
        return []
    sender = _sender(v, i, linker)
    if not sender:
        return []
    ids = {a.id for a in sender}
    # the state that qualifies what is designated ("six Chinese firms"), not a destination
    # ("designated a new ambassador to Berlin")
    mods = [k for k in v.kids(objs[0], "amod", "compound", "poss", "nmod")]
    target = _targets(v, mods, linker, ids)
    if not target:
        return []
    return _event(v, i, "impose", sender, target, n_sent)


# domestic-law labels: "designated German NGOs undesirable", "as a terrorist organisation"
DOMESTIC_LABELS = {"undesirable", "terrorist", "terror", "extremist", "agent", "agents"}


def _licensing(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'said it would require special licences for shipments of chips to Russia': an export
    control (impose) by the state that requires them, on the state the goods go to."""
    verb = v.head(n)
    if v.toks[n].dep != "dobj" or v.lemma(verb) not in ("require", "impose", "introduce"):
        return []
    goods = [
        o
        for p in v.kids(n, "prep") + v.kids(verb, "prep")
        if v.lemma(p) == "for"
        for o in v.kids(p, "pobj")
        if v.lemma(o) in OUTGOING
    ]
    if not goods or _background(v, verb):
        return []
    sender = _sender(v, verb, linker)
    if not sender:
        return []
    ids = {a.id for a in sender}
    # only where the goods go: licences for imports from a place are trade policy
    dest = [
        p
        for k in goods
        for p in [*v.subtree(k), *v.kids(verb, "prep")]
        if v.lemma(p) == "to" and v.toks[p].dep == "prep"
    ]
    target = _targets(v, dest, linker, ids)
    if not target:
        return []
    negated, hyp = _flags(v, verb, "impose")
    if hyp and _reported_future(v, verb):
        hyp = False
    return [_cand(v, "impose", sender, target, negated, hyp, n_sent, 0.72)]


def _warned(v: ParseView, i: int) -> bool:
    c = clause_of(v, i)
    return any(v.lemma(j) in ("warn", "threaten") for j in [v.head(c), *v.children[c]])


def _conditional(v: ParseView, i: int) -> list[int]:
    """The "if"/"unless" clauses on the verb at ``i`` or on its clause."""
    return [
        a
        for h in {i, clause_of(v, i)}
        for a in v.kids(h, "advcl")
        if any(v.lemma(m) in ("if", "unless") for m in v.kids(a, "mark"))
    ]


def _future(v: ParseView, i: int) -> bool:
    """'will impose', 'would suspend': with a condition, a measure promised is a threat."""
    return any(
        v.words[a].lower() in ("will", "would", "'ll", "shall")
        for h in {i, clause_of(v, i)}
        for a in v.kids(h, "aux", "auxpass")
    )


def _conditioned(v: ParseView, i: int, linker: ActorLinker, exclude: set[str]) -> list[Actor]:
    """'... if Caracas does not free the detainees': a threat whose measure names no state is
    aimed at the state whose conduct it is conditioned on (the subject of the condition)."""
    subj = [s for a in _conditional(v, i) for s in v.kids(a, "nsubj")]
    return [a for a in _states_of(v, subj, linker, ("country",)) if a.id not in exclude]


def _reported_future(v: ParseView, i: int) -> bool:
    """'said they would ban entry': future in the past of a report, not a hypothesis."""
    c = clause_of(v, i)
    modals = [v.words[k].lower() for k in v.kids(c, "aux")]
    return "would" in modals and v.toks[c].dep == "ccomp" and v.lemma(v.head(c)) in REPORTING


def _verb_action(lemma: str) -> str:
    """The action a verb gives its measure noun: this module's verbs, then the token rules'
    action lexicon ("broadened its restrictions", "dropped the tariffs", "suspended duties")."""
    return ACTION_VERBS.get(lemma) or ACTION_WORDS.get(lemma, "")


def _measure_noun(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'imposed tariffs on Canadian aluminium', 'threatened import restrictions on Mexican
    steel', 'reached agreement on its first broad sanctions on Belarus', 'lifted its ban on
    Australian wine', 'or face tariff penalties, the US trade representative said', and a
    measure that is an option in reported speech."""
    if _background(v, n):
        return []
    dep, h = v.toks[n].dep, v.head(n)
    verb = None
    if dep in ("dobj", "nsubjpass") and _verb_action(v.lemma(h)):
        verb = h
    elif dep == "pobj" and v.lemma(h) == "on" and v.lemma(v.head(h)) in ("agreement", "deal"):
        g = v.head(v.head(h))
        verb = g if _verb_action(v.lemma(g)) else None
    elif dep == "pobj" and v.lemma(h) == "with" and v.kids(v.head(h), "nsubjpass"):
        return _passive_with(v, n, v.head(h), n_sent, linker)
    elif dep == "pobj" and v.lemma(h) == "with" and v.lemma(v.head(h)) in WITH_VERBS:
        return _governed(v, n, v.head(h), n_sent, linker, WITH_VERBS[v.lemma(v.head(h))])
    elif dep == "pobj" and v.lemma(h) == "for" and v.lemma(v.head(h)) in CALL_FOR:
        return _governed(v, n, v.head(h), n_sent, linker, "call")
    elif dep == "pobj" and v.lemma(h) == "against" and v.lemma(v.head(h)) == "retaliate":
        return _retaliation(v, n, v.head(h), n_sent, linker)
    if verb is not None:
        return _governed(v, n, verb, n_sent, linker)
    if dep == "pobj" and v.lemma(h) == "on" and held_off(v, v.head(h)):
        # "held off on retaliatory tariffs against X": the measure, withheld (negated)
        held = _governed(v, n, v.head(h), n_sent, linker, "impose")
        for c in held:
            c.negated, c.hypothetical = True, False
        return held
    if dep == "pobj" and v.lemma(h) == "include" and _left_open(v, clause_of(v, v.head(h))):
        # "Nothing is ruled out, including measures against X, Y's minister said"
        return _option(v, n, clause_of(v, v.head(h)), n_sent, linker)
    owned = _owned(v, n, n_sent, linker)
    if owned:
        return owned
    if dep in ("nsubj", "conj") and v.lemma(h) in MEASURE_NOUNS and v.toks[h].dep == "ccomp":
        # "imposed travel bans and asset freezes on X", "announced asset freezes and travel
        # bans on X": the tagger reads "freezes" as a verb
        g = v.head(h)
        return _governed(v, h, g, n_sent, linker) if _verb_action(v.lemma(g)) else []
    if dep == "nsubj" and _in_force(v, h):
        return _took_effect(v, n, h, n_sent, linker)
    if dep in ("nsubj", "dobj") and _kept_until(v, h):
        return _kept_in_place(v, n, h, n_sent, linker)
    if dep in ("nsubj", "nsubjpass", "csubj"):
        return _option(v, n, h, n_sent, linker)
    return []


def _retaliation(
    v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker
) -> list[Candidate]:
    """'Canberra would not retaliate against Chinese barley tariffs': a counter-measure by the
    one who retaliates on the state that owns the measure answered (so mostly negated or
    threatened: what is done in return is read where the sentence names it)."""
    if _background(v, verb) or (v.lemma(n) in RESTRICTIONS and not _trade_words(v, n)):
        return []
    sender = _sender(v, verb, linker)
    owners = [k for k in v.kids(n, "amod", "compound", "poss") if k in v.mention_of]
    target = _targets(v, owners, linker, {a.id for a in sender}) if sender else []
    if not target:
        return []
    return _event(v, verb, "impose", sender, target, n_sent)


def _in_force(v: ParseView, verb: int) -> bool:
    """'took effect', 'came into force', 'entered into force'."""
    if v.lemma(verb) == "take":
        return any(v.lemma(o) == "effect" for o in v.kids(verb, "dobj"))
    return v.lemma(verb) in ("come", "enter") and any(
        v.lemma(o) == "force" for p in v.kids(verb, "prep") for o in v.kids(p, "pobj")
    )


def _kept_until(v: ParseView, verb: int) -> bool:
    """'to stay in place until 2026', 'will remain in force for another year', 'kept its ban
    in place for a further year': a measure kept for a stated term (a renewal), not one that
    merely still exists."""
    if v.lemma(verb) not in ("stay", "remain", "keep"):
        return False
    pobjs = {v.lemma(p): v.kids(p, "pobj") for p in v.kids(verb, "prep")}
    placed = any(v.lemma(o) in ("place", "force") for o in pobjs.get("in", []))
    dated = any(  # "until 2026", and the parse's "until 2026 - diplomats" in a headline
        v.toks[k].pos == "NUM" for o in pobjs.get("until", []) for k in [o, *v.kids(o, "nummod")]
    )
    term = any(v.lemma(o) in ("year", "month", "week") for o in pobjs.get("for", []))
    return placed and (dated or term)


def _kept_in_place(
    v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker
) -> list[Candidate]:
    """'EU arms embargo on Venezuela to stay in place until 2026 - diplomats': an extension
    by the state or IGO that owns the measure (its modifier or possessor), else the one who
    keeps it or the speaker; the target hangs on the measure or on "kept" ("to Beijing")."""
    if _background(v, verb) or (v.lemma(n) in RESTRICTIONS and not _trade_words(v, n)):
        return []
    owners = [k for k in v.kids(n, "compound", "poss", "amod") if k in v.mention_of]
    sender = (
        _states_of(v, owners, linker)[:1]
        or [
            a
            for a in subject(v, verb, linker) + speaker(v, clause_of(v, verb), linker)
            if a.kind in ("country", "igo")
        ][:1]
    )
    target = _targets(v, [n, *v.kids(verb, "prep")], linker, {a.id for a in sender})
    if not target:
        return []
    negated, hyp = _flags(v, verb, "extend")
    if v.head(verb) == verb and any(v.lemma(a) == "to" for a in v.kids(verb, "aux")):
        hyp = False  # a headline's "X to stay in place": decided, not wished for
    return [_cand(v, "extend", sender, target, negated, hyp, n_sent, 0.7)]


def _took_effect(
    v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker
) -> list[Candidate]:
    """'A freeze on the assets of six Zimbabwean ministers took effect on Tuesday, the foreign
    ministry in Canberra said': a measure now in force, imposed by whoever announces it."""
    if _background(v, verb) or (v.lemma(n) in RESTRICTIONS and not _trade_words(v, n)):
        return []
    if v.lemma(n) == "measure" and not any(v.lemma(k) in PUNITIVE for k in v.kids(n, "amod")):
        return []
    sender = [a for a in speaker(v, clause_of(v, verb), linker) if a.kind in ("country", "igo")]
    target = _targets(v, [n], linker, {a.id for a in sender}) if sender else []
    if not target:
        return []
    return _event(v, verb, "impose", sender, target, n_sent)


def _left_open(v: ParseView, c: int) -> bool:
    """'Nothing is ruled out', 'all options are on the table': every step kept open."""
    words = {v.lemma(k) for k in v.subtree(c)}
    if "rule" in words:  # "ruled out all options, including ...": closed
        return "nothing" in words
    return bool(words & {"option", "table"})


def _from_prep(v: ParseView, i: int) -> bool:
    return any(v.lemma(p) == "from" for p in v.kids(i, "prep"))


# a measure reported as new: "Tokyo's export restrictions on Seoul, announced on Monday",
# "Washington's latest tariffs on Chinese steel"
ANNOUNCING = {"announce", "unveil", "impose", "introduce", "adopt", "approve", "order"}
NEWLY = {"new", "fresh", "latest", "late", "additional", "further", "tougher", "tough"}
# adjectives that make "measures" punitive ("restrictive measures against Serbia's leaders")
PUNITIVE = {"restrictive", "punitive", "retaliatory", "coercive", "reciprocal"}


def _owned(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """A measure whose possessor is a state or IGO and that the sentence reports as new or
    announced: an imposition by the possessor on the state in its phrase."""
    news = any(v.lemma(k) in ANNOUNCING for k in v.kids(n, "acl")) or any(
        v.lemma(k) in NEWLY for k in v.kids(n, "amod")
    )
    if not news:
        return []
    if v.lemma(n) in RESTRICTIONS and not _trade_words(v, n):
        return []
    if v.lemma(n) == "measure" and not any(v.lemma(k) in PUNITIVE for k in v.kids(n, "amod")):
        return []
    sender = _states_of(v, v.kids(n, "poss"), linker)
    if not sender:
        return []
    ids = {a.id for a in sender}
    target = _targets(v, [k for k in v.children[n] if v.toks[k].dep != "poss"], linker, ids)
    if not target:
        return []
    return [_cand(v, "impose", sender, target, False, False, n_sent, 0.7)]


def _passive_with(
    v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker
) -> list[Candidate]:
    """'Eritrea was hit with an arms embargo by the Security Council', 'Canadian steel was
    slapped with tariffs by Washington': the passive subject is the target, the "by" phrase
    (on the verb or, as the parse often has it, on the measure) the sender."""
    if v.lemma(verb) not in WITH_VERBS or _background(v, verb):
        return []
    if v.lemma(n) in RESTRICTIONS and not _trade_words(v, n):
        return []
    # the "by" phrase also hangs on what the measure is on ("a ban on its exports by X")
    on = [o for p in v.kids(n, "prep") if v.lemma(p) == "on" for o in v.kids(p, "pobj")]
    by = [
        o
        for h in [verb, n, *v.kids(n, "conj"), *on]
        for p in v.kids(h, "agent", "prep")
        if v.lemma(p) == "by"
        for o in v.kids(p, "pobj")
    ]
    sender = [a for o in by[:1] for a in np_actors(v, o, linker) if a.kind in ("country", "igo")]
    sender = sender or _states_of(v, v.kids(n, "compound", "amod", "nmod"), linker)  # "an EEC ban"
    if not sender:
        return []
    ids = {a.id for a in sender}
    target = _targets(v, v.kids(verb, "nsubjpass"), linker, ids)
    if not target:
        return []
    return _event(v, verb, "impose", sender, target, n_sent, 0.72)


def _governed(
    v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker, action: str = ""
) -> list[Candidate]:
    action = action or _verb_action(v.lemma(verb))
    lem = v.lemma(n)
    urged = _urged(v, verb)
    if urged:
        action = "call"  # "urged the administration to impose sanctions on"
    elif _threatened(v, verb):
        action = "threaten"  # "threatened on Monday to impose visa curbs on"
    elif _demanded(v, verb) and action in ("impose", "extend"):
        action = "call"  # "sanctions on X must be tightened, Y's president said"
    ruled_out = v.lemma(verb) == "rule"
    prt = {v.lemma(k) for k in v.kids(verb, "prt")}
    if ruled_out and "out" not in prt:
        return []
    if v.lemma(verb) == "roll":  # "roll over sanctions" renews them, "roll back" eases
        if not prt & {"over", "back"}:
            return []
        action = "extend" if "over" in prt else "ease"
    # "the measures it adopted against Russia": what a state took against another
    against = [
        p
        for r in v.kids(n, "relcl")
        if _verb_action(v.lemma(r)) == "impose" or v.lemma(r) == "take"
        for p in v.kids(r, "prep")
        if v.lemma(p) == "against"
    ]
    punitive = lem == "measure" and (
        any(v.lemma(k) in PUNITIVE for k in v.kids(n, "amod")) or bool(against)
    )
    if (
        lem in ("sanction", "embargo", "measure")
        and action not in ("threaten", "call")
        and v.lemma(verb) not in ("reach", "roll", *PLANNING)
        and not punitive
        and not _speaker_acts(v, verb, linker)
    ):
        return []  # the noun rules read these; only the agreement wording is new here
    if lem in RESTRICTIONS and not _trade_words(v, n):
        return []
    if action == "threaten" and v.lemma(verb) == "face":
        target = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
        sender = [a for a in speaker(v, clause_of(v, verb), linker) if a.kind in ("country", "igo")]
        # "could face a cut-off of EU aid, an official said": the owner of what is cut
        sender = sender or [a for a in _targets(v, [n], linker, set()) if a.kind == "igo"]
        if not target or not sender:
            return []
        # "could face", "face ... if/unless", and the ultimatum "must comply or face"
        hedged = (
            bool(_conditional(v, verb))
            or any(v.lemma(a) in ("could", "might", "may") for a in v.kids(verb, "aux"))
            or any(v.lemma(c) == "or" for c in v.kids(v.head(verb), "cc"))
        )
        return [_cand(v, "threaten", sender, target, False, hedged, n_sent, 0.7)]
    by = v.head(verb) if urged else verb  # who urges or demands it calls
    sender = _sender(v, by, linker) or (_campaigners(v, verb, linker) if urged else [])
    if not sender:
        return []
    ids = {a.id for a in sender}
    roots = [n, *v.kids(verb, "prep"), *v.kids(verb, "oprd"), *against]
    # "imposed travel bans and asset freezes on X": the tagger's verb "freezes" holds the "on"
    roots += [
        p for c in v.kids(verb, "conj") if v.lemma(c) in MEASURE_NOUNS for p in v.kids(c, "prep")
    ]
    if v.lemma(verb) in WITH_VERBS:
        roots += v.kids(verb, "dobj")  # "hit Canadian steel with tariffs"
    target = _targets(v, roots, linker, ids, owned=n) or _conditioned(v, verb, linker, ids)
    if not target:
        return []
    negated, hyp = _flags(v, verb, action)
    ready = _readiness(v, verb)
    if ruled_out:
        negated, hyp = True, False  # "ruled out retaliatory tariffs"
    if urged:
        action = "call"
    elif action == "impose" and (hyp or _future(v, verb) or ready) and _if_clause(v):
        # "is ready to adopt restrictive measures ... if its troops do not pull back"
        action, hyp = "threaten", hyp and not ready
    if action in ("threaten", "call"):
        hyp = False
    if v.lemma(verb) in PLANNING:
        action, hyp = "threaten", True
    return [_cand(v, action, sender, target, negated, hyp, n_sent, 0.72)]


def _speaker_acts(v: ParseView, verb: int, linker: ActorLinker) -> bool:
    """'West African leaders lifted the sanctions on Mali, ECOWAS said': the verb's subject
    names no state, so the noun rules find no sender; the reporting organisation is it."""
    top = _top(v, verb)
    if any(v.lemma(a) == "have" for a in v.kids(verb, "aux") + v.kids(top, "aux")):
        return False  # "had imposed": history
    subj = v.kids(verb, "nsubj") or v.kids(top, "nsubj")
    if not subj or any(a.kind in ("country", "igo") for a in subject(v, verb, linker)):
        return False
    return v.words[subj[0]].lower() not in PRONOUNS and any(
        a.kind in ("country", "igo") for a in speaker(v, top, linker)
    )


def _readiness(v: ParseView, verb: int) -> bool:
    """'ready/prepared/willing to impose': a commitment, conditional or not."""
    h = v.head(verb)
    return v.toks[verb].dep == "xcomp" and v.lemma(h) in ("ready", "prepared", "willing")


def _if_clause(v: ParseView) -> bool:
    """The sentence sets a condition (the parse may hang it on the reporting verb)."""
    return any(v.lemma(k) in ("if", "unless") and t.dep == "mark" for k, t in enumerate(v.toks))


def _trade_words(v: ParseView, n: int) -> bool:
    """What the measure restricts crosses a border: in its own phrase, or in the "on" phrase
    or "to" phrase that the parse hangs on its verb ("imposed curbs on exports to Seoul",
    "ordered a halt to Georgian wine imports")."""
    h = v.head(n)
    on = [p for p in v.kids(h, "prep") if v.lemma(p) in ("on", "to")]
    on = on if v.toks[n].dep == "dobj" else []
    words = {v.lemma(k) for r in [n, *on] for k in v.subtree(r)} | {v.lemma(h)}
    # or it is on a state itself ("eased restrictions on Syria", "curbs on Iran")
    states = [o for p in v.kids(n, "prep") if v.lemma(p) == "on" for o in v.kids(p, "pobj")]
    return bool(words & TRADE_WORDS) or any(
        o in v.mention_of and v.mention_of[o].actor.kind == "country" for o in states
    )


# what crosses a border or is held abroad: a restriction on it can be a punitive measure (a
# "ban on protests" or "restrictions on gatherings" names none of these)
TRADE_WORDS = {
    "import", "export", "trade", "entry", "visa", "travel", "flight", "asset", "wine", "steel",
    "good", "product", "sale", "transit", "shipment", "delivery", "purchase", "investment",
    "company", "firm", "entity", "bank", "sector", "industry", "oil", "gas", "energy",
    "shipping", "vessel", "ship", "aircraft", "airline", "technology", "chip", "semiconductor",
    "arm", "weapon", "remittance", "tourism", "tourist", "fishing", "seafood", "food", "grain",
    "wheat", "beef", "timber", "mineral", "metal", "aluminium", "aluminum", "commodity",
    "official", "enterprise", "exporter", "importer", "crude", "coal", "potash", "diamond",
    "fertiliser", "fertilizer",
    "port", "airspace", "financing", "loan", "credit", "transaction", "truck", "lorry",
    "vehicle", "car", "tanker", "harbour", "harbor", "cargo", "freight",
}  # fmt: skip


def _demanded(v: ParseView, pred: int) -> bool:
    """The clause says what must or should be done ("a ban on X should be the EU's answer",
    "sanctions must be tightened"): the speaker's call."""
    return any(v.lemma(a) in ("should", "must") for a in v.kids(pred, "aux")) and not v.kids(
        pred, "neg"
    )


def _option(v: ParseView, n: int, pred: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Tougher sanctions against Myanmar remain an option, Australia's foreign minister said':
    the speaker threatens; a hypothetical threat. 'A ban on X should be the answer': a call."""
    words = {v.lemma(k) for k in v.subtree(pred) if k not in v.subtree(n)} | {v.lemma(pred)}
    demand = _demanded(v, pred) and not words & OPTION_WORDS  # "must remain an option"
    if not words & OPTION_WORDS and not demand:
        return []
    sender = [a for a in speaker(v, clause_of(v, pred), linker) if a.kind in ("country", "igo")]
    if not sender:
        return []
    ids = {a.id for a in sender}
    # the state the measure is conditioned on, or the remark was about ("told reporters when
    # asked about Venezuela", "referring to Russia")
    told = v.kids(v.head(clause_of(v, pred)), "advcl")
    target = _targets(v, [n], linker, ids) or _conditioned(v, pred, linker, ids)
    target = target or _targets(v, told, linker, ids)
    if not target:
        return []
    if demand:
        return [_cand(v, "call", sender, target, False, False, n_sent, 0.7)]
    return [_cand(v, "threaten", sender, target, False, True, n_sent, 0.7)]


def _cand(
    v: ParseView,
    action: str,
    sender: list[Actor],
    target: list[Actor],
    negated: bool,
    hyp: bool,
    n_sent: int,
    conf: float,
) -> Candidate:
    return Candidate(
        type="sanctions",
        action=action,
        roles={"sender": sender, "target": target},
        negated=negated,
        hypothetical=hyp and not negated,
        confidence=conf,
        evidence=v.sent.text.strip(),
        sentence=n_sent,
        instrument=instrument_of(v.sent.text),
    )
