"""Event candidates of a parsed sentence: the token-rule frames, corrected by the parse, plus
the parse-only measures.

Why corrections and not a second detector: the noun and mediation frames
(:mod:`pipeline.events.sanctions`, :mod:`pipeline.events.mediation`) are what the dev set was
built on; the parse fixes what tokens cannot see — a place is no party ("in Nairobi"), a
mediator named by title elsewhere in the sentence ("as France's foreign minister arrived"),
coordinated senders and mediators ("the US government and the UN envoy", "Saudi and U.S.
mediators"), a people that stands for its state ("Bosnian Serb leaders"), sanctions that are
only avoided or violated, and "held off on approving" as a negation. Measures without the word
"sanction" come from :mod:`pipeline.events.measures`.
"""

from __future__ import annotations

from pipeline.events import triggers as cue
from pipeline.events.candidate import Candidate
from pipeline.events.cues import PRIVATE_DISPUTE
from pipeline.events.measures import _background, _sender, held_off, measure_candidates
from pipeline.events.mediation import UNDER_NOUNS, dateline_place
from pipeline.events.modality import modality
from pipeline.events.parse_view import (
    GROUP_HEADS,
    NONSTATE_SIDES,
    REPORTING,
    STATE_HEADS,
    ParseView,
    _conjuncts,
    clause_of,
    is_locative,
    np_actors,
    speaker,
    subject,
)
from pipeline.events.roles import other_actor, role_actor
from pipeline.events.triggers import MEDIATION_RE
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor

_SANCTION_LEMMAS = {"sanction", "embargo", "boycott", "blacklist"}
_MEDIATOR_NOUNS = {"mediator", "envoy", "negotiator", "facilitator", "broker", "chief"}


def parsed_candidates(
    v: ParseView, found: list[Candidate], n_sent: int, linker: ActorLinker
) -> list[Candidate]:
    out: list[Candidate] = []
    noun_toks = [i for i in range(len(v.toks)) if v.lemma(i) in _SANCTION_LEMMAS]
    background = bool(noun_toks) and all(_background(v, i) for i in noun_toks)
    for c in found:
        if c.type == "sanctions":
            if background or (c.action in ("lift", "ease") and _sanctions_act(v, noun_toks)):
                continue
            _repair_sanctions(v, c, noun_toks, linker)
        else:
            if _biography(v) or _private_between(v, linker) or _dated_past(v):
                continue
            _repair_mediation(v, c, linker)
            if not c.roles["parties"] and _concept(v):
                continue
            if c.action == "mediate":
                c.action = _governing_cue(v, _ids(c.roles["mediator"])) or c.action
            halt = _talks_halted(v) if c.action == "mediate" else None
            if halt is not None:
                c.action, c.weak = "halt", False
                c.negated, c.hypothetical = modality(v.sent, v.rule_index.get(halt, 0), "offer")
        out.append(c)
    if not background and not any(c.type == "sanctions" for c in out):
        out += measure_candidates(v, n_sent, linker)
    if not any(c.type == "mediation" for c in out):
        out += (
            _shuttle(v, n_sent, linker)
            or _envoy_meets_sides(v, n_sent, linker)
            or _hosts_sides(v, n_sent, linker)
        )
    return out


_TALK_LEMMAS = {"talk", "negotiation", "consultation", "meeting", "round", "dialogue"}


def _hosts_sides(v: ParseView, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Kenya's president hosted the Sudanese government and the rebels for two days of talks':
    a host whose object names two sides (coordinated heads, or one head with coordinated
    modifiers: "his Chadian and Sudanese counterparts"), with talks the verb is "for", mediates
    between them (the labelling convention for hosts); one guest, or no talks, is a visit."""
    for i, t in enumerate(v.toks):
        if v.lemma(i) != "host" or t.pos != "VERB":
            continue
        talks = [
            o
            for p in v.kids(i, "prep")
            if v.lemma(p) in ("for", "to")
            for o in v.subtree(p)
            if v.lemma(o) in _TALK_LEMMAS
        ]
        objs = v.kids(i, "dobj")
        if not talks or not objs:
            continue
        sides = [objs[0], *_conjuncts(v, objs[0])]  # or one head: "his A and B counterparts"
        mediators = [a for a in subject(v, i, linker) if a.kind in ("country", "igo")]
        parties: list[Actor] = []
        for o in sides:
            parties += _sides(v, o, linker) or [other_actor(v.words[o])]
        parties = [a for a in {a.id: a for a in parties}.values() if a.id not in _ids(mediators)]
        if mediators and len(parties) >= 2:
            return [_mediate(v, i, n_sent, mediators, parties)]
    return []


def _shuttle(v: ParseView, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'Oman's foreign minister shuttled between the two delegations', 'passed messages
    between the negotiators': shuttle diplomacy is mediation by the subject between the
    objects of "between"."""
    for i, t in enumerate(v.toks):
        if t.pos != "VERB":
            continue
        if v.lemma(i) == "shuttle" or (v.lemma(i) in _TRAVEL and _names_dispute(v)):
            heads = [i]  # "flew between the three capitals to end the border dispute"
        elif v.lemma(i) in ("pass", "carry", "relay", "convey", "ferry", "deliver"):
            # "relaying proposals between Israel and Hamas": the verb or its object has them
            heads = [i, *(o for o in v.kids(i, "dobj") if v.lemma(o) in _MESSAGES)]
            if len(heads) == 1:
                continue
        else:
            continue
        mediators = [a for a in subject(v, i, linker) if a.kind in ("country", "igo")]
        parties: list[Actor] = []
        for p in [p for h in heads for p in v.kids(h, "prep")]:
            if v.lemma(p) == "between":
                for o in v.kids(p, "pobj"):
                    parties += _sides(v, o, linker)
        if not mediators or _ids(mediators) <= _ids(parties):
            # no subject, or a dateline's place parsed as one ("SARAJEVO ... - U.N. envoy X")
            mediators = _envoy_before(v, i, linker) or mediators
        parties = [a for a in parties if a.id not in _ids(mediators)]
        if mediators and parties:
            return [_mediate(v, i, n_sent, mediators, parties)]
    return []


# going back and forth between the sides of a dispute, or carrying their messages, mediates
_TRAVEL = {"fly", "travel", "commute"}
_DISPUTES = {"dispute", "conflict", "war", "crisis", "standoff", "row", "feud", "quarrel", "rift"}
_MESSAGES = {"message", "proposal", "note", "letter", "offer", "demand", "counterproposal"}


def _names_dispute(v: ParseView) -> bool:
    """Travel between places is shuttle diplomacy only in a sentence that names a dispute."""
    return any(v.lemma(k) in _DISPUTES for k in range(len(v.toks)))


def _envoy_before(v: ParseView, i: int, linker: ActorLinker) -> list[Actor]:
    """'SARAJEVO (Reuters) - U.N. envoy X shuttled ...': a dateline can leave the verb without
    its subject in the parse; the state or IGO of an envoy named before the verb acts."""
    for k in range(i - 1, -1, -1):
        if v.lemma(k) not in _ENVOYS:
            continue
        for j in v.children[k]:
            if v.toks[j].dep in ("compound", "poss", "amod", "nmod") and j in v.mention_of:
                a = role_actor(v.mention_of[j], linker)
                if a.kind in ("country", "igo"):
                    return [a]
    return []


def _sides(v: ParseView, o: int, linker: ActorLinker) -> list[Actor]:
    """The sides a phrase names: "Iranian and U.S. negotiators" is two (coordinated
    modifiers of one head), "the two delegations" none."""
    got = np_actors(v, o, linker)
    for j in v.children[o]:
        if v.toks[j].dep in ("amod", "compound", "nmod") and j in v.mention_of:
            got += np_actors(v, j, linker)
    return list({a.id: a for a in got}.values())


_ENVOYS = {"envoy", "mediator", "facilitator"}
_MEETINGS = {"meeting", "talk", "consultation"}
_CIVIL = {"business", "community", "civil", "society", "industry", "trade", "student", "church"}
_STATE_SIDES = {"government", "junta", "military", "army", "regime"}
_SIDE_HEADS = {
    "official", "leader", "negotiator", "delegation", "representative", "government",
    "opposition", "rebel", "junta", "side", "commander", "minister", "president", "chief",
}  # fmt: skip


def _envoy_meets_sides(v: ParseView, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """'The U.N. envoy for Syria met (or held meetings with) government and opposition
    delegations', 'ASEAN's envoy met junta leaders ... and representatives of the shadow
    government': an envoy or mediator meeting two sides is mediation by the state or IGO they
    act for. One side met is only a visit; a side with no name is the country the envoy is
    "for" or OTHER."""
    for i, t in enumerate(v.toks):
        if t.pos != "VERB" or not (
            v.lemma(i) == "meet"
            # "held separate meetings with government officials and rebel leaders"
            or (v.lemma(i) == "hold" and any(v.lemma(o) in _MEETINGS for o in v.kids(i, "dobj")))
        ):
            continue
        subj = v.kids(i, "nsubj")
        if not subj:
            continue
        topic = _topic_tokens(v, subj[0])
        envoy = any(_conflict_envoy(v, k) and k not in topic for k in v.subtree(subj[0]))
        if not envoy and not _apart(v, i):
            continue
        mediators = [
            role_actor(v.mention_of[k], linker)
            for k in v.subtree(subj[0])
            if k in v.mention_of and k not in topic
        ]
        # "Kenya's former president, now the EAC's facilitator": whom the envoy acts for
        own = [
            role_actor(v.mention_of[x], linker)
            for k in v.subtree(subj[0])
            if v.lemma(k) in _ENVOYS and k not in topic
            for j in v.children[k]
            if v.toks[j].dep in ("poss", "compound")
            for x in v.subtree(j)
            if x in v.mention_of
        ]
        # "IGAD envoys met ...": a name right before the envoy, also when misparsed (as aux)
        own += [
            role_actor(v.mention_of[k - 1], linker)
            for k in v.subtree(subj[0])
            if v.lemma(k) in _ENVOYS and k - 1 in v.mention_of and k - 1 not in topic
        ]
        mediators = [a for a in own + mediators if a.kind in ("country", "igo")][:1]
        if not mediators and any(v.lemma(k) in ("its", "their") for k in v.kids(subj[0], "poss")):
            mediators = speaker(v, i, linker)[:1]  # "the OIC said its contact group met ..."
        for_state = [v.mention_of[k].actor for k in topic if k in v.mention_of][:1]
        in_subj = set(v.subtree(subj[0])) | _unmet(v, i)
        heads = [
            k
            for k in range(i + 1, len(v.toks))
            if k not in in_subj
            and v.lemma(k) in _SIDE_HEADS
            and v.toks[k].pos in ("NOUN", "PROPN")
            and v.toks[k].dep not in ("compound", "amod")  # "junta leaders" is one side
        ]
        if not envoy:  # a third party meeting sides apart: the sides are whom it met
            heads = [k for o in _met(v, i) for k in [o, *_conjuncts(v, o)] if k not in in_subj]
        parties: list[Actor] = []
        for k in heads:
            parties += _meeting_side(v, k, for_state, linker)
        skip = _ids(mediators) | _locative_only(v)  # "met ... leaders in Algiers": a venue
        parties = [a for a in {a.id: a for a in parties}.values() if a.id not in skip]
        if not envoy and all(a.kind not in ("other", "org") for a in parties):
            continue  # "held separate meetings with the leaders of France and Germany": a visit
        if mediators and len(parties) >= 2:
            return [_mediate(v, i, n_sent, mediators, parties)]
    return []


def _apart(v: ParseView, i: int) -> bool:
    """'met separately with', 'held separate meetings with', 'held talks with both the
    government and the rebels': a third party meeting the sides apart (proximity talks) is how a
    mediator works, whatever its title."""
    objs = [i, *v.kids(i, "dobj")]
    return (
        any(v.lemma(k) == "separately" for k in v.kids(i, "advmod"))
        or any(v.lemma(k) == "separate" for o in objs for k in v.kids(o, "amod"))
        or any(v.lemma(k) == "both" for o in _met(v, i) for k in v.kids(o, "preconj"))
    )


def _met(v: ParseView, i: int) -> list[int]:
    """Whom the meeting verb ``i`` met: its object, or the object of "with" after it or after
    the meetings it held."""
    objs = [o for o in v.kids(i, "dobj") if v.lemma(o) not in _MEETINGS]
    for h in [i, *v.kids(i, "dobj")]:
        objs += [o for p in v.kids(h, "prep") if v.lemma(p) == "with" for o in v.kids(p, "pobj")]
    return objs


def _conflict_envoy(v: ParseView, k: int) -> bool:
    """An envoy or mediator noun with no other remit named before it: a "climate envoy" or a
    "trade envoy" meeting two sides negotiates for its own state, it mediates nothing."""
    remit = [j for j in v.kids(k, "compound") if v.toks[j].pos == "NOUN" and j not in v.mention_of]
    return v.lemma(k) in _ENVOYS and all(v.lemma(j) == "peace" for j in remit)


_BARRED = {"deny", "refuse", "bar", "prevent", "block"}


def _unmet(v: ParseView, i: int) -> set[int]:
    """Tokens of a clause joined to the meeting that says a side was not met ("met the junta's
    foreign minister but was not allowed to meet / was denied access to the detained leaders"):
    a side the envoy could not see is no side of a mediation."""
    out: set[int] = set()
    for c in v.kids(i, "conj"):
        if v.toks[c].pos not in ("VERB", "AUX"):
            continue
        clause = v.subtree(c)
        if any(v.toks[k].dep == "neg" or v.lemma(k) in _BARRED for k in clause):
            out.update(clause)
    return out


def _meeting_side(v: ParseView, k: int, for_state: list[Actor], linker: ActorLinker) -> list[Actor]:
    """The side(s) one met phrase names: its modifiers ("Houthi and government negotiators"
    is two), a named "of" phrase, else the envoy's country for a government word, else OTHER."""
    mods = [j for j in v.children[k] if v.toks[j].dep in ("amod", "compound", "nmod", "poss")]
    mods += [o for p in v.kids(k, "prep") if v.lemma(p) == "of" for o in v.kids(p, "pobj")]
    mods += [c for j in mods for c in _conjuncts(v, j)]  # "of Caracas and the opposition"
    out: list[Actor] = []
    for j in mods:
        m = next((v.mention_of[x] for x in v.subtree(j) if x in v.mention_of), None)
        if m is not None:
            out.append(role_actor(m, linker))
        elif v.lemma(j) in _STATE_SIDES and for_state:
            out += for_state
        elif v.lemma(j) in ("opposition", "rebel"):
            out.append(other_actor(v.words[j]))
    if out:
        return out
    if any(v.lemma(j) in _CIVIL for j in mods):
        return []  # "business leaders", "community representatives": no side of a conflict
    if v.lemma(k) in _STATE_SIDES and for_state:
        return for_state
    if v.lemma(k) in ("minister", "president"):
        return []  # "the prime minister" of no named state: maybe the host's own
    return [other_actor(v.words[k])]


def _topic_tokens(v: ParseView, subj: int) -> set[int]:
    """Tokens of the envoy's remit ("envoy for Syria", "envoy on Myanmar")."""
    out: set[int] = set()
    for k in v.subtree(subj):
        if v.toks[k].dep == "prep" and v.lemma(k) in ("for", "on", "to"):
            out.update(v.subtree(k))
    return out


def _mediate(
    v: ParseView, i: int, n_sent: int, mediators: list[Actor], parties: list[Actor]
) -> Candidate:
    k = v.rule_index.get(i)
    negated, hyp = modality(v.sent, k, "mediate") if k is not None else (False, False)
    return Candidate(
        type="mediation",
        action="mediate",
        roles={"mediator": mediators, "parties": parties},
        negated=negated,
        hypothetical=hyp,
        confidence=0.8,
        evidence=v.sent.text.strip(),
        sentence=n_sent,
        weak=True,
    )


def _sanctions_act(v: ParseView, noun_toks: list[int]) -> bool:
    """'Sanctions alone will not end the war', 'sanctions failed to stop the offensive': the
    sanctions are the active subject of the verb, which has an object of its own, so the verb
    is what the sanctions do, not their lifting or easing ("sanctions were lifted", "the EU
    ended its sanctions" keep their lift)."""
    return bool(noun_toks) and all(
        v.toks[i].dep == "nsubj" and bool(v.kids(v.head(i), "dobj")) for i in noun_toks
    )


def private_mediation(c: Candidate, sentence: str, v: ParseView | None) -> bool:
    """A mediation between private sides (labour, tenancy, family, business, sport): a
    private-dispute word in ``sentence`` (the actors' names blanked: "the African Union" is no
    union) and no state or IGO among the sides, a state named only as the owner of a union,
    workers, a club or another private side not counting ("Poland's miners' union accepted the
    mediators' plan"; read in the parse ``v``). A state mediator alone does not make it a
    state's dispute ("the government sent mediators to end a doctors' strike")."""
    states = {a.id for a in c.roles.get("parties", []) if a.kind in ("country", "igo")}
    if v is not None:
        owned = [(m.actor.id, _owner_of_private(v, i)) for i, m in v.mention_of.items()]
        states -= {a for a, own in owned if own} - {a for a, own in owned if not own}
    return c.type == "mediation" and not states and bool(PRIVATE_DISPUTE.search(sentence))


# unnamed sides of a conflict: "between the government and the rebels", "the warring factions"
_CONFLICT_SIDES = STATE_HEADS | GROUP_HEADS | NONSTATE_SIDES | {
    "party", "group", "clan", "tribe", "troop", "soldier", "police", "bloc", "coalition",
    "alliance",
}  # fmt: skip


def _private_between(v: ParseView, linker: ActorLinker) -> bool:
    """'mediated between residents and a wind farm developer', 'a dispute between a Greek
    shipowner and a Chinese shipyard', 'between bus drivers and the city's bus company': the
    sides named with "between" include a common noun, and none is a state, an IGO, or a
    conflict side ("the government", "the rebels", "Bosnian Serb commanders"): a private or
    local dispute, whoever mediates it."""
    pobjs = [o for p in range(len(v.toks)) if v.lemma(p) == "between" for o in v.kids(p, "pobj")]
    sides = pobjs + [k for o in pobjs for k in _conjuncts(v, o)]
    return any(v.toks[k].pos == "NOUN" for k in sides) and not any(
        v.lemma(k) in _CONFLICT_SIDES
        or any(a.kind in ("country", "igo") for a in np_actors(v, k, linker, conj=False))
        for k in sides
    )


def _owner_of_private(v: ParseView, i: int) -> bool:
    """The mention at ``i`` is the possessor or modifier of a common private-dispute noun."""
    j = i
    for _ in range(3):
        if v.toks[j].dep not in ("poss", "compound", "amod") or v.head(j) == j:
            return False
        j = v.head(j)
        if v.toks[j].pos == "NOUN" and PRIVATE_DISPUTE.fullmatch(v.words[j]):
            return True
    return False


def _biography(v: ParseView) -> bool:
    """'X, the Finnish diplomat who mediated in Namibia, died on Friday', 'a former EU
    mediator in the talks published a memoir', 'Norway, which brokered the Oslo accords,
    said ...': the only mediation word is a past relative clause describing a person or a
    state (a CV, an obituary, background), no event; a former role is one to the tokens
    (:func:`pipeline.events.mediation.mediation_candidates`)."""
    words = _mediation_words(v)
    return bool(words) and all(_looking_back(v, i) for i in words)


def _mediation_words(v: ParseView) -> list[int]:
    return [i for i in range(len(v.toks)) if _mediating(v, [i])]


def _concept(v: ParseView) -> bool:
    """'a lecture on peace mediation', 'a long tradition of mediation', 'said mediation was the
    best path to peace': every mediation word is a bare noun (no article, owner or name) that
    is the topic of a preposition or the subject of "be": with no side named, the idea of
    mediation, none under way ("accepted the offer of mediation" names its sides)."""
    words = _mediation_words(v)
    return bool(words) and all(
        v.toks[i].pos == "NOUN"
        and not any(v.toks[k].dep in ("det", "poss") or k in v.mention_of for k in v.subtree(i))
        and (
            (v.toks[i].dep == "pobj" and v.lemma(v.head(i)) in ("of", "on", "about", "in"))
            or (v.toks[i].dep == "nsubj" and v.lemma(v.head(i)) == "be")
        )
        for i in words
    )


_LOOKING_BACK = {"anniversary", "legacy", "memoir", "prize", "award", "tribute"}


def _looking_back(v: ParseView, i: int) -> bool:
    """The word at ``i`` hangs under a past relative clause ("who was elected after the talks
    mediated by Norway collapsed") or a look back ("the anniversary of the accord brokered by
    X", "won the Nobel prize for mediating an end to the war"): background, no event."""
    j = i
    for _ in range(8):
        if _past_relative(v, j) or any(
            v.lemma(k) in _LOOKING_BACK for k in [j, *v.kids(j, "dobj")]
        ):
            return True
        if v.head(j) == j:
            return False
        j = v.head(j)
    return False


_IRREGULAR_PAST = {"spent", "sought", "led", "took", "made", "brought", "won", "began"}


def _past_relative(v: ParseView, i: int) -> bool:
    return (
        v.toks[i].dep == "relcl"
        and (v.words[i].lower().endswith("ed") or v.words[i].lower() in _IRREGULAR_PAST)
        and any(v.lemma(k) in ("who", "which") for k in v.kids(i, "nsubj", "nsubjpass"))
    )


def _ids(actors: list[Actor]) -> set[str]:
    return {a.id for a in actors}


def _repair_sanctions(
    v: ParseView, c: Candidate, noun_toks: list[int], linker: ActorLinker
) -> None:
    for i in noun_toks:
        j = i
        for _ in range(4):
            if v.head(j) == j:
                break
            j = v.head(j)
            if held_off(v, j) and v.lemma(j) != "reject":
                c.negated, c.hypothetical = True, False
        verb = clause_of(v, i) if v.toks[i].pos != "VERB" else i
        sender = c.roles.get("sender", [])
        got = [a for a in _sender(v, verb, linker) if a.kind in ("country", "igo")]
        if got and _ids(sender) < _ids(got):
            c.roles["sender"] = got  # coordination the tokens lost
        target = c.roles.get("target", [])
        others = all(a.kind not in ("country", "igo") for a in target)
        if target and others:
            # a target named only by officials of a people ("Bosnian Serb leaders", the outer
            # people: :func:`np_actors`) or by a state's firms ("sanctions on two Chinese
            # refineries") stands for the state
            heads = STATE_HEADS | FIRMS
            for k in v.subtree(i if v.toks[i].pos == "VERB" else verb):
                if v.lemma(k) in heads and v.toks[k].dep in ("pobj", "dobj", "conj"):
                    mods = v.kids(k, "amod", "compound") if v.lemma(k) in FIRMS else []
                    better = [
                        a
                        for a in np_actors(v, k, linker, others=False)
                        + [role_actor(v.mention_of[j], linker) for j in mods if j in v.mention_of]
                        if a.kind in ("country", "igo") and a.id not in _ids(c.roles["sender"])
                    ]
                    if better:
                        c.roles["target"] = better
                        break


# firms named by their state ("Chinese refineries", "Syria's central bank") stand for it as a
# target when the sentence names no state target (DEV-11.md, HOLDOUT-10-11.md)
FIRMS = {
    "firm", "company", "refinery", "bank", "entity", "exporter", "importer", "airline",
    "chipmaker", "enterprise", "conglomerate", "producer", "supplier", "shipper", "lender",
}  # fmt: skip


def _repair_mediation(v: ParseView, c: Candidate, linker: ActorLinker) -> None:
    placed = _locative_only(v) | _speakers(v)
    mediators = [a for a in c.roles.get("mediator", []) if a.id not in placed]
    parties = [a for a in c.roles.get("parties", []) if a.id not in placed]
    for i in range(len(v.toks)):
        if v.lemma(i) not in _MEDIATOR_NOUNS:
            continue
        got = [a for a in np_actors(v, i, linker, others=False) if a.kind in ("country", "igo")]
        if got and (_ids(mediators) < _ids(got) or all(a.kind == "person" for a in mediators)):
            mediators = got  # also "China's envoy, Deng X, brokered": the state, not the person
    for i in range(len(v.toks)):
        # "mediated by the Community of Sant'Egidio and the Italian government": the states
        # and IGOs of the passive agent join a mediator that names none
        if v.lemma(i) in ("broker", "mediate", "facilitate") and v.toks[i].pos == "VERB":
            for a in v.kids(i, "agent"):
                for o in v.kids(a, "pobj"):
                    got = [x for x in np_actors(v, o, linker) if x.kind in ("country", "igo")]
                    if got and all(m.kind not in ("country", "igo") for m in mediators):
                        mediators = mediators + got
            # "Saudi Arabia and the United States said they had brokered": the pronoun
            # stands for the coordinated subject of the reporting verb
            if any(v.words[k].lower() in ("they", "we") for k in v.kids(i, "nsubj")):
                got = [x for x in subject(v, i, linker) if x.kind in ("country", "igo")]
                if len(got) > len(mediators) and _ids(mediators) <= _ids(got):
                    mediators = got
            if v.toks[i].dep == "acl" and len(parties) < 2:
                parties = _signatories(v, v.head(i), linker, _ids(mediators)) or parties
        # "A and B resumed talks under Russian mediation": the subject is the two sides
        if (
            MEDIATION_RE.match(v.words[i].lower())
            and v.toks[i].dep == "pobj"
            and v.lemma(v.head(i)) == "under"
            and len(parties) < 2
        ):
            parties = _signatories(v, i, linker, _ids(mediators)) or parties
    if not mediators:
        mediators = _titled_subjects(v, linker, _ids(parties))
        if mediators:
            c.confidence += 0.15
    c.roles["mediator"] = mediators
    parties = _pair_sides(v, parties, linker)
    skip = _ids(mediators) | dateline_place(v.sent, linker)  # a dateline parsed as a subject
    c.roles["parties"] = [a for a in parties if a.id not in skip]


def _pair_sides(v: ParseView, parties: list[Actor], linker: ActorLinker) -> list[Actor]:
    """"Between A and B" names two sides even when the dictionary knows only one of them: the
    parse reads each of the two heads ("the Chadian transitional government" is Chad), and a
    common noun the dictionary cannot name ("an alliance of armed groups", "the breakaway
    region of X", "envoys of the ousted president") is an unnamed side, OTHER."""
    for i in range(len(v.toks)):
        if v.lemma(i) not in ("between", "among"):
            continue
        for o in v.kids(i, "pobj"):
            heads = [o, *_conjuncts(v, o)]
            named = [np_actors(v, h, linker, conj=False) for h in heads]
            if len(heads) != 2 or not any(named):
                continue
            for h, got in zip(heads, named, strict=True):
                if not got and v.toks[h].pos == "NOUN":
                    got = [other_actor(v.words[h])]
                have = _ids(parties) | {"OTHER" for a in parties if a.kind == "other"}
                parties = parties + [a for a in got if a.id not in have]
    return parties


# not "end": a round that "ended without agreement" is still mediation (dev-8's convention)
_HALT_LEMMAS = {"suspend", "collapse", "fail", "stall", "halt", "abandon", "freeze"}
_MEDIATING = ("mediat", "broker", "facilitat", "sponsor")
# talks a third party hosts, chairs, steers or convenes are mediated talks when they stop
_ORGANISED = (*_MEDIATING, "host", "chair", "steer", "conven")


def _mediating(v: ParseView, toks: list[int], stems: tuple[str, ...] = _MEDIATING) -> bool:
    """A mediation word among ``toks`` ("mediated", "brokers", "go-between")."""
    return any(
        v.lemma(k).startswith(stems) or v.words[k - 2 : k + 1] == ["go", "-", "between"]
        for k in toks
    )


def _talks_halted(v: ParseView) -> int | None:
    """The verb that stops the mediated talks themselves, when the mediation word only
    describes them: "talks in Istanbul, mediated by Turkey, have collapsed", "the X-mediated
    talks were called off", "the talks were suspended, the Saudi and U.S. mediators said", "Doha
    put its go-between role on hold" (or "X's role as facilitator was put on hold"), or stops
    the mediation itself ("mediation by the OAS ... was suspended")."""
    for h in range(len(v.toks)):
        lem = v.lemma(h)
        if v.toks[h].pos not in ("VERB", "AUX"):
            continue
        on_hold = [k for k in v.subtree(h) if v.lemma(k) == "hold" and v.words[k - 1] == "on"]
        if lem == "put" and on_hold:  # (spaCy may hang "on hold" under the object's noun)
            held = v.kids(h, "dobj", "nsubjpass")  # "put its go-between role on hold"
            if any(_mediating(v, v.subtree(k)) for k in held):
                return h
            continue
        # "broke down", "broke off", "called off"
        phrasal = lem in ("break", "call") and v.words[h + 1 : h + 2] in (["down"], ["off"])
        if lem not in _HALT_LEMMAS and not phrasal:
            continue
        for n in v.kids(h, "nsubj", "nsubjpass"):
            # "Mediation by the OAS ... was suspended" (not "the mediators failed to persuade")
            itself = _mediating(v, [n]) and not v.kids(h, "xcomp")
            if v.lemma(n) not in _TALK_LEMMAS and not itself:
                continue
            if _mediating(v, v.subtree(n), _ORGANISED):
                return h  # "talks mediated (chaired) by X collapsed"
            says = [j for j in v.kids(h, "parataxis", "ccomp") if v.lemma(j) in REPORTING]
            if v.toks[h].dep in ("ccomp", "parataxis") and v.lemma(v.head(h)) in REPORTING:
                says.append(v.head(h))
            if any(_mediating(v, v.subtree(k)) for j in says for k in v.kids(j, "nsubj")):
                return h  # "the talks were suspended, the mediators said"
    return None


_CUE_ACTIONS = {
    **dict.fromkeys(cue.REQUEST_CUES | cue.CALL_VERBS, "request"),
    **dict.fromkeys(cue.ACCEPT_CUES, "accept"),
    **dict.fromkeys(cue.REJECT_CUES, "reject"),
}


def _governing_cue(v: ParseView, mediators: set[str]) -> str | None:
    """The action of a verb whose complement is the mediation, however far the parse puts it:
    "rejected a suggestion that X mediate", "wants X, not Y, to broker", "called for X to be
    brought in as mediators", "agreed to let X mediate". Not from a participle ("welcomed the
    truce brokered by X" is the mediation), nor when the cue's subject is the mediator ("X
    agreed to mediate")."""
    for k in [k for k in range(len(v.toks)) if _mediating(v, [k])]:
        if v.toks[k].pos == "VERB" and v.words[k].lower() != v.lemma(k):
            continue
        j = k
        for _ in range(5):
            dep = v.toks[j].dep
            if dep not in ("xcomp", "ccomp", "advcl", "acl", "dobj", "pobj", "prep"):
                break
            p = v.head(j)
            verb_phrase = v.lemma(p) in ("to", "as") and v.toks[v.head(p)].pos == "VERB"
            if dep == "pobj" and not verb_phrase:  # "put it to mediation", "... as mediators"
                break  # (not "agreed under Algerian sponsorship", "talks with mediators")
            j = v.head(j)
            if v.lemma(j) in _CUE_ACTIONS and v.toks[j].pos == "VERB":
                subj = {v.mention_of[n].actor.id for n in v.kids(j, "nsubj") if n in v.mention_of}
                return None if subj & mediators else _CUE_ACTIONS[v.lemma(j)]
    return None


_CLAUSE_HEADS = ("ROOT", "relcl", "ccomp", "advcl", "parataxis")


def _clause_head(v: ParseView, i: int) -> int:
    """The head of the finite clause ``i`` sits in (through participles and objects)."""
    for _ in range(20):
        if v.toks[i].dep in _CLAUSE_HEADS or v.head(i) == i:
            break
        i = v.head(i)
    return i


def _dated_past(v: ParseView) -> bool:
    """Every mediation word sits in a clause dated "in 2019", "in January 2021", "during the
    1990s", "last year", "years ago", or in a dated deal ("the accords of 1978, brokered by",
    "the 1994 truce mediated by"): history told as background ("restored ties in 2023 after
    talks brokered by China"), not news. "since 2022" goes on, and a year in another clause
    ("Trump in 2019 failed ..., in which Moon had offered to mediate") dates something else."""
    # (the lemma of "auspices" is "auspex": read the word)
    words = [k for k, w in enumerate(v.words) if _mediating(v, [k]) or w.lower() in UNDER_NOUNS]
    dated, old = set(), set()
    for y in range(len(v.toks)):
        w = v.words[y]
        if len(w) in (4, 5) and w[:2] in ("19", "20") and w[2:4].isdigit() and w[4:] in ("", "s"):
            p = v.head(y)
            if v.toks[y].dep in ("compound", "nummod", "amod") or v.lemma(p) == "of":
                # a dated deal: "the Camp David accords of 1978, brokered by", "the 1994 truce"
                old.update(v.subtree(v.head(p) if v.lemma(p) == "of" else p))
            if v.toks[p].pos == "PROPN" or v.lemma(p) in ("late", "early", "mid"):
                p = v.head(p)  # "in January 2021"
            if v.lemma(p) in ("in", "during"):
                dated.add(_clause_head(v, p))
        elif v.lemma(y) in ("year", "decade") and (
            any(v.lemma(k) == "last" for k in v.kids(y, "amod")) or v.lemma(v.head(y)) == "ago"
        ):
            dated.add(_clause_head(v, y))  # "brokered by Qatar last year", "two decades ago"
    return bool(words) and all(k in old or _clause_head(v, k) in dated for k in words)


def _signatories(v: ParseView, noun: int, linker: ActorLinker, exclude: set[str]) -> list[Actor]:
    """'Azerbaijan and Armenia signed a ceasefire under a deal mediated by Russia': the sides of
    a deal or talks (``noun``) a mediation participle describes are the subject of the verb the
    phrase ("under a deal", "at talks") belongs to, when it names two."""
    if v.toks[noun].dep != "pobj":
        return []
    verb = v.head(v.head(noun))
    for _ in range(2):  # "signed an accord under AU mediation": up through the object
        if v.toks[verb].pos == "VERB" or v.head(verb) == verb:
            break
        verb = v.head(verb)
    if v.toks[verb].pos != "VERB":
        return []
    sides = [a for k in v.kids(verb, "nsubj") for a in np_actors(v, k, linker)]
    sides = [a for a in {a.id: a for a in sides}.values() if a.id not in exclude]
    return sides if len(sides) >= 2 else []


def _locative_only(v: ParseView) -> set[str]:
    """Actors every mention of which in the sentence is a place."""
    places: set[str] = set()
    other: set[str] = set()
    for i, m in v.mention_of.items():
        hyphen = v.sent.text[m.end : m.end + 1] == "-"  # "at U.N.-sponsored talks": no place
        (places if is_locative(v, i) and not hyphen else other).add(m.actor.id)
    return places - other


def _speakers(v: ParseView) -> set[str]:
    """Persons who only speak in the sentence ("Foreign Minister X said the EU must be ready to
    mediate"): no side of the dispute."""
    toks: dict[int, list[int]] = {}
    for i, m in v.mention_of.items():
        if m.actor.kind == "person":
            toks.setdefault(id(m), []).append(i)
    out: set[str] = set()
    other: set[str] = set()
    for idxs in toks.values():
        m = v.mention_of[idxs[0]]
        speaking = any(v.toks[i].dep == "nsubj" and v.lemma(v.head(i)) in REPORTING for i in idxs)
        (out if speaking else other).add(m.actor.id)
    return out - other


def _titled_subjects(v: ParseView, linker: ActorLinker, exclude: set[str]) -> list[Actor]:
    """A mediation with no mediator in its own phrase ("efforts to broker a truce gathered
    pace as France's foreign minister arrived"): the state or IGO whose official is the
    subject of a clause of the sentence."""
    for i, t in enumerate(v.toks):
        if t.dep != "nsubj" or v.head(i) == i or v.toks[v.head(i)].dep == "ROOT":
            continue
        if i in v.mention_of and v.mention_of[i].actor.kind in ("country", "igo"):
            continue  # a bare state as subject is an actor of its own clause, not a title
        got = [
            a
            for a in np_actors(v, i, linker, others=False)
            if a.kind in ("country", "igo") and a.id not in exclude
        ]
        if got:
            return got
    return []
