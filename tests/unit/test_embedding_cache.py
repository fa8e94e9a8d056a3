"""The phrase-embedding cache a restarted worker reads instead of running the encoder: the
same scores as without it, a recompute when the weights or the file change, no failure when
the cache is unusable."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from pipeline.config import ModelSettings
from pipeline.nlp.embedding_cache import cache_key, cached_tensor
from pipeline.nlp.models import _weights_tag, load_model
from pipeline.nlp.topics import EncoderTopicScorer, load_taxonomy


def test_second_call_reads_the_file_instead_of_computing(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        return torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7

    first = cached_tensor(str(tmp_path), "k1", compute)
    second = cached_tensor(str(tmp_path), "k1", compute)
    assert len(calls) == 1
    assert torch.equal(first, second)  # bit for bit


def test_damaged_file_is_recomputed_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "k2.pt").write_bytes(b"not a tensor")
    value = cached_tensor(str(tmp_path), "k2", lambda: torch.ones(3))
    assert torch.equal(value, torch.ones(3))
    assert torch.equal(torch.load(tmp_path / "k2.pt", weights_only=True), torch.ones(3))


def test_unwritable_cache_still_returns_the_embeddings(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    value = cached_tensor(str(blocker / "sub"), "k3", lambda: torch.zeros(2))
    assert torch.equal(value, torch.zeros(2))


def test_rewritten_weights_change_the_key(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    weights = model / "model.safetensors"
    weights.write_bytes(b"x" * 16)
    before = _weights_tag(str(model), "model@sha256:abc")
    weights.write_bytes(b"y" * 16)  # same size, new content (a retrained model)
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = _weights_tag(str(model), "model@sha256:abc")
    assert before != after
    assert cache_key(before, "p", [[1, 2]]) != cache_key(after, "p", [[1, 2]])


def test_cached_phrases_score_exactly_like_computed_ones(tmp_path: Path) -> None:
    settings = ModelSettings(ner=None)
    encoder = load_model(settings.encoder, "models.encoder", "encoder", settings)
    taxonomy = load_taxonomy()
    plain = EncoderTopicScorer(taxonomy, encoder, settings.batch_size, cache_dir=None)
    cold = EncoderTopicScorer(taxonomy, encoder, settings.batch_size, cache_dir=str(tmp_path))
    warm = EncoderTopicScorer(taxonomy, encoder, settings.batch_size, cache_dir=str(tmp_path))
    assert len(list(tmp_path.glob("*.pt"))) == 1
    texts = ["The UN Security Council imposed new sanctions on North Korea on Monday."]
    assert plain.score(texts) == cold.score(texts) == warm.score(texts)


def test_loading_the_encoder_imports_neither_scikit_learn_nor_scipy() -> None:
    """scikit-learn and scipy cost a restarting worker seconds; transformers wants them only
    for generation, which newsmon never does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pipeline.config import ModelSettings\n"
        "from pipeline.nlp.models import load_model\n"
        "s = ModelSettings(ner=None)\n"
        "load_model(s.encoder, 'models.encoder', 'encoder', s)\n"
        "print('sklearn' in sys.modules or 'scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
