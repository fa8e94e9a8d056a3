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

from pipeline.events.candidate import Candidate
from pipeline.events.modality import modality
from pipeline.events.parse_view import (
    REPORTING,
    ParseView,
    clause_of,
    is_locative,
    np_actors,
    speaker,
    subject,
)
from pipeline.events.roles import other_actor
from pipeline.events.sanctions import instrument_of
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor

# what is cut off, suspended or halted: a sanction when a state does it to a foreign state
CUT_OBJECTS = {
    "aid", "assistance", "support", "flight", "trade", "import", "export", "sale", "delivery",
    "shipment", "contact", "entry", "visa", "loan", "funding", "link", "transit", "investment",
    "airspace", "cooperation", "purchase", "supply", "asset", "account", "fund", "reserve",
}  # fmt: skip
CUT_VERBS = {
    "suspend", "halt", "cut", "stop", "freeze", "end", "withdraw", "block", "curb", "restrict",
    "ban", "bar", "deny", "close", "boycott", "limit", "cancel",
}  # fmt: skip
# measure nouns governed by an action verb ("imposed tariffs", "threatened import restrictions")
MEASURE_NOUNS = {
    "tariff", "duty", "blockade", "boycott", "ban", "restriction", "embargo", "freeze",
    "penalty", "control", "curb", "measure", "sanction",
}  # fmt: skip
ACTION_VERBS = {
    "impose": "impose", "slap": "impose", "levy": "impose", "introduce": "impose",
    "announce": "impose", "adopt": "impose", "approve": "impose", "agree": "impose",
    "reach": "impose", "place": "impose", "put": "impose", "extend": "extend",
    "tighten": "extend", "renew": "extend", "expand": "extend", "ease": "ease",
    "relax": "ease", "loosen": "ease", "lift": "lift", "remove": "lift", "scrap": "lift",
    "threaten": "threaten", "face": "threaten", "prepare": "impose", "consider": "impose",
    "weigh": "impose", "mull": "impose", "study": "impose", "discuss": "impose",
}  # fmt: skip
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
HOLD_OFF = {"hold", "delay", "postpone", "refuse", "decline", "fail", "reject", "resist"}
# persons designated one by one are no state ("the assets of 15 North Korean individuals"),
# unlike a population ("barred entry to 500 U.S. citizens")
PRIVATE_PERSONS = {"individual", "person"}
NOT_TARGET_OBJECTS = {"election", "vote", "poll", "referendum", "ceremony", "conference"}
PLACE_NOUNS = {
    "town", "city", "village", "camp", "area", "region", "district", "province", "street",
    "neighbourhood", "neighborhood", "enclave", "settlement", "suburb",
}  # fmt: skip
# health and safety bans are not sanctions (EVENTS-DEV.md: "sanitary or pandemic bans")
SANITARY = {
    "bse", "disease", "flu", "outbreak", "pandemic", "covid", "virus", "safety", "hygiene",
    "sanitary", "contamination", "contaminated", "pest", "fever", "epidemic", "health",
}  # fmt: skip


def measure_candidates(v: ParseView, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """Sanctions events of one parsed sentence for the measures the noun rules do not read."""
    out: list[Candidate] = []
    if any(w.lower() in SANITARY for w in v.words):
        return []
    for i, t in enumerate(v.toks):
        lem = v.lemma(i)
        if t.pos == "VERB" and lem in CUT_VERBS:
            out += _cut(v, i, n_sent, linker)
        elif t.pos == "NOUN" and lem in MEASURE_NOUNS:
            out += _measure_noun(v, i, n_sent, linker)
    return out[:1] if out else []


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


def _targets(v: ParseView, roots: list[int], linker: ActorLinker, exclude: set[str]) -> list[Actor]:
    """The foreign state(s) in the object phrase or the verb's attachments: the first state
    named, in reading order, outside clauses of reason, time and place."""
    stop_preps = {"over", "after", "amid", "as", "because", "until", "if", "for", "in", "during"}
    seen: list[int] = []
    for r in roots:
        todo = [r]
        while todo:
            j = todo.pop()
            seen.append(j)
            for k in v.children[j]:
                if v.toks[k].dep in ("advcl", "relcl", "acl", "nsubj", "punct", "cc", "mark"):
                    continue
                if v.toks[k].dep == "prep" and v.lemma(k) in stop_preps:
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
        got = np_actors(v, j, linker, conj=False, others=False)
        for a in got:
            if a.kind in ("country", "igo") and a.id not in exclude:
                return [a]
    return []


def _flags(v: ParseView, i: int, action: str) -> tuple[bool, bool]:
    k = v.rule_index.get(i)
    negated, hyp = modality(v.sent, k, action) if k is not None else (False, False)
    j = i
    for _ in range(4):  # "held off on approving", "refused to impose"
        if v.head(j) == j:
            break
        j = v.head(j)
        if v.lemma(j) in HOLD_OFF:
            return True, False
    if v.kids(i, "neg"):
        return True, False
    return negated, hyp


def _sender(v: ParseView, verb: int, linker: ActorLinker) -> list[Actor]:
    got = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
    if not got:
        got = [a for a in speaker(v, clause_of(v, verb), linker) if a.kind in ("country", "igo")]
    return got


def _cut(v: ParseView, i: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'suspended development aid to Nicaragua', 'banned imports of Lithuanian beef',
    'will deny visas to Ugandan officials', 'boycott all official contact with Colombia',
    'suspended Niger from all its activities' (an IGO suspending a member)."""
    lem = v.lemma(i)
    objs = v.kids(i, "dobj")
    if not objs:
        giving = [k for k in v.kids(i, "xcomp", "pcomp") if v.lemma(k) in _GIVING]
        objs = v.kids(giving[0], "dobj") if giving else []
    if not objs:
        return []
    o = objs[0]
    entering = any(
        v.lemma(p) == "from" and any(v.lemma(c) in ("enter", "visit") for c in v.children[p])
        for p in v.kids(i, "prep")
    )
    olem = v.lemma(o)
    if olem in NOT_TARGET_OBJECTS or _background(v, i):
        return []
    sender = _sender(v, i, linker)
    if not sender:
        return []
    ids = {a.id for a in sender}
    if olem in CUT_OBJECTS or any(v.lemma(c) in CUT_OBJECTS for c in v.kids(o, "compound")):
        target = _targets(v, [o, *v.kids(i, "prep", "dative")], linker, ids)
    elif lem in ("bar", "ban") and entering:
        # "barred 40 British officials from entering Russia": an entry ban on them
        target = [a for a in np_actors(v, o, linker, others=False) if a.kind == "country"]
    elif olem in ("membership", "participation") and all(a.kind == "igo" for a in sender):
        # "The Arab League suspended Syria's membership": an IGO suspends a member state
        target = [a for a in np_actors(v, o, linker, others=False) if a.kind == "country"]
    elif lem in ("suspend", "boycott", "blockade") and any(
        a.kind == "country" for a in np_actors(v, o, linker, conj=False, others=False)
    ):
        if lem == "suspend" and not (
            all(a.kind == "igo" for a in sender)
            and any(v.lemma(p) == "from" for p in v.kids(i, "prep"))
        ):
            return []
        target = [a for a in np_actors(v, o, linker, others=False) if a.kind == "country"]
    else:
        return []
    target = [a for a in target if a.id not in ids]
    if not target and olem in ("entry", "visa"):
        # "will deny entry to officials who undermine the accord": a visa ban on persons
        target = [
            a
            for p in v.kids(i, "prep", "dative") + v.kids(o, "prep")
            if v.lemma(p) == "to"
            for k in v.kids(p, "pobj")
            for a in np_actors(v, k, linker)
        ][:1]
    if not target:
        return []
    action = "impose"
    negated, hyp = _flags(v, i, action)
    head = v.head(i)
    if v.toks[i].dep == "xcomp" and v.lemma(head) == "threaten":
        action, hyp = "threaten", False
    elif _warned(v, i) and hyp:
        action = "threaten"
    if hyp and _reported_future(v, i):
        hyp = False
        if _conditional(v, i):
            action = "threaten"  # "said it would halt shipments if the war spreads"
    return [_cand(v, action, sender, target, negated, hyp, n_sent, 0.72)]


def _warned(v: ParseView, i: int) -> bool:
    c = clause_of(v, i)
    return any(v.lemma(j) in ("warn", "threaten") for j in [v.head(c), *v.children[c]])


def _conditional(v: ParseView, i: int) -> bool:
    return any(
        v.lemma(m) in ("if", "unless") for a in v.kids(i, "advcl") for m in v.kids(a, "mark")
    )


def _reported_future(v: ParseView, i: int) -> bool:
    """'said they would ban entry': future in the past of a report, not a hypothesis."""
    c = clause_of(v, i)
    modals = [v.words[k].lower() for k in v.kids(c, "aux")]
    return "would" in modals and v.toks[c].dep == "ccomp" and v.lemma(v.head(c)) in REPORTING


def _measure_noun(v: ParseView, n: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'imposed tariffs on Canadian aluminium', 'threatened import restrictions on Mexican
    steel', 'reached agreement on its first broad sanctions on Belarus', 'lifted its ban on
    Australian wine', 'or face tariff penalties, the US trade representative said', and a
    measure that is an option in reported speech."""
    if _background(v, n):
        return []
    dep, h = v.toks[n].dep, v.head(n)
    verb = None
    if dep in ("dobj", "nsubjpass") and v.lemma(h) in ACTION_VERBS:
        verb = h
    elif dep == "pobj" and v.lemma(h) == "on" and v.lemma(v.head(h)) in ("agreement", "deal"):
        g = v.head(v.head(h))
        verb = g if v.lemma(g) in ACTION_VERBS else None
    if verb is not None:
        return _governed(v, n, verb, n_sent, linker)
    if dep in ("nsubj", "nsubjpass", "csubj"):
        return _option(v, n, h, n_sent, linker)
    return []


def _governed(v: ParseView, n: int, verb: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    action = ACTION_VERBS[v.lemma(verb)]
    lem = v.lemma(n)
    if (
        lem in ("sanction", "embargo", "measure")
        and action != "threaten"
        and v.lemma(verb) != "reach"
    ):
        return []  # the noun rules read these; only the agreement wording is new here
    if lem in ("control", "curb", "restriction", "ban", "freeze") and not _trade_words(v, n):
        return []
    if action == "threaten" and v.lemma(verb) == "face":
        target = [a for a in subject(v, verb, linker) if a.kind in ("country", "igo")]
        sender = [a for a in speaker(v, clause_of(v, verb), linker) if a.kind in ("country", "igo")]
        if not target or not sender:
            return []
        return [_cand(v, "threaten", sender, target, False, False, n_sent, 0.7)]
    sender = _sender(v, verb, linker)
    if not sender:
        return []
    ids = {a.id for a in sender}
    target = _targets(v, [n, *v.kids(verb, "prep")], linker, ids)
    if not target:
        return []
    negated, hyp = _flags(v, verb, action)
    if action == "threaten":
        hyp = False
    if v.lemma(verb) in PLANNING:
        action, hyp = "threaten", True
    return [_cand(v, action, sender, target, negated, hyp, n_sent, 0.72)]


def _trade_words(v: ParseView, n: int) -> bool:
    words = {v.lemma(k) for k in v.subtree(n)} | {v.lemma(v.head(n))}
    return bool(words & {"import", "export", "trade", "entry", "visa", "travel", "flight",
                         "asset", "wine", "steel", "good", "product", "sale"})  # fmt: skip


def _option(v: ParseView, n: int, pred: int, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Tougher sanctions against Myanmar remain an option, Australia's foreign minister said':
    the speaker threatens; a hypothetical threat."""
    words = {v.lemma(k) for k in v.subtree(pred) if k not in v.subtree(n)} | {v.lemma(pred)}
    if not words & OPTION_WORDS:
        return []
    sender = [a for a in speaker(v, clause_of(v, pred), linker) if a.kind in ("country", "igo")]
    if not sender:
        return []
    ids = {a.id for a in sender}
    target = _targets(v, [n], linker, ids)
    if not target:
        return []
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
