"""The worker loads its models while it joins the group: readiness follows the load, and a
load that raises ends the process before any batch could be dead-lettered for it."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest

import agents.cli as worker_cli
from pipeline.config import ConfigError
from pipeline.health import Health


class _Loaded:
    models = {"encoder": "builtin:all-MiniLM-L6-v2 (test)"}
    fallback_active = False


def _done(result: Any = None, exc: BaseException | None = None) -> Future[Any]:
    f: Future[Any] = Future()
    if exc is not None:
        f.set_exception(exc)
    else:
        f.set_result(result)
    return f


def test_models_become_ready_when_the_load_finishes() -> None:
    health = Health(required=["models"])
    assert health.readiness()[1]["components"]["models"]["ready"] is False
    worker_cli._models_done(_done(_Loaded()), health)
    models = health.readiness()[1]["components"]["models"]
    assert models["ready"] is True and "all-MiniLM" in models["detail"]


@pytest.mark.parametrize(
    ("exc", "code", "said"),
    [
        (ConfigError("configs/topics.yaml: topic 'x' has no phrases"), 2, "configuration error"),
        (RuntimeError("weights truncated"), 1, "cannot load its models"),
    ],
)
def test_a_failed_load_exits_at_once_naming_the_reason(
    exc: BaseException,
    code: int,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    exits: list[int] = []
    monkeypatch.setattr(worker_cli, "_exit", exits.append)
    health = Health(required=["models"])
    worker_cli._models_done(_done(exc=exc), health)
    assert exits == [code]
    err = capsys.readouterr().err
    assert said in err and str(exc) in err
    assert health.readiness()[1]["components"]["models"]["ready"] is False
