"""The version is written once, in ``studyapp/__init__.py``: the installed package's metadata
(pyproject.toml reads it from there) and ``studyapp --version`` both say it."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import studyapp

ROOT = Path(__file__).resolve().parent.parent


def test_the_installed_metadata_has_the_version_of_the_package() -> None:
    assert importlib.metadata.version("studyapp") == studyapp.__version__


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "studyapp/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)?", studyapp.__version__)


def test_studyapp_version_prints_it() -> None:
    out = subprocess.run([sys.executable, "-m", "studyapp", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out == f"studyapp {studyapp.__version__}\n"
