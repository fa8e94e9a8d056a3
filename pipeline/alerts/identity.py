"""Who-did-what identity of an event: the blocking key, action classes and role matching.

Why a *blocking* key and not an exact identity: the novelty state lives in a Faust table that
is partitioned by key, so every sighting of one real-world event must land on one key even
when outlets report the roles partially ("North Korea accepts Russia's mediation" names the
mediator and one party of "Russia offers to mediate between the US and North Korea"). The key
therefore uses only the role that reports reliably name (sanctions: the target; mediation: the
mediator), and sightings under one key are matched fuzzily by :func:`roles_compatible`.

Action classes. Sanctions *relief* (ease, lift) is a class of its own, separate from
*pressure* (call, threaten, impose, extend): lifting sanctions on Iran is a new real-world
event an analyst wants to hear about, not an "update" of the imposition it reverses, and a
report of lifting must never be silenced as a repeat of an earlier imposition. Mediation has a
single class whose actions form a ladder (request/offer, accept, mediate, reject/halt).
Within a class, a higher rank is an escalation and fires an ``update`` alert.

Identity ids are coarser than canonical ids where reports vary for one actor: a person in an
acting role stands for their state (Lavrov -> RUS), an organ for its organisation (IGO:UNSC ->
IGO:UN, from the actor dictionary's ``parent``). Alerts still show the actors as detected.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from pipeline.schema import EVENT_TYPES, MEDIATION_ACTIONS, ROLES, SANCTIONS_ACTIONS, Actor, Event

#: action -> (class, rank). Rank orders the actions of one class by how far the event has gone.
ACTION_LADDER: dict[str, dict[str, tuple[str, int]]] = {
    "mediation": {
        "offer": ("mediation", 0),
        "request": ("mediation", 0),
        "accept": ("mediation", 1),
        "mediate": ("mediation", 2),
        "reject": ("mediation", 3),
        "halt": ("mediation", 3),
    },
    "sanctions": {
        "call": ("pressure", 0),
        "threaten": ("pressure", 1),
        "impose": ("pressure", 2),
        "extend": ("pressure", 3),
        "ease": ("relief", 0),
        "lift": ("relief", 1),
    },
}
assert set(ACTION_LADDER["mediation"]) == set(MEDIATION_ACTIONS)
assert set(ACTION_LADDER["sanctions"]) == set(SANCTIONS_ACTIONS)

#: The role that names the event reliably (the key), then the other one.
ANCHOR_ROLE = {"mediation": "mediator", "sanctions": "target"}
OTHER_ROLE = {"mediation": "parties", "sanctions": "sender"}

#: Two non-empty, non-nested actor sets of the other role still match at this Jaccard overlap
#: ({USA, GBR, EU} vs {GBR, EU, CAN} do; {USA, PRK} vs {PRK, KOR} do not).
MIN_ROLE_JACCARD = 0.5


class EventIdentityError(ValueError):
    """An event this module cannot place: the message names the offending field."""


def check_event(event: Event) -> None:
    """Reject events outside the contract vocabulary, so the agent dead-letters them."""
    if event.type not in EVENT_TYPES:
        raise EventIdentityError(f"Event.type is {event.type!r}, expected one of {EVENT_TYPES}")
    if event.action not in ACTION_LADDER[event.type]:
        allowed = tuple(ACTION_LADDER[event.type])
        raise EventIdentityError(
            f"Event.action is {event.action!r}, expected one of {allowed} for {event.type}"
        )
    unknown = set(event.roles) - set(ROLES[event.type])
    if unknown:
        raise EventIdentityError(
            f"Event.roles has {sorted(unknown)} not in {ROLES[event.type]} for {event.type}"
        )


def action_class(event_type: str, action: str) -> str:
    return ACTION_LADDER[event_type][action][0]


def action_rank(event_type: str, action: str) -> int:
    return ACTION_LADDER[event_type][action][1]


#: Roles whose persons stand for their state (Lavrov offering mediation is Russia offering it).
#: A sanctions *target* that is a person stays that person: designating an oligarch is another
#: event than sanctioning his country.
PERSON_AS_STATE_ROLES = frozenset({"mediator", "parties", "sender"})


@lru_cache(maxsize=1)
def _organ_parents() -> dict[str, str]:
    """Organ -> organisation (IGO:UNSC -> IGO:UN) from the actor dictionary, so "the UN
    imposed" and "the Security Council imposed" are one sender. Empty if it cannot load (the
    enrich stage fails loudly on that already; identity then just stays finer)."""
    try:
        from pipeline.nlp.actors import default_linker

        linker = default_linker()
    except Exception:  # the dictionary is another stage's input; never block alerts on it
        return {}
    parents: dict[str, str] = {}
    for actor_id in linker.actors:
        top, hops = linker.parent(actor_id), 0
        while top is not None and hops < 8:  # organ of an organ; a cycle cannot loop forever
            nxt = linker.parent(top)
            if nxt is None:
                break
            top, hops = nxt, hops + 1
        if top is not None:
            parents[actor_id] = top
    return parents


def identity_id(actor: Actor, role: str) -> str:
    """The id an actor has for event identity: persons in acting roles become their state,
    organs their organisation; everything else keeps its canonical id."""
    if actor.kind == "person" and actor.country and role in PERSON_AS_STATE_ROLES:
        return actor.country
    return _organ_parents().get(actor.id, actor.id)


def role_ids(event: Event) -> dict[str, list[str]]:
    """Identity ids by role (see :func:`identity_id`), sorted and de-duplicated, every role of
    the type present."""
    return {
        role: sorted({identity_id(a, role) for a in event.roles.get(role, []) if a.id})
        for role in ROLES[event.type]
    }


def event_key(event: Event) -> str:
    """The table key every sighting of one real-world event maps to.

    ``<type>|<anchor role>=<ids>``, e.g. ``sanctions|target=PRK`` or ``mediation|mediator=RUS``.
    When the anchor role is empty the other role stands in (``mediation|parties=PRK+USA`` for
    a request without a named mediator); with no actors at all, ``<type>|-``.
    """
    check_event(event)
    ids = role_ids(event)
    for role in (ANCHOR_ROLE[event.type], OTHER_ROLE[event.type]):
        if ids[role]:
            return f"{event.type}|{role}={'+'.join(ids[role])}"
    return f"{event.type}|-"


def sets_compatible(a: list[str], b: list[str]) -> bool:
    """Partial reports match: an empty side, a subset, or a large overlap."""
    sa, sb = set(a), set(b)
    if not sa or not sb or sa <= sb or sb <= sa:
        return True
    return len(sa & sb) / len(sa | sb) >= MIN_ROLE_JACCARD


def roles_compatible(a: dict[str, list[str]], b: dict[str, list[str]]) -> bool:
    """Every role compatible (see :func:`sets_compatible`)."""
    return all(sets_compatible(a.get(r, []), b.get(r, [])) for r in set(a) | set(b))


def role_overlap(a: dict[str, list[str]], b: dict[str, list[str]]) -> int:
    """How many actors two role maps share; ranks several compatible clusters."""
    return sum(len(set(a.get(r, [])) & set(b.get(r, []))) for r in set(a) | set(b))


def normalize_text(text: str) -> str:
    """Lower-case word characters separated by single spaces (NFKC first)."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def sighting_id(event: Event) -> str:
    """Stable id of one report of one event, so an at-least-once replay is recognised.

    The same article (id, else URL) with the same type, action, actors and evidence gives the
    same id; a revised article whose event changed gives a new one.
    """
    ids = role_ids(event)
    parts = [
        event.article_id or event.url,
        event.type,
        event.action,
        ";".join(f"{r}={'+'.join(ids[r])}" for r in sorted(ids)),
        normalize_text(event.evidence),
        "neg" if event.negated else "",
        "hyp" if event.hypothetical else "",
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
