"""Answer -> feedback in the study screen, for every problem kind and card type; prints JSON lines.

- feedback_ms_max (goal <= 50): over every problem template (each kind at least once) and the
  three card types, the slowest time from submitting an answer to the feedback being laid out
  and painted by Textual (headless, 100x40): ``submit`` grades through the session engine,
  renders the comparison grids and the worked solution, then ``pilot.pause()`` waits until the
  app is idle again (the repaint done). Best of --rounds per item, then the maximum.
- feedback_ms_median: the median item's best time; feedback_ms_slowest: which item that is.
- next_item_ms_median / next_item_ms_max (goal <= 50): from the rating key (saved: one committed
  transaction with synchronous=FULL) to the next item laid out and painted. The next item is
  each template and card type in turn, queued as a new item, so it is generated, previewed and
  drawn as in a session (before, most ratings were timed to the empty "nothing left" screen).
- pilot_idle_ms: what ``pilot.pause()`` alone costs when nothing changed (the test harness waits
  for the app to be idle; a real terminal does not), measured in the same run;
  feedback_net_ms_max = feedback_ms_max - pilot_idle_ms, and next_item_net_ms_median / _max
  the same for the rating key.

Timed by the frames (each item's rounds once more, after the rounds above):
``pilot.pause()`` only notices idleness in windows of 20 ms, and when it returns while a frame
is still due it paints that frame at once, earlier than the app would. So the same actions are
also timed by the frames themselves: the moment Textual hands each composed frame to the
display (headless mode then drops it), the harness waiting without touching the app until no
frame has come for 60 ms (at 60 fps a due frame comes within 33 ms). The time is the action's
last frame. Frames that redraw only the top line (the one-second timer) are not the action's,
and the cursor does not blink in these rounds.

- feedback_paint_ms_max / _median / _slowest: as feedback_ms_*, to the last frame.
- next_item_paint_ms_median / _max / _slowest: rating key -> the next item's last frame.
- feedback_settled_ms_max, next_item_settled_ms_median / _max: to the action's last frame that
  changed what is on screen (the frames are painted, cell by cell, into a model of the display:
  Textual also repaints what has not changed, such as a scrollbar whose size it set again).
- feedback_first_frame_ms_max, next_item_first_frame_ms_median / _max: to the action's first
  frame. The frames after it are Textual laying out again what changed size (it does so a frame
  later, 17-33 ms at 60 fps), which redraws the same text, and for a feedback taller than the
  view, the scroll that brings it into sight; so the first frame is when the learner can read it.

Usage: bench/tui_feedback.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from rich.cells import get_character_cell_size
from rich.console import Console
from rich.segment import ControlType

from studyapp.core.numfmt import format_answer
from studyapp.core.session import StudyItem
from studyapp.core.settings import Settings
from studyapp.tui.app import build_app
from studyapp.tui.study import StudyScreen

QUIET = 0.06  # seconds without a frame: the action's frames are all painted


def line(name: str, value: float | str, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 2) if isinstance(value, float) else value,
                      "unit": unit}), flush=True)


def rows(update: Any) -> set[int] | None:
    """The screen lines a composed frame redraws (None: not known)."""
    spans = getattr(update, "spans", None)  # a partial update: (y, x1, x2) per changed run
    if spans is not None:
        return {y for y, _, _ in spans}
    region = getattr(update, "region", None)  # a whole-region update
    return set(range(region.y, region.bottom)) if region is not None else None


class Cells:
    """What the (headless) display shows, cell by cell, as the composed frames paint it: a frame
    that paints the cells it covers exactly as they were changes nothing a learner can see."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, Any]] = {}
        self.console = Console(width=400, height=200, file=io.StringIO(), legacy_windows=False)

    def paint(self, update: Any) -> set[int]:
        """Paint ``update``; the screen lines whose cells it changed."""
        changed: set[int] = set()
        x = y = 0
        for segment in update.__rich_console__(self.console, self.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            for char in segment.text:
                cell = (char, segment.style)
                if self.cells.get((x, y)) != cell:
                    self.cells[(x, y)] = cell
                    changed.add(y)
                x += get_character_cell_size(char)
        return changed


class Frames:
    """When Textual hands each composed frame to the display. ``App._display`` is Textual's own
    (private) hand-over point; wrapping it is this probe's only reach into Textual.

    ``times``: every frame but the timer's; ``changes``: those that changed what is on screen
    (Textual also repaints what has not changed: a widget laid out again in the same place, a
    scrollbar whose size was set again)."""

    def __init__(self, app: Any):
        self.times: list[float] = []
        self.changes: list[float] = []
        self.screen = Cells()
        display = app._display

        def record(screen: Any, update: Any) -> None:
            now = time.perf_counter()
            if update is not None and rows(update) not in ({0}, set()):  # not the timer's line alone
                self.times.append(now)
            if update is not None and self.screen.paint(update) - {0}:
                self.changes.append(now)
            display(screen, update)

        app._display = record

    def clear(self) -> None:
        self.times.clear()
        self.changes.clear()

    async def after(self, start: float) -> tuple[float, float, float]:
        """ms from ``start`` to the first frame, to the last, and to the last that changed what
        is on screen, once none came for QUIET s."""
        seen = -1
        while len(self.times) != seen or not self.times:
            if time.perf_counter() - start > 10:
                raise RuntimeError("no frame within 10 s of the action")
            seen = len(self.times)
            await asyncio.sleep(QUIET)
        changed = self.changes[-1] if self.changes else self.times[-1]
        return ((self.times[0] - start) * 1000, (self.times[-1] - start) * 1000, (changed - start) * 1000)


def answer(screen: StudyScreen, item: StudyItem) -> None:
    """The right answer, submitted as the learner would (a basic card is flipped)."""
    if item.problem is not None:
        screen.submit_typed(format_answer(item.problem.answer, 8))
    elif item.card is not None and item.card.type == "cloze":
        screen.submit_typed("; ".join(g[0] for g in item.card.gaps("en")))
    elif item.card is not None and item.card.type == "choice":
        screen.chosen = {i for i, o in enumerate(item.card.options) if o.correct}
        screen.action_submit()
    else:
        screen.action_flip()


def label(item: StudyItem) -> str:
    kind = item.problem.kind.name if item.problem is not None else item.card.type  # type: ignore[union-attr]
    return f"{kind}:{item.id}"


async def measure(rounds: int) -> dict[str, Any]:
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: now, seed=1)
        frames = Frames(app)
        best: dict[str, float] = {}
        painted: dict[str, float] = {}
        first: dict[str, float] = {}
        settled: dict[str, float] = {}
        next_ms: list[float] = []
        next_painted: list[tuple[float, float, float]] = []
        next_label: list[str] = []
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            idle = []
            for _ in range(20):
                start = time.perf_counter()
                await pilot.pause()
                idle.append((time.perf_counter() - start) * 1000)
            pilot_idle = statistics.median(idle)
            screen = app.screen
            assert isinstance(screen, StudyScreen)
            ids = [t.id for t in app.library.templates]
            for kind in ("basic", "cloze", "choice"):
                ids.append(next(c.id for c in app.library.cards if c.type == kind))

            async def shown(item_id: str) -> StudyItem:
                item = screen.session.show(item_id)
                assert item is not None
                screen.show_next(item)
                await pilot.pause()
                return item

            async def by_pilot(action: Callable[[], None]) -> float:
                start = time.perf_counter()
                action()
                await pilot.pause()
                return (time.perf_counter() - start) * 1000

            async def by_frames(action: Callable[[], None]) -> tuple[float, float, float]:
                frames.clear()
                start = time.perf_counter()
                action()
                spent = await frames.after(start)
                await pilot.pause()
                return spent

            def queue_next(index: int) -> None:
                """The item after ``ids[index]`` (each template and card type in turn) comes next
                as a new item, so that every rating key is timed to a real item drawn (generated,
                previewed, laid out), never to the empty "nothing left" screen."""
                state = app.store.get(ids[(index + 1) % len(ids)])
                assert state is not None
                screen.session.new.appendleft(state)

            def rate() -> None:
                screen.commit(3)
                assert screen.item is not None, "the next item was not shown"

            for index, item_id in enumerate(ids):
                for _ in range(rounds):
                    item = await shown(item_id)
                    spent = await by_pilot(partial(answer, screen, item))
                    best[label(item)] = min(best.get(label(item), spent), spent)
                    queue_next(index)
                    next_ms.append(await by_pilot(rate))  # saved, next drawn
            screen.line.cursor_blink = screen.matrix.cursor_blink = False
            for index, item_id in enumerate(ids):
                for _ in range(rounds):
                    item = await shown(item_id)
                    shown_at, spent, still = await by_frames(partial(answer, screen, item))
                    painted[label(item)] = min(painted.get(label(item), spent), spent)
                    first[label(item)] = min(first.get(label(item), shown_at), shown_at)
                    settled[label(item)] = min(settled.get(label(item), still), still)
                    queue_next(index)
                    next_painted.append(await by_frames(rate))
                    next_label.append(label(screen.item))  # type: ignore[arg-type]
    return {"best": best, "painted": painted, "first": first, "settled": settled, "next": next_ms,
            "next_painted": next_painted, "next_label": next_label, "idle": pilot_idle}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    got = asyncio.run(measure(args.rounds))
    best, painted, idle = got["best"], got["painted"], got["idle"]
    next_ms, next_painted = got["next"], got["next_painted"]
    slowest = max(best, key=best.__getitem__)
    line("feedback_ms_max", best[slowest], "ms")
    line("pilot_idle_ms", idle, "ms")
    line("feedback_net_ms_max", best[slowest] - idle, "ms")
    line("feedback_ms_median", statistics.median(best.values()), "ms")
    line("feedback_ms_slowest", slowest, "item")
    line("feedback_items", float(len(best)), "items")
    line("next_item_ms_median", statistics.median(next_ms), "ms")  # goal <= 50: rating key -> next item
    line("next_item_ms_max", max(next_ms), "ms")
    line("next_item_net_ms_median", statistics.median(next_ms) - idle, "ms")
    line("next_item_net_ms_max", max(next_ms) - idle, "ms")
    slowest = max(painted, key=painted.__getitem__)
    line("feedback_paint_ms_max", painted[slowest], "ms")
    line("feedback_paint_ms_median", statistics.median(painted.values()), "ms")
    line("feedback_paint_ms_slowest", slowest, "item")
    next_last = [last for _, last, _ in next_painted]
    line("next_item_paint_ms_median", statistics.median(next_last), "ms")
    line("next_item_paint_ms_max", max(next_last), "ms")
    line("next_item_paint_ms_slowest", got["next_label"][next_last.index(max(next_last))], "item")
    first, next_first = got["first"], [shown for shown, _, _ in next_painted]
    line("feedback_first_frame_ms_max", max(first.values()), "ms")
    line("next_item_first_frame_ms_median", statistics.median(next_first), "ms")
    line("next_item_first_frame_ms_max", max(next_first), "ms")
    settled, next_settled = got["settled"], [still for _, _, still in next_painted]
    line("feedback_settled_ms_max", max(settled.values()), "ms")
    line("next_item_settled_ms_median", statistics.median(next_settled), "ms")
    line("next_item_settled_ms_max", max(next_settled), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
