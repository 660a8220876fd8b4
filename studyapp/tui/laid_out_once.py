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
from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.geometry import Region, Size
from textual.layout import DockArrangeResult
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    _Mixin = Widget  # what the mixin is used with, for the checker
else:
    _Mixin = object


def focus_painted_once(screen: Screen, widget: Widget | None) -> None:
    """``screen.set_focus(widget)``, without the repaint of the whole screen that Textual asks
    for with it (``Screen.focused`` is a reactive that repaints): after the layout's frame, the
    same tick painted every cell again, unchanged (5-10 ms more before the frame was done). The
    widgets whose look changes with the focus repaint themselves; a repaint of the screen asked
    for by anything else still happens."""
    asked = screen._repaint_required
    screen.set_focus(widget)
    screen._repaint_required = asked


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


class BarsLaidOutOnce(_Mixin):
    """For a scrolling widget (first among its bases): its scrollbars take the size a layout
    gives them without asking for another, and are painted in that layout's frame: the layout
    sets their sizes (``_arrange_scrollbars``, ``_scroll_update``), each a repaint asked for by
    a message that came after the frame and painted the same cells again a frame later. (Not a
    Widget itself: Textual takes a widget's CSS, bindings and component classes from its first
    Widget base.)"""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own (``Widget.vertical_scrollbar``), of the class above."""
        if self._vertical_scrollbar is None:
            self._vertical_scrollbar = self._new_bar(vertical=True)
        return self._vertical_scrollbar

    @property
    def horizontal_scrollbar(self) -> ScrollBar:
        """Textual's own (``Widget.horizontal_scrollbar``), of the class above."""
        if self._horizontal_scrollbar is None:
            self._horizontal_scrollbar = self._new_bar(vertical=False)
        return self._horizontal_scrollbar

    def _new_bar(self, vertical: bool) -> ScrollBar:
        thickness = self.scrollbar_size_vertical if vertical else self.scrollbar_size_horizontal
        bar = ScrollBarLaidOutOnce(vertical=vertical, name="vertical" if vertical else "horizontal",
                                   thickness=thickness)
        bar.display = False
        self.app._start_widget(self, bar)
        return bar

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        updated = super()._size_updated(size, virtual_size, container_size, layout=False)
        self._paint_bars_now()
        return updated

    def _paint_bars_now(self) -> None:
        """The repaint the scrollbars asked for in this layout goes into its frame (this is
        called by the screen's layout, whose frame follows)."""
        compositor = self.screen._compositor
        for bar in (self._vertical_scrollbar, self._horizontal_scrollbar):
            if bar is not None and bar._repaint_required and bar in compositor.visible_widgets:
                bar._repaint_required = False
                compositor.update_widgets({bar})

    def _show_bars(self, vertical: bool, horizontal: bool) -> None:
        """Show or hide the scrollbars as Textual does once the layout is done (reactives and
        ``display``), without asking for another layout: the one under way places them."""
        if vertical != self.show_vertical_scrollbar:
            self.set_reactive(Widget.show_vertical_scrollbar, vertical)
            self.vertical_scrollbar.styles.set_rule("display", "block" if vertical else "none")
        if horizontal != self.show_horizontal_scrollbar:
            self.set_reactive(Widget.show_horizontal_scrollbar, horizontal)
            self.horizontal_scrollbar.styles.set_rule("display", "block" if horizontal else "none")


def bars_needed(virtual: Size, room: Size, styles: Any) -> tuple[bool, bool]:
    """(vertical, horizontal): the scrollbars content of size ``virtual`` needs in ``room``, by
    Textual's rule (``Widget._refresh_scrollbars``)."""
    overflow_x, overflow_y = styles.overflow_x, styles.overflow_y
    horizontal = overflow_x == "scroll" or (overflow_x == "auto" and virtual.width > room.width)
    vertical = overflow_y == "scroll" or (overflow_y == "auto" and virtual.height > room.height)
    if overflow_x == "auto" and vertical and not horizontal:
        horizontal = virtual.width > room.width - styles.scrollbar_size_vertical
    if overflow_y == "auto" and horizontal and not vertical:
        vertical = virtual.height > room.height - styles.scrollbar_size_horizontal
    return vertical, horizontal


class ScrollViewLaidOutOnce(BarsLaidOutOnce):
    """For a ``ScrollView`` whose virtual size does not depend on its width (a ``TextArea``
    without soft wrap): its scrollbars are shown or hidden when the layout asks for the room
    left to the content, so that the content is laid out once."""

    def _get_scrollable_region(self, region: Region) -> Region:
        if region.size:
            shown = self.show_vertical_scrollbar
            self._show_bars(*bars_needed(self.virtual_size, region.size, self.styles))
            if self.show_vertical_scrollbar != shown:
                self.call_next(self.vertical_bar_changed)
        return super()._get_scrollable_region(region)

    def vertical_bar_changed(self) -> None:
        """What Textual's watcher of ``show_vertical_scrollbar`` would do, once laid out."""


class ScrollLaidOutOnce(BarsLaidOutOnce, VerticalScroll):
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
                self._show_bars(needed, False)
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
