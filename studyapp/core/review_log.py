"""One answer as it goes into the review log (written by the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from studyapp.core.bilingual import T, Text
from studyapp.core.scheduler import ItemState

MODES = ("scheduled", "practice", "exam")
# What a session of each mode is called where a learner reads it (Stats, the report).
MODE_NAMES: dict[str, Text] = {"scheduled": T("study", "学习"), "practice": T("practice", "练习"),
                               "exam": T("exam", "考试")}


@dataclass(frozen=True)
class Review:
    item_id: str
    reviewed_at: datetime
    rating: int
    duration_ms: int
    mode: str  # scheduled | practice | exam
    seed: int | None = None  # the problem variant shown
    answer: str | None = None  # what the learner typed
    result: str | None = None  # the graded result, as JSON
    mistake: str | None = None  # the diagnosed mistake's tag
    session_id: int | None = None
    correct: bool | None = None  # for a graded answer: right or wrong

    @property
    def right(self) -> bool:
        """How the answer counts in a session's right/wrong: a graded answer by its grade, a
        self-rated one by its rating (Again is wrong). One rule for the summary on screen, the
        sessions table, Stats and the report."""
        return counts_as_right(self.rating, self.correct)


class ItemChanged(Exception):
    """The item's schedule changed since its rating previews were computed (another window
    answered it): nothing was written; ``current`` is its state now, to schedule from."""

    def __init__(self, current: ItemState):
        super().__init__(f"{current.item_id} changed since it was shown")
        self.current = current


def counts_as_right(rating: int, correct: bool | None) -> bool:
    return bool(correct) if correct is not None else rating > 1
