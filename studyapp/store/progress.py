"""The progress store: item schedules, the review log, study sessions.

Each answer is one transaction (``record``), committed with ``synchronous=FULL`` before
the caller shows the next item, so nothing acknowledged is ever lost.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState
from studyapp.store.db import connect

ITEM_COLUMNS = ("id, deck, kind, is_new, state, step, stability, difficulty, due, last_review, "
                "lapses, leech, suspended, buried_until")


def ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def utc(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


def _item(row: tuple) -> ItemState:
    (item_id, deck, kind, is_new, state, step, stability, difficulty, due, last_review, lapses,
     leech, suspended, buried_until) = row
    return ItemState(item_id=item_id, deck=deck, kind=kind, is_new=bool(is_new), state=state,
                     step=step, stability=stability, difficulty=difficulty, due=utc(due),
                     last_review=utc(last_review), lapses=lapses, leech=bool(leech),
                     suspended=bool(suspended), buried_until=utc(buried_until))


def _item_values(s: ItemState) -> tuple:
    return (s.deck, s.kind, int(s.is_new), s.state, s.step, s.stability, s.difficulty, ms(s.due),
            ms(s.last_review), s.lapses, int(s.leech), int(s.suspended), ms(s.buried_until))


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.conn: sqlite3.Connection = connect(self.path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE waits (busy timeout) for another writer."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # --- content ------------------------------------------------------------------------
    def sync(self, items: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> int:
        """Add unseen items as new; move the history of renamed ids (``aliases``).

        ``items`` are (id, deck, kind, aliases). Returns how many rows were added.
        """
        items = list(items)
        added = 0
        with self.transaction() as c:
            # Read inside the transaction: another process may be adding the same items.
            known = {row[0] for row in c.execute("SELECT id FROM items")}
            for item_id, deck, kind, aliases in items:
                for alias in aliases:
                    if alias in known and item_id not in known:
                        c.execute("UPDATE items SET id = ?, deck = ? WHERE id = ?", (item_id, deck, alias))
                        c.execute("UPDATE reviews SET item_id = ? WHERE item_id = ?", (item_id, alias))
                        known.discard(alias)
                        known.add(item_id)
                if item_id not in known:
                    c.execute("INSERT INTO items (id, deck, kind) VALUES (?, ?, ?)", (item_id, deck, kind))
                    known.add(item_id)
                    added += 1
                else:
                    c.execute("UPDATE items SET deck = ?, kind = ? WHERE id = ? AND (deck != ? OR kind != ?)",
                              (deck, kind, item_id, deck, kind))
        return added

    def orphans(self, content_ids: set[str]) -> list[tuple[str, int]]:
        """Items with history whose id no deck defines any more: (id, reviews)."""
        rows = self.conn.execute(
            "SELECT i.id, (SELECT COUNT(*) FROM reviews r WHERE r.item_id = i.id) FROM items i")
        return sorted((i, n) for i, n in rows if i not in content_ids)

    # --- reading ------------------------------------------------------------------------
    def get(self, item_id: str) -> ItemState | None:
        row = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return _item(row) if row else None

    def items(self, decks: Iterable[str] | None = None) -> list[ItemState]:
        if decks is None:
            rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items")
        else:
            decks = list(decks)
            marks = ",".join("?" * len(decks))
            rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE deck IN ({marks})", decks)
        return [_item(r) for r in rows]

    def due(self, before: datetime, decks: list[str] | None, limit: int = 10_000) -> list[ItemState]:
        """Studied, unsuspended items due before ``before``, earliest first."""
        where, args = "is_new = 0 AND suspended = 0 AND due < ?", [ms(before)]
        if decks is not None:
            where += f" AND deck IN ({','.join('?' * len(decks))})"
            args += decks
        rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE {where} ORDER BY due LIMIT ?",
                                 [*args, limit])
        return [_item(r) for r in rows]

    def new_items(self, deck: str, limit: int) -> list[ItemState]:
        rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE deck = ? AND is_new = 1 "
                                 "AND suspended = 0 ORDER BY rowid LIMIT ?", (deck, limit))
        return [_item(r) for r in rows]

    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]:
        """Per deck, (new items introduced, reviews of studied items) in scheduled mode since ``start``."""
        rows = self.conn.execute(
            "SELECT i.deck, SUM(r.prev_state IS NULL OR json_extract(r.prev_state, '$.is_new')), "
            "COUNT(*) FROM reviews r JOIN items i ON i.id = r.item_id "
            "WHERE r.reviewed_at >= ? AND r.mode = 'scheduled' GROUP BY i.deck", (ms(start),))
        return {deck: (int(new or 0), int(total) - int(new or 0)) for deck, new, total in rows}

    def reviews(self, since: datetime | None = None) -> list[tuple]:
        args = () if since is None else (ms(since),)
        where = "" if since is None else "WHERE reviewed_at >= ?"
        return self.conn.execute(
            "SELECT id, item_id, reviewed_at, rating, duration_ms, mode, seed, answer, result, "
            f"mistake, session_id FROM reviews {where} ORDER BY id", args).fetchall()

    # --- writing ------------------------------------------------------------------------
    def record(self, review: Review, before: ItemState, after: ItemState | None) -> int:
        """Log one answer and, unless ``after`` is None (practice, exam), the new schedule."""
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO reviews (item_id, reviewed_at, rating, duration_ms, mode, seed, answer, "
                "result, mistake, session_id, prev_state) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (review.item_id, ms(review.reviewed_at), review.rating, review.duration_ms, review.mode,
                 review.seed, review.answer, review.result, review.mistake, review.session_id,
                 json.dumps(before.to_dict())))
            if after is not None:
                self._write_item(c, after)
            if review.session_id is not None:
                c.execute("UPDATE sessions SET reviewed = reviewed + 1, correct = correct + ?, "
                          "wrong = wrong + ? WHERE id = ?",
                          (int(review.rating > 1), int(review.rating == 1), review.session_id))
        return int(cur.lastrowid)

    def _write_item(self, c: sqlite3.Connection, s: ItemState) -> None:
        c.execute("INSERT OR IGNORE INTO items (id, deck, kind) VALUES (?, ?, ?)",
                  (s.item_id, s.deck, s.kind))
        c.execute("UPDATE items SET deck=?, kind=?, is_new=?, state=?, step=?, stability=?, difficulty=?, "
                  "due=?, last_review=?, lapses=?, leech=?, suspended=?, buried_until=? WHERE id=?",
                  (*_item_values(s), s.item_id))

    def undo(self, review_id: int) -> ItemState | None:
        """Remove one logged answer and restore the item as it was before it."""
        with self.transaction() as c:
            row = c.execute("SELECT item_id, prev_state, mode, rating, session_id FROM reviews "
                            "WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                return None
            _, prev, mode, rating, session_id = row
            before = ItemState.from_dict(json.loads(prev))
            if mode == "scheduled":
                self._write_item(c, before)
            c.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if session_id is not None:
                c.execute("UPDATE sessions SET reviewed = reviewed - 1, correct = correct - ?, "
                          "wrong = wrong - ? WHERE id = ?", (int(rating > 1), int(rating == 1), session_id))
        return before

    def set_item(self, state: ItemState) -> None:
        """Save flags such as suspended or buried_until."""
        with self.transaction() as c:
            self._write_item(c, state)

    def start_session(self, now: datetime, mode: str, decks: list[str] | None) -> int:
        with self.transaction() as c:
            cur = c.execute("INSERT INTO sessions (started_at, mode, decks) VALUES (?, ?, ?)",
                            (ms(now), mode, json.dumps(decks)))
        return int(cur.lastrowid)

    def end_session(self, session_id: int, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (ms(now), session_id))
