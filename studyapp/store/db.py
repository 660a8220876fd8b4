"""Opening the progress database: ours or none, pragmas for durability and sharing, migrations.

A studyapp database carries ``PRAGMA application_id`` (set when it is created, and stamped on
one from before the id existed). A file that is not ours (another program's SQLite database,
or not SQLite at all) is refused before anything is written to it: it is first looked at
read-only, so it stays byte-identical, with no WAL switch. Reading commands open read-only
(``connect_readonly``), so a file on a read-only disk or without write permission is readable.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from studyapp.store.schema import FIRST_TABLES, VERSION, migrate

BUSY_TIMEOUT_MS = 30_000
# What a write to the store may raise from its environment (a full disk, a read-only, locked or
# vanished file): a face catches these to say so in one line, without importing sqlite3 itself.
WRITE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, OSError)
APPLICATION_ID = 0x53545944  # "STYD"; see https://sqlite.org/pragma.html#pragma_application_id


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


class OlderSchema(StoreError):
    """Our database, of an older schema: reading it needs an upgrade first (a write)."""


def _ro_uri(path: Path, immutable: bool = False) -> str:
    return path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")


def _open_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection that changes nothing on disk. A WAL database on a read-only disk
    cannot be opened ``mode=ro`` (SQLite wants its -shm file); it is then read as immutable."""
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        try:
            conn = sqlite3.connect(_ro_uri(path, immutable), uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()  # an open handle would keep the file (and its disk) busy
            last = exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path} is not a studyapp database ({exc})") from None
    raise StoreError(f"cannot read {path}: {last}")


def _check_ours(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of our database at ``path``; StoreError for any other file."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a studyapp database ({exc})") from None
    # Before the id existed, ours was the only file with our version number and first tables.
    stamped_before = version >= 1 and FIRST_TABLES <= tables
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables and not stamped_before):
        raise StoreError(f"{path} is not a studyapp database (another program's SQLite file); "
                         f"it was left untouched: pass --db with another file")
    if version > VERSION:
        raise StoreError(f"{path} was written by a newer studyapp (schema version {version}; "
                         f"this one knows up to {VERSION}); upgrade studyapp to open it")
    return int(version)


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and upgrade the database at ``path``, for reading and writing.

    A database from a newer studyapp, or not ours, is refused before anything is written to it.
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
        if path.exists() and path.stat().st_size > 0:
            looked = _open_ro(path)
            try:
                _check_ours(looked, path)
            finally:
                looked.close()
        # SQLite would open a file it may not write and fail at the first answer instead.
        for needed in (path, path.parent) if path.exists() else (path.parent,):
            if not os.access(needed, os.W_OK):
                raise StoreError(f"{needed} is read-only: studying needs to save progress there "
                                 f"(`studyapp report --db {path}` can still read it)")
    try:
        # Autocommit mode: every write below opens its own explicit transaction.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        version = _check_ours(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a studyapp database ({exc})") from None
    except StoreError:
        conn.close()
        raise
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # an acknowledged answer survives power loss
        if version < VERSION:
            migrate(conn)
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open {path}: {exc}") from None
    return conn


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """Open our database at ``path`` for reading only: no journal change, no migration, nothing
    written (a read-only file or disk is fine). One of an older schema is refused with what to do."""
    path = Path(path)
    conn = _open_ro(path)
    try:
        version = _check_ours(conn, path)
    except StoreError:
        conn.close()
        raise
    if version < VERSION:
        conn.close()
        raise OlderSchema(f"{path} has the schema of an older studyapp (version {version}); "
                         f"open it once with this studyapp (e.g. `studyapp`) to upgrade it")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn
