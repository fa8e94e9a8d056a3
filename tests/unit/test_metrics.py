"""pipeline.metrics: names and labels ops rely on, the helpers' bookkeeping, the HTTP server.

Metrics live in the process-wide registry, so tests use feed ids and roles of their own and
compare before/after values rather than absolute ones.
"""

from __future__ import annotations

import re
import socket
import sys
import time
import types
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from pipeline import metrics as m

REPO = Path(__file__).resolve().parents[2]
UNIT_SUFFIXES = ("_seconds", "_bytes", "_records", "_messages", "_info", "_failures", "_active")
# Labels whose values are bounded by configuration or code; anything else (url, title, article
# id) would create a series per value.
BOUNDED_LABELS = {
    "feed", "outcome", "kind", "stage", "model", "id", "type", "action", "reason",
    "group", "topic", "partition", "component", "version", "python", "le",
}  # fmt: skip


def _newsmon_families() -> list:
    text = exposition()
    return [f for f in text_string_to_metric_families(text) if f.name.startswith("newsmon_")]


def exposition() -> str:
    from prometheus_client import generate_latest

    return generate_latest(REGISTRY).decode("utf-8")


def value(name: str, **labels: str) -> float:
    got = REGISTRY.get_sample_value(name, labels)
    return 0.0 if got is None else got


def fresh_feed() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_every_metric_is_newsmon_prefixed_with_unit_or_total() -> None:
    m.track_feed(fresh_feed())
    families = _newsmon_families()
    assert len(families) >= 30
    for family in families:
        if family.type == "counter":
            continue  # exposed with _total
        assert family.name.endswith(UNIT_SUFFIXES) or family.name in {
            "newsmon_broker_connected",
            "newsmon_model_loaded",
            "newsmon_component_ready",
            "newsmon_poller_feeds",
            "newsmon_feed_consecutive_failures",
            "newsmon_stalled_partitions",  # a count of partitions, named by issue 9
        }, f"{family.name} has no unit in its name"


def test_labels_are_bounded() -> None:
    m.track_feed(fresh_feed())
    for family in _newsmon_families():
        for sample in family.samples:
            unbounded = set(sample.labels) - BOUNDED_LABELS
            assert not unbounded, f"{sample.name} has unbounded labels {unbounded}"


def test_successful_poll_resets_failures_and_sets_last_success() -> None:
    feed = fresh_feed()
    m.track_feed(feed)
    m.record_poll(feed, "error", error_kind="timeout", duration_s=5.0)
    m.record_poll(feed, "error", error_kind="http_5xx")
    assert value("newsmon_feed_consecutive_failures", feed=feed) == 2
    assert value("newsmon_poller_errors_total", feed=feed, kind="timeout") == 1
    assert value("newsmon_poller_errors_total", feed=feed, kind="http_5xx") == 1
    assert value("newsmon_feed_last_success_timestamp_seconds", feed=feed) == 0

    before_bytes = value("newsmon_poller_fetched_bytes_total", feed=feed)
    m.record_poll(feed, "new", duration_s=0.2, fetched_bytes=1234, published=3, at=1_700_000_000)
    assert value("newsmon_feed_consecutive_failures", feed=feed) == 0
    assert value("newsmon_feed_last_success_timestamp_seconds", feed=feed) == 1_700_000_000
    assert value("newsmon_poller_polls_total", feed=feed, outcome="new") == 1
    assert value("newsmon_poller_polls_total", feed=feed, outcome="error") == 2
    assert value("newsmon_poller_articles_published_total", feed=feed) == 3
    assert value("newsmon_poller_fetched_bytes_total", feed=feed) - before_bytes == 1234


def test_unknown_outcome_and_error_kind_do_not_mint_series() -> None:
    feed = fresh_feed()
    m.record_poll(feed, "exploded", error_kind="ECONNRESET by 10.1.2.3")
    assert value("newsmon_poller_polls_total", feed=feed, outcome="error") == 1
    assert value("newsmon_poller_errors_total", feed=feed, kind="other") == 1
    assert (
        REGISTRY.get_sample_value(
            "newsmon_poller_polls_total", {"feed": feed, "outcome": "exploded"}
        )
        is None
    )


def test_feed_staleness_is_computed_at_scrape_time() -> None:
    feed = fresh_feed()
    m.record_poll(feed, "not_modified", at=time.time() - 100)
    first = value("newsmon_feed_staleness_seconds", feed=feed)
    assert 99 <= first <= 110
    time.sleep(0.05)
    assert value("newsmon_feed_staleness_seconds", feed=feed) > first
    # failures do not reset staleness
    m.record_poll(feed, "error", error_kind="dns")
    assert value("newsmon_feed_staleness_seconds", feed=feed) >= first


def test_forget_feed_removes_its_series() -> None:
    feed = fresh_feed()
    m.record_poll(feed, "new", published=1, fetched_bytes=10)
    m.record_poll(feed, "error", error_kind="parse")
    m.forget_feed(feed)
    text = exposition()
    assert f'feed="{feed}"' not in text


def test_record_stage_and_deadletter() -> None:
    before_in = value("newsmon_stage_input_records_total", stage="enrich")
    before_out = value("newsmon_stage_output_records_total", stage="enrich")
    before_batches = value("newsmon_stage_batch_size_records_count", stage="enrich")
    m.record_stage("enrich", 16, 15)
    assert value("newsmon_stage_input_records_total", stage="enrich") - before_in == 16
    assert value("newsmon_stage_output_records_total", stage="enrich") - before_out == 15
    assert value("newsmon_stage_batch_size_records_count", stage="enrich") - before_batches == 1
    assert value("newsmon_stage_last_output_timestamp_seconds", stage="enrich") == pytest.approx(
        time.time(), abs=5
    )
    before_dl = value("newsmon_deadletter_messages_total", stage="events")
    m.record_deadletter("events", 2)
    assert value("newsmon_deadletter_messages_total", stage="events") - before_dl == 2
    m.record_stage("some-new-stage", 1, 1)
    assert value("newsmon_stage_input_records_total", stage="other") >= 1


def test_alert_latencies_are_observed_and_clamped() -> None:
    now = 2_000_000_000.0
    count_pub = value("newsmon_alert_latency_from_publication_seconds_count", type="sanctions")
    sum_pub = value("newsmon_alert_latency_from_publication_seconds_sum", type="sanctions")
    sum_fetch = value("newsmon_alert_latency_from_fetch_seconds_sum", type="sanctions")
    before = value("newsmon_alerts_emitted_total", type="sanctions", kind="new")
    m.record_alert("sanctions", "new", published_at=now - 600, fetched_at=now - 2.5, now=now)
    m.record_alert("sanctions", "new", published_at=now + 3600, now=now)  # feed dated the future
    assert value("newsmon_alerts_emitted_total", type="sanctions", kind="new") - before == 2
    assert (
        value("newsmon_alert_latency_from_publication_seconds_count", type="sanctions") - count_pub
        == 2
    )
    assert (
        value("newsmon_alert_latency_from_publication_seconds_sum", type="sanctions") - sum_pub
        == 600
    )
    assert (
        value("newsmon_alert_latency_from_fetch_seconds_sum", type="sanctions") - sum_fetch == 2.5
    )


def test_model_state_keeps_one_info_series_per_role(monkeypatch: pytest.MonkeyPatch) -> None:
    # Isolated from fallbacks that other tests' Enrichers recorded in the NLP module.
    quiet = types.SimpleNamespace(fallback_status=lambda: {})
    monkeypatch.setitem(sys.modules, "pipeline.nlp.models", quiet)
    m.set_model_state("ner", "dslim/bert-base-NER", loaded=True, fallback=False)
    m.set_model_state("ner", "builtin:dictionary", loaded=True, fallback=True)
    assert value("newsmon_model_info", model="ner", id="builtin:dictionary") == 1
    assert (
        REGISTRY.get_sample_value(
            "newsmon_model_info", {"model": "ner", "id": "dslim/bert-base-NER"}
        )
        is None
    )
    assert value("newsmon_model_fallback_active", model="ner") == 1
    m.set_model_state("ner", "dslim/bert-base-NER", loaded=True, fallback=False)
    assert value("newsmon_model_fallback_active", model="ner") == 0


def test_fallback_reported_by_the_nlp_module_is_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The NLP stage records fallbacks in its own module; the gauge must show them without the
    stage calling into pipeline.metrics, and must return to 0 (not vanish) when it recovers."""
    active: dict[str, str] = {"models.topic_classifier": "offline (fallback: keywords)"}
    fake = types.SimpleNamespace(fallback_status=lambda: dict(active))
    monkeypatch.setitem(sys.modules, "pipeline.nlp.models", fake)
    assert value("newsmon_model_fallback_active", model="topic_classifier") == 1
    active.clear()
    assert (
        REGISTRY.get_sample_value("newsmon_model_fallback_active", {"model": "topic_classifier"})
        == 0
    )


def test_consumer_lag_clamps_negative() -> None:
    m.set_consumer_lag("g-test", "news.articles", 3, -5)
    assert value("newsmon_consumer_lag_messages", group="g-test", topic="news.articles",
                 partition="3") == 0  # fmt: skip
    m.set_consumer_lag("g-test", "news.articles", 3, 42)
    assert value("newsmon_consumer_lag_messages", group="g-test", topic="news.articles",
                 partition="3") == 42  # fmt: skip


def test_metrics_server_on_port_zero_serves_the_registry() -> None:
    server = m.start_metrics_server("127.0.0.1", 0)
    try:
        assert server.port > 0
        with urllib.request.urlopen(server.url + "/metrics", timeout=5) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/plain")
            body = resp.read().decode()
        assert 'newsmon_build_info{python="' in body
        req = urllib.request.Request(
            server.url + "/metrics", headers={"Accept": "application/openmetrics-text"}
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.headers["Content-Type"].startswith("application/openmetrics-text")
            assert resp.read().decode().rstrip().endswith("# EOF")
    finally:
        server.close()


def test_metrics_server_on_a_taken_port_names_the_address() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        with pytest.raises(OSError, match=f"127.0.0.1:{port}"):
            m.start_metrics_server("127.0.0.1", port)


def _deploy_metric_names() -> set[str]:
    """Every newsmon_* name a dashboard query or alerting rule refers to."""
    exprs: list[str] = []
    dash = (REPO / "deploy/grafana/dashboards/newsmon.json").read_text()
    exprs += re.findall(r'"(?:expr|definition)": "((?:[^"\\]|\\.)*)"', dash)
    rules = yaml.safe_load((REPO / "deploy/prometheus/rules.yml").read_text())
    exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    names = set()
    for expr in exprs:
        names |= set(re.findall(r"\bnewsmon_[a-z0-9_]+", expr))
    return names


def test_every_metric_used_in_deploy_is_exported() -> None:
    """A renamed metric must not silently blank a dashboard panel or disable an alert."""
    m.track_feed(fresh_feed())
    m.record_poll(fresh_feed(), "error", error_kind="timeout")
    m.record_stage("poll", 1, 1)
    m.record_deadletter("poll")
    m.record_alert("mediation", "new", published_at=time.time(), fetched_at=time.time())
    m.EVENTS.labels(type="mediation", action="offer").inc(0)
    m.ALERTS_SUPPRESSED.labels(type="mediation", reason="duplicate").inc(0)
    m.INFERENCE_DURATION.labels(model="encoder")
    m.set_consumer_lag("g-test", "t", 0, 0)
    m.COMPONENT_READY.labels(component="broker")
    m.STALLED_PARTITIONS.labels(group="g-test")
    exported = set()
    for family in text_string_to_metric_families(exposition()):
        exported |= {s.name for s in family.samples}
    used = _deploy_metric_names()
    assert len(used) >= 20
    missing = sorted(used - exported)
    assert not missing, f"deploy/ queries metrics pipeline.metrics does not export: {missing}"


@pytest.mark.parametrize("path", ["deploy/prometheus/prometheus.yml"])
def test_scrape_ports_match_settings(path: str) -> None:
    from pipeline.config import MetricsSettings

    text = (REPO / path).read_text()
    defaults = MetricsSettings()
    assert f"port: {defaults.poller_port}" in text
    assert f"port: {defaults.worker_port}" in text


def test_restore_feed_continues_staleness_and_failures_after_a_restart() -> None:
    feed = fresh_feed()
    m.restore_feed(feed, time.time() - 3600, 4)
    assert value("newsmon_feed_consecutive_failures", feed=feed) == 4
    assert 3599 <= value("newsmon_feed_staleness_seconds", feed=feed) <= 3700
    never = fresh_feed()
    m.restore_feed(never, None, 0)
    assert value("newsmon_feed_staleness_seconds", feed=never) < 5  # counts from now
