"""Alert lines coloured by event type, on a terminal only.

Why: in ``make run`` a person scans a scrolling terminal; mediation and sanctions in two colours
read apart at a glance. Colour is never written into a pipe or a file (grep and logs stay plain)
and is off whenever ``NO_COLOR`` is set (https://no-color.org) or the terminal is ``dumb``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

# SGR codes: cyan for mediation, yellow for sanctions; bold marks a new event (not an update).
TYPE_COLOURS = {"mediation": "36", "sanctions": "33"}
BOLD = "1"
RESET = "\x1b[0m"


def use_colour(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """True when ``stream`` is a terminal and the user has not asked for plain text."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(line: str, event_type: str, kind: str) -> str:
    """``line`` wrapped in the colour of its event type (unknown types stay plain)."""
    colour = TYPE_COLOURS.get(event_type)
    if colour is None:
        return line
    codes = f"{BOLD};{colour}" if kind == "new" else colour
    return f"\x1b[{codes}m{line}{RESET}"
