"""Scheduling with FSRS-6 (py-fsrs), and the item state as Anki users know it.

py-fsrs has no New state, no suspension and no burying; ``ItemState`` adds them. The
clock is always passed in: nothing here reads the current time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from studyapp.core.settings import Settings

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)
LEARNING, REVIEW, RELEARNING = fsrs.State.Learning.value, fsrs.State.Review.value, \
    fsrs.State.Relearning.value
MATURE_DAYS = 21


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _time(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


@dataclass(frozen=True)
class ItemState:
    """The schedule of one learnable item (a card id or a problem-template id)."""

    item_id: str
    deck: str
    kind: str  # card | problem
    is_new: bool = True
    state: int = LEARNING  # py-fsrs state once studied
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    lapses: int = 0
    leech: bool = False
    suspended: bool = False
    buried_until: datetime | None = None

    def label(self, now: datetime) -> str:
        """new | learning | young | mature | relearning (as Anki shows them)."""
        if self.is_new:
            return "new"
        if self.state == REVIEW:
            return "mature" if self.interval_days() >= MATURE_DAYS else "young"
        return "relearning" if self.state == RELEARNING else "learning"

    def interval_days(self) -> float:
        if self.due is None or self.last_review is None:
            return 0.0
        return (self.due - self.last_review).total_seconds() / 86400

    def is_buried(self, now: datetime) -> bool:
        return self.buried_until is not None and now < self.buried_until

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "deck": self.deck, "kind": self.kind,
                "is_new": self.is_new, "state": self.state, "step": self.step,
                "stability": self.stability, "difficulty": self.difficulty,
                "due": _iso(self.due), "last_review": _iso(self.last_review),
                "lapses": self.lapses, "leech": self.leech, "suspended": self.suspended,
                "buried_until": _iso(self.buried_until)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ItemState:
        return cls(item_id=d["item_id"], deck=d["deck"], kind=d["kind"], is_new=bool(d["is_new"]),
                   state=int(d["state"]), step=d["step"], stability=d["stability"],
                   difficulty=d["difficulty"], due=_time(d["due"]), last_review=_time(d["last_review"]),
                   lapses=int(d.get("lapses", 0)), leech=bool(d.get("leech", False)),
                   suspended=bool(d.get("suspended", False)), buried_until=_time(d.get("buried_until")))


class Scheduler:
    """FSRS-6 with the learner's settings. py-fsrs draws its fuzz from the global ``random``,
    so it is off there and applied here instead, the same way but seeded by the item and its
    last review: a preview is exactly what is applied, and items learnt together spread out."""

    def __init__(self, settings: Settings | None = None):
        s = settings or Settings()
        self.settings = s
        self.fsrs = self._fsrs(s.memory_model.parameters())  # the collection's parameters
        # decks fitted on their own (``core.memory_model``); every other deck uses ``self.fsrs``
        self.deck_fsrs = {deck: self._fsrs(fit.parameters) for deck, fit in s.memory_model.decks.items()}

    def _fsrs(self, parameters: tuple[float, ...]) -> fsrs.Scheduler:
        s = self.settings
        return fsrs.Scheduler(
            parameters=parameters,
            desired_retention=s.desired_retention,
            learning_steps=tuple(timedelta(minutes=m) for m in s.learning_steps_minutes),
            relearning_steps=tuple(timedelta(minutes=m) for m in s.relearning_steps_minutes),
            maximum_interval=s.maximum_interval_days,
            enable_fuzzing=False,
        )

    def for_deck(self, deck: str) -> fsrs.Scheduler:
        return self.deck_fsrs.get(deck, self.fsrs)

    def _card(self, item: ItemState) -> fsrs.Card:
        if item.is_new:
            return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0)
        return fsrs.Card(card_id=1, state=fsrs.State(item.state), step=item.step,
                         stability=item.stability, difficulty=item.difficulty,
                         due=item.due, last_review=item.last_review)

    def review(self, item: ItemState, rating: int, now: datetime) -> ItemState:
        """The item after one review with ``rating`` (1–4) at ``now`` (UTC)."""
        if now.tzinfo != UTC:
            now = now.astimezone(UTC)
        card, _ = self.for_deck(item.deck).review_card(self._card(item), fsrs.Rating(rating), now)
        due = card.due
        if self.settings.fuzz and card.state == fsrs.State.Review:
            due = now + timedelta(days=self._fuzzed((card.due - now).days, item))
        lapse = rating == AGAIN and not item.is_new and item.state == REVIEW
        lapses = item.lapses + int(lapse)
        leech = item.leech or lapses >= self.settings.leech_threshold
        return replace(item, is_new=False, state=card.state.value, step=card.step,
                       stability=card.stability, difficulty=card.difficulty, due=due,
                       last_review=card.last_review, lapses=lapses, leech=leech,
                       suspended=item.suspended or (leech and not item.leech
                                                    and self.settings.leech_action == "suspend"),
                       buried_until=None)

    def _fuzzed(self, days: int, item: ItemState) -> int:
        return fuzzed_days(days, fuzz_factor(item), self.settings.maximum_interval_days)

    def with_memory(self, item: ItemState, stability: float, difficulty: float,
                    previous_review: datetime | None = None) -> ItemState:
        """The item with a memory state recomputed from its history (new parameters). An item in
        review is due when the new stability says, counted from its last review and fuzzed as that
        review was (``previous_review``, the one before it, seeds the fuzz as at the time); one in
        (re)learning keeps its step and due time, as its steps are minutes, not memory."""
        if item.is_new:
            return item
        due = item.due
        if item.state == REVIEW and item.last_review is not None:
            days = self.for_deck(item.deck)._next_interval(stability=stability)
            if self.settings.fuzz:
                days = self._fuzzed(days, replace(item, is_new=previous_review is None,
                                                  last_review=previous_review))
            due = item.last_review + timedelta(days=days)
        return replace(item, stability=stability, difficulty=difficulty, due=due)

    def preview(self, item: ItemState, now: datetime) -> dict[int, ItemState]:
        """What each rating would make of the item, all reviewed at the same instant."""
        return {rating: self.review(item, rating, now) for rating in RATINGS}

    def retrievability(self, item: ItemState, now: datetime) -> float:
        if item.is_new:
            return 0.0
        return float(self.for_deck(item.deck).get_card_retrievability(self._card(item), now))


def fuzz_factor(item: ItemState) -> float:
    """A number in [0, 1) fixed by the item and its last review (Anki seeds by card and reps):
    the same for all four ratings, so their order is kept, and new at every review."""
    last = item.last_review.isoformat() if item.last_review is not None and not item.is_new else "new"
    digest = hashlib.blake2b(f"{item.item_id}|{last}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def fuzzed_days(days: int, factor: float, maximum: int) -> int:
    """py-fsrs's fuzz of an interval of ``days`` (``Scheduler._get_fuzzed_interval``: FSRS's
    ranges, none under 2.5 days) with ``factor`` in place of ``random()``; each whole day of
    the range equally likely (py-fsrs rounds, which can step one day past the range's end)."""
    if days < 2.5:
        return days
    delta = 1.0
    for part in FUZZ_RANGES:
        delta += part["factor"] * max(min(float(days), part["end"]) - part["start"], 0.0)
    low, high = max(2, round(days - delta)), min(round(days + delta), maximum)
    low = min(low, high)
    return min(int(factor * (high - low + 1)) + low, high)


def interval_text(due: datetime | None, now: datetime) -> str:
    """Anki's short interval labels: ``<1m``, ``10m``, ``3h``, ``2d``, ``1.3mo``, ``2.1y``."""
    if due is None:
        return ""
    seconds = max((due - now).total_seconds(), 0)
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
