"""HTML to plain text for article fields, without executing or fetching anything.

Why a tiny parser of our own: the standard library's tokenizer never resolves external
entities or loads resources, skipping ``script``/``style`` keeps code out of the text models
read, and block elements become line breaks so sentences from adjacent paragraphs do not fuse.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "blockquote", "pre", "section", "article", "header", "footer", "figure", "figcaption",
        "hr", "dd", "dt", "dl", "aside", "nav", "main", "address",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_LOOKS_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def normalise_space(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment; plain text passes through whitespace-normalised."""
    if not markup:
        return ""
    if not _LOOKS_HTML.search(markup):
        return normalise_space(markup)
    parser = _Extractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was extracted
        pass
    return normalise_space("".join(parser.parts))


def shorten(text: str, limit: int) -> str:
    """First ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + "…"
