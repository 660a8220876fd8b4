"""A multi-line answer box: a matrix one row per line, or a structured answer one labelled
part per line (``loss: …`` / ``W1: …``), so the beginning of a long answer never scrolls away.

Enter moves to the next line until the last one, then submits. Its scrollbars are shown or
hidden in the layout that gives it a new size (a new item's rows), not a frame later
(laid_out_once.py).
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from studyapp.tui.laid_out_once import ScrollViewLaidOutOnce


class MatrixEditor(ScrollViewLaidOutOnce, TextArea):
    """Rows mode: Enter starts the next row until the matrix has its rows, then submits; a
    one-line form (``1 2; 3 4`` or ``[[1, 2], [3, 4]]``) submits at once.

    Parts mode (``labels``): the lines come prefilled with the labels; Enter moves to the end
    of the next line, and submits on the last one (or at once when the whole answer was typed
    on one line and the other lines are still bare labels).
    """

    class Submitted(Message):
        def __init__(self, editor: MatrixEditor, value: str):
            super().__init__()
            self.editor, self.value = editor, value

    def __init__(self, rows: int = 2, **kwargs: object):
        super().__init__(soft_wrap=False, tab_behavior="focus", show_line_numbers=False, **kwargs)  # type: ignore[arg-type]
        self.rows = rows
        self.labels: list[str] = []

    def vertical_bar_changed(self) -> None:
        self.scroll_cursor_visible()  # as TextArea does when its vertical scrollbar comes or goes

    def configure(self, rows: int, labels: list[str] | None = None) -> None:
        """Empty rows for a matrix, or one prefilled line per labelled part."""
        self.labels = list(labels or [])
        self.rows = len(self.labels) or rows
        self.text = "\n".join(f"{label}: " for label in self.labels)
        if self.labels:
            self.move_cursor((0, len(self.document.get_line(0))))

    def _bare(self, row: int) -> bool:
        line = self.document.get_line(row).strip()
        return not line or (bool(self.labels) and line.rstrip(":").strip() in self.labels)

    def submits(self) -> bool:
        row = self.cursor_location[0]
        last = row >= self.document.line_count - 1 and row >= self.rows - 1
        if self.labels:
            others_bare = all(self._bare(r) for r in range(self.document.line_count) if r != row)
            return last or (";" in self.document.get_line(row) and others_bare)
        text = self.text
        if ";" in text or "[" in text:
            return True
        return last or not self.document.get_line(row).strip()

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        if self.submits():
            self.post_message(self.Submitted(self, self.text))
            return
        row = self.cursor_location[0]
        if row + 1 < self.document.line_count:
            self.move_cursor((row + 1, len(self.document.get_line(row + 1))))
        else:
            self.insert("\n")
