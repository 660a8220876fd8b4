"""The commands that touch progress: --db, locate, validate --db."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from studyapp.cli import main
from studyapp.core.library import load_library
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.store.progress import Store

NOW = datetime(2026, 1, 1, 10, tzinfo=UTC)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_locate_follows_studyapp_home_and_db(capsys, isolated_home):
    code, out, _ = run(capsys, "locate")
    assert code == 0
    assert f"database: {isolated_home / 'studyapp' / 'progress.sqlite3'}" in out
    assert f"config:   {isolated_home / 'studyapp' / 'config.toml'}" in out
    _, out, _ = run(capsys, "--db", "/tmp/elsewhere.sqlite3", "locate")
    assert "database: /tmp/elsewhere.sqlite3" in out
    _, out, _ = run(capsys, "locate", "--db", "/tmp/other.sqlite3")
    assert "database: /tmp/other.sqlite3" in out


def test_locate_names_bad_settings(capsys, isolated_home):
    config = isolated_home / "studyapp" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("new_per_day = -3\nfavourite = 1\n")
    code, _, err = run(capsys, "locate")
    assert code == 0
    assert "new_per_day" in err and "favourite" in err and "Traceback" not in err


def test_validate_db_lists_orphaned_progress(capsys, tmp_path):
    deck = tmp_path / "demo.yaml"
    deck.write_text(textwrap.dedent("""\
        id: demo
        title: {en: Demo, zh: 演示}
        cards:
          - id: demo.a
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
        """), encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    store = Store(db)
    s = StudySession(load_library([deck]), store, Settings(timezone="UTC"), lambda: NOW,
                     np.random.default_rng(0))
    s.rate(s.next(), 3, 1000)
    store.close()
    deck.write_text(deck.read_text().replace("demo.a", "demo.b"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(deck), "--db", str(db), "--seeds", "1")
    assert code == 0
    assert "orphaned progress: 'demo.a' (1 reviews)" in out


def test_a_newer_database_is_a_clear_error(capsys, tmp_path):
    import sqlite3

    db = tmp_path / "new.sqlite3"
    sqlite3.connect(db).execute("PRAGMA user_version = 99")
    before = db.read_bytes()
    code, _, err = run(capsys, "validate", "--seeds", "0", "--db", str(db))
    assert code == 2 and "newer studyapp" in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_missing_database_is_not_created_by_validate(capsys, tmp_path):
    db = tmp_path / "absent.sqlite3"
    code, _, err = run(capsys, "validate", "--seeds", "0", "--db", str(db))
    assert code == 0 and "no progress database" in err and not Path(db).exists()
