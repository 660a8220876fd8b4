"""Answer -> feedback in the study screen, for every problem kind and card type; prints JSON lines.

- feedback_ms_max (goal <= 50): over every problem template (each kind at least once) and the
  three card types, the slowest time from submitting an answer to the feedback being laid out
  and painted by Textual (headless, 100x40): ``submit`` grades through the session engine,
  renders the comparison grids and the worked solution, then ``pilot.pause()`` waits until the
  app is idle again (the repaint done). Best of --rounds per item, then the maximum.
- feedback_ms_median: the median item's best time; feedback_ms_slowest: which item that is.
- next_item_ms_median / next_item_ms_max (goal <= 50): from the rating key (saved: one committed
  transaction with synchronous=FULL) to the next item laid out and painted.
- pilot_idle_ms: what ``pilot.pause()`` alone costs when nothing changed (the test harness waits
  for the app to be idle; a real terminal does not), measured in the same run;
  feedback_net_ms_max = feedback_ms_max - pilot_idle_ms.

Usage: bench/tui_feedback.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from studyapp.core.numfmt import format_answer
from studyapp.core.settings import Settings
from studyapp.tui.app import build_app
from studyapp.tui.study import StudyScreen


def line(name: str, value: float | str, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 2) if isinstance(value, float) else value,
                      "unit": unit}), flush=True)


async def measure(rounds: int) -> dict[str, float]:
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp) / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: now, seed=1)
        best: dict[str, float] = {}
        next_ms: list[float] = []
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            idle = []
            for _ in range(20):
                start = time.perf_counter()
                await pilot.pause()
                idle.append((time.perf_counter() - start) * 1000)
            best["pilot_idle"] = statistics.median(idle)
            screen = app.screen
            assert isinstance(screen, StudyScreen)
            ids = [t.id for t in app.library.templates]
            for kind in ("basic", "cloze", "choice"):
                ids.append(next(c.id for c in app.library.cards if c.type == kind))
            for item_id in ids:
                for _ in range(rounds):
                    item = screen.session.show(item_id)
                    assert item is not None
                    screen.show_next(item)
                    await pilot.pause()
                    start = time.perf_counter()
                    if item.problem is not None:
                        screen.submit_typed(format_answer(item.problem.answer, 8))
                    elif item.card is not None and item.card.type == "cloze":
                        screen.submit_typed("; ".join(g[0] for g in item.card.gaps("en")))
                    elif item.card is not None and item.card.type == "choice":
                        screen.chosen = {i for i, o in enumerate(item.card.options) if o.correct}
                        screen.action_submit()
                    else:
                        screen.action_flip()
                    await pilot.pause()
                    spent = (time.perf_counter() - start) * 1000
                    label = item.problem.kind.name if item.problem is not None else item.card.type
                    key = f"{label}:{item_id}"
                    best[key] = min(best.get(key, spent), spent)
                    start = time.perf_counter()  # the rating key: saved, and the next item drawn
                    screen.commit(3)
                    await pilot.pause()
                    next_ms.append((time.perf_counter() - start) * 1000)
    best["next_item_median"] = statistics.median(next_ms)
    best["next_item_max"] = max(next_ms)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    best = asyncio.run(measure(args.rounds))
    idle = best.pop("pilot_idle")
    next_median, next_max = best.pop("next_item_median"), best.pop("next_item_max")
    slowest = max(best, key=best.__getitem__)
    line("feedback_ms_max", best[slowest], "ms")
    line("pilot_idle_ms", idle, "ms")
    line("feedback_net_ms_max", best[slowest] - idle, "ms")
    line("feedback_ms_median", statistics.median(best.values()), "ms")
    line("feedback_ms_slowest", slowest, "item")
    line("feedback_items", float(len(best)), "items")
    line("next_item_ms_median", next_median, "ms")  # goal <= 50: rating key -> next item on screen
    line("next_item_ms_max", next_max, "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
