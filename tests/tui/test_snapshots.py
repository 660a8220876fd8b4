"""SVG snapshots of every screen, in English and Chinese, at 80x24 and 120x40.

Fixed data: the report tests' learner (two months of study through the session engine, plus a
session today), a fixed clock, seed and item timer, no cursor blink. A snapshot that changes on
purpose is accepted with ``pytest tests/tui/test_snapshots.py --snapshot-update`` after looking
at the report pytest-textual-snapshot writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from studyapp.core.numfmt import depth, num
from studyapp.tui.app import StudyApp, build_app
from studyapp.tui.study import StudyScreen
from tests.report.test_report import NOW, SETTINGS, Clock, build_history
from tests.tui.test_stats import study_today

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshots") / "history.sqlite3"
    build_history(path, days=60)
    study_today(path)
    return path


def steady(app: StudyApp) -> None:
    """No blinking cursor anywhere on the screen shown."""
    for box in app.screen.query("Input, TextArea"):
        box.cursor_blink = False  # type: ignore[attr-defined]


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    steady(pilot.app)  # type: ignore[arg-type]


async def home(pilot: Pilot) -> None:
    await settle(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)


async def study_problem(pilot: Pilot) -> None:
    """A matrix problem answered with one entry wrong: grids, the mark, the first step."""
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    template = next(t for t in pilot.app.library.templates  # type: ignore[attr-defined]
                    if t.kind == "conv2d")
    item = screen.session.show(template.id)
    assert item is not None and item.problem is not None and depth(item.problem.answer) == 2
    screen.show_next(item)
    await pilot.pause()  # the editor takes the focus first, as it does before anyone can type
    rows = [row[:] for row in item.problem.answer]
    rows[0][0] += 1
    screen.submit_typed("; ".join(" ".join(num(v, 8) for v in row) for row in rows))
    await settle(pilot)


async def study_choice(pilot: Pilot) -> None:
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    card = next(c for c in pilot.app.library.cards if c.type == "choice")  # type: ignore[attr-defined]
    item = screen.session.show(card.id)
    assert item is not None
    screen.show_next(item)
    await settle(pilot)


async def exam_setup(pilot: Pilot) -> None:
    await press(pilot, "e")


async def exam_question(pilot: Pilot) -> None:
    await press(pilot, "e")
    screen = pilot.app.screen
    screen.query_one("#exam-count").value = "3"  # type: ignore[attr-defined]
    screen.query_one("#exam-seed").value = "2026"  # type: ignore[attr-defined]
    await press(pilot, "ctrl+s")


async def exam_result(pilot: Pilot) -> None:
    await exam_question(pilot)
    box = pilot.app.screen.box()  # type: ignore[attr-defined]
    if isinstance(box, Input):
        box.value = "0"
    else:
        box.text = "0"
    await press(pilot, "ctrl+f")
    await press(pilot, "y")


async def browse(pilot: Pilot) -> None:
    await press(pilot, "b")


async def browse_item(pilot: Pilot) -> None:
    await press(pilot, "b")
    await press(pilot, "tab", "enter")


SCREENS: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "home": home,
    "help": lambda pilot: press(pilot, "question_mark"),
    "study_problem": study_problem,
    "study_choice": study_choice,
    "exam_setup": exam_setup,
    "exam_question": exam_question,
    "exam_result": exam_result,
    "browse": browse,
    "browse_item": browse_item,
    "stats": lambda pilot: press(pilot, "s"),
    "settings": lambda pilot: press(pilot, "comma"),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(snap_compare, history: Path, tmp_path: Path, screen: str, lang: str, size: str) -> None:
    db = tmp_path / "p.sqlite3"
    shutil.copyfile(history, db)
    app = build_app(db, replace(SETTINGS, lang=lang), clock=Clock(NOW), seed=7,
                    config_file=Path("snapshot-config.toml"), ticker=lambda: 0.0)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])
