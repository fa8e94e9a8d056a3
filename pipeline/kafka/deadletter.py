"""Dead-letter records: the original bytes plus why and where they failed.

Why keep the original bytes (base64) rather than a parsed copy: a poison message may not parse
at all, and ops need exactly what arrived to replay it after a fix.
"""

from __future__ import annotations

import base64
import json
import traceback
from datetime import UTC, datetime
from typing import Any


def deadletter_record(
    stage: str,
    topic: str,
    value: bytes | None,
    error: BaseException,
    key: bytes | str | None = None,
) -> bytes:
    key_text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    record: dict[str, Any] = {
        "stage": stage,
        "topic": topic,
        "key": key_text,
        "error": f"{type(error).__name__}: {error}",
        "trace": traceback.format_exception_only(type(error), error)[-1].strip(),
        "failed_at": datetime.now(UTC).isoformat(),
        "value_b64": base64.b64encode(value or b"").decode("ascii"),
    }
    try:
        record["value_preview"] = (value or b"").decode("utf-8")[:500]
    except UnicodeDecodeError:
        record["value_preview"] = None
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def original_value(record: bytes) -> bytes:
    """The bytes that failed, for replay."""
    return base64.b64decode(json.loads(record)["value_b64"])
