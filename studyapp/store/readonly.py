"""Read-only access for the progress report and the statistics screen: connections that write
nothing (``connector``; ``empty`` stands in for a database that does not exist), the decks of the
items table, the review log as the rows of the report's CSV (``csv_rows``), and a sample of the
items' scheduled histories for the report's calibration chart (``sampled_histories``).

A read-only file or disk is fine. SQLite built without its math functions gets ``pow()`` from
Python on every connection made here (the report's forgetting curve needs it).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from studyapp.core.days import day_start, study_date
from studyapp.core.review_history import History, histories
from studyapp.store.db import connect, connect_readonly
from studyapp.store.report_queries import Query, Scope, StudyDays, ms

CSV_COLUMNS = ("id", "item_id", "reviewed_at", "rating", "duration_ms", "mode", "seed", "answer", "result",
               "mistake", "prev_state", "session_id")
CSV_EXTRA = ("deck", "reviewed_at_utc", "study_day")


def connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """Read-only connections to the database (each worker has its own; the statistics screen uses
    them too): nothing is written, and a read-only file or disk is fine."""

    def connect() -> sqlite3.Connection:
        conn = connect_readonly(path)
        _ensure_pow(conn)
        return conn

    return connect


def empty() -> sqlite3.Connection:
    """An empty database with the current schema: the report of a database that does not exist."""
    conn = connect(":memory:")
    _ensure_pow(conn)
    return conn


def _ensure_pow(conn: sqlite3.Connection) -> None:
    """SQLite built without its math functions: provide pow() from Python."""
    try:
        conn.execute("SELECT pow(2, 0.5)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, math.pow, deterministic=True)


def item_decks(conn: sqlite3.Connection) -> set[str]:
    """The decks that items of the progress database belong to."""
    return {d for (d,) in conn.execute("SELECT DISTINCT deck FROM items")}


def review_count(conn: sqlite3.Connection) -> int:
    count: int = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    return count


def sampled_histories(conn: sqlite3.Connection, decks: Sequence[str],
                      most: int) -> tuple[list[History], int]:
    """The scheduled reviews (as ``store.memory_states.scheduled_histories`` reads them) of one item
    in every ``every`` of the items of ``decks`` (all decks when empty), in the order the items were
    added; returns (histories, every). ``every`` is the least that keeps the log rows expected for
    the sample (the log's rows per item, times the items sampled) to ``most``.

    Whole histories, so that each review is predicted from every review before it; a sample,
    because reading a million-review log takes seconds. Reviews of items the database no longer
    has are left out."""
    in_decks = f" AND i.deck IN ({','.join('?' * len(decks))})" if decks else ""
    (count,) = conn.execute(f"SELECT COUNT(*) FROM items i WHERE 1{in_decks}", tuple(decks)).fetchone()
    (all_items,) = conn.execute("SELECT COUNT(*) FROM items").fetchone()
    (log_rows,) = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()
    expected = count * log_rows / all_items if all_items else 0
    every = max(1, math.ceil(expected / max(most, 1)))
    # CROSS JOIN keeps the sampled items the outer loop, each item's reviews found through the
    # reviews_item index (0.15 s for 30,000 of a million reviews); SQLite would otherwise walk the
    # whole index. No ORDER BY (it would sort in a temporary b-tree): histories() orders each item.
    rows = conn.execute(
        "SELECT r.item_id, i.deck, r.reviewed_at, r.rating FROM items i "
        f"CROSS JOIN reviews r INDEXED BY reviews_item ON r.item_id = i.id WHERE i.rowid % ? = 0{in_decks} "
        "AND r.mode = 'scheduled'", (every, *decks))
    return histories(rows), every


def csv_rows(conn: sqlite3.Connection, scope: Scope) -> Iterator[tuple[Any, ...]]:
    """The reviews in the report's scope, in id order: the ``CSV_COLUMNS`` of the table, then the
    ``CSV_EXTRA``: the deck, the time in UTC and the study day."""
    today = study_date(scope.now, scope.zone, scope.day_hour)
    end = ms(day_start(today + timedelta(days=1), scope.zone, scope.day_hour))
    lo = ms(day_start(scope.since, scope.zone, scope.day_hour)) if scope.since else -(2**62)
    q = Query(scope, lo, end)
    first = conn.execute("SELECT MIN(reviewed_at) FROM reviews WHERE reviewed_at >= ?", (lo,)).fetchone()[0]
    first_day = study_date(datetime.fromtimestamp(first / 1000, tz=UTC), scope.zone, scope.day_hour) \
        if first is not None else today
    days = StudyDays(min(first_day, today), today, scope.zone, scope.day_hour)
    labels = [d.isoformat() for d in days.dates]
    cols = ", ".join(f"r.{c}" for c in CSV_COLUMNS)
    cursor = conn.execute(
        f"SELECT {cols}, i.deck FROM reviews r LEFT JOIN items i ON i.id = r.item_id "
        f"WHERE r.reviewed_at >= :lo AND r.reviewed_at < :hi{q.item_sql.replace('item_id', 'r.item_id')} "
        "ORDER BY r.id", q.p())
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            return
        for row in batch:
            t = datetime.fromtimestamp(row[2] / 1000, tz=UTC)
            k = days.index(row[2])
            yield (*row, t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                   labels[k] if 0 <= k < len(labels) else "")
