"""Reading the labelled files a user brings to ``newsmon eval`` (JSONL and CoNLL).

Why one reader: the events and the enrich-stage evaluations read files of the same kinds, and a
bad file must fail the same way in both: a clear error naming the file (and the line, for a bad
line) rather than a traceback. Each evaluation passes its own error class, so its callers go on
catching the error they know.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_lines(path: Path, error: type[ValueError]) -> list[str]:
    """The lines of the UTF-8 file ``path``; raises ``error("<path>: cannot read (...)")`` when
    it cannot be read or decoded."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read ({exc})") from exc


def iter_jsonl(path: Path, error: type[ValueError]) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed value)`` for each non-blank line of the JSONL file ``path``
    (numbers count from 1, blank lines included, as an editor shows them); raises
    ``error("<path>:<line>: not valid JSON (...)")`` on the first line that does not parse."""
    for n, line in enumerate(read_lines(path, error), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{n}: not valid JSON ({exc})") from exc
        yield n, value
