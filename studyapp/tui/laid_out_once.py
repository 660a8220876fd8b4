"""Widgets laid out once per change, not twice: the study screen's texts and its scrolling card.

Textual lays a screen out, then tells each widget its new size. A widget whose size changed
stores its ``virtual_size``, a reactive that asks for a layout again; for these widgets that
second layout finds every widget where the first put it and redraws the same lines one or two
frames later (20-35 ms after the first frame, measured with bench/tui_feedback.py), so a new
item or a feedback was not finished on screen until then. Here the size is kept without
asking again:

- a ``Static``'s size comes from its content, which the layout has just measured;
- a scrolling container's children have just been placed in it.

A scrollbar that comes or goes is the other cause of a second layout: Textual decides it from
the size the layout found, after placing the children at the width they had, so they are laid
out again, narrower or wider, a frame later (a tall feedback, or the next item after one).
``ScrollLaidOutOnce`` decides it when the layout asks for the room left to the children, by
Textual's own rule (shown: the children, at the width it leaves, are taller than the view;
hidden: they are at the full width), so that they are placed once and the scrollbar is drawn in
the same frame. What is drawn is what Textual draws (compared screen by screen, 80x24 and
100x40, over every template and card type).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.containers import VerticalScroll
from textual.geometry import Region, Size
from textual.layout import DockArrangeResult
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Static


class LaidOutOnce(Static):
    """A ``Static`` whose new size, found by a layout, asks for no second layout."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class ScrollBarLaidOutOnce(ScrollBar):
    """The container's scrollbar, whose new size asks for no second layout either."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class ScrollLaidOutOnce(VerticalScroll):
    """A ``VerticalScroll`` laid out once per change, its vertical scrollbar and a scroll asked
    for with ``scroll_at_layout`` included (it scrolls vertically only: ``overflow-y: auto``,
    ``overflow-x: hidden``)."""

    def __init__(self, *children: Widget, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self.scroll_asked: tuple[Widget | None, Callable[[], bool]] | None = None

    def scroll_at_layout(self, child: Widget | None, ready: Callable[[], bool]) -> None:
        """At the next layout where ``ready()`` (the child's new content has been measured),
        scroll ``child``'s top to the top of the view (as ``scroll_to_widget(top=True)``), or
        with None to the end; in that layout's frame, not in one after it."""
        self.scroll_asked = (child, ready)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own (``Widget.vertical_scrollbar``), of the class above."""
        if self._vertical_scrollbar is None:
            bar = ScrollBarLaidOutOnce(vertical=True, name="vertical", thickness=self.scrollbar_size_vertical)
            self._vertical_scrollbar = bar
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _get_scrollable_region(self, region: Region) -> Region:
        """Asked by the layout, with the room inside the padding, just before it places the
        children there: the scrollbar is shown or hidden first, as the children need, and the
        scroll asked for is set as Textual sets an anchored container's."""
        styles = self.styles
        if styles.overflow_y == "auto" and styles.overflow_x == "hidden" and region.size:
            shown = self.show_vertical_scrollbar
            arranged = self.arrange(self._room(region, shown))
            needed = arranged.total_region.bottom > region.height
            if needed != shown:
                self.set_reactive(Widget.show_vertical_scrollbar, needed)
                # As Textual sets it once the layout is done, without asking for another.
                self.vertical_scrollbar.styles.set_rule("display", "block" if needed else "none")
                arranged = self.arrange(self._room(region, needed))
            if self.scroll_asked is not None and self.scroll_asked[1]():
                self._scroll_now(arranged, region, self.scroll_asked[0])
                self.scroll_asked = None
        return super()._get_scrollable_region(region)

    def _room(self, region: Region, scrollbar: bool) -> Size:
        return Size(region.width - (self.styles.scrollbar_size_vertical if scrollbar else 0), region.height)

    def _scroll_now(self, arranged: DockArrangeResult, region: Region, child: Widget | None) -> None:
        most = max(0, arranged.total_region.bottom - region.height)
        tops = [placement.region.y for placement in arranged.placements if placement.widget is child]
        y = float(min(tops[0], most) if tops else most)
        self.set_reactive(Widget.scroll_y, y)
        self.set_reactive(Widget.scroll_target_y, y)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.set_reactive(ScrollBar.position, y)
