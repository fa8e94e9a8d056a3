"""Settings: ``configs/newsmon.yaml`` overridden by environment variables, validated at start.

Why one validated tree: a typo in a key must stop the process at start with the key's dotted
path, not surface hours later as a silently ignored default.

Environment overrides use ``NEWSMON_<SECTION>__<KEY>`` (double underscore between levels), e.g.
``NEWSMON_KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:19092``. A few shortcuts exist for what people set
most: ``NEWSMON_BOOTSTRAP`` and ``NEWSMON_FEEDS``. ``NEWSMON_CONFIG`` points at another file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "newsmon"
    request_timeout_ms: int = Field(30000, ge=1000)


class TopicSpec(_Section):
    name: str
    partitions: int = Field(4, ge=1)


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

    def all(self) -> list[TopicSpec]:
        names = [
            self.articles,
            self.enriched,
            self.events,
            self.alerts_mediation,
            self.alerts_sanctions,
            self.deadletter,
        ]
        return [TopicSpec(name=n, partitions=self.partitions) for n in names]

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
    start_timeout_s: float = Field(90.0, gt=0)


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
    # spaCy NER spans of parsed sentences feed the actor linker (about half the parse cost)
    parser_entities: bool = True
    device: str = "cpu"
    max_length: int = Field(256, ge=16)
    batch_size: int = Field(16, ge=1)
    torch_threads: int | None = None
    # Off by default: hub ids load from the local cache only, so an offline worker fails fast
    # (and falls back) instead of waiting on network timeouts.
    allow_download: bool = False


class WorkerSettings(_Section):
    app_id: str = "newsmon"
    data_dir: str = ".newsmon/worker"
    web_enabled: bool = False
    web_port: int = Field(6066, ge=1, le=65535)
    batch_size: int = Field(16, ge=1)
    batch_within_s: float = Field(1.0, gt=0)


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


def _env_value(value: str) -> str | None:
    """Environment values stay strings (pydantic coerces "8" or "true" per field), except the
    YAML spellings of null, so ``NEWSMON_MODELS__NER=null`` switches a model off. Parsing them as
    YAML would turn a version such as "2.13" into a float."""
    return None if value.strip().lower() in ("null", "~", "none") else value


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, value in environ.items():
        if name in SHORTCUTS:
            _set_dotted(tree, list(SHORTCUTS[name]), value)
        elif name.startswith(ENV_PREFIX) and "__" in name:
            path = name[len(ENV_PREFIX) :].lower().split("__")
            _set_dotted(tree, path, _env_value(value))
    return tree


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {key!r}")
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
    try:
        return Settings.model_validate(_merge(data, overrides))
    except ValidationError as exc:
        source = str(cfg_path) + (" + environment" if overrides else "")
        raise ConfigError(_describe(exc, source)) from exc
