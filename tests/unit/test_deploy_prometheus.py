"""deploy/prometheus and the dashboard's PromQL, checked offline with the real ``promtool``.

``promtool check config|rules`` validates syntax and structure; ``promtool test rules`` runs
the alert unit tests in deploy/prometheus/rules_test.yml (each rule fires when it should and
stays quiet when it should). Dashboard queries are checked by compiling them as recording
rules. Skips when promtool is absent, fails instead when NEWSMON_REQUIRE_PROMETHEUS=1 (CI).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PROM_DIR = REPO / "deploy" / "prometheus"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "newsmon.json"


def load_dashboard_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_dashboard", REPO / "deploy" / "grafana" / "build_dashboard.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("NEWSMON_REQUIRE_PROMETHEUS") == "1":
            pytest.fail("promtool required (NEWSMON_REQUIRE_PROMETHEUS=1) but not on PATH")
        pytest.skip("promtool not installed (Debian package prometheus)")
    return path


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_promtool_check_config(promtool: str) -> None:
    result = run([promtool, "check", "config", "prometheus.yml"], PROM_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


def test_promtool_check_rules(promtool: str) -> None:
    result = run([promtool, "check", "rules", "rules.yml"], PROM_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rule_unit_tests(promtool: str) -> None:
    result = run([promtool, "test", "rules", "rules_test.yml"], PROM_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_rejects_a_broken_rule(promtool: str, tmp_path: Path) -> None:
    """The check above must be able to fail: a syntax error is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        yaml.safe_dump({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "rate(x[5m]"}]}]})
    )
    assert run([promtool, "check", "rules", str(bad)], tmp_path).returncode != 0


def test_dashboard_queries_compile(promtool: str, tmp_path: Path) -> None:
    """Every panel query, with Grafana's variables substituted, is valid PromQL."""
    import json

    mod = load_dashboard_module()
    board = json.loads(DASHBOARD.read_text())
    found = mod.queries(board)
    assert len(found) >= 30
    rules = [
        {"record": f"dashboard:q{i}", "expr": mod.substitute(expr)}
        for i, (_, expr) in enumerate(found)
    ]
    leftover = [r["expr"] for r in rules if "$" in r["expr"]]
    assert not leftover, f"unsubstituted Grafana variables: {leftover}"
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = run([promtool, "check", "rules", str(path)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_severity_and_runbook() -> None:
    rules = yaml.safe_load((PROM_DIR / "rules.yml").read_text())
    alerts = [r for g in rules["groups"] for r in g["rules"] if "alert" in r]
    names = {r["alert"] for r in alerts}
    # the situations ops asked to be paged or ticketed for
    assert {
        "NewsmonPollerCycleStalled",
        "NewsmonConsumerLagGrowing",
        "NewsmonNoArticleEnriched",
        "NewsmonDeadLettersRising",
        "NewsmonManyFeedsFailing",
        "NewsmonModelFallbackActive",
    } <= names
    for rule in alerts:
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert len(rule["annotations"]["runbook"]) > 80, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_every_alert_is_unit_tested() -> None:
    rules = yaml.safe_load((PROM_DIR / "rules.yml").read_text())
    tests = yaml.safe_load((PROM_DIR / "rules_test.yml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    tested = {
        case["alertname"]
        for t in tests["tests"]
        for case in t.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    # Liveness of scrape targets (up == 0) and a day-long staleness are plain thresholds.
    untested = alerts - tested - {"NewsmonTargetDown", "NewsmonFeedStale"}
    assert not untested, f"alerts with no firing test in rules_test.yml: {sorted(untested)}"


def test_scrape_jobs_match_the_job_names_rules_use() -> None:
    config = yaml.safe_load((PROM_DIR / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert {"newsmon-poller", "newsmon-worker"} <= jobs
    assert config["rule_files"] == ["rules.yml"]
