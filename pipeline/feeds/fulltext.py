"""Optional full text of an article's linked page (off by default; per feed ``full_text``).

Why optional: many feeds carry only a teaser, and event detection reads better from the whole
story, but fetching every linked page multiplies the requests a site receives. So it is opt-in
per feed (or ``poller.full_text``), done only for new and updated articles, capped per poll,
under the same per-host concurrency, timeouts and size cap as feed fetches. Extraction uses
trafilatura (the best-measured main-text extractor); without it installed the feature reports
itself unavailable once and the feed's own text is used.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from pipeline.feeds.fetch import FetchLimits, fetch
from pipeline.logs import get_logger, log_event

logger = get_logger(__name__)

_UNSET: Any = object()
_trafilatura: Any = _UNSET


def extractor() -> Any:
    """The trafilatura module, or None when it is not installed (``pip install trafilatura``)."""
    global _trafilatura
    if _trafilatura is _UNSET:
        try:
            import trafilatura

            _trafilatura = trafilatura
        except ImportError:
            _trafilatura = None
            log_event(
                logger,
                "fulltext_unavailable",
                level=30,
                hint="pip install 'trafilatura>=2.0' to enable full-text extraction",
            )
    return _trafilatura


def extract_text(html: bytes, url: str | None = None) -> str | None:
    """Main text of an HTML page (boilerplate, navigation and comments removed)."""
    mod = extractor()
    if mod is None or not html:
        return None
    text = mod.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    return text.strip() if text else None


async def fetch_full_text(
    client: httpx.AsyncClient, url: str, limits: FetchLimits
) -> tuple[str | None, str | None]:
    """(text, error kind). Never raises for network or page trouble."""
    if extractor() is None:
        return None, "unavailable"
    if not url.startswith(("http://", "https://")):
        return None, "bad_url"
    result = await fetch(client, url, limits)
    if result.error_kind:
        return None, result.error_kind
    ctype = (result.content_type or "").lower()
    if ctype and "html" not in ctype:
        return None, "not_html"
    try:
        text = await asyncio.to_thread(extract_text, result.body, result.final_url)
    except Exception as exc:  # an extractor bug must not lose the article
        return None, f"extract: {type(exc).__name__}"
    return text, None if text else "empty"
