"""``models.omp_wait_policy`` reaches torch's OpenMP runtime, which reads it once, at load.

Each case runs in a fresh interpreter: in this one torch is long loaded. What a user relies on:
the setting is in the environment before torch loads (so the runtime sees it), an operator's
own ``OMP_WAIT_POLICY`` wins, and ``null`` leaves the runtime's default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipeline.config import ROOT

PROBE = """
import json, os, sys
from pipeline.config import load_settings
from pipeline.nlp.enrich import Enricher
from pipeline.nlp.models import configure_torch
settings = load_settings().models
Enricher(settings, use_default_linker=False)  # loads the encoder, and with it torch
at_load = os.environ.get("OMP_WAIT_POLICY")
configure_torch(settings)
print(json.dumps({"torch": "torch" in sys.modules, "policy": at_load}))
"""


CASES = [
    ({}, "PASSIVE"),  # the default
    ({"NEWSMON_MODELS__OMP_WAIT_POLICY": "active"}, "ACTIVE"),
    ({"NEWSMON_MODELS__OMP_WAIT_POLICY": "null"}, None),  # the runtime's own default
    ({"OMP_WAIT_POLICY": "ACTIVE"}, "ACTIVE"),  # the operator's variable wins
]


@pytest.fixture(scope="module")
def probes() -> dict[str, dict[str, object]]:
    """Every case's interpreter at once (each loads torch: about 12 s apiece one by one)."""
    clean = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    running = {
        json.dumps(env): subprocess.Popen(
            [sys.executable, "-c", PROBE],
            env={**clean, "PYTHONPATH": str(ROOT), **env},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env, _ in CASES
    }
    out = {}
    for key, proc in running.items():
        stdout, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stderr[-2000:]
        out[key] = json.loads(stdout.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize(("env", "policy"), CASES)
def test_policy_is_in_the_environment_when_torch_loads(
    probes: dict[str, dict[str, object]], env: dict[str, str], policy: str | None
) -> None:
    assert probes[json.dumps(env)] == {"torch": True, "policy": policy}
