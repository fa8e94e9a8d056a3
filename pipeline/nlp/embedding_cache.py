"""A disk cache for embeddings that are the same on every start (the topic phrases).

Why: a restarted worker embeds every phrase of the taxonomy before it can take a record, and
on 2 cores that forward is 1.5-3.5 s of the time its partitions wait after a crash
(benchmarks/crash_soak.py). The result depends only on the model's weights and the token ids,
so it is keyed by both and read back bit for bit. Any problem with the cache (no directory,
a truncated or foreign file) is a miss: the embeddings are computed as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.logs import get_logger, log_event

log = get_logger(__name__)


def cache_key(weights_tag: str, purpose: str, windows: list[list[int]]) -> str:
    """The file name for ``windows`` embedded by the model ``weights_tag`` describes."""
    h = hashlib.sha256()
    h.update(json.dumps([weights_tag, purpose, windows], separators=(",", ":")).encode())
    return h.hexdigest()[:32]


def cached_tensor(cache_dir: str | None, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per key; later calls (in any process) load the saved tensor."""
    if not cache_dir:
        return compute()
    import torch

    path = Path(os.path.expanduser(cache_dir)) / f"{key}.pt"
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(loaded, torch.Tensor):
            return loaded
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file is recomputed and replaced
        log_event(log, "embedding_cache_unreadable", 30, path=str(path), error=str(exc))
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            torch.save(value, f)
        os.replace(tmp, path)  # readers see the old file or the whole new one
    except OSError as exc:
        log_event(log, "embedding_cache_unwritable", 30, path=str(path), error=str(exc))
    return value
