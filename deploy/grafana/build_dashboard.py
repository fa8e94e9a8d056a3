"""Generate ``deploy/grafana/dashboards/newsmon.json`` (the newsmon overview dashboard).

Why generated: a Grafana dashboard is ~1,500 lines of JSON where a grid position or a
duplicated panel id is easy to get wrong by hand; here each panel is one line of intent and
the layout is computed. ``python deploy/grafana/build_dashboard.py`` rewrites the JSON;
tests/unit/test_deploy_grafana.py fails if the committed JSON is out of date, and the
acceptance test (tests/integration/test_prometheus.py) runs every query below against a real
Prometheus scraping the real pipeline.

Variables: ``$instance`` (any newsmon process) and ``$topic`` (Kafka topics in the lag
metric); both multi-value with "All" = ``.*``. Queries use ``$__rate_interval``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards" / "newsmon.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
I = 'instance=~"$instance"'  # noqa: E741 - reads as a selector fragment in every query
RI = "$__rate_interval"


def target(expr: str, legend: str = "", *, instant: bool = False, ref: str = "A") -> dict:
    t: dict[str, Any] = {
        "datasource": DS,
        "expr": expr,
        "legendFormat": legend or "__auto",
        "refId": ref,
        "range": not instant,
        "instant": instant,
    }
    if instant:
        t["format"] = "table"
    return t


def with_refs(targets: list[dict]) -> list[dict]:
    for i, t in enumerate(targets):
        t["refId"] = chr(ord("A") + i)
    return targets


def timeseries(title: str, targets: list[dict], unit: str = "short", desc: str = "") -> dict:
    return {
        "type": "timeseries",
        "title": title,
        "description": desc,
        "datasource": DS,
        "targets": with_refs(targets),
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10},
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["max"]}},
        "_w": 12,
        "_h": 8,
    }


def stat(title: str, expr: str, unit: str = "short", desc: str = "", thresholds=None) -> dict:
    steps = thresholds or [{"color": "green", "value": None}]
    return {
        "type": "stat",
        "title": title,
        "description": desc,
        "datasource": DS,
        "targets": [target(expr)],
        "fieldConfig": {
            "defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
            "overrides": [],
        },
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
        "_w": 4,
        "_h": 4,
    }


def red_above(value: float) -> list[dict]:
    return [{"color": "green", "value": None}, {"color": "red", "value": value}]


def row(title: str) -> dict:
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "_w": 24, "_h": 1}


def feed_table() -> dict:
    """One row per feed: the four instant queries are merged on (instance, feed)."""
    queries = [
        (f"newsmon_feed_staleness_seconds{{{I}}}", "staleness"),
        (f"newsmon_feed_consecutive_failures{{{I}}}", "failures"),
        (f"newsmon_feed_last_success_timestamp_seconds{{{I}}} * 1000", "last success"),
        (
            f"sum by (instance, feed) "
            f"(increase(newsmon_poller_articles_published_total{{{I}}}[1h]))",
            "articles 1h",
        ),
    ]
    targets = with_refs([target(q, name, instant=True) for q, name in queries])
    renames = {f"Value #{t['refId']}": name for t, (_, name) in zip(targets, queries, strict=True)}
    return {
        "type": "table",
        "title": "Feed health",
        "description": "Worst first: seconds since last success, failures in a row, articles "
        "published in the last hour. A feed failing 3+ times turns red.",
        "datasource": DS,
        "targets": targets,
        "transformations": [
            {"id": "merge", "options": {}},
            {
                "id": "organize",
                "options": {
                    "excludeByName": {"Time": True, "job": True, "__name__": True},
                    "renameByName": renames,
                },
            },
            {"id": "sortBy", "options": {"sort": [{"field": "staleness", "desc": True}]}},
        ],
        "fieldConfig": {
            "defaults": {"unit": "short"},
            "overrides": [
                {
                    "matcher": {"id": "byName", "options": "staleness"},
                    "properties": [{"id": "unit", "value": "s"}],
                },
                {
                    "matcher": {"id": "byName", "options": "last success"},
                    "properties": [{"id": "unit", "value": "dateTimeAsIso"}],
                },
                {
                    "matcher": {"id": "byName", "options": "failures"},
                    "properties": [
                        {"id": "thresholds", "value": {"mode": "absolute", "steps": red_above(3)}},
                        {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                    ],
                },
            ],
        },
        "options": {"showHeader": True},
        "_w": 24,
        "_h": 9,
    }


def quantiles(metric: str, by: str = "", qs=(0.5, 0.95, 0.99), extra: str = "") -> list[dict]:
    group = f"{by}, le" if by else "le"
    out = []
    for q in qs:
        expr = (
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{{{I}{extra}}}[{RI}])))"
        )
        legend = f"p{int(q * 100)}" + (f" {{{{{by}}}}}" if by else "")
        out.append(target(expr, legend))
    return out


def panels() -> list[dict]:
    return [
        row("Overview"),
        stat(
            "Articles published / min",
            f"sum(rate(newsmon_poller_articles_published_total{{{I}}}[{RI}])) * 60",
            desc="New articles the poller produced to Kafka.",
        ),
        stat(
            "Articles enriched / min",
            f'sum(rate(newsmon_stage_output_records_total{{{I},stage="enrich"}}[{RI}])) * 60',
        ),
        stat(
            "Alerts (24 h)",
            f"sum(increase(newsmon_alerts_emitted_total{{{I}}}[24h])) or vector(0)",
        ),
        stat(
            "Feeds failing (3+ in a row)",
            f"count(newsmon_feed_consecutive_failures{{{I}}} >= 3) or vector(0)",
            thresholds=red_above(1),
        ),
        stat(
            "Consumer lag (max partition)",
            f'max(newsmon_consumer_lag_messages{{{I},topic=~"$topic"}}) or vector(0)',
            thresholds=red_above(1000),
        ),
        stat(
            "Not ready / fallback",
            f"(count(newsmon_component_ready{{{I}}} == 0) or vector(0)) + "
            f"(count(newsmon_model_fallback_active{{{I}}} == 1) or vector(0))",
            desc="Components reporting not ready plus models on their fallback; 0 is healthy.",
            thresholds=red_above(1),
        ),
        row("Throughput"),
        timeseries(
            "Records in / out per stage",
            [
                target(
                    f"sum by (stage) (rate(newsmon_stage_input_records_total{{{I}}}[{RI}]))",
                    "in {{stage}}",
                ),
                target(
                    f"sum by (stage) (rate(newsmon_stage_output_records_total{{{I}}}[{RI}]))",
                    "out {{stage}}",
                ),
            ],
            "reqps",
            "Records per second entering and leaving each stage (poll, enrich, events, alerts).",
        ),
        timeseries(
            "Polls by outcome",
            [
                target(
                    f"sum by (outcome) (rate(newsmon_poller_polls_total{{{I}}}[{RI}]))",
                    "{{outcome}}",
                ),
                target(
                    f"sum by (kind) (rate(newsmon_poller_errors_total{{{I}}}[{RI}]))",
                    "error: {{kind}}",
                ),
            ],
            "reqps",
        ),
        timeseries(
            "Batch size per stage",
            quantiles("newsmon_stage_batch_size_records", "stage", (0.5, 0.95)),
            "short",
        ),
        timeseries(
            "Fetched bandwidth",
            [
                target(
                    f"sum(rate(newsmon_poller_fetched_bytes_total{{{I}}}[{RI}]))",
                    "bytes/s",
                )
            ],
            "Bps",
        ),
        row("Latency"),
        timeseries(
            "Fetch → alert latency",
            quantiles("newsmon_alert_latency_from_fetch_seconds"),
            "s",
            "Our own pipeline delay: poller fetched the article → alert produced.",
        ),
        timeseries(
            "Publication → alert latency",
            quantiles("newsmon_alert_latency_from_publication_seconds"),
            "s",
            "Includes the feed's own delay and the poll interval.",
        ),
        timeseries(
            "Model inference time per batch",
            quantiles("newsmon_model_inference_duration_seconds", "model", (0.5, 0.95)),
            "s",
        ),
        timeseries(
            "Feed fetch time and scheduler lag",
            [
                *quantiles("newsmon_poller_fetch_duration_seconds", qs=(0.5, 0.95)),
                target(
                    "histogram_quantile(0.95, sum by (le) "
                    f"(rate(newsmon_poller_scheduler_lag_seconds_bucket{{{I}}}[{RI}])))",
                    "scheduler lag p95",
                ),
            ],
            "s",
        ),
        row("Kafka"),
        timeseries(
            "Consumer lag by topic",
            [
                target(
                    "sum by (group, topic) (max by (group, topic, partition) "
                    f'(newsmon_consumer_lag_messages{{{I},topic=~"$topic"}}))',
                    "{{topic}} ({{group}})",
                )
            ],
            "short",
        ),
        timeseries(
            "Consumer lag by partition",
            [
                target(
                    "max by (topic, partition) "
                    f'(newsmon_consumer_lag_messages{{{I},topic=~"$topic"}})',
                    "{{topic}}[{{partition}}]",
                )
            ],
            "short",
            "Uneven partitions point at hot keys or a stuck consumer.",
        ),
        row("Feeds"),
        feed_table(),
        row("Events and alerts"),
        timeseries(
            "Events detected by type and action",
            [
                target(
                    f"sum by (type, action) (increase(newsmon_events_detected_total{{{I}}}[{RI}]))",
                    "{{type}} {{action}}",
                )
            ],
            "short",
        ),
        timeseries(
            "Alerts by type and kind",
            [
                target(
                    f"sum by (type, kind) (increase(newsmon_alerts_emitted_total{{{I}}}[{RI}]))",
                    "{{type}} {{kind}}",
                ),
                target(
                    "sum by (type, reason) "
                    f"(increase(newsmon_alerts_suppressed_total{{{I}}}[{RI}]))",
                    "suppressed {{type}} {{reason}}",
                ),
            ],
            "short",
        ),
        row("Errors and health"),
        timeseries(
            "Dead letters and stage errors",
            [
                target(
                    f"sum by (stage) (increase(newsmon_deadletter_messages_total{{{I}}}[{RI}]))",
                    "dead-lettered {{stage}}",
                ),
                target(
                    f"sum by (stage) (increase(newsmon_stage_errors_total{{{I}}}[{RI}]))",
                    "errors {{stage}}",
                ),
            ],
            "short",
        ),
        timeseries(
            "Readiness and model fallback",
            [
                target(f"newsmon_component_ready{{{I}}}", "ready {{instance}} {{component}}"),
                target(
                    f"newsmon_model_fallback_active{{{I}}}",
                    "fallback {{instance}} {{model}}",
                ),
                target(f'up{{job=~"newsmon-.*",{I}}}', "up {{instance}}"),
            ],
            "short",
        ),
    ]


def layout(items: list[dict]) -> list[dict]:
    """Left-to-right, top-to-bottom grid of 24 columns; ids in order."""
    x = y = row_h = 0
    out = []
    for pid, panel in enumerate(items, start=1):
        w, h = panel.pop("_w"), panel.pop("_h")
        if x + w > 24 or panel["type"] == "row":
            x, y, row_h = 0, y + row_h, 0
        panel["id"] = pid
        panel["gridPos"] = {"x": x, "y": y, "w": w, "h": h}
        x += w
        row_h = max(row_h, h)
        if panel["type"] == "row":
            x, y, row_h = 0, y + h, 0
        out.append(panel)
    return out


def variable(name: str, label: str, query: str) -> dict:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DS,
        "definition": query,
        "query": {"query": query, "refId": f"{name}-var"},
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def dashboard() -> dict:
    return {
        "uid": "newsmon-overview",
        "title": "newsmon overview",
        "description": "Feeds → Kafka → enrichment → events → alerts. Generated by "
        "deploy/grafana/build_dashboard.py; edit that, not this file.",
        "tags": ["newsmon"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "prometheus"},
                },
                variable("instance", "Instance", "label_values(newsmon_build_info, instance)"),
                variable("topic", "Topic", "label_values(newsmon_consumer_lag_messages, topic)"),
            ]
        },
        "annotations": {"list": []},
        "links": [],
        "panels": layout(panels()),
    }


#: What Grafana substitutes for the template variables when "All" is selected and the range
#: is short; used to run the panel queries outside Grafana (tests, promtool).
TEST_SUBSTITUTIONS = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "1h",
    "$instance": ".*",
    "$topic": ".*",
}


def queries(board: dict) -> list[tuple[str, str]]:
    """``(where, expr)`` for every PromQL expression in ``board``: panel targets, and the
    series selector behind each ``label_values(metric, label)`` variable."""
    out: list[tuple[str, str]] = []
    for panel in board["panels"]:
        for t in panel.get("targets", []):
            out.append((f"panel {panel['id']} {panel['title']!r} {t['refId']}", t["expr"]))
    for var in board["templating"]["list"]:
        q = var.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if isinstance(q, str) and q.startswith("label_values("):
            metric = q[len("label_values(") :].split(",")[0].strip()
            out.append((f"variable {var['name']}", metric))
    return out


def substitute(expr: str) -> str:
    """``expr`` with Grafana's variables replaced as in :data:`TEST_SUBSTITUTIONS`."""
    for name in sorted(TEST_SUBSTITUTIONS, key=len, reverse=True):
        expr = expr.replace(name, TEST_SUBSTITUTIONS[name])
    return expr


def render() -> str:
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
