"""``newsmon alerts tail`` as a real process against the session broker."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from pipeline.alerts.format import format_alert_line
from pipeline.alerts.novelty import decide
from pipeline.config import Settings
from pipeline.kafka.producer import make_producer
from pipeline.schema import Alert, dumps
from tests.integration.procs import REPO, newsmon_argv, run_newsmon, settings_env
from tests.unit.test_alerts_helpers import T0, mediation, sanctions, settings


def _alerts() -> list[Alert]:
    s = settings()
    first = decide(None, mediation(), T0, s)
    update = decide(
        first.state,
        mediation("accept", article="c", url="https://c.example/x", source="Outlet C"),
        T0 + timedelta(hours=1),
        s,
    )
    sanc = decide(None, sanctions(), T0, s)
    out = [first.alert, sanc.alert, update.alert]
    assert all(out)
    return out  # type: ignore[return-value]


def _send(settings_: Settings, alerts: list[Alert]) -> None:
    producer = make_producer(settings_)
    try:
        for alert in alerts:
            topic = settings_.topics.alert_topic(alert.event.type)
            producer.send(topic, key=alert.event_id.encode(), value=dumps(alert)).get(30)
        producer.flush(30)
    finally:
        producer.close()


def test_tail_from_beginning_prints_each_alert_and_filters_by_type(
    kafka_settings: Settings,
) -> None:
    med_new, sanc_new, med_update = _alerts()
    _send(kafka_settings, [med_new, sanc_new, med_update])

    both = run_newsmon(
        kafka_settings, "alerts", "tail", "--from-beginning", "--max", "3", "--timeout", "60"
    )
    assert both.returncode == 0, both.stderr
    lines = both.stdout.splitlines()
    assert len(lines) == 3
    assert sum(line.startswith("NEW    mediation offer mediator=RUS") for line in lines) == 1
    assert sum(line.startswith("NEW    sanctions impose sender=IGO:UNSC") for line in lines) == 1
    assert sum(line.startswith("UPDATE mediation offer->accept") for line in lines) == 1

    only = run_newsmon(
        kafka_settings,
        "alerts",
        "tail",
        "--type",
        "mediation",
        "--from-beginning",
        "--json",
        "--max",
        "3",
        "--timeout",
        "8",
    )
    assert only.returncode == 1  # only 2 mediation alerts exist: --max not reached in time
    records = [json.loads(line) for line in only.stdout.splitlines()]
    assert [(r["kind"], r["event"]["action"]) for r in records] == [
        ("new", "offer"),
        ("update", "accept"),
    ]
    assert records[0] == med_new.to_dict()
    assert "2 of 3 alerts" in only.stderr


def test_tail_follows_alerts_sent_after_it_started(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    med_new, sanc_new, _ = _alerts()
    _send(kafka_settings, [med_new])  # before the tail: must not be printed
    err_path = tmp_path / "tail.err"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            newsmon_argv("alerts", "tail", "--max", "1", "--timeout", "60"),
            env=settings_env(kafka_settings),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "alerts_tail_started" not in err_path.read_text():
                assert proc.poll() is None, err_path.read_text()
                assert time.monotonic() < deadline, "tail did not start"
                time.sleep(0.2)
            _send(kafka_settings, [sanc_new])
            out, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 0, err_path.read_text()
    assert out.splitlines() == [out.splitlines()[0]]
    assert out.startswith("NEW    sanctions impose")


def test_tail_names_a_missing_topic(kafka_settings: Settings) -> None:
    res = run_newsmon(
        kafka_settings,
        "alerts",
        "tail",
        "--timeout",
        "2",
        NEWSMON_TOPICS__ALERTS_SANCTIONS="alerts.sanctions.does-not-exist",
    )
    assert res.returncode == 2
    assert "topic 'alerts.sanctions.does-not-exist' not found" in res.stderr


def test_tail_with_a_group_resumes_after_what_it_printed(kafka_settings: Settings) -> None:
    alerts = _alerts()
    _send(kafka_settings, alerts)
    args = ("alerts", "tail", "--group", f"{kafka_settings.kafka.client_id}-analyst")
    first = run_newsmon(kafka_settings, *args, "--from-beginning", "--max", "2", "--timeout", "60")
    assert first.returncode == 0, first.stderr
    second = run_newsmon(kafka_settings, *args, "--from-beginning", "--max", "1", "--timeout", "60")
    assert second.returncode == 0, second.stderr
    third = run_newsmon(kafka_settings, *args, "--timeout", "3")
    lines = first.stdout.splitlines() + second.stdout.splitlines() + third.stdout.splitlines()
    # every alert exactly once across the runs: none skipped past --max, none repeated
    assert sorted(line.split(" | ")[0] for line in lines) == sorted(
        format_alert_line(a).split(" | ")[0] for a in alerts
    )
