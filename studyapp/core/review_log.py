"""One answer as it goes into the review log (written by the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MODES = ("scheduled", "practice", "exam")


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
