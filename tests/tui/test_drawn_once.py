"""DrawnOnce draws exactly what Textual's RichVisual draws, once per width."""

from __future__ import annotations

import pytest
from rich.console import Group
from rich.text import Text
from textual.visual import RenderOptions, RichVisual

from studyapp.core.numfmt import format_answer
from studyapp.tui.drawn_once import DrawnOnce
from studyapp.tui.study_view import feedback
from tests.tui.pilot import app_for, open_study, text_of


def lines(visual, widget, width: int, height: int | None = None) -> list[list]:
    options = RenderOptions(lambda _: widget.visual_style, widget.styles)
    return [list(strip) for strip in visual.render_strips(width, height, widget.visual_style, options)]


@pytest.mark.asyncio
async def test_every_feedback_is_drawn_as_richvisual_draws_it(tmp_path):
    """Every template's feedback, right and wrong, in both languages, at a narrow width (where
    the comparison table must wrap its cells) and at the study screen's."""
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        widget = screen.feedback
        for template in app.library.templates:
            item = screen.session.show(template.id)
            assert item is not None and item.problem is not None
            for typed in (format_answer(item.problem.answer, 8), "1"):
                result = screen.session.answer(item, text=typed, elapsed_ms=1000)
                for lang in ("en", "zh"):
                    drawn = feedback(item, result, typed, 3, lang)
                    for width in (30, 96):
                        plain, once = RichVisual(widget, drawn), DrawnOnce(widget, drawn)
                        height = plain.get_height(widget.styles, width)
                        assert once.get_height(widget.styles, width) == height, (template.id, width)
                        assert lines(once, widget, width) == lines(plain, widget, width)
                        cut = height - 1
                        assert lines(once, widget, width, cut) == lines(plain, widget, width, cut)


@pytest.mark.asyncio
async def test_drawn_once_for_a_width_and_still_printable(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        widget = screen.feedback
        once = DrawnOnce(widget, Group(Text("✓ right"), Text("Worked solution")))
        first = once.render_strips(40, None, widget.visual_style, RenderOptions(lambda _: widget.visual_style,
                                                                                 widget.styles))
        assert once.get_height(widget.styles, 40) == 2
        again = once.render_strips(40, None, widget.visual_style, RenderOptions(lambda _: widget.visual_style,
                                                                                 widget.styles))
        assert [list(a) for a in again] == [list(f) for f in first] and again[0] is first[0]  # not redrawn
        widget.update(once)
        assert text_of(widget).splitlines() == ["✓ right", "Worked solution"]
