"""The review histories the optimizer learns from, and the items' memory states recomputed from them
when the parameters change (``core.optimizer``, ``core.memory_model``).

A recomputation changes each studied item's stability and difficulty to what its whole history gives
under the parameters now in use, and an item in review becomes due when the new stability says,
counted from its last review; the log itself is never touched.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable

from studyapp.core import optimizer
from studyapp.core.review_history import History, histories
from studyapp.core.scheduler import ItemState, Scheduler
from studyapp.store.progress import ITEM_COLUMNS, Store, item_from_row, ms, utc

WRITE_BATCH = 5000
READING = "reading your reviews"  # fit_all's first progress, before the optimizer's own


def scheduled_histories(conn: sqlite3.Connection, decks: Iterable[str] | None = None) -> list[History]:
    """Every item's scheduled reviews (practice and exam answers left out; undone ones are gone),
    with the item's deck (None for an item the database no longer has)."""
    where, args = "r.mode = 'scheduled'", []
    if decks is not None:
        args = list(decks)
        where += f" AND i.deck IN ({','.join('?' * len(args))})"
    rows = conn.execute("SELECT r.item_id, i.deck, r.reviewed_at, r.rating FROM reviews r "
                        f"LEFT JOIN items i ON i.id = r.item_id WHERE {where} ORDER BY r.reviewed_at, r.id",
                        args)
    return histories(rows)


def recompute(store: Store, scheduler: Scheduler, progress: optimizer.Progress | None = None) -> int:
    """Recompute every studied item's memory state under ``scheduler``'s parameters (each deck's
    own where it has them); returns how many items changed. An item whose state differs only by
    fsrs-rs's single precision is left as py-fsrs computed it. Raises OptimizerUnavailable."""
    hists = scheduled_histories(store.conn)
    model = scheduler.settings.memory_model
    states = optimizer.memory_states(hists, lambda h: model.parameters(h.deck),
                                     progress=lambda f, what: progress and progress(0.8 * f, what))
    previous = {h.item_id: (h.times[-2] if len(h.times) > 1 else None) for h in hists}
    changed = []
    for row in store.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE is_new = 0"):
        item = item_from_row(row)
        state = states.get(item.item_id)
        if state is None:
            continue
        after = scheduler.with_memory(item, *state, previous_review=utc(previous[item.item_id]))
        if _moved(item, after):
            changed.append((after.stability, after.difficulty, ms(after.due), item.item_id))
    with store.transaction() as c:
        for start in range(0, len(changed), WRITE_BATCH):
            c.executemany("UPDATE items SET stability = ?, difficulty = ?, due = ? WHERE id = ?",
                          changed[start: start + WRITE_BATCH])
            if progress:
                progress(0.8 + 0.2 * min(start + WRITE_BATCH, len(changed)) / len(changed), "saving")
    if progress and not changed:
        progress(1.0, "saving")
    return len(changed)


DeckFit = optimizer.FitResult | optimizer.TooFewReviews


def _moved(before: ItemState, after: ItemState) -> bool:
    return after.due != before.due or not (
        math.isclose(after.stability or 0.0, before.stability or 0.0, rel_tol=1e-5)
        and math.isclose(after.difficulty or 0.0, before.difficulty or 0.0, rel_tol=1e-5))


def fit_all(store: Store, scheduler: Scheduler, per_deck: bool = False,
            progress: optimizer.Progress | None = None) -> tuple[optimizer.FitResult, list[DeckFit]]:
    """Fit the collection to its scheduled reviews and, with ``per_deck``, each deck on its own
    (a deck's fit is compared with the collection's parameters as well). Raises TooFewReviews for
    the collection, OptimizerUnavailable; a deck with too few reviews is listed as its TooFewReviews."""
    if progress:
        progress(0.0, READING)  # seconds on a year of reviews: say so from the start
    hists = scheduled_histories(store.conn)
    share = 0.5 if per_deck else 1.0
    collection = optimizer.fit(hists, progress=lambda f, what: progress and progress(share * f, what))
    decks: list[DeckFit] = []
    if per_deck:
        rival = collection.as_rival(scheduler.settings.memory_model.parameters())
        names = sorted({h.deck for h in hists if h.deck is not None})
        for n, deck in enumerate(names):
            if progress:
                progress(0.5 + 0.5 * n / len(names), f"deck {deck}")
            try:
                decks.append(optimizer.fit([h for h in hists if h.deck == deck], deck=deck, rival=rival))
            except optimizer.TooFewReviews as exc:
                decks.append(exc)
    return collection, decks


def studiable_count(conn: sqlite3.Connection) -> int:
    """Items the learner studies (in the content, not suspended): the simulator's collection size."""
    row = conn.execute("SELECT COUNT(*) FROM items WHERE in_content = 1 AND suspended = 0").fetchone()
    return int(row[0])
