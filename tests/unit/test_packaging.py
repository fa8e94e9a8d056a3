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


def _source_copy(tmp_path: Path) -> Path:
    """What the build reads, copied: an in-tree build would leave build/ in the checkout."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    for package in ("pipeline", "agents"):
        shutil.copytree(REPO / package, src / package,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return src


def _pip(*args: str) -> str:
    """pip's verbose output (the build backend's included); skips when offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else distutils notes "byte-compiling disabled"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args], env=env, capture_output=True, text=True,
        timeout=600,
    )
    log = done.stdout + done.stderr
    if done.returncode != 0 and any(hint in log for hint in OFFLINE_HINTS):
        pytest.skip("the isolated build env cannot fetch setuptools (no package index)")
    assert done.returncode == 0, log[-3000:]
    return log


def _warnings(log: str) -> list[str]:
    words = ("deprecat", "warning", "careful")  # "careful": setuptools' editable-finder notice
    return [line for line in log.splitlines() if any(w in line.lower() for w in words)]


@pytest.mark.slow
def test_the_editable_install_make_runs_prints_no_warning(tmp_path: Path) -> None:
    src = _source_copy(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = str(venv / "bin" / "python")
    log = _pip("--python", target, "install", "-v", "--no-deps", "-e", str(src))
    assert _warnings(log) == [], "\n".join(_warnings(log))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [target, "-c", "import pipeline; print(pipeline.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )
    assert done.stdout.strip() == str(src / "pipeline" / "__init__.py")


@pytest.mark.slow
def test_the_wheel_builds_without_any_warning(tmp_path: Path) -> None:
    src = _source_copy(tmp_path)
    log = _pip("wheel", "--no-deps", "-v", "-w", str(tmp_path / "dist"), str(src))
    assert _warnings(log) == [], "\n".join(_warnings(log))
    (wheel,) = (tmp_path / "dist").glob("newsmon-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA")))
        names = zf.namelist()
    assert b"License-Expression: MIT" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
