"""An event read from one sentence, before the document-level merge (shared by the frames)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.schema import Actor


@dataclass
class Candidate:
    """One event read from one sentence, before the document-level merge."""

    type: str
    action: str
    roles: dict[str, list[Actor]]
    negated: bool
    hypothetical: bool
    confidence: float
    evidence: str
    sentence: int
    weak: bool = False  # action chosen by default (no action word): may merge into a strong one
    instrument: str | None = None
    support: int = 1
    alt: set[str] = field(default_factory=set)
