"""Declares topics, the novelty table and the agents on an app (one call, no import magic)."""

from __future__ import annotations

import faust

from agents.alerts import register_alert_agent
from agents.app import WorkerContext
from agents.deadletters import DeadLetters
from agents.enrich import register_enrich_agent
from agents.events import register_event_agent
from agents.feedback import register_feedback_agent


def build_topology(app: faust.App, ctx: WorkerContext) -> None:
    t = ctx.settings.topics
    topics = {
        name: app.topic(name, partitions=t.partitions, key_type=bytes, value_type=bytes)
        for name in (
            t.articles,
            t.enriched,
            t.events,
            t.alerts_mediation,
            t.alerts_sanctions,
            t.deadletter,
            t.feedback,
        )
    }
    novelty = app.Table(
        "novelty",
        default=None,
        partitions=t.partitions,
        key_type=bytes,
        value_type=bytes,
        help="event-identity -> novelty state (JSON)",
    )
    feedback = app.Table(
        "feedback",
        default=None,
        partitions=t.partitions,
        key_type=bytes,
        value_type=bytes,
        help="event-identity -> analysts' marks (JSON), from alerts.feedback",
    )
    dead = DeadLetters(topics[t.deadletter])
    register_enrich_agent(app, ctx, topics[t.articles], topics[t.enriched], dead)
    register_event_agent(app, ctx, topics[t.enriched], topics[t.events], dead)
    register_alert_agent(
        app,
        ctx,
        topics[t.events],
        {"mediation": topics[t.alerts_mediation], "sanctions": topics[t.alerts_sanctions]},
        dead,
        novelty,
        feedback,
    )
    register_feedback_agent(app, topics[t.feedback], dead, feedback)
