"""Logs are one JSON object per line with the event's fields, and no credentials."""

from __future__ import annotations

import io
import json
import logging

from pipeline.logs import JsonFormatter, log_event, redact_url


def _capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("newsmon.test.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_one_json_line_per_event_with_fields() -> None:
    logger, stream = _capture()
    log_event(logger, "feed_polled", feed="f1", articles=3)
    log_event(logger, "topics_ready", created=["a"], name="x")  # names LogRecord also uses
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "feed_polled" and first["feed"] == "f1" and first["articles"] == 3
    assert first["level"] == "info" and first["ts"].endswith("Z")
    assert second["created_"] == ["a"] and second["name_"] == "x"


def test_redact_url_drops_credentials() -> None:
    assert redact_url("https://user:secret@example.org/feed.xml") == "https://example.org/feed.xml"
    assert redact_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
