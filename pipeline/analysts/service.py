"""``newsmon alerts serve`` as one process: index follower, HTTP server, Alertmanager forwarder.

Three threads with separate jobs so that none can hold up another: the follower keeps the
index current, the HTTP server answers from the index, the forwarder posts to Alertmanager at
its own pace (retrying while Alertmanager is down) with its own committed offsets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pipeline.analysts.follow import IndexFollower
from pipeline.analysts.index import AlertIndex
from pipeline.analysts.marks import publish_mark
from pipeline.analysts.server import AnalystsServer, serve_in_thread
from pipeline.config import Settings, resolve_path
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.analysts")


class ServeError(RuntimeError):
    """The service cannot go on (topics missing, broker unreachable); the message says which."""


def run_service(
    settings: Settings,
    stop: threading.Event,
    on_ready: Callable[[str], None] = lambda url: None,
) -> int:
    """Serve until ``stop`` is set; raises :class:`ServeError` when the index cannot follow."""
    from pipeline.analysts.alertmanager import AlertmanagerForwarder
    from pipeline.kafka.producer import make_producer

    a = settings.analysts
    index = AlertIndex(resolve_path(a.index_db), a.max_alerts)
    follower = IndexFollower(settings, index)
    threads = [threading.Thread(target=follower.run, name="analysts-index", daemon=True)]
    producer_lock = threading.Lock()
    producer_box: list[object] = []

    def publish(mark: object) -> int:
        with producer_lock:
            if not producer_box:
                producer_box.append(make_producer(settings))
            return publish_mark(settings, mark, producer_box[0])  # type: ignore[arg-type]

    server = AnalystsServer(
        (a.host, a.port), index, a.public_url or "", publish, a.page_size,
        ready=lambda: follower.caught_up.is_set() and follower.error is None,
    )
    url = server.url
    server.base_url = (a.public_url or url).rstrip("/")
    forwarder = None
    if a.alertmanager_url:
        forwarder = AlertmanagerForwarder(settings, server.base_url)
        threads.append(threading.Thread(target=forwarder.run, name="alertmanager", daemon=True))
    for t in threads:
        t.start()
    http_thread = serve_in_thread(server)
    log_event(log, "analysts_serving", url=url, index=str(index.path),
              alertmanager=a.alertmanager_url)
    on_ready(url)
    try:
        while not stop.wait(0.5):
            if follower.error is not None:
                log_event(log, "analysts_stopping", error=str(follower.error))
                raise ServeError(str(follower.error))
    finally:
        follower.stop()
        if forwarder is not None:
            forwarder.stop()
        server.shutdown()
        http_thread.join(5)
        for t in threads:
            t.join(15)
        server.server_close()
        index.close()
        for p in producer_box:
            p.close()  # type: ignore[attr-defined]
    return 0
