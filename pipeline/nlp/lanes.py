"""Enrichment in child processes ("inference lanes"), each with its own copy of the models.

Why processes: on a CPU most of the enrich stage is single-threaded Python (tokenising,
spaCy's parse, linking, JSON encoding) that holds the GIL, and torch's intra-op threads gain
little on small batches. One process with two torch threads ran the benchmark texts at 14.5
articles/s; two processes with one thread each, on the same two cores, at 32 between them
(``benchmarks/pipeline.py`` measures the whole stream). A worker's event loop also no longer
competes with inference for its GIL.

A batch is split across the lanes that are idle by text length and the parts run at the same
time; the results come back in input order as the JSON bytes the enrich agent sends on (the
child encodes them, so nothing large is decoded or pickled twice). Callers may overlap (the
enrich agent keeps ``worker.enrich_batches_in_flight`` batches going): a lone batch takes every
lane, and under a backlog each lane runs whole batches of its own, so no lane waits for the
other's half of a batch, nor for the agent's sends between batches. A lane that dies (killed, out of
memory, a crash in native code) is started again and the batch is retried once; an exception
inside enrichment is raised to the caller, which isolates the article that caused it. A lane
exits by itself when its parent goes away (its pipe closes; a watchdog also checks the parent
pid), so ``kill -9`` of a worker leaves no orphan holding models in memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from pipeline.config import ModelSettings
from pipeline.logs import get_logger, log_event
from pipeline.nlp.models import adopt_fallbacks
from pipeline.schema import Article

log = get_logger(__name__)

SETTING = "worker.inference_processes"
_PARENT_POLL_S = 1.0


class LaneError(RuntimeError):
    """Enrichment raised inside a lane (the message is the child's exception)."""


class LaneCrashed(RuntimeError):
    """A lane process died, or could not load its models; the message says which and why."""


@dataclass
class LaneModels:
    """What a lane loaded, as the parent reports it (health, logs, fallback metrics)."""

    models: dict[str, str]
    fallback_active: bool
    fallbacks: dict[str, str] = field(default_factory=dict)


def lane_settings(settings: ModelSettings, processes: int) -> ModelSettings:
    """The models' settings for one lane: torch threads as configured, else the cores
    shared out (two lanes on two cores: one thread each, which is what makes them pay)."""
    if settings.torch_threads:
        return settings
    threads = max(1, (os.cpu_count() or 1) // max(1, processes))
    return settings.model_copy(update={"torch_threads": threads})


def split_by_length(lengths: Sequence[int], parts: int) -> list[list[int]]:
    """Indices into ``lengths`` in ``parts`` groups of about equal total length (longest
    first onto the lightest group), each group in input order; empty groups are dropped."""
    groups: list[list[int]] = [[] for _ in range(max(1, parts))]
    loads = [0] * len(groups)
    for i in sorted(range(len(lengths)), key=lambda k: -lengths[k]):
        g = loads.index(min(loads))
        groups[g].append(i)
        loads[g] += lengths[i] + 1
    return [sorted(g) for g in groups if g]


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(_PARENT_POLL_S)
        if os.getppid() != parent:
            os._exit(0)


def _lane_main(
    conn: Connection, settings: dict[str, Any], parent: int, log_level: str, log_format: str
) -> None:
    """The child: load the models, then enrich batches until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent decides
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from pipeline.logs import setup_logging
    from pipeline.nlp.enrich import Enricher
    from pipeline.nlp.models import fallback_status

    setup_logging(log_level, log_format)
    try:
        enricher = Enricher(ModelSettings(**settings))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", LaneModels(enricher.models, enricher.fallback_active, fallback_status())))
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            reply: tuple[str, Any] = ("ok", enricher.enrich_encoded(batch))
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class _Lane:
    """One child process and the parent's end of its pipe; used by one thread at a time."""

    def __init__(self, index: int, settings: ModelSettings, log_level: str, log_format: str):
        self.index = index
        self.settings = settings
        self.log_level = log_level
        self.log_format = log_format
        self.proc: Any = None
        self.conn: Connection | None = None

    def spawn(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process running threads
        parent_end, child_end = ctx.Pipe()
        self.proc = ctx.Process(
            target=_lane_main,
            args=(child_end, self.settings.model_dump(), os.getpid(), self.log_level,
                  self.log_format),
            name=f"newsmon-lane-{self.index}",
            daemon=True,
        )
        self.proc.start()
        child_end.close()
        self.conn = parent_end

    def ready(self) -> LaneModels:
        kind, value = self._receive()
        if kind != "ready":
            self.close()
            raise LaneCrashed(f"{SETTING}: lane {self.index} could not load its models: {value}")
        assert isinstance(value, LaneModels)
        return value

    def enrich(self, articles: list[Article]) -> list[bytes]:
        if self.conn is None:  # a restart that failed: the caller starts it again
            raise LaneCrashed(f"{SETTING}: lane {self.index} is not running")
        try:
            self.conn.send(articles)
        except (BrokenPipeError, OSError) as exc:
            raise LaneCrashed(f"{SETTING}: lane {self.index} is gone ({exc})") from exc
        kind, value = self._receive()
        if kind == "error":
            raise LaneError(value)
        return list(value)

    def _receive(self) -> tuple[str, Any]:
        assert self.conn is not None
        try:
            kind, value = self.conn.recv()
        except (EOFError, OSError) as exc:
            code = self.proc.exitcode if self.proc is not None else None
            raise LaneCrashed(f"{SETTING}: lane {self.index} died (exit code {code})") from exc
        return kind, value

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
            self.conn.close()
            self.conn = None
        if self.proc is not None:
            self.proc.join(timeout=5)
            if self.proc.is_alive():
                self.proc.kill()
            self.proc = None


class InferenceLanes:
    """``processes`` lanes that enrich the parts of each batch at the same time."""

    def __init__(
        self,
        settings: ModelSettings,
        processes: int,
        log_level: str = "INFO",
        log_format: str = "json",
    ):
        if processes < 1:
            raise ValueError(f"{SETTING} must be at least 1 for lanes, got {processes}")
        per_lane = lane_settings(settings, processes)
        self.lanes = [_Lane(i, per_lane, log_level, log_format) for i in range(processes)]
        self._threads = ThreadPoolExecutor(max_workers=processes, thread_name_prefix="lane")
        self._idle: queue.SimpleQueue[_Lane] = queue.SimpleQueue()
        self.info: LaneModels | None = None

    def start(self) -> LaneModels:
        """Start every lane and wait until all loaded their models (they load in parallel)."""
        for lane in self.lanes:
            lane.spawn()
        infos = list(self._threads.map(lambda lane: lane.ready(), self.lanes))
        for lane in self.lanes:
            self._idle.put(lane)
        self.info = infos[0]
        adopt_fallbacks(self.info.fallbacks)
        log_event(
            log,
            "inference_lanes_ready",
            lanes=len(self.lanes),
            torch_threads=self.lanes[0].settings.torch_threads,
        )
        return self.info

    @property
    def idle(self) -> int:
        """Lanes no caller holds now (all of them between batches)."""
        return self._idle.qsize()

    @property
    def models(self) -> dict[str, str]:
        return self.info.models if self.info is not None else {}

    @property
    def fallback_active(self) -> bool:
        return self.info.fallback_active if self.info is not None else False

    def enrich_encoded(self, articles: Sequence[Article]) -> list[bytes]:
        """The enriched records of ``articles`` as JSON bytes, in input order; thread-safe.
        Waits for one idle lane and takes any others idle too; each lane is handed back as
        soon as its part is done, so an overlapping caller can start on it."""
        articles = list(articles)
        if not articles:
            return []
        held = [self._idle.get()]
        while len(held) < len(articles):
            try:
                held.append(self._idle.get_nowait())
            except queue.Empty:
                break
        lengths = [len(a.title or "") + len(a.body or "") for a in articles]
        groups = split_by_length(lengths, len(held))
        for lane in held[len(groups) :]:
            self._idle.put(lane)
        if len(groups) == 1:
            parts = [self._run_and_release(held[0], articles)]
        else:
            futures = [
                self._threads.submit(self._run_and_release, lane, [articles[i] for i in group])
                for lane, group in zip(held, groups, strict=False)
            ]
            parts = [f.result() for f in futures]
        out: list[bytes] = [b""] * len(articles)
        for group, payloads in zip(groups, parts, strict=True):
            for i, payload in zip(group, payloads, strict=True):
                out[i] = payload
        return out

    def _run_and_release(self, lane: _Lane, articles: list[Article]) -> list[bytes]:
        try:
            return self._run(lane, articles)
        finally:
            self._idle.put(lane)

    def _run(self, lane: _Lane, articles: list[Article]) -> list[bytes]:
        try:
            return lane.enrich(articles)
        except LaneCrashed as exc:
            log_event(log, "inference_lane_died", 40, lane=lane.index, error=str(exc))
            lane.close()
            lane.spawn()
            lane.ready()
            log_event(log, "inference_lane_restarted", lane=lane.index)
            return lane.enrich(articles)  # a second death is raised: the caller isolates

    def close(self) -> None:
        for lane in self.lanes:
            lane.close()
        self._threads.shutdown(wait=False)
