"""The browser's index: every item of the content, its stored schedule and its search text in
temporary tables of a read-only connection of its own (``browse_tables``), so that a search is one
SQL query (``browse_sql``) that returns the first rows of its order at once, and the rest a page
at a time.

The tables live in SQLite's temporary file (the operating system caches it; the process does not
hold 100,000 texts). Built in steps, each usable as soon as it is done: ``fill_items`` (ids, decks,
kinds, tags), ``snapshot`` (the stored schedules and last answers, again at each opening: the
learner studies in between), ``fill_text`` (the search text of every item: the slow step,
resumable, written in small transactions so that searches run between them) and, only when a
sort asks for them, ``fill_titles`` (the Item column's) and ``ensure_last`` (the last ratings).
``refresh`` notes an item the face changed (suspended); the next query reads it again. ``count``
keeps the items a query found: a query that can only find some of them (the line typed on) looks
at those only. A query is cancelled by its ``cancelled`` callable (checked while SQLite runs),
raising ``Cancelled``.

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
from typing import Any, NamedTuple

from studyapp.core.search import Everything, Node, Query
from studyapp.store.browse import ItemRow, rows_for
from studyapp.store.browse_sql import SORT_NEEDS, Condition, order_by, timeless, within
from studyapp.store.browse_tables import HITS, ITEM_COLUMNS, LAST_RATING, TABLES, insert, state_insert
from studyapp.store.db import StoreError, connect_readonly

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
    tags: tuple[str, ...]  # as written (the index folds them)
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
        self.filling = threading.Lock()  # one writer of the items
        self.items_ready, self.state_ready = threading.Event(), threading.Event()
        self.text, self.title = _Column("browse_text"), _Column("browse_title")
        self.size = 0  # items
        self.last_ready = False
        self.version: int | None = None  # PRAGMA data_version when the snapshot was read
        self.closed = False
        self._pending: set[str] = set()
        # The table of ``HITS`` holding every item a timeless query matched (see ``count``).
        self._hits: tuple[str, Node] | None = None
        self._pending_lock = threading.Lock()

    # --- building -----------------------------------------------------------------------------
    def fill_items(self, items: Iterable[IndexItem]) -> None:
        """The content's items, in content order (once; later calls do nothing). Written a batch
        at a time: 100,000 rows held at once in Python would stay in the process's memory."""
        with self.filling:
            if self.items_ready.is_set():
                return
            # Decks, kinds, types and tags are a few values: each folded once.
            kinds: dict[tuple[str, str, str, str], tuple[str, ...]] = {}
            tag_keys: dict[str, str] = {}
            rows: list[object] = []  # ITEM_COLUMNS values a row, one after the other
            tags: list[object] = []
            for n, it in enumerate(items):
                key = (it.deck, it.kind, it.type, it.deck_title)
                folded = kinds.get(key)
                if folded is None:
                    folded = kinds[key] = (it.deck, it.deck.casefold(), it.kind, it.kind.casefold(), it.type,
                                           it.type.casefold(), it.deck_title.casefold())
                rows += (n, it.id, it.id.casefold(), *folded, len(it.tags))
                for tag in it.tags:
                    tags += (n, tag_keys.get(tag) or tag_keys.setdefault(tag, tag.casefold()))
                if len(rows) == ITEM_BATCH * ITEM_COLUMNS:
                    self._add_items(rows, tags)
                    rows, tags = [], []
            self._add_items(rows, tags)
            with self._writing():
                self.conn.execute("CREATE INDEX temp.browse_items_id ON browse_items (id)")
                self.conn.execute("CREATE INDEX temp.browse_tags_tag ON browse_tags (tag)")
            self.items_ready.set()

    def _add_items(self, rows: list[object], tags: list[object]) -> None:
        with self._writing():  # a transaction a batch: a page of rows is read between two
            insert(self.conn, "browse_items", ITEM_COLUMNS, rows)
            insert(self.conn, "browse_tags", 2, tags)
        self.size += len(rows) // ITEM_COLUMNS

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
            self.conn.execute(state_insert())
            self._hits = None
            self.version, self.last_ready = version, False
        self.state_ready.set()

    def fill_text(self, texts_from: Callable[[int], Iterable[str]], cancelled: Callable[[], bool]) -> None:
        """The search text (``core.search.item_text``) of every item, in content order:
        ``texts_from(k)`` gives them from item ``k`` on, where an earlier call stopped (it is asked
        once no other call is filling); stops early when ``cancelled``."""
        self.text.fill(self, texts_from, cancelled)

    def fill_titles(self, titles_from: Callable[[int], Iterable[str]], cancelled: Callable[[], bool]) -> None:
        """What the Item column sorts by (the title, case-folded), as ``fill_text`` fills texts.
        Only a sort by that column needs it: the screen fills it then, not at every opening."""
        self.title.fill(self, titles_from, cancelled)

    @property
    def text_ready(self) -> threading.Event:
        return self.text.ready

    @property
    def text_rows(self) -> int:
        return self.text.rows

    def ensure_last(self, cancelled: Callable[[], bool]) -> None:
        """Each item's last rating (the sort by the Last column needs it), once per snapshot."""
        if not self.last_ready:
            with self._querying(cancelled):
                self.conn.execute(LAST_RATING)
            self.last_ready = True

    def refresh(self, item_id: str) -> None:
        """The face changed this item (suspended it): read it again before the next query."""
        with self._pending_lock:
            self._pending.add(item_id)

    def wait(self, needs: set[str], cancelled: Callable[[], bool]) -> None:
        """Until the index can answer a query that needs ``needs`` ("text", "title", "last")."""
        events = [self.items_ready, self.state_ready, *(column.ready for column in (self.text, self.title)
                                                        if column.need in needs)]
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
        cond = self._condition(query, now, day_end, sort_col, cancelled)
        k = len(cond.args)
        with self._querying(cancelled):
            tables, content_order = self._tables(query, cond.needs | self._sort_needs(sort_col))
            sql = (f"SELECT b.n FROM {tables} WHERE {cond.sql} "
                   f"ORDER BY {order_by(sort_col, descending, content_order)} LIMIT ?{k + 1} OFFSET ?{k + 2}")
            return [n for (n,) in self.conn.execute(sql, (*cond.args, limit, offset))]

    def count(self, query: Query, now: datetime, day_end: datetime, cancelled: Callable[[], bool]) -> int:
        """How many items ``query`` matches. The items a timeless query matches are kept (in one
        of ``HITS``), for the next searches that can only match some of them (``within``: the
        line typed on, "stri" then "strid") to look at those only: thousands of texts, not all."""
        cond = self._condition(query, now, day_end, None, cancelled)
        with self._querying(cancelled):
            tables, _ = self._tables(query, cond.needs)
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

    def _tables(self, query: Query, needs: set[str]) -> tuple[str, str]:
        """The FROM of a query (``b`` the items, ``s`` their schedules, and what ``needs`` asks
        for), and the column of content order: the kept items of an earlier query first, when
        every item this one matches is among them (read with the connection's lock held)."""
        tables, n = "browse_items b", "b.n"
        if self._hits is not None and within(query.test, self._hits[1]):
            tables, n = f"{self._hits[0]} h CROSS JOIN browse_items b ON b.n = h.n", "h.n"
        tables += " CROSS JOIN browse_state s ON s.n = b.n"
        if "text" in needs:
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

    def _writing(self) -> _Transaction:
        return _Transaction(self)


class _Column:
    """A table of one text an item (``browse_text``, ``browse_title``), filled in content order by
    one writer at a time, in small transactions (a search waits at most for one of them), and
    resumed where an earlier, cancelled, fill stopped."""

    def __init__(self, table: str):
        self.table, self.need = table, table.removeprefix("browse_")
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
            while not index.items_ready.wait(0.02):  # ``size`` counts every item once it is set
                if cancelled() or index.closed:
                    raise Cancelled
            if self.rows >= index.size:
                self.ready.set()

    def _add(self, index: BrowseIndex, batch: list[object]) -> None:
        if batch:
            with index._writing():
                insert(index.conn, self.table, 2, batch)
            self.rows += len(batch) // 2


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
