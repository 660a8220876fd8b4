"""Opening the progress database: pragmas for durability and sharing, and migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studyapp.store.schema import VERSION, migrate

BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and upgrade the database at ``path``.

    A database from a newer studyapp is refused before anything is written to it.
    """
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    try:
        # Autocommit mode: every write below opens its own explicit transaction.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a studyapp database ({exc})") from None
    if version > VERSION:
        conn.close()
        raise StoreError(f"{path} was written by a newer studyapp (schema version {version}; "
                         f"this one knows up to {VERSION}); upgrade studyapp to open it")
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # an acknowledged answer survives power loss
        if version < VERSION:
            migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open {path}: {exc}") from None
    return conn
