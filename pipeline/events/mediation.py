"""The mediation frame: a mediation trigger, the action its governing words give, the
mediator(s) and the parties.

Why these rules: triggers are the mediat- words, "X-brokered"/"broker a deal", "good offices",
"go-between"/"intermediary", "facilitate talks" (or contacts between named sides), "X-sponsored
talks" or "X-led talks", talks "under the auspices of" X, "under X facilitation/sponsorship",
talks "hosted/sponsored/convened/chaired by" X, or X "acting as guarantor(s)" of talks (the
sides are the subject, also unnamed ones: "the Maoist rebels"), and a host of talks (a meeting,
a round) between two sides it names (the labelling convention: the host mediates, a mere venue
does not); a "broker" without a deal, truce or talks next to it (a stock broker) is not one, nor
is an institution ("the mediation centre") or a person's past role ("a former EU mediator"). The
action comes from cue words before the trigger in its clause (halt > reject/accept > request >
offer > mediate), or a halt verb after the named sides; welcoming or rejecting someone's offer
also reports the offer, and an offer turned down later in the sentence adds the rejection.
Mediation may name only some of its actors (local disputes); one that names nobody (no actor, or
only plain descriptions such as "the shipbuilder") is kept below the default confidence
threshold, since nobody could act on it. A dateline's place is no side. An absence ("met without
outside mediators") is no event.
"""

from __future__ import annotations

from pipeline.events import triggers as T
from pipeline.events.candidate import Candidate
from pipeline.events.cues import SETTLING_VERBS
from pipeline.events.modality import clause_start, modality
from pipeline.events.roles import (
    BOUNDARY_PUNCT,
    NON_SUBJECT_PREPS,
    SKIPPABLE,
    Mention,
    Sentence,
    agent_before,
    compound_pairs,
    dedupe,
    eligible_agent,
    phrase_actors,
    role_actor,
    with_coordinated,
)
from pipeline.nlp.actors import ActorLinker
from pipeline.schema import Actor

_CONFLICT_WORDS = {
    "conflict",
    "crisis",
    "dispute",
    "war",
    "standoff",
    "row",
    "talks",
    "rift",
    "tensions",
    "negotiations",
    "peace",
    "feud",
    "quarrel",
    "clash",
    "clashes",
}


def _is_mediation_trigger(s: Sentence, t: int) -> tuple[bool, bool]:
    """(is a trigger, is strong). 'immediately' never matches (whole tokens only)."""
    w = s.low[t]
    if T.MEDIATION_RE.match(w):
        return True, True
    if T.BROKER_RE.match(w):
        if t > 0 and s.low[t - 1] == "-":
            return True, True  # "UN-brokered"
        after = s.low[t + 1 : t + 7]  # "brokered a week-long ceasefire"
        if any(x in T.DEAL_WORDS for x in after):
            return True, True
        if any(x in T.DEAL_WORDS for x in s.low[max(0, t - 2) : t]):
            return True, True  # "a peace deal brokered by the AU", "talks brokered by Norway"
        if t > 0 and s.low[t - 1] in ("honest", "peace"):
            return True, True
        if _passive_of_deal(s, t):
            return True, True  # "a ceasefire between Thailand and Cambodia, brokered by X"
        return False, False
    if w in ("between", "betweens") and t > 1 and s.low[t - 1] == "-" and s.low[t - 2] == "go":
        return True, False  # "go-between", "the two main go-betweens"
    if w in T.INTERMEDIARY:
        near = s.low[max(0, t - 3) : t + 6]
        return ("between" in near or "as" in s.low[max(0, t - 3) : t]), False
    if w in T.FACILITATE and any(x in T.TALKS for x in s.low[t + 1 : t + 4]):
        return True, False
    if w in T.FACILITATE and any(x in ("contacts", "meetings") for x in s.low[t + 1 : t + 4]):
        # "facilitating secret contacts between the Philippine government and Moro rebels":
        # only with a named side ("contacts between the two carmakers" is business)
        b = next((k for k in range(t + 2, min(len(s.toks), t + 6)) if s.low[k] == "between"), None)
        return b is not None and any(s.mention_at(k) for k in range(b + 1, b + 6)), False
    if w in T.FACILITATE and _passive_of_deal(s, t):
        return True, False  # "signed an accord under talks facilitated by Norway"
    if w == "offices" and t > 0 and s.low[t - 1] == "good":
        return True, True
    if w in _HOST | _HOSTED_BY | T.FACILITATE and w != "called" and _talks_between(s, t):
        return True, False  # "X hosted (chaired, facilitated) talks between A and B": X mediates
    if w in _HOST and _offer_to_host(s, t):
        return True, False  # "ready to host talks if both sides agree"
    if w in _HELP and _helps_settle(s, t):
        return True, False  # "asked Brazil to help settle their border dispute"
    if w in UNDER_NOUNS and _MET & set(s.low) and (
        _lead(s, t, "under") is not None or (w == "auspices" and s.low[t + 1 : t + 2] == ["of"])
    ):
        return True, False  # "met under the auspices of the AU", "under U.N. moderation"
    if w in _HOSTED_BY and _passive_of_deal(s, t, _MET):
        return True, False  # "talks hosted by Malaysia's prime minister": as for auspices
    if w in _GUARANTORS and "as" in s.low[max(0, t - 3) : t] and _TALKED & set(s.low):
        return True, False  # "resumed talks, with Cuba and Norway acting as guarantors"
    if w in T.TALKS and t > 2 and s.low[t - 1] in _HOSTED_BY | {"led"} and s.low[t - 2] == "-":
        return True, False  # "U.N.-sponsored talks", "African Union-led talks"
    return False, False


_TALKED = T.TALKS | {"ceasefire", "truce", "negotiators", "delegates", "delegations"}
_MET = _TALKED | {"met", "meeting"}  # what two sides do under X (a cultural accord: a patron)
_HOST = {"host", "hosts", "hosted", "hosting"}
_FICTION = {"novel", "novels", "film", "films", "movie", "thriller", "screenplay", "fiction"}
_HOSTED = T.TALKS | {"meeting", "meetings", "round", "rounds"}
# who hosts, sponsors, convenes, chairs, steers or guarantees the talks of two named sides
# mediates ("talks called by the EU's foreign policy chief")
_HOSTED_BY = {"hosted", "sponsored", "convened", "chaired", "steered", "called", "moderated"}
# what two sides meet under: a third party's auspices, chair or sponsorship ("under Arab League
# auspices", "under the chairmanship of Ghana's president", "under U.N. moderation")
UNDER_NOUNS = {"auspices", "facilitation", "sponsorship", "chairmanship", "moderation", "aegis"}
_GUARANTORS = {"guarantor", "guarantors"}


_HELP = {"help", "helps", "helped", "helping"}
# what a third party helps two sides do: settle a quarrel, find a compromise, come to the table
_SETTLE_OR_BRING = {*SETTLING_VERBS, "broker"}  # the verbs the pre-filter passes
_SETTLED = _CONFLICT_WORDS | {"compromise", "solution", "table", "differences"}


def _helps_settle(s: Sentence, t: int) -> bool:
    """'help A and B settle their dispute', 'help bring the rebels to the negotiating table',
    'help broker the return of refugees': helping sides settle a conflict is mediation; helping
    a side fight, rebuild or pay ("help Kyiv end the war", "help the firm settle its debts")
    is not. A settling verb (or "bring") and a conflict noun after it, in one clause."""
    end = next((k for k in range(t + 1, len(s.toks)) if s.low[k] in BOUNDARY_PUNCT), len(s.toks))
    verb = next((k for k in range(t + 1, min(end, t + 10)) if s.low[k] in _SETTLE_OR_BRING), None)
    if verb is None:
        return False
    if s.low[verb] == "bring":  # only "bring (A and B) to the (negotiating) table"
        return "table" in s.low[verb + 1 : min(end, verb + 12)]
    return any(x in _SETTLED for x in s.low[verb + 1 : min(end, verb + 7)])


_OFFERED_TO_HOST = _HOSTED | {"conference", "leaders", "summit"}


def _offer_to_host(s: Sentence, t: int) -> bool:
    """'ready to host talks if both sides agree', 'offered to host the leaders of A and B': an
    offer to host names its sides anywhere in the sentence (checked later, as for hosts)."""
    return _cue(s, t, T.OFFER_CUES, 4) is not None and bool(
        _OFFERED_TO_HOST & set(s.low[t + 1 : t + 5])
    )


def _factions(s: Sentence, t: int) -> Mention | None:
    """'Liberia's warring factions met under ...', 'Lebanon's Christian and Muslim deputies,
    meeting under ... to end the civil war': the sides are groups of one state in conflict,
    named by its possessive at the head of the sentence (one named party suffices); not "Brazil's
    cabinet met under the chairmanship of the president"."""
    m = next((x for x in s.mentions if x.first < t), None)  # the first named: the subject's
    if m is None or not m.possessive or m.actor.kind != "country":
        return None
    plural = any(w.endswith("s") for w in s.low[m.last + 1 : m.last + 5])
    conflict = (_CONFLICT_WORDS | {"warring", "rival", "factions"}) & set(s.low)
    return m if plural and conflict else None


def _lead(s: Sentence, t: int, word: str) -> int | None:
    """Index of ``word`` before the trigger, past the named actors: "under Saudi and U.S.
    sponsorship", "agreed to let Brazil, Chile and the United States mediate"."""
    k = t - 1
    while k >= 0 and (s.mention_at(k) is not None or s.low[k] in (",", "and", "the", "joint")):
        k -= 1
    return k if k >= 0 and s.low[k] == word else None


def _side(s: Sentence, m: Mention) -> bool:
    """A side before the sponsor: no venue ("met in Vienna"), unless "negotiators for Bogota"."""
    if m.first == 0 or s.low[m.first - 1] not in NON_SUBJECT_PREPS:
        return True
    return m.first > 1 and s.low[m.first - 2] in _TALKED


def _talks_between(s: Sentence, t: int) -> bool:
    """Talks (a few words after ``t``) between named sides: not a venue ("talks in Riyadh")."""
    for j in range(t + 1, min(len(s.toks), t + 5)):
        if s.low[j] in _HOSTED:
            k = next((k for k in range(j + 1, j + 4) if s.low[k : k + 1] == ["between"]), None)
            # "between his ministers", "between its ministry and a firm": the host's own
            return k is not None and s.low[k + 1 : k + 2] not in (["his"], ["her"], ["its"])
    return False


def _passive_of_deal(s: Sentence, t: int, nouns: set[str] = T.DIPLOMATIC_DEALS) -> bool:
    """'<truce> ..., brokered by X': a passive participle with its agent, a few words after
    the truce or talks it brokered (across a "between" phrase and a comma); only diplomatic
    nouns, as "the deal between the two carmakers, brokered by a bank" is business."""
    if t + 1 >= len(s.toks) or s.low[t + 1] != "by":
        return False
    for i in range(t - 1, max(-1, t - 13), -1):  # "talks between A and B over X, chaired by"
        if s.low[i] in nouns:
            return True
        if s.low[i] in (".", ";", ":", "said", "says", "told"):
            return False
    return False


_MEDIATION_INSTITUTIONS = {
    "center",
    "centre",
    "centers",
    "centres",
    "service",
    "services",
    "clause",
    "clauses",
    "board",
    "law",
    "laws",
    "rules",
    "fee",
    "fees",
    "scheme",
    "programme",
    "program",
    "training",
    "skills",
    "firm",
}


def mediation_candidates(s: Sentence, n_sent: int, linker: ActorLinker) -> list[Candidate]:
    """Mediation events of one sentence (before the document-level merge)."""
    out: list[Candidate] = []
    for t in range(len(s.toks)):
        ok, strong = _is_mediation_trigger(s, t)
        if ok and _absent(s, t):
            continue  # "met without (formal outside) mediators"
        if ok and s.low[t + 1 : t + 2] and s.low[t + 1] in _MEDIATION_INSTITUTIONS:
            continue  # "the mediation center", "a mediation clause": an institution
        if ok and _former(s, t):
            continue  # "a former EU mediator in the Kosovo talks published a memoir": a CV
        if ok:
            out += _mediation_at(s, t, n_sent, linker, strong)
    return out


# modifiers between "without"/"no" and the trigger: "without formal outside mediators"
_ABSENT_MODS = {"outside", "formal", "foreign", "external", "international", "any", "third", "-"}
_ABSENT_MODS |= {"party", "official", "direct", "need", "for", "to"}


def _absent(s: Sentence, t: int) -> bool:
    """The text says there was no mediation ("met without outside mediators", "no foreign
    mediation", "saw no need for mediators", "nothing to mediate"): an absence is no event
    (not even a negated one); "no good offices" aside."""
    if s.low[t] == "offices":
        return False
    k = t - 1
    while k >= 0 and t - k <= 3 and s.low[k] in _ABSENT_MODS:
        k -= 1
    return k >= 0 and s.low[k] in ("without", "no", "nothing")


_FORMER = {"former", "ex", "ex-", "onetime", "one-time", "erstwhile", "retired"}


def dateline_place(s: Sentence, linker: ActorLinker) -> set[str]:
    """The place of a dateline ("KAMPALA, Aug 4 (AFP) - ..."): a capitalised mention opening
    the sentence before a dash, which is where the story was filed, not a side (unless the
    story names that actor again)."""
    m = s.mention_at(0)
    if m is None or not m.text.isupper() or "-" not in s.low[m.last + 1 : m.last + 9]:
        return set()
    aid = role_actor(m, linker).id
    again = any(x is not m and role_actor(x, linker).id == aid for x in s.mentions)
    return set() if again else {aid}


def _former(s: Sentence, t: int) -> bool:
    """A 'former (EU) mediator', 'an ex-mediator', 'a former senior U.N. mediator' describes a
    person's past role, not a mediation under way."""
    k = t - 1
    while k >= 0 and (
        s.mention_at(k) is not None or s.low[k] in ("-", "chief", "special", *SKIPPABLE)
    ):
        k -= 1
    return k >= 0 and s.low[k] in _FORMER


def _cue(s: Sentence, t: int, words: set[str], window: int) -> int | None:
    """The nearest of ``words`` in the ``window`` words before ``t`` in its clause; a name is
    one word ("rejected an offer from the Association of Southeast Asian Nations to mediate")."""
    lo = t
    for _ in range(window):
        lo = max(0, lo - 1)
        if (m := s.mention_at(lo)) is not None:
            lo = m.first
    lo = max(clause_start(s, t, split_and=False), lo)
    for i in range(t - 1, lo - 1, -1):
        if s.low[i] in words:
            return i
    return None


_REFUSED = {"not", "never", "n't", "longer"}
_SUBORDINATE = {"that", "which", "who", "after", "before", "when", "since", "until", "because"}


def _mediation_action(s: Sentence, t: int) -> tuple[str, int, bool]:
    """(action, index of the cue or trigger, offer also stated)."""
    noun = s.low[t].startswith("mediation") or s.low[t] in T.TALKS | {"offices"}
    t0 = t
    if compound := _compound_mediators(s, t):  # cues before "the Saudi- and U.S.-mediated talks"
        t = compound[0].first
    halt = _cue(s, t, T.HALT_CUES, 6)
    if halt is None and noun:
        # "mediation between A's government and the rebel groups collapsed": the verb comes
        # after the sides; a subordinate clause ("after the talks failed") is another event
        for j in range(t0 + 1, min(len(s.toks), t0 + 20)):
            if s.low[j] in T.HALT_AFTER or s.low[j - 1 : j + 1] == ["on", "hold"]:
                halt = j
                break
            if s.low[j] in BOUNDARY_PUNCT or s.low[j] in _SUBORDINATE:
                break
    if (
        halt is None
        and s.low[t0].startswith("mediator")
        and s.low[t0 + 1 : t0 + 2]
        and (s.low[t0 + 1] in T.HALT_CUES)
    ):
        halt = t0 + 1  # "IGAD mediators suspended the talks"
    if halt is None:
        off = _cue(s, t, {"off"}, 6)  # "called off its mediation", "broke off the talks"
        if off is not None and off > 0 and s.low[off - 1] in T.HALT_BEFORE_OFF:
            halt = off - 1
    if halt is None:
        aside = _cue(s, t, {"aside", "down"}, 4)  # "would step aside as mediator"
        if aside is not None and aside > 0 and s.low[aside - 1] in T.HALT_BEFORE_ASIDE:
            halt = aside - 1
    offer = _cue(s, t, T.OFFER_CUES, 8)
    if offer is None and any(x in ("offer", "offers", "proposal") for x in s.low[t0 + 1 : t0 + 3]):
        offer = t
    if halt is not None:
        return "halt", halt, False
    # "a proposal for French mediation" is someone's suggestion: it states no offer by France
    offer_too = offer is not None and s.low[offer + 1 : offer + 2] != ["for"]
    # the offer noun carries the answer to it: "rejected on Friday an offer by X to mediate"
    offered = offer if offer is not None and offer < t and s.low[offer] in _OFFER_NOUNS else None
    reject = _cue(s, t, T.REJECT_CUES, 8)
    if reject is None and offered is not None:
        reject = _cue(s, offered, T.REJECT_CUES, 6)
    if reject is None:
        down = _cue(s, t, {"down"}, 8)
        if (
            down is not None
            and down > 0
            and s.low[down - 1] in ("turned", "turns", "turn", "turning")
        ):
            reject = down - 1
    if reject is not None:
        return "reject", reject, offer_too
    accept = _cue(s, t, T.ACCEPT_CUES, 8)
    a = t if accept is None else accept
    if s.low[a].startswith("agree") and (_AGREED_DEALS & set(s.low[a:t]) or "to" not in s.low[a:t]):
        accept = None  # "agreed to a ceasefire in talks hosted by X": the deal is agreed
    if accept is None and offered is not None:
        accept = _cue(s, offered, T.ACCEPT_CUES, 6)  # "accepted on Tuesday the offer of X"
    let = _lead(s, t, "let")  # "agreed to let Brazil, Chile and Peru mediate": they accept
    if accept is None and let is not None:
        accept = _cue(s, let, T.ACCEPT_CUES, 6)
    before = s.low[max(0, accept - 2) : accept] if accept is not None else []
    if accept is not None and (
        "no" in s.low[accept + 1 : t]  # "would accept no further mediation"
        or (_REFUSED & set(before) and "yet" not in before)  # "would no longer accept"
    ):
        return "reject", accept, False  # ("has not yet accepted" is still open)
    if accept is not None:  # "agreed to U.S.-mediated talks": a party accepts
        agreed = s.low[accept].startswith("agree") and s.low[t + 1 : t + 2] != ["by"]
        if agreed and not noun and t == t0 and offer is None and let is None:
            return "offer", accept, False  # "Qatar agreed to mediate": the mediator commits
        return "accept", accept, offer_too
    # "asked the U.N. secretary-general on Monday to appoint a mediator": the asked and the
    # adjuncts stand between the request verb and its infinitive
    request = _cue(s, t, T.REQUEST_CUES, 16 if "to" in s.low[max(0, t - 4) : t] else 10)
    if request is None:
        c = _cue(s, t, T.CALL_VERBS, 8)
        if c is not None and c + 1 < len(s.toks) and s.low[c + 1] in ("for", "on", "upon"):
            request = c
    if request is not None:
        return "request", request, False
    if (
        offer is not None
        and s.low[offer + 1 : offer + 2] == ["to"]
        and _JOIN & set(s.low[offer + 2 : offer + 3])
    ):
        return "accept", offer, False  # "ready to join talks mediated by X": a party
    if offer is not None:
        return "offer", offer, False
    return "mediate", t, False


# what sides agree to in talks ("agreed to a prisoner swap at U.N.-sponsored talks"): no accept
_AGREED_DEALS = T.DEAL_WORDS - T.TALKS - {"reconciliation"}
# "ready to <join> talks mediated by X" is a side's readiness to take part, not an offer
_JOIN = {"join", "attend", "resume", "enter", "rejoin"}


_OFFER_NOUNS = {
    "offer",
    "offers",
    "proposal",
    "proposals",
    "initiative",
    "plan",
    "bid",
    "mediation",
    "efforts",
    "effort",
    "call",
    "calls",
    "good",
    "role",
}


def _mediator(s: Sentence, t: int, action: str, cue: int, linker: ActorLinker) -> list[Mention]:
    # "asked the African Union to mediate", "urged France to step in as a mediator"
    if action == "request" and s.low[cue] not in ("must", "should", "need", "needs", "ought"):
        asked = s.low[cue + 1 : cue + 2] == ["for"]  # "a call (plea) for the UN to mediate"
        between = [x for x in s.mentions if cue < x.first < t and (asked or eligible_agent(s, x))]
        if between:
            return with_coordinated(s, between[-1], cue + 1)
    # "mediation ... was suspended by the African Union": who halts it, unless a side
    passive = s.low[cue - 1 : cue] in (["was"], ["were"]) and s.low[cue + 1 : cue + 2] == ["by"]
    if action == "halt" and cue > t and passive:
        m = s.mention_at(cue + 2 + (s.low[cue + 2 : cue + 3] == ["the"]))
        sides = {a.id for a in _parties(s, t, set(), linker)}
        if m is not None and role_actor(m, linker).id not in sides:
            return [m]
    if compound := _compound_mediators(s, t):
        return compound
    # "an offer by ASEAN to mediate", "a proposal from Egypt to mediate"
    for i in range(t - 1, max(-1, t - 12), -1):
        if s.low[i] in ("by", "from") and i > 0 and s.low[i - 1] in _OFFER_NOUNS:
            k = i + 1
            while k < t and s.low[k] in ("the", "a"):
                k += 1
            if s.mention_at(k) is not None:
                return _with_following(s, s.mention_at(k))  # type: ignore[arg-type]
    # "mediated by X", "mediation of X", "brokered by X", "mediation efforts by X"
    by = t + 1 + (s.low[t + 1 : t + 2] != [] and s.low[t + 1] in _OFFER_NOUNS)
    if by < len(s.toks) and s.low[by] in ("by", "of", "from"):
        k = by + 1
        while k < len(s.toks) and s.low[k] in ("the", "a", "an"):
            k += 1
        m = s.mention_at(k)
        if m is not None:
            return _with_following(s, m)  # "sponsored by Saudi Arabia and the United States"
    # "an Ethiopian mediator", "UN mediators", "Egyptian mediation", "Russia's mediation"
    k = t - 1
    while k >= 0 and s.low[k] in ("a", "an", "the", "chief", "top", "special", "lead"):
        k -= 1
    m = s.mention_at(k) if k >= 0 else None
    if m is not None and (m.possessive or m.category == "demonyms" or k == t - 1):
        if s.low[m.first - 1 : m.first] in (["its"], ["their"]) and not m.possessive:
            return agent_before(s, m.first)  # "the UN put its Yemen mediation": the topic
        return with_coordinated(s, m)
    # "Putin's offer to mediate", "an Egyptian proposal to mediate", "Turkey's mediation"
    lo = clause_start(s, t, split_and=False)
    for i in range(t - 1, max(lo, t - 8) - 1, -1):
        pm = s.mention_at(i)
        if pm is None or pm.last != i:
            continue
        nxt = s.low[i + 1 : i + 3]
        if (pm.possessive or pm.category == "demonyms") and any(x in _OFFER_NOUNS for x in nxt):
            return [pm]
        if nxt[:1] and nxt[0] in _OFFER_NOUNS and s.low[pm.first - 1] in ("a", "an", "the"):
            return [pm]  # "turned down a U.S. offer to mediate"
    if action in ("accept", "reject"):
        # "would no longer accept Washington as a mediator", "rejected Algeria as mediator"
        k = t - 3 if s.low[t - 1 : t] == ["-"] else t - 1  # past "go-" of "go-between"
        while k > 0 and s.low[k] in ("a", "an", "the"):
            k -= 1
        m = s.mention_at(k - 1) if s.low[k] == "as" and k > cue else None
        return with_coordinated(s, m) if m is not None else []
    if action == "request":
        if s.low[cue] in ("must", "should", "need", "needs", "ought"):
            return agent_before(s, cue)
        return []
    # "ready to host talks between A and B and to act as a mediator": not A or B
    b = next((i for i in range(t - 1, -1, -1) if s.low[i] == "between"), t)
    sides = {m.actor.id for m in s.mentions if b < m.first < t}
    return agent_before(s, t, exclude=sides)


_COMPOUND_VERBS = {"led", "sponsored", "backed", "hosted", "facilitated", "run"}


def _compound_mediators(s: Sentence, t: int) -> list[Mention]:
    """The mediators compounded with the trigger: "UN-brokered", "Qatari-mediated", "AU-led
    mediation", "U.S.-sponsored talks", also coordinated: "the Saudi- and U.S.-sponsored
    negotiations" (both sponsor them)."""
    k = t - 1 if s.low[t - 1 : t] == ["-"] else t - 2
    if k < 1 or s.low[k] != "-" or (k == t - 2 and s.low[t - 1] not in _COMPOUND_VERBS):
        return []
    out: list[Mention] = []
    while (m := s.mention_at(k - 1)) is not None and m not in out:
        out.insert(0, m)
        k = m.first - 1  # on past "Saudi- and" to the first of the list
        if s.low[k - 1 : k + 1] != ["-", "and"] and s.low[k - 1 : k + 1] != ["-", ","]:
            break
        k -= 1
    return out


_OFFERED = {"offer", "proposal", "idea", "overture", "it", "request", "plea", "call"}
_WELCOMED = {"welcomed", "welcomes", "accepted", "accepts", "embraced", "endorsed"}


def _later_answer(s: Sentence, t: int, linker: ActorLinker) -> tuple[str, list[Actor]] | None:
    """Who answers the offer or request after the trigger, and how: "X's offer to mediate was
    turned down by Kyiv" (or "was welcomed by both sides"), "X offered his good offices, but
    Reykjavik turned the offer down", "a request India dismissed", "a request the rebels
    welcomed"; None if no one. Only an answer to the offer itself counts ("rejected the offer",
    a passive right after it, the offer noun as the answer's object), not any later "rejected"
    ("..., but Y rejected the charges")."""
    for j in range(t + 1, len(s.toks)):
        w = s.low[j]
        turned = w == "turned" and "down" in s.low[j + 1 : j + 4]
        if not (turned or w in _WELCOMED or (w in T.REJECT_CUES and w not in ("ruled", "rules"))):
            continue
        action = "accept" if w in _WELCOMED else "reject"
        if s.low[j - 1] in ("was", "were", "been"):  # passive: the answer follows "by"
            by = next((k for k in range(j + 1, min(len(s.toks), j + 4)) if s.low[k] == "by"), None)
            who = phrase_actors(s, by + 1, linker, limit=6) if by else []
            both = by is not None and "sides" in s.low[by + 1 : by + 4]  # "by both sides"
            return (action, who) if who or both else None
        if _OFFERED & set(s.low[j + 1 : j + 4]):
            who = [role_actor(m, linker) for m in agent_before(s, j, lo=t + 1)]
            return (action, who) if who else None
        # the offer noun as the object before its answerer: "a request (that) India dismissed"
        n = next((k for k in range(j - 1, max(t, j - 6), -1) if s.low[k] in _OFFERED), None)
        n = n + 1 if n is not None and s.low[n + 1] in ("that", "which") else n
        who = phrase_actors(s, n + 1, linker, limit=j - n - 1) if n is not None else []
        return (action, who) if who else None
    return None


def for_igo(s: Sentence, c: Candidate, linker: ActorLinker) -> None:
    """A person acting for an IGO mediates for it, not for their own state, which is no side
    either: "Algeria's president, on behalf of the OAU", "a Swiss diplomat working for the United
    Nations", "acting as chairman of ECOWAS", "steered by X, a Finnish diplomat acting for the
    U.N." (after the parse, which reads the person's state)."""
    acting = (["working", "for"], ["acting", "as"], ["acting", "for"])
    for i in range(len(s.toks) - 2):
        if s.low[i : i + 3] == ["on", "behalf", "of"] or s.low[i : i + 2] in acting:
            igo = next((m for m in map(s.mention_at, range(i + 2, i + 7)) if m), None)
            if igo is None or igo.actor.kind != "igo":
                continue
            own = {
                role_actor(m, linker).id
                for m in s.mentions
                if i - 7 < m.last < i and (m.possessive or m.category == "demonyms")
            }
            named = {a.id for a in c.roles["mediator"] if a.kind != "person"}
            if own >= named and (own or c.roles["mediator"]):  # also the person by name
                c.roles["mediator"] = [role_actor(igo, linker)]
            c.roles["parties"] = [a for a in c.roles["parties"] if a.id not in own]
            return


def _with_following(s: Sentence, m: Mention) -> list[Mention]:
    """``m`` and the states or IGOs coordinated after it: "a proposal by Brazil and China"."""
    out = [m]
    i = m.last + 1
    while i + 1 < len(s.toks) and s.low[i] in ("and", ","):
        j = i + 1 + (s.low[i + 1] == "the" and s.mention_at(i + 1) is None)
        nxt = s.mention_at(j)
        if nxt is None or nxt.first != j or nxt.actor.kind not in ("country", "igo"):
            break
        if nxt.category == "demonyms" or (s.low[i] == "," and s.low[0] == "under"):
            break  # "brokered by Qatar and Egypt, the Sudanese army", "Under X's auspices, A"
        out.append(nxt)
        i = nxt.last + 1
    return out


def _parties(s: Sentence, t: int, mediator_ids: set[str], linker: ActorLinker) -> list[Actor]:
    out: list[Actor] = []
    for i, w in enumerate(s.low):
        if w in ("between", "among"):  # "a truce among the island's factions and the state"
            out += phrase_actors(s, i + 1, linker)
    out += compound_pairs(s, linker)
    if s.low[t] in _HELP:  # "help Tajikistan's government and the opposition find a compromise"
        out += phrase_actors(s, t + 1, linker)
    if s.low[t + 1 : t + 2] in (["for"], ["to"]):
        # "a go-between for Washington and Tehran", "its good offices to A and B"; one side is
        # a remit ("envoy for Syria", "mediator to Sudan")
        sides = phrase_actors(s, t + 2, linker)
        out += sides if len(sides) >= 2 else []
    # "mediate with Djibouti", "mediation efforts with the truckers", "in its dispute with X"
    for j in range(t + 1, min(len(s.toks), t + 14)):  # "mediation by X in its row with Y"
        if s.low[j] in BOUNDARY_PUNCT or s.low[j] == ".":
            break
        if s.low[j] == "with":
            out += phrase_actors(s, j + 1, linker)
            break
        if (
            s.low[j] == "in"
            and s.low[t] not in T.TALKS  # "talks in Geneva": a venue
            and s.low[t - 1 : t] != ["-"]  # "Norway-mediated talks in Barbados": likewise
            and j <= t + 3
            and j + 1 < len(s.toks)
            and s.low[j + 1] not in ("its", "their")
        ):
            # "in the Kashmir crisis", "in Egyptian political conflict"
            k = j + 1
            while k < len(s.toks) and s.low[k] in ("the", "a"):
                k += 1
            m = s.mention_at(k)
            if m is not None and (
                m.category != "demonyms"
                or any(x in _CONFLICT_WORDS for x in s.low[m.last + 1 : m.last + 4])
            ):
                out.append(role_actor(m, linker))
                break
            # "mediate in his standoff with opposition governors": on to the "with"
    return [a for a in dedupe(out) if a.id not in mediator_ids]


def _mediation_at(
    s: Sentence, t: int, n_sent: int, linker: ActorLinker, strong: bool
) -> list[Candidate]:
    action, cue, offer_too = _mediation_action(s, t)
    mediators = _mediator(s, t, action, cue, linker)
    mediator_actors = dedupe([role_actor(m, linker) for m in mediators])
    med_ids = {a.id for a in mediator_actors}
    parties = _parties(s, t, med_ids, linker)
    dateline = dateline_place(s, linker)
    unnamed: list[Actor] = []
    if action in ("accept", "reject", "halt") or (action == "request" and len(parties) < 2):
        # who accepts, rejects, quits or asks for mediation is (usually) a side of the dispute
        # (a mediator who quits is already in ``med_ids``)
        subj = [role_actor(m, linker) for m in agent_before(s, cue, exclude=med_ids)]
        if not subj:  # "M23 rebels refused to attend talks": a side the dictionary lacks
            c = clause_start(s, cue, split_and=False)
            unnamed = [a for a in phrase_actors(s, c, linker, limit=cue - c) if a.kind == "other"]
        parties = dedupe(subj + unnamed + parties)
        if len(parties) == 1:  # the other side: the one the row is "with", later on
            for j in range(t + 1, len(s.toks) - 1):
                if s.low[j] == "with" and s.low[j - 1] in _CONFLICT_WORDS | {"issues"}:
                    parties += phrase_actors(s, j + 1, linker)  # "..., saying the row with X"
        parties = [a for a in dedupe(parties) if a.id not in med_ids]
    parties = [a for a in parties if a.id not in dateline]
    if action == "request" and "whether" in s.low[max(0, cue - 6) : cue]:
        return []  # "a hearing on whether the U.N. should appoint a mediator": a question
    under = s.low[t] in _GUARANTORS | UNDER_NOUNS or (
        s.low[t] in _HOSTED_BY and s.low[t + 1 : t + 2] == ["by"]
    )
    if under and len(parties) < 2:
        # "Ethiopian and Eritrean delegates resumed talks under the auspices of": the subject
        c = clause_start(s, t, split_and=False)
        while c > 1 and s.low[c - 1] == "," and s.mention_at(c - 2) is not None:
            c = clause_start(s, c - 2, split_and=False)  # "with Cuba, Norway and Venezuela"
        if s.low[c : c + 1] == ["with"] and c > 1:  # "..., with Norway acting as guarantor"
            c = clause_start(s, c - 1, split_and=False)
        end = t
        if s.low[c] == "under" and "," in s.low[t:]:  # "Under the auspices of X, A and B signed"
            c = s.low.index(",", t) + 1
            end = next((k for k in range(c, len(s.low)) if s.low[k] in BOUNDARY_PUNCT), len(s.low))
        subj = [role_actor(m, linker) for m in s.mentions if c <= m.first < end and _side(s, m)]
        if s.mention_at(c) is not None:  # "Nepal's government and the Maoist rebels resumed"
            subj += [a for a in phrase_actors(s, c, linker) if a.kind == "other"]
        parties = [a for a in dedupe(parties + subj) if a.id not in med_ids]
    if s.low[t] in _HOST and action == "offer" and len(parties) < 2:  # the sides of the offer
        parties += [role_actor(m, linker) for m in s.mentions if s.low[m.first - 1] != "in"]
        parties = [a for a in dedupe(parties) if a.id not in med_ids | dateline]
    if under and len(parties) < 2 and (faction := _factions(s, t)) is not None:
        parties = dedupe([*parties, role_actor(faction, linker)])
    elif (s.low[t] in _HOST or under) and len(parties) < 2:
        return []  # a host of talks mediates only between two sides it names
    if not parties and _FICTION & set(s.low):
        return []  # "her novel follows a U.N. mediator": a story, not an event
    if not parties or parties == unnamed:  # no side, or only the unnamed subject
        parties += [
            role_actor(m, linker)
            for m in s.mentions
            if eligible_agent(s, m)
            and role_actor(m, linker).id not in med_ids
            and role_actor(m, linker).kind in ("country", "igo", "org")
        ]
        parties = [a for a in dedupe(parties) if a.id not in dateline]
    # negated: the words before the cue ("has not suspended", "refused to"); mediation is
    # stated with infinitives ("offered to mediate", "trying to mediate"): only a modal or a
    # condition makes it hypothetical, as for an offer
    negated, hypothetical = modality(s, cue, "offer")
    if action == "reject" and s.low[cue] in T.ACCEPT_CUES:
        negated = False  # "would not accept mediation" is the rejection itself
    cond = next((w for w in s.low[cue:] if w in ("if", "unless")), None)
    # "mediated ... and will again if" was done; "offered to mediate if both agree" is an offer
    done = (action == "mediate" and s.low[t].endswith("ed")) or s.low[cue].startswith("offer")
    if cond and s.low[s.low.index(cond, cue) - 1] == "only":
        done = False  # "offered to mediate, but only if both sides asked": still a condition
    if (
        cond
        and action in ("offer", "mediate", "accept")
        and not done
        and not (negated and cond == "if")
    ):
        # "ready to mediate if both sides ask", "would not mediate unless asked": an offer on
        # a condition is hypothetical (all labelled sets agree), and "not ... unless" offers
        negated, hypothetical = False, True
    # only named actors count: "a mediator ... between the shipbuilder and the ferry operator"
    # (plain OTHER descriptions) names nobody an analyst could act on
    named_mediator, named_parties = (
        any(a.id != "OTHER" for a in x) for x in (mediator_actors, parties)
    )
    conf = 0.6 + (0.15 if named_mediator else 0.0) + (0.1 if named_parties else 0.0)
    conf += 0.05 if strong else -0.08
    if not named_mediator and not named_parties:
        conf -= 0.2  # names nobody: not actionable, below the default threshold
    evidence = s.text.strip()
    base = dict(negated=negated, hypothetical=hypothetical, evidence=evidence, sentence=n_sent)
    cands = [
        Candidate(
            type="mediation",
            action=action,
            roles={"mediator": mediator_actors, "parties": parties},
            confidence=conf,
            weak=action == "mediate",
            **base,  # type: ignore[arg-type]
        )
    ]
    states = any(a.kind in ("country", "igo") for a in mediator_actors + parties)
    answered = action in ("offer", "mediate", "request") and states
    answer = _later_answer(s, t, linker) if answered else None
    if answer is not None:
        sides = dedupe(answer[1] + parties)
        cands.append(
            Candidate(
                type="mediation",
                action=answer[0],
                roles={"mediator": list(mediator_actors), "parties": sides},
                confidence=conf,
                **base,  # type: ignore[arg-type]
            )
        )
    if offer_too and mediator_actors:
        cands.append(
            Candidate(
                type="mediation",
                action="offer",
                roles={"mediator": list(mediator_actors), "parties": list(parties)},
                confidence=conf - 0.05,
                **base,  # type: ignore[arg-type]
            )
        )
    return cands
