"""The report's queries: every figure of ``studyapp.report.figures`` comes from these functions,
as plain rows. Each runs on its own read-only connection (a ``Pool`` of worker threads: SQLite
releases the GIL while it steps); the review log is read in chunks of ids, each reading every row
once, with several counters packed into one integer sum (fields wide enough that they cannot
carry into each other). ``report/figures.py`` says what each figure means; this says how it is
counted fast.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from studyapp.core.days import day_start, study_date

DAY_MS = 86_400_000
MATURE_DAYS = 21
STABILITY_EDGES = (1, 2, 4, 7, 14, 30, 60, 90, 180, 365)  # days; bins [0,1), [1,2), ... [365, ∞)
TOP_LEECHES = 30


@dataclass(frozen=True)
class Scope:
    now: datetime  # aware; converted to UTC
    zone: tzinfo
    day_hour: int = 4
    since: date | None = None
    decks: tuple[str, ...] = ()
    factor: float = 0.9 ** (1 / -0.1542) - 1  # FSRS-6 forgetting curve (py-fsrs defaults)
    decay: float = -0.1542


def ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def scope_bounds(scope: Scope) -> tuple[int, int]:
    """[lo, hi) in ms of the reviews a scope covers: from the start of the ``since`` study day (or
    the beginning) to the end of today's study day."""
    today = study_date(scope.now, scope.zone, scope.day_hour)
    hi = ms(day_start(today + timedelta(days=1), scope.zone, scope.day_hour))
    lo = ms(day_start(scope.since, scope.zone, scope.day_hour)) if scope.since else -(2**62)
    return lo, hi


class StudyDays:
    """Study days from ``first`` to ``last`` (inclusive) with their UTC bounds in ms."""

    def __init__(self, first: date, last: date, zone: tzinfo, hour: int):
        self.first = first
        n = (last - first).days + 1
        self.dates = [first + timedelta(days=k) for k in range(max(n, 0))]
        self.starts = [ms(day_start(d, zone, hour)) for d in [*self.dates, last + timedelta(days=1)]]

    def rows(self) -> list[tuple[int, int, int]]:
        return [(k, self.starts[k], self.starts[k + 1]) for k in range(len(self.dates))]

    def index(self, t: int) -> int:
        """The day a time falls in: -1 before the first, len(dates) after the last."""
        return bisect.bisect_right(self.starts, t) - 1


class Query:
    """The filters shared by the review queries, as SQL text and named parameters."""

    def __init__(self, scope: Scope, lo: int, hi: int):
        self.params: dict[str, Any] = {"lo": lo, "hi": hi}
        self.zone = scope.zone
        self.deck_sql = ""
        self.item_sql = ""
        if scope.decks:
            names = []
            for k, deck in enumerate(scope.decks):
                self.params[f"d{k}"] = deck
                names.append(f":d{k}")
            marks = ", ".join(names)
            self.deck_sql = f" AND deck IN ({marks})"
            self.item_sql = f" AND item_id IN (SELECT id FROM items WHERE deck IN ({marks}))"

    def p(self, **more: Any) -> dict[str, Any]:
        return {**self.params, **more}


# --- the units of work, each on its own connection ------------------------------------------------
MATURE_SQL = f"prev_ivl >= {MATURE_DAYS}"
IS_REVIEW_SQL = "mode = 'scheduled' AND prev_code = 2"
CHUNK = 32_767  # reviews per chunk query: four counters of 16 bits cannot overflow
F16 = 1 << 16


def chunk_counts(conn: sqlite3.Connection, q: Query, first_id: int, end_id: int, start: int,
           end: int) -> tuple[int, tuple[int, int, int, int]]:
    """One range of review ids: the time spent in the scope, and the retention counters of the
    reviews in [start, end): (reviews, mature reviews, young passed, mature passed)."""
    packed = (f"CASE WHEN {MATURE_SQL} THEN {1 + F16} + (rating > 1) * {F16 ** 3} "
              f"ELSE 1 + (rating > 1) * {F16 ** 2} END")
    time_ms, total = conn.execute(
        "SELECT SUM(CASE WHEN reviewed_at >= :lo AND reviewed_at < :hi THEN duration_ms END), "
        f"SUM(CASE WHEN reviewed_at >= :s AND reviewed_at < :e AND {IS_REVIEW_SQL} THEN {packed} END) "
        f"FROM reviews WHERE id >= :a AND id < :b{q.item_sql}",
        q.p(a=first_id, b=end_id, s=start, e=end)).fetchone()
    total = int(total or 0)
    return int(time_ms or 0), (total % F16, total // F16 % F16, total // F16 ** 2 % F16, total // F16 ** 3)


def retention_counts(conn: sqlite3.Connection, q: Query, start: int, end: int) -> tuple[int, int, int, int]:
    """The same counters for the reviews in [start, end) (a short band, through the time index)."""
    where = f"reviewed_at >= :s AND reviewed_at < :e AND {IS_REVIEW_SQL}{q.item_sql}"
    args = q.p(s=start, e=end)
    width = 1 << 21  # three counters of 21 bits, and the count beside them
    packed = f"CASE WHEN {MATURE_SQL} THEN 1 + (rating > 1) * {width * width} ELSE (rating > 1) * {width} END"
    n, total = conn.execute(f"SELECT COUNT(*), SUM({packed}) FROM reviews WHERE {where}", args).fetchone()
    if not n:
        return (0, 0, 0, 0)
    if n < width:
        total = int(total)
        return (n, total % width, total // width % width, total // (width * width))
    row = conn.execute(  # too many for 21-bit fields: count them one by one
        f"SELECT SUM(m), SUM(NOT m AND ok), SUM(m AND ok) FROM (SELECT ({MATURE_SQL}) AS m, rating > 1 AS ok "
        f"FROM reviews WHERE {where} LIMIT -1)", args).fetchone()
    return (n, int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def day_counts(conn: sqlite3.Connection, q: Query, days: StudyDays) -> list[int]:
    _days_table(conn, days)
    rows = conn.execute(
        "SELECT d.k, (SELECT COUNT(*) FROM reviews WHERE reviewed_at >= max(d.s, :lo) "
        f"AND reviewed_at < min(d.e, :hi){q.item_sql}) FROM temp.report_days d ORDER BY d.k",
        q.p()).fetchall()
    return [n for _, n in rows]


def _days_table(conn: sqlite3.Connection, days: StudyDays, name: str = "report_days",
                rows: list[tuple[int, int, int]] | None = None) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (k INTEGER PRIMARY KEY, s INTEGER, e INTEGER)")
    conn.execute(f"DELETE FROM temp.{name}")
    conn.executemany(f"INSERT INTO temp.{name} VALUES (?, ?, ?)", days.rows() if rows is None else rows)


# Four counters of 16 bits in one sum: new, learning, review, relearning (scheduled reviews).
PACKED_CATEGORY_SQL = (
    "CASE WHEN prev_code IS NULL OR mode != 'scheduled' THEN 0 "
    f"ELSE CASE prev_code WHEN 0 THEN 1 WHEN 1 THEN {F16} WHEN 2 THEN {F16 ** 2} WHEN 3 THEN {F16 ** 3} "
    "ELSE 0 END END")


def recent_days(conn: sqlite3.Connection, q: Query, days: StudyDays, first: int) -> list[tuple[int, ...]]:
    """Per day from index ``first`` on: (day, reviews, time, practice, new, learning, review,
    relearning); the rest (no recorded state: written before schema 2) is unknown."""
    _days_table(conn, days, "report_recent", [r for r in days.rows() if r[0] >= first])
    out = []
    for k, n, spent, practice, packed in conn.execute(
            "SELECT d.k, COUNT(*), SUM(duration_ms), SUM(mode != 'scheduled' AND prev_code IS NOT NULL), "
            f"SUM({PACKED_CATEGORY_SQL}) FROM temp.report_recent d JOIN reviews "
            f"ON reviewed_at >= max(d.s, :lo) AND reviewed_at < min(d.e, :hi) WHERE 1{q.item_sql} "
            "GROUP BY d.k",
            q.p()):
        if n < F16 // 2:
            fields = [packed // F16 ** j % F16 for j in range(4)]
        else:  # a day of more than 32,767 answers: count each kind on its own
            start, end = days.starts[k], days.starts[k + 1]
            fields = [conn.execute(
                "SELECT COUNT(*) FROM reviews WHERE reviewed_at >= max(:s, :lo) "
                "AND reviewed_at < min(:e, :hi) "
                f"AND ({PACKED_CATEGORY_SQL}) = {F16 ** j}{q.item_sql}", q.p(s=start, e=end)).fetchone()[0]
                for j in range(4)]
        out.append((k, n, int(spent or 0), practice, *fields))
    return out


CORRECT_SQL = "correct"


def problem_answers(conn: sqlite3.Connection, q: Query) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """Per (item, mistake): answers, graded, right, and the latest answer's id, text and time;
    and the deck of each problem template (both read in one snapshot)."""
    conn.execute("BEGIN")
    # Counted in the graded answers' index (schema 4), in its order; the log's rows are read only
    # for the latest answer of each (item, mistake).
    rows = conn.execute(
        "SELECT g.item_id, g.mistake, g.n, g.graded, g.passed, g.last, r.answer, r.reviewed_at FROM ("
        f"SELECT item_id, mistake, COUNT(*) AS n, COUNT({CORRECT_SQL}) AS graded, "
        f"SUM({CORRECT_SQL}) AS passed, MAX(id) AS last FROM reviews INDEXED BY reviews_answers "
        "WHERE reviewed_at >= :lo AND reviewed_at < :hi AND result IS NOT NULL "
        f"AND item_id IN (SELECT id FROM items WHERE kind = 'problem'{q.deck_sql}) GROUP BY item_id, mistake"
        ") g JOIN reviews r ON r.id = g.last ORDER BY g.item_id, g.mistake", q.p()).fetchall()
    decks = dict(conn.execute(f"SELECT id, deck FROM items WHERE kind = 'problem'{q.deck_sql}", q.p()))
    conn.execute("COMMIT")
    return rows, decks


LABEL_SQL = ("CASE WHEN suspended THEN 'suspended' WHEN is_new THEN 'new' WHEN state = 2 THEN "
             f"CASE WHEN due - last_review >= {MATURE_DAYS * DAY_MS} THEN 'mature' ELSE 'young' END "
             "WHEN state = 3 THEN 'relearning' ELSE 'learning' END")
R_SQL = ("CASE WHEN is_new = 0 AND last_review IS NOT NULL AND stability IS NOT NULL THEN "
         "coalesce(pow(1 + :factor * max(0, (:now - last_review) / 86400000) / stability, :decay), 0) "
         "ELSE 0 END")


def item_figures(conn: sqlite3.Connection, q: Query, scope: Scope) -> dict[str, Any]:
    args = q.p(factor=scope.factor, decay=scope.decay, now=ms(scope.now))
    states = conn.execute(
        f"SELECT deck, {LABEL_SQL} AS label, COUNT(*), SUM({R_SQL}) FROM items WHERE in_content = 1"
        f"{q.deck_sql} GROUP BY deck, label", args).fetchall()
    cases = " ".join(f"WHEN stability < {edge} THEN {k}" for k, edge in enumerate(STABILITY_EDGES))
    bins = conn.execute(
        f"SELECT CASE {cases} ELSE {len(STABILITY_EDGES)} END AS b, COUNT(*) FROM items WHERE in_content = 1 "
        f"AND is_new = 0 AND suspended = 0 AND stability IS NOT NULL{q.deck_sql} GROUP BY b", args).fetchall()
    leeches = conn.execute(
        f"SELECT id, deck, kind, lapses, {LABEL_SQL} FROM items "
        f"WHERE leech = 1 AND in_content = 1{q.deck_sql} "
        "ORDER BY lapses DESC, id LIMIT :n", q.p(n=TOP_LEECHES)).fetchall()
    n_leeches = conn.execute(f"SELECT COUNT(*) FROM items WHERE leech = 1 AND in_content = 1{q.deck_sql}",
                             args).fetchone()[0]
    return {"states": states, "bins": bins, "leeches": leeches, "n_leeches": n_leeches}


RECENT_SESSIONS = 10


def recent_sessions(conn: sqlite3.Connection, q: Query) -> list[dict[str, Any]]:
    """The latest study sessions as the sessions table counts them, with the time their
    answers took: the same right/wrong/time the session summary showed on screen. ``local`` is
    the start in the learner's zone, as they would read it on a clock."""
    rows = conn.execute(
        "SELECT s.id, s.started_at, s.ended_at, s.mode, s.reviewed, s.correct, s.wrong, "
        "(SELECT COALESCE(SUM(r.duration_ms), 0) FROM reviews r WHERE r.session_id = s.id) "
        "FROM sessions s WHERE s.started_at >= :lo AND s.started_at < :hi ORDER BY s.id DESC LIMIT :n",
        q.p(n=RECENT_SESSIONS)).fetchall()
    return [{"id": sid, "started": datetime.fromtimestamp(start / 1000, tz=UTC).isoformat(),
             "local": datetime.fromtimestamp(start / 1000, tz=q.zone).strftime("%Y-%m-%d %H:%M"),
             "ended": None if end is None else datetime.fromtimestamp(end / 1000, tz=UTC).isoformat(),
             "mode": mode, "answered": n, "right": right, "wrong": wrong, "time_ms": spent}
            for sid, start, end, mode, n, right, wrong, spent in rows]


def forecast(conn: sqlite3.Connection, q: Query, horizon: int, bucket: int) -> list[tuple[int, int, int]]:
    """(time bucket, is a review, items) of the studied items due before ``horizon``."""
    return conn.execute(
        f"SELECT due / :b AS t, state = 2, COUNT(*) FROM items WHERE in_content = 1 AND is_new = 0 "
        f"AND suspended = 0 AND due IS NOT NULL AND due < :h{q.deck_sql} GROUP BY t, state = 2",
        q.p(b=bucket, h=horizon)).fetchall()


# --- putting it together --------------------------------------------------------------------------
class Pool:
    """Worker threads, each with its own connection from ``connect``."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], workers: int):
        self.connect = connect
        self.local = threading.local()
        self.conns: list[sqlite3.Connection] = []
        self.lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="report")

    def conn(self) -> sqlite3.Connection:
        c = getattr(self.local, "conn", None)
        if c is None:
            c = self.connect()
            self.local.conn = c
            with self.lock:
                self.conns.append(c)
        return c

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self.executor.submit(lambda: fn(self.conn(), *args))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for c in self.conns:
            c.close()


def review_span(conn: sqlite3.Connection, since_ms: int | None) -> tuple[int | None, int | None, int | None]:
    """(first answer time at or after ``since_ms``, lowest review id, highest review id)."""
    first_t = conn.execute("SELECT MIN(reviewed_at) FROM reviews WHERE reviewed_at >= ?",
                           (since_ms or -(2**62),)).fetchone()[0]
    min_id, max_id = conn.execute("SELECT MIN(id), MAX(id) FROM reviews").fetchone()
    return first_t, min_id, max_id
