"""The browser's index: every item of the content, its stored schedule and its search text in
temporary tables of a read-only connection of its own, so that a search is one SQL query
(``browse_sql``) that returns the first rows of its order at once, and the rest a page at a time.

The tables live in SQLite's temporary file (the operating system caches it; the process does not
hold 100,000 texts). Built in steps, each usable as soon as it is done: ``fill_items`` (ids, decks,
kinds, tags), ``snapshot`` (the stored schedules and last answers, again at each opening: the
learner studies in between), ``fill_text`` (the search text and sort title of every item: the
slow step, resumable, written in small transactions so that searches run between them) and, only
when sorting by the last rating asks for it, ``ensure_last``. ``refresh`` notes an item the face
changed (suspended); the next query reads it again. A query is cancelled by its ``cancelled``
callable (checked while SQLite runs), raising ``Cancelled``.

Only this module and ``browse_sql`` know the tables; the face hands in ``IndexItem`` values and
texts, and gets back item numbers (positions in the content order) and counts.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from studyapp.core.search import Query
from studyapp.store.browse import ItemRow, rows_for
from studyapp.store.browse_sql import IVL_ROUND, SORT_NEEDS, STATE_RANK, Condition, order_by
from studyapp.store.db import StoreError, connect_readonly

TABLES = """
CREATE TEMP TABLE browse_items (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, id_cf TEXT NOT NULL, deck TEXT NOT NULL,
    deck_cf TEXT NOT NULL, kind TEXT NOT NULL, kind_cf TEXT NOT NULL, type TEXT NOT NULL,
    type_cf TEXT NOT NULL, deck_key TEXT NOT NULL, ntags INTEGER NOT NULL);
CREATE TEMP TABLE browse_tags (n INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TEMP TABLE browse_text (n INTEGER PRIMARY KEY, text TEXT NOT NULL, title_key TEXT NOT NULL);
CREATE TEMP TABLE browse_state (
    n INTEGER PRIMARY KEY, deck TEXT NOT NULL, deck_cf TEXT NOT NULL, kind_cf TEXT NOT NULL,
    is_new INTEGER NOT NULL, state INTEGER NOT NULL, stability REAL, difficulty REAL, due INTEGER,
    last_review INTEGER, lapses INTEGER NOT NULL, leech INTEGER NOT NULL, suspended INTEGER NOT NULL,
    buried_until INTEGER, last_at INTEGER, last_rating INTEGER, ivl INTEGER, rank INTEGER)
"""
# The stored schedule of each item (an item never stored is new, in its content deck), and when
# it was last answered (``ItemRow.last_answered``: stored items only).
STATE_SELECT = """
SELECT b.n, COALESCE(i.deck, b.deck),
    CASE WHEN i.deck IS NULL OR i.deck = b.deck THEN b.deck_cf ELSE studyapp_casefold(i.deck) END,
    CASE WHEN i.kind IS NULL OR i.kind = b.kind THEN b.kind_cf ELSE studyapp_casefold(i.kind) END,
    COALESCE(i.is_new, 1), COALESCE(i.state, 1), i.stability, i.difficulty, i.due, i.last_review,
    COALESCE(i.lapses, 0), COALESCE(i.leech, 0), COALESCE(i.suspended, 0), i.buried_until,
    CASE WHEN i.id IS NULL THEN NULL
         ELSE (SELECT MAX(r.reviewed_at) FROM main.reviews r WHERE r.item_id = b.id) END, NULL, NULL, NULL
FROM browse_items b LEFT JOIN main.items i ON i.id = b.id
"""
# What several searches and sorts compute from a row, computed once (``browse_sql.IVL_ROUND``).
DERIVED = f"UPDATE browse_state SET ivl = {IVL_ROUND}, rank = {STATE_RANK}"
LAST_RATING = """
UPDATE browse_state SET last_rating = (
    SELECT r.rating FROM main.reviews r
    WHERE r.item_id = (SELECT b.id FROM browse_items b WHERE b.n = browse_state.n)
      AND r.reviewed_at = browse_state.last_at ORDER BY r.id DESC LIMIT 1)
WHERE last_at IS NOT NULL
"""
ITEM_BATCH = 5_000  # items written at once
TEXT_BATCH = 2_000  # rows of text per transaction: a search waits at most for one of them
# SQLite instructions between two looks at ``cancelled`` (each takes the GIL from the screen):
# every 4 to 20 ms of a scan of 100,000 items
CHECK_EVERY = 200_000


class Cancelled(Exception):
    """The query was cancelled (a newer search replaced it), or the index was closed."""


class IndexItem(NamedTuple):
    """One item of the content, in content order, as the index needs it."""

    id: str
    deck: str  # the content's deck id
    kind: str  # card | problem
    type: str  # basic | cloze | choice, or the problem kind
    tags: tuple[str, ...]  # case-folded
    deck_title: str  # in the UI language, what the deck column shows and sorts by ('' for none)


@lru_cache(maxsize=256)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _search(source: str, text: str) -> int:
    return int(_regex(source).search(text) is not None)


def _fullmatch(source: str, value: str) -> int:
    return int(_regex(source).fullmatch(value) is not None)


class BrowseIndex:
    _shared: tuple[tuple[Any, ...], BrowseIndex] | None = None
    _sharing = threading.Lock()

    @classmethod
    def shared(cls, path: Path | str, content: object, lang: str) -> BrowseIndex:
        """The index kept for the same database, content (the same object, held weakly) and
        language as the last time; a new one (the old one closed) for anything else. Building
        an index reads the text of every item: seconds for 100,000, so the browser keeps it."""
        with cls._sharing:
            if cls._shared is not None:
                (content_ref, *rest), index = cls._shared
                if content_ref() is content and rest == [str(path), lang] and not index.closed:
                    return index
                index.close()
            index = cls(path)
            cls._shared = (weakref.ref(content), str(path), lang), index
            return index

    def __init__(self, path: Path | str):
        """An index over the database at ``path`` (read only; it must exist: a StoreError if not)."""
        if str(path) == ":memory:":
            raise StoreError("the browser needs a database file (it reads it on a connection of its own)")
        self.conn = connect_readonly(Path(path))
        self.conn.create_function("studyapp_casefold", 1, str.casefold, deterministic=True)
        self.conn.create_function("studyapp_search", 2, _search, deterministic=True)
        self.conn.create_function("studyapp_fullmatch", 2, _fullmatch, deterministic=True)
        self.conn.execute("PRAGMA temp.page_size = 65536")  # fewer, larger reads in a scan
        # SQLite's default leaves the temporary tables' cache unbounded (tens of MB here); a
        # bounded one searches as fast (the system caches the file).
        self.conn.execute("PRAGMA temp.cache_size = -2000")
        self.conn.executescript(TABLES)
        self.lock = threading.Lock()  # one query at a time on the connection
        self.filling = threading.Lock()  # one writer of the items, one of the texts
        self.texting = threading.Lock()
        self.items_ready, self.state_ready = threading.Event(), threading.Event()
        self.text_ready = threading.Event()
        self.size = 0  # items
        self.text_rows = 0  # items whose text is in (they are filled in content order)
        self.last_ready = False
        self.version: int | None = None  # PRAGMA data_version when the snapshot was read
        self.closed = False
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()

    # --- building -----------------------------------------------------------------------------
    def fill_items(self, items: Iterable[IndexItem]) -> None:
        """The content's items, in content order (once; later calls do nothing). Written a batch
        at a time: 100,000 rows held at once in Python would stay in the process's memory."""
        with self.filling:
            if self.items_ready.is_set():
                return
            folded: dict[str, str] = {}  # decks, kinds, types and tags: a few values, folded once

            def fold(text: str) -> str:
                return folded.get(text) or folded.setdefault(text, text.casefold())

            rows: list[tuple[object, ...]] = []
            tags: list[tuple[int, str]] = []
            for n, it in enumerate(items):
                rows.append((n, it.id, it.id.casefold(), it.deck, fold(it.deck), it.kind, fold(it.kind),
                             it.type, fold(it.type), fold(it.deck_title), len(it.tags)))
                tags += [(n, fold(tag)) for tag in it.tags]
                if len(rows) == ITEM_BATCH:
                    self._add_items(rows, tags)
                    rows, tags = [], []
            self._add_items(rows, tags)
            with self._writing():
                self.conn.execute("CREATE INDEX temp.browse_items_id ON browse_items (id)")
                self.conn.execute("CREATE INDEX temp.browse_tags_tag ON browse_tags (tag)")
            self.items_ready.set()

    def _add_items(self, rows: list[tuple[object, ...]], tags: list[tuple[int, str]]) -> None:
        with self._writing():  # a transaction a batch: a page of rows is read between two
            self.conn.executemany("INSERT INTO browse_items VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.conn.executemany("INSERT INTO browse_tags VALUES (?, ?)", tags)
        self.size += len(rows)

    def snapshot(self) -> None:
        """Read every item's stored schedule and last answer again (after ``fill_items``), unless
        nothing was written to the database since the last time."""
        with self._writing():
            # data_version changes when another connection (the app's own) commits anything.
            version = self.conn.execute("PRAGMA main.data_version").fetchone()[0]
            if version == self.version:
                return
            self.state_ready.clear()
            with self._pending_lock:
                self._pending.clear()  # read below; a change noted from now on is read again
            self.conn.execute("DELETE FROM browse_state")
            self.conn.execute("INSERT INTO browse_state " + STATE_SELECT)
            self.conn.execute(DERIVED)
            self.version, self.last_ready = version, False
        self.state_ready.set()

    def fill_text(self, texts_from: Callable[[int], Iterable[tuple[str, str]]],
                  cancelled: Callable[[], bool]) -> None:
        """The search text (``core.search.item_text``) and the sort title (case-folded) of every
        item, in content order: ``texts_from(k)`` gives them from item ``k`` on, where an earlier
        call stopped (it is asked once no other call is filling); stops early when ``cancelled``."""
        with self.texting:
            batch: list[tuple[int, str, str]] = []
            for text, title_key in texts_from(self.text_rows):
                batch.append((self.text_rows + len(batch), text, title_key))
                if len(batch) == TEXT_BATCH:
                    self._add_text(batch)
                    batch = []
                    if cancelled():
                        return
            self._add_text(batch)
            if self.text_rows >= self.size:
                self.text_ready.set()

    def _add_text(self, batch: list[tuple[int, str, str]]) -> None:
        if batch:
            with self._writing():
                self.conn.executemany("INSERT INTO browse_text VALUES (?, ?, ?)", batch)
            self.text_rows += len(batch)

    def ensure_last(self, cancelled: Callable[[], bool]) -> None:
        """Each item's last rating (the sort by the Last column needs it), once per snapshot."""
        if not self.last_ready:
            self._run(LAST_RATING, (), cancelled)
            self.last_ready = True

    def refresh(self, item_id: str) -> None:
        """The face changed this item (suspended it): read it again before the next query."""
        with self._pending_lock:
            self._pending.add(item_id)

    def wait(self, needs: set[str], cancelled: Callable[[], bool]) -> None:
        """Until the index can answer a query that needs ``needs`` ("text", "last")."""
        events = [self.items_ready, self.state_ready] + ([self.text_ready] if "text" in needs else [])
        for event in events:
            while not event.wait(0.02):
                if cancelled() or self.closed:
                    raise Cancelled
        if "last" in needs:
            self.ensure_last(cancelled)

    # --- querying -----------------------------------------------------------------------------
    def page(self, query: Query, now: datetime, day_end: datetime, sort_col: str | None, descending: bool,
             offset: int, limit: int, cancelled: Callable[[], bool]) -> list[int]:
        """The items (content positions) from ``offset`` of those ``query`` matches, in order."""
        cond, tables = self._prepare(query, now, day_end, sort_col, cancelled)
        k = len(cond.args)
        sql = (f"SELECT b.n FROM {tables} WHERE {cond.sql} ORDER BY {order_by(sort_col, descending)} "
               f"LIMIT ?{k + 1} OFFSET ?{k + 2}")
        return [n for (n,) in self._run(sql, (*cond.args, limit, offset), cancelled)]

    def count(self, query: Query, now: datetime, day_end: datetime, cancelled: Callable[[], bool]) -> int:
        """How many items ``query`` matches."""
        cond, tables = self._prepare(query, now, day_end, None, cancelled)
        (total,), = self._run(f"SELECT COUNT(*) FROM {tables} WHERE {cond.sql}", cond.args, cancelled)
        return int(total)

    def rows(self, ids: Sequence[str]) -> dict[str, ItemRow]:
        """What the table shows of these items (stored ones), read now."""
        with self.lock:
            if self.closed:
                raise Cancelled
            return rows_for(self.conn, ids)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.conn.close()

    # --- helpers ------------------------------------------------------------------------------
    def _prepare(self, query: Query, now: datetime, day_end: datetime, sort_col: str | None,
                 cancelled: Callable[[], bool]) -> tuple[Condition, str]:
        cond = Condition(query.test, now, day_end)
        needs = cond.needs | ({SORT_NEEDS[sort_col]} if sort_col in SORT_NEEDS else set())
        self.wait(needs, cancelled)
        tables = "browse_items b CROSS JOIN browse_state s ON s.n = b.n"
        if "text" in needs:
            tables += " CROSS JOIN browse_text x ON x.n = b.n"
        return cond, tables

    def _run(self, sql: str, args: Sequence[object], cancelled: Callable[[], bool]) -> list[tuple]:
        with self.lock:
            if self.closed or cancelled():
                raise Cancelled
            self._read_pending()
            self.conn.set_progress_handler(lambda: int(cancelled()), CHECK_EVERY)
            try:
                return self.conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                if cancelled():
                    raise Cancelled from None
                raise StoreError(f"cannot search the database: {exc}") from None
            finally:
                self.conn.set_progress_handler(None, 0)

    def _read_pending(self) -> None:
        with self._pending_lock:
            ids, self._pending = self._pending, set()
        for item_id in ids:
            self.conn.execute("DELETE FROM browse_state WHERE n IN (SELECT n FROM browse_items WHERE id = ?)",
                              (item_id,))
            self.conn.execute("INSERT INTO browse_state " + STATE_SELECT + " WHERE b.id = ?", (item_id,))
            self.conn.execute(DERIVED + " WHERE n IN (SELECT n FROM browse_items WHERE id = ?)", (item_id,))
            if self.last_ready:
                self.conn.execute(LAST_RATING + " AND n IN (SELECT n FROM browse_items WHERE id = ?)",
                                  (item_id,))

    def _writing(self) -> _Transaction:
        return _Transaction(self)


class _Transaction:
    """One write transaction on the temporary tables, holding the connection's lock."""

    def __init__(self, index: BrowseIndex):
        self.index = index

    def __enter__(self) -> sqlite3.Connection:
        self.index.lock.acquire()
        if self.index.closed:
            self.index.lock.release()
            raise Cancelled
        self.index.conn.execute("BEGIN")
        return self.index.conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            self.index.conn.execute("COMMIT" if exc is None else "ROLLBACK")
        finally:
            self.index.lock.release()
