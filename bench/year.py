"""A year of history stays fast (issue 14, point 3); prints JSON lines {"name", "value", "unit", "goal"}.

Measured on a database of 100,000 items and 1,000,000 reviews (``bench/store.py --db PATH`` builds
one), always on a copy in a temporary folder: the file given is never written. The copy is first
opened read-write once, which upgrades it to the current schema (upgrade_s, a one-time cost).

- first_open_after_content_change_s (goal <= 1 s): the learner edited one deck (in turn: a card
  added, a card renamed through ``aliases`` so that its history moves, a card dropped) and opens
  the app: a new ``Store`` on the file, the ``StudySession`` (it syncs the content and builds
  today's queues) and ``counts()``; the median of --rounds edits, each on the previous one's
  state. Measured with a library in which every one of the 100,000 ids is content (the bundled
  cards and templates repeated under the synthetic ids, as bench/store.py's ``full_content``): the
  worst case. *_bundled: the same with the bundled content (the synthetic ids are then history
  whose items are gone from the content). *_max: the slowest edit. first_open_unchanged_s: the
  same open with no edit (the sync is skipped). first_sync_s: syncing the bundled content the
  first time (the synthetic ids flagged as gone), once.
- stats_compute_s (goal <= 1 s): what the statistics screen computes in its worker:
  ``studyapp.report.figures.compute`` on read-only connections (``store.readonly.connector``),
  median of --rounds; stats_screen_s: the same plus naming the top mistakes as the screen does
  (``StatsScreen.name_mistakes``: a seek in the review log and a problem generated per mistake).
- exam_finish_1000_s (goal <= 1 s): ``Exam.finish`` of a 1,000-problem exam over the bundled
  templates (two in three answered right, one in six wrong, one in six left blank): grading every
  answer and logging every problem, committed; median of --rounds exams. *_transactions: how many
  write transactions (each an fsync) the last one made; exam_finish_20000_s: one exam of 20,000.

"Now" is 10:00 UTC today; the settings' zone is UTC, days start at 04:00 (as bench/store.py).

Usage: bench/year.py [--db PATH] [--rounds N] [--seed N]. Without --db a database is built in the
temporary folder first (bench/store.py's ``build``, about a minute). --seed: the one the database
was built with (bench/store.py's default), for the synthetic ids of the full content.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from common import line, store_bench  # bench/common.py: scripts run from bench/ find it

ROUNDS = 9
EXAM_COUNT = 1000


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


# --- first open after a content change ------------------------------------------------------------
def edit(library, k: int):
    """The library with one deck edited: a card added (k % 3 == 0), renamed through aliases (1) or
    dropped (2); the deck changes with k."""
    from studyapp.core.library import Library

    decks = list(library.decks)
    with_cards = [n for n, d in enumerate(decks) if len(d.cards) > 1]
    n = with_cards[k % len(with_cards)]
    deck = decks[n]
    cards = list(deck.cards)
    if k % 3 == 0:
        cards.append(replace(cards[0], id=f"bench.added.{deck.id}.{k}", aliases=()))
    elif k % 3 == 1:
        old = cards[0]
        cards[0] = replace(old, id=f"{old.id}.r{k}", aliases=(old.id,))
    else:
        cards.pop()
    decks[n] = replace(deck, cards=tuple(cards))
    return Library(decks=decks)


def open_app(path: Path, library, clock: Clock) -> float:
    """Seconds to open the store, build the session and count today's work."""
    import numpy as np

    from studyapp.core.session import StudySession
    from studyapp.core.settings import Settings
    from studyapp.store.progress import Store

    gc.collect()
    began = time.perf_counter()
    store = Store(path)
    try:
        session = StudySession(library, store, Settings(timezone="UTC"), clock, np.random.default_rng(1))
        session.counts()
        return time.perf_counter() - began
    finally:
        store.close()


def bench_open(path: Path, library, clock: Clock, rounds: int, suffix: str):  # noqa: ANN201 - a Library
    """Print the open figures with ``library`` edited ``rounds`` times; return the last library."""
    open_app(path, library, clock)  # synced with this content before the edits
    unchanged = statistics.median(open_app(path, library, clock) for _ in range(3))
    times = []
    for k in range(rounds):
        library = edit(library, k)
        times.append(open_app(path, library, clock))
    line(f"first_open_after_content_change{suffix}_s", statistics.median(times), "s", "<= 1 s")
    line(f"first_open_after_content_change{suffix}_max_s", max(times), "s")
    line(f"first_open_unchanged{suffix}_s", unchanged, "s")
    return library


# --- finishing an exam ----------------------------------------------------------------------------
def counting_store(path: Path):  # noqa: ANN201 - a Store that counts its write transactions
    from studyapp.store.progress import Store

    class Counting(Store):
        transactions = 0

        def transaction(self):  # noqa: ANN202
            self.transactions += 1
            return super().transaction()

    return Counting(path)


def finish_exam(store, library, clock: Clock, count: int, seed: int) -> float:
    """Seconds ``Exam.finish`` takes for an exam of ``count`` problems, answered as a learner would."""
    from studyapp.core.exam import Exam, ExamSpec
    from studyapp.core.numfmt import format_answer

    exam = Exam.create(library, ExamSpec(count=count, seed=seed), clock)
    for i, problem in enumerate(exam.problems):
        if i % 3:
            exam.answer(i, format_answer(problem.answer, problem.decimals))
        elif i % 2:
            exam.answer(i, "0")
    clock.now += timedelta(minutes=40)
    gc.collect()
    began = time.perf_counter()
    result = exam.finish(store)
    took = time.perf_counter() - began
    assert result.total == count
    clock.now += timedelta(minutes=20)
    return took


def bench_exam(path: Path, library, clock: Clock, rounds: int) -> None:
    store = counting_store(path)
    try:
        times = []
        for seed in range(rounds):
            store.transactions = 0
            times.append(finish_exam(store, library, clock, EXAM_COUNT, seed))
        line("exam_finish_1000_s", statistics.median(times), "s", "<= 1 s")
        line("exam_finish_1000_max_s", max(times), "s")
        line("exam_finish_1000_transactions", store.transactions, "commits")
        line("exam_finish_20000_s", finish_exam(store, library, clock, 20 * EXAM_COUNT, rounds), "s")
    finally:
        store.close()


# --- the statistics screen ------------------------------------------------------------------------
def bench_stats(path: Path, library, now: datetime, rounds: int) -> None:
    from studyapp.core.settings import Settings
    from studyapp.report.figures import compute
    from studyapp.report.scope import library_names, scope_for
    from studyapp.store.progress import Store
    from studyapp.store.readonly import connector
    from studyapp.tui.stats import StatsScreen

    scope = scope_for(Settings(timezone="UTC"), now)
    names = library_names(library, "en")
    computed, screen = [], []
    store = Store(path)
    try:
        host = SimpleNamespace(app=SimpleNamespace(store=store))
        for _ in range(rounds):
            gc.collect()
            began = time.perf_counter()
            fig = compute(connector(path), scope, names=names)
            computed.append(time.perf_counter() - began)
            StatsScreen.name_mistakes(host, fig["mistakes"]["top"], library, "en")  # type: ignore[arg-type]
            screen.append(time.perf_counter() - began)
    finally:
        store.close()
    line("stats_compute_s", statistics.median(computed), "s", "<= 1 s")
    line("stats_screen_s", statistics.median(screen), "s", "<= 1 s")
    line("stats_reviews", fig["summary"]["reviews"], "reviews")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="the year-long database (only read: measured on a copy); built if not given")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"edits, exams and computes ({ROUNDS})")
    parser.add_argument("--seed", type=int, default=None, help="the seed the database was built with")
    args = parser.parse_args(argv)
    if args.db is not None and not args.db.is_file():
        parser.exit(2, f"{args.db} does not exist\n")

    from studyapp.core.days import day_bounds
    from studyapp.core.library import load_library
    from studyapp.store.progress import Store

    bench = store_bench()
    seed = bench.SEED if args.seed is None else args.seed
    library = load_library()
    now = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-year-"))
    try:
        path = work / "year.sqlite3"
        if args.db is None:
            start = int(day_bounds(now, UTC, 4)[0].timestamp() * 1000)
            line("build_s", bench.build(path, library, start, seed)["build_s"], "s")
        else:
            copy_db(args.db, path)
        began = time.perf_counter()
        Store(path).close()
        line("upgrade_s", time.perf_counter() - began, "s")
        clock = Clock(now)
        full = bench.full_content(library, seed)
        bench_open(path, full, clock, args.rounds, "")
        del full
        began = time.perf_counter()
        open_app(path, library, clock)
        line("first_sync_s", time.perf_counter() - began, "s")
        library = bench_open(path, library, clock, args.rounds, "_bundled")
        bench_stats(path, library, now, args.rounds)
        bench_exam(path, library, clock, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
