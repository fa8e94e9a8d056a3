"""``newsmon demo``: placeholder until its area lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Not registered yet."""
