"""The HTTP side of ``newsmon alerts serve``: page, Atom feeds, JSON and the mark buttons.

Why the standard library's threading server: a handful of analysts and feed readers polling
every few minutes, reads from SQLite, no async framework needed; it keeps the service one
small process that starts in well under a second.

Routes: ``/`` (page), ``/feeds/alerts.atom`` (Atom), ``/api/alerts`` and
``/api/alerts/<event id>`` (JSON, records as in configs/schemas/alert.schema.json),
``POST /alerts/<event id>/mark`` (the page's buttons), ``/healthz``. The filters ``type``,
``action``, ``actor`` and ``q`` work on all three views.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pipeline.alerts.feedback import Mark, MarkError, make_mark
from pipeline.analysts.atom import render_feed
from pipeline.analysts.index import AlertIndex, Filters
from pipeline.analysts.page import render_page, view_query
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.analysts.http")
_EVENT = re.compile(r"^/(api/)?alerts/([0-9a-f]{20})(/mark)?$")
MAX_BODY = 4096


def parse_filters(query: str, limit: int) -> Filters:
    q = {k: v[0].strip() for k, v in parse_qs(query).items() if v and v[0].strip()}
    try:
        n = int(q.get("limit", limit))
    except ValueError:
        n = limit
    return Filters(
        type=q.get("type"), action=q.get("action"), actor=q.get("actor"), q=q.get("q"),
        event_id=q.get("event"), limit=max(1, min(n, limit)),
    )


class AnalystsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        index: AlertIndex,
        base_url: str,
        publish: Callable[[Mark], Any],
        page_size: int = 200,
        ready: Callable[[], bool] = lambda: True,
    ):
        super().__init__(address, Handler)
        self.index = index
        self.base_url = base_url.rstrip("/")
        self.publish = publish
        self.page_size = page_size
        self.ready = ready

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: AnalystsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # access lines would drown the JSON log; errors are logged where they happen

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
              ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, indent=1).encode()
        self._send(status, body, "application/json; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        srv = self.server
        f = parse_filters(parts.query, srv.page_size)
        try:
            if parts.path == "/":
                notice = parse_qs(parts.query).get("notice", [""])[0]
                body = render_page(
                    srv.index.query(f), f, srv.index.facets(), notice=notice[:200],
                    index_note=f"index {srv.index.path.name}, newest {srv.index.max_alerts} "
                    "events kept",
                )
                self._send(200, body, "text/html; charset=utf-8")
            elif parts.path == "/feeds/alerts.atom":
                body = render_feed(srv.index.query(f), f, srv.base_url)
                self._send(200, body, "application/atom+xml; charset=utf-8")
            elif parts.path == "/api/alerts":
                entries = srv.index.query(f)
                self._json(200, {
                    "schema": "configs/schemas/alert.schema.json",
                    "count": len(entries),
                    "alerts": [e.record for e in entries],
                    "marks": {e.alert.event_id: e.mark for e in entries if e.mark},
                })
            elif parts.path == "/healthz":
                ok = srv.ready()
                self._json(200 if ok else 503, {"ready": ok})
            elif m := _EVENT.match(parts.path):
                entry = srv.index.get(m.group(2)) if m.group(1) and not m.group(3) else None
                if entry is None:
                    self._json(404, {"error": f"no alert with event id {m.group(2)}"})
                else:
                    self._json(200, {"alert": entry.record, "mark": entry.mark,
                                     "alerts_seen": entry.n_alerts})
            else:
                self._json(404, {"error": f"no such page: {parts.path}"})
        except Exception as exc:  # one bad request must not kill the handler thread silently
            log_event(log, "http_error", path=parts.path, error=str(exc)[:300])
            self._json(500, {"error": str(exc)[:300]})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        m = _EVENT.match(parts.path)
        if not m or not m.group(3):
            self._json(404, {"error": f"no such form: {parts.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "form too large"})
            return
        form = {k: v[0].strip() for k, v in
                parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items() if v}
        event_id = m.group(2)
        entry = self.server.index.get(event_id)
        if entry is None:
            self._json(404, {"error": f"no alert with event id {event_id}"})
            return
        kind = form.get("kind", "")
        try:
            mark = make_mark(entry.alert, kind, form.get("duplicate_of") or None, by="page")
            self.server.publish(mark)
        except MarkError as exc:
            self._redirect(parts.query, f"not marked: {exc}")
            return
        except Exception as exc:  # broker down: say so on the page
            log_event(log, "mark_failed", event_id=event_id, error=str(exc)[:300])
            self._redirect(parts.query, f"not marked, Kafka unavailable: {exc}"[:200])
            return
        what = "a false alert" if kind == "false" else f"a duplicate of {mark.duplicate_of}"
        self._redirect(parts.query, f"marked {event_id} as {what}")

    def _redirect(self, query: str, notice: str) -> None:
        back = view_query(parse_filters(query, self.server.page_size))
        sep = "&" if back else ""
        location = f"/?{back}{sep}{urlencode({'notice': notice})}"
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": location})


def serve_in_thread(server: AnalystsServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="analysts-http", daemon=True)
    thread.start()
    return thread
