"""The matrix answer box and the study screen's next item, each on screen in one layout and one
frame: the box's scrollbars are decided in the layout that gives it a new size, and what the
scrollbars repaint goes into that layout's frame (laid_out_once.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import TextArea

from studyapp.core.numfmt import format_answer
from studyapp.tui.matrix_editor import MatrixEditor
from tests.tui.pilot import app_for, open_study

ROWS = "\n".join(f"{r} {r + 1} {r + 2}" for r in range(6))  # six lines: a scrollbar below 6 rows


class Counted:
    """The layouts of ``app``'s screen, and the frames it hands to the display that redraw more
    than the study screen's one-second timer (its top line)."""

    def __init__(self, app: App[Any]) -> None:
        self.layouts = self.frames = 0
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, self.laid_out, immediate=True)
        display = app._display

        def record(screen: Any, update: Any) -> None:
            spans = getattr(update, "spans", None)
            if update is not None and (spans is None or {y for y, _, _ in spans} != {0}):
                self.frames += 1
            display(screen, update)

        app._display = record

    def laid_out(self, _screen: Any) -> None:
        self.layouts += 1

    def reset(self) -> None:
        self.layouts = self.frames = 0


class Boxes(App[None]):
    """Side by side: a new height of one moves nothing of the other."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield MatrixEditor(id="ours")
            yield TextArea(soft_wrap=False, id="textual")


async def resized(pilot: Any, box: TextArea, counted: Counted, height: int) -> tuple[int, int]:
    await quiet(pilot, counted)  # what came before is done
    counted.reset()
    box.styles.height = height
    return await quiet(pilot, counted)


async def quiet(pilot: Any, counted: Counted) -> tuple[int, int]:
    """The layouts and frames counted once three pauses in a row add none."""
    seen, still = (-1, -1), 0
    while still < 3:
        await pilot.pause()
        now = (counted.layouts, counted.frames)
        still, seen = (still + 1 if now == seen else 0), now
    return seen


@pytest.mark.asyncio
async def test_the_box_shows_and_hides_its_scrollbar_in_the_layout_that_sizes_it():
    """Textual's TextArea decides its scrollbar after the layout that sized it, and asks for
    more; the matrix box decides the same in the first, and paints it in that layout's frame.
    (Textual's box is tall again while ours is measured: a visible scrollbar of a TextArea is
    repainted a frame after every layout of the screen, one more thing the box avoids.)"""
    app = Boxes()
    async with app.run_test(size=(60, 30)) as pilot:
        ours, textual = app.query_one("#ours", MatrixEditor), app.query_one("#textual", TextArea)
        for box in (ours, textual):
            box.text, box.cursor_blink = ROWS, False
            box.styles.height = 10
        await pilot.pause()
        counted = Counted(app)
        for box in (ours, textual):  # the scrollbars made and mounted (once in an app's life)
            await resized(pilot, box, counted, 5)
            await resized(pilot, box, counted, 10)
        for height, shown in ((5, True), (8, False), (4, True), (9, False), (7, True)):
            _, frames = await resized(pilot, textual, counted, height)
            assert frames > 1 or not shown  # a scrollbar coming: what the box avoids
            assert textual.show_vertical_scrollbar is shown
            room = textual.scrollable_content_region.size
            await resized(pilot, textual, counted, 10)
            assert await resized(pilot, ours, counted, height) == (1, 1)
            assert ours.show_vertical_scrollbar is ours.vertical_scrollbar.display is shown
            assert ours.scrollable_content_region.size == room


@pytest.mark.asyncio
async def test_the_next_matrix_item_is_drawn_in_one_frame(tmp_path):
    """From the rating key to the next item answered in the matrix box (a stack of 3x3 maps,
    taller than the card at 100x40, after an item whose box had other rows): one layout, one
    frame, the box's and the card's scrollbars in it, the box's keys shown."""
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        screen.matrix.cursor_blink = False
        counted = Counted(app)
        for before, after in (("conv.pooling", "conv.multi-filter"), ("train.batch-norm-features",
                                                                          "deep.selu-stats-problem")):
            item = screen.session.show(before)
            assert item is not None and item.problem is not None
            screen.show_next(item)
            await pilot.pause()
            screen.submit_typed(format_answer(item.problem.answer, 8))
            await pilot.pause()
            screen.session.new.appendleft(app.store.get(after))
            await quiet(pilot, counted)
            counted.reset()
            screen.commit(3)
            await quiet(pilot, counted)
            assert screen.item is not None and screen.item.id == after
            assert screen.focused is screen.matrix and screen.matrix.display
            assert (counted.layouts, counted.frames) == (1, 1)
