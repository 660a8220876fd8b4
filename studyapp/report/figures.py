"""Every figure of the progress report, computed from the store as plain data.

``compute`` returns one JSON-ready dict; the renderers (Markdown, HTML, JSON) only lay it out.
Nothing here reads the clock, the settings file or the content: the caller passes ``now`` (UTC),
the study-day rules and, optionally, the library's titles.

Definitions (every one of them is what the tests recompute independently):

- The scope is the reviews from the start of the ``--since`` study day (or the first review) to
  the end of today's study day, of the items of the ``--deck`` decks (or all).
- Items by state are a snapshot of ``items`` now, for the items the content still has
  (``in_content``): suspended first, then new, learning, young / mature (a Review-state item
  whose interval ``due - last_review`` is under / at least 21 days), relearning.
- True retention: among the scheduled reviews of the window of an item in the Review state
  (``prev_code`` 2), the share of answers other than Again (rating > 1);
  young and mature by the interval the item had before the review. Windows are today's study
  day and the last 7, 30 and 365 study days, today included.
- Mastery of a deck: the mean FSRS retrievability now (``Scheduler.retrievability``: new items
  count 0) over its items that are not suspended; ``recall`` is the same mean over the studied
  ones only. Problem accuracy: the share of ``result.correct`` among the graded answers to the
  deck's problem templates.
- Mistakes: the ``mistake`` tags of the answers to problem templates, most frequent first, each
  with the most recent answer typed for it.

The review log can hold a million rows. The work is split into SQL queries that run in parallel
on their own read-only connections (SQLite releases the GIL while it steps); the log is read in
chunks of ids, each reading every row once, with several counters packed into one integer sum
(fields wide enough that they cannot carry into each other). The state before each review and
whether a graded answer was right are plain columns (schema version 3: ``prev_code``,
``prev_ivl``, ``correct``), so no row's JSON is parsed.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from studyapp.core.days import day_start, study_date

SCHEMA = "studyapp.report/1"
DAY_MS = 86_400_000
MATURE_DAYS = 21
STATES = ("new", "learning", "young", "mature", "relearning", "suspended")
CATEGORIES = ("new", "learning", "review", "relearning", "practice", "unknown")
WINDOWS = (("today", 1), ("week", 7), ("month", 30), ("year", 365))
STABILITY_EDGES = (1, 2, 4, 7, 14, 30, 60, 90, 180, 365)  # days; bins [0,1), [1,2), ... [365, ∞)
HEATMAP_DAYS = 365
RECENT_DAYS = 30
FORECAST_DAYS = 30
TOP_MISTAKES = 10
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


@dataclass
class Names:
    """Titles from the content, in the report's language (ids are shown where there are none)."""

    decks: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)


def curve_of(scheduler: Any) -> tuple[float, float]:
    """(factor, decay) of the forgetting curve a ``studyapp.core.scheduler.Scheduler`` uses."""
    f = scheduler.fsrs
    decay = getattr(f, "_DECAY", None)
    if decay is None:
        decay = -float(f.parameters[20])
    factor = getattr(f, "_FACTOR", None)
    if factor is None:
        factor = 0.9 ** (1 / decay) - 1
    return float(factor), float(decay)


def ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def iso_day(d: date) -> str:
    return d.isoformat()


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


class _Days:
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


class _Query:
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


def _chunk(conn: sqlite3.Connection, q: _Query, first_id: int, end_id: int, start: int,
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


def _retention(conn: sqlite3.Connection, q: _Query, start: int, end: int) -> tuple[int, int, int, int]:
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


def _day_counts(conn: sqlite3.Connection, q: _Query, days: _Days) -> list[int]:
    _days_table(conn, days)
    rows = conn.execute(
        "SELECT d.k, (SELECT COUNT(*) FROM reviews WHERE reviewed_at >= max(d.s, :lo) "
        f"AND reviewed_at < min(d.e, :hi){q.item_sql}) FROM temp.report_days d ORDER BY d.k",
        q.p()).fetchall()
    return [n for _, n in rows]


def _days_table(conn: sqlite3.Connection, days: _Days, name: str = "report_days",
                rows: list[tuple[int, int, int]] | None = None) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (k INTEGER PRIMARY KEY, s INTEGER, e INTEGER)")
    conn.execute(f"DELETE FROM temp.{name}")
    conn.executemany(f"INSERT INTO temp.{name} VALUES (?, ?, ?)", days.rows() if rows is None else rows)


# Four counters of 16 bits in one sum: new, learning, review, relearning (scheduled reviews).
PACKED_CATEGORY_SQL = (
    "CASE WHEN prev_code IS NULL OR mode != 'scheduled' THEN 0 "
    f"ELSE CASE prev_code WHEN 0 THEN 1 WHEN 1 THEN {F16} WHEN 2 THEN {F16 ** 2} WHEN 3 THEN {F16 ** 3} "
    "ELSE 0 END END")


def _recent(conn: sqlite3.Connection, q: _Query, days: _Days, first: int) -> list[tuple[int, ...]]:
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


def _problems(conn: sqlite3.Connection, q: _Query) -> tuple[list[tuple], dict[str, str]]:
    """Per (item, mistake): answers, graded, right, and the latest answer's id, text and time;
    and the deck of each problem template (both read in one snapshot)."""
    conn.execute("BEGIN")
    rows = conn.execute(
        f"SELECT item_id, mistake, COUNT(*), COUNT({CORRECT_SQL}), SUM({CORRECT_SQL}), MAX(id), answer, "
        "reviewed_at FROM reviews WHERE reviewed_at >= :lo AND reviewed_at < :hi AND result IS NOT NULL "
        f"AND item_id IN (SELECT id FROM items WHERE kind = 'problem'{q.deck_sql}) GROUP BY item_id, mistake",
        q.p()).fetchall()
    decks = dict(conn.execute(f"SELECT id, deck FROM items WHERE kind = 'problem'{q.deck_sql}", q.p()))
    conn.execute("COMMIT")
    return rows, decks


LABEL_SQL = ("CASE WHEN suspended THEN 'suspended' WHEN is_new THEN 'new' WHEN state = 2 THEN "
             f"CASE WHEN due - last_review >= {MATURE_DAYS * DAY_MS} THEN 'mature' ELSE 'young' END "
             "WHEN state = 3 THEN 'relearning' ELSE 'learning' END")
R_SQL = ("CASE WHEN is_new = 0 AND last_review IS NOT NULL AND stability IS NOT NULL THEN "
         "coalesce(pow(1 + :factor * max(0, (:now - last_review) / 86400000) / stability, :decay), 0) "
         "ELSE 0 END")


def _items(conn: sqlite3.Connection, q: _Query, scope: Scope) -> dict[str, Any]:
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


def _sessions(conn: sqlite3.Connection, q: _Query) -> list[dict[str, Any]]:
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


def _forecast(conn: sqlite3.Connection, q: _Query, horizon: int, bucket: int) -> list[tuple[int, int, int]]:
    """(time bucket, is a review, items) of the studied items due before ``horizon``."""
    return conn.execute(
        f"SELECT due / :b AS t, state = 2, COUNT(*) FROM items WHERE in_content = 1 AND is_new = 0 "
        f"AND suspended = 0 AND due IS NOT NULL AND due < :h{q.deck_sql} GROUP BY t, state = 2",
        q.p(b=bucket, h=horizon)).fetchall()


# --- putting it together --------------------------------------------------------------------------
class _Pool:
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

    def submit(self, fn: Callable[..., Any], *args: Any):  # noqa: ANN201 - a Future
        return self.executor.submit(lambda: fn(self.conn(), *args))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for c in self.conns:
            c.close()


def _bucket_size(starts: Iterable[int]) -> int:
    """The largest of 15 min, 1 min, 1 s that divides every day boundary (all zones: 15 min)."""
    starts = list(starts)
    for size in (900_000, 60_000, 1000, 1):
        if all(s % size == 0 for s in starts):
            return size
    return 1


def compute(connect: Callable[[], sqlite3.Connection], scope: Scope, *, names: Names | None = None,
            workers: int = 2, progress: Callable[[int, int], None] | None = None,
            names_loader: Callable[[], Names] | None = None) -> dict[str, Any]:
    """Every figure of the report. ``connect`` opens a read connection (called once per worker);
    ``names_loader`` (e.g. loading the content) runs in this thread while the queries run."""
    now = scope.now.astimezone(UTC)
    zone, hour = scope.zone, scope.day_hour
    today = study_date(now, zone, hour)
    today_end = ms(day_start(today + timedelta(days=1), zone, hour))
    since_ms = ms(day_start(scope.since, zone, hour)) if scope.since else None
    main = connect()
    try:
        first_t = main.execute("SELECT MIN(reviewed_at) FROM reviews WHERE reviewed_at >= ?",
                               (since_ms or -(2**62),)).fetchone()[0]
        min_id, max_id = main.execute("SELECT MIN(id), MAX(id) FROM reviews").fetchone()
    finally:
        main.close()
    lo = since_ms if since_ms is not None else (first_t if first_t is not None else today_end)
    first_day = study_date(datetime.fromtimestamp(lo / 1000, tz=UTC), zone, hour) if first_t is not None \
        else today
    first_day = min(first_day, today - timedelta(days=HEATMAP_DAYS - 1))
    days = _Days(first_day, today, zone, hour)
    q = _Query(scope, lo, today_end)
    future = _Days(today, today + timedelta(days=FORECAST_DAYS - 1), zone, hour)
    first_recent = len(days.dates) - RECENT_DAYS
    bucket = _bucket_size(future.starts)

    pool = _Pool(connect, workers)
    jobs: dict[str, Any] = {}
    try:
        # The longest query first; then the review log in chunks of ids (time spent, and retention
        # in the year's band before the month), the month's, the week's and today's bands, the rest.
        jobs["problems"] = pool.submit(_problems, q)
        bounds = {name: max(ms(day_start(today - timedelta(days=n - 1), zone, hour)), lo)
                  for name, n in WINDOWS}
        band_year = (bounds["year"], max(bounds["month"], bounds["year"]))
        jobs["items"] = pool.submit(_items, q, scope)
        chunks = []
        if min_id is not None:
            for first in range(min_id, max_id + 1, CHUNK):
                chunks.append(pool.submit(_chunk, q, first, first + CHUNK, *band_year))
        jobs["ret_m"] = pool.submit(_retention, q, bounds["month"], max(bounds["week"], bounds["month"]))
        jobs["ret_w"] = pool.submit(_retention, q, bounds["week"], max(bounds["today"], bounds["week"]))
        jobs["ret_t"] = pool.submit(_retention, q, bounds["today"], today_end)
        jobs["recent"] = pool.submit(_recent, q, days, first_recent)
        jobs["days"] = pool.submit(_day_counts, q, days)
        jobs["forecast"] = pool.submit(_forecast, q, future.starts[-1], bucket)
        jobs["sessions"] = pool.submit(_sessions, q)
        loaded = names_loader() if names_loader is not None else None
        names = loaded or names or Names()
        results: dict[str, Any] = {}
        total = len(chunks) + len(jobs)
        time_ms, year = 0, [0, 0, 0, 0]
        for done, job in enumerate(chunks, 1):
            spent, counters = job.result()
            time_ms += spent
            year = [a + b for a, b in zip(year, counters, strict=True)]
            if progress is not None:
                progress(done, total)
        results["time"], results["ret_y"] = time_ms, tuple(year)
        for done, (key, job) in enumerate(jobs.items(), len(chunks) + 1):
            results[key] = job.result()
            if progress is not None:
                progress(done, total)
    finally:
        pool.close()
    return _assemble(results, scope, now, today, days, future, bucket, names, first_t is not None)


def _assemble(res: dict[str, Any], scope: Scope, now: datetime, today: date, days: _Days, future: _Days,
              bucket: int, names: Names, any_reviews: bool) -> dict[str, Any]:
    counts = res["days"]
    dates = days.dates
    studied = [i for i, n in enumerate(counts) if n]
    # streaks: runs of consecutive study days with reviews
    longest = run = 0
    for n in counts:
        run = run + 1 if n else 0
        longest = max(longest, run)
    current = 0
    k = len(counts) - 1
    if k >= 0 and counts[k] == 0:
        k -= 1  # today not studied yet: the streak up to yesterday still stands
    while k >= 0 and counts[k]:
        current += 1
        k -= 1

    # items
    state_total = dict.fromkeys(STATES, 0)
    per_deck: dict[str, dict[str, Any]] = {}
    for deck, label, n, r in res["items"]["states"]:
        state_total[label] += n
        d = per_deck.setdefault(deck, {"states": dict.fromkeys(STATES, 0), "r": 0.0})
        d["states"][label] += n
        if label != "suspended":
            d["r"] += r or 0.0
    # problems: accuracy per deck, mistakes per tag
    problem_rows, item_deck = res["problems"]
    acc: dict[str, list[int]] = {}
    mistakes: dict[str, dict[str, Any]] = {}
    for item_id, tag, n, graded, right, last_id, answer, at in problem_rows:
        a = acc.setdefault(item_deck[item_id], [0, 0])
        a[0] += graded
        a[1] += int(right or 0)
        if tag is not None:
            m = mistakes.setdefault(tag, {"tag": tag, "count": 0, "last_id": -1})
            m["count"] += n
            if last_id > m["last_id"]:
                m.update(last_id=last_id, example=answer, item_id=item_id,
                         item=names.items.get(item_id, item_id),
                         at=datetime.fromtimestamp(at / 1000, tz=UTC).isoformat())
    listed = set(scope.decks) if scope.decks else set(names.decks)  # decks not studied yet show too
    deck_ids = sorted(set(per_deck) | set(acc) | listed, key=lambda d: (names.decks.get(d, d).lower(), d))
    decks_out = []
    for deck in deck_ids:
        d = per_deck.get(deck, {"states": dict.fromkeys(STATES, 0), "r": 0.0})
        s = d["states"]
        active = sum(s.values()) - s["suspended"]
        studied_items = active - s["new"]
        graded, right = acc.get(deck, [0, 0])
        decks_out.append({
            "id": deck, "title": names.decks.get(deck, deck), "items": sum(s.values()), "states": s,
            "studied": studied_items, "mastery": d["r"] / active if active else None,
            "recall": d["r"] / studied_items if studied_items else None,
            "problem_answers": graded, "problem_right": right, "problem_accuracy": _rate(right, graded)})
    top = sorted(mistakes.values(), key=lambda m: (-m["count"], m["tag"]))
    for m in top:
        del m["last_id"]

    # retention: bands are disjoint; windows are nested (today ⊂ week ⊂ month ⊂ year)
    bands = {"today": [res["ret_t"]], "week": [res["ret_w"]], "month": [res["ret_m"]],
             "year": [res["ret_y"]]}
    retention = {}
    acc_n = acc_mn = acc_yp = acc_mp = 0
    for name, _ in WINDOWS:
        for n, mn, yp, mp in bands[name]:
            acc_n, acc_mn, acc_yp, acc_mp = acc_n + n, acc_mn + mn, acc_yp + yp, acc_mp + mp
        yn = acc_n - acc_mn
        retention[name] = {
            "young": {"reviews": yn, "passed": acc_yp, "rate": _rate(acc_yp, yn)},
            "mature": {"reviews": acc_mn, "passed": acc_mp, "rate": _rate(acc_mp, acc_mn)},
            "all": {"reviews": acc_n, "passed": acc_yp + acc_mp, "rate": _rate(acc_yp + acc_mp, acc_n)}}

    # the last 30 days by kind of review
    first_recent = len(dates) - RECENT_DAYS
    recent = [{"date": iso_day(dates[k]), "reviews": 0, "time_ms": 0, **dict.fromkeys(CATEGORIES, 0)}
              for k in range(first_recent, len(dates))]
    for k, n, spent, practice, new, learning, review, relearning in res["recent"]:
        row = recent[k - first_recent]
        row.update(reviews=n, time_ms=spent, practice=practice, new=new, learning=learning, review=review,
                   relearning=relearning, unknown=n - practice - new - learning - review - relearning)

    # forecast: overdue items count on today
    forecast = [{"date": iso_day(d), "due": 0, "reviews": 0, "learning": 0} for d in future.dates]
    overdue = 0
    for t, is_review, n in res["forecast"]:
        k = max(future.index(t * bucket), 0)
        if t * bucket < future.starts[0]:
            overdue += n
        if k < len(forecast):
            forecast[k]["due"] += n
            forecast[k]["reviews" if is_review else "learning"] += n

    bins = dict(res["items"]["bins"])
    edges = (0, *STABILITY_EDGES)
    stability = [{"from_days": edges[k], "to_days": STABILITY_EDGES[k] if k < len(STABILITY_EDGES) else None,
                  "items": bins.get(k, 0)} for k in range(len(edges))]
    leeches = [{"id": i, "deck": d, "deck_title": names.decks.get(d, d), "kind": kind,
                "title": names.items.get(i, i), "lapses": lapses, "state": label}
               for i, d, kind, lapses, label in res["items"]["leeches"]]
    heat = [{"date": iso_day(dates[k]), "reviews": counts[k]}
            for k in range(len(dates) - HEATMAP_DAYS, len(dates))]
    return {
        "schema": SCHEMA,
        "generated_at": now.isoformat(),
        "today": iso_day(today),
        "scope": {"since": iso_day(scope.since) if scope.since else None, "decks": list(scope.decks),
                  "day_start_hour": scope.day_hour,
                  "timezone": getattr(scope.zone, "key", None) or str(scope.zone)},
        "summary": {
            "items": {**state_total, "total": sum(state_total.values())},
            "reviews": sum(counts), "time_ms": res["time"],
            "days_studied": len(studied),
            "streak_current": current, "streak_longest": longest,
            "first_day": iso_day(dates[studied[0]]) if studied else None,
            "last_day": iso_day(dates[studied[-1]]) if studied else None,
            "reviews_today": counts[-1] if counts else 0,
            "leeches": res["items"]["n_leeches"], "overdue": overdue,
            "empty": not any_reviews or not sum(counts),
        },
        "retention": retention,
        "decks": decks_out,
        "mistakes": {"total": sum(m["count"] for m in top), "top": top[:TOP_MISTAKES]},
        "leeches": {"total": res["items"]["n_leeches"], "top": leeches},
        "sessions": res["sessions"],
        "heatmap": heat,
        "per_day": recent,
        "forecast": forecast,
        "stability": stability,
    }

