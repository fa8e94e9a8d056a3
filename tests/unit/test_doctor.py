"""`newsmon doctor`'s decisions, one pure check at a time (the CLI runs are in
tests/integration/test_doctor.py)."""

from __future__ import annotations

import io
import socket
from pathlib import Path

from pipeline.alerts.colour import paint, use_colour
from pipeline.config import Settings
from pipeline.doctor import (
    DISK_FAIL_BYTES,
    BrokerProbe,
    ModelUse,
    PortUse,
    check_broker,
    check_disk,
    check_feeds,
    check_java,
    check_maven,
    check_model,
    check_port,
    check_python,
    check_topics,
    java_major,
    maven_version,
    port_taken,
    serves_demo_feed,
)
from pipeline.kafka.broker import DownloadCounter, downloaded_bytes
from pipeline.nlp.models import ModelUnavailable

OPENJDK_17 = 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6)'


def test_java_versions_old_and_new_styles() -> None:
    assert java_major(OPENJDK_17) == 17
    assert java_major('java version "1.8.0_392"') == 8
    assert java_major('openjdk version "21" 2023-09-19') == 21
    assert java_major("command not found") is None


def test_java_missing_or_too_old_blocks_and_says_what_to_install() -> None:
    assert check_java(OPENJDK_17).status == "ok"
    missing = check_java(None)
    assert missing.blocks and "openjdk-17-jre-headless" in missing.message
    old = check_java('java version "1.8.0_392"')
    assert old.blocks and "Java 8" in old.message


def test_maven_is_only_needed_while_the_jars_are_not_cached(tmp_path: Path) -> None:
    mvn = "\x1b[1mApache Maven 3.8.7\x1b[m\nMaven home: /usr/share/maven"
    assert maven_version(mvn) == (3, 8, 7)
    assert check_maven(None, jars_ready=True, jars_dir=tmp_path).status == "ok"
    needed = check_maven(None, jars_ready=False, jars_dir=tmp_path)
    assert needed.blocks and "apt-get install maven" in needed.message
    assert check_maven("Apache Maven 3.6.3", jars_ready=False, jars_dir=tmp_path).blocks
    assert check_maven(mvn, jars_ready=False, jars_dir=tmp_path).status == "ok"


def test_python_version() -> None:
    assert check_python((3, 11, 7)).status == "ok"
    assert check_python((3, 10, 12)).blocks


def test_a_taken_broker_port_blocks_and_names_the_setting_and_its_variable() -> None:
    use = PortUse("broker.port", "127.0.0.1", 9092, True, "NEWSMON_BROKER__PORT")
    taken = check_port(use, taken=True, ours=None)
    assert taken.blocks
    assert "broker.port 127.0.0.1:9092" in taken.message and "NEWSMON_BROKER__PORT" in taken.message
    ours = check_port(use, taken=True, ours="the running newsmon broker")
    assert ours.status == "ok" and "the running newsmon broker" in ours.message
    assert check_port(use, taken=False, ours=None).status == "ok"


def test_a_taken_metrics_port_only_warns() -> None:
    use = PortUse("metrics.poller_port", "127.0.0.1", 9108, False, "NEWSMON_METRICS__POLLER_PORT")
    assert check_port(use, taken=True, ours=None).status == "warn"
    zero = PortUse("metrics.worker_port", "127.0.0.1", 0, False, "NEWSMON_METRICS__WORKER_PORT")
    assert check_port(zero, taken=False, ours=None).status == "ok"


def test_the_demo_feed_of_a_running_newsmon_run_is_recognised() -> None:
    from pipeline.demo.server import DemoFeedServer

    with DemoFeedServer(port=0) as demo:
        port = int(demo.feed_url.split(":")[2].split("/")[0])
        assert serves_demo_feed("127.0.0.1", port)
    with socket.socket() as other:  # something else listening there
        other.bind(("127.0.0.1", 0))
        other.listen()
        assert not serves_demo_feed("127.0.0.1", other.getsockname()[1])


def test_port_taken_sees_a_listening_socket() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert port_taken("127.0.0.1", port)
    assert not port_taken("127.0.0.1", port)


def _settings(**kafka: str) -> Settings:
    s = Settings()
    for key, value in kafka.items():
        setattr(s.kafka, key, value)
    return s


def test_local_broker_not_running_is_fine_because_run_starts_it() -> None:
    def never(_: Settings) -> BrokerProbe:
        raise AssertionError("must not connect")

    verdict, found = check_broker(_settings(), local_running=False, probe=never)
    assert verdict.status == "ok" and "newsmon run" in verdict.message and found is None
    squatted, _ = check_broker(_settings(), False, probe=never, local_port_taken=True)
    assert squatted.blocks and "cannot start" in squatted.message


def test_an_unreachable_configured_broker_blocks_and_names_its_address() -> None:
    def refused(_: Settings) -> BrokerProbe:
        raise ConnectionRefusedError("refused")

    verdict, _ = check_broker(
        _settings(bootstrap_servers="10.9.9.9:9092"), local_running=False, probe=refused
    )
    assert verdict.blocks and "10.9.9.9:9092" in verdict.message
    assert "NEWSMON_BOOTSTRAP" in verdict.message


def test_topics_with_another_partition_count_block_missing_ones_do_not() -> None:
    s = Settings()
    names = [t.name for t in s.topics.all()]
    good = check_topics(s, BrokerProbe(1, dict.fromkeys(names, 4)))
    assert [c.status for c in good] == ["ok"]
    assert f"{len(names)} topics with 4 partitions" in good[0].message
    wrong = check_topics(s, BrokerProbe(1, {**dict.fromkeys(names, 4), "news.events": 2}))
    assert any(c.blocks and "news.events has 2" in c.message for c in wrong)
    missing = check_topics(s, BrokerProbe(1, {names[0]: 4}))
    assert not any(c.blocks for c in missing)
    assert any("topics create" in c.message for c in missing)


def test_a_model_that_does_not_load_is_named_by_setting_with_its_fallback() -> None:
    use = ModelUse(
        "models.ner", "/nowhere/ner-model", "token-classification", "the actor dictionary only"
    )

    def missing(_: ModelUse) -> str:
        raise ModelUnavailable("local model directory /nowhere/ner-model does not exist")

    verdict = check_model(use, missing)
    assert verdict.status == "warn"  # the worker runs on its fallback
    assert "models.ner" in verdict.message and "/nowhere/ner-model" in verdict.message
    assert "actor dictionary" in verdict.message
    assert check_model(use, lambda _: "v1").status == "ok"
    off = ModelUse("models.topic_classifier", None, "sequence-classification", "x")
    assert check_model(off, missing).message == "models.topic_classifier: off"


def test_disk_thresholds(tmp_path: Path) -> None:
    assert check_disk("broker.data_dir", tmp_path, DISK_FAIL_BYTES - 1).blocks
    assert check_disk("broker.data_dir", tmp_path, 500 * 1024**2).status == "warn"
    assert check_disk("broker.data_dir", tmp_path, 50 * 1024**3).status == "ok"


def test_a_bad_feeds_file_blocks_and_names_the_bad_entry(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - id: good\n    url: http://example.org/a.xml\n  - id: broken\n")
    s = Settings()
    s.poller.feeds_file = str(feeds)
    verdict = check_feeds(s)
    assert verdict.blocks and str(feeds) in verdict.message and "broken" in verdict.message
    feeds.write_text("feeds:\n  - id: good\n    url: http://example.org/a.xml\n")
    assert check_feeds(s).status == "ok"


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_colour(Tty(), {})
    assert not use_colour(Tty(), {"NO_COLOR": "1"})
    assert not use_colour(Tty(), {"TERM": "dumb"})
    assert not use_colour(io.StringIO(), {})
    assert paint("line", "mediation", "new") != paint("line", "sanctions", "new")
    assert paint("line", "mediation", "new").endswith("line\x1b[0m")
    assert paint("line", "other", "new") == "line"


def test_maven_download_lines_are_counted_with_sizes() -> None:
    line = (
        "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/"
        "kafka/kafka_2.13/4.1.1/kafka_2.13-4.1.1.jar (6.6 MB at 2.1 MB/s)"
    )
    assert downloaded_bytes(line) == 6_600_000
    assert downloaded_bytes("[INFO] Downloading from central: https://x/y.jar") is None
    now = [0.0]
    reports: list[str] = []
    counter = DownloadCounter(reports.append, clock=lambda: now[0])
    for i in range(30):
        now[0] = float(i)
        counter.feed(line.replace("6.6 MB", "10 kB"))
    assert counter.files == 30 and counter.bytes == 300_000
    assert reports == ["downloaded 21 files (210.0 kB) so far"]  # once per 20 s, not per file
    assert counter.summary() == "downloaded 30 files (300.0 kB)"
