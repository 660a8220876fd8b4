"""The rows ``browse_index`` writes into its tables (``browse_tables``): a chunk of the content's
items with their texts, folded once (``Chunk``), and their stored schedules read in the same
transaction, or read again. Writes only, in the caller's transaction; no queries.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from studyapp.store.browse_tables import ITEM_COLUMNS, insert, state_insert

# Items a transaction: a query waits at most for one chunk's SQL (a few ms), and a query in
# content order can look at the items as soon as their chunk is in.
CHUNK = 1_000
STATE_RANGE = "WHERE b.n >= ? AND b.n < ?"


class IndexItem(NamedTuple):
    """One item of the content, in content order, as the index needs it."""

    id: str
    deck: str  # the content's deck id
    kind: str  # card | problem
    type: str  # basic | cloze | choice, or the problem kind
    tags: tuple[str, ...]  # as written (the index folds them)
    deck_title: str  # in the UI language, what the deck column shows and sorts by ('' for none)


class Chunk:
    """The rows of consecutive items (from ``start``), gathered outside the connection's lock and
    written at once. Decks, kinds, types and tags are a few values: each folded once, in
    ``folded`` (kept from chunk to chunk)."""

    def __init__(self, start: int, folded: dict[object, object]):
        self.start, self.end = start, start
        self.folded = folded
        self.items: list[object] = []  # ITEM_COLUMNS values a row, one after the other
        self.tags: list[object] = []
        self.texts: list[object] = []

    def add(self, item: IndexItem, text: str) -> None:
        n, folded = self.end, self.folded
        key = (item.deck, item.kind, item.type, item.deck_title)
        columns = folded.get(key)
        if columns is None:
            columns = folded[key] = (item.deck, item.deck.casefold(), item.kind, item.kind.casefold(),
                                     item.type, item.type.casefold(), item.deck_title.casefold())
        self.items += (n, item.id, item.id.casefold(), *columns, len(item.tags))  # type: ignore[misc]
        for tag in item.tags:
            tag_key = folded.get(tag)
            if tag_key is None:
                tag_key = folded[tag] = tag.casefold()
            self.tags += (n, tag_key)
        self.texts += (n, text)
        self.end += 1

    def __len__(self) -> int:
        return self.end - self.start

    def write(self, conn: sqlite3.Connection) -> None:
        """The items, their tags, texts and stored schedules (in the caller's transaction)."""
        insert(conn, "browse_items", ITEM_COLUMNS, self.items)
        insert(conn, "browse_tags", 2, self.tags)
        insert(conn, "browse_text", 2, self.texts)
        conn.execute(state_insert(STATE_RANGE), (self.start, self.end))


def read_states(conn: sqlite3.Connection, start: int, end: int) -> None:
    """The stored schedules of items ``start`` to ``end`` read again (in the caller's transaction)."""
    conn.execute("DELETE FROM browse_state WHERE n >= ? AND n < ?", (start, end))
    conn.execute(state_insert(STATE_RANGE), (start, end))
