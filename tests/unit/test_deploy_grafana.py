"""deploy/grafana: the dashboard JSON is current, well formed for Grafana, and provisioned."""

from __future__ import annotations

import json

import yaml

from tests.unit.test_deploy_prometheus import DASHBOARD, REPO, load_dashboard_module

GRAFANA = REPO / "deploy" / "grafana"


def board() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def test_committed_json_is_what_the_generator_writes() -> None:
    mod = load_dashboard_module()
    assert DASHBOARD.read_text(encoding="utf-8") == mod.render(), (
        "deploy/grafana/dashboards/newsmon.json is stale: run "
        "python deploy/grafana/build_dashboard.py"
    )


def test_panels_have_unique_ids_and_do_not_overlap() -> None:
    panels = board()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for p in panels:
        g = p["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24, p["title"]
        mine = {
            (x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])
        }
        assert not cells & mine, f"panel {p['title']!r} overlaps another"
        cells |= mine


def test_variables_instance_and_topic_are_multi_value_with_all() -> None:
    variables = {v["name"]: v for v in board()["templating"]["list"]}
    for name in ("instance", "topic"):
        var = variables[name]
        assert var["multi"] and var["includeAll"] and var["allValue"] == ".*"
    # every instance-scoped query filters on the variable, so the selector actually applies
    mod = load_dashboard_module()
    for where, expr in mod.queries(board()):
        if where.startswith("panel") and "newsmon_" in expr:
            assert 'instance=~"$instance"' in expr, where


def test_overview_covers_what_ops_watch() -> None:
    text = DASHBOARD.read_text()
    titles = " | ".join(p["title"] for p in board()["panels"])
    for needle in ("per stage", "latency", "lag", "Feed health", "Alerts", "Dead letters"):
        assert needle.lower() in titles.lower(), needle
    for metric in (
        "newsmon_stage_input_records_total",
        "newsmon_alert_latency_from_fetch_seconds_bucket",
        "newsmon_alert_latency_from_publication_seconds_bucket",
        "newsmon_consumer_lag_messages",
        "newsmon_feed_staleness_seconds",
        "newsmon_alerts_emitted_total",
        "newsmon_deadletter_messages_total",
    ):
        assert metric in text, metric


def test_every_target_uses_the_datasource_variable() -> None:
    for panel in board()["panels"]:
        for target in panel.get("targets", []):
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]


def test_provisioning_points_at_the_dashboard_and_prometheus() -> None:
    ds = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    (source,) = ds["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/newsmon.yml").read_text())
    (provider,) = providers["providers"]
    compose = yaml.safe_load((REPO / "deploy/docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
