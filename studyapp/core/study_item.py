"""One showing of a study item: what the session shows and the faces draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from studyapp.core.content import Card
from studyapp.core.problems import Problem
from studyapp.core.scheduler import ItemState


@dataclass
class StudyItem:
    """One showing of an item: the card, or a freshly generated problem variant.

    Undo brings the same object back (same variant, same option order, same reason), with the
    restored state and a fresh interval preview."""

    state: ItemState
    reason: str  # learning | review | new | practice
    shown_at: datetime
    card: Card | None = None
    problem: Problem | None = None
    option_order: list[int] = field(default_factory=list)  # choice: content indexes in shown order
    previews: dict[int, ItemState] = field(default_factory=dict)  # rating -> schedule; empty: none
    related_to: str | None = None  # the failed problem's template id that brought this card
    hint_used: bool = False
    changed_elsewhere: bool = False  # another window answered it while shown: previews recomputed
    # The session's queues as they were when this showing began, so that undoing its answer
    # puts every other item back in its place (``StudySession.undo``).
    snapshot: Any = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.state.item_id
