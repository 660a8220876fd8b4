"""The history an Anki export carries (``studyapp export --anki --with-history``): each studied
item's schedule as it stands, and its scheduled reviews with the state each one started from.

Read-only: it opens the database with ``connect_readonly`` and writes nothing. Only the answers
that moved a schedule are here (``mode = 'scheduled'``): practice, exam answers and related cards
shown outside their schedule are logged as ``practice`` or ``exam``, and an undone answer is no
longer in the log at all (``Store.undo`` deletes its row).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from studyapp.core.scheduler import ItemState
from studyapp.store.db import StoreError, connect_readonly
from studyapp.store.progress import ITEM_COLUMNS, item_from_row


@dataclass(frozen=True)
class LoggedReview:
    """One scheduled review: when, the rating (1-4), how long it took, and the item's state just
    before it (None for rows logged before schema 2 kept that state)."""

    reviewed_at: datetime
    rating: int
    duration_ms: int | None
    before: ItemState | None


@dataclass(frozen=True)
class ItemHistory:
    """An item that has left the new queue: its schedule now, and its reviews in time order."""

    state: ItemState
    reviews: tuple[LoggedReview, ...]


def read_history(path: Path, item_ids: Iterable[str]) -> dict[str, ItemHistory]:
    """The history of each of ``item_ids`` that has one (studied, not new), read from the database
    at ``path``. A file that does not exist, is not ours, or cannot be read is a StoreError."""
    if not path.is_file():
        raise StoreError(f"no progress database at {path}; pass --db with the file to export "
                         "the history of")
    conn = connect_readonly(path)
    try:
        return _read(conn, list(dict.fromkeys(item_ids)))
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, ids: list[str]) -> dict[str, ItemHistory]:
    wanted = json.dumps(ids)
    states = {row[0]: item_from_row(row) for row in conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE is_new = 0 "
        "AND id IN (SELECT value FROM json_each(?))", (wanted,))}
    reviews: dict[str, list[LoggedReview]] = {item_id: [] for item_id in states}
    for item_id, reviewed_at, rating, duration_ms, prev_state in conn.execute(
            "SELECT item_id, reviewed_at, rating, duration_ms, prev_state FROM reviews "
            "WHERE mode = 'scheduled' AND item_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY reviewed_at, id", (wanted,)):
        if item_id in reviews:
            before = ItemState.from_dict(json.loads(prev_state)) if prev_state else None
            reviews[item_id].append(LoggedReview(datetime.fromtimestamp(reviewed_at / 1000, tz=UTC), rating,
                                                 duration_ms, before))
    return {item_id: ItemHistory(state, tuple(reviews[item_id])) for item_id, state in states.items()}
