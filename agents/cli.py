"""``newsmon worker``: registered through the ``newsmon.commands`` entry point so that the
core library's CLI can offer it without ``pipeline`` ever importing ``agents``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.config import Settings
from pipeline.logs import get_logger, log_event

log = get_logger("newsmon.worker")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("worker", help="run the Faust worker (enrich, events, alerts agents)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from agents.app import WorkerContext, create_app
    from agents.shutdown import DeadlineWorker
    from agents.topology import build_topology
    from pipeline.health import start_service_health
    from pipeline.kafka.admin import ensure_topics
    from pipeline.nlp.enrich import Enricher

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
        enricher = Enricher(settings.models)
        service.health.set_ready("models", True, ", ".join(enricher.models.values()))
        log_event(log, "models_loaded", models=enricher.models, fallback=enricher.fallback_active)
        app = create_app(settings)
        build_topology(app, WorkerContext(settings=settings, enricher=enricher))
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
