"""Acceptance: the real pipeline scraped by a real Prometheus, and every query ops rely on.

The demo feed is served, ``newsmon poll`` and ``newsmon worker`` run as processes against the
session broker, and a Prometheus (Debian package, started here on a free port, 1 s scrapes)
scrapes both and loads deploy/prometheus/rules.yml. Once the demo's alerts are on the alert
topics the test checks, through the Prometheus HTTP API, that:

* both processes are up and the key series have data (polls, articles, enrichment, events,
  alerts, end-to-end latency, consumer lag, readiness, build info);
* every PromQL expression in the Grafana dashboard (variables substituted as Grafana does for
  "All") and in the rules file evaluates without error;
* every alerting rule was evaluated by Prometheus with health "ok", and none pages.

The pipeline runs once for the module; the tests below share it.

Skips when prometheus is not installed, fails instead when NEWSMON_REQUIRE_PROMETHEUS=1 (CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings
from pipeline.demo.server import DemoFeedServer
from pipeline.kafka.admin import ensure_topics
from pipeline.kafka.broker import free_port
from tests.integration.conftest import unique_settings
from tests.integration.procs import NewsmonProcess, TopicReader
from tests.unit.test_deploy_prometheus import DASHBOARD, PROM_DIR, load_dashboard_module

PIPELINE_WAIT_S = 150
SCRAPE_WAIT_S = 30

#: Series that must have data once the demo went through. (query, what it proves)
POLLER_SERIES = [
    ('up{job="newsmon-poller"} == 1', "poller scraped"),
    ('newsmon_build_info{job="newsmon-poller"}', "poller build info"),
    ('newsmon_poller_polls_total{outcome="new"} > 0', "a poll found new articles"),
    ("newsmon_poller_articles_published_total > 0", "articles published"),
    ("newsmon_poller_cycle_completed_timestamp_seconds > 0", "poller cycles"),
    ('newsmon_feed_consecutive_failures{feed="demo-world"} == 0', "feed healthy"),
    ('newsmon_feed_staleness_seconds{feed="demo-world"}', "feed staleness"),
    ("newsmon_poller_fetch_duration_seconds_count > 0", "fetch latency histogram"),
    ('newsmon_stage_output_records_total{stage="poll"} > 0', "poll stage output"),
]
WORKER_SERIES = [
    ('up{job="newsmon-worker"} == 1', "worker scraped"),
    ('newsmon_build_info{job="newsmon-worker"}', "worker build info"),
    ('newsmon_stage_output_records_total{stage="enrich"} > 0', "articles enriched"),
    ('newsmon_stage_input_records_total{stage="events"} > 0', "events stage input"),
    ("newsmon_events_detected_total > 0", "events detected"),
    ('newsmon_alerts_emitted_total{type="mediation"} > 0', "mediation alert counted"),
    ('newsmon_alerts_emitted_total{type="sanctions"} > 0', "sanctions alert counted"),
    ("newsmon_alert_latency_from_fetch_seconds_count > 0", "fetch -> alert latency"),
    ("newsmon_model_inference_duration_seconds_count > 0", "model inference timed"),
    ("newsmon_consumer_lag_messages", "consumer lag exported"),
    # the monitor asks about the group Faust really commits as: once caught up, lag is 0
    ("max(newsmon_consumer_lag_messages) == 0", "worker group caught up"),
    ('newsmon_component_ready{job="newsmon-worker",component="broker"} == 1', "worker ready"),
]


@pytest.fixture(scope="module")
def prometheus_bin() -> str:
    path = shutil.which("prometheus")
    if path is None:
        if os.environ.get("NEWSMON_REQUIRE_PROMETHEUS") == "1":
            pytest.fail("prometheus required (NEWSMON_REQUIRE_PROMETHEUS=1) but not on PATH")
        pytest.skip("prometheus not installed (Debian package prometheus)")
    return path


class Prometheus:
    def __init__(self, binary: str, workdir: Path, targets: dict[str, int]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(PROM_DIR / "rules.yml")],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
                for job, port in targets.items()
            ],
        }
        cfg = workdir / "prometheus.yml"
        cfg.write_text(yaml.safe_dump(config))
        self.log_path = workdir / "prometheus.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={cfg}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"prometheus not ready: {self.log_tail()}")

    def api(self, path: str, **params: str) -> Any:
        url = f"{self.url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                body = json.loads(resp.read())
        except urllib.error.HTTPError as err:
            body = json.loads(err.read())
        return body

    def query(self, expr: str) -> dict[str, Any]:
        return self.api("query", query=expr)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def wait_until(check, timeout: float, interval: float = 1.0) -> Any:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    result = check()
    while not result and time.monotonic() < deadline:
        time.sleep(interval)
        result = check()
    return result


class Pipeline:
    """The demo feed, poller, worker and Prometheus, running until the module ends."""

    def __init__(self, prom: Prometheus, poller: NewsmonProcess, worker: NewsmonProcess,
                 worker_port: int) -> None:  # fmt: skip
        self.prom = prom
        self.poller = poller
        self.worker = worker
        self.worker_port = worker_port

    def logs(self) -> str:
        return f"\nworker:\n{self.worker.log_tail(15)}\npoller:\n{self.poller.log_tail(15)}"

    def missing(self, series: list[tuple[str, str]]) -> list[str]:
        """Key series still without data after the scrapes have had time to catch up."""

        def check() -> list[str]:
            return [
                f"{expr}  ({why})"
                for expr, why in series
                if not self.prom.query(expr).get("data", {}).get("result")
            ]

        wait_until(lambda: not check(), SCRAPE_WAIT_S)
        return check()

    def worker_serves_metrics(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.worker_port}/metrics"
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False


@pytest.fixture(scope="module")
def pipeline(
    prometheus_bin: str, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    tmp = tmp_path_factory.mktemp("prometheus-acceptance")
    settings: Settings = unique_settings(kafka_bootstrap, tmp)
    ensure_topics(settings, timeout=30)
    poller_port, worker_port = free_port(), free_port()
    ports = {
        "NEWSMON_METRICS__POLLER_PORT": str(poller_port),
        "NEWSMON_METRICS__WORKER_PORT": str(worker_port),
        "NEWSMON_METRICS__HOST": "127.0.0.1",
    }
    bootstrap = settings.kafka.bootstrap_servers
    mediation = TopicReader(bootstrap, settings.topics.alerts_mediation)
    sanctions = TopicReader(bootstrap, settings.topics.alerts_sanctions)
    with DemoFeedServer() as demo:
        feeds = tmp / "feeds.yaml"
        feeds.write_text(
            yaml.safe_dump(
                {
                    "defaults": {"interval_s": 5, "min_interval_s": 5, "adaptive": False},
                    "feeds": [{"id": "demo-world", "name": "demo", "url": demo.feed_url}],
                }
            )
        )
        prom = Prometheus(
            prometheus_bin, tmp, {"newsmon-poller": poller_port, "newsmon-worker": worker_port}
        )
        worker = NewsmonProcess(settings, tmp / "worker.log", "worker", **ports)
        poller = NewsmonProcess(
            settings,
            tmp / "poller.log",
            "poll",
            NEWSMON_FEEDS=str(feeds),
            NEWSMON_POLLER__STATE_DB=str(tmp / "poller.sqlite"),
            **ports,
        )
        running = Pipeline(prom, poller, worker, worker_port)
        try:
            prom.wait_ready()

            def alerts_or_exit() -> bool:
                if worker.proc.poll() is not None or poller.proc.poll() is not None:
                    return True  # a process died: stop waiting, report below
                return bool(mediation.poll(1) and sanctions.poll(1))

            wait_until(alerts_or_exit, PIPELINE_WAIT_S, interval=0)
            assert worker.proc.poll() is None and poller.proc.poll() is None, (
                "a newsmon process exited" + running.logs()
            )
            assert mediation.records and sanctions.records, (
                f"no alerts within {PIPELINE_WAIT_S}s" + running.logs()
            )
            yield running
        finally:
            poller.stop()
            worker.stop()
            prom.stop()
            mediation.close()
            sanctions.close()


def test_poller_series_have_data(pipeline: Pipeline) -> None:
    missing = pipeline.missing(POLLER_SERIES)
    assert not missing, "series without data:\n" + "\n".join(missing) + pipeline.logs()


def test_worker_series_have_data(pipeline: Pipeline) -> None:
    assert pipeline.worker_serves_metrics(), "worker serves no /metrics" + pipeline.logs()
    missing = pipeline.missing(WORKER_SERIES)
    assert not missing, "series without data:\n" + "\n".join(missing) + pipeline.logs()


def test_every_dashboard_query_evaluates(pipeline: Pipeline) -> None:
    mod = load_dashboard_module()
    board = json.loads(DASHBOARD.read_text())
    found = mod.queries(board)
    assert len(found) >= 30
    failures = []
    for where, expr in found:
        body = pipeline.prom.query(mod.substitute(expr))
        if body.get("status") != "success":
            failures.append(f"{where}: {body.get('error')} in {expr}")
    assert not failures, "\n".join(failures)
    # the feed health table shows the demo feed
    table = pipeline.prom.query('newsmon_feed_staleness_seconds{instance=~".*"}')["data"]["result"]
    assert {r["metric"]["feed"] for r in table} == {"demo-world"}


def test_every_rule_evaluates_cleanly_and_nothing_pages(pipeline: Pipeline) -> None:
    prom = pipeline.prom
    rules = yaml.safe_load((PROM_DIR / "rules.yml").read_text())
    expected = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    for group in rules["groups"]:
        for rule in group["rules"]:
            body = prom.query(rule["expr"])
            assert body.get("status") == "success", (rule["alert"], body)

    def rule_health() -> dict[str, str]:
        loaded = prom.api("rules")["data"]["groups"]
        return {
            r["name"]: f"{r['health']} {r.get('lastError', '')}".strip()
            for g in loaded
            for r in g["rules"]
        }

    wait_until(lambda: all(v == "ok" for v in rule_health().values()), 10)
    health = rule_health()
    assert set(health) == expected
    assert all(v == "ok" for v in health.values()), health

    firing = [
        a["labels"]["alertname"]
        for a in prom.api("alerts")["data"]["alerts"]
        if a["state"] == "firing" and a["labels"].get("severity") == "page"
    ]
    assert not firing, firing
