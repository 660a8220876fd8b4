"""A one-line progress bar on standard error for a command that takes seconds (a report over a
year of reviews, fitting the memory model), drawn only when standard error is a terminal, so a
pipe or a log file never receives the carriage returns."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 24  # characters of the bar itself


class Progress:
    """Call it with (done, total), or ``.fraction(f, what)`` with what is being done; ``close()``
    wipes the line once the work is over (or failed)."""

    def __init__(self, label: str, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.label = label
        self.on = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total > 0:
            self.fraction(done / total, f"{done}/{total}")

    def fraction(self, fraction: float, what: str) -> None:
        if not self.on:
            return
        filled = int(WIDTH * min(max(fraction, 0.0), 1.0))
        self.stream.write(f"\r\x1b[K{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {what}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
