"""Progress watchdog: a partition with work waiting whose committed offset does not move.

Why: a consumer can stop committing one partition while it goes on with the others (a record
it will never ack, a read it skipped) - idle, no error, /readyz 200, lag slowly growing. Lag
alone cannot tell a backlog being worked off from a partition nobody works on; "lag > 0 and
the committed offset unchanged for ``stall_after_s``" can.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

TopicPartition = tuple[str, int]


@dataclass
class Stall:
    topic: str
    partition: int
    committed: int | None
    lag: int
    for_s: float

    def describe(self) -> str:
        return (
            f"{self.topic}[{self.partition}] committed offset {self.committed} unchanged for "
            f"{self.for_s:.0f}s with lag {self.lag}"
        )


@dataclass
class ProgressWatchdog:
    """Feed it ``{(topic, partition): (committed offset or None, lag)}`` at each check."""

    stall_after_s: float
    _since: dict[TopicPartition, tuple[int | None, float]] = field(default_factory=dict)

    def observe(
        self,
        now: float,
        progress: Mapping[TopicPartition, tuple[int | None, int]],
        assigned: Iterable[TopicPartition] | None = None,
    ) -> list[Stall]:
        """The stalled partitions among ``assigned`` (all when None), as of ``now``."""
        watched = set(progress) if assigned is None else set(assigned) & set(progress)
        for tp in list(self._since):
            if tp not in watched:
                del self._since[tp]  # revoked: its clock starts again if it comes back
        stalls = []
        for tp in sorted(watched):
            committed, lag = progress[tp]
            last = self._since.get(tp)
            if last is None or last[0] != committed or lag <= 0:
                self._since[tp] = (committed, now)
                continue
            held = now - last[1]
            if held >= self.stall_after_s:
                stalls.append(Stall(tp[0], tp[1], committed, lag, held))
        return stalls
