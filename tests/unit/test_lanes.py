"""Inference lanes (``worker.inference_processes``): the enrich stage in child processes must
give the records the in-process stage gives, in input order, and survive a lane's death.

The lanes here run the real child processes with light models (no encoder, no parser: the
actor dictionary only), so each starts in about a second; the split, the pipes, the
restart and the parent-death exit are the same code the worker runs with full models.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.config import ModelSettings
from pipeline.nlp.enrich import Enricher
from pipeline.nlp.lanes import InferenceLanes, LaneError, lane_settings, split_by_length
from pipeline.schema import Article
from tests.procinfo import alive

REPO = Path(__file__).resolve().parents[2]
LIGHT = ModelSettings(encoder="", ner=None, parser=None, embedding_cache_dir=None)


def article(i: int, body: str) -> Article:
    return Article(id=f"a{i}", feed_id="f", source="s", url=f"https://x/{i}",
                   title=f"Item {i}", content=body)


ARTICLES = [
    article(0, "Russia offered to mediate between the United States and North Korea."),
    article(1, "The UN Security Council imposed new sanctions on North Korea. " * 6),
    article(2, "Kenya's president met Ethiopia's prime minister in Nairobi."),
    article(3, "Stocks rose in Tokyo."),
    article(4, "France and Germany signed a trade pact. " * 3),
]


@pytest.fixture(scope="module")
def lanes() -> Iterator[InferenceLanes]:
    pool = InferenceLanes(LIGHT, 2, "WARNING")
    pool.start()
    yield pool
    pool.close()


def test_split_balances_length_and_keeps_input_order() -> None:
    groups = split_by_length([100, 10, 90, 10, 5], 2)
    assert sorted(i for g in groups for i in g) == [0, 1, 2, 3, 4]
    assert all(g == sorted(g) for g in groups)
    totals = sorted(sum([100, 10, 90, 10, 5][i] for i in g) for g in groups)
    assert totals[1] - totals[0] <= 20  # 100+10 against 90+10+5, not 100+90 against the rest


def test_split_drops_empty_groups() -> None:
    assert split_by_length([7], 4) == [[0]]
    assert split_by_length([], 2) == []


def test_lanes_share_out_the_cores_unless_threads_are_set() -> None:
    cores = os.cpu_count() or 1
    assert lane_settings(LIGHT, 2).torch_threads == max(1, cores // 2)
    pinned = LIGHT.model_copy(update={"torch_threads": 3})
    assert lane_settings(pinned, 2).torch_threads == 3


def test_overlapping_batches_give_the_in_process_records_and_hand_every_lane_back(
    lanes: InferenceLanes,
) -> None:
    """The enrich agent keeps two batches going: callers overlap, each part still lands in
    its own batch's input order, and no lane is left held afterwards."""
    batches = [ARTICLES[k:] + ARTICLES[:k] for k in range(len(ARTICLES))] * 2
    expected = [Enricher(LIGHT).enrich_encoded(b) for b in batches]
    with ThreadPoolExecutor(max_workers=3) as callers:
        got = list(callers.map(lanes.enrich_encoded, batches))
    assert got == expected
    assert lanes.idle == 2


def test_lanes_give_the_in_process_records_in_input_order(lanes: InferenceLanes) -> None:
    expected = Enricher(LIGHT).enrich_encoded(ARTICLES)
    got = lanes.enrich_encoded(ARTICLES)
    assert got == expected
    assert [json.loads(p)["article"]["id"] for p in got] == [a.id for a in ARTICLES]
    assert lanes.models == Enricher(LIGHT).models


def test_an_error_inside_enrichment_reaches_the_caller(lanes: InferenceLanes) -> None:
    poison = article(9, "")
    poison.content = ["not text"]  # type: ignore[assignment]  # as a buggy producer might
    with pytest.raises(LaneError, match="AttributeError"):
        lanes.enrich_encoded([poison])
    assert len(lanes.enrich_encoded(ARTICLES[:2])) == 2  # the lane lives on


def test_a_killed_lane_is_restarted_and_its_batch_retried(lanes: InferenceLanes) -> None:
    victim = lanes.lanes[0].proc
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(5)
    got = lanes.enrich_encoded(ARTICLES)
    assert [json.loads(p)["article"]["id"] for p in got] == [a.id for a in ARTICLES]
    assert lanes.lanes[0].proc.pid != victim.pid


def test_lanes_exit_when_their_worker_is_killed(tmp_path: Path) -> None:
    """``kill -9`` of the worker must not leave lanes holding models in memory."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from pipeline.config import ModelSettings
        from pipeline.nlp.lanes import InferenceLanes
        if __name__ == "__main__":
            pool = InferenceLanes(ModelSettings(encoder="", ner=None, parser=None,
                                                embedding_cache_dir=None), 2, "WARNING")
            pool.start()
            print(" ".join(str(l.proc.pid) for l in pool.lanes), flush=True)
            time.sleep(120)
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.2)
        assert not any(alive(p) for p in pids)
    finally:
        if parent.poll() is None:
            parent.kill()
