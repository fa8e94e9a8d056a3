"""A scriptable HTTP server on 127.0.0.1 for poller tests (unit, integration, benchmark).

Each route maps a path to a function ``(request) -> Reply``; the server records every request
(path and headers) so tests can assert what the poller sent (validators, User-Agent).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 0.0  # sleep before answering (a server that never answers)
    trickle: bool = False  # send headers, then hang before the body


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


Handler = Callable[[Seen], Reply]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Seen] = []
        self._closing = threading.Event()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(seen)
                route = server.routes.get(self.path.split("?")[0])
                reply = route(seen) if route else Reply(404, b"not found")
                if reply.hang_s and not reply.trickle:
                    server._closing.wait(reply.hang_s)
                    return
                self.send_response(reply.status)
                headers = {"Content-Type": "application/rss+xml", **reply.headers}
                if "Content-Length" not in headers:
                    headers["Content-Length"] = str(len(reply.body))
                elif headers["Content-Length"] == "":  # close-delimited body, no length
                    del headers["Content-Length"]
                    headers["Connection"] = "close"
                    self.close_connection = True
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if reply.trickle:
                    server._closing.wait(reply.hang_s)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 512
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler | Reply) -> str:
        self.routes[path] = handler if callable(handler) else (lambda _s, r=handler: r)
        return self.url(path)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(items: list[dict[str, str]], title: str = "Test feed", extra: str = "") -> bytes:
    """A small RSS 2.0 document; each item dict may hold title, link, guid, pubDate, description."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://test.example.org/</link>{extra}",
    ]
    for it in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "pubDate", "description"):
            if key in it:
                parts.append(f"<{key}>{it[key]}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")
