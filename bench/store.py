"""Speed of the progress store at scale; prints JSON lines {"name", "value", "unit"}.

A database of 100,000 items and 1,000,000 review-log rows (a year of history) is built
synthetically, straight into the tables in one transaction on a ``Store``'s connection:

- items: every bundled card and problem template (real deck ids and kinds, the ones being
  learnt now: introduced in the last two weeks, a few still new), then synthetic ids
  ``syn.<deck>.<n>`` spread over the bundled decks, introduced over the year; a fifth of
  the synthetic items studied were dropped at some point, so their due dates lie in the
  past year (a backlog), the others are due over the next year. Unstudied items stay new.
- reviews: each item's history is simulated with FSRS-6 (py-fsrs' default parameters and
  formulas, the default learning steps): a 90 % recall target, recall drawn from the
  forgetting curve, study sessions in the morning and evening, skipped days, two holidays,
  late reviews, learning steps left for the next day, occasional practice and exam answers;
  ``prev_state`` is the JSON ``Store.record`` writes (``ItemState.to_dict``), and a row per
  study session goes into ``sessions``. The review log ends at the start of today's study
  day; "now" is 10:00 UTC today (the settings' zone is UTC, the day starts at 04:00).

Figures, with the issue's goals. The machine is shared and noisy: every time is measured in
3 rounds (--rounds), each on a fresh copy of the database, and the best round is printed.

- open_counts_ms (<= 100 ms): open a new ``Store`` on the file, construct the
  ``StudySession`` (it syncs the content and builds today's queues) and call ``counts()``;
  median of 5 opens; the bundled library is loaded beforehand.
- next_item_ms / next_item_p95_ms (<= 5 ms): ``session.next()``, 200 calls, each item rated
  in between (not timed here); the fixed clock moves on by the time taken to answer, and by
  5 minutes when nothing is left. next_item_shown_ms / next_item_empty_ms: the median of
  the calls that returned an item / None; next_item_<reason>: how many calls returned what;
  failed_not_back / failed_back: items rated Again (due again in minutes) that next() did
  not / did bring back.
- commit_ms / commit_p95_ms (<= 5 ms): ``session.rate()``, i.e. ``Store.record`` with its
  fsync (WAL, synchronous=FULL); commits: how many there were.
- fsync_ms: one 8 KiB append + fsync in the same folder: the floor under commit_ms.
- session_* / content_*: today's counts as the session gives them, and as they are in the
  database (SQL over the content's ids, no limits), to show the items the session misses.
- *_full_content: the same with a library in which every one of the 100,000 ids is content
  (the bundled cards and templates repeated under the synthetic ids), so that the session
  schedules all of them instead of skipping 99,949.

Usage: bench/store.py [--db PATH [--force]] [--content PATH ...] [--seed N] [--rounds N].
``--content`` builds the items from those decks instead of the bundled ones (a deck may lack
problems or cards). With --db the database
is left at PATH (its review log ends at the start of today, so ``studyapp --db PATH`` opens
it as of now); the figures are always measured on temporary copies.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ITEMS = 100_000
REVIEWS = 1_000_000
DAYS = 365
SEED = 20240601
ROUNDS = 3
OPEN_ROUNDS = 5
NEXT_CALLS = 200

MINUTE, HOUR, DAY = 60_000, 3_600_000, 86_400_000
LEARNING, REVIEW, RELEARNING = 1, 2, 3  # py-fsrs states, as stored
DROPPED = 0.20  # share of studied synthetic items whose reviews stop at some point
LEAVE_STEP = 0.12  # a learning step left for the next study day
LATE = 0.06  # a review done one to four days late
PRACTICE = 0.04  # an extra practice (or exam) answer between two scheduled reviews
SUSPENDED = 0.005


def line(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


# --- FSRS-6, as py-fsrs computes it (no fuzz), fast enough for a million reviews --------------
class Fsrs:
    def __init__(self, retention: float, learning: tuple[float, ...], relearning: tuple[float, ...]):
        from fsrs.scheduler import DEFAULT_PARAMETERS

        self.w = w = DEFAULT_PARAMETERS
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.ivl_scale = (retention ** (1 / self.decay) - 1) / self.factor
        self.learning = tuple(int(m * MINUTE) for m in learning)
        self.relearning = tuple(int(m * MINUTE) for m in relearning)
        self.d_easy = w[4] - math.exp(w[5] * 3) + 1

    def retrievability(self, days: float, s: float) -> float:
        return (1 + self.factor * max(days, 0) / s) ** self.decay

    def interval(self, s: float) -> int:
        return min(max(round(s * self.ivl_scale), 1), 36500) * DAY

    def review(self, state: int, step: int | None, s: float | None, d: float | None, last: int | None,
               t: int, r: int) -> tuple[int, int | None, float, float, int]:
        """(state, step, stability, difficulty, due) after rating ``r`` at ``t``."""
        w = self.w
        if s is None or d is None or last is None:
            s, d = max(w[r - 1], 0.001), min(max(w[4] - math.exp(w[5] * (r - 1)) + 1, 1.0), 10.0)
        else:
            days = (t - last) // DAY
            if days < 1:
                inc = math.exp(w[17] * (r - 3 + w[18])) * s ** -w[19]
                s = s * (max(inc, 1.0) if r > 1 else inc)
            elif r == 1:
                rr = self.retrievability(days, s)
                s = min(w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - rr) * w[14]),
                        s / math.exp(w[17] * w[18]))
            else:
                rr = self.retrievability(days, s)
                s = s * (1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - rr) * w[10]) - 1)
                         * (w[15] if r == 2 else 1) * (w[16] if r == 4 else 1))
            s = max(s, 0.001)
            d2 = d + (10 - d) * (-w[6] * (r - 3)) / 9
            d = min(max(w[7] * self.d_easy + (1 - w[7]) * d2, 1.0), 10.0)
        if state == REVIEW:
            if r == 1:
                return RELEARNING, 0, s, d, t + self.relearning[0]
            return REVIEW, None, s, d, t + self.interval(s)
        steps = self.learning if state == LEARNING else self.relearning
        step = step or 0
        if r == 1:
            return state, 0, s, d, t + steps[0]
        if r == 2:
            gap = (steps[0] * 3 // 2 if len(steps) == 1 else (steps[0] + steps[1]) // 2) if step == 0 \
                else steps[step]
            return state, step, s, d, t + gap
        if r == 3 and step + 1 < len(steps):
            return state, step + 1, s, d, t + steps[step + 1]
        return REVIEW, None, s, d, t + self.interval(s)


# --- the synthetic history ---------------------------------------------------------------------
PREV = ('{"item_id": "%s", "deck": "%s", "kind": "%s", "is_new": %s, "state": %d, "step": %s, '
        '"stability": %s, "difficulty": %s, "due": %s, "last_review": %s, "lapses": %d, "leech": %s, '
        '"suspended": %s, "buried_until": null}')
RESULT = {c: json.dumps({"correct": c, "score": float(c), "marks": None}) for c in (False, True)}
MISTAKES = ("sign", "off-by-one", "forgot-bias", "wrong-axis", "rounding")


def iso(t: int | None) -> str:
    return "null" if t is None else f'"{datetime.fromtimestamp(t / 1000, tz=UTC).isoformat()}"'


class History:
    """Study days and sessions over the year before ``start`` (the start of today's study day)."""

    def __init__(self, rng: random.Random, start: int):
        self.rng = rng
        self.t0 = start - DAYS * DAY
        self.end = start
        skipped = [rng.random() < 0.05 for _ in range(DAYS)]
        for _ in range(2):  # two holidays
            first = rng.randrange(20, DAYS - 30)
            for day in range(first, first + rng.randint(6, 10)):
                skipped[day] = True
        skipped[-1] = False  # yesterday was studied
        self.skipped = skipped
        self.slots: list[list[tuple[int, int]]] = []
        for day in range(DAYS):
            weekend = day % 7 in (5, 6)
            base = self.t0 + day * DAY
            slots = []
            if rng.random() < (0.35 if weekend else 0.6):  # morning, 06:30-08:30 UTC
                slots.append((base + 150 * MINUTE + rng.randrange(120 * MINUTE),
                              rng.randint(20, 60) * MINUTE))
            if not slots or rng.random() < (0.7 if weekend else 0.85):  # evening, 18:30-22:00 UTC
                slots.append((base + 870 * MINUTE + rng.randrange(210 * MINUTE),
                              rng.randint(30, 90) * MINUTE))
            self.slots.append(slots)

    def day(self, t: int) -> int:
        return (t - self.t0) // DAY

    def study_day(self, day: int) -> int:
        """The first study day from ``day`` on (DAYS when there is none left)."""
        while day < DAYS and self.skipped[day]:
            day += 1
        return min(day, DAYS)

    def moment(self, day: int) -> tuple[int, int]:
        """A time in one of the sessions of ``day``, and that session's number."""
        slots = self.slots[day]
        k = int(self.rng.random() * len(slots))
        start, length = slots[k]
        return start + int(self.rng.random() * length), day * 4 + k


def simulate(item: tuple[str, str, str], intro_day: int, stop: int, budget: int, hist: History,
             fsrs_: Fsrs, rng: random.Random, out: list[tuple]) -> tuple:
    """Append the item's reviews (at most ``budget``) to ``out``; return its items row."""
    iid, deck, kind = item
    day = hist.study_day(intro_day)
    new_row = (iid, deck, kind, 1, LEARNING, None, None, None, None, None, 0, 0, 0, None)
    if day >= DAYS or budget <= 0:
        return new_row
    t, sess = hist.moment(day)
    if t >= stop:
        return new_row
    ease = rng.uniform(0.6, 1.6)  # > 1: harder than average
    fail_learning = min(0.12 * ease, 0.5)
    is_new, state, step, s, d, due, last, lapses = True, LEARNING, None, None, None, None, None, 0
    due_iso = last_iso = "null"
    problem = kind == "problem"
    n = 0
    while t < stop and n < budget:
        prev = PREV % (iid, deck, kind, "true" if is_new else "false", state,
                       "null" if step is None else step, "null" if s is None else repr(s),
                       "null" if d is None else repr(d), due_iso, last_iso, lapses,
                       "true" if lapses >= 8 else "false", "false")
        if state == REVIEW and s is not None and last is not None:
            recall = fsrs_.retrievability((t - last) / DAY, s) ** ease
        else:
            recall = 1 - fail_learning
        u = rng.random()
        if u >= recall:
            r = 1
        else:
            v = rng.random()
            r = 2 if v < 0.12 else 4 if v > 0.92 else 3
        out.append(answer_row(iid, t, r, "scheduled", problem, prev, sess, rng))
        n += 1
        lapse = r == 1 and not is_new and state == REVIEW
        state, step, s, d, due = fsrs_.review(state, step, s, d, last, t, r)
        lapses += lapse
        is_new, last, due_iso, last_iso = False, t, iso(due), iso(t)
        # when the next scheduled review happens
        if due - t < DAY:
            if rng.random() < LEAVE_STEP:
                nday = hist.study_day(hist.day(t) + 1)
                if nday >= DAYS:
                    break
                nt, nsess = hist.moment(nday)
                nt = max(nt, due)
            else:
                nt, nsess = due + int(rng.random() * 90_000), sess
        else:
            due_day = hist.day(due) + (rng.randint(1, 4) if rng.random() < LATE else 0)
            nday = hist.study_day(due_day)
            if nday != due_day:  # after days off, the backlog is caught up over a few days
                nday = hist.study_day(nday + int(rng.random() * 4))
            if nday >= DAYS:
                nt, nsess = hist.end, sess
            else:
                nt, nsess = hist.moment(nday)
        if rng.random() < PRACTICE and n < budget:  # practice or exam: logged, schedule untouched
            pday = hist.study_day(rng.randint(hist.day(t), min(hist.day(nt), DAYS - 1)))
            if pday < DAYS:
                pt, psess = hist.moment(pday)
                if t < pt < min(nt, stop):
                    mode = "exam" if rng.random() < 0.2 else "practice"
                    prev = PREV % (iid, deck, kind, "false", state, "null" if step is None else step,
                                   repr(s), repr(d), due_iso, last_iso, lapses,
                                   "true" if lapses >= 8 else "false", "false")
                    pr = 1 if rng.random() > recall else 3
                    psess += (1 if mode == "exam" else 2) * 100_000  # a session of its own
                    out.append(answer_row(iid, pt, pr, mode, problem, prev, psess, rng))
                    n += 1
        t, sess = nt, nsess
    suspended = int(rng.random() < SUSPENDED)
    return (iid, deck, kind, 0, state, step, s, d, due, last, lapses, int(lapses >= 8), suspended, None)


def answer_row(iid: str, t: int, r: int, mode: str, problem: bool, prev: str, sess: int,
               rng: random.Random) -> tuple:
    correct = r > 1
    if problem:
        duration = int(rng.lognormvariate(10.4, 0.5))  # ~33 s
        seed = rng.randrange(2**32)
        answer = f"{rng.uniform(-5, 5):.4g}"
        result = RESULT[correct]
        mistake = None if correct or rng.random() < 0.5 else rng.choice(MISTAKES)
    else:
        duration = int(rng.lognormvariate(8.9, 0.6))  # ~7 s
        seed = answer = mistake = None
        result = None if rng.random() < 0.3 else RESULT[correct]  # self-rated basic cards: none
    return (iid, t, r, duration, mode, seed, answer, result, mistake, prev, sess)


def build(path: Path, library, start: int, seed: int) -> dict[str, float]:
    """Write the database at ``path``; return a few facts about it."""
    from studyapp.core.settings import Settings
    from studyapp.store import schema
    from studyapp.store.progress import Store

    began = time.perf_counter()
    rng = random.Random(seed)
    settings = Settings()
    fsrs_ = Fsrs(settings.desired_retention, settings.learning_steps_minutes,
                 settings.relearning_steps_minutes)
    hist = History(rng, start)
    real = [(c.id, c.deck, "card") for c in library.cards] + \
        [(t.id, t.deck, "problem") for t in library.templates]
    decks = [d.id for d in library.decks]
    synthetic = synthetic_items(library, seed)
    reviews: list[tuple] = []
    rows: dict[str, tuple] = {}
    left = REVIEWS
    staying_new = set(rng.sample(range(len(real)), max(len(real) // 5, 1)))
    for k, item in enumerate(real):  # the decks being learnt now
        if k in staying_new:
            continue
        before = len(reviews)
        rows[item[0]] = simulate(item, DAYS - 1 - rng.randrange(14), hist.end, left, hist, fsrs_, rng,
                                 reviews)
        left -= len(reviews) - before
    order = list(range(len(synthetic)))
    rng.shuffle(order)
    for k in order:
        if left <= 0:
            break
        item = synthetic[k]
        intro = min(int(DAYS * rng.random() ** 1.3), DAYS - 1)  # more of them early in the year
        stop = hist.end
        if rng.random() < DROPPED:
            stop = hist.t0 + intro * DAY + rng.randrange(max((DAYS - intro) * DAY, 1))
        before = len(reviews)
        rows[item[0]] = simulate(item, intro, stop, left, hist, fsrs_, rng, reviews)
        left -= len(reviews) - before
    if left > 0:
        raise SystemExit(f"the simulation made {REVIEWS - left} reviews, not {REVIEWS}: tune it")
    items = [rows.get(iid) or (iid, deck, kind, 1, LEARNING, None, None, None, None, None, 0, 0, 0, None)
             for iid, deck, kind in real + synthetic]
    reviews.sort(key=lambda r: r[1])
    sessions: dict[int, list] = {}
    for r in reviews:
        s = sessions.get(r[10])
        if s is None:
            sessions[r[10]] = [r[1], r[1] + r[3], 1, int(r[2] > 1), int(r[2] == 1), r[4]]
        else:
            s[1] = r[1] + r[3]
            s[2] += 1
            s[3] += r[2] > 1
            s[4] += r[2] == 1
    keys = sorted(sessions, key=lambda k: sessions[k][0])
    session_id = {k: n for n, k in enumerate(keys, 1)}
    decks_json = json.dumps(decks)
    session_rows = [(session_id[k], s[0], s[1], s[5], decks_json, s[2], s[3], s[4])
                    for k in keys for s in [sessions[k]]]
    review_rows = [(*r[:10], session_id[r[10]]) for r in reviews]
    del reviews
    simulated = time.perf_counter() - began

    store = Store(path)
    c = store.conn
    c.execute("PRAGMA journal_mode = DELETE")  # one big transaction: no need for a WAL copy of it
    c.execute("PRAGMA synchronous = OFF")
    c.execute("PRAGMA cache_size = -262144")
    with store.transaction():
        c.executemany("INSERT INTO items (id, deck, kind, is_new, state, step, stability, difficulty, due, "
                      "last_review, lapses, leech, suspended, buried_until) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
        c.executemany("INSERT INTO sessions (id, started_at, ended_at, mode, decks, reviewed, correct, "
                      "wrong) VALUES (?,?,?,?,?,?,?,?)", session_rows)
        c.executemany("INSERT INTO reviews (item_id, reviewed_at, rating, duration_ms, mode, seed, answer, "
                      "result, mistake, prev_state, session_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      review_rows)
        for statement in schema.V3_BACKFILL.split(";"):  # the report columns, from the JSON
            c.execute(statement)
    c.execute("PRAGMA journal_mode = WAL")
    check(store, review_rows)
    store.close()
    per_day = Counter(hist.day(r[1]) for r in review_rows)
    days = [per_day.get(day, 0) for day in range(DAYS)]
    return {"build_s": time.perf_counter() - began, "simulate_s": simulated,
            "db_mb": path.stat().st_size / 1e6, "sessions": len(session_rows),
            "reviews_per_day_median": statistics.median(days), "reviews_per_day_max": max(days),
            "days_without_reviews": sum(1 for n in days if n == 0)}


def check(store, review_rows: list[tuple]) -> None:
    """The synthetic prev_state is byte for byte what Store.record writes, and undo can read it."""
    from studyapp.core.scheduler import ItemState

    for r in review_rows[:: len(review_rows) // 50]:
        prev = r[9]
        assert json.dumps(ItemState.from_dict(json.loads(prev)).to_dict()) == prev, prev
    n_items, n_reviews = store.conn.execute("SELECT (SELECT COUNT(*) FROM items), "
                                            "(SELECT COUNT(*) FROM reviews)").fetchone()
    assert (n_items, n_reviews) == (ITEMS, REVIEWS), (n_items, n_reviews)


def state_mix(path: Path, now: int) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(path)
    mix = dict(conn.execute(
        "SELECT CASE WHEN is_new THEN 'new' WHEN state != 2 THEN 'learning' "
        "WHEN due - last_review >= 21 * 86400000 THEN 'mature' ELSE 'young' END, COUNT(*) "
        "FROM items GROUP BY 1").fetchall())
    mix["overdue"] = conn.execute("SELECT COUNT(*) FROM items WHERE is_new = 0 AND due < ?",
                                  (now,)).fetchone()[0]
    mix["due_next_year"] = conn.execute("SELECT COUNT(*) FROM items WHERE is_new = 0 AND due >= ? AND "
                                        "due < ?", (now, now + 366 * DAY)).fetchone()[0]
    conn.close()
    return mix


# --- measuring ----------------------------------------------------------------------------------
class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += timedelta(milliseconds=ms)


def measure(path: Path, library, now: datetime, seed: int) -> tuple[dict[str, float], dict[str, tuple]]:
    """One round on the database at ``path``: (times in ms, facts with their units)."""
    import numpy as np

    from studyapp.core.session import StudySession
    from studyapp.core.settings import Settings
    from studyapp.store.progress import Store

    settings = Settings(timezone="UTC")
    clock = Clock(now)
    rng = random.Random(seed)
    opens = []
    store = session = None
    for _ in range(OPEN_ROUNDS):
        if store is not None:
            store.close()
        gc.collect()
        began = time.perf_counter()
        store = Store(path)
        session = StudySession(library, store, settings, clock, np.random.default_rng(seed))
        counts = session.counts()
        opens.append((time.perf_counter() - began) * 1000)
    assert store is not None and session is not None
    facts: dict[str, tuple] = {}
    truth = content_counts(store, library, session.day_end)
    for key, value in (("new", counts.new), ("learning", counts.learning), ("review", counts.review)):
        facts[f"session_{key}"] = (value, "items")
        facts[f"content_{key}"] = (truth[key], "items")
    nexts, commits, shown = [], [], Counter()
    by_outcome: dict[str, list[float]] = {"shown": [], "empty": []}
    failed: set[str] = set()
    came_back = 0
    for _ in range(NEXT_CALLS):
        began = time.perf_counter()
        item = session.next()
        nexts.append((time.perf_counter() - began) * 1000)
        by_outcome["empty" if item is None else "shown"].append(nexts[-1])
        shown[item.reason if item else "nothing"] += 1
        if item is None:
            clock.advance(5 * MINUTE)
            continue
        if item.reason == "learning" and item.id in failed:
            came_back += 1
            failed.discard(item.id)
        elapsed = int(rng.lognormvariate(9.2, 0.6))
        clock.advance(elapsed)
        u = rng.random()
        rating = 1 if u < 0.15 else 2 if u < 0.25 else 4 if u > 0.92 else 3
        if rating == 1 and item.reason in ("learning", "review", "new"):
            failed.add(item.id)  # due again in 1 or 10 minutes: next() should bring it back
        began = time.perf_counter()
        session.rate(item, rating, elapsed_ms=elapsed)
        commits.append((time.perf_counter() - began) * 1000)
        clock.advance(1500)
    store.close()
    # names with {s} where the variant's suffix goes
    times = {"open_counts{s}": statistics.median(opens), "next_item{s}": statistics.median(nexts),
             "next_item{s}_p95": p95(nexts), "commit{s}": statistics.median(commits),
             "commit{s}_p95": p95(commits)}
    for outcome, values in by_outcome.items():
        if values:
            times[f"next_item{{s}}_{outcome}"] = statistics.median(values)
    for reason in ("learning", "review", "new", "related", "nothing"):
        facts[f"next_item_{reason}"] = (shown[reason], "calls")
    facts["failed_not_back"] = (len(failed), "items")
    facts["failed_back"] = (came_back, "items")
    facts["commits"] = (len(commits), "calls")
    return times, facts


def run_variant(target: Path, copy: Path, library, now: datetime, seed: int, rounds: int,
                suffix: str) -> None:
    """Measure ``rounds`` times, each on a fresh copy; print the best round of each time."""
    results = []
    for _ in range(rounds):
        fresh_copy(target, copy)
        results.append(measure(copy, library, now, seed))
    best = {key: min(times[key] for times, _ in results if key in times) for key in results[0][0]}
    for key, value in best.items():
        line(key.format(s=suffix) + "_ms", value, "ms")
    for key, (value, unit) in results[0][1].items():
        line(f"{key}{suffix}", value, unit)


def content_counts(store, library, day_end: datetime) -> dict[str, int]:
    """Today's work among the content's items, straight from the database (no limits applied)."""
    ids = [(c.id,) for c in library.cards] + [(t.id,) for t in library.templates]
    end = int(day_end.timestamp() * 1000)
    c = store.conn
    c.execute("CREATE TEMP TABLE content (id TEXT PRIMARY KEY)")
    c.executemany("INSERT INTO content VALUES (?)", ids)
    learning, review, new = c.execute(
        "SELECT SUM(is_new = 0 AND state != 2 AND due < ?), SUM(is_new = 0 AND state = 2 AND due < ?), "
        "SUM(is_new) FROM items JOIN content USING (id) WHERE suspended = 0", (end, end)).fetchone()
    c.execute("DROP TABLE content")
    return {"learning": learning or 0, "review": review or 0, "new": new or 0}


def full_content(library, seed: int):
    """The bundled library with every synthetic id as one more card or template of its deck."""
    from studyapp.core.library import Library

    extra: dict[str, tuple[list, list]] = {d.id: ([], []) for d in library.decks}
    by_id = {d.id: d for d in library.decks}
    for iid, deck, kind in synthetic_items(library, seed):
        cards, problems = extra[deck]
        if kind == "card":
            proto = by_id[deck].cards[len(cards) % len(by_id[deck].cards)]
            cards.append(replace(proto, id=iid, aliases=()))
        else:
            proto = by_id[deck].problems[len(problems) % len(by_id[deck].problems)]
            problems.append(replace(proto, id=iid, aliases=()))
    return Library(decks=[replace(d, cards=d.cards + tuple(extra[d.id][0]),
                                  problems=d.problems + tuple(extra[d.id][1])) for d in library.decks])


def synthetic_items(library, seed: int) -> list[tuple[str, str, str]]:
    """(id, deck, kind) of the synthetic items: the decks in turn, cards and problems in the
    bundled content's proportions."""
    rng = random.Random(seed + 1)
    decks = [d for d in library.decks if d.cards or d.problems]
    if not decks:
        return []
    real = len(library.cards) + len(library.templates)
    share = len(library.templates) / real if real else 0.0

    def kind(deck) -> str:  # a deck without problems (or without cards) gets only the other kind
        if not deck.problems:
            return "card"
        if not deck.cards:
            return "problem"
        return "problem" if rng.random() < share else "card"

    return [(f"syn.{deck.id}.{n:06d}", deck.id, kind(deck))
            for n in range(max(ITEMS - real, 0)) for deck in [decks[n % len(decks)]]]


def fresh_copy(source: Path, copy: Path) -> None:
    """A copy of the database, on disk before the timing starts (no writeback under the fsyncs)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    for path in (source, copy):
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())


def fsync_ms(folder: Path) -> float:
    probe = folder / "fsync-probe"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    times = []
    try:
        for _ in range(50):
            os.write(fd, b"\0" * 8192)
            began = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - began) * 1000)
    finally:
        os.close(fd)
        probe.unlink()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, metavar="PATH", help="build the database here and leave it")
    parser.add_argument("--force", action="store_true", help="let --db replace an existing file")
    parser.add_argument("--content", type=Path, action="append", metavar="PATH",
                        help="decks (files or folders) instead of the bundled ones; repeatable")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"measuring rounds, each on a fresh copy; the best is printed ({ROUNDS})")
    args = parser.parse_args(argv)
    if args.db is not None and args.db.exists() and not args.force:
        parser.exit(2, f"{args.db} exists; use --force to replace it\n")

    from studyapp.core.days import day_bounds
    from studyapp.core.library import load_library

    library = load_library(args.content)
    if library.errors:
        parser.exit(2, "".join(f"{error}\n" for error in library.errors))
    if not library.cards and not library.templates:
        parser.exit(2, "the content has no cards and no problem templates to build items from\n")
    now = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    today_start = day_bounds(now, UTC, 4)[0]
    start_ms = int(today_start.timestamp() * 1000)
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    try:
        if args.db is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{args.db}{suffix}").unlink(missing_ok=True)
            target = args.db
        else:
            target = work / "built.db"
        facts = build(target, library, start_ms, args.seed)
        line("build_s", facts.pop("build_s"), "s")
        line("simulate_s", facts.pop("simulate_s"), "s")
        line("db_mb", facts.pop("db_mb"), "MB")
        for key, value in facts.items():
            line(key, value, "days" if key.startswith("days") else "reviews" if "reviews" in key else "rows")
        for key, value in state_mix(target, int(now.timestamp() * 1000)).items():
            line(f"items_{key}", value, "items")
        gc.collect()
        copy = work / "measure.db"
        fresh_copy(target, copy)
        line("fsync_ms", fsync_ms(work), "ms")
        run_variant(target, copy, library, now, args.seed, args.rounds, "")
        run_variant(target, copy, full_content(library, args.seed), now, args.seed, args.rounds,
                    "_full_content")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.db is not None:
        print(f"database left at {args.db}: studyapp --db {args.db}", file=sys.stderr)


if __name__ == "__main__":
    main()
