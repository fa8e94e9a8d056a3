"""What the local broker is told to run: pom, server.properties, logging config, cluster id."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.config import BrokerSettings
from pipeline.kafka.broker import (
    DEPENDENCY_PLUGIN_VERSION,
    BrokerError,
    LocalBroker,
    log_config,
    log_config_jvm_option,
    new_cluster_id,
    render_pom,
    render_server_properties,
    validate_cluster_id,
)

NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def _deps(pom: str) -> set[tuple[str, str, str]]:
    root = ET.fromstring(pom)
    return {
        (
            d.findtext("m:groupId", namespaces=NS) or "",
            d.findtext("m:artifactId", namespaces=NS) or "",
            d.findtext("m:version", namespaces=NS) or "",
        )
        for d in root.findall("m:dependencies/m:dependency", NS)
    }


def _props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")


def test_pom_for_kafka_4_is_the_broker_plus_log4j2_slf4j17_binding() -> None:
    pom = render_pom("4.1.1", "2.13")
    root = ET.fromstring(pom)
    assert root.findtext("m:packaging", namespaces=NS) == "pom"
    assert _deps(pom) == {
        ("org.apache.kafka", "kafka_2.13", "4.1.1"),
        ("org.apache.logging.log4j", "log4j-api", "2.24.3"),
        ("org.apache.logging.log4j", "log4j-core", "2.24.3"),
        ("org.apache.logging.log4j", "log4j-slf4j-impl", "2.24.3"),
    }
    plugin = root.find("m:build/m:plugins/m:plugin", NS)
    assert plugin is not None
    assert plugin.findtext("m:artifactId", namespaces=NS) == "maven-dependency-plugin"
    assert plugin.findtext("m:version", namespaces=NS) == DEPENDENCY_PLUGIN_VERSION
    assert DEPENDENCY_PLUGIN_VERSION.startswith("3.8.")
    assert plugin.findtext("m:configuration/m:includeScope", namespaces=NS) == "runtime"


def test_pom_for_kafka_3_9_uses_reload4j_and_follows_scala_version() -> None:
    deps = _deps(render_pom("3.9.1", "2.12"))
    assert deps == {
        ("org.apache.kafka", "kafka_2.12", "3.9.1"),
        ("org.slf4j", "slf4j-reload4j", "1.7.36"),
        ("ch.qos.reload4j", "reload4j", "1.2.25"),
    }


def test_pom_adds_no_other_scala_library() -> None:
    # scala-library must come from Kafka's own POM; a second _2.13 artifact could pin another.
    artifacts = [a for _, a, _ in _deps(render_pom("4.1.1"))]
    assert [a for a in artifacts if "_2." in a] == ["kafka_2.13"]


def test_malformed_version_is_rejected_with_the_value() -> None:
    with pytest.raises(BrokerError, match="'latest'"):
        render_pom("latest")


def test_server_properties_single_node_kraft(tmp_path: Path) -> None:
    props = _props(render_server_properties("127.0.0.1", 19092, 19093, tmp_path / "logs"))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(tmp_path / "logs")
    # One node: every internal topic must fit replication factor 1, or groups never work.
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
    ):
        assert props[key] == "1", key
    assert props["group.initial.rebalance.delay.ms"] == "0"


def test_same_broker_and_controller_port_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="both 9092"):
        render_server_properties("127.0.0.1", 9092, 9092, tmp_path)


def test_logging_config_matches_the_kafka_version(tmp_path: Path) -> None:
    name4, text4 = log_config("4.1.1")
    assert name4 == "log4j2.properties"
    assert "appender.console.type = Console" in text4
    assert "logger.request.name = kafka.request.logger" in text4
    assert log_config_jvm_option("4.1.1", tmp_path / name4) == (
        f"-Dlog4j2.configurationFile={tmp_path / name4}"
    )
    name3, text3 = log_config("3.9.1")
    assert name3 == "log4j.properties"
    assert "log4j.rootLogger=INFO, stdout" in text3
    assert log_config_jvm_option("3.9.1", tmp_path / name3) == (
        f"-Dlog4j.configuration=file:{tmp_path / name3}"
    )


def test_new_cluster_ids_are_valid_distinct_and_never_start_with_dash() -> None:
    ids = [new_cluster_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for cid in ids:
        assert len(cid) == 22
        assert not cid.startswith("-")
        assert len(base64.urlsafe_b64decode(cid + "==")) == 16
        assert validate_cluster_id(cid) == cid


@pytest.mark.parametrize(
    ("cluster_id", "reason"),
    [
        ("-" + "A" * 20 + "A", "starts with '-'"),
        ("A" * 21, "22 characters"),
        ("A" * 23, "22 characters"),
        ("A" * 21 + "+", "22 characters"),  # '+' is standard, not url-safe, base64
        ("AAAAAAAAAAAAAAAAAAAAAA", "reserved"),  # Uuid.ZERO_UUID
        ("AAAAAAAAAAAAAAAAAAAAAQ", "reserved"),  # Uuid.METADATA_TOPIC_ID
        ("AAAAAAAAAAAAAAAAAAAAAB", "16-byte"),  # trailing bits set: not a canonical encoding
    ],
)
def test_invalid_cluster_ids_are_rejected(cluster_id: str, reason: str) -> None:
    with pytest.raises(BrokerError, match=reason):
        validate_cluster_id(cluster_id)


def test_cluster_id_is_created_once_and_reused(tmp_path: Path) -> None:
    broker = LocalBroker(BrokerSettings(data_dir=str(tmp_path)))
    first = broker._cluster_id()
    assert (tmp_path / "cluster.id").read_text().strip() == first
    assert broker._cluster_id() == first


def test_corrupt_cluster_id_file_is_an_error_not_a_new_cluster(tmp_path: Path) -> None:
    (tmp_path / "cluster.id").write_text("-not-a-valid-id\n")
    with pytest.raises(BrokerError, match="cluster id"):
        LocalBroker(BrokerSettings(data_dir=str(tmp_path)))._cluster_id()


def test_relative_data_dir_resolves_against_repo_root() -> None:
    from pipeline.config import ROOT

    broker = LocalBroker(BrokerSettings(data_dir=".newsmon/broker", port=19092))
    assert broker.data_dir == ROOT / ".newsmon" / "broker"
    assert broker.bootstrap == "127.0.0.1:19092"


def test_the_jvm_starts_with_the_configured_options_before_the_main_class() -> None:
    default = LocalBroker(BrokerSettings(port=19092))._java_command("java", Path("l"), Path("c"))
    assert "-XX:TieredStopAtLevel=1" in default  # C1 only unless configured otherwise
    chosen = LocalBroker(BrokerSettings(port=19092, jvm_options=["-Xss2m"]))._java_command(
        "java", Path("l"), Path("c"))
    assert "-XX:TieredStopAtLevel=1" not in chosen
    assert chosen.index("-Xss2m") < chosen.index("kafka.Kafka")
