"""A multi-line answer box for matrices: one row per line, Enter on the last row submits."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class MatrixEditor(TextArea):
    """Enter starts the next row until the matrix has its rows, then submits.

    A one-line form (``1 2; 3 4`` or ``[[1, 2], [3, 4]]``) submits at once, so the keys of
    the single-line box keep working here.
    """

    class Submitted(Message):
        def __init__(self, editor: MatrixEditor, value: str):
            super().__init__()
            self.editor, self.value = editor, value

    def __init__(self, rows: int = 2, **kwargs: object):
        super().__init__(soft_wrap=False, tab_behavior="focus", show_line_numbers=False, **kwargs)  # type: ignore[arg-type]
        self.rows = rows

    def submits(self) -> bool:
        text = self.text
        if ";" in text or "[" in text:
            return True
        row = self.cursor_location[0]
        return row >= self.rows - 1 or not self.document.get_line(row).strip()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.submits():
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        await super()._on_key(event)
