"""Settings: the YAML file, environment overrides, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_settings


def test_shipped_config_is_valid_and_topics_share_partitions() -> None:
    settings = load_settings(environ={})
    specs = settings.topics.all()
    assert [s.name for s in specs] == [
        "news.articles",
        "news.enriched",
        "news.events",
        "alerts.mediation",
        "alerts.sanctions",
        "news.deadletter",
        "alerts.feedback",
    ]
    assert {s.partitions for s in specs} == {settings.topics.partitions}
    # marks are kept per event, forever: the feedback topic is compacted, the others are not
    assert {s.name for s in specs if s.configs.get("cleanup.policy") == "compact"} == {
        "alerts.feedback"
    }


def test_analysts_settings_are_validated_with_the_key_named() -> None:
    settings = load_settings(environ={"NEWSMON_ANALYSTS__ALERTMANAGER_URL": "http://am:9093"})
    assert settings.analysts.alertmanager_url == "http://am:9093"
    assert settings.analysts.port == 8780
    with pytest.raises(ConfigError, match=r"unknown key 'analysts\.alertmanager'"):
        load_settings(environ={"NEWSMON_ANALYSTS__ALERTMANAGER": "x"})
    with pytest.raises(ConfigError, match=r"'analysts\.max_alerts'"):
        load_settings(environ={"NEWSMON_ANALYSTS__MAX_ALERTS": "1"})


def test_environment_overrides_file_values_with_types() -> None:
    settings = load_settings(
        environ={
            "NEWSMON_KAFKA__BOOTSTRAP_SERVERS": "127.0.0.1:19092",
            "NEWSMON_TOPICS__PARTITIONS": "8",
            "NEWSMON_EVENTS__ALERT_ON_NEGATED": "true",
            "NEWSMON_FEEDS": "configs/feeds.yaml",
        }
    )
    assert settings.kafka.bootstrap_servers == "127.0.0.1:19092"
    assert settings.topics.partitions == 8
    assert settings.events.alert_on_negated is True
    assert settings.poller.feeds_file == "configs/feeds.yaml"


def test_unknown_environment_key_is_named() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'kafka\.bootstrap_server'"):
        load_settings(environ={"NEWSMON_KAFKA__BOOTSTRAP_SERVER": "x:1"})


def test_bad_value_in_file_names_file_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / "newsmon.yaml"
    cfg.write_text("topics:\n  partitions: 0\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    assert str(cfg) in str(err.value) and "topics.partitions" in str(err.value)


def test_unknown_section_in_file_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "newsmon.yaml"
    cfg.write_text("kafak:\n  bootstrap_servers: x\n")
    with pytest.raises(ConfigError, match="unknown key 'kafak'"):
        load_settings(cfg, environ={})


def test_invalid_yaml_and_missing_file_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kafka: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad, environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.yaml", environ={})


def test_cli_exits_2_and_names_the_key(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    from pipeline.cli.main import main

    monkeypatch.setenv("NEWSMON_WORKER__BATCH_SIZE", "zero")
    assert main(["config", "check"]) == 2
    assert "worker.batch_size" in capsys.readouterr().err


def test_environment_values_keep_their_string_form_and_null_unsets() -> None:
    settings = load_settings(
        environ={"NEWSMON_BROKER__SCALA_VERSION": "2.13", "NEWSMON_MODELS__NER": "null"}
    )
    assert settings.broker.scala_version == "2.13"
    assert settings.models.ner is None


def test_a_list_setting_takes_a_json_list_from_the_environment() -> None:
    settings = load_settings(environ={"NEWSMON_BROKER__JVM_OPTIONS": '["-Xss2m", "-Xint"]'})
    assert settings.broker.jvm_options == ["-Xss2m", "-Xint"]
    assert load_settings(environ={"NEWSMON_BROKER__JVM_OPTIONS": "[]"}).broker.jvm_options == []
    with pytest.raises(ConfigError, match=r"broker\.jvm_options\.0.*'Xss2m'"):
        load_settings(environ={"NEWSMON_BROKER__JVM_OPTIONS": '["Xss2m"]'})  # no leading dash
    with pytest.raises(ConfigError, match=r"broker\.jvm_options.*valid list"):
        load_settings(environ={"NEWSMON_BROKER__JVM_OPTIONS": "[-Xss2m"})  # not JSON


def test_a_string_setting_keeps_a_value_that_looks_like_a_list() -> None:
    settings = load_settings(environ={"NEWSMON_KAFKA__CLIENT_ID": '["newsmon-a"]',
                                      "NEWSMON_KAFKA__BOOTSTRAP_SERVERS": "[::1]:9092"})
    assert settings.kafka.client_id == '["newsmon-a"]'
    assert settings.kafka.bootstrap_servers == "[::1]:9092"


def test_failover_settings_are_validated_and_named() -> None:
    settings = load_settings(environ={"NEWSMON_WORKER__SESSION_TIMEOUT_S": "9"})
    assert settings.worker.session_timeout_s == 9.0
    with pytest.raises(ConfigError, match=r"worker\.session_timeout_s"):
        load_settings(environ={"NEWSMON_WORKER__SESSION_TIMEOUT_S": "2"})  # broker minimum 6 s
    with pytest.raises(ConfigError, match=r"worker\.heartbeat_interval_s"):
        load_settings(
            environ={
                "NEWSMON_WORKER__SESSION_TIMEOUT_S": "6",
                "NEWSMON_WORKER__HEARTBEAT_INTERVAL_S": "3",
            }
        )
