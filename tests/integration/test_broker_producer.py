"""make_producer against the real broker: acks=all sends are acknowledged and read back."""

from __future__ import annotations

import warnings

from kafka import KafkaConsumer, TopicPartition

from pipeline.config import Settings
from pipeline.kafka.producer import make_producer


def _read_all(bootstrap: str, topic: str, partitions: int, expected: int) -> list[tuple]:
    consumer = KafkaConsumer(
        bootstrap_servers=[bootstrap],
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10_000,
    )
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
        out = []
        for msg in consumer:
            out.append((msg.partition, msg.offset, msg.key, msg.value))
            if len(out) >= expected:
                break
        return out
    finally:
        consumer.close()


def test_producer_sends_with_acks_all_and_consumer_reads_back(kafka_settings: Settings) -> None:
    topic = kafka_settings.topics.articles
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # options valid for kafka-python 3.0
        producer = make_producer(kafka_settings)
    try:
        assert producer.config["acks"] == -1  # "all": every in-sync replica acknowledged
        assert producer.config["enable_idempotence"] is True
        sent = [
            producer.send(topic, key=f"article-{i % 2}", value=f"body {i}".encode()).get(30)
            for i in range(4)
        ]
        producer.flush(30)
    finally:
        producer.close()

    # Same key -> same partition, so per-article ordering holds.
    assert sent[0].partition == sent[2].partition
    assert sent[1].partition == sent[3].partition

    got = _read_all(
        kafka_settings.kafka.bootstrap_servers, topic, kafka_settings.topics.partitions, 4
    )
    assert sorted((k, v) for _, _, k, v in got) == sorted(
        (f"article-{i % 2}".encode(), f"body {i}".encode()) for i in range(4)
    )
    assert {(p, o) for p, o, _, _ in got} == {(m.partition, m.offset) for m in sent}


def test_bytes_key_is_sent_unchanged(kafka_settings: Settings) -> None:
    topic = kafka_settings.topics.deadletter
    producer = make_producer(kafka_settings)
    try:
        meta = producer.send(topic, key=b"\xff\x00raw", value=b"x").get(30)
    finally:
        producer.close()
    got = _read_all(kafka_settings.kafka.bootstrap_servers, topic,
                    kafka_settings.topics.partitions, 1)
    assert got == [(meta.partition, meta.offset, b"\xff\x00raw", b"x")]
