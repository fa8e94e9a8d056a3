"""Serve the bundled demo articles as an RSS 2.0 feed on 127.0.0.1.

Why a real HTTP server rather than reading files: the demo must run the same polling code as
production (HTTP fetch, conditional GET, parsing), only with no internet.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
FEED_PATH = "/feeds/world.xml"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    body: str

    @property
    def summary(self) -> str:
        paragraphs = [p for p in self.body.split("\n\n") if len(p.split()) > 5]
        return paragraphs[0] if paragraphs else self.body[:300]


def load_articles(directory: Path = ARTICLES_DIR) -> list[DemoArticle]:
    """Each ``*.txt`` is one article: the first line is the headline, the rest the body."""
    articles = []
    for path in sorted(directory.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        articles.append(DemoArticle(slug=path.stem, title=title.strip(), body=body.strip()))
    return articles


def render_rss(articles: list[DemoArticle], base_url: str, now: datetime | None = None) -> bytes:
    """An RSS 2.0 document; items are dated an hour apart ending at ``now``."""
    now = now or datetime.now(UTC)
    items = []
    for i, art in enumerate(articles):
        published = now - timedelta(hours=len(articles) - 1 - i)
        items.append(
            "<item>"
            f"<title>{escape(art.title)}</title>"
            f"<link>{escape(base_url)}/articles/{art.slug}.html</link>"
            f'<guid isPermaLink="false">newsmon-demo:{art.slug}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(art.summary)}</description>"
            f"<content:encoded>{escape(_html(art.body))}</content:encoded>"
            "</item>"
        )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>newsmon demo world news</title>"
        f"<link>{escape(base_url)}/</link>"
        "<description>Bundled demo articles for newsmon</description>"
        "<ttl>1</ttl>" + "".join(items) + "</channel></rss>"
    )
    return doc.encode("utf-8")


def _html(body: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())


class DemoFeedServer:
    """A threaded HTTP server for the demo feed, with ETag support for conditional GET."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, directory: Path = ARTICLES_DIR):
        self.articles = load_articles(directory)
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._thread: threading.Thread | None = None
        self._body = render_rss(self.articles, self.base_url)
        self._etag = '"' + hashlib.sha256(self._body).hexdigest()[:16] + '"'

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def feed_url(self) -> str:
        return self.base_url + FEED_PATH

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != FEED_PATH:
                    self.send_error(404, "not found")
                    return
                if self.headers.get("If-None-Match") == server._etag:
                    self.send_response(304)
                    self.send_header("ETag", server._etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(server._body)))
                self.send_header("ETag", server._etag)
                self.end_headers()
                self.wfile.write(server._body)

            def log_message(self, format: str, *args: object) -> None:
                """Silence the default per-request stderr line."""

        return Handler

    def start(self) -> DemoFeedServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoFeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
