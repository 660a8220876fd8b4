"""Speed of the progress report and of class worksheets; prints JSON lines {"name", "value", "unit"}
(and "goal" where there is one).

- report_html_s / report_json_s (goal <= 1.5 s; the statistics screen computes the JSON's
  figures: stats_compute_s in bench/year.py, goal <= 1 s): wall time of the whole process
  ``studyapp report --format html|json --out FILE`` on a database of 100,000 items and
  1,000,000 reviews (a year of history), built as bench/store.py builds it (its ``build``).
  Best of --rounds runs (the machine is shared and noisy); *_median: the median run.
  report_*_cpu_s: the CPU time (user + system) of the best run's process: with two cores or
  more the report's queries run in parallel, so it is above the wall time.
- worksheets_30x20_s (goal <= 2 s): wall time of ``studyapp generate --students 30 --count 20
  --format html --out DIR`` as a whole process, best of --rounds. Printed only when that
  command works here; otherwise a line on stderr says why.
- worksheets_figures_30x20_s (goal <= 3 s): the same with ``--answers end``: each sheet with its
  answer key, every worked solution with its figures as inline SVG; worksheets_figures_svgs: the
  figures drawn in one run.

The settings are read from a temporary STUDYAPP_HOME: time zone UTC, days starting at 04:00,
as bench/store.py assumes.

Usage: bench/report.py [--db PATH] [--rounds N]. With --db an existing database is used (e.g.
one left by ``bench/store.py --db PATH``), through a copy in a temporary folder that is upgraded to
the current schema first (upgrade_s; the file given is never written, and a report reads only a
database of the current schema); without, one is built in a temporary folder (~30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import line, store_bench  # bench/common.py: scripts run from bench/ find it

ROUNDS = 5



def build_db(path: Path) -> None:
    from datetime import UTC, datetime

    from studyapp.core.days import day_bounds
    from studyapp.core.library import load_library

    bench = store_bench()
    now = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    start = day_bounds(now, UTC, 4)[0]
    facts = bench.build(path, load_library(), int(start.timestamp() * 1000), bench.SEED)
    line("build_s", facts["build_s"], "s")


def upgraded_copy(source: Path, work: Path) -> Path:
    """A copy of ``source`` (with its WAL) in ``work``, opened read-write once: upgraded."""
    from studyapp.store.progress import Store

    copy = work / "year.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
    began = time.perf_counter()
    Store(copy).close()
    line("upgrade_s", time.perf_counter() - began, "s")
    return copy


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_report(db: Path, work: Path, env: dict[str, str], rounds: int) -> None:
    cli = [sys.executable, "-m", "studyapp"]
    for fmt in ("html", "json"):
        out = work / f"report.{fmt}"
        runs = [timed([*cli, "report", "--db", str(db), "--format", fmt, "--out", str(out), "--force"], env)
                for _ in range(rounds)]
        best = min(runs)
        line(f"report_{fmt}_s", best[0], "s", "<= 1.5 s")
        line(f"report_{fmt}_median_s", statistics.median(r[0] for r in runs), "s")
        line(f"report_{fmt}_cpu_s", best[1], "s")
        line(f"report_{fmt}_bytes", out.stat().st_size, "bytes")
    figures = json.loads((work / "report.json").read_text(encoding="utf-8"))
    line("report_reviews", figures["summary"]["reviews"], "reviews")
    line("report_items", figures["summary"]["items"]["total"], "items")


def bench_worksheets(work: Path, env: dict[str, str], rounds: int, figures: bool = False) -> None:
    cli = [sys.executable, "-m", "studyapp", "generate", "--students", "30", "--count", "20",
           "--format", "html", *(["--answers", "end"] if figures else [])]
    name = "worksheets_figures_30x20" if figures else "worksheets_30x20"
    times = []
    try:
        for k in range(rounds):
            times.append(timed([*cli, "--seed", str(k), "--out", str(work / f"{name}-{k}")], env)[0])
    except RuntimeError as exc:
        print(f"{name}_s: not measured: {exc}", file=sys.stderr)
        return
    line(f"{name}_s", min(times), "s", "<= 3 s" if figures else "<= 2 s")
    line(f"{name}_median_s", statistics.median(times), "s")
    sheets = list((work / f"{name}-0").iterdir())
    line(f"{name}_files", len(sheets), "files")
    if figures:
        svgs = sum(sheet.read_text(encoding="utf-8").count("<svg") for sheet in sheets)
        line("worksheets_figures_svgs", svgs, "figures")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, metavar="PATH", help="use this database instead of building one")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"runs of each command; the best is printed ({ROUNDS})")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-report-"))
    try:
        home = work / "home"
        home.mkdir()
        (home / "config.toml").write_text('timezone = "UTC"\nday_start_hour = 4\n', encoding="utf-8")
        env = {**os.environ, "STUDYAPP_HOME": str(home)}
        env.pop("STUDYAPP_NOW", None)
        db = args.db
        if db is None:
            db = work / "big.sqlite3"
            build_db(db)
        elif not db.exists():
            parser.exit(2, f"{db} does not exist\n")
        else:
            db = upgraded_copy(db, work)
        bench_report(db, work, env, args.rounds)
        bench_worksheets(work, env, args.rounds)
        bench_worksheets(work, env, args.rounds, figures=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
