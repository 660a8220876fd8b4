"""The schema, versioned with ``PRAGMA user_version``, and its forward migrations.

Times are UTC epoch milliseconds. Version 1 was the first release's schema; version 2
adds lapses and leeches, study sessions, the state before each review (for undo), a flag
for items the content no longer has, and partial indexes that serve each study queue;
version 3 keeps, beside that JSON, what reports count on every row: the state before the
review (``prev_code``: 0 new, 1 learning, 2 review, 3 relearning), its interval in days, and
whether a graded answer was right; version 4 adds two indexes the statistics need over a long log:
the answers of a study session, and the graded answers of each item by mistake (what the report
counts per problem and mistake, in the index's order; the log's rows are then read only for each
latest answer).
"""

from __future__ import annotations

import sqlite3

V1 = """
CREATE TABLE items (
    id TEXT PRIMARY KEY,
    deck TEXT NOT NULL,
    kind TEXT NOT NULL,
    is_new INTEGER NOT NULL DEFAULT 1,
    state INTEGER NOT NULL DEFAULT 1,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due INTEGER,
    last_review INTEGER,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until INTEGER
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL,
    reviewed_at INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    duration_ms INTEGER,
    mode TEXT NOT NULL,
    seed INTEGER,
    answer TEXT,
    result TEXT,
    mistake TEXT
);
"""

V2 = """
ALTER TABLE items ADD COLUMN lapses INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN leech INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN in_content INTEGER NOT NULL DEFAULT 1;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
ALTER TABLE reviews ADD COLUMN prev_state TEXT;
ALTER TABLE reviews ADD COLUMN session_id INTEGER;
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    mode TEXT NOT NULL,
    decks TEXT,
    reviewed INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    wrong INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_learning ON items (due)
    WHERE is_new = 0 AND suspended = 0 AND in_content = 1 AND state != 2;
CREATE INDEX items_review ON items (deck, due)
    WHERE is_new = 0 AND suspended = 0 AND in_content = 1 AND state = 2;
CREATE INDEX items_new ON items (deck)
    WHERE is_new = 1 AND suspended = 0 AND in_content = 1;
CREATE INDEX reviews_time ON reviews (reviewed_at);
CREATE INDEX reviews_item ON reviews (item_id, reviewed_at);
UPDATE items SET lapses = (
    SELECT COUNT(*) FROM reviews r
    WHERE r.item_id = items.id AND r.rating = 1 AND r.mode = 'scheduled'
      AND r.reviewed_at > (SELECT MIN(reviewed_at) FROM reviews f
                           WHERE f.item_id = items.id AND f.mode = 'scheduled')
);
UPDATE items SET leech = 1 WHERE lapses >= 8;
"""

# The report columns of version 3, filled in from each row's JSON (also used by bench/store.py,
# which writes its synthetic log straight into the table).
V3_BACKFILL = """
UPDATE reviews SET
    prev_code = CASE WHEN json_extract(prev_state, '$.is_new') THEN 0
                     ELSE json_extract(prev_state, '$.state') END,
    prev_ivl = CASE WHEN json_extract(prev_state, '$.is_new') THEN NULL
                    ELSE julianday(json_extract(prev_state, '$.due'))
                         - julianday(json_extract(prev_state, '$.last_review')) END
WHERE prev_state IS NOT NULL AND prev_code IS NULL;
UPDATE reviews SET correct = json_extract(result, '$.correct') WHERE result IS NOT NULL AND correct IS NULL
"""

V3 = """
ALTER TABLE reviews ADD COLUMN prev_code INTEGER;
ALTER TABLE reviews ADD COLUMN prev_ivl REAL;
ALTER TABLE reviews ADD COLUMN correct INTEGER;
CREATE INDEX reviews_retention ON reviews (reviewed_at, mode, prev_code, prev_ivl, rating);
""" + V3_BACKFILL

V4 = """
CREATE INDEX reviews_session ON reviews (session_id);
CREATE INDEX reviews_answers ON reviews (item_id, mistake, reviewed_at, correct) WHERE result IS NOT NULL
"""

# The items buried right now, found without a scan: today's counts take them off (``Store.available``).
V5 = """
CREATE INDEX items_buried ON items (buried_until) WHERE buried_until IS NOT NULL
"""

MIGRATIONS = {1: V1, 2: V2, 3: V3, 4: V4, 5: V5}
FIRST_TABLES = frozenset({"items", "reviews"})  # what version 1 created
VERSION = max(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a database up to ``VERSION`` in one transaction.

    The version is read inside the write transaction, so two processes opening an old
    file at once migrate it once: the second finds it already done.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current + 1, VERSION + 1):
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it rolls back by itself on a
    full disk, an I/O error or an interrupt): the error being handled is the one to report,
    never a "cannot rollback - no transaction is active" raised here in its place."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the first error says what went wrong; the connection is reset anyway


def create_version(conn: sqlite3.Connection, version: int) -> None:
    """A database at an older ``version`` (for migration tests and fixtures)."""
    for v in range(1, version + 1):
        conn.executescript(MIGRATIONS[v])
        conn.execute(f"PRAGMA user_version = {v}")
