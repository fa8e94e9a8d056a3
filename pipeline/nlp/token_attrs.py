"""spaCy's ``attribute_ruler`` and rule ``lemmatizer``, replayed from caches (same output).

Why: in ``en_core_web_sm`` these two components are pure Python per token (a Matcher over
179 patterns, then a rule lookup) and cost about as much as the dependency parser itself,
yet what they compute for a token is a function of very little: the ruler's single-token
patterns read only the token's TAG, LOWER, DEP and IS_SPACE, and the lemmatizer reads only
the token's text, POS and MORPH. So the pipeline runs without them (``nlp.pipe(...,
disable=...)``) and :class:`TokenAttrs` gives each token the POS, DEP and lemma they would
have set: from a cache when that key was seen before, otherwise by running the real
components' own code on that token (``set_token_attrs`` with the ruler's attributes, in the
ruler's order, then the lemmatizer's ``lemmatize``) and remembering the result. Patterns
spanning several tokens ("gon na", "there is") cannot be cached per token; a small Matcher
of just those finds them in every doc, and the tokens they touch are computed uncached.

:func:`replayable` says when this is exact; for any other pipeline shape the parser runs the
real components (``tests/unit/test_token_attrs.py`` compares both on tricky text).
"""

from __future__ import annotations

from typing import Any

# bounded: a long-running worker sees new (word, tag, dep) keys forever
_MAX_ENTRIES = 200_000
RULER = "attribute_ruler"
LEMMATIZER = "lemmatizer"
# what the ruler leaves on a token: its rule ids, pos_, dep_, the lemma it set (or None),
# the pos id and the morph key (the lemmatizer's inputs)
_Ruled = tuple[tuple[int, ...], str, str, str | None, int, int]


def replayable(nlp: Any) -> bool:
    """True when the ruler and lemmatizer can be skipped and replayed exactly: both present,
    the ruler with no extension attributes, the lemmatizer in rule mode without overwrite,
    and after the ruler only the lemmatizer and NER (which reads no POS, MORPH or lemma)."""
    names = list(nlp.pipe_names)
    if RULER not in names or LEMMATIZER not in names:
        return False
    ruler = nlp.get_pipe(RULER)
    lemmatizer = nlp.get_pipe(LEMMATIZER)
    if getattr(lemmatizer, "mode", None) != "rule" or getattr(lemmatizer, "overwrite", True):
        return False
    if any("_" in attrs for attrs in ruler.attrs):
        return False
    after = names[names.index(RULER) + 1 :]
    if names.index(LEMMATIZER) < names.index(RULER):
        return False
    others = [nlp.get_pipe(n) for n in after if n != LEMMATIZER]
    if any(type(p).__name__ != "EntityRecognizer" for p in others):
        return False
    for n in after:  # an NER embedding lemmas or tags would see them missing
        if n == LEMMATIZER:
            continue
        model = nlp.config["components"][n].get("model") or {}
        embed = (model.get("tok2vec") or {}).get("embed") or {}
        if set(embed.get("attrs") or []) & {"LEMMA", "POS", "TAG", "MORPH", "DEP"}:
            return False
    return True


class TokenAttrs:
    """(lemma, pos, dep) per token of a doc parsed without the ruler and the lemmatizer."""

    def __init__(self, nlp: Any):
        from spacy.attrs import DEP, IS_SPACE, LOWER, ORTH, TAG
        from spacy.matcher import Matcher
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._array_attrs = [TAG, LOWER, DEP, IS_SPACE, ORTH]
        ruler = nlp.get_pipe(RULER)
        self.lemmatize = nlp.get_pipe(LEMMATIZER).lemmatize
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        self.single = Matcher(nlp.vocab)
        self.multi = Matcher(nlp.vocab)
        for i, entry in enumerate(ruler.patterns):
            matcher = self.single if all(len(p) == 1 for p in entry["patterns"]) else self.multi
            matcher.add(str(i), entry["patterns"])
        self.has_multi = len(self.multi) > 0
        self.strings = nlp.vocab.strings
        # (tag, lower, dep, is_space) -> (ruler ids, pos_, dep_, lemma set by the ruler or None,
        # pos id, morph key); (orth, pos id, morph key) -> the lemmatizer's lemma
        self.ruled: dict[tuple[int, int, int, int], _Ruled] = {}
        self.lemmas: dict[tuple[int, int, int], str] = {}

    def _apply(self, token: Any, ids: tuple[int, ...]) -> None:
        for i in ids:  # ascending: later rules win, as the ruler sorts its matches
            self._set(token, self.attrs[i])

    def _rule(self, doc: Any, i: int, ids: tuple[int, ...]) -> _Ruled:
        token = doc[i]
        self._apply(token, ids)
        lemma = token.lemma_ if token.lemma != 0 else None
        return (ids, token.pos_, token.dep_, lemma, token.pos, token.morph.key)

    def _single_ids(self, doc: Any, i: int) -> tuple[int, ...]:
        found = self.single(doc[i : i + 1], allow_missing=True, as_spans=False)
        return tuple(sorted({int(self.strings[m]) for m, _, _ in found}))

    def _multi_ids(self, doc: Any) -> dict[int, list[int]]:
        extra: dict[int, list[int]] = {}
        if not self.has_multi:
            return extra
        for match_id, start, end in self.multi(doc, allow_missing=True, as_spans=False):
            attr_id = int(self.strings[match_id])
            span = doc[start:end]
            target = span[self.indices[attr_id]].i
            extra.setdefault(target, []).append(attr_id)
        return extra

    def annotate(self, doc: Any) -> list[tuple[str, str, str]]:
        """(lemma_, pos_, dep_) per token, as the ruler and the lemmatizer would leave them.
        A token whose values are not cached gets them set on the doc by the real code."""
        if len(self.ruled) > _MAX_ENTRIES:
            self.ruled.clear()
        if len(self.lemmas) > _MAX_ENTRIES:
            self.lemmas.clear()
        extra = self._multi_ids(doc)
        out = []
        rows = doc.to_array(self._array_attrs).tolist() if len(doc) else []
        for i, (tag, lower, dep, space, orth) in enumerate(rows):
            if i in extra:  # a multi-token rule touches it: no per-token cache
                ids = tuple(sorted({*self._single_ids(doc, i), *extra[i]}))
                _, pos_, dep_, lemma, _, _ = self._rule(doc, i, ids)
                out.append((lemma or self.lemmatize(doc[i])[0], pos_, dep_))
                continue
            key = (tag, lower, dep, space)
            ruled = self.ruled.get(key)
            if ruled is None:
                ruled = self._rule(doc, i, self._single_ids(doc, i))
                self.ruled[key] = ruled
            ids, pos_, dep_, lemma, pos, morph = ruled
            if lemma is None:
                lkey = (orth, pos, morph)
                lemma = self.lemmas.get(lkey)
                if lemma is None:
                    token = doc[i]
                    self._apply(token, ids)  # idempotent: absolute values, same order
                    lemma = self.lemmatize(token)[0]
                    self.lemmas[lkey] = lemma
            out.append((lemma, pos_, dep_))
        return out
