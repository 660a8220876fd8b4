"""Reviews made elsewhere (Anki's review log) added to our history, and each item's schedule
recomputed by replaying them through our scheduler.

All of one import is one transaction: a failure anywhere rolls it back, and the history as it
was is untouched. Per item, the reviews are replayed in time order from the item's state in the
store; a review at a time the item already has a scheduled review for is skipped as imported
before, and so is one at or before the item's last review (a review log imported again, or an
item studied here since: the history is only ever extended, never rewritten). Each review row
keeps the state before it (``prev_state``), as one answered here does, so undo works on it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState, Scheduler
from studyapp.store.progress import ITEM_COLUMNS, Store, item_from_row, ms, prev_columns


@dataclass(frozen=True)
class HistoryImport:
    imported: int  # reviews added
    already: int  # reviews at a time the item has already, or before its last review
    items: int  # items whose schedule was recomputed
    missing: tuple[str, ...] = ()  # item ids not in the store (not synced): their reviews are left out


def import_reviews(store: Store, reviews: Sequence[Review], scheduler: Scheduler) -> HistoryImport:
    """Add ``reviews`` (scheduled reviews, any order) to the history in one transaction."""
    by_item: dict[str, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: (r.item_id, r.reviewed_at)):
        by_item.setdefault(review.item_id, []).append(review)
    imported = already = items = 0
    missing = []
    with store.transaction() as c:
        for item_id, item_reviews in by_item.items():
            row = c.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                missing.append(item_id)
                continue
            state = item_from_row(row)
            times = {t for (t,) in c.execute(
                "SELECT reviewed_at FROM reviews WHERE item_id = ? AND mode = 'scheduled'", (item_id,))}
            last = None if state.is_new else ms(state.last_review)
            changed = False
            for review in item_reviews:
                at = ms(review.reviewed_at)
                assert at is not None  # a review has a time
                if at in times or (last is not None and at <= last):
                    already += 1
                    continue
                after = scheduler.review(state, review.rating, review.reviewed_at)
                _insert(c, review, state)
                state, last, changed = after, at, True
                imported += 1
            if changed:
                _write_item(c, state)
                items += 1
    return HistoryImport(imported=imported, already=already, items=items, missing=tuple(missing))


def _insert(c: sqlite3.Connection, review: Review, before: ItemState) -> None:
    c.execute(
        "INSERT INTO reviews (item_id, reviewed_at, rating, duration_ms, mode, prev_state, prev_code, "
        "prev_ivl) VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?)",
        (review.item_id, ms(review.reviewed_at), review.rating, review.duration_ms,
         json.dumps(before.to_dict()), *prev_columns(before)))


def _write_item(c: sqlite3.Connection, s: ItemState) -> None:
    c.execute(
        "UPDATE items SET is_new = ?, state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
        "last_review = ?, lapses = ?, leech = ?, suspended = ?, buried_until = ? WHERE id = ?",
        (int(s.is_new), s.state, s.step, s.stability, s.difficulty, ms(s.due), ms(s.last_review),
         s.lapses, int(s.leech), int(s.suspended), ms(s.buried_until), s.item_id))
