"""Trigger lexicon: the words that make a sentence a sanctions or mediation candidate, and the
words that decide the action.

Why word lists and not a classifier: every decision must be explainable to an analyst and
editable by a user ("why did this fire?" -> a word in this file), and the dev set is far too
small to train on. The lists follow the CAMEO codebook's mediation (028, 038, 039, 045, 108, 126,
165) and sanctions (1312, 163, 085, 0251/0254, 1054) categories. All entries are lower case and
match whole tokens (see :mod:`pipeline.nlp.text`).
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- sanctions
# Nouns that name a sanction. "boycott" is weak (private boycotts are not sanctions): it needs a
# state or IGO sender like every sanctions event, and gets a lower confidence.
SANCTION_NOUNS = {"sanction", "sanctions", "embargo", "embargoes", "embargos"}
WEAK_SANCTION_NOUNS = {"boycott", "boycotts"}
# verbs: X sanctioned Y / X blacklisted Y (impose, needs a state sender and a named object)
SANCTION_VERBS = {"sanctioned", "sanctioning", "blacklisted", "blacklists", "blacklisting"}

# verb or nominalisation -> action; matched on the token before the sanction noun (within a
# short window, see detect.py)
ACTION_WORDS: dict[str, str] = {}


def _add(action: str, words: str) -> None:
    for w in words.split():
        ACTION_WORDS[w] = action


_add(
    "impose",
    "impose imposes imposed imposing imposition reimpose reimposes reimposed reimposing "
    "reimposition slap slaps slapped slapping introduce introduces introduced introducing "
    "adopt adopts adopted adopting approve approves approved approving unveil unveils unveiled "
    "unveiling levy levies levied levying enact enacts enacted announce announces announced "
    "announcing restore restores restored restoring reinstate reinstates reinstated "
    "reinstating authorize authorized authorizes authorise authorised place placed places "
    "retaliate retaliates retaliated retaliating "
    "put puts pass passes passed agree join joins joined joining",
)
_add(
    "extend",
    "extend extends extended extending extension renew renews renewed renewing renewal "
    "prolong prolongs prolonged prolonging tighten tightens tightened tightening toughen "
    "toughens toughened expand expands expanded expanding expansion broaden broadens broadened "
    "widen widens widened intensify intensifies intensified strengthen strengthens "
    "strengthened escalate escalates escalated",
)
_add(
    "ease",
    "ease eases eased easing relax relaxes relaxed relaxing relaxation loosen loosens loosened "
    "loosening soften softens softened suspend suspends suspended suspending suspension waive "
    "relief "
    "waives waived waiving waiver waivers",
)
_add(
    "lift",
    "lift lifts lifted lifting remove removes removed removing removal end ends ended ending "
    "drop drops dropped dropping scrap scraps scrapped scrapping repeal repeals repealed "
    "repealing rescind rescinds rescinded rescinding revoke revokes revoked revoking "
    "revocation terminate terminates terminated terminating termination abolish abolishes "
    "abolished",
)
_add(
    "threaten",
    "threaten threatens threatened threatening threat threats warn warns warned warning "
    "ultimatum consider considers considered considering mull mulls mulled mulling weigh weighs "
    "weighed weighing prepare prepares prepared preparing",
)
_add(
    "call",
    "urge urges urged urging demand demands demanded demanding seek seeks sought seeking "
    "advocate advocates advocated advocating",
)
# "call(s/ed) for", "push(es/ed) for", "press for", "appeal for", "lobby for" -> call
CALL_FOR_VERBS = {
    "call",
    "calls",
    "called",
    "calling",
    "push",
    "pushes",
    "pushed",
    "pushing",
    "press",
    "presses",
    "pressed",
    "pressing",
    "appeal",
    "appeals",
    "appealed",
    "lobby",
    "lobbied",
    "lobbies",
    "lobbying",
    "campaign",
    "campaigned",
    "voted",
    "vote",
    "votes",
}
# adjectives inside the noun phrase that mark a new imposition when no verb is there
NEW_ADJECTIVES = {
    "new",
    "fresh",
    "additional",
    "further",
    "tougher",
    "more",
    "renewed",
    "reimposed",
    "snapback",
}
# the noun phrase right after "sanctions" that changes the action
NOUN_TAIL_ACTIONS = {"relief": "ease", "waiver": "ease", "waivers": "ease"}
# governing words that make the sanctions background, not an action of this sentence
BACKGROUND_WORDS = {
    "enforce",
    "enforces",
    "enforced",
    "enforcing",
    "enforcement",
    "violate",
    "violates",
    "violated",
    "violating",
    "violation",
    "violations",
    "breach",
    "breaches",
    "breached",
    "breaching",
    "break",
    "breaks",
    "breaking",
    "broke",
    "evade",
    "evades",
    "evaded",
    "evading",
    "evasion",
    "circumvent",
    "circumvented",
    "circumventing",
    "blame",
    "blames",
    "blamed",
    "blaming",
    "under",
    "despite",
    "amid",
    "hit",
    "crippled",
    "suffering",
    "subject",
    "comply",
    "complying",
    "compliance",
    "implementation",
    "implement",
    "implementing",
    "language",
    "effect",
    "effects",
    "impact",
    "affected",
    "bust",
    "busting",
    "dodge",
    "dodging",
    "skirt",
    "skirting",
    "regime",
    "list",
    "listed",
    "defy",
    "defying",
    "defied",
}
# "X could face sanctions" -> threaten (the subject is the target); "facing sanctions" alone
# is background
FACE_WORDS = {"face", "faces", "facing", "hit"}
# future-threat wording elsewhere in the sentence turns an imposition into a threat
THREAT_CUES = {
    "threaten",
    "threatens",
    "threatened",
    "threatening",
    "warn",
    "warns",
    "warned",
    "warning",
    "ultimatum",
}

# A sanctions frame needs its noun as the object: these words, seen while scanning back from the
# noun, stop the scan (they start another phrase).
SCAN_STOP = {
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "because",
    "after",
    "before",
    "while",
    "although",
    "though",
    "but",
    "since",
    "when",
    "where",
    "whereas",
    "if",
    "unless",
    "until",
    "as",
    "than",
    "following",
    "over",
    "into",
}
# Urging someone else to act: "call on X to lift", "urged Washington to lift", "persuade X to".
URGE_WORDS = {
    "urge",
    "urges",
    "urged",
    "urging",
    "ask",
    "asks",
    "asked",
    "asking",
    "press",
    "presses",
    "pressed",
    "pressing",
    "persuade",
    "persuades",
    "persuaded",
    "persuading",
    "pressure",
    "pressures",
    "pressured",
    "pressuring",
    "demand",
    "demands",
    "demanded",
    "demanding",
    "want",
    "wants",
    "wanted",
    "hope",
    "hopes",
    "hoped",
    "hoping",
    "push",
    "pushes",
    "pushed",
    "encourage",
    "encourages",
    "encouraged",
    "appeal",
    "appeals",
    "appealed",
    "lobby",
    "lobbies",
    "lobbied",
    "insist",
    "insists",
    "insisted",
    "request",
    "requests",
    "requested",
    "convince",
    "convinces",
    "convinced",
    "implore",
    "implored",
    "called",
    "calls",
    "call",
    "calling",
    "support",
    "supports",
    "supported",
    "backed",
    "backs",
    "favour",
    "favor",
    "favours",
    "favors",
    "expects",
    "expected",
}
# Verbs after which "to <act>" reports something done (not a hope or a plan).
REALIS_WORDS = {
    "decided",
    "decides",
    "decide",
    "agreed",
    "agrees",
    "agree",
    "voted",
    "votes",
    "vote",
    "moved",
    "moves",
    "began",
    "begins",
    "begun",
    "started",
    "starts",
    "proceeded",
    "acted",
    "chose",
    "opted",
    "ordered",  # "ordered all departments to stop buying": a decision, not a wish
    "orders",
    "instructed",
    "went",
    "formally",
    "unanimously",
    "set",
    "is",
    "are",
    "was",
    "were",
    "been",
    "has",
    "have",
    "had",
}

# ---------------------------------------------------------------- mediation
MEDIATION_RE = re.compile(r"^(?:co)?mediat(?:e|es|ed|ing|ion|ions|or|ors|ory)$")
BROKER_RE = re.compile(r"^broker(?:s|ed|ing)?$")
# "broker" only in its diplomatic sense: with the thing brokered next to it
DEAL_WORDS = {
    "deal",
    "deals",
    "ceasefire",
    "cease",
    "truce",
    "peace",
    "agreement",
    "agreements",
    "accord",
    "accords",
    "talks",
    "settlement",
    "pact",
    "arrangement",
    "swap",
    "exchange",
    "compromise",
    "armistice",
    "détente",
    "detente",
    "negotiations",
    "reconciliation",
}
# the deals only states and armed sides make: a "<truce> ..., brokered by X" far from its
# participle is mediation ("deal", "agreement", "swap" are also business words)
DIPLOMATIC_DEALS = {
    "ceasefire", "truce", "peace", "accord", "accords", "armistice", "talks", "negotiations",
    "reconciliation", "détente", "detente", "dialogue",
}  # fmt: skip
INTERMEDIARY = {"intermediary", "intermediaries", "go-between"}
FACILITATE = {
    "facilitate",
    "facilitates",
    "facilitated",
    "facilitating",
    "facilitator",
    "facilitation",
}
TALKS = {"talks", "negotiations", "dialogue", "peace"}

# cue words before the trigger (within its clause) -> mediation action
HALT_CUES = {
    "end",
    "ends",
    "ended",
    "ending",
    "suspend",
    "suspends",
    "suspended",
    "suspending",
    "halt",
    "halts",
    "halted",
    "halting",
    "abandon",
    "abandons",
    "abandoned",
    "abandoning",
    "quit",
    "quits",
    "stop",
    "stops",
    "stopped",
    "stopping",
    "terminate",
    "terminated",
    "withdrew",
    "withdraw",
    "withdraws",
    "withdrawn",
    "withdrawing",
    "scrapped",
    "froze",
    "freezes",
    "frozen",
    "pulled",
    "pulls",
    "walked",
    "walks",
    "exited",
    "exits",
    "ceased",
    "ceases",
    "abandonment",
    "pause",
    "paused",
    "pauses",
    "pausing",
}
# "<verb> off" that stops a mediation: "called off its mediation", "broke off talks";
# "<verb> aside/down" as mediator: "step aside as mediator", "stepped down as mediator"
HALT_BEFORE_OFF = {"call", "calls", "called", "calling", "break", "breaks", "broke", "breaking"}
HALT_BEFORE_ASIDE = {"step", "steps", "stepped", "stepping", "stand", "stands", "stood"}
HALT_AFTER = {
    "collapsed",
    "collapses",
    "failed",
    "fails",
    "ended",
    "ends",
    "stalled",
    "suspended",
    "halted",
    "broke",
    "break",
    "faltered",
    "abandoned",
}
REJECT_CUES = {
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "rebuff",
    "rebuffs",
    "rebuffed",
    "dismiss",
    "dismisses",
    "dismissed",
    "spurn",
    "spurned",
    "decline",
    "declines",
    "declined",
    "declining",
    "snub",
    "snubbed",
    "ruled",
    "rules",
}
ACCEPT_CUES = {
    "accept",
    "accepts",
    "accepted",
    "accepting",
    "welcome",
    "welcomes",
    "welcomed",
    "welcoming",
    "embrace",
    "open",
    "embraced",
    "embraces",
    "endorse",
    "endorsed",
    "endorses",
    "agreed",
    "agrees",
    "agree",
}
REQUEST_CUES = {
    "ask",
    "asks",
    "asked",
    "asking",
    "request",
    "requests",
    "requested",
    "requesting",
    "urge",
    "urges",
    "urged",
    "urging",
    "appeal",
    "appeals",
    "appealed",
    "seek",
    "seeks",
    "sought",
    "seeking",
    "demand",
    "demands",
    "demanded",
    "invite",
    "invites",
    "invited",
    "want",
    "wants",
    "wanted",
    "must",
    "should",
    "plea",
    "pleaded",
    "need",
    "needs",
    "ought",
}
CALL_VERBS = {"call", "calls", "called", "calling", "push", "pushed", "pushes"}
OFFER_CUES = {
    "offer",
    "offers",
    "offered",
    "offering",
    "propose",
    "proposes",
    "proposed",
    "proposing",
    "volunteer",
    "volunteers",
    "volunteered",
    "ready",
    "willing",
    "prepared",
    "available",
    "candidate",
    "readiness",
    "willingness",
    "position",
    "proposal",
    "proposals",
}

# ---------------------------------------------------------------- shared
NEGATORS = {
    "not",
    "never",
    "no",
    "n't",
    "won't",
    "don't",
    "didn't",
    "doesn't",
    "can't",
    "cannot",
    "wouldn't",
    "isn't",
    "aren't",
    "hasn't",
    "haven't",
    "hadn't",
    "shouldn't",
    "couldn't",
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "decline",
    "declines",
    "declined",
    "fail",
    "fails",
    "failed",
    "failing",
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "oppose",
    "opposes",
    "opposed",
    "opposing",
    "without",
}
# verbs that deny what follows, across a "that": "denied that it was mediating"
DENY_WORDS = {"deny", "denies", "denied", "denying", "dismissed", "rejected", "refuted"}
MODALS = {"would", "could", "may", "might", "should", "can", "shall"}
CONDITIONALS = {"if", "unless", "whether"}
