"""``newsmon alerts mark`` and ``newsmon eval feedback``: analysts' verdicts on alerts."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from pipeline.config import Settings


def register_mark(asub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    m = asub.add_parser(
        "mark",
        help="mark an alert as a false alert or as a duplicate of another event",
        description="Publish a mark to the feedback topic: the worker then fires no more alerts "
        "for that event (a duplicate is merged into the other event).",
    )
    m.add_argument("event_id", help="event id of the alert (on the page, in the JSON or the feed)")
    which = m.add_mutually_exclusive_group(required=True)
    which.add_argument("--false", dest="false_alert", action="store_true", help="a false alert")
    which.add_argument("--duplicate-of", metavar="EVENT_ID", help="the same event as this one")
    m.add_argument("--by", default=None, help="who marks (default: the login name)")
    m.set_defaults(func=run_mark)


def run_mark(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.alerts.feedback import MarkError, make_mark
    from pipeline.analysts.marks import MarkTargetError, find_alert, publish_mark
    from pipeline.kafka.admin import BrokerUnavailable, wait_for_broker

    try:
        wait_for_broker(settings.kafka.bootstrap_servers, timeout=10)
        alert = find_alert(settings, args.event_id)
        kind = "false" if args.false_alert else "duplicate"
        mark = make_mark(alert, kind, args.duplicate_of, by=args.by or getpass.getuser())
        partition = publish_mark(settings, mark)
    except (BrokerUnavailable, MarkTargetError, MarkError) as exc:
        print(f"newsmon alerts mark: {exc}", file=sys.stderr)
        return 2
    what = "a false alert" if kind == "false" else f"a duplicate of {mark.duplicate_of}"
    print(
        f"marked {mark.event_id} ({mark.type} {mark.action}, {mark.key}) as {what} "
        f"on {settings.topics.feedback}[{partition}]"
    )
    return 0


def register_eval_feedback(esub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    f = esub.add_parser(
        "feedback",
        help="share of alerted events marked false or duplicate, per type and action",
        description="Reads the alert topics and alerts.feedback from the beginning.",
    )
    f.add_argument("--json", action="store_true", help="print the rows as JSON")
    f.set_defaults(func=run_eval_feedback)


def run_eval_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.alerts.feedback import Mark, MarkError, feedback_report
    from pipeline.analysts.marks import MarkTargetError, alerts_on_topics, read_topics
    from pipeline.kafka.admin import BrokerUnavailable, wait_for_broker

    try:
        wait_for_broker(settings.kafka.bootstrap_servers, timeout=10)
        alerts = alerts_on_topics(settings)
        marks = []
        for rec in read_topics(settings, [settings.topics.feedback]):
            try:
                marks.append(Mark.from_bytes(rec.value))
            except MarkError:
                continue
    except (BrokerUnavailable, MarkTargetError) as exc:
        print(f"newsmon eval feedback: {exc}", file=sys.stderr)
        return 2
    rows = feedback_report(alerts, sorted(marks, key=lambda m: m.marked_at))
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'type':10s} {'action':9s} {'events':>6s} {'false':>6s} {'dup':>5s} {'marked':>7s}")
    for r in rows:
        print(
            f"{r['type']:10s} {r['action']:9s} {r['events']:6d} {r['false']:6d} "
            f"{r['duplicate']:5d} {r['marked_share']:7.1%}"
        )
    if not rows:
        print("no alerts on the alert topics yet")
    return 0
