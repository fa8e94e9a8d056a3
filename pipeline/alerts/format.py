"""One readable line per alert, for ``newsmon alerts tail`` and ``make run``.

Why one line: analysts watch a terminal or grep a log; a line that starts with the kind and the
who-did-what reads at a glance, and tab/newline characters from feed text can never break it
into several lines.
"""

from __future__ import annotations

import re

from pipeline.schema import ROLES, Actor, Alert

MAX_HEADLINE = 120
_SPACE = re.compile(r"\s+")


def _clean(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _actors(actors: list[Actor]) -> str:
    if not actors:
        return "?"
    return "+".join(a.id if a.name in ("", a.id) else f"{a.id}({a.name})" for a in actors)


def format_alert_line(alert: Alert) -> str:
    """``NEW    sanctions impose  sender=IGO:UNSC(UN Security Council) target=PRK(North Korea)
    | "headline" | 1 src/1 indep | outlet url``. Updates show the previous action and why."""
    ev = alert.event
    roles = " ".join(
        f"{role}={_actors(ev.roles.get(role, []))}" for role in ROLES.get(ev.type, tuple(ev.roles))
    )
    action = ev.action if not alert.previous_action else f"{alert.previous_action}->{ev.action}"
    flags = "".join(
        f" [{flag}]"
        for flag, on in (("negated", ev.negated), ("hypothetical", ev.hypothetical))
        if on
    )
    parts = [
        f"{alert.kind.upper():6s} {ev.type} {action}{flags} {roles}",
        f'"{_clean(alert.headline, MAX_HEADLINE)}"',
        f"{alert.source_count} src/{alert.independent_source_count} indep",
    ]
    where = " ".join(x for x in (_clean(ev.source, 40), ev.url) if x)
    if where:
        parts.append(where)
    if alert.kind != "new":
        parts.append(_clean(alert.reason, 120))
    return " | ".join(parts)
