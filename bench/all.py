"""Every benchmark in bench/, one after another: each figure as a JSON line with its goal.

Runs generate.py, store.py, report.py, year.py, browse.py, optimize.py, tui_start.py and
tui_feedback.py, each in a process of its own with this Python, and prints every JSON line they
print as it comes, adding ``"goal"`` where issue 14 (or the script's docstring) sets one, and
``"met"`` (true or false) for every line with a goal; a line that carries its own goal keeps it.
A script that is not there (browse.py is new) gets one line ``{"name": "<script>", "skipped":
"..."}``; one that fails gets ``{"name": "<script>_failed", "value": <exit status>, ...}`` and the
run goes on (exit status 1 at the end). What the scripts print that is not a figure goes to
stderr. Last, ``goals_met`` says how many of the figures with a goal met it.

The year-long database (100,000 items, 1,000,000 reviews): store.py builds one and leaves it in
a temporary folder, and report.py, year.py, browse.py and optimize.py are given it; with --db PATH
they are given that file instead (they only read it: each measures on a copy of its own).

Usage: bench/all.py [--db PATH] [--rounds N] [--only SCRIPT ...]. --rounds is passed to every
script that takes it (otherwise each uses its own default); --only runs those scripts (by name,
e.g. ``--only year report``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("generate", "store", "report", "year", "browse", "optimize", "grade", "tui_start", "tui_feedback")
# given the year-long database when they take --db
USES_DB = {"report", "year", "browse", "optimize", "tui_start"}

# (a figure's name, in full, its goal): issue 14's, and those the scripts' docstrings name.
GOALS: tuple[tuple[str, str], ...] = (
    (r"useful_home_ratio", "<= 1.3 x"),  # 1. Home with its decks, against a bare Textual app
    (r"feedback_ms_max", "<= 50 ms"),  # 2. answer -> feedback, the slowest template
    (r"next_item_ms_median", "<= 50 ms"),  # 2. rating key -> next item on screen
    (r"feedback_settled_ms_max", "<= 50 ms"),  # 2. the same, to the last frame that changes a cell
    (r"next_item_(paint|settled)_ms_(median|max)", "<= 50 ms"),  # "each" next item, so the max too
    (r"first_open_after_content_change(_bundled)?_s", "<= 1 s"),  # 3. a year of history
    (r"browse_open(_bundled)?_s", "<= 0.5 s"),
    (r"browse_keystroke(_max)?(_bundled)?_ms", "<= 50 ms"),  # "each search keystroke": the max too
    (r"browse_search_first(_bundled)?_ms", "<= 50 ms"),  # the first search typed as Browse opens, its part
    (r"browse_search_rows_first(_bundled)?_s", "<= 0.55 s"),  # the same, with the opening (<= 0.5 s)
    (r"history_view(_bundled)?_ms", "<= 100 ms"),
    (r"stats_(compute|screen)_s", "<= 1 s"),
    (r"exam_finish_1000_s", "<= 1 s"),
    (r"generate_process_rate_median", ">= 15000 problems/s"),  # 4. whole process, median of 5
    (r"browse_rss(_bundled)?_mb", "<= 150 MB"),  # 6. memory
    (r"home_rss(_bundled)?_mb", "<= 80 MB"),
    (r"open_counts(_full_content)?_ms", "<= 100 ms"),  # bench/store.py
    (r"next_item(_full_content)?(_p95)?_ms", "<= 5 ms"),
    (r"commit(_full_content)?(_p95)?_ms", "<= 5 ms"),
    (r"report_(html|json)_s", "<= 1.5 s"),  # bench/report.py
    (r"worksheets_30x20_s", "<= 2 s"),
    (r"worksheets_figures_30x20_s", "<= 3 s"),  # issue 15: sheets with keys and figures
    (r"memory_states_recompute_100k_s", "<= 30 s"),  # bench/optimize.py: states after a fit
    (r"grade_500x20_s", "<= 5 s"),  # bench/grade.py: a class graded, every output written
)
BOUND = re.compile(r"\s*(<=|>=)\s*([0-9.]+)")


def goal_of(name: str) -> str | None:
    return next((goal for pattern, goal in GOALS if re.fullmatch(pattern, name)), None)


def met(value: object, goal: str) -> bool | None:
    """Whether ``value`` meets ``goal`` ("<= 1 s", ">= 15000 problems/s"); None if either is unreadable."""
    bound = BOUND.match(goal)
    if bound is None or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    limit = float(bound.group(2))
    return value <= limit if bound.group(1) == "<=" else value >= limit


class Tally:
    def __init__(self) -> None:
        self.with_goal = self.met = 0
        self.failed: list[str] = []

    def emit(self, figure: dict) -> None:
        goal = figure.get("goal") or goal_of(str(figure.get("name", "")))
        if goal is not None:
            figure["goal"] = goal
            ok = met(figure.get("value"), goal)
            if ok is not None:
                figure["met"] = ok
                self.with_goal += 1
                self.met += ok
        print(json.dumps(figure, ensure_ascii=False), flush=True)


def takes(script: Path, option: str) -> bool:
    """Whether the script has the option (read from its text: some run as soon as they start)."""
    return f'"{option}"' in script.read_text(encoding="utf-8")


def run(name: str, argv: list[str], tally: Tally) -> None:
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    assert proc.stdout is not None
    for raw in proc.stdout:
        try:
            figure = json.loads(raw)
        except ValueError:
            figure = None
        if isinstance(figure, dict) and "name" in figure:
            tally.emit(figure)
        else:
            print(raw, end="", file=sys.stderr, flush=True)
    status = proc.wait()
    tally.emit({"name": f"bench_{name}_s", "value": round(time.perf_counter() - began, 1), "unit": "s"})
    if status != 0:
        tally.failed.append(name)
        tally.emit({"name": f"{name}_failed", "value": status, "unit": "exit status",
                    "command": " ".join(["bench/" + Path(argv[0]).name, *argv[1:]])})


def arguments(name: str, script: Path, db: Path | None, built: Path, rounds: int | None) -> list[str]:
    argv = [str(script)]
    if name == "store":
        argv += ["--db", str(built)]  # built here and left for the others
    elif name in USES_DB and takes(script, "--db"):
        if db is not None:
            argv += ["--db", str(db)]
        elif built.exists():
            argv += ["--db", str(built)]
    if rounds is not None and takes(script, "--rounds"):
        argv += ["--rounds", str(rounds)]
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, metavar="PATH", help="the year-long database (only read)")
    parser.add_argument("--rounds", type=int, help="passed to every script that takes --rounds")
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, metavar="SCRIPT",
                        help=f"run only these ({', '.join(SCRIPTS)})")
    args = parser.parse_args(argv)
    if args.db is not None and not args.db.is_file():
        parser.exit(2, f"{args.db} does not exist\n")
    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-all-"))
    try:
        built = work / "year.sqlite3"
        for name in args.only or SCRIPTS:
            script = HERE / f"{name}.py"
            if not script.is_file():
                print(json.dumps({"name": name, "skipped": f"bench/{name}.py is not there"}), flush=True)
                continue
            run(name, arguments(name, script, args.db, built, args.rounds), tally)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"name": "goals_met", "value": tally.met, "unit": f"of {tally.with_goal}",
                      "failed": tally.failed}), flush=True)
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
