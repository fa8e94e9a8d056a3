"""Every command ends quietly: a reader closing the pipe early, or Ctrl-C, leaves no traceback,
and the exit codes are the documented ones (README, "Command line"; pipeline/cli/main.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO


def _big_feed(path: Path, items: int = 3000) -> Path:
    """A feed whose `feeds check` listing is far larger than a pipe's buffer (64 KiB)."""
    body = "".join(
        f"<item><title>Item {i}</title><link>http://example.org/a/{i}</link>"
        f"<description>{'words ' * 30}</description></item>"
        for i in range(items)
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big test feed</title>'
        f"<link>http://example.org/</link>{body}</channel></rss>",
        encoding="utf-8",
    )
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_feeds_check_into_head_ends_without_a_traceback(tmp_path: Path) -> None:
    feed = _big_feed(tmp_path / "big.xml")
    cmd = f"{sys.executable} -m pipeline feeds check {feed} | head -1"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd}"],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.stdout.startswith("Big test feed [rss20]"), done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr  # pipefail: newsmon's own status, not only head's


def test_closed_pipe_with_stderr_on_the_same_pipe_is_quiet_too(tmp_path: Path) -> None:
    feed = _big_feed(tmp_path / "big.xml")
    cmd = f"{sys.executable} -m pipeline feeds check --json {feed} 2>&1 | head -c 100"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd}"],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.stdout.startswith('{"feed"'), done.stdout
    assert done.returncode == 0
    assert done.stderr == ""


def test_ctrl_c_of_a_long_running_command_exits_130_without_a_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "demo", "serve", "--port", "0"],
        cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # printed once the server listens
        assert first.startswith("demo feed: http://127.0.0.1:"), first
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == 130


def test_ctrl_c_stops_a_command_even_when_its_shell_ignored_sigint() -> None:
    """A shell runs `newsmon ... &` with SIGINT ignored; `kill -INT` must still stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "demo", "serve", "--port", "0"],
        cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("demo feed:")
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 130


def test_bad_configuration_exits_2_naming_the_key() -> None:
    env = _env() | {"NEWSMON_KAFKA__BOOTSTRAP_SERVER": "x:1"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "feeds", "validate"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "kafka.bootstrap_server" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_failing_command_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-feed.xml"
    bad.write_text("this is plain text, not a feed", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "feeds", "check", str(bad)],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert str(bad) in done.stderr
