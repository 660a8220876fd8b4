"""The progress store: item schedules, the review log, study sessions.

Each answer is one transaction (``record``), committed with ``synchronous=FULL`` before
the caller shows the next item, so nothing acknowledged is ever lost.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from studyapp.core.review_log import ItemChanged, Review, counts_as_right
from studyapp.core.scheduler import ItemState
from studyapp.store.db import connect, connect_readonly
from studyapp.store.schema import rollback

ITEM_COLUMNS = ("id, deck, kind, is_new, state, step, stability, difficulty, due, last_review, "
                "lapses, leech, suspended, buried_until")


def ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def utc(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


def prev_columns(before: ItemState) -> tuple[int, float | None]:
    """(prev_code, prev_ivl) of a review: the state before it (0 new, else the FSRS state) and
    the interval in days it had then; reports count on these without parsing the JSON."""
    if before.is_new:
        return 0, None
    return before.state, before.interval_days()


def item_from_row(row: tuple) -> ItemState:
    (item_id, deck, kind, is_new, state, step, stability, difficulty, due, last_review, lapses,
     leech, suspended, buried_until) = row
    return ItemState(item_id=item_id, deck=deck, kind=kind, is_new=bool(is_new), state=state,
                     step=step, stability=stability, difficulty=difficulty, due=utc(due),
                     last_review=utc(last_review), lapses=lapses, leech=bool(leech),
                     suspended=bool(suspended), buried_until=utc(buried_until))


def _schedule(s: ItemState) -> tuple:
    """What a rating is computed from: the item's values but where it sits (deck, kind)."""
    return _item_values(s)[2:]


def _item_values(s: ItemState) -> tuple:
    return (s.deck, s.kind, int(s.is_new), s.state, s.step, s.stability, s.difficulty, ms(s.due),
            ms(s.last_review), s.lapses, int(s.leech), int(s.suspended), ms(s.buried_until))


class Store:
    def __init__(self, path: Path | str, readonly: bool = False):
        """``readonly``: for reading only (nothing written, a read-only file or disk is fine)."""
        self.path = Path(path)
        self.conn: sqlite3.Connection = connect_readonly(self.path) if readonly else connect(self.path)

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
            rollback(self.conn)  # never masks the error that ended the transaction
            raise

    # --- content ------------------------------------------------------------------------
    def sync(self, items: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> int:
        """Make the items table match the content: add unseen ids as new, move the history
        of renamed ids (``aliases``), flag ids the content no longer has (their history is
        kept). ``items`` are (id, deck, kind, aliases). Returns how many rows were added.

        Skipped when the content is the one synced last (a fingerprint in ``meta``).
        """
        items = sorted(items)
        fingerprint = hashlib.sha256(repr(items).encode()).hexdigest()
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'content'").fetchone()
        if row is not None and row[0] == fingerprint:
            return 0
        with self.transaction() as c:
            # Read inside the transaction: another process may be syncing the same content.
            before = c.execute("SELECT COUNT(*) FROM items").fetchone()[0]
            aliased = [(i, d, a) for i, d, _, aliases in items for a in aliases]
            if aliased:
                present = {r[0] for r in c.execute(
                    f"SELECT id FROM items WHERE id IN ({','.join('?' * (2 * len(aliased)))})",
                    [x for i, _, a in aliased for x in (i, a)])}
                for item_id, deck, alias in aliased:
                    if alias in present and item_id not in present:
                        c.execute("UPDATE items SET id = ?, deck = ? WHERE id = ?", (item_id, deck, alias))
                        c.execute("UPDATE reviews SET item_id = ? WHERE item_id = ?", (item_id, alias))
                        present.discard(alias)
                        present.add(item_id)
            c.execute("CREATE TEMP TABLE IF NOT EXISTS content (id TEXT PRIMARY KEY, deck TEXT, kind TEXT)")
            c.execute("DELETE FROM temp.content")
            c.executemany("INSERT INTO temp.content VALUES (?, ?, ?)", [i[:3] for i in items])
            c.execute("INSERT OR IGNORE INTO items (id, deck, kind) SELECT id, deck, kind FROM temp.content")
            c.execute("UPDATE items SET deck = t.deck, kind = t.kind FROM temp.content t "
                      "WHERE items.id = t.id AND (items.deck != t.deck OR items.kind != t.kind)")
            c.execute("UPDATE items SET in_content = (id IN (SELECT id FROM temp.content)) "
                      "WHERE in_content != (id IN (SELECT id FROM temp.content))")
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('content', ?)", (fingerprint,))
            added = c.execute("SELECT COUNT(*) FROM items").fetchone()[0] - before
        return int(added)

    def orphans(self, content_ids: set[str]) -> list[tuple[str, int]]:
        """Items with history whose id no deck defines any more: (id, reviews)."""
        rows = self.conn.execute(
            "SELECT i.id, (SELECT COUNT(*) FROM reviews r WHERE r.item_id = i.id) FROM items i")
        return sorted((i, n) for i, n in rows if i not in content_ids)

    # --- reading ------------------------------------------------------------------------
    def get(self, item_id: str) -> ItemState | None:
        row = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
        return item_from_row(row) if row else None

    def items(self, decks: Iterable[str] | None = None) -> list[ItemState]:
        if decks is None:
            rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items")
        else:
            decks = list(decks)
            marks = ",".join("?" * len(decks))
            rows = self.conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE deck IN ({marks})", decks)
        return [item_from_row(r) for r in rows]

    def _select(self, where: str, args: list, decks: list[str] | None, order: str, limit: int) -> list:
        if decks is not None:
            where += f" AND deck IN ({','.join('?' * len(decks))})"
            args = [*args, *decks]
        return [item_from_row(r) for r in self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE {where} ORDER BY {order} LIMIT ?", [*args, limit])]

    def _count(self, where: str, args: list, decks: list[str] | None) -> int:
        if decks is not None:
            where += f" AND deck IN ({','.join('?' * len(decks))})"
            args = [*args, *decks]
        return int(self.conn.execute(f"SELECT COUNT(*) FROM items WHERE {where}", args).fetchone()[0])

    # Each WHERE below repeats its partial index's condition, so SQLite can use the index.
    LEARNING = "is_new = 0 AND suspended = 0 AND in_content = 1 AND state != 2 AND due < ?"
    REVIEW = "is_new = 0 AND suspended = 0 AND in_content = 1 AND state = 2 AND deck = ? AND due < ?"
    NEW = "is_new = 1 AND suspended = 0 AND in_content = 1 AND deck = ?"

    def learning_due(self, before: datetime, decks: list[str] | None, limit: int = 50) -> list[ItemState]:
        """Items in (re)learning due before ``before``, earliest first."""
        return self._select(self.LEARNING, [ms(before)], decks, "due", limit)

    def count_learning_due(self, before: datetime, decks: list[str] | None) -> int:
        return self._count(self.LEARNING, [ms(before)], decks)

    def reviews_due(self, deck: str, before: datetime, limit: int) -> list[ItemState]:
        """Review-state items of ``deck`` due before ``before``, most overdue first."""
        return self._select(self.REVIEW, [deck, ms(before)], None, "due", limit)

    def count_due(self, start: datetime, end: datetime, decks: list[str] | None) -> int:
        """Studied items of the content falling due in [start, end)."""
        return self._count("is_new = 0 AND suspended = 0 AND in_content = 1 AND due >= ? AND due < ?",
                           [ms(start), ms(end)], decks)

    def new_items(self, deck: str, limit: int) -> list[ItemState]:
        return self._select(self.NEW, [deck], None, "rowid", limit)

    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]:
        """Per deck, (new items introduced, reviews of Review-state items) in scheduled mode
        since ``start``; learning steps count towards neither limit, as in Anki."""
        rows = self.conn.execute(
            "SELECT i.deck, SUM(r.prev_code = 0), SUM(r.prev_code = 2) "
            "FROM reviews r JOIN items i ON i.id = r.item_id "
            "WHERE r.reviewed_at >= ? AND r.mode = 'scheduled' GROUP BY i.deck", (ms(start),))
        return {deck: (int(new or 0), int(rev or 0)) for deck, new, rev in rows}

    def activity_since(self, start: datetime) -> tuple[int, int]:
        """(answers, milliseconds spent) since ``start``, in every mode."""
        n, spent = self.conn.execute("SELECT COUNT(*), COALESCE(SUM(duration_ms), 0) FROM reviews "
                                     "WHERE reviewed_at >= ?", (ms(start),)).fetchone()
        return int(n), int(spent)

    def answers_per_quarter_hour(self, since: datetime) -> list[tuple[int, int]]:
        """(bucket start ms, answers) per 15-minute bucket since ``since``, in every mode; the
        core turns them into study days (``core.days.daily_counts``)."""
        rows = self.conn.execute("SELECT reviewed_at / 900000, COUNT(*) FROM reviews WHERE reviewed_at >= ? "
                                 "GROUP BY 1", (ms(since),))
        return [(int(b) * 900000, int(n)) for b, n in rows]

    def reviews(self, since: datetime | None = None) -> list[tuple]:
        args = () if since is None else (ms(since),)
        where = "" if since is None else "WHERE reviewed_at >= ?"
        return self.conn.execute(
            "SELECT id, item_id, reviewed_at, rating, duration_ms, mode, seed, answer, result, "
            f"mistake, session_id FROM reviews {where} ORDER BY id", args).fetchall()

    # --- writing ------------------------------------------------------------------------
    def record(self, review: Review, before: ItemState, after: ItemState | None) -> int:
        """Log one answer and, unless ``after`` is None (practice, exam), the new schedule.

        A new schedule is written only over the state it was computed from (compare-and-set,
        inside the write transaction): when another window has answered the item since,
        ``ItemChanged`` is raised with its state now and nothing is written."""
        with self.transaction() as c:
            if after is not None:
                now = c.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (before.item_id,))
                row = now.fetchone()
                if row is not None and _schedule(item_from_row(row)) != _schedule(before):
                    raise ItemChanged(item_from_row(row))
            cur = c.execute(
                "INSERT INTO reviews (item_id, reviewed_at, rating, duration_ms, mode, seed, answer, "
                "result, mistake, session_id, prev_state, prev_code, prev_ivl, correct) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (review.item_id, ms(review.reviewed_at), review.rating, review.duration_ms, review.mode,
                 review.seed, review.answer, review.result, review.mistake, review.session_id,
                 json.dumps(before.to_dict()), *prev_columns(before),
                 None if review.correct is None else int(review.correct)))
            if after is not None:
                self._write_item(c, after)
            if review.session_id is not None:
                c.execute("UPDATE sessions SET reviewed = reviewed + 1, correct = correct + ?, "
                          "wrong = wrong + ? WHERE id = ?",
                          (int(review.right), int(not review.right), review.session_id))
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
            row = c.execute("SELECT item_id, prev_state, mode, rating, session_id, correct FROM reviews "
                            "WHERE id = ?", (review_id,)).fetchone()
            if row is None:
                return None
            _, prev, mode, rating, session_id, correct = row
            right = counts_as_right(rating, None if correct is None else bool(correct))
            before = ItemState.from_dict(json.loads(prev))
            if mode == "scheduled":
                self._write_item(c, before)
            c.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if session_id is not None:
                c.execute("UPDATE sessions SET reviewed = reviewed - 1, correct = correct - ?, "
                          "wrong = wrong - ? WHERE id = ?", (int(right), int(not right), session_id))
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
