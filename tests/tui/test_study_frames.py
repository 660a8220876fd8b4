"""The study screen's frames: one layout per change (laid_out_once), collection after the frame
(frame_first), and the feedback scrolled into view once it is laid out."""

from __future__ import annotations

import gc

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.widgets import Static

from studyapp.core.numfmt import format_answer
from studyapp.tui.frame_first import FrameFirst
from studyapp.tui.laid_out_once import LaidOutOnce, ScrollLaidOutOnce
from tests.tui.pilot import app_for, open_study, text_of


class Three(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("plain", id="plain")
        yield LaidOutOnce("once", id="once")
        with ScrollLaidOutOnce(id="scroll"):
            yield Static("inside")


@pytest.mark.asyncio
async def test_a_new_size_from_a_layout_asks_for_no_second_layout():
    """Textual's Static asks for a layout again when a layout gives it a new size; ours do not.
    Both keep the size (and send Resize)."""
    app = Three()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        plain, once = app.query_one("#plain", Static), app.query_one("#once", LaidOutOnce)
        scroll = app.query_one("#scroll", ScrollLaidOutOnce)
        for widget in (plain, once, scroll):
            widget._layout_required = False
            assert widget._size_updated(Size(30, 3), Size(30, 7), Size(40, 12))  # a new size
            assert widget.virtual_size == Size(30, 7)
        assert plain._layout_required  # the second layout this module avoids
        assert not once._layout_required and not scroll._layout_required


@pytest.mark.asyncio
async def test_no_collection_between_a_key_and_its_frame(tmp_path):
    """From the rating key (and the answer) until the screen is laid out and painted, automatic
    collection is off; it is on again afterwards, and when the screen goes."""
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        item = screen.session.show("conv.pooling")
        assert item is not None and item.problem is not None
        screen.show_next(item)
        await pilot.pause()
        assert gc.isenabled()
        screen.submit_typed(format_answer(item.problem.answer, 8))
        assert not gc.isenabled()  # graded and drawn; the frame is not painted yet
        await pilot.pause()
        assert gc.isenabled() and screen.answered
        screen.commit(3)
        assert not gc.isenabled() and screen.item is not item
        await pilot.pause()
        assert gc.isenabled()
        screen.show_next()
        assert not gc.isenabled()
        app.pop_screen()  # gone before its frame: collection is on again all the same
        await pilot.pause()
        assert gc.isenabled() and screen not in app.screen_stack


def test_frame_first_releases_what_it_holds_and_only_that():
    frames = FrameFirst()
    gc.disable()  # off for another reason (the CLI, while the app starts): not ours to turn on
    try:
        frames.hold(None)  # type: ignore[arg-type]  # nothing held, no screen needed
        frames.release()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.asyncio
async def test_a_tall_feedback_is_scrolled_into_view_once_laid_out(tmp_path):
    """At 80x24 the pooling prompt fills the card: the verdict is brought into view (by the
    first layout that gives the feedback its size), and `n` scrolls to the new step."""
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_study(pilot)
        item = screen.session.show("conv.pooling")
        assert item is not None and item.problem is not None
        screen.show_next(item)
        await pilot.pause()
        card, feedback = screen.card, screen.feedback
        assert feedback.region.y >= card.region.y + 1  # nothing there yet
        screen.submit_typed(format_answer(item.problem.answer, 8))
        await pilot.pause()
        await pilot.pause()
        assert "✓" in text_of(feedback)
        view = card.content_region
        assert card.scroll_y > 0 and view.y <= feedback.region.y < view.bottom  # the verdict in view
        screen.action_next_step()
        await pilot.pause()
        await pilot.pause()
        assert card.scroll_y == card.max_scroll_y > 0  # the new step, at the end, in view
