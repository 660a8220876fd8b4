"""The browser index's temporary tables (``browse_index`` fills and queries them): what they hold,
how the stored schedules are read into them, and rows written many an INSERT. SQL text and one
helper of a connection; no state.

``browse_items`` the content's items in content order (``n``), ``browse_tags`` their tags,
``browse_text`` their search text, ``browse_title`` what the Item column sorts by,
``browse_state`` their stored schedules, ``browse_hits_*`` the items of the last counted queries.
"""

from __future__ import annotations

import sqlite3

from studyapp.store.browse_sql import IVL_ROUND, STATE_RANK

TABLES = """
CREATE TEMP TABLE browse_items (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, id_cf TEXT NOT NULL, deck TEXT NOT NULL,
    deck_cf TEXT NOT NULL, kind TEXT NOT NULL, kind_cf TEXT NOT NULL, type TEXT NOT NULL,
    type_cf TEXT NOT NULL, deck_key TEXT NOT NULL, ntags INTEGER NOT NULL);
CREATE TEMP TABLE browse_tags (n INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TEMP TABLE browse_text (n INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TEMP TABLE browse_title (n INTEGER PRIMARY KEY, title_key TEXT NOT NULL);
CREATE TEMP TABLE browse_hits_a (n INTEGER PRIMARY KEY);
CREATE TEMP TABLE browse_hits_b (n INTEGER PRIMARY KEY);
CREATE TEMP TABLE browse_state (
    n INTEGER PRIMARY KEY, deck TEXT NOT NULL, deck_cf TEXT NOT NULL, kind_cf TEXT NOT NULL,
    is_new INTEGER NOT NULL, state INTEGER NOT NULL, stability REAL, difficulty REAL, due INTEGER,
    last_review INTEGER, lapses INTEGER NOT NULL, leech INTEGER NOT NULL, suspended INTEGER NOT NULL,
    buried_until INTEGER, last_at INTEGER, last_rating INTEGER, ivl INTEGER, rank INTEGER)
"""
# Once every item is in (written with the rows, they would make the build slower by a sixth).
INDEXES = """
CREATE INDEX IF NOT EXISTS temp.browse_items_id ON browse_items (id);
CREATE INDEX IF NOT EXISTS temp.browse_tags_tag ON browse_tags (tag)
"""
# The stored schedule of each item (an item never stored is new, in its content deck), and when
# it was last answered (``ItemRow.last_answered``: stored items only).
STATE_READ = """
SELECT b.n AS n, COALESCE(i.deck, b.deck) AS deck,
    CASE WHEN i.deck IS NULL OR i.deck = b.deck THEN b.deck_cf ELSE studyapp_casefold(i.deck) END AS deck_cf,
    CASE WHEN i.kind IS NULL OR i.kind = b.kind THEN b.kind_cf ELSE studyapp_casefold(i.kind) END AS kind_cf,
    COALESCE(i.is_new, 1) AS is_new, COALESCE(i.state, 1) AS state, i.stability AS stability,
    i.difficulty AS difficulty, i.due AS due, i.last_review AS last_review, COALESCE(i.lapses, 0) AS lapses,
    COALESCE(i.leech, 0) AS leech, COALESCE(i.suspended, 0) AS suspended, i.buried_until AS buried_until,
    CASE WHEN i.id IS NULL THEN NULL
         ELSE (SELECT MAX(r.reviewed_at) FROM main.reviews r WHERE r.item_id = b.id) END AS last_at
FROM browse_items b LEFT JOIN main.items i ON i.id = b.id
"""


def state_insert(where: str = "") -> str:
    """Read the schedules (of the items ``where`` picks) into browse_state, with what several
    searches and sorts compute from a row computed once (``browse_sql.IVL_ROUND``, ``STATE_RANK``)."""
    return ("INSERT INTO browse_state SELECT n, deck, deck_cf, kind_cf, is_new, state, stability, "
            "difficulty, due, last_review, lapses, leech, suspended, buried_until, last_at, NULL, "
            f"{IVL_ROUND}, {STATE_RANK} FROM ({STATE_READ} {where})")


LAST_RATING = """
UPDATE browse_state SET last_rating = (
    SELECT r.rating FROM main.reviews r
    WHERE r.item_id = (SELECT b.id FROM browse_items b WHERE b.n = browse_state.n)
      AND r.reviewed_at = browse_state.last_at ORDER BY r.id DESC LIMIT 1)
WHERE last_at IS NOT NULL
"""
HITS = ("browse_hits_a", "browse_hits_b")  # the items of the last two counted queries
ITEM_COLUMNS = 11  # of browse_items
# Rows an INSERT: SQLite's program for one takes about 4 KB a row, kept in the statement cache.
INSERT_ROWS = 100


def insert(conn: sqlite3.Connection, table: str, columns: int, values: list[object]) -> None:
    """Rows of ``columns`` values each, one after the other in ``values``, ``INSERT_ROWS`` an
    INSERT (in the connection's transaction): about half the time of ``executemany``, which also
    lets go of the GIL and takes it back for each row (waiting, each time, for a thread that runs
    Python meanwhile: the screen's)."""
    per = INSERT_ROWS * columns
    row = "(" + ",".join("?" * columns) + ")"
    for k in range(0, len(values), per):
        part = values[k:k + per]
        conn.execute(f"INSERT INTO {table} VALUES " + ",".join([row] * (len(part) // columns)), part)
