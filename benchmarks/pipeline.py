"""End-to-end benchmark: the whole stream (broker -> Faust worker(s) -> alerts) against the
in-process limit, ``newsmon analyze --jsonl`` on the same texts.

One run prints:

- in-process articles/s: ``analyze_texts`` (what ``analyze --jsonl`` runs) on the burst's texts;
- the stream's articles/s on the same texts produced at once (burst), and the ratio to the above;
- produce-to-enriched and produce-to-alert p50/p95/max at each fixed rate (default 5/s, 20/s);
- the same with two workers in one consumer group.

A fresh JVM's optimising compiler took half of the broker's CPU in a burst (per-thread CPU from
/proc), which is why the local broker runs C1 only (``broker.jvm_options``); ops' long-running
brokers finished compiling long ago.

Articles come from ``benchmarks/articles.py`` (our own text; 40% short, 40% medium, 20% full
length; every fourth reports a new event). Latencies are measured in this process: the time
a record was handed to the producer to the time a consumer here saw its enriched record or its
alert. The machine is shared, so the load average is printed with the figures and only ratios
within one run are comparable.

    .venv/bin/python benchmarks/pipeline.py [--n 240] [--rates 5,20] [--rate-seconds 20]
        [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafka import KafkaAdminClient, KafkaConsumer

from benchmarks.articles import GeneratedArticle, generate
from pipeline.config import ROOT, Settings, load_settings
from pipeline.kafka.admin import ensure_topics
from pipeline.kafka.broker import LocalBroker, free_port
from pipeline.kafka.producer import make_producer
from pipeline.kafka.security import client_kwargs
from pipeline.logs import setup_logging
from pipeline.schema import Article, dumps

TOPIC_FIELDS = ("articles", "enriched", "events", "alerts_mediation", "alerts_sanctions",
                "deadletter")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (f"p50 {pct(values, 0.5):.2f}s  p95 {pct(values, 0.95):.2f}s  "
            f"max {max(values):.2f}s  (n={len(values)})")


def as_article(g: GeneratedArticle) -> Article:
    now = datetime.now(UTC).isoformat()
    return Article(id=g.id, feed_id="bench", source=f"Bench {g.id}", url=f"https://bench/{g.id}",
                   title=g.title, content=g.content, published=now, fetched=now)


# ------------------------------------------------------------------------ in-process limit


class InProcess:
    """``analyze_texts`` on all texts in one call, exactly as ``--jsonl`` does."""

    def __init__(self, settings: Settings) -> None:
        from pipeline.nlp.enrich import Enricher

        self.settings = settings
        self.enricher = Enricher(settings.models)

    def rate(self, articles: list[GeneratedArticle]) -> float:
        from pipeline.analyze import analyze_texts

        docs = [(a.content, a.title) for a in articles]
        analyze_texts(docs[:16], self.enricher, self.settings.events)  # warm
        started = time.perf_counter()
        analyze_texts(docs, self.enricher, self.settings.events)
        return len(articles) / (time.perf_counter() - started)


# ------------------------------------------------------------------------ the stream


# what the environment said before this process loaded its own models (which put
# models.omp_wait_policy there): a worker gets its variant's policy, not the in-process one's
_OMP_WAIT_POLICY_AT_START = os.environ.get("OMP_WAIT_POLICY")


def worker_env(settings: Settings, log_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.pop("OMP_WAIT_POLICY", None)
    if _OMP_WAIT_POLICY_AT_START is not None:
        env["OMP_WAIT_POLICY"] = _OMP_WAIT_POLICY_AT_START
    for section, values in settings.model_dump().items():
        for key, value in values.items():
            env[f"NEWSMON_{section.upper()}__{key.upper()}"] = (
                "null"
                if value is None
                else json.dumps(value)
                if isinstance(value, bool | list | dict)
                else str(value)
            )
    env["NEWSMON_METRICS__WORKER_PORT"] = "0"
    env["NEWSMON_LOGGING__FORMAT"] = "json"
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Seen:
    """Arrival times (time.time()) by article id, filled by a consumer thread."""

    enriched: dict[str, float] = field(default_factory=dict)
    alerts: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def collect(settings: Settings, seen: Seen, stop: threading.Event) -> None:
    t = settings.topics
    consumer = KafkaConsumer(
        t.enriched, t.alerts_mediation, t.alerts_sanctions,
        bootstrap_servers=settings.kafka.bootstrap_servers.split(","),
        auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
        fetch_max_wait_ms=100, **client_kwargs(settings.kafka),
    )
    try:
        while not stop.is_set():
            for tp, records in consumer.poll(timeout_ms=200).items():
                now = time.time()
                with seen.lock:
                    for rec in records:
                        if tp.topic == t.enriched:  # keyed by article id: no decoding of
                            seen.enriched.setdefault(rec.key.decode(), now)  # ~12 KB values
                        else:
                            value = json.loads(rec.value)
                            seen.alerts.setdefault(value["event"]["article_id"], now)
    finally:
        consumer.close()


@dataclass
class WorkerProcess:
    log: Path
    metrics_port: int
    pid: int = 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int) -> list[int]:
    """``pid`` and its child processes (a worker's inference lanes, if it has any)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):  # a child belongs to the thread that made it
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [pid, *children]


def cpu_by_process(broker_pid: int, procs: list[WorkerProcess]) -> dict[str, float]:
    """Where the machine's CPU goes: the workers, their inference lanes, the broker, and
    this process (its producer and the collector that decodes every enriched record and
    alert)."""
    return {
        "worker processes": sum(cpu_seconds(p.pid) for p in procs),
        "inference lanes": sum(
            cpu_seconds(pid) for p in procs for pid in with_children(p.pid)[1:]
        ),
        "broker": cpu_seconds(broker_pid),
        "benchmark": cpu_seconds(os.getpid()),
        **machine_seconds(),
    }


def machine_seconds() -> dict[str, float]:
    """All processes' CPU seconds so far, and the machine's idle seconds (summed over cores),
    from /proc/stat: "other processes" in the split is the first minus those named above."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return {"busy (all processes)": (sum(fields[:8]) - idle) / tick, "idle": idle / tick}


def inference_seconds(procs: list[WorkerProcess]) -> float:
    """Seconds the workers' enrich batches spent in model calls so far (their
    ``newsmon_model_inference_duration_seconds`` sums): over wall time, the enrich batches in
    flight on average. Below ``worker.enrich_batches_in_flight`` the stream waits on something
    other than inference; at it, it is short of CPU."""
    total = 0.0
    for proc in procs:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{proc.metrics_port}/metrics",
                                        timeout=5) as resp:
                text = resp.read().decode()
        except OSError:
            return float("nan")
        for line in text.splitlines():
            if line.startswith('newsmon_model_inference_duration_seconds_sum{model="encoder"}'):
                total += float(line.rsplit(" ", 1)[1])
    return total


@contextmanager
def workers(settings: Settings, count: int, log_dir: Path) -> Iterator[list[WorkerProcess]]:
    procs, started = [], []
    for i in range(count):
        env = worker_env(settings, log_dir)
        port = free_port()
        env["NEWSMON_METRICS__WORKER_PORT"] = str(port)
        log = log_dir / f"worker-{settings.worker.app_id}-{i}.log"
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "pipeline", "worker"], env=env, cwd=ROOT,
            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        ))
        started.append(WorkerProcess(log, port, procs[-1].pid))
    try:
        yield started
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def group_members(settings: Settings) -> int:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers.split(","),
                             **client_kwargs(settings.kafka))
    try:
        group = admin.describe_groups([settings.worker.app_id])[settings.worker.app_id]
        return len(group["members"]) if group["group_state"] == "Stable" else 0
    except Exception:
        return 0
    finally:
        admin.close()


def wait_until(done: Any, timeout: float, what: str, step: float = 0.2) -> float:
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"benchmark: {what} not reached within {timeout:g}s")
        time.sleep(step)
    return time.monotonic() - started


class Scenario:
    """One set of topics, ``count`` workers in one group, and the collector."""

    def __init__(self, base: Settings, count: int, log_dir: Path) -> None:
        suffix = uuid.uuid4().hex[:6]
        self.settings = base.model_copy(deep=True)
        for name in TOPIC_FIELDS:
            setattr(self.settings.topics, name, f"{getattr(base.topics, name)}.bench{suffix}")
        self.settings.worker.app_id = f"newsmon-bench-{suffix}"
        self.settings.worker.data_dir = str(log_dir / f"worker-{suffix}")
        self.count = count
        self.log_dir = log_dir
        self.seen = Seen()
        self.producer = None

    def send(self, articles: list[GeneratedArticle], rate: float | None) -> dict[str, float]:
        """Produce ``articles`` (all at once, or ``rate`` per second); {id: time sent}."""
        sent: dict[str, float] = {}
        topic = self.settings.topics.articles
        started = time.time()
        for i, g in enumerate(articles):
            if rate:
                time.sleep(max(0.0, started + i / rate - time.time()))
            payload = dumps(as_article(g))
            sent[g.id] = time.time()
            assert self.producer is not None
            self.producer.send(topic, key=g.id, value=payload)
            if rate:
                self.producer.flush()
        assert self.producer is not None
        self.producer.flush()
        return sent

    def drain(self, sent: dict[str, float], events: set[str], timeout: float) -> None:
        def done() -> bool:
            with self.seen.lock:
                return all(i in self.seen.enriched for i in sent) and all(
                    i in self.seen.alerts for i in events
                )

        wait_until(done, timeout, f"all {len(sent)} enriched / {len(events)} alerts")

    def latencies(
        self, sent: dict[str, float], events: set[str]
    ) -> tuple[list[float], list[float]]:
        with self.seen.lock:
            enriched = [self.seen.enriched[i] - t for i, t in sent.items()]
            alerts = [self.seen.alerts[i] - sent[i] for i in events]
        return enriched, alerts


def run_scenario(
    base: Settings, count: int, burst: list[GeneratedArticle],
    phases: list[tuple[float, list[GeneratedArticle]]], log_dir: Path, timeout: float,
    broker_pid: int,
) -> dict[str, Any]:
    sc = Scenario(base, count, log_dir)
    ensure_topics(sc.settings, timeout=60)
    stop = threading.Event()
    collector = threading.Thread(target=collect, args=(sc.settings, sc.seen, stop), daemon=True)
    collector.start()
    sc.producer = make_producer(sc.settings)
    out: dict[str, Any] = {"workers": count}
    with workers(sc.settings, count, log_dir) as procs:
        # Warm-up, as the in-process figure has its own: two full batches per worker reach
        # every code path once (and the broker's JIT past its first requests) before timing.
        warm = generate(2 * max(2, sc.settings.worker.batch_size) * count, seed=99,
                        prefix=f"warm-{count}")
        began = time.monotonic()
        sc.drain(sc.send(warm, None), set(), timeout)
        wait_until(lambda: group_members(sc.settings) >= count, timeout, f"{count} members", 1.0)
        out["startup_s"] = time.monotonic() - began

        busy0 = inference_seconds(procs)
        cpu0 = cpu_by_process(broker_pid, procs)
        t0 = time.time()
        sent = sc.send(burst, None)
        sc.drain(sent, set(), timeout)
        cpu1 = cpu_by_process(broker_pid, procs)
        with sc.seen.lock:
            last = max(sc.seen.enriched[i] for i in sent)
        out["burst_rate"] = len(burst) / (last - t0)
        out["burst_busy"] = (inference_seconds(procs) - busy0) / ((last - t0) * count)
        wall = time.time() - t0
        cpu = {k: (cpu1[k] - cpu0[k]) / wall for k in cpu0}
        busy = cpu.pop("busy (all processes)")
        cpu["other processes"] = busy - sum(v for k, v in cpu.items() if k != "idle")
        out["burst_cpu"] = cpu
        out["burst_load"] = load()
        for rate, articles in phases:
            events = {a.id for a in articles if a.event}
            sent = sc.send(articles, rate)
            sc.drain(sent, events, timeout)
            enriched, alerts = sc.latencies(sent, events)
            out[f"rate {rate:g}/s"] = (enriched, alerts, load())
        stop.set()
    out["blocking_warnings"] = sum(
        proc.log.read_text(errors="replace").count("blocking the event loop") for proc in procs
    )
    collector.join(5)
    sc.producer.close()
    return out


def with_settings(base: Settings, variant: str) -> Settings:
    """``base`` with ``section.key=value`` overrides (comma-separated), validated like YAML."""
    settings = base.model_copy(deep=True)
    for item in filter(None, (x.strip() for x in variant.split(","))):
        dotted, _, value = item.partition("=")
        section_name, _, key = dotted.partition(".")
        section = getattr(settings, section_name, None)
        if section is None or key not in type(section).model_fields:
            raise SystemExit(f"benchmark: --variants: unknown setting {dotted!r}")
        typed = None if value.strip().lower() in ("null", "none", "~") else value
        updated = type(section).model_validate({**section.model_dump(), key: typed})
        setattr(settings, section_name, updated)
    return settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=240, help="burst size (articles)")
    ap.add_argument("--rates", default="5,20", help="fixed rates, articles/s, comma-separated")
    ap.add_argument("--rate-seconds", type=float, default=20.0, help="seconds at each rate")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--batch-sizes", default="",
                    help="worker.batch_size values to compare, comma-separated (default: the "
                         "configured one); each runs every worker count")
    ap.add_argument("--variants", default="",
                    help="worker settings to compare, ';' between variants, ',' between "
                         "settings of one, e.g. 'models.torch_threads=1;"
                         "worker.gil_switch_interval_ms=0.25' (the in-process figure keeps the "
                         "configured settings); each runs every worker count and batch size")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds to wait per phase")
    args = ap.parse_args()
    setup_logging("WARNING", "text")  # a model fallback names its setting, one line
    rates = [float(r) for r in args.rates.split(",") if r]
    counts = [int(c) for c in args.workers.split(",") if c]
    base_settings = load_settings()
    sizes = [int(b) for b in args.batch_sizes.split(",") if b] or [
        base_settings.worker.batch_size]

    base = base_settings
    total = args.n + sum(int(r * args.rate_seconds) for r in rates)
    articles = generate(total, seed=13)
    burst = articles[: args.n]
    phases, k = [], args.n
    for r in rates:
        m = int(r * args.rate_seconds)
        phases.append((r, articles[k : k + m]))
        k += m
    chars = [len(a.content) for a in burst]
    print(f"articles: burst {len(burst)} (median {statistics.median(chars):.0f} chars, "
          f"max {max(chars)}); {sum(1 for a in articles if a.event)} of all {len(articles)} "
          f"report an event; "
          f"rates {args.rates}/s for {args.rate_seconds:g}s each")
    print(f"start: {load()}", flush=True)

    # Measured before and after the stream runs: the ratio uses their mean, so a change in
    # the machine's load during the run shows as a gap between the two figures.
    in_process = InProcess(base)
    rates_in = [in_process.rate(burst)]
    print(f"in-process analyze (--jsonl, one batch): {rates_in[0]:.1f} articles/s  [{load()}]",
          flush=True)
    results = []

    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        root = Path(tmp)
        port, controller = free_port(), free_port()
        while controller == port:
            controller = free_port()
        broker_settings = base.broker.model_copy(update={
            "data_dir": str(root / "broker"), "port": port, "controller_port": controller,
            "host": "127.0.0.1",
        })
        broker = LocalBroker(broker_settings, die_with_parent=True)
        broker.start()
        try:
            base.kafka.bootstrap_servers = broker.bootstrap
            variants = [v.strip() for v in args.variants.split(";")] or [""]
            for variant, count, size in [
                (v, c, b) for v in variants for b in sizes for c in counts
            ]:
                worker_settings = with_settings(base, variant)
                worker_settings.worker.batch_size = size
                res = run_scenario(worker_settings, count, burst, phases, root, args.timeout,
                                   broker.status().pid or 0)
                res["batch_size"] = size
                res["variant"] = variant
                results.append(res)
                print(f"\n== {count} worker(s), worker.batch_size {size}"
                      f"{', ' + variant if variant else ''} "
                      f"(ready after {res['startup_s']:.0f}s)")
                print(f"burst: {res['burst_rate']:.1f} articles/s, enrich batches in flight "
                      f"{res['burst_busy']:.2f} on average (of "
                      f"{worker_settings.worker.enrich_in_flight})  [{res['burst_load']}]")
                cpu = res["burst_cpu"]
                print("burst CPU, cores busy on average: " + ", ".join(
                    f"{k} {v:.2f}" for k, v in cpu.items()
                ) + f" (of {os.cpu_count()}; the in-process figure has them all to itself)")
                for r in rates:
                    enriched, alerts, at = res[f"rate {r:g}/s"]
                    print(f"at {r:g}/s  produce-to-enriched {summary(enriched)}")
                    print(f"at {r:g}/s  produce-to-alert    {summary(alerts)}  [{at}]")
                print(f"'blocking the event loop' warnings in worker logs: "
                      f"{res['blocking_warnings']}", flush=True)
        finally:
            broker.stop(timeout=15)
    rates_in.append(in_process.rate(burst))
    mean_in = statistics.mean(rates_in)
    print(f"\nin-process again: {rates_in[1]:.1f} articles/s  [{load()}]")
    for res in results:
        label = f", {res['variant']}" if res["variant"] else ""
        print(f"RATIO {res['workers']} worker(s), batch {res['batch_size']}{label}: stream burst "
              f"{res['burst_rate']:.1f} / in-process {mean_in:.1f} articles/s = "
              f"{res['burst_rate'] / mean_in:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
