"""Settings: ``configs/newsmon.yaml`` overridden by environment variables, validated at start.

Why one validated tree: a typo in a key must stop the process at start with the key's dotted
path, not surface hours later as a silently ignored default.

Environment overrides use ``NEWSMON_<SECTION>__<KEY>`` (double underscore between levels), e.g.
``NEWSMON_KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:19092``. A few shortcuts exist for what people set
most: ``NEWSMON_BOOTSTRAP`` and ``NEWSMON_FEEDS``. ``NEWSMON_CONFIG`` points at another file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "configs" / "newsmon.yaml"
ENV_PREFIX = "NEWSMON_"
SHORTCUTS = {
    "NEWSMON_BOOTSTRAP": ("kafka", "bootstrap_servers"),
    "NEWSMON_FEEDS": ("poller", "feeds_file"),
    "NEWSMON_LOG_LEVEL": ("logging", "level"),
}


class ConfigError(ValueError):
    """A bad configuration; the message names the file and the dotted key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class KafkaSettings(_Section):
    """Connection and security of every Kafka client (built by ``pipeline.kafka.security``).

    The SASL password is never a setting: ``sasl_password_env`` names the environment variable
    and ``sasl_password_file`` a file that hold it (the file wins when both are given)."""

    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "newsmon"
    request_timeout_ms: int = Field(30000, ge=1000)
    security_protocol: str = Field(
        "PLAINTEXT", pattern="^(PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL)$"
    )
    sasl_mechanism: str = Field("SCRAM-SHA-512", pattern="^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512)$")
    sasl_username: str | None = None
    sasl_password_env: str = Field("NEWSMON_KAFKA_PASSWORD", pattern="^[A-Za-z_][A-Za-z0-9_]*$")
    sasl_password_file: str | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_check_hostname: bool = True

    @model_validator(mode="after")
    def _sasl_needs_a_user(self) -> KafkaSettings:
        if self.security_protocol.startswith("SASL_") and not self.sasl_username:
            raise ValueError(
                f"security_protocol {self.security_protocol} needs kafka.sasl_username"
            )
        if self.ssl_keyfile and not self.ssl_certfile:
            raise ValueError("kafka.ssl_keyfile is set without kafka.ssl_certfile")
        return self


class TopicSpec(_Section):
    name: str
    partitions: int = Field(4, ge=1)
    configs: dict[str, str] = Field(default_factory=dict)  # e.g. cleanup.policy=compact


class TopicsSettings(_Section):
    """Every topic newsmon uses. All share one partition count: Faust's ``topic_partitions``
    must equal the partitions of the topics its tables are co-partitioned with."""

    partitions: int = Field(4, ge=1)
    replication_factor: int = Field(1, ge=1)
    articles: str = "news.articles"
    enriched: str = "news.enriched"
    events: str = "news.events"
    alerts_mediation: str = "alerts.mediation"
    alerts_sanctions: str = "alerts.sanctions"
    deadletter: str = "news.deadletter"
    feedback: str = "alerts.feedback"  # analysts' marks, compacted (pipeline/alerts/feedback.py)

    def all(self) -> list[TopicSpec]:
        names = [
            self.articles,
            self.enriched,
            self.events,
            self.alerts_mediation,
            self.alerts_sanctions,
            self.deadletter,
        ]
        specs = [TopicSpec(name=n, partitions=self.partitions) for n in names]
        compacted = {"cleanup.policy": "compact"}
        specs.append(TopicSpec(name=self.feedback, partitions=self.partitions, configs=compacted))
        return specs

    def alert_topic(self, event_type: str) -> str:
        return {"mediation": self.alerts_mediation, "sanctions": self.alerts_sanctions}[event_type]


class BrokerSettings(_Section):
    """The local single-node KRaft broker run by ``newsmon broker``."""

    version: str = "4.1.1"
    scala_version: str = "2.13"
    host: str = "127.0.0.1"
    port: int = Field(9092, ge=1, le=65535)
    controller_port: int = Field(9093, ge=1, le=65535)
    data_dir: str = ".newsmon/broker"
    jars_dir: str = "~/.cache/newsmon/kafka"
    heap: str = "512m"
    # A fresh JVM's optimising (C2) compiler took half of the broker's CPU through its first
    # minutes of traffic, CPU that a 2-core machine's inference lanes then lack (0.30 -> 0.14
    # cores in a benchmark burst with C1 alone). The local broker serves development, tests and
    # benchmarks, where that start-up cost dominates; a long-running production broker is not
    # this one. Set [] for the JVM's defaults.
    jvm_options: list[Annotated[str, Field(pattern="^-")]] = ["-XX:TieredStopAtLevel=1"]
    start_timeout_s: float = Field(90.0, gt=0)
    # An extra SASL_SSL listener (tests of secured clusters); off when sasl_ssl_port is null.
    # The SCRAM user is created when the data dir is formatted; its password comes from the
    # environment variable named by scram_password_env, never from this file.
    sasl_ssl_port: int | None = Field(None, ge=1, le=65535)
    ssl_certfile: str | None = None  # PEM certificate (chain) of the broker
    ssl_keyfile: str | None = None  # its unencrypted PEM private key
    scram_username: str | None = None
    scram_password_env: str = Field("NEWSMON_KAFKA_PASSWORD", pattern="^[A-Za-z_][A-Za-z0-9_]*$")


class PollerSettings(_Section):
    feeds_file: str = "configs/feeds-demo.yaml"
    state_db: str = ".newsmon/poller.sqlite"
    interval_s: float = Field(300.0, gt=0)
    min_interval_s: float = Field(60.0, gt=0)
    max_interval_s: float = Field(3600.0, gt=0)
    adaptive: bool = True
    jitter: float = Field(0.1, ge=0, le=1)
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(15.0, gt=0)
    total_timeout_s: float = Field(30.0, gt=0)
    max_bytes: int = Field(10_000_000, gt=0)
    max_redirects: int = Field(5, ge=0)
    concurrency: int = Field(32, ge=1)
    per_host_concurrency: int = Field(2, ge=1)
    backoff_base_s: float = Field(60.0, gt=0)
    backoff_max_s: float = Field(6 * 3600.0, gt=0)
    user_agent: str = "newsmon/0.1 (+https://github.com/newsmon/newsmon; feed poller)"
    full_text: bool = False


class ModelSettings(_Section):
    """Models are hub ids or local paths; 'builtin:all-MiniLM-L6-v2' is the packaged encoder."""

    encoder: str = "builtin:all-MiniLM-L6-v2"
    topic_classifier: str | None = None
    ner: str | None = "dslim/bert-base-NER"
    # spaCy pipeline for event roles: an installed package name or a path (None = token rules)
    parser: str | None = "en_core_web_sm"
    # spaCy NER spans of parsed sentences feed the actor linker (its NER runs only on sentences
    # with a capitalised name no linked entity covers: pipeline.nlp.entity_gate)
    parser_entities: bool = True
    device: str = "cpu"
    max_length: int = Field(256, ge=16)
    batch_size: int = Field(16, ge=1)
    torch_threads: int | None = None
    # How torch's OpenMP threads wait between parallel regions (OMP_WAIT_POLICY, set before
    # torch loads unless the environment has it): "passive" sleeps, "active" spins, None leaves
    # the runtime's default (spin a while, then sleep). "passive" pays wherever another busy
    # process shares the cores (a second worker, a broker) and costs nothing alone
    # (pipeline.nlp.models.set_omp_wait_policy has the figures).
    omp_wait_policy: Literal["passive", "active"] | None = "passive"
    # Embeddings that are the same on every start (topic phrases) are kept here, keyed by the
    # weights, so a restarted worker skips that forward; None: always computed
    embedding_cache_dir: str | None = "~/.cache/newsmon/embeddings"
    # Off by default: hub ids load from the local cache only, so an offline worker fails fast
    # (and falls back) instead of waiting on network timeouts.
    allow_download: bool = False


class WorkerSettings(_Section):
    app_id: str = "newsmon"
    data_dir: str = ".newsmon/worker"
    web_enabled: bool = False
    web_port: int = Field(6066, ge=1, le=65535)
    # Up to this many records per take(): a backlog (a burst, a restart) fills it. Larger
    # batches gained nothing beyond the run-to-run spread (one worker's burst 22-30 articles/s
    # at 64, 22-28 at 16; 21.5 / 22.6 / 22.2 at 32 / 16 / 64 in one run, benchmarks/pipeline.py)
    # but near capacity they grow, and with them the wait (p95 produce-to-alert at 20/s 3.9 s
    # at 32 and 64 against 2.0 s at 16, same run); SIGTERM waits for a batch too.
    batch_size: int = Field(16, ge=1)
    # take() waits this long after every batch that was not full: the latency of a trickle
    # (0.25 -> 0.05 s: p95 produce-to-alert at 5 articles/s 0.6-0.8 -> 0.2-0.3 s)
    batch_within_s: float = Field(0.05, gt=0)
    # Failover: a killed worker's partitions move on once the group coordinator stops hearing
    # its heartbeats (session timeout); the broker's group.min.session.timeout.ms is 6 s.
    session_timeout_s: float = Field(6.0, ge=6.0, le=300.0)
    heartbeat_interval_s: float = Field(1.0, gt=0)
    rebalance_timeout_s: float = Field(20.0, ge=1.0)
    # SIGTERM: a worker still running after this long exits hard; nothing is lost, since only
    # offsets whose outputs the broker acknowledged are ever committed.
    shutdown_timeout_s: float = Field(8.0, gt=0)
    # Progress watchdog: a partition with lag whose committed offset did not move this long is
    # reported stalled (/readyz 503, newsmon_stalled_partitions).
    stall_after_s: float = Field(60.0, gt=0)
    # How long one thread may hold the GIL while another waits (CPython's default: 5 ms). The
    # worker's inference thread gives up the GIL around every tensor op and must win it back
    # from the event loop and the event-detection thread each time (benchmarks/pipeline.py
    # --variants compares values).
    gil_switch_interval_ms: float = Field(5.0, gt=0, le=100)
    # Enrichment in this many child processes, each with its own models, the parts of a batch
    # at the same time (pipeline.nlp.lanes says why); 0: in the worker's own inference thread.
    inference_processes: int = Field(2, ge=0, le=32)
    # Enrich batches the agent keeps going at once; 0: one per inference lane (at least one).
    # Two lanes each on a whole batch of their own leave no lane idle while the other finishes
    # its half of a batch or while the agent sends the last batch on (pipeline.nlp.lanes).
    enrich_batches_in_flight: int = Field(0, ge=0, le=8)
    # Read-ahead per agent and per partition. Faust's defaults (4,096 records queued per agent,
    # 1 MiB fetched per partition) let one partition's backlog fill the queue after a restart,
    # so the other partitions wait minutes behind it; small values keep partitions interleaved
    # and bound what a kill makes the next worker read again (benchmarks/crash_soak.py).
    prefetch_records: int = Field(256, ge=1)
    fetch_partition_kib: int = Field(64, ge=1)

    @property
    def enrich_in_flight(self) -> int:
        """``enrich_batches_in_flight`` with 0 resolved: one batch per lane, or one."""
        return self.enrich_batches_in_flight or max(1, self.inference_processes)

    @model_validator(mode="after")
    def _heartbeat_fits_session(self) -> WorkerSettings:
        if self.heartbeat_interval_s * 3 > self.session_timeout_s:
            raise ValueError(
                "worker.heartbeat_interval_s must be at most a third of worker.session_timeout_s"
                f" (got {self.heartbeat_interval_s} and {self.session_timeout_s})"
            )
        return self


class EventSettings(_Section):
    novelty_window_days: float = Field(7.0, gt=0)
    corroboration_threshold: int = Field(3, ge=2)
    alert_on_negated: bool = False
    alert_on_hypothetical: bool = False
    min_confidence: float = Field(0.5, ge=0, le=1)


class MetricsSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    poller_port: int = Field(9108, ge=0, le=65535)
    worker_port: int = Field(9109, ge=0, le=65535)


class AnalystsSettings(_Section):
    """``newsmon alerts serve``: analysts' page, Atom feeds, JSON and Alertmanager forwarding."""

    host: str = "127.0.0.1"
    port: int = Field(8780, ge=0, le=65535)
    public_url: str | None = None  # links in feeds/Alertmanager; default http://host:port
    index_db: str = ".newsmon/analysts.sqlite"
    max_alerts: int = Field(5000, ge=10)  # events kept in the index (newest by detection)
    page_size: int = Field(200, ge=1)
    alertmanager_url: str | None = None  # e.g. http://127.0.0.1:9093; None: no forwarding
    alertmanager_retry_for_s: float = Field(900.0, gt=0)  # then a dead letter, and on
    alertmanager_backoff_max_s: float = Field(30.0, gt=0)
    alertmanager_hold_s: float = Field(86400.0, gt=0)  # endsAt = posting time + this


class LoggingSettings(_Section):
    level: str = Field("INFO", pattern="^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$")
    format: str = Field("json", pattern="^(json|text)$")


class Settings(_Section):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    topics: TopicsSettings = Field(default_factory=TopicsSettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    poller: PollerSettings = Field(default_factory=PollerSettings)
    models: ModelSettings = Field(default_factory=ModelSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    events: EventSettings = Field(default_factory=EventSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    analysts: AnalystsSettings = Field(default_factory=AnalystsSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """Relative paths in settings are relative to the project root, not the process cwd."""
    p = Path(os.path.expanduser(str(path)))
    return p if p.is_absolute() else ROOT / p


def _set_dotted(tree: dict[str, Any], keys: list[str], value: Any) -> None:
    node = tree
    for key in keys[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[keys[-1]] = value


def _env_value(value: str, list_setting: bool = False) -> Any:
    """Environment values stay strings (pydantic coerces "8" or "true" per field), except the
    YAML spellings of null, so ``NEWSMON_MODELS__NER=null`` switches a model off, and a JSON
    list (``["-Xss1m"]``) for a list setting. Parsing them as YAML would turn a version such as
    "2.13" into a float; a string setting keeps a value that only looks like a list."""
    text = value.strip()
    if text.lower() in ("null", "~", "none"):
        return None
    if list_setting and text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return value  # validation then names the key: "Input should be a valid list"
    return value


def _is_list_setting(path: list[str]) -> bool:
    """Whether the setting at ``path`` (e.g. broker, jvm_options) is a list, from the model."""
    model: Any = Settings
    for key in path[:-1]:
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            return False
        model = field.annotation
    field = getattr(model, "model_fields", {}).get(path[-1])
    if field is None:
        return False
    ann = field.annotation
    kinds = get_args(ann) if get_origin(ann) in (Union, UnionType) else (ann,)
    return any(k is list or get_origin(k) is list for k in kinds)


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, value in environ.items():
        if name in SHORTCUTS:
            _set_dotted(tree, list(SHORTCUTS[name]), value)
        elif name.startswith(ENV_PREFIX) and "__" in name:
            path = name[len(ENV_PREFIX) :].lower().split("__")
            _set_dotted(tree, path, _env_value(value, _is_list_setting(path)))
    return tree


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


#: Keys that would hold a secret in clear text; refused before validation so that the message
#: (and the log line it becomes) never quotes the value.
CLEAR_TEXT_SECRETS = {
    ("kafka", "sasl_password"): "kafka.sasl_password_env (the name of an environment variable) "
    "or kafka.sasl_password_file (a file holding only the password)",
}


def _refuse_clear_secrets(tree: dict[str, Any], source: str) -> None:
    for (section, key), instead in CLEAR_TEXT_SECRETS.items():
        node = tree.get(section)
        if isinstance(node, dict) and key in node:
            raise ConfigError(
                f"{source}: key '{section}.{key}': a password in clear text is not accepted; "
                f"use {instead}"
            )


def _describe(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {key!r}")
        elif isinstance(err.get("input"), dict):  # a whole section (cross-field check)
            lines.append(f"{source}: section {key!r}: {err['msg']}")
        else:
            lines.append(f"{source}: key {key!r}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(lines)


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read the YAML file, apply environment overrides, validate. Raises :class:`ConfigError`."""
    env = dict(os.environ if environ is None else environ)
    cfg_path = Path(path or env.get("NEWSMON_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            loaded = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"{cfg_path}: not valid YAML ({exc})") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{cfg_path}: the top level must be a mapping of sections")
        data = loaded or {}
    elif path is not None:
        raise ConfigError(f"{cfg_path}: configuration file not found")
    overrides = _env_overrides(env)
    _refuse_clear_secrets(data, str(cfg_path))
    _refuse_clear_secrets(overrides, "environment")
    try:
        return Settings.model_validate(_merge(data, overrides))
    except ValidationError as exc:
        source = str(cfg_path) + (" + environment" if overrides else "")
        raise ConfigError(_describe(exc, source)) from exc
