"""``newsmon worker``: registered through the ``newsmon.commands`` entry point so that the
core library's CLI can offer it without ``pipeline`` ever importing ``agents``."""

from __future__ import annotations

import argparse
import logging
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from os import _exit
from typing import TYPE_CHECKING, Any

from pipeline.cli.main import EXIT_BAD_INPUT
from pipeline.config import ConfigError, Settings
from pipeline.logs import get_logger, log_event

if TYPE_CHECKING:
    from agents.app import BatchEnricher
    from pipeline.health import Health

log = get_logger("newsmon.worker")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("worker", help="run the Faust worker (enrich, events, alerts agents)")
    p.set_defaults(func=run)


def _models_done(done: Future[BatchEnricher], health: Health) -> None:
    """Readiness once the models are in. A load that raised (not a model falling back, which
    the Enricher handles, but e.g. a broken taxonomy file) ends the worker at once, before the
    inference thread takes its first batch: nothing was processed or committed, so nothing is
    lost, and no article is dead-lettered for the worker's own fault."""
    exc = done.exception()
    if exc is not None:
        log_event(log, "models_failed", 50, error=f"{type(exc).__name__}: {exc}")
        config = isinstance(exc, ConfigError)
        what = "configuration error" if config else "worker cannot load its models"
        print(f"newsmon: {what}: {exc}", file=sys.stderr, flush=True)
        for handler in logging.getLogger().handlers:
            handler.flush()
        _exit(EXIT_BAD_INPUT if config else 1)
        return
    enricher = done.result()
    health.set_ready("models", True, ", ".join(enricher.models.values()))
    log_event(log, "models_loaded", models=enricher.models, fallback=enricher.fallback_active)


def _load_inference(settings: Settings) -> BatchEnricher:
    """The models, in this process or in ``worker.inference_processes`` child processes."""
    processes = settings.worker.inference_processes
    if not processes:
        from pipeline.nlp.enrich import Enricher

        return Enricher(settings.models)
    from pipeline.nlp.lanes import InferenceLanes

    lanes = InferenceLanes(
        settings.models, processes, settings.logging.level, settings.logging.format
    )
    lanes.start()
    return lanes


def run(args: argparse.Namespace, settings: Settings) -> int:
    from agents.app import WorkerContext, create_app
    from agents.shutdown import DeadlineWorker
    from agents.topology import build_topology
    from pipeline.health import start_service_health
    from pipeline.kafka.admin import ensure_topics
    if settings.kafka.security_protocol != "PLAINTEXT":
        from pipeline.kafka.admin import preflight

        preflight(settings)  # wrong password / untrusted CA: one line now, before any client
    sys.setswitchinterval(settings.worker.gil_switch_interval_ms / 1000)
    t = settings.topics
    # Probes and metrics come up first, so "not ready: models loading" is visible while it lasts.
    service = start_service_health(
        settings,
        settings.metrics.worker_port,
        components=["models", "worker"],
        consumer_group=settings.worker.app_id,
        consumer_topics=[t.articles, t.enriched, t.events],
    )
    try:
        created = ensure_topics(settings)
        log_event(log, "topics_ready", created=created)
        # The models load in the inference thread while the app joins its group and recovers
        # its tables: a restarted worker's partitions wait for the longer of the two, not for
        # their sum (benchmarks/crash_soak.py).
        infer = ThreadPoolExecutor(
            max_workers=settings.worker.enrich_in_flight, thread_name_prefix="infer"
        )
        loading = infer.submit(_load_inference, settings)
        loading.add_done_callback(lambda done: _models_done(done, service.health))
        app = create_app(settings)
        ctx = WorkerContext(settings=settings, loading_models=loading, executor=infer)
        build_topology(app, ctx)
        if service.lag is not None:  # progress watchdog over this worker's own partitions
            service.lag.watch_progress(
                service.health,
                settings.worker.stall_after_s,
                assigned=lambda: {(tp.topic, tp.partition) for tp in app.consumer.assignment()},
            )

        @app.on_rebalance_complete.connect  # type: ignore[arg-type]  # faust stubs want signal=
        async def _joined(sender: Any, *args: Any, **kwargs: Any) -> None:
            """Ready only once the group assigned partitions and tables recovered."""
            service.health.set_ready("worker", True, "partitions assigned, tables recovered")

        worker = DeadlineWorker(
            app,
            shutdown_timeout_s=settings.worker.shutdown_timeout_s,
            loglevel=settings.logging.level,
            quiet=True,
            override_logging=False,
            redirect_stdouts=False,
        )
        worker.execute_from_commandline()  # SIGTERM/SIGINT: stops agents, commits; deadline
    finally:
        service.close()
    return 0  # pragma: no cover - execute_from_commandline exits
