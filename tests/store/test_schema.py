"""Schema 4: a version 3 database is upgraded when opened for writing (its rows untouched), and the
statistics' queries then run on the new indexes, giving what they gave without them."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyapp.store import report_queries, schema
from studyapp.store.db import OlderSchema, connect_readonly
from studyapp.store.progress import Store
from studyapp.store.report_queries import Query, Scope

T0 = 1_700_000_000_000
DAY = 86_400_000
COLUMNS = ("id, item_id, reviewed_at, rating, duration_ms, mode, seed, answer, result, mistake, prev_state, "
           "session_id, prev_code, prev_ivl, correct")
MISTAKES = (None, "sign", "off-by-one")


def _v3_database(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    schema.create_version(conn, 3)
    conn.executemany("INSERT INTO items (id, deck, kind) VALUES (?, ?, ?)",
                     [(f"p{k}", "deck-a" if k % 2 else "deck-b", "problem") for k in range(6)]
                     + [(f"c{k}", "deck-a", "card") for k in range(3)])
    conn.executemany("INSERT INTO sessions (id, started_at, ended_at, mode, reviewed, correct, wrong) "
                     "VALUES (?, ?, ?, 'scheduled', 0, 0, 0)", [(s, T0 + s * DAY, T0 + s * DAY + 60_000)
                                                                for s in range(1, 5)])
    rows = []
    for n in range(120):
        problem = n % 3 != 0
        item = f"p{n % 6}" if problem else f"c{n % 3}"
        correct = None if n % 11 == 0 else n % 4 != 0
        graded = {"correct": correct} if correct is not None else {}
        result = None if (not problem and n % 2) else json.dumps(graded)
        mode = "exam" if n % 7 == 0 else "scheduled"
        mistake = MISTAKES[n % 3] if problem else None
        column = None if correct is None or result is None else int(correct)
        rows.append((n + 1, item, T0 + n * DAY // 4, 3 if correct else 1, 1000 + n, mode, n, f"answer {n}",
                     result, mistake, None, n % 5 or None, n % 4, float(n % 30), column))
    conn.executemany(f"INSERT INTO reviews ({COLUMNS}) VALUES ({','.join('?' * 15)})", rows)
    conn.execute("INSERT INTO meta (key, value) VALUES ('content', 'a3f1')")
    conn.commit()
    conn.close()
    return rows


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_version_3_database_is_upgraded_with_the_statistics_indexes(tmp_path):
    db = tmp_path / "progress.db"
    rows = _v3_database(db)
    with pytest.raises(OlderSchema, match="open it once"):
        connect_readonly(db)  # reading never upgrades

    store = Store(db)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION == 5
        assert {"reviews_session", "reviews_answers", "items_buried"} <= _indexes(conn)
        assert conn.execute(f"SELECT {COLUMNS} FROM reviews ORDER BY id").fetchall() == rows
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        store.close()

    conn = connect_readonly(db)
    try:
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT SUM(duration_ms) FROM reviews WHERE session_id = 3"))
        assert "reviews_session" in plan
        assert conn.execute("SELECT COUNT(*) FROM reviews WHERE session_id = 3").fetchone()[0] == 24
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT deck FROM items WHERE buried_until > 0"))
        assert "items_buried" in plan  # today's counts find the buried items without a scan
    finally:
        conn.close()
    # Opening again is a no-op.
    Store(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    conn.close()


OLD_PROBLEM_ANSWERS = (  # schema 3's query: the log's rows, grouped in a temporary tree
    "SELECT item_id, mistake, COUNT(*), COUNT(correct), SUM(correct), MAX(id), answer, reviewed_at "
    "FROM reviews WHERE reviewed_at >= :lo AND reviewed_at < :hi AND result IS NOT NULL "
    "AND item_id IN (SELECT id FROM items WHERE kind = 'problem'{decks}) GROUP BY item_id, mistake")


@pytest.mark.parametrize("decks, lo, hi", [((), 0, 2**62), (("deck-a",), T0 + 3 * DAY, T0 + 20 * DAY),
                                           (("deck-b", "deck-a"), T0, T0 + 2 * DAY)])
def test_problem_answers_on_the_index_are_what_the_rows_give(tmp_path, decks, lo, hi):
    db = tmp_path / "progress.db"
    _v3_database(db)
    Store(db).close()
    conn = connect_readonly(db)
    try:
        q = Query(Scope(now=datetime(2024, 1, 1, tzinfo=UTC), zone=UTC, decks=decks), lo, hi)
        plan = " ".join(str(r) for r in conn.execute("EXPLAIN QUERY PLAN " + OLD_PROBLEM_ANSWERS.format(
            decks=q.deck_sql).replace("FROM reviews", "FROM reviews INDEXED BY reviews_answers", 1), q.p()))
        assert "reviews_answers" in plan
        rows, deck_of = report_queries.problem_answers(conn, q)
        expected = conn.execute(OLD_PROBLEM_ANSWERS.format(decks=q.deck_sql), q.p()).fetchall()
        assert rows == expected and rows
        assert set(deck_of) == {f"p{k}" for k in range(6) if not decks or
                                ("deck-a" if k % 2 else "deck-b") in decks}
    finally:
        conn.close()
