"""The browser with a year of history: opening it, searching, an item's history, memory; prints
JSON lines {"name", "value", "unit"}.

Driven in-process with Textual's Pilot (headless, 120x40), the app built as the CLI builds it
(``build_app``; the real clock, UTC, the bench's own settings file), on a temporary copy of the
database (``--db PATH``, e.g. the one ``bench/store.py --db PATH`` leaves; without --db a smaller
one is built: 20,000 items, 200,000 reviews). Each library runs in a process of its own, so that
one's memory is not counted in the other's:

- ``full`` (no suffix): a library in which every one of the database's items is content (the
  bundled decks with the synthetic ids as more cards and templates, as ``bench/store.py``'s
  ``*_full_content`` figures do): Browse lists 100,000 items. It is put in place of the bundled
  library once the app is built (``app._library``), before Home syncs it.
- ``_bundled``: the bundled content (339 items) on the same database: ``studyapp --db PATH``.

Figures (goals from issue 14; medians unless said otherwise). Keys are posted as a terminal
sends them (``pilot.press`` then waits until the process looks idle, up to 2 s while the index
is built in a worker). "Painted" means: the screen's new content is in its widgets and the bench
has had Textual lay out and paint it at once (a terminal does so at its next frame); a screen
from before paging (which does not say which search its rows are for) is measured "gross".

- browse_open_s (<= 0.5): from the key press on Home until the first rows are painted, over
  --rounds + 1 opens (Escape back to Home in between); browse_open_first_s: the first of them
  (the search index is built after it, once per app); browse_open_max_s: the slowest.
- browse_search_rows_s, browse_search_ready_s: from the key press until a free-text search
  ("stride", first found at the 16,677th item of 100,000) typed as soon as the first rows show
  has its first rows painted, and until its count is painted too; on the first open (``_first``:
  the index is built meanwhile, and the count waits for all of it) and on a later one.
  browse_search_first_ms, browse_search_ms (<= 50): the same search's part alone, from its
  keystroke until its first rows are painted (browse_search_rows_s less the opening).
- browse_index_ready_s: from starting the app until the search index it builds once its content
  is loaded (``tui.browse_prepare``) is complete; every open above comes after it (a learner
  on Home meanwhile). A Browse opened sooner answers a search from the items already in.
- browse_keystroke_ms (<= 50): the searches below typed one character at a time into an empty
  search line; for each character that makes a valid search, the time from the keystroke until
  the new first rows are painted (half-typed prefixes such as ``is:d`` are refused at once and
  not counted). browse_keystroke_max_ms: the slowest; browse_keystroke_<name>_ms: the median of
  one search (text ``stride``, zh ``步幅``, deck ``deck:convolution``, due ``is:due``, prop
  ``prop:ivl>10``); browse_keystroke_max_at: the search of the slowest; browse_count_ms: until
  the status line's count is painted too.
  browse_keystroke_gross_ms: the same keystrokes measured the way a screen without paging had to
  be (``pilot.pause``, its workers done, ``pilot.pause``), which includes pilot_idle_ms twice.
- history_view_ms (<= 100): Enter on the item with the most answers until its details, with the
  whole review history, are painted; history_answers: how many answers that item has.
- browse_rss_mb (<= 150): the process's resident memory with Browse open after all of the
  above; browse_peak_rss_mb: the most it ever used.

Usage: bench/browse.py [--db PATH] [--rounds N] [--only full|bundled]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEARCHES = {"text": "stride", "zh": "步幅", "deck": "deck:convolution", "due": "is:due",
            "prop": "prop:ivl>10"}
ROUNDS = 5
SMALL_ITEMS, SMALL_REVIEWS = 20_000, 200_000


def line(name: str, value: float | str, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3) if isinstance(value, float) else value,
                      "unit": unit}), flush=True)


def rss_mb(field: str = "VmRSS") -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1]) / 1024
    return 0.0


def bench_store():
    sys.path.insert(0, str(HERE))
    import store as bench_store_module  # bench/store.py: the synthetic database and library

    return bench_store_module


# --- driving the screen ---------------------------------------------------------------------------
async def until(pilot, condition, timeout: float = 60.0) -> None:
    began = time.perf_counter()
    while not condition():
        if time.perf_counter() - began > timeout:
            raise TimeoutError("the browser did not get there")
        await asyncio.sleep(0.001)


def table_rows(app) -> int:
    from textual.widgets import DataTable

    tables = app.screen.query("#items")
    return tables.first(DataTable).row_count if tables else 0


def status(app) -> str:
    return str(app.screen.query_one("#browse-status").render())


def paint(pilot) -> None:
    """Lay out and paint what changed, now (what the next frame does in a terminal; ``pilot.pause``
    does the same after waiting until the process looks idle, which takes 20 ms or more)."""
    pilot.app.screen._on_timer_update()


def key(pilot, name: str) -> None:
    """Press a key as the terminal does, without waiting (``pilot.press`` then waits until the
    process looks idle, up to two seconds while the browser builds its index in a worker)."""
    from textual import events

    pilot.app.post_message(events.Key(name, name if len(name) == 1 else None))


async def open_browser(pilot) -> float:
    """Seconds from pressing b on Home until the first rows are painted."""
    began = time.perf_counter()
    key(pilot, "b")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "BrowseScreen"
                and table_rows(pilot.app) > 0)
    paint(pilot)
    return time.perf_counter() - began


def index_built(app) -> bool:
    """Whether the search index the app builds once its content is loaded is complete."""
    from studyapp.store.browse_index import BrowseIndex

    return BrowseIndex.shared(app.store.path, app.library, app.settings.lang).complete.is_set()


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def set_search(pilot, text: str) -> None:
    from textual.widgets import Input

    pilot.app.screen.query_one("#search", Input).value = text
    await pilot.pause()


async def type_search(pilot, text: str) -> tuple[float, float, float]:
    """Put ``text`` in the search line: ms until its first rows are painted, until its count is,
    and until the app is idle again, measured as the bench measured before the paging screen
    (``pilot.pause``, the workers done, ``pilot.pause``: "gross", 40 ms or more of it waiting)."""
    from textual.widgets import Input

    screen = pilot.app.screen
    before = getattr(screen, "generation", 0)
    began = time.perf_counter()
    screen.query_one("#search", Input).value = text
    rows = counted = None
    if hasattr(screen, "rows_for"):  # the screen says which search its rows and count are for
        await until(pilot, lambda: screen.generation > before and screen.rows_for == screen.generation)
        paint(pilot)
        rows = (time.perf_counter() - began) * 1000
        await until(pilot, lambda: screen.count_for == screen.generation)
        paint(pilot)
        counted = (time.perf_counter() - began) * 1000
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    gross = (time.perf_counter() - began) * 1000
    return rows or gross, counted or gross, gross


async def search_ready(pilot, word: str) -> tuple[float, float, float, float]:
    """Seconds from pressing b until the first rows are painted, until a search typed as soon as
    they are has its first rows painted, and until its count is too; and ms from that search's
    keystroke until its first rows are painted."""
    began = time.perf_counter()
    opened = await open_browser(pilot)
    typed = time.perf_counter() - began
    rows, counted, _ = await type_search(pilot, word)
    return opened, typed + rows / 1000, typed + counted / 1000, rows


async def keystrokes(pilot, text: str) -> list[tuple[float, float, float, str]]:
    """``type_search``'s three times for each keystroke of ``text`` that makes a valid search, and
    the search it made."""
    from studyapp.core.search import Query, parse

    await set_search(pilot, "")
    await settle(pilot)
    out = []
    for k in range(1, len(text) + 1):
        if not isinstance(parse(text[:k]), Query):
            await set_search(pilot, text[:k])
            await settle(pilot)
            continue
        out.append((*await type_search(pilot, text[:k]), text[:k]))
        await settle(pilot)  # the next character comes after this one's work is done
    return out


async def pilot_idle(pilot) -> float:
    """ms that ``pilot.pause()`` takes when nothing changes (part of every "gross" figure)."""
    times = []
    for _ in range(20):
        began = time.perf_counter()
        await pilot.pause()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def history_view(pilot, item_id: str, rounds: int) -> list[float]:
    from textual.widgets import DataTable

    await type_search(pilot, f"id:{item_id}")
    await settle(pilot)
    pilot.app.screen.query_one("#items", DataTable).focus()
    await pilot.pause()
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        key(pilot, "enter")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ItemScreen"
                    and bool(pilot.app.screen.query("#item-history")))
        paint(pilot)
        times.append((time.perf_counter() - began) * 1000)
        await pilot.press("escape")
        await settle(pilot)
    return times


# --- one library, in its own process --------------------------------------------------------------
def most_answered(db: Path, ids: list[str]) -> tuple[str, int]:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TEMP TABLE content (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO content VALUES (?)", [(i,) for i in ids])
    item, answers = conn.execute(
        "SELECT item_id, COUNT(*) AS answers FROM reviews JOIN content c ON c.id = item_id "
        "GROUP BY item_id ORDER BY answers DESC LIMIT 1").fetchone()
    conn.close()
    return item, answers


async def measure(db: Path, scenario: str, rounds: int) -> None:
    from studyapp.core.settings import Settings
    from studyapp.tui.app import build_app

    suffix = "" if scenario == "full" else f"_{scenario}"
    app = build_app(db, Settings(timezone="UTC"), seed=1, config_file=db.parent / "config.toml")
    if scenario == "full":
        store = bench_store()
        with sqlite3.connect(db) as conn:  # as many items as the database has (--db or a smaller one)
            store.ITEMS = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        app._library = store.full_content(app.library, store.SEED)
    gc.freeze()  # as the app does once its content is loaded (StudyApp._loaded)
    library = app.library
    item, answers = most_answered(db, [x.id for x in (*library.cards, *library.templates)])
    began = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: index_built(app))  # built ahead of the browser (app start)
        index_ready = time.perf_counter() - began
        open_first, rows_first, ready_first, search_first = await search_ready(pilot, SEARCHES["text"])
        await pilot.press("escape")
        await settle(pilot)
        _, rows_later, ready, search_later = await search_ready(pilot, SEARCHES["text"])
        await pilot.press("escape")
        await settle(pilot)
        opens = [open_first]
        for _ in range(rounds - 1):
            opens.append(await open_browser(pilot))
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        opens.append(await open_browser(pilot))
        await settle(pilot)
        per_search = {name: await keystrokes(pilot, text) for name, text in SEARCHES.items()}
        history = await history_view(pilot, item, rounds)
        idle = await pilot_idle(pilot)
        rss, peak = rss_mb(), rss_mb("VmHWM")
    every = [ms for values in per_search.values() for ms, _, _, _ in values]
    counts = [ms for values in per_search.values() for _, ms, _, _ in values]
    gross = [ms for values in per_search.values() for _, _, ms, _ in values]
    line(f"browse_items{suffix}", float(len(library.cards) + len(library.templates)), "items")
    line(f"browse_open{suffix}_s", statistics.median(opens), "s")
    line(f"browse_open_first{suffix}_s", open_first, "s")
    line(f"browse_open_max{suffix}_s", max(opens), "s")
    line(f"browse_search_rows_first{suffix}_s", rows_first, "s")
    line(f"browse_search_ready_first{suffix}_s", ready_first, "s")
    line(f"browse_search_rows{suffix}_s", rows_later, "s")
    line(f"browse_search_first{suffix}_ms", search_first, "ms")
    line(f"browse_search{suffix}_ms", search_later, "ms")
    line(f"browse_index_ready{suffix}_s", index_ready, "s")
    line(f"browse_search_ready{suffix}_s", ready, "s")
    line(f"browse_keystroke{suffix}_ms", statistics.median(every), "ms")
    line(f"browse_keystroke_max{suffix}_ms", max(every), "ms")
    line(f"browse_keystroke_max_at{suffix}", max((ms, typed) for values in per_search.values()
                                                 for ms, _, _, typed in values)[1], "search")
    for name, values in per_search.items():
        line(f"browse_keystroke_{name}{suffix}_ms", statistics.median(ms for ms, _, _, _ in values), "ms")
    line(f"browse_count{suffix}_ms", statistics.median(counts), "ms")
    line(f"browse_count_max{suffix}_ms", max(counts), "ms")
    line(f"browse_keystroke_gross{suffix}_ms", statistics.median(gross), "ms")
    line(f"browse_keystroke_gross_max{suffix}_ms", max(gross), "ms")
    line(f"pilot_idle{suffix}_ms", idle, "ms")
    line(f"history_view{suffix}_ms", statistics.median(history), "ms")
    line(f"history_answers{suffix}", float(answers), "answers")
    line(f"browse_rss{suffix}_mb", rss, "MB")
    line(f"browse_peak_rss{suffix}_mb", peak, "MB")


def small_database(path: Path) -> None:
    """A smaller year: bench/store.py's database with fewer items and reviews."""
    from datetime import UTC, datetime

    from studyapp.core.days import day_bounds
    from studyapp.core.library import load_library

    store = bench_store()
    store.ITEMS, store.REVIEWS = SMALL_ITEMS, SMALL_REVIEWS
    now = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    start = int(day_bounds(now, UTC, 4)[0].timestamp() * 1000)
    store.build(path, load_library(), start, store.SEED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (copied; the copy is measured)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--only", choices=("full", "bundled"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # a child: this copy
    args = parser.parse_args()
    if args.measure is not None:
        asyncio.run(measure(args.measure, args.only or "full", args.rounds))
        return 0
    work = Path(tempfile.mkdtemp(prefix="studyapp-bench-browse-"))
    try:
        source = args.db
        if source is None:
            source = work / "small.sqlite3"
            small_database(source)
        for scenario in [args.only] if args.only else ["full", "bundled"]:
            copy = work / scenario / "p.sqlite3"
            copy.parent.mkdir()
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{source}{suffix}").exists():
                    shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
            done = subprocess.run([sys.executable, __file__, "--measure", str(copy), "--only", scenario,
                                   "--rounds", str(args.rounds)], check=False)
            if done.returncode:
                return done.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
