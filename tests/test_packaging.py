"""A non-editable install, used from another folder, finds the bundled content."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                             str(ROOT)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed: {result.stderr[-2000:]}")
    return next(out.glob("studyapp-*.whl"))


def test_wheel_carries_the_decks_and_the_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    decks = sorted(p.name for p in (ROOT / "content").glob("*.yaml"))
    assert decks and all(f"studyapp/content/{d}" in names for d in decks)
    assert "studyapp/content/deck.schema.json" in names


def test_installed_package_loads_content_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import studyapp.paths as p; from studyapp.core.library import load_library; "
            "lib = load_library(); print(p.bundled_content_dir()); print(len(lib.decks), len(lib.errors))")
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, check=True).stdout
    where, counts = out.splitlines()
    assert where.startswith(str(target))
    decks, errors = map(int, counts.split())
    assert decks == len(list((ROOT / "content").glob("*.yaml"))) and errors == 0
