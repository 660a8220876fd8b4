"""Start-up of the TUI in a real terminal, against a bare Textual app; prints JSON lines.

- useful_home_ratio (goal <= 1.3): median time until ``studyapp``'s Home shows what a learner
  opened it for, the decks with today's counts (the "Learning" column comes with them), divided
  by the median time a bare Textual app (one ``Static("hello")``) takes to draw its first screen.
  Both run in the same tmux (a real pseudo-terminal) at 80x24, alternately in one run, so that
  the machine's noise falls on both alike. useful_home_s / hello_first_screen_s: the medians.
- home_rss_bundled_mb (goal <= 80): the resident memory of studyapp with Home on screen and
  everything it loads in the background done (2 s after the counts show), bundled content, on a
  home of its own (whatever --db is).
- first_screen_ratio / first_screen_s: the same for Home's first paint (the table's frame, before
  the content, NumPy and the database are loaded in a worker); *_best: the best runs.

Both programs run as installed: their bytecode compiled beforehand (``pip install`` compiles it;
an editable install or ``PYTHONDONTWRITEBYTECODE`` would otherwise recompile studyapp on every
start, and only studyapp, since the bare app's Textual was compiled at install).

The clock starts before tmux starts the process and stops when ``capture-pane`` first
shows the text; the polling (every 5 ms) costs both apps the same. studyapp runs on a
temporary STUDYAPP_HOME whose database was created by one warm-up start beforehand (a
learner's everyday start, not the very first one).

Usage: bench/tui_start.py [--rounds N] [--db PATH]. Needs tmux and the installed ``studyapp``.
``--db`` starts on a copy of that database (e.g. the year-long one of ``bench/store.py --db``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static("hello, bare textual")


Hello().run()
"""


def line(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


# A private tmux server kept alive by an idle session for the whole run: killing a session never
# takes the server down with it (a new session racing a dying server fails), and nobody else's
# tmux is touched.
TMUX = ["tmux", "-L", f"studyapp-bench-{os.getpid()}"]


def first_screen(command: str, text: str, session: str, timeout: float = 30.0) -> float:
    """Seconds from starting ``command`` in a fresh 80x24 tmux session until ``text`` shows."""
    start = time.perf_counter()
    subprocess.run([*TMUX, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        while time.perf_counter() - start < timeout:
            shown = subprocess.run([*TMUX, "capture-pane", "-p", "-t", session],
                                   capture_output=True, text=True).stdout
            if text in shown:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise SystemExit(f"tui_start: {text!r} did not appear within {timeout} s running {command}")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)


def process_rss_mb(session: str) -> float:
    """VmRSS of the studyapp process in ``session``'s pane (the pane's process or a child of it)."""
    pid = subprocess.run([*TMUX, "display", "-p", "-t", session, "#{pane_pid}"], capture_output=True,
                         text=True, check=True).stdout.strip()
    pids = [pid] + Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for candidate in pids:
        cmdline = Path(f"/proc/{candidate}/cmdline").read_bytes()
        if b"studyapp" in cmdline:
            for row in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    raise SystemExit(f"tui_start: no studyapp process in the pane of {session}")


def home_rss(binary: Path, tmp: str) -> float:
    """Home's settled memory on the bundled content, in a home of its own."""
    command = f"STUDYAPP_HOME={tmp}/home-rss {binary}"
    first_screen(command, "Learning", "bench-rss-warm", timeout=600)
    start = time.perf_counter()
    subprocess.run([*TMUX, "new-session", "-d", "-s", "bench-rss", "-x", "80", "-y", "24", command],
                   check=True)
    try:
        while "Learning" not in subprocess.run([*TMUX, "capture-pane", "-p", "-t", "bench-rss"],
                                               capture_output=True, text=True).stdout:
            if time.perf_counter() - start > 60:
                raise SystemExit("tui_start: Home did not show its counts within 60 s")
            time.sleep(0.05)
        time.sleep(2.0)  # the content's load and the browser's index, in workers
        return process_rss_mb("bench-rss")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", "bench-rss"], capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--db", type=Path, help="start on a copy of this database")
    args = parser.parse_args()
    binary = Path(sys.executable).parent / "studyapp"
    if shutil.which("tmux") is None:
        print("tui_start: tmux is not installed (apt-get install tmux)", file=sys.stderr)
        return 2
    if not binary.exists():
        print(f"tui_start: no installed studyapp at {binary} (pip install -e .)", file=sys.stderr)
        return 2
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "studyapp", quiet=1)
    subprocess.run([*TMUX, "new-session", "-d", "-s", "keeper", "sleep 3600"], check=True)
    try:
        return measure(binary, args.rounds, args.db)
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)


def measure(binary: Path, rounds: int, db: Path | None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        if db is not None:
            (Path(tmp) / "home").mkdir()
            shutil.copyfile(db, Path(tmp) / "home" / "progress.sqlite3")
        ours = f"STUDYAPP_HOME={tmp}/home {binary}"
        bare = f"{sys.executable} {hello}"
        # Once with the counts shown: the database created (or upgraded) and synced with the content.
        first_screen(ours, "Learning", "bench-warm", timeout=600)
        first_screen(bare, "hello, bare textual", "bench-warm")
        times: dict[str, list[float]] = {"ours": [], "bare": []}
        for i in range(rounds):
            order = [("ours", ours, "All decks"), ("bare", bare, "hello, bare textual")]
            for name, command, text in order if i % 2 == 0 else order[::-1]:
                times[name].append(first_screen(command, text, f"bench-{name}-{i}"))
        ready: list[float] = []
        for i in range(rounds):  # alternately again, against the bare app's first screen
            order = [("ready", ours, "Learning"), ("bare", bare, "hello, bare textual")]
            for name, command, text in order if i % 2 == 0 else order[::-1]:
                (ready if name == "ready" else times["bare"]).append(
                    first_screen(command, text, f"bench-{name}-r{i}"))
        rss = home_rss(binary, tmp)
    ours_m, bare_m = statistics.median(times["ours"]), statistics.median(times["bare"])
    ready_m = statistics.median(ready)
    line("useful_home_ratio", ready_m / bare_m, "x")
    line("useful_home_s", ready_m, "s")
    line("first_screen_ratio", ours_m / bare_m, "x")
    line("first_screen_s", ours_m, "s")
    line("hello_first_screen_s", bare_m, "s")
    line("first_screen_s_best", min(times["ours"]), "s")
    line("hello_first_screen_s_best", min(times["bare"]), "s")
    line("useful_home_s_best", min(ready), "s")
    line("home_rss_bundled_mb", rss, "MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
