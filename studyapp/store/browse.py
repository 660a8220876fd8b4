"""Read-only queries of the browser: items' schedules with their last answers, one item's history.

Both are served by indexes that exist (``items`` primary key, ``reviews_item`` on
``(item_id, reviewed_at)``): a page of the browser's table (``rows_for``) is a few milliseconds,
and every one of 100,000 items with 1,000,000 reviews (``item_rows``) about a second. The search
over all items is ``browse_index``'s.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from studyapp.core.scheduler import ItemState
from studyapp.store.progress import Store, item_from_row, utc

ITEM_COLUMNS = ("i.id, i.deck, i.kind, i.is_new, i.state, i.step, i.stability, i.difficulty, i.due, "
                "i.last_review, i.lapses, i.leech, i.suspended, i.buried_until")


@dataclass(frozen=True)
class ItemRow:
    state: ItemState
    last_rating: int | None  # of the last answer in any mode (scheduled, practice, exam)
    last_answered: datetime | None
    reviews: int  # answers in every mode


@dataclass(frozen=True)
class HistoryRow:
    reviewed_at: datetime
    mode: str  # scheduled | practice | exam
    rating: int
    answer: str | None  # what was typed
    correct: bool | None  # None for a self-rated card
    mistake: str | None  # the diagnosed mistake's tag
    duration_ms: int | None
    before: int | None  # the state before the answer: 0 new, 1 learning, 2 review, 3 relearning
    seed: int | None  # the problem variant shown


def item_rows_sql(where: str = "") -> str:
    """The query of ``item_rows``: one pass over ``items``; each item's last answer is one seek
    into ``reviews_item`` and its count one range of it (no scan of the review log)."""
    return (f"SELECT {ITEM_COLUMNS}, r.rating, r.reviewed_at, "
            "(SELECT COUNT(*) FROM reviews c WHERE c.item_id = i.id) "
            "FROM items i LEFT JOIN reviews r ON r.id = ("
            "SELECT l.id FROM reviews l WHERE l.item_id = i.id "
            f"ORDER BY l.reviewed_at DESC, l.id DESC LIMIT 1) {where}")


def item_rows(store: Store, ids: Iterable[str] | None = None) -> dict[str, ItemRow]:
    """Item id -> its schedule and last answer, for every stored item (or only ``ids``), in one query."""
    return rows_for(store.conn, ids)


def rows_for(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, ItemRow]:
    """``item_rows`` on a connection of the caller's (the browser's index has its own)."""
    where, args = "", tuple[str, ...]()
    if ids is not None:
        # One parameter whatever the number of ids (SQLite caps the number of parameters).
        where, args = "WHERE i.id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
    out = {}
    for row in conn.execute(item_rows_sql(where), args):
        state = item_from_row(row[:14])
        out[state.item_id] = ItemRow(state, row[14], utc(row[15]), int(row[16]))
    return out


def history(store: Store, item_id: str) -> list[HistoryRow]:
    """Every answer given to one item, the newest first."""
    rows = store.conn.execute(
        "SELECT reviewed_at, mode, rating, answer, correct, mistake, duration_ms, prev_code, seed "
        "FROM reviews WHERE item_id = ? ORDER BY reviewed_at DESC, id DESC", (item_id,))
    return [HistoryRow(datetime.fromtimestamp(at / 1000, tz=UTC), mode, rating, answer,
                       None if correct is None else bool(correct), mistake, duration, before, seed)
            for at, mode, rating, answer, correct, mistake, duration, before, seed in rows]
