"""Today's counts, read without loading anything else: what each deck has to offer, what was
done today, and which content the items table was last synced with.

``Store`` answers these for a session; ``TodayReader`` answers the same on a read-only connection
for Home's first frame, before the content, NumPy and the full store are imported (this module
imports only sqlite3 and the connection code). On a year of history (100,000 items) every read
here uses an index: no row of the items table is read but those buried right now.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from studyapp.store.db import connect_readonly

# The three conditions of ``Store.new_items`` / ``reviews_due`` / ``learning_due`` (each its partial
# index's), grouped by deck. Buried items cannot be left out here without reading every row; those
# buried right now are few and have their own index, so they are counted apart and taken off.
_GROUPS = (
    (0, "SELECT deck, COUNT(*) FROM items WHERE is_new = 1 AND suspended = 0 AND in_content = 1 "
        "GROUP BY deck", False),
    (1, "SELECT deck, COUNT(*) FROM items WHERE is_new = 0 AND suspended = 0 AND in_content = 1 "
        "AND state = 2 AND due < ? GROUP BY deck", True),
    (2, "SELECT deck, COUNT(*) FROM items WHERE is_new = 0 AND suspended = 0 AND in_content = 1 "
        "AND state != 2 AND due < ? GROUP BY deck", True),
)
_BURIED = ("SELECT deck, is_new, state, due FROM items WHERE buried_until > ? "
           "AND suspended = 0 AND in_content = 1")


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def available(conn: sqlite3.Connection, before: datetime, now: datetime) -> dict[str, tuple[int, int, int]]:
    """Per deck, (new, review due before ``before``, learning due before it), items buried at
    ``now`` left out."""
    before_ms = _ms(before)
    counts: dict[str, list[int]] = {}
    for column, sql, dated in _GROUPS:
        for deck, n in conn.execute(sql, (before_ms,) if dated else ()):
            counts.setdefault(deck, [0, 0, 0])[column] += int(n)
    for deck, is_new, state, due in conn.execute(_BURIED, (_ms(now),)):
        buried = 0 if is_new else (None if due is None or due >= before_ms else 1 if state == 2 else 2)
        if buried is not None and deck in counts:
            counts[deck][buried] -= 1
    return {deck: (n[0], n[1], n[2]) for deck, n in counts.items()}


def done_since(conn: sqlite3.Connection, start: datetime) -> dict[str, tuple[int, int]]:
    """Per deck, (new items introduced, reviews of Review-state items) in scheduled mode since
    ``start``; learning steps count towards neither limit, as in Anki."""
    rows = conn.execute(
        "SELECT i.deck, SUM(r.prev_code = 0), SUM(r.prev_code = 2) "
        "FROM reviews r JOIN items i ON i.id = r.item_id "
        "WHERE r.reviewed_at >= ? AND r.mode = 'scheduled' GROUP BY i.deck", (_ms(start),))
    return {deck: (int(new or 0), int(rev or 0)) for deck, new, rev in rows}


def activity_since(conn: sqlite3.Connection, start: datetime) -> tuple[int, int]:
    """(answers, milliseconds spent) since ``start``, in every mode."""
    n, spent = conn.execute("SELECT COUNT(*), COALESCE(SUM(duration_ms), 0) FROM reviews "
                            "WHERE reviewed_at >= ?", (_ms(start),)).fetchone()
    return int(n), int(spent)


def synced_fingerprints(conn: sqlite3.Connection) -> dict[str, str]:
    """Each deck's fingerprint as synced last (``core.content_rows``); empty before the first sync
    (or after one by a studyapp that kept a single fingerprint, which is then synced again whole)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'content'").fetchone()
    try:
        synced = json.loads(row[0]) if row is not None else {}
    except ValueError:
        return {}
    return synced if isinstance(synced, dict) else {}


class TodayReader:
    """The reads above on a read-only connection (``StoreError`` when the file cannot be read as
    our database of this schema; nothing is ever written)."""

    def __init__(self, path: Path):
        self.conn = connect_readonly(path)

    def close(self) -> None:
        self.conn.close()

    def available(self, before: datetime, now: datetime) -> dict[str, tuple[int, int, int]]:
        return available(self.conn, before, now)

    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]:
        return done_since(self.conn, start)

    def activity_since(self, start: datetime) -> tuple[int, int]:
        return activity_since(self.conn, start)

    def synced_fingerprints(self) -> dict[str, str]:
        return synced_fingerprints(self.conn)
