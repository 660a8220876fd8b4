"""The ``studyapp`` command line, run in-process through ``studyapp.cli.main``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp import __version__
from studyapp.core.kinds import KINDS
from tests.cli_run import assert_usage_error, run

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
ALL_KINDS = set(KINDS)  # every registered kind
PROBLEM_KEYS = {"id", "kind", "topic", "template", "difficulty", "params", "prompt", "answer", "solution"}

# The seed's worked backpropagation example (the classic 2-2-2 sigmoid network).
BACKPROP = {"x": [0.05, 0.10], "target": [0.01, 0.99], "W1": [[0.15, 0.20], [0.25, 0.30]],
            "b1": [0.35, 0.35], "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60], "lr": 0.5}





# --- no command, unknown command, --version ---------------------------------------------------

def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    assert out.startswith("usage: studyapp")
    for command in ("generate", "solve", "kinds", "validate", "schema"):
        assert command in out
    assert err == ""


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "frobnicate"), "invalid choice", "frobnicate")


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "kinds", "--bogus"), "--bogus")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"studyapp {__version__}"


# --- as separate processes ---------------------------------------------------------------------

def test_python_m_studyapp_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "studyapp", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: studyapp")
    assert proc.stderr == ""


def test_console_script_matches_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    script = Path(sys.executable).parent / "studyapp"
    if not script.exists():
        pytest.skip(f"no console script at {script}")
    argv = ["generate", "--seed", "2024", "--count", "11", "--format", "json"]
    # another process has another hash seed: the set must not depend on it
    proc = subprocess.run([str(script), *argv], capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert proc.stdout == out.encode()
