"""What a search sees of an item (``Entry``) and of the time (``Moment``), and the shape of a
compiled search term (``Test``): shared by the parser (``search``) and the terms (``search_terms``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from studyapp.core.scheduler import ItemState

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Entry:
    """What the search sees of one item."""

    state: ItemState
    type: str  # basic | cloze | choice for a card, the kind name for a problem template
    text: str  # from ``item_text``: id and texts, case-folded
    tags: tuple[str, ...] = ()  # case-folded
    last_answered: datetime | None = None  # the last answer in any mode


@dataclass(frozen=True)
class Moment:
    now: datetime
    day_end: datetime  # the end of the current study day

    @property
    def day_start(self) -> datetime:
        return self.day_end - DAY


Test = Callable[[Entry, Moment], bool]
