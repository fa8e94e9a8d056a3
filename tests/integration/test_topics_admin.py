"""Topic admin against the session broker: configured partitions, idempotence, clear errors."""

from __future__ import annotations

import pytest

from pipeline.config import Settings
from pipeline.kafka.admin import (
    BrokerUnavailable,
    TopicError,
    admin_client,
    describe_topics,
    ensure_topics,
    list_topics,
    wait_for_broker,
)
from pipeline.kafka.broker import free_port


def test_kafka_settings_topics_exist_with_configured_partitions(kafka_settings: Settings) -> None:
    names = [t.name for t in kafka_settings.topics.all()]
    listed = list_topics(kafka_settings)
    assert {n: listed.get(n) for n in names} == {
        n: kafka_settings.topics.partitions for n in names
    }


def test_ensure_topics_creates_with_configured_partitions_and_is_idempotent(
    kafka_settings: Settings,
) -> None:
    kafka_settings.topics.partitions = 3
    for field in ("articles", "enriched", "events", "alerts_mediation", "alerts_sanctions",
                  "deadletter", "feedback"):
        setattr(kafka_settings.topics, field, getattr(kafka_settings.topics, field) + ".p3")
    names = [t.name for t in kafka_settings.topics.all()]

    created = ensure_topics(kafka_settings, timeout=30)
    assert sorted(created) == sorted(names)
    with admin_client(kafka_settings) as admin:
        assert describe_topics(admin, names) == {n: 3 for n in names}
        from kafka.admin import ConfigResource, ConfigResourceType

        feedback = kafka_settings.topics.feedback
        found = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, feedback)])
        configs = next(iter(found.values()))[feedback]
        assert configs["cleanup.policy"]["value"] == "compact", configs

    assert ensure_topics(kafka_settings, timeout=30) == []


def test_existing_topic_with_other_partition_count_is_an_error(kafka_settings: Settings) -> None:
    kafka_settings.topics.partitions = kafka_settings.topics.partitions + 1
    with pytest.raises(TopicError) as err:
        ensure_topics(kafka_settings, timeout=30)
    assert kafka_settings.topics.articles in str(err.value)
    assert "partitions" in str(err.value)


def test_unreachable_broker_error_names_the_address() -> None:
    bootstrap = f"127.0.0.1:{free_port()}"
    with pytest.raises(BrokerUnavailable) as err:
        wait_for_broker(bootstrap, timeout=1.5)
    assert bootstrap in str(err.value)
