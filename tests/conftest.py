"""Shared test fixtures: where the real-world corpus is, and the seed article."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pipeline.nlp.parser import SentenceParser

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEED_FILE = FIXTURES / "000_5ada0a3603d28dc1.txt"


def corpus_path() -> Path:
    """``../shared/corpus`` beside the checkout, or ``NEWSMON_CORPUS_DIR``."""
    return Path(os.environ.get("NEWSMON_CORPUS_DIR") or REPO.parent / "shared" / "corpus")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real-world corpus. Skips when absent; fails when NEWSMON_REQUIRE_CORPUS=1 (CI)."""
    path = corpus_path()
    if not path.is_dir():
        if os.environ.get("NEWSMON_REQUIRE_CORPUS") == "1":
            pytest.fail(f"corpus required (NEWSMON_REQUIRE_CORPUS=1) but {path} is missing")
        pytest.skip(f"corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parser() -> SentenceParser:
    """The real spaCy pipeline the event tests parse with (loaded once per session)."""
    from pipeline.nlp.parser import load_parser

    return load_parser("en_core_web_sm")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Client threads of kafka-python may outlive the session broker by a moment; their
    reconnect errors after the summary line are noise, not results."""
    import logging

    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
