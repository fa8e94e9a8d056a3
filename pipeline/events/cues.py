"""The cheap word filter for sentences that can carry a mediation or sanctions event.

Why one shared pattern: the enrich stage parses only the sentences this pattern finds (the
parse is costly), and event detection reads parse-based frames only there; keeping one
definition means no sentence is parsed for nothing and none that can carry an event is skipped.
It is wide on purpose (the frames decide), covering the sanctions scope of the contract:
sanctions, embargoes, trade and travel bans, tariffs and duties, asset freezes, aid cut-offs,
suspended transport links, blockades and state boycotts, and the mediation words.

:data:`PARSE_READ` is the narrower condition under which a parse can change a sentence's
events at all: the token rules fire only on the sanction and mediation words, and the
parse-only frames (``pipeline.events.measures.measure_candidates``, the shuttle frame in
``pipeline.events.parsed``) only on the lemmas of ``CUT_VERBS``, ``MEASURE_NOUNS`` and
"shuttle". A sentence with a weak cue alone ("Aid agencies said ...") cannot yield an event, so
the enrich stage does not parse it; ``tests/unit/test_events_parse.py`` keeps the two in step.
"""

from __future__ import annotations

import re

# words that make a mediation only with two sides in the sentence: a host of talks between
# them, "U.N.-sponsored talks" between them, talks "under the auspices of" a third party (or
# sponsored, convened, chaired, steered, called or led by it, with guarantors)
_TWO_SIDED_WORDS = r"\bhost(?:s|ed|ing)?\b|sponsor(?:ed|ship)\b|\bauspices\b|-led\b|\bconvened\b"
_TWO_SIDED_WORDS += r"|\bchairmanship\b|\bmoderation\b|\baegis\b"
_TWO_SIDED_WORDS += r"|\bchaired\b|\bguarantors?\b|\b(?:steered|called|moderated) by\b"
# a third party helping two sides settle ("asked Brazil to help settle their dispute")
# (the token rule in mediation.py reads the same verbs, plus "broker", a trigger of its own)
SETTLING_VERBS = ("settle", "resolve", "defuse", "reconcile", "bridge", "find", "bring")
_HELP_SETTLE = r"\bhelp(?:s|ed|ing)?\b[^.;,]{0,80}?\b(?:" + "|".join(SETTLING_VERBS) + ")"

# a third party going between the sides ("flew between the capitals", "relaying proposals")
_GOING_BETWEEN = r"\b(?:fl(?:ew|y|ies|ying)|travel\w*|commut\w*) between\b|\brelay(?:s|ed|ing)?\b"

EVENT_CUE = re.compile(
    r"sanction|embargo|boycott|blacklist|blockad|mediat|broker|intermediar|good offices"
    r"|facilitat|go-between|shuttl|\bfr(?:o|ee)z|\bban(?:s|ned|ning)?\b|\bbar(?:s|red|ring)?\b"
    r"|tariff|\bdut(?:y|ies)\b|\baid\b|assistance|\bsupport\b|\bflights?\b|\bimport(?:s|ing)?\b"
    r"|\bexport(?:s|ing)?\b|\blinks\b|\bentity list|\btrade\b|\bvisas?\b|\bentry\b|restrict"
    r"|\bcurbs?\b|\bcaps?\b|penalt|\bsales\b|\bskies\b|\bcommerce\b"
    r"|\bmeasures\b|\bsuspend|\bcontacts?\b|\bhalt|\bpaus|airspace|\bcut(?:s|ting)? off\b"
    r"|\bsuppl(?:y|ies)\b|surtax|surcharge|\blev(?:y|ies|ied)\b|countermeasure|\bwithh(?:o|e)ld"
    r"|\bshut\b|\bsever|\brevok|\bprohibit|\blicen[cs]e|\bpermits?\b|\bauthori[sz]ation"
    r"|\bdesignat|\bbuy(?:s|ing)?\b|\bpurchas|\bsell(?:s|ing)?\b|\brestor"
    r"|\b(?:from|off) (?:its|the|their) list"
    r"|\benvoys?\b|\bmessages\b|\bseparate(?:ly)?\b|\bwith both\b|" + _GOING_BETWEEN
    + r"|" + _TWO_SIDED_WORDS + r"|\breadmit|\breinstat|\bsuspension"
    r"|\bmembership|\bon hold\b|" + _HELP_SETTLE,  # "aid ... on hold"; an IGO lifting a suspension
    re.I,
)

# the token rules' triggers (sanctions.py, mediation.py): a sentence without a parse and without
# one of these has no event
_ONE_SIDED_TRIGGERS = (
    r"sanction|embargo|boycott|blacklist|mediat|broker|intermediar|good offices|facilitat"
    r"|go-between|" + _HELP_SETTLE
)
TOKEN_TRIGGERS = _ONE_SIDED_TRIGGERS + "|" + _TWO_SIDED_WORDS
TOKEN_READ = re.compile(TOKEN_TRIGGERS, re.I)

_PARSE_READ_ALONE = re.compile(
    _ONE_SIDED_TRIGGERS
    # word stems of the lemmas the parse-only frames read (prefixes: a superset is safe)
    + r"|\bfr(?:o|ee)z|\bban|\bbar|\bstop|\bend|\bwithdr|\bblock|\bcurb|\brestrict|\bden(?:y|i)"
    r"|\bclos|\blimit|\bcancel|\bsuspend|\bhalt|\bcut|tariff|\bdut(?:y|i)|\bpenalt|\bcontrol"
    r"|\bpaus|\bcaps?\b|\bmeasure|\bshuttl|surtax|surcharge|\blev(?:y|ies|ied)\b|countermeasure|\bwithh"
    r"|\bshut\b|\bsever|\brevok|\bprohibit|\blicen[cs]e|\bpermit|\bauthori[sz]ation"
    # the nouns of the designation frame ("added to its export blacklist")
    r"|\blist\b|\bpackage|\bdesignat"
    # the mediation frames of the parse: an envoy meeting both sides, passing messages
    r"|\benvoys?\b|\bmessages\b|\bseparate(?:ly)?\b|\bwith both\b"  # meeting sides apart
    r"|" + _GOING_BETWEEN
    + r"|\breadmit|\breinstat|\brestor|\bsuspension|\bmembership"  # lifting a suspension or cut
    r"|\bon hold\b",  # "aid to X was put on hold"
    re.I,
)
_TWO_SIDED = re.compile(_TWO_SIDED_WORDS, re.I)
_SIDES = re.compile(r"\bbetween\b|\band\b|\bboth\b|\bsides\b|\bparties\b|\bfactions\b", re.I)


class _ParseRead:
    """A sentence whose parse can change its events: one of the words the rules read, or a
    two-sided word ("host") with a second side in the sentence. Without the second side no
    frame fires ("X is ready to host a new round of talks"), and parsing those cost the
    enrich stage a seventh more sentences (``benchmarks/enrich.py``)."""

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> bool:
        end = len(text) if endpos is None else endpos
        if _PARSE_READ_ALONE.search(text, pos, end):
            return True
        return bool(_TWO_SIDED.search(text, pos, end) and _SIDES.search(text, pos, end))


PARSE_READ = _ParseRead()

# Private disputes: labour, tenancy, family, households and court-annexed mediation, business
# deals and contracts, sport and its broadcasting or sponsorship deals. A mediation whose roles
# name no state or IGO in a sentence with one of these words is a domestic, civil or commercial
# mediation ("a state mediator was called in to resolve the pay dispute between the union and
# the railway", "coach and players agreed to mediation", "a court-appointed mediator settled the
# feud between two households", "the takeover, brokered by an investment bank", "the firm and
# its supplier agreed to commercial mediation"), which the contract does not count.
PRIVATE_DISPUTE = re.compile(
    # a labour union, not the African or European Union (the flags are scoped: "Union" of an
    # IGO's name is no private word)
    r"\b(?:(?-i:unions?|Unions)|strikes?|striking|pay|wages?|salar(?:y|ies)|bonus(?:es)?|labou?r|workers"
    r"|employers?|landlords?|tenants?|patents?|divorc\w*|custody|couples?|shareholders"
    r"|insurers?|lawsuits?|plaintiffs?|coach(?:es)?|players|club|clubs|fans"
    r"|households?|court-appointed|court-ordered|court mediation|commercial|suppliers?"
    r"|contracts?|acquisitions?|mergers?|takeovers?|investment banks?|broadcasters?|sponsors?)\b",
    re.I,
)

# trade remedies ("provisional anti-dumping duties on Chinese plywood", "countervailing duties
# after a complaint by domestic producers") answer unfair pricing or subsidies: the contract
# counts only punitive tariffs, so they are a sanction only where the sentence frames them as
# one ("duties ... in what Canberra called economic coercion", "retaliatory anti-dumping duties")
TRADE_REMEDY = re.compile(r"\banti-?dumping\b|\bcountervailing\b|\banti-?subsidy\b", re.I)
PUNITIVE_FRAME = re.compile(
    r"sanction|embargo|punitive|punish|retaliat|reprisal|coerci|countermeasure|in response to",
    re.I,
)

# Sport and culture bodies suspend members too ("FIFA suspended Russia from all competitions",
# "was barred from the song contest"): the contract counts no sports sanction, so a body the
# actor list lacks is taken for a bloc of states only where none of these words is near.
SPORT_OR_CULTURE = re.compile(
    r"\b(?:sports?|football|soccer|olympi\w*|athlet\w*|competitions?|tournaments?|leagues?"
    r"|championships?|world cup|contest|eurovision|fifa|uefa|ioc)\b",
    re.I,
)
