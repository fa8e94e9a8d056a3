"""Token classification end to end on a tiny BERT built here (no hub, no downloads).

The model has random weights except for the embedding and classifier rows, which are set so
that each vocabulary entry predicts one known tag; the test can then check offsets, sub-word
aggregation and window cutting on the real loading and inference path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from pipeline.config import ModelSettings  # noqa: E402
from pipeline.nlp.models import load_model  # noqa: E402
from pipeline.nlp.ner import NerTagger, cut_windows, parse_tag  # noqa: E402

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
# vocabulary entry -> the tag the tiny model predicts for it (everything else: O)
TOKEN_TAGS = {
    "sergei": "B-PER",
    "lav": "I-PER",  # "Lavrov" = lav ##rov: first sub-word says I-PER ...
    "##rov": "B-LOC",  # ... the second disagrees; "first" aggregation must ignore it
    "rex": "B-PER",
    "till": "I-PER",
    "##ers": "O",
    "##on": "B-ORG",
    "new": "B-LOC",
    "york": "I-LOC",
    "un": "B-ORG",
    "security": "I-ORG",
    "council": "I-ORG",
    "russia": "B-LOC",
    "russian": "B-MISC",
}
OTHER_WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "met", "in", "the", "and", "."]
OTHER_WORDS += [",", "said", "on", "talks", "'", "s", "a", "diplomat"]


def build_tiny_ner(path: Path) -> Path:
    vocab = OTHER_WORDS + list(TOKEN_TAGS)
    path.mkdir(parents=True, exist_ok=True)
    vocab_file = path / "vocab.txt"
    vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    if int(transformers.__version__.split(".")[0]) >= 5:
        tokenizer = transformers.BertTokenizer(vocab=str(vocab_file), do_lower_case=True)
    else:  # 4.x: the fast (offset-mapping) class takes vocab_file
        tokenizer = transformers.BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True)
    hidden = len(vocab)  # one hidden unit per vocabulary entry: exact control over logits
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=0,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=64,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.word_embeddings.weight.copy_(torch.eye(len(vocab)) * 10)
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        emb.LayerNorm.weight.fill_(1.0)
        emb.LayerNorm.bias.zero_()
        w = torch.zeros(len(LABELS), hidden)
        for token_id, token in enumerate(vocab):
            w[LABELS.index(TOKEN_TAGS.get(token, "O")), token_id] = 1.0
        model.classifier.weight.copy_(w)
        model.classifier.bias.zero_()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def build_tiny_classifier(path: Path, labels: list[str]) -> Path:
    """A tiny random sequence classifier over the same vocabulary (for topic tests)."""
    build_tiny_ner(path)  # writes the tokenizer files
    config = transformers.BertConfig(
        vocab_size=len(OTHER_WORDS) + len(TOKEN_TAGS),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=64,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(0)
    transformers.BertForSequenceClassification(config).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_ner(tmp_path_factory.mktemp("tiny-ner"))


def _tagger(path: Path, max_length: int = 64, batch_size: int = 4) -> NerTagger:
    settings = ModelSettings(ner=str(path), max_length=max_length, batch_size=batch_size)
    return NerTagger(load_model(str(path), "models.ner", "token-classification", settings))


def _spans(text: str, tagger: NerTagger) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in tagger.tag([text])[0]]


def test_offsets_and_first_subword_aggregation(tiny_ner: Path) -> None:
    text = "Sergei Lavrov met Rex Tillerson in New York.\n\nThe UN Security Council met."
    tagger = _tagger(tiny_ner)
    spans = tagger.tag([text])[0]
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("Sergei Lavrov", "PERSON"),
        ("Rex Tillerson", "PERSON"),
        ("New York", "LOC"),
        ("UN Security Council", "ORG"),
    ]
    assert all(0.0 < s.score <= 1.0 for s in spans)


def test_labels_are_mapped_and_new_b_tag_starts_new_span(tiny_ner: Path) -> None:
    text = "Russia Russian diplomat said"
    assert _spans(text, _tagger(tiny_ner)) == [("Russia", "LOC"), ("Russian", "MISC")]


def test_span_does_not_run_across_a_line_break(tiny_ner: Path) -> None:
    # "council" predicts I-ORG: after a blank line it must open a new span, not extend "UN"
    text = "UN\n\ncouncil met"
    assert _spans(text, _tagger(tiny_ner)) == [("UN", "ORG"), ("council", "ORG")]


def test_long_text_is_windowed_and_offsets_map_back(tiny_ner: Path) -> None:
    sentence = "Sergei Lavrov met Rex Tillerson in New York. "
    text = "the diplomat said. " + sentence * 12  # ~130 tokens, windows of at most 14
    tagger = _tagger(tiny_ner, max_length=16)
    spans = _spans(text, tagger)
    expected = [("Sergei Lavrov", "PERSON"), ("Rex Tillerson", "PERSON"), ("New York", "LOC")]
    assert spans == expected * 12


def test_batch_of_texts_keeps_order_and_offsets(tiny_ner: Path) -> None:
    texts = ["Rex Tillerson met.", "", "the talks in New York and Russia", "Sergei Lavrov"]
    out = _tagger(tiny_ner, batch_size=2).tag(texts)
    pairs = zip(texts, out, strict=True)
    got = [[(t[s.start : s.end], s.label) for s in spans] for t, spans in pairs]
    assert got == [
        [("Rex Tillerson", "PERSON")],
        [],
        [("New York", "LOC"), ("Russia", "LOC")],
        [("Sergei Lavrov", "PERSON")],
    ]


def test_cut_windows_prefers_sentence_then_word_boundaries() -> None:
    text = "aa bb. cc dd ee"
    offsets = [(0, 2), (3, 5), (5, 6), (7, 9), (10, 12), (13, 15)]
    word_ids = [0, 1, 2, 3, 4, 5]
    assert cut_windows(text, offsets, word_ids, budget=4) == [(0, 3), (3, 6)]
    # one word of three sub-words: never split inside it when a word start is available
    offsets2 = [(0, 2), (3, 5), (5, 7), (7, 9)]
    assert cut_windows("aa bbbbbb", offsets2, [0, 1, 1, 1], budget=3) == [(0, 1), (1, 4)]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("B-PER", ("B", "PERSON")),
        ("I-ORG", ("I", "ORG")),
        ("S-GPE", ("S", "LOC")),
        ("B-NORP", ("B", "MISC")),
        ("B-DATE", ("B", None)),
        ("O", ("O", None)),
        ("LOC", ("I", "LOC")),
    ],
)
def test_parse_tag(tag: str, expected: tuple[str, str | None]) -> None:
    assert parse_tag(tag) == expected
