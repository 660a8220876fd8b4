"""The memory model at the scale of a year; prints JSON lines {"name", "value", "unit", "goal"}.

Measured on a database of 100,000 items and 1,000,000 reviews (``bench/store.py --db PATH`` builds
one), always on a copy in a temporary folder: the file given is never written. The copy is first
opened read-write once, which upgrades it to the current schema (optimize_upgrade_s).

- optimize_read_histories_s: ``scheduled_histories``, every item's scheduled reviews read from the
  log (optimize_reviews of them, optimize_items items).
- optimize_fit_1m_reviews_s: what ``studyapp optimize`` waits for: ``fit_all(per_deck=False)``,
  the histories read again, the five held-out fits and evaluations and the fit to every review;
  optimize_training_items: the reviews fsrs-rs trained on; optimize_kept: 1 if the fit predicted
  the held-out reviews better than the defaults; optimize_log_loss_default / _fitted: those figures.
- memory_states_recompute_100k_s (goal <= 30 s): ``recompute`` with the fitted parameters (kept or
  not: the cost is the same): every studied item's memory state recomputed from its history by
  fsrs-rs, its due date from py-fsrs, the changed rows written; memory_states_changed_items: how
  many were. memory_states_recompute_same_s: the same with the default parameters, under which the
  log was written (float precision alone changes the stored states).

Each is measured once: a fit of a million reviews takes tens of seconds, and the machine's noise is
small against that.

Usage: bench/optimize.py [--db PATH] [--seed N]. Without --db a database is built in the temporary
folder first (bench/store.py's ``build``, about a minute); --seed is the one it is built with.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from common import line, store_bench  # bench/common.py: scripts run from bench/ find it


def copy_db(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def timed(what):
    began = time.perf_counter()
    out = what()
    return out, time.perf_counter() - began


def measure(path: Path, now: datetime) -> None:
    from studyapp.core.memory_model import MemoryModel
    from studyapp.core.optimizer import updated_model
    from studyapp.core.review_history import review_count
    from studyapp.core.scheduler import Scheduler
    from studyapp.core.settings import Settings
    from studyapp.store.memory_states import fit_all, recompute, scheduled_histories
    from studyapp.store.progress import Store

    store, seconds = timed(lambda: Store(path))
    line("optimize_upgrade_s", seconds, "s")
    try:
        hists, seconds = timed(lambda: scheduled_histories(store.conn))
        line("optimize_read_histories_s", seconds, "s")
        line("optimize_reviews", review_count(hists), "reviews")
        line("optimize_items", len(hists), "items")
        del hists
        defaults = Scheduler(Settings())
        (result, _), seconds = timed(lambda: fit_all(store, defaults, per_deck=False))
        line("optimize_fit_1m_reviews_s", seconds, "s")
        line("optimize_training_items", result.usable, "items")
        line("optimize_kept", int(result.kept), "bool")
        line("optimize_log_loss_default", result.default.log_loss, "log loss")
        line("optimize_log_loss_fitted", result.result.log_loss, "log loss")
        model = updated_model(MemoryModel(), [replace(result, kept=True)], now)
        fitted = Scheduler(Settings(memory_model=model))
        changed, seconds = timed(lambda: recompute(store, fitted))
        line("memory_states_recompute_100k_s", seconds, "s", "<= 30 s")
        line("memory_states_changed_items", changed, "items")
        _, seconds = timed(lambda: recompute(store, defaults))
        line("memory_states_recompute_same_s", seconds, "s")
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="the year-long database (only read: measured on a copy); built if not given")
    parser.add_argument("--seed", type=int, default=None, help="the seed to build the database with")
    args = parser.parse_args(argv)
    if args.db is not None and not args.db.is_file():
        parser.exit(2, f"{args.db} does not exist\n")
    now = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-optimize-"))
    try:
        path = work / "year.sqlite3"
        if args.db is None:
            from studyapp.core.days import day_bounds
            from studyapp.core.library import load_library

            bench = store_bench()
            seed = bench.SEED if args.seed is None else args.seed
            start = int(day_bounds(now, UTC, 4)[0].timestamp() * 1000)
            line("build_s", bench.build(path, load_library(), start, seed)["build_s"], "s")
        else:
            copy_db(args.db, path)
        measure(path, now)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
