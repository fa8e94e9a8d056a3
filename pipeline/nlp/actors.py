"""The actor dictionary and linker: mentions in text -> canonical actors (RUS, IGO:UNSC, ...).

Why a dictionary and not only NER: events and alerts must speak of ``RUS`` whether the text says
"Russia", "the Russian Federation", "the Kremlin", "Moscow" or "Sergei Lavrov", and the offline
default (no NER model) must still find actors. Data files are YAML in ``configs/actors/``:
``countries.yaml`` (generated from pycountry), ``country_aliases.yaml`` (curated demonyms,
capitals, seats of government), ``igos.yaml``, ``organizations.yaml``, ``persons.yaml``. Entries
with the same id merge, so users extend the dictionary by adding a file or an entry.

Matching (:meth:`ActorLinker.find_mentions`) is one pass of one compiled regex built from a trie
of all aliases: whole words only, leftmost-longest ("UN Security Council" is one mention ->
IGO:UNSC, not IGO:UN; "Russian Federation" one mention -> RUS), case-insensitive for the regex
but then checked:

- every capitalised word of an alias must be capitalised in the text, so "turkey", "china",
  "chad" in lower case never link; short all-capital acronyms ("US", "UN", "EU") match only in
  capitals, so "us" is never the United States;
- per-alias ambiguity rules from the data: ``reject_prev`` / ``reject_next`` (a word before or
  after: "New Mexico", "Washington Post", "guinea pig"), ``reject_prev_capitalized`` /
  ``reject_next_capitalized`` (the alias is part of a personal name: "Michael Jordan",
  "Jordan Peterson", "George Washington"), and ``veto_context`` (words in the same sentence
  that show another sense: "roast", "recipe" for Turkey; "Atlanta" for Georgia).

Limits, honestly: these are surface rules. A country name used as a first name at the start of a
sentence followed by a lower-case verb ("Jordan scored twice") still links, as does a US state
named without any of its veto words ("Georgia passed a law"); "Congo" and "Korea" alone are
deliberately not linked (two states each); a person listed under a surname ("Bush", "Clinton")
links to their country whoever of that family is meant; and a title alone ("the president")
is not resolved. The NER model (when available) supplies spans; :meth:`resolve` links them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.schema import ACTOR_KINDS, Actor, Entity

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built in
ACTORS_DIR = Path(__file__).resolve().parent.parent.parent / "configs" / "actors"

_ENTRY_KEYS = {
    "id",
    "name",
    "kind",
    "country",
    "parent",
    "aliases",
    "demonyms",
    "capitals",
    "institutions",
}
_ITEM_KEYS = {
    "text",
    "case",
    "reject_prev",
    "reject_next",
    "reject_prev_capitalized",
    "reject_next_capitalized",
    "veto_context",
}
# alias category -> entity label (None: decided by the actor's kind)
_CATEGORY_LABEL = {"aliases": None, "demonyms": "MISC", "capitals": "LOC", "institutions": "ORG"}
_KIND_LABEL = {"country": "LOC", "igo": "ORG", "org": "ORG", "person": "PERSON", "other": "MISC"}

# Capitalised words that do not make a neighbouring alias part of a personal name.
_NAME_STOP = {
    "the",
    "a",
    "an",
    "in",
    "at",
    "on",
    "of",
    "from",
    "to",
    "by",
    "for",
    "and",
    "but",
    "or",
    "with",
    "as",
    "after",
    "before",
    "while",
    "when",
    "if",
    "both",
    "said",
    "says",
    "says,",
    "president",
    "prime",
    "minister",
    "foreign",
    "king",
    "queen",
    "emir",
    "sheikh",
    "crown",
    "prince",
    "government",
    "state",
    "officials",
    "mr",
    "mrs",
    "ms",
    "dr",
    "general",
    "gen",
    "secretary",
    "ambassador",
    "envoy",
    "leader",
    "army",
    "military",
    "forces",
    "embassy",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "north",
    "south",
    "east",
    "west",
    "central",
    "western",
    "eastern",
    "northern",
    "southern",
    "i",
    "we",
    "it",
    "he",
    "she",
    "they",
    "this",
    "that",
    "meanwhile",
    "today",
    "yesterday",
    "administration",
    "former",
    "ex",
    "late",
    "vice",
    "senator",
    "governor",
}
_GOV_WORDS = {
    "government",
    "ministry",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "economy",
    "trade",
    "office",
    "embassy",
    "army",
    "military",
    "forces",
    "navy",
    "air",
    "force",
    "authorities",
    "administration",
    "regime",
    "parliament",
    "cabinet",
    "president",
    "presidency",
    "prime",
    "minister",
    "officials",
    "diplomats",
    "delegation",
    "mission",
    "department",
    "leadership",
    "state",
    "security",
    "council",
    "the",
}
_WORD_RE = re.compile(r"[\w][\w'’.-]*")


class ActorDataError(ValueError):
    """A malformed actor data file; the message names the file, the entry and the key."""


@dataclass(frozen=True)
class AliasRule:
    """One way of naming an actor, with the checks that keep it from linking in other senses."""

    text: str
    actor_id: str
    category: str  # aliases | demonyms | capitals | institutions
    label: str
    exact: bool = False
    reject_prev: frozenset[str] = frozenset()
    reject_next: frozenset[str] = frozenset()
    reject_prev_capitalized: bool = False
    reject_next_capitalized: bool = False
    veto_context: tuple[str, ...] = ()


@dataclass
class _Entry:
    id: str
    name: str = ""
    kind: str = ""
    country: str | None = None
    parent: str | None = None
    items: list[tuple[str, Any]] = field(default_factory=list)  # (category, raw item)


def _norm(text: str) -> str:
    """Key for alias lookup: lower case, one kind of apostrophe, hyphens and spaces as one."""
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"[\s\-‐‑–]+", " ", text).strip()


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 5 and all(c.isupper() for c in letters) and " " not in text


def _default_kind(actor_id: str) -> str:
    if actor_id.startswith("IGO:"):
        return "igo"
    if actor_id.startswith("PERSON:"):
        return "person"
    if actor_id.startswith("ORG:"):
        return "org"
    return "country"


def _trie_regex(keys: Iterable[str]) -> str:
    """A regex alternation shaped like a trie: one pass, and at each start the longest alias
    is tried first (greedy optional groups), falling back to shorter ones."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def esc(ch: str) -> str:
        if ch == " ":
            return r"[\s\-‐‑–]+"
        if ch == "'":
            return "['’‘]"
        return re.escape(ch)

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [esc(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class ActorLinker:
    """Canonical actors and the dictionary linker over them. Build with :meth:`load`."""

    def __init__(self, entries: dict[str, _Entry], version: str) -> None:
        self.version = version
        self._actors: dict[str, Actor] = {}
        self._parents: dict[str, str] = {}
        self._rules: dict[str, list[AliasRule]] = {}
        for entry in entries.values():
            kind = entry.kind or _default_kind(entry.id)
            self._actors[entry.id] = Actor(
                id=entry.id, name=entry.name, kind=kind, country=entry.country
            )
            if entry.parent:
                self._parents[entry.id] = entry.parent
            for category, raw in entry.items:
                rule = self._rule(entry.id, kind, category, raw)
                self._rules.setdefault(_norm(rule.text), []).append(rule)
        # a later definition of the same alias text for the same actor replaces the earlier
        # one (curated options override the generated plain alias)
        for key, rules in self._rules.items():
            by_actor: dict[tuple[str, str], AliasRule] = {}
            for r in rules:
                by_actor[(r.actor_id, r.text)] = r
            self._rules[key] = list(by_actor.values())
        keys = sorted(self._rules)
        # Most positions in text start a lower-case word, and (by the capitalisation rule) no
        # alias can start there unless its own first word is lower case ("the Kremlin",
        # "al-Qaeda"): a case-sensitive lookahead rejects them before the trie is tried.
        lower_starts = sorted(
            {
                re.split(r"[\s\-‐‑–]+", r.text)[0]
                for rules in self._rules.values()
                for r in rules
                if r.text[:1].islower()
            }
        )
        gate = (
            r"(?-i:(?=[^\W\da-z]|\d"
            + "".join("|" + re.escape(w) + r"(?![\w])" for w in lower_starts)
            + "))"
        )
        self._regex = re.compile(
            r"(?<![\w])" + gate + "(?:" + _trie_regex(keys) + r")(?![\w])", re.I
        )

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, paths: list[Path] | None = None) -> ActorLinker:
        """Read actor YAML files (default: ``configs/actors/*.yaml``, in name order, with the
        generated ``countries.yaml`` first so curated files extend it)."""
        if paths is None:
            files = sorted(
                ACTORS_DIR.glob("*.yaml"), key=lambda p: (p.name != "countries.yaml", p.name)
            )
        else:
            files = [Path(p) for p in paths]
        if not files:
            raise ActorDataError(f"no actor data files found (looked in {ACTORS_DIR})")
        entries: dict[str, _Entry] = {}
        digest = hashlib.sha256()
        for path in files:
            try:
                raw_text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ActorDataError(f"{path}: cannot read actor data ({exc})") from exc
            digest.update(path.name.encode() + b"\0" + raw_text.encode("utf-8"))
            try:
                data = yaml.load(raw_text, Loader=_YAML_LOADER) or {}
            except yaml.YAMLError as exc:
                raise ActorDataError(f"{path}: not valid YAML ({exc})") from exc
            if not isinstance(data, dict) or not isinstance(data.get("actors", []), list):
                raise ActorDataError(f"{path}: expected a mapping with an 'actors' list")
            for i, raw in enumerate(data.get("actors") or []):
                cls._merge_entry(entries, raw, f"{path}: actors[{i}]")
        return cls(entries, "actors-" + digest.hexdigest()[:12])

    @staticmethod
    def _merge_entry(entries: dict[str, _Entry], raw: Any, where: str) -> None:
        if not isinstance(raw, dict) or "id" not in raw:
            raise ActorDataError(f"{where}: an entry must be a mapping with an 'id'")
        unknown = set(raw) - _ENTRY_KEYS
        if unknown:
            raise ActorDataError(f"{where} ({raw['id']}): unknown key(s) {sorted(unknown)}")
        actor_id = str(raw["id"])
        kind = raw.get("kind")
        if kind is not None and kind not in ACTOR_KINDS:
            raise ActorDataError(f"{where} ({actor_id}): kind {kind!r} not in {ACTOR_KINDS}")
        entry = entries.setdefault(actor_id, _Entry(id=actor_id))
        entry.name = str(raw.get("name") or entry.name)
        entry.kind = str(kind or entry.kind)
        entry.country = raw.get("country", entry.country)
        entry.parent = raw.get("parent", entry.parent)
        for category in _CATEGORY_LABEL:
            items = raw.get(category) or []
            if not isinstance(items, list):
                raise ActorDataError(f"{where} ({actor_id}): {category!r} must be a list")
            for j, item in enumerate(items):
                if isinstance(item, dict):
                    bad = set(item) - _ITEM_KEYS
                    if "text" not in item or bad:
                        raise ActorDataError(
                            f"{where} ({actor_id}): {category}[{j}] needs 'text' and only "
                            f"{sorted(_ITEM_KEYS)} (got {sorted(item)})"
                        )
                elif not isinstance(item, str) or not item.strip():
                    raise ActorDataError(f"{where} ({actor_id}): {category}[{j}] is empty")
                entry.items.append((category, item))
        if not entry.name:
            first = next((i for c, i in entry.items if c == "aliases"), None)
            entry.name = (first["text"] if isinstance(first, dict) else first) or actor_id

    @staticmethod
    def _rule(actor_id: str, kind: str, category: str, raw: Any) -> AliasRule:
        opts: dict[str, Any] = raw if isinstance(raw, dict) else {"text": raw}
        text = str(opts["text"]).strip()
        label = _CATEGORY_LABEL[category] or _KIND_LABEL.get(kind, "MISC")
        exact = opts.get("case") == "exact" or _is_acronym(text)
        # a surname alone ("Bush", "Trump") is someone else after another first name
        # ("Kate Bush", "Ivanka Trump"): persons' one-word aliases reject one by default
        prev_cap = opts.get("reject_prev_capitalized")
        if prev_cap is None:
            prev_cap = kind == "person" and " " not in text
        return AliasRule(
            text=text,
            actor_id=actor_id,
            category=category,
            label=label,
            exact=exact,
            reject_prev=frozenset(opts.get("reject_prev") or ()),
            reject_next=frozenset(opts.get("reject_next") or ()),
            reject_prev_capitalized=bool(prev_cap),
            reject_next_capitalized=bool(opts.get("reject_next_capitalized")),
            veto_context=tuple(opts.get("veto_context") or ()),
        )

    # ---------------------------------------------------------------- lookups
    def actor(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    @property
    def actors(self) -> dict[str, Actor]:
        return dict(self._actors)

    def parent(self, actor_id: str) -> str | None:
        """The organisation an organ belongs to (IGO:UNSC -> IGO:UN), if any."""
        return self._parents.get(actor_id)

    def rules_for(self, mention: str) -> list[AliasRule]:
        return list(self._rules.get(_norm(mention), ()))

    def category(self, mention: str, actor_id: str) -> str | None:
        """How a mention names its actor: aliases | demonyms | capitals | institutions."""
        for rule in self._rules.get(_norm(mention), ()):
            if rule.actor_id == actor_id:
                return rule.category
        return None

    def role_actor(self, actor: Actor) -> Actor:
        """The actor a mention stands for in an event role: a person acts for their state or
        organisation (Lavrov -> RUS); everything else stands for itself."""
        if actor.kind == "person" and actor.country and actor.country in self._actors:
            return self._actors[actor.country]
        return actor

    # ---------------------------------------------------------------- matching
    def find_mentions(self, text: str) -> list[Entity]:
        """Dictionary mentions in ``text`` with character offsets, in order, non-overlapping."""
        out: list[Entity] = []
        pos = 0
        search = self._regex.search
        while True:
            m = search(text, pos)
            if m is None:
                break
            start, end = m.span()
            rule = self._choose(text, start, end)
            if rule is None:
                pos = start + 1
                continue
            # a mention starting inside this one and reaching further wins ("the North" vs
            # "North Korean" in "the North Korean regime")
            m2 = search(text, start + 1)
            if (
                m2 is not None
                and m2.start() < end < m2.end()
                and self._choose(text, m2.start(), m2.end()) is not None
            ):
                pos = m2.start()
                continue
            actor = self._actors[rule.actor_id]
            out.append(
                Entity(text=text[start:end], label=rule.label, start=start, end=end, actor=actor)
            )
            pos = end
        return out

    def link(self, text: str) -> list[Entity]:
        """Alias of :meth:`find_mentions` (the name docs/architecture.md uses)."""
        return self.find_mentions(text)

    def resolve(self, mention: str, label: str | None = None, context: str = "") -> Actor | None:
        """The canonical actor for a mention found by someone else (e.g. an NER span).

        ``label`` PERSON refuses non-person aliases (a person called Jordan is not Jordan);
        ``context`` (the sentence) feeds the alias's veto words. A mention that is a known
        alias plus government words ("the Russian Foreign Ministry") resolves to the state.
        """
        mention = mention.strip()
        if not mention:
            return None
        stripped = re.sub(r"(?:['’]s|['’])$", "", mention)
        for candidate in (mention, stripped):
            rule = self._pick(candidate, label, context or candidate)
            if rule is not None:
                return self._actors[rule.actor_id]
        # a known alias inside a longer span: accept only if the rest is government words
        inner = self.find_mentions(stripped)
        if len(inner) == 1 and inner[0].actor is not None:
            rest = (stripped[: inner[0].start] + " " + stripped[inner[0].end :]).lower()
            words = _WORD_RE.findall(rest)
            if words and all(w.strip(".") in _GOV_WORDS for w in words):
                if label == "PERSON" and inner[0].actor.kind != "person":
                    return None
                return inner[0].actor
        return None

    def _pick(self, mention: str, label: str | None, context: str) -> AliasRule | None:
        for rule in self._rules.get(_norm(mention), ()):
            if label == "PERSON" and rule.label != "PERSON":
                continue
            if not self._case_ok(rule, mention):
                continue
            if rule.veto_context and _has_any(context, rule.veto_context):
                continue
            return rule
        return None

    def _choose(self, text: str, start: int, end: int) -> AliasRule | None:
        matched = text[start:end]
        for rule in self._rules.get(_norm(matched), ()):
            if self._case_ok(rule, matched) and self._context_ok(rule, text, start, end):
                return rule
        return None

    @staticmethod
    def _case_ok(rule: AliasRule, matched: str) -> bool:
        if rule.exact:
            return re.sub(r"[\s\-‐‑–]+", " ", matched) == re.sub(r"[\s\-‐‑–]+", " ", rule.text)
        a_words = _norm(rule.text).split(" ")
        raw_alias = re.split(r"[\s\-‐‑–]+", rule.text)
        m_words = re.split(r"[\s\-‐‑–]+", matched)
        if len(raw_alias) != len(m_words) or len(a_words) != len(m_words):
            return True  # spacing differs oddly; the regex already matched the letters
        for aw, mw in zip(raw_alias, m_words, strict=True):
            if aw[:1].isupper() and not mw[:1].isupper():
                return False
        return True

    @staticmethod
    def _context_ok(rule: AliasRule, text: str, start: int, end: int) -> bool:
        if rule.reject_prev or rule.reject_prev_capitalized:
            prev = _prev_word(text, start)
            if prev and prev in rule.reject_prev:
                return False
            if (
                rule.reject_prev_capitalized
                and prev
                and prev[:1].isupper()
                and prev.lower() not in _NAME_STOP
                and not prev.endswith(("'s", "’s"))  # "Russia's Lavrov"
                and not _title_case_line(text, start)
            ):
                return False
        if rule.reject_next or rule.reject_next_capitalized:
            nxt = _next_word(text, end)
            if nxt and nxt in rule.reject_next:
                return False
            if (
                rule.reject_next_capitalized
                and nxt
                and nxt[:1].isupper()
                and nxt.lower().strip(".,") not in _NAME_STOP
                and not _title_case_line(text, start)
            ):
                return False
        if rule.veto_context:
            lo, hi = _sentence_bounds(text, start, end)
            if _has_any(text[lo:hi], rule.veto_context):
                return False
        return True


def _prev_word(text: str, start: int) -> str | None:
    """The word right before ``start``; None when punctuation or a sentence end intervenes."""
    m = re.search(r"([\w][\w'’.-]*)([^\w]*)$", text[max(0, start - 80) : start])
    if not m or m.group(2).strip():
        return None
    word = m.group(1)
    if word.endswith(".") and word.count(".") == 1 and len(word) > 3:
        return None  # "... on Tuesday. Washington said": a sentence end, not a name
    return word.rstrip(".")


def _title_case_line(text: str, pos: int) -> bool:
    """A Title Case Headline ("Jordan Rejects Plan") says nothing about names by its capitals."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    words = re.findall(r"[A-Za-z][\w'’-]*", text[lo : hi if hi != -1 else len(text)])
    long_words = [w for w in words if len(w) > 3]
    if len(long_words) < 4:
        return False
    return sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _next_word(text: str, end: int) -> str | None:
    m = re.match(r"[ \t]*([\w][\w'’-]*)", text[end:])
    return m.group(1) if m else None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), -1) + 1
    hi_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    hi = min(hi_candidates) if hi_candidates else len(text)
    return lo, hi


def _has_any(text: str, words: Iterable[str]) -> bool:
    for w in words:
        flags = 0 if w[:1].isupper() and w not in ("Thanksgiving",) else re.I
        if re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", text, flags):
            return True
    return False


@lru_cache(maxsize=1)
def default_linker() -> ActorLinker:
    """The linker over ``configs/actors/*.yaml``, loaded once per process."""
    return ActorLinker.load()
