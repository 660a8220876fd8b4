"""The scheduled reviews of the log, as the rows of the FSRS review log (``report.revlog`` lays
them out as the CSV that FSRS tools read).

Only the answers that moved an item's schedule are here: ``mode = 'scheduled'``. Practice, exam
answers and related cards shown outside their schedule are logged as ``practice`` or ``exam`` and
left out; an undone answer is no longer in the log at all. The state before each review is the
``prev_code`` column (schema 3; NULL for rows logged before schema 2 recorded it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from studyapp.store.report_queries import Query, Scope, scope_bounds

# item_id, reviewed_at (UTC ms), rating (1-4), state before (0-3 or None), duration_ms (or None)
RevlogRow = tuple[str, int, int, int | None, int | None]


def revlog_count(conn: sqlite3.Connection, scope: Scope) -> int:
    """How many rows ``revlog_rows`` gives (for a progress bar)."""
    lo, hi = scope_bounds(scope)
    q = Query(scope, lo, hi)
    count: int = conn.execute("SELECT COUNT(*) FROM reviews WHERE reviewed_at >= :lo AND reviewed_at < :hi "
                              f"AND mode = 'scheduled'{q.item_sql}", q.p()).fetchone()[0]
    return count


def revlog_rows(conn: sqlite3.Connection, scope: Scope) -> Iterator[RevlogRow]:
    """The scheduled reviews in the report's scope (its ``since`` day and decks), in time order
    (ties in log order): (item_id, reviewed_at, rating, prev_code, duration_ms)."""
    lo, hi = scope_bounds(scope)
    q = Query(scope, lo, hi)
    # Over the whole log SQLite reads it through the time index, already in (reviewed_at, id) order.
    cursor = conn.execute(
        "SELECT item_id, reviewed_at, rating, prev_code, duration_ms FROM reviews "
        f"WHERE reviewed_at >= :lo AND reviewed_at < :hi AND mode = 'scheduled'{q.item_sql} "
        "ORDER BY reviewed_at, id", q.p())
    while batch := cursor.fetchmany(5000):
        yield from batch
