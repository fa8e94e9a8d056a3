"""The shared reader of labelled files: line numbers as an editor shows them, and every bad
file (missing, not UTF-8, a line that is not JSON) fails with the caller's error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evalfiles import iter_jsonl, read_lines


class _Bad(ValueError):
    pass


def test_iter_jsonl_skips_blank_lines_but_counts_them(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n\n   \n[2]\n', encoding="utf-8")
    assert list(iter_jsonl(p, _Bad)) == [(1, {"a": 1}), (4, [2])]


def test_iter_jsonl_names_file_and_line_of_a_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n\n{oops\n', encoding="utf-8")
    with pytest.raises(_Bad, match=r"x\.jsonl:3: not valid JSON"):
        list(iter_jsonl(p, _Bad))


def test_read_lines_names_a_missing_or_undecodable_file(tmp_path: Path) -> None:
    with pytest.raises(_Bad, match=r"missing\.txt: cannot read"):
        read_lines(tmp_path / "missing.txt", _Bad)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Bogot\xe1\n".encode("latin-1"))
    with pytest.raises(_Bad, match=r"latin\.txt: cannot read"):
        read_lines(latin, _Bad)
