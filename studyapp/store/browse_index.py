"""The browser's index: every item of the content, its stored schedule and its search text in
temporary tables of a read-only connection of its own (``browse_tables``), so that a search is one
SQL query (``browse_sql``) that returns the first rows of its order at once, and the rest a page
at a time.

The tables live in SQLite's temporary file (the operating system caches it; the process does not
hold 100,000 texts). ``update`` builds them in content order, ``CHUNK`` items at a time (each
chunk's ids, decks, kinds, tags, search text and stored schedule in one small transaction), and at
each later opening reads the stored schedules again, a chunk at a time, if the database changed
meanwhile (the learner studies in between); it is resumed where an earlier, cancelled, call
stopped. A query in content order does not wait for the whole: it looks at the items whose rows
are in and current (``fresh``, the first ones of the content order) and returns as soon as they
hold its page, which is then the page the whole index gives; a sort, a reversed order and a count
wait for every item. Only a sort asks for ``fill_titles`` (the Item column's) and
``ensure_last`` (the last ratings). ``refresh`` notes an item the face changed (suspended); the
next query reads it again. ``count`` keeps the items a query found: a query that can only find
some of them (the line typed on) looks at those only. A query is cancelled by its ``cancelled``
callable (checked while SQLite runs, and while it waits), raising ``Cancelled``.

Only the store's browse modules know the tables; the face hands in ``IndexItem`` values and
texts, and gets back item numbers (positions in the content order) and counts.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from studyapp.core.search import Everything, Node, Query
from studyapp.store.browse import ItemRow, rows_for
from studyapp.store.browse_build import CHUNK, Chunk, IndexItem, read_states
from studyapp.store.browse_sql import SORT_NEEDS, Condition, order_by, timeless, within
from studyapp.store.browse_tables import HITS, INDEXES, LAST_RATING, TABLES, insert, state_insert
from studyapp.store.db import StoreError, connect_readonly

__all__ = ["BrowseIndex", "Cancelled", "IndexItem"]
TEXT_BATCH = 2_000  # rows of sort titles per transaction: a search waits at most for one of them
# SQLite instructions between two looks at ``cancelled`` (each takes the GIL from the screen):
# every 4 to 20 ms of a scan of 100,000 items
CHECK_EVERY = 200_000
WAIT_S = 0.02  # how often a query waiting for the index looks at ``cancelled``


class Cancelled(Exception):
    """The query was cancelled (a newer search replaced it), or the index was closed."""


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
        self.filling = threading.Lock()  # one writer of the items
        self.size = 0  # items of the content
        self.filled = 0  # the first items, whose rows (text, tags, …) are in
        self.fresh = 0  # the first items, whose stored schedules are read since ``version``
        self.grown = threading.Condition()  # notified when they grow
        self.all_filled = threading.Event()  # every item is in (``filled == size``)
        self.complete = threading.Event()  # every item is in and current (``fresh == size``)
        self.title = _Column("browse_title")
        self._folded: dict[object, object] = {}  # decks, kinds, tags folded (``Chunk``)
        self.last_ready = False
        self.version: int | None = None  # PRAGMA data_version when the schedules were read
        self.closed = False
        self._pending: set[str] = set()
        # The table of ``HITS`` holding every item a timeless query matched (see ``count``).
        self._hits: tuple[str, Node] | None = None
        self._pending_lock = threading.Lock()

    # --- building -----------------------------------------------------------------------------
    def update(self, size: int, items_from: Callable[[int], Iterable[tuple[IndexItem, str]]],
               cancelled: Callable[[], bool]) -> None:
        """Build the index of the content's ``size`` items, or bring it up to date (at each
        opening): the stored schedules read again if the database changed since they were read,
        then the items not in yet: ``items_from(k)`` gives them from item ``k`` on, each with its
        search text (``core.search.item_text``), in content order. A chunk at a time; stops early
        (to be resumed by the next call) when ``cancelled``."""
        with self.filling:
            self.size = size
            with self._writing():
                # data_version changes when another connection (the app's own) commits anything;
                # read before the schedules, so that a commit meanwhile is read at the next call.
                version = self.conn.execute("PRAGMA main.data_version").fetchone()[0]
                if version != self.version:
                    with self._pending_lock:
                        self._pending.clear()  # read below; a change noted from now on is read again
                    self.version, self.fresh, self._hits, self.last_ready = version, 0, None, False
                    self.complete.clear()
            while self.fresh < self.filled:
                if cancelled():
                    return
                end = min(self.fresh + CHUNK, self.filled)
                with self._writing() as conn:
                    read_states(conn, self.fresh, end)
                self._grew(filled=self.filled, fresh=end)
            if self.filled < size:
                self._fill(items_from(self.filled), cancelled)
            if self.filled >= size:
                if not self.all_filled.is_set():
                    with self._writing() as conn:
                        for sql in INDEXES.split(";"):
                            conn.execute(sql)
                self.all_filled.set()
                self.complete.set()

    def _fill(self, items: Iterable[tuple[IndexItem, str]], cancelled: Callable[[], bool]) -> None:
        chunk = Chunk(self.filled, self._folded)
        for item, text in items:
            chunk.add(item, text)
            if len(chunk) == CHUNK:
                self._add(chunk)
                if cancelled():
                    return
                chunk = Chunk(self.filled, self._folded)
        self._add(chunk)

    def _add(self, chunk: Chunk) -> None:
        if len(chunk):
            with self._writing() as conn:
                chunk.write(conn)
            self._grew(filled=chunk.end, fresh=chunk.end)

    def _grew(self, filled: int, fresh: int) -> None:
        with self.grown:
            self.filled, self.fresh = filled, fresh
            self.grown.notify_all()

    def fill_titles(self, titles_from: Callable[[int], Iterable[str]], cancelled: Callable[[], bool]) -> None:
        """What the Item column sorts by (the title, case-folded), in content order: ``titles_from(k)``
        gives them from item ``k`` on. Only a sort by that column needs it: the screen fills it
        then, not at every opening; a chunk at a time, resumed as ``update`` is."""
        self.title.fill(self, titles_from, cancelled)

    def ensure_last(self, cancelled: Callable[[], bool]) -> None:
        """Each item's last rating (the sort by the Last column needs it), once each time the
        schedules are read."""
        if not self.last_ready:
            with self._querying(cancelled):
                self.conn.execute(LAST_RATING)
            self.last_ready = True

    def refresh(self, item_id: str) -> None:
        """The face changed this item (suspended it): read it again before the next query."""
        with self._pending_lock:
            self._pending.add(item_id)

    def wait(self, needs: set[str], cancelled: Callable[[], bool]) -> None:
        """Until every item is in and current, and what ``needs`` asks ("title", "last") too."""
        events = [self.complete, *([self.title.ready] if "title" in needs else [])]
        for event in events:
            while not event.wait(WAIT_S):
                if cancelled() or self.closed:
                    raise Cancelled
        if "last" in needs:
            self.ensure_last(cancelled)

    def _ready(self, state: bool) -> tuple[int, bool]:
        """The first items that are in and current, and whether all are; in only, without ``state``."""
        return (self.fresh, self.complete.is_set()) if state else (self.filled, self.all_filled.is_set())

    def _wait_past(self, end: int, cancelled: Callable[[], bool], state: bool) -> None:
        """Until more than ``end`` items are ``_ready`` (or all of them)."""
        with self.grown:
            while (ready := self._ready(state))[0] <= end and not ready[1]:
                self.grown.wait(WAIT_S)
                if cancelled() or self.closed:
                    raise Cancelled

    # --- querying -----------------------------------------------------------------------------
    def page(self, query: Query, now: datetime, day_end: datetime, sort_col: str | None, descending: bool,
             offset: int, limit: int, cancelled: Callable[[], bool]) -> list[int]:
        """The items (content positions) from ``offset`` of those ``query`` matches, in order. In
        content order, while the index is being built or brought up to date, as soon as the items
        that are in and current hold them (see ``_early_page``)."""
        if sort_col is None and not descending and not self.complete.is_set():
            return self._early_page(query, now, day_end, offset, limit, cancelled)
        cond = self._condition(query, now, day_end, sort_col, cancelled)
        k = len(cond.args)
        with self._querying(cancelled):
            tables, content_order = self._tables(query, cond, cond.needs | self._sort_needs(sort_col))
            sql = (f"SELECT b.n FROM {tables} WHERE {cond.sql} "
                   f"ORDER BY {order_by(sort_col, descending, content_order)} LIMIT ?{k + 1} OFFSET ?{k + 2}")
            return [n for (n,) in self.conn.execute(sql, (*cond.args, limit, offset))]

    def _early_page(self, query: Query, now: datetime, day_end: datetime, offset: int, limit: int,
                    cancelled: Callable[[], bool]) -> list[int]:
        """``page`` in content order before the index is complete: the same query over the items
        that are in and current (the first ``fresh``; the first ``filled`` for a query that reads no
        schedule, a word: reading them again changes none of its rows), then over those that came
        in meanwhile, until they hold ``offset + limit`` rows or every item is in. The rows it found
        are then the first ones of the whole content order: the page is the one the whole index
        gives. (Never from the kept items of a count: counts wait for the whole.)"""
        cond = Condition(query.test, now, day_end)
        found: list[int] = []
        k, start, state = len(cond.args), 0, "state" in cond.needs
        while True:
            with self._querying(cancelled):
                end, complete = self._ready(state)
                tables, n = self._tables(query, cond, cond.needs, kept=False, state=state)
                sql = (f"SELECT b.n FROM {tables} WHERE {n} >= ?{k + 1} AND {n} < ?{k + 2} AND {cond.sql} "
                       f"ORDER BY {n} LIMIT ?{k + 3}")
                found += [n for (n,) in self.conn.execute(sql, (*cond.args, start, end,
                                                                offset + limit - len(found)))]
            if len(found) >= offset + limit or complete:
                return found[offset:offset + limit]
            self._wait_past(end, cancelled, state)
            start = end

    def count(self, query: Query, now: datetime, day_end: datetime, cancelled: Callable[[], bool]) -> int:
        """How many items ``query`` matches. The items a timeless query matches are kept (in one
        of ``HITS``), for the next searches that can only match some of them (``within``: the
        line typed on, "stri" then "strid") to look at those only: thousands of texts, not all."""
        cond = self._condition(query, now, day_end, None, cancelled)
        with self._querying(cancelled):
            tables, _ = self._tables(query, cond, cond.needs)
            if isinstance(query.test, Everything) or not timeless(query.test):
                (total,), = self.conn.execute(f"SELECT COUNT(*) FROM {tables} WHERE {cond.sql}", cond.args)
                return int(total)
            kept = HITS[1] if self._hits is not None and self._hits[0] == HITS[0] else HITS[0]
            self.conn.execute("BEGIN")
            try:
                self.conn.execute(f"DELETE FROM {kept}")
                total = self.conn.execute(f"INSERT INTO {kept} SELECT b.n FROM {tables} WHERE {cond.sql}",
                                          cond.args).rowcount
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # (an interrupted INSERT rolled it back already)
                    self.conn.execute("ROLLBACK")
                raise
            self._hits = kept, query.test
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
    def _condition(self, query: Query, now: datetime, day_end: datetime, sort_col: str | None,
                   cancelled: Callable[[], bool]) -> Condition:
        """The query as SQL, once the index can answer it."""
        cond = Condition(query.test, now, day_end)
        self.wait(cond.needs | self._sort_needs(sort_col), cancelled)
        return cond

    @staticmethod
    def _sort_needs(sort_col: str | None) -> set[str]:
        return {SORT_NEEDS[sort_col]} if sort_col in SORT_NEEDS else set()

    def _tables(self, query: Query, cond: Condition, needs: set[str], kept: bool = True,
                state: bool = True) -> tuple[str, str]:
        """The FROM of a query (``b`` the items, ``s`` their schedules unless not ``state``, ``x``
        their texts, what ``needs`` asks for), and the column of content order: the ``kept`` items of
        an earlier query first, when every item this one matches is among them; else the texts
        first, when ``cond`` reads nothing else (lock held)."""
        tables, n = "browse_items b", "b.n"
        text = "text" in needs
        if kept and self._hits is not None and within(query.test, self._hits[1]):
            tables, n = f"{self._hits[0]} h CROSS JOIN browse_items b ON b.n = h.n", "h.n"
        elif cond.text_only:
            # Words only: the texts first, each tested as it is read, the item and its schedule
            # looked up for those that match (a word's first page of 100,000 items: 9 ms instead
            # of 10.5; its count 52 instead of 71). A condition on the items or schedules too is
            # tested first (it spares the texts of the items it leaves out: a deck's, 5 times
            # fewer texts read).
            tables, n, text = "browse_text x CROSS JOIN browse_items b ON b.n = x.n", "x.n", False
        if state:
            tables += " CROSS JOIN browse_state s ON s.n = b.n"
        if text:
            tables += " CROSS JOIN browse_text x ON x.n = b.n"
        if "title" in needs:
            tables += " CROSS JOIN browse_title ti ON ti.n = b.n"
        return tables, n

    @contextmanager
    def _querying(self, cancelled: Callable[[], bool]) -> Iterator[None]:
        """The connection, for queries that ``cancelled`` stops (checked while SQLite runs)."""
        with self.lock:
            if self.closed or cancelled():
                raise Cancelled
            self._read_pending()
            self.conn.set_progress_handler(lambda: int(cancelled()), CHECK_EVERY)
            try:
                yield
            except sqlite3.OperationalError as exc:
                if cancelled():
                    raise Cancelled from None
                raise StoreError(f"cannot search the database: {exc}") from None
            finally:
                self.conn.set_progress_handler(None, 0)

    def _read_pending(self) -> None:
        with self._pending_lock:
            ids, self._pending = self._pending, set()
        if ids:
            self._hits = None  # what an earlier query found may have changed
        for item_id in ids:
            self.conn.execute("DELETE FROM browse_state WHERE n IN (SELECT n FROM browse_items WHERE id = ?)",
                              (item_id,))
            self.conn.execute(state_insert("WHERE b.id = ?"), (item_id,))
            if self.last_ready:
                self.conn.execute(LAST_RATING + " AND n IN (SELECT n FROM browse_items WHERE id = ?)",
                                  (item_id,))

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the temporary tables, holding the connection's lock."""
        with self.lock:
            if self.closed:
                raise Cancelled
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")


class _Column:
    """A table of one text an item (``browse_title``), filled in content order by one writer at a
    time, in small transactions (a search waits at most for one of them), and resumed where an
    earlier, cancelled, fill stopped."""

    def __init__(self, table: str):
        self.table = table
        self.rows = 0  # items whose text is in
        self.ready = threading.Event()
        self.lock = threading.Lock()

    def fill(self, index: BrowseIndex, texts_from: Callable[[int], Iterable[str]],
             cancelled: Callable[[], bool]) -> None:
        with self.lock:
            if self.ready.is_set():
                return
            batch: list[object] = []
            for text in texts_from(self.rows):
                batch += (self.rows + len(batch) // 2, text)
                if len(batch) == 2 * TEXT_BATCH:
                    self._add(index, batch)
                    batch = []
                    if cancelled():
                        return
            self._add(index, batch)
            while not index.all_filled.wait(WAIT_S):  # ``size`` is known once it is set
                if cancelled() or index.closed:
                    raise Cancelled
            if self.rows >= index.size:
                self.ready.set()

    def _add(self, index: BrowseIndex, batch: list[object]) -> None:
        if batch:
            with index._writing():
                insert(index.conn, self.table, 2, batch)
            self.rows += len(batch) // 2
