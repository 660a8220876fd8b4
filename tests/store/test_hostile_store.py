"""The store facing a hostile environment: a full disk, another program's SQLite file, a read-only
file. Each refuses or reports in one line, loses nothing acknowledged and leaves foreign files as
they were."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.store.db import APPLICATION_ID, StoreError, connect, connect_readonly
from studyapp.store.progress import Store

# Writes answers until the file-size limit (a full disk for this process) stops it; prints how
# many were acknowledged, then the error's class and message.
FULL = r"""
import resource, signal, sqlite3, sys
from datetime import UTC, datetime
from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState
from studyapp.store.progress import Store

store = Store(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
limit = store.path.stat().st_size + 40_000
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
before, done = ItemState("x", "d", "card"), 0
try:
    while True:
        store.record(Review("x", datetime(2026, 1, 1, tzinfo=UTC), 3, 1000, "practice",
                            answer="a" * 500), before, None)
        done += 1
        print("ok", done, flush=True)
except sqlite3.Error as exc:
    print("error", type(exc).__name__, exc, flush=True)
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_reports_its_own_error_and_loses_nothing_acknowledged(tmp_path):
    db = tmp_path / "p.sqlite3"
    Store(db).close()
    out = subprocess.run([sys.executable, "-c", FULL, str(db)], capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    acknowledged = sum(line.startswith("ok") for line in out)
    error = out[-1]
    assert acknowledged > 0 and error.startswith("error OperationalError")
    assert "rollback" not in error  # the disk's error, not a failed ROLLBACK masking it
    assert "disk" in error  # "database or disk is full" (ENOSPC) or "disk I/O error" (EFBIG)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == acknowledged
    store = Store(db)  # with room again, writing works
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == acknowledged
    store.close()


def foreign(path: Path, app_id: int = 0, tables: tuple[str, ...] = ("accounts",), version: int = 0) -> str:
    conn = sqlite3.connect(path)
    for table in tables:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute(f"INSERT INTO {table} (name) VALUES ('keep me')")
    conn.commit()
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return sha(path)


@pytest.mark.parametrize(("app_id", "tables", "version"), [
    (0, ("accounts",), 0),  # another program's file
    (0x0F0F0F0F, ("items", "reviews"), 3),  # another program's id, even with our table names
    (0, ("items",), 0),  # a clash on one table name, not a database of ours
])
def test_another_programs_database_is_refused_untouched(tmp_path, app_id, tables, version):
    db = tmp_path / "theirs.db"
    digest = foreign(db, app_id, tables, version)
    openers: tuple = (Store, connect_readonly)
    for opener in openers:
        with pytest.raises(StoreError) as refused:
            opener(db)
        assert "not a studyapp database" in str(refused.value) and str(db) in str(refused.value)
    assert sha(db) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]  # no -wal, no -shm
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_our_database_carries_our_id_and_an_older_one_is_stamped(tmp_path):
    fresh = connect(tmp_path / "new.db")
    assert fresh.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    fresh.close()
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    from studyapp.store.schema import V1

    conn.executescript(V1)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    upgraded = connect(old)
    assert upgraded.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    upgraded.close()


def test_reading_read_only_changes_nothing(tmp_path):
    db = tmp_path / "p.sqlite3"
    store = Store(db)
    store.close()
    os.remove(tmp_path / "p.sqlite3-wal") if (tmp_path / "p.sqlite3-wal").exists() else None
    digest = sha(db)
    conn = connect_readonly(db)
    assert conn.execute("SELECT COUNT(*) FROM items").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    conn.close()
    assert sha(db) == digest


def read_only_mount(folder: Path) -> bool:
    """Make ``folder`` a read-only bind mount of itself (even root cannot write there); False
    where mounting is not allowed."""
    if os.geteuid() != 0:
        return False
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if bind.returncode != 0:
        return False
    remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
    if remount.returncode != 0:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)  # never leave a mount behind
        return False
    return True


@pytest.mark.parametrize("wal_left", [False, True])
def test_a_database_on_a_read_only_disk_is_readable(tmp_path, wal_left):
    """`report` and `validate --db` read through ``connect_readonly``: on a read-only mount (where
    even root cannot write), with or without the WAL's side files left by the last writer."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "p.sqlite3"
    store = Store(db)
    store.conn.execute("INSERT INTO meta VALUES ('probe', 'x')")
    keep_open = store if wal_left else None  # an open writer leaves -wal and -shm behind
    if not wal_left:
        store.close()
    if not read_only_mount(folder):
        if keep_open:
            keep_open.close()
        pytest.skip("cannot make a read-only mount here (needs root and mount)")
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")  # the disk really is read-only
        conn = connect_readonly(db)
        assert conn.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("x",)
        conn.close()
        with pytest.raises(StoreError, match="read-only"):  # studying is refused in one line
            Store(db)
    finally:
        if keep_open:
            keep_open.close()
        subprocess.run(["umount", str(folder)], check=False)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from studyapp.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [("report", "--format", "json"), ("validate",)])
def test_commands_refuse_another_programs_database_in_one_line(tmp_path, capsys, command):
    db = tmp_path / "theirs.db"
    digest = foreign(db)
    code, out, err = run_cli(capsys, *command, "--db", str(db))
    assert code == 2 and len(err.splitlines()) == 1 and "not a studyapp database" in err
    assert "Traceback" not in err
    assert sha(db) == digest and sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]


def test_report_and_validate_read_a_database_on_a_read_only_disk(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "p.sqlite3"
    Store(db).close()
    digest = sha(db)
    if not read_only_mount(folder):
        pytest.skip("cannot make a read-only mount here (needs root and mount)")
    try:
        code, out, err = run_cli(capsys, "report", "--db", str(db), "--format", "json")
        assert code == 0, err
        assert '"schema": "studyapp.report/1"' in out
        code, out, err = run_cli(capsys, "validate", "--db", str(db), "--seeds", "0")
        assert code == 0, err
        assert sha(db) == digest
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
