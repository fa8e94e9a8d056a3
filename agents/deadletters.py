"""One way for every agent to dead-letter a record: log it, count it, keep its bytes."""

from __future__ import annotations

import faust

from agents.delivery import acknowledged
from pipeline.kafka.deadletter import deadletter_record
from pipeline.logs import get_logger, log_event
from pipeline.metrics import record_deadletter

log = get_logger("newsmon.agents.deadletter")


class DeadLetters:
    """Faust acks a record even when the agent raised; this is where such records go instead."""

    def __init__(self, topic: faust.TopicT) -> None:
        self.topic = topic

    async def send(
        self,
        stage: str,
        source: faust.TopicT,
        raw: bytes | None,
        exc: BaseException,
        key: bytes | str | None = None,
    ) -> None:
        key_text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
        log_event(log, "dead_lettered", stage=stage, key=key_text, error=str(exc)[:300])
        record_deadletter(stage)
        fut = await self.topic.send(
            key=key_text.encode() if key_text else None,
            value=deadletter_record(stage, source.get_topic_name(), raw, exc, key_text),
        )
        await acknowledged([fut], stage)  # the record is acked as handled right after this
