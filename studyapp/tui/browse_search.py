"""The browser's search line: an Input that does not lay the whole screen out again at each
keystroke. Knows nothing of searching (``browse`` parses and runs what is typed)."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchInput(Input):
    """Input sets its virtual size to the width of its text at every change of its value, and
    a widget's virtual size asks for a layout of the whole screen (the table, the footer, …:
    milliseconds, at each keystroke, before the search even starts). The search line's size
    never depends on its text (its width is the screen's): a repaint of it is enough, and its
    scrolling reads the virtual size as before."""

    virtual_size = Reactive(Size(0, 0), repaint=True)
