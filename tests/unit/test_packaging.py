"""The build a fresh clone runs (`make install`: pip, isolated build env, the setuptools that
pyproject.toml pins) emits no warning: setuptools' deprecations carry dates after which builds
stop working, so one in the log is a future broken install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

OFFLINE_HINTS = ("No matching distribution", "Could not find a version", "Failed to establish")


@pytest.mark.slow
def test_the_wheel_builds_without_any_warning(tmp_path: Path) -> None:
    src = tmp_path / "src"  # a copy: an in-tree build would leave build/ in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    for package in ("pipeline", "agents"):
        shutil.copytree(REPO / package, src / package,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else distutils notes "byte-compiling disabled"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path / "dist")]
    done = subprocess.run(
        [*argv, str(src)], env=env, capture_output=True, text=True, timeout=600
    )
    log = done.stdout + done.stderr
    if done.returncode != 0 and any(hint in log for hint in OFFLINE_HINTS):
        pytest.skip("the isolated build env cannot fetch setuptools (no package index)")
    assert done.returncode == 0, log[-3000:]
    noisy = [
        line for line in log.splitlines()
        if "deprecat" in line.lower() or "warning" in line.lower()
    ]  # fmt: skip
    assert noisy == [], "\n".join(noisy)
    (wheel,) = (tmp_path / "dist").glob("newsmon-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA")))
        names = zf.namelist()
    assert b"License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
