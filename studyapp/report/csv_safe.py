"""CSV that a spreadsheet opens as data: no cell is ever run as a formula.

Every CSV studyapp writes (the review log of ``report --format csv``, ``export --csv``, a class
set's ``answer-key.csv``) goes through ``writer``. Typed answers, card text and student names
come from people, and a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula: ``=HYPERLINK(…)`` sends data away, ``=cmd|…`` once started programs. As OWASP's CSV
injection advice says, a cell that starts with one of those, a tab or a carriage return (and, per
ASVS 1.2.10, a NUL) gets a ``'`` in front, which makes the spreadsheet take it as text.

One refinement: a cell that is exactly one plain number (``-0.5``, ``+3``, ``-1e-3``) is left
as it is. A spreadsheet reads it as that number and evaluates nothing, and negative answers are
everywhere in this app (gradients, losses, weights), so prefixing them would turn every negative
answer in the answer key and the review log into text. A cell with anything more (``-1+2``,
``-0.5 0.2``, ``-inf``) is prefixed. Values that are not strings (ids, times, counts from the
database) are written as they are.

This module renders only; it writes no file and must not import the store.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """``value`` as a CSV cell: a string that a spreadsheet would run as a formula gets ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` whose every cell passes through ``cell``."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])


def writer(stream: Any, **kwargs: Any) -> Writer:
    """A CSV writer on ``stream`` (arguments as for ``csv.writer``) that neutralises formulas."""
    return Writer(stream, **kwargs)
