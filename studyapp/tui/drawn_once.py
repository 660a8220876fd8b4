"""A Rich renderable that Textual draws once per width instead of once per question.

Textual asks a widget's visual for its height (to lay it out), then for its lines (to paint it),
and again after the layout that follows every change of size. For a Rich renderable that is not
plain Text (the study screen's feedback: a Group holding the comparison grids in a Rich Table
and the worked steps) each question was a whole Rich render, 1-5 ms a time. ``DrawnOnce`` keeps
the lines drawn for a width and style and answers both questions from them; what is drawn is
exactly what Textual's own ``RichVisual`` draws. It owns no content and no layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from rich.console import Console, ConsoleOptions, RenderableType
from rich.style import Style as RichStyle
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RichVisual
from textual.widget import Widget


class DrawnOnce(RichVisual):
    """``RichVisual`` with its lines kept per (width, style). Still a Rich renderable itself, so
    that what a Static holds can be printed as before."""

    def __init__(self, widget: Widget, renderable: RenderableType) -> None:
        super().__init__(widget, renderable)
        self._drawn: dict[tuple[int, RichStyle], list[Strip]] = {}

    def _lines(self, width: int, style: Style) -> list[Strip]:
        key = (width, style.rich_style)
        lines = self._drawn.get(key)
        if lines is None:
            # Height None: the whole renderable, as RichVisual.get_height counts it. RichVisual
            # reads no render options (the lines depend on width and style only).
            # The widget's styles are the rules RichVisual asks for (a RenderStyles reads as one).
            options = RenderOptions(lambda _: style, cast(RulesMap, self._widget.styles))
            lines = super().render_strips(width, None, style, options)
            self._drawn[key] = lines
        return lines

    @property
    def measured(self) -> bool:
        """Whether a layout has asked for the lines yet (so the widget has its size)."""
        return bool(self._drawn)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._lines(width, self._widget.visual_style))

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self._lines(width, style)[:height]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        yield self._renderable
