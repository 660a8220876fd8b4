"""The progress store: item schedules, the review log, study sessions, and the items table kept
in step with the content (``sync``, which touches only the decks that changed).

Each answer is one transaction (``record``), committed with ``synchronous=FULL`` before
the caller shows the next item, so nothing acknowledged is ever lost; a finished exam's answers,
which change no schedule, go in batches (``record_many``), each whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studyapp.core.content_rows import ContentRow, by_deck, fingerprint
from studyapp.core.review_log import ItemChanged, Review, counts_as_right
from studyapp.core.scheduler import ItemState
from studyapp.store import day_counts
from studyapp.store.day_counts import synced_fingerprints
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


def item_from_row(row: tuple[Any, ...]) -> ItemState:
    (item_id, deck, kind, is_new, state, step, stability, difficulty, due, last_review, lapses,
     leech, suspended, buried_until) = row
    return ItemState(item_id=item_id, deck=deck, kind=kind, is_new=bool(is_new), state=state,
                     step=step, stability=stability, difficulty=difficulty, due=utc(due),
                     last_review=utc(last_review), lapses=lapses, leech=bool(leech),
                     suspended=bool(suspended), buried_until=utc(buried_until))


def _schedule(s: ItemState) -> tuple[Any, ...]:
    """What a rating is computed from: the item's values but where it sits (deck, kind)."""
    return _item_values(s)[2:]


def _item_values(s: ItemState) -> tuple[Any, ...]:
    return (s.deck, s.kind, int(s.is_new), s.state, s.step, s.stability, s.difficulty, ms(s.due),
            ms(s.last_review), s.lapses, int(s.leech), int(s.suspended), ms(s.buried_until))


def _changed_decks(synced: dict[str, str], fingerprints: dict[str, str]) -> set[str]:
    """The decks changed since the last sync, and those gone from the content."""
    changed = {deck for deck, fp in fingerprints.items() if synced.get(deck) != fp}
    return changed | (set(synced) - set(fingerprints))


def _uncounted_decks(c: sqlite3.Connection, decks: dict[str, list[ContentRow]]) -> set[str]:
    """The decks whose rows flagged as content do not number their items in the content (rows
    written outside a sync, a row renamed away; a scan of the items table)."""
    counts = dict(c.execute("SELECT deck, COUNT(*) FROM items WHERE in_content = 1 GROUP BY deck"))
    return {deck for deck in counts.keys() | decks.keys() if counts.get(deck, 0) != len(decks.get(deck, ()))}


def _move_aliases(c: sqlite3.Connection, rows: list[ContentRow]) -> set[str]:
    """Give the history of each former id (alias) in the table to its new id, unless the new id
    has one of its own; in content order, so that a chain of renames is followed. Returns the
    decks the renamed rows were in."""
    aliased = [(item_id, deck, alias) for item_id, deck, _, aliases in rows for alias in aliases]
    if not aliased:
        return set()
    present = dict(c.execute("SELECT id, deck FROM items WHERE id IN (SELECT value FROM json_each(?))",
                             (json.dumps([x for i, _, a in aliased for x in (i, a)]),)))
    left = set()
    for item_id, deck, alias in aliased:
        if alias in present and item_id not in present:
            c.execute("UPDATE items SET id = ?, deck = ? WHERE id = ?", (item_id, deck, alias))
            c.execute("UPDATE reviews SET item_id = ? WHERE item_id = ?", (item_id, alias))
            left.add(present.pop(alias))
            present[item_id] = deck
    return left


def _insert_review(c: sqlite3.Connection, review: Review, before: ItemState) -> int:
    cur = c.execute(
        "INSERT INTO reviews (item_id, reviewed_at, rating, duration_ms, mode, seed, answer, "
        "result, mistake, session_id, prev_state, prev_code, prev_ivl, correct) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (review.item_id, ms(review.reviewed_at), review.rating, review.duration_ms, review.mode,
         review.seed, review.answer, review.result, review.mistake, review.session_id,
         json.dumps(before.to_dict()), *prev_columns(before),
         None if review.correct is None else int(review.correct)))
    assert cur.lastrowid is not None  # an INSERT's row
    return cur.lastrowid


def _count_in_session(c: sqlite3.Connection, reviews: Iterable[Review]) -> None:
    """Add answers to their sessions' counters (answered, right, wrong)."""
    counts: dict[int, list[int]] = {}
    for review in reviews:
        if review.session_id is not None:
            n = counts.setdefault(review.session_id, [0, 0])
            n[0] += 1
            n[1] += int(review.right)
    c.executemany("UPDATE sessions SET reviewed = reviewed + ?, correct = correct + ?, wrong = wrong + ? "
                  "WHERE id = ?", [(n, right, n - right, sid) for sid, (n, right) in counts.items()])


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
    def sync(self, items: Iterable[ContentRow], prints: dict[str, str] | None = None) -> int:
        """Make the items table match the content: add unseen ids as new, move the history
        of renamed ids (``aliases``), flag ids the content no longer has (their history is
        kept), apply deck and kind changes. ``items`` are (id, deck, kind, aliases). Returns how
        many rows were added.

        Only what changed is touched: ``meta`` keeps a fingerprint of each deck's content as
        synced last, and only the decks whose fingerprint differs (or that the content no longer
        has, or whose rows in the content no longer number what the deck has) are compared with
        the table, in SQL; nothing is done when no deck changed. ``prints``: the fingerprints of
        ``items`` when the caller has them already (``Library.fingerprints``).
        """
        if prints is not None and synced_fingerprints(self.conn) == prints:
            return 0  # the everyday case, without going over the rows
        decks = by_deck(items)
        fingerprints = {deck: fingerprint(rows) for deck, rows in decks.items()}
        if synced_fingerprints(self.conn) == fingerprints:
            return 0
        with self.transaction() as c:
            # Read inside the transaction: another process may have synced the same content.
            changed = _changed_decks(synced_fingerprints(c), fingerprints)
            if not changed:
                return 0
            # Renames first, as a whole sync would (aliases are few): a renamed row leaves its deck.
            changed |= _move_aliases(c, sorted(row for rows in decks.values() for row in rows if row[3]))
            changed |= _uncounted_decks(c, decks)
            rows = sorted(row for deck in changed for row in decks.get(deck, ()))
            c.execute("CREATE TEMP TABLE IF NOT EXISTS content (id TEXT PRIMARY KEY, deck TEXT, kind TEXT)")
            c.execute("DELETE FROM temp.content")
            c.executemany("INSERT INTO temp.content VALUES (?, ?, ?)", [row[:3] for row in rows])
            added = c.execute("INSERT OR IGNORE INTO items (id, deck, kind) "
                              "SELECT id, deck, kind FROM temp.content").rowcount
            # Set differences over the changed decks only, writing only the rows that differ: from
            # their content (a primary-key lookup per row), then from their rows in the table.
            c.execute("UPDATE items SET deck = t.deck, kind = t.kind, in_content = 1 FROM temp.content t "
                      "WHERE items.id = t.id AND (items.deck != t.deck OR items.kind != t.kind "
                      "OR items.in_content = 0)")
            c.execute("UPDATE items SET in_content = 0 WHERE in_content = 1 AND deck IN "
                      "(SELECT value FROM json_each(?)) AND id NOT IN (SELECT id FROM temp.content)",
                      (json.dumps(sorted(changed)),))
            c.execute("DELETE FROM temp.content")
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('content', ?)",
                      (json.dumps(fingerprints, sort_keys=True),))
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

    def _select(self, where: str, args: list[Any], decks: list[str] | None, order: str,
                limit: int) -> list[ItemState]:
        if decks is not None:
            where += f" AND deck IN ({','.join('?' * len(decks))})"
            args = [*args, *decks]
        return [item_from_row(r) for r in self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE {where} ORDER BY {order} LIMIT ?", [*args, limit])]

    def _count(self, where: str, args: list[Any], decks: list[str] | None) -> int:
        if decks is not None:
            where += f" AND deck IN ({','.join('?' * len(decks))})"
            args = [*args, *decks]
        return int(self.conn.execute(f"SELECT COUNT(*) FROM items WHERE {where}", args).fetchone()[0])

    # Each WHERE below repeats its partial index's condition, so SQLite can use the index; an item
    # buried until a later time is left out (``NOT_BURIED``, whose argument is now).
    LEARNING = "is_new = 0 AND suspended = 0 AND in_content = 1 AND state != 2 AND due < ?"
    REVIEW = "is_new = 0 AND suspended = 0 AND in_content = 1 AND state = 2 AND deck = ? AND due < ?"
    NEW = "is_new = 1 AND suspended = 0 AND in_content = 1 AND deck = ?"
    NOT_BURIED = " AND (buried_until IS NULL OR buried_until <= ?)"

    def learning_due(self, before: datetime, decks: list[str] | None, now: datetime,
                     limit: int = 50) -> list[ItemState]:
        """Items in (re)learning due before ``before`` and not buried at ``now``, earliest first."""
        return self._select(self.LEARNING + self.NOT_BURIED, [ms(before), ms(now)], decks, "due", limit)

    def count_learning_due(self, before: datetime, decks: list[str] | None, now: datetime) -> int:
        return self._count(self.LEARNING + self.NOT_BURIED, [ms(before), ms(now)], decks)

    def reviews_due(self, deck: str, before: datetime, now: datetime, limit: int) -> list[ItemState]:
        """Review-state items of ``deck`` due before ``before`` and not buried at ``now``, most
        overdue first."""
        return self._select(self.REVIEW + self.NOT_BURIED, [deck, ms(before), ms(now)], None, "due", limit)

    def count_due(self, start: datetime, end: datetime, decks: list[str] | None) -> int:
        """Studied items of the content falling due in [start, end)."""
        return self._count("is_new = 0 AND suspended = 0 AND in_content = 1 AND due >= ? AND due < ?",
                           [ms(start), ms(end)], decks)

    def new_items(self, deck: str, now: datetime, limit: int) -> list[ItemState]:
        """New items of ``deck`` not buried at ``now``, in the content's order."""
        return self._select(self.NEW + self.NOT_BURIED, [deck, ms(now)], None, "rowid", limit)

    def available(self, before: datetime, now: datetime) -> dict[str, tuple[int, int, int]]:
        """Per deck, the (new, review, learning) items a session would draw from: as
        ``new_items``, ``reviews_due`` and ``learning_due`` find them, counted, before any limit."""
        return day_counts.available(self.conn, before, now)

    def synced_fingerprints(self) -> dict[str, str]:
        return synced_fingerprints(self.conn)

    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]:
        return day_counts.done_since(self.conn, start)

    def activity_since(self, start: datetime) -> tuple[int, int]:
        return day_counts.activity_since(self.conn, start)

    def answers_per_quarter_hour(self, since: datetime) -> list[tuple[int, int]]:
        """(bucket start ms, answers) per 15-minute bucket since ``since``, in every mode; the
        core turns them into study days (``core.days.daily_counts``)."""
        rows = self.conn.execute("SELECT reviewed_at / 900000, COUNT(*) FROM reviews WHERE reviewed_at >= ? "
                                 "GROUP BY 1", (ms(since),))
        return [(int(b) * 900000, int(n)) for b, n in rows]

    def reviews(self, since: datetime | None = None) -> list[tuple[Any, ...]]:
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
            review_id = _insert_review(c, review, before)
            if after is not None:
                self._write_item(c, after)
            _count_in_session(c, [review])
        return review_id

    def record_many(self, answers: Sequence[tuple[Review, ItemState]]) -> list[int]:
        """Log answers that change no schedule (an exam's), each with the item's state before it,
        in one transaction: all of them or, on any error, none. Returns their review ids."""
        with self.transaction() as c:
            ids = [_insert_review(c, review, before) for review, before in answers]
            _count_in_session(c, [review for review, _ in answers])
        return ids

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
        assert cur.lastrowid is not None  # an INSERT's row
        return cur.lastrowid

    def end_session(self, session_id: int, now: datetime) -> None:
        with self.transaction() as c:
            c.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (ms(now), session_id))
