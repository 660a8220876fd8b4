"""A study session with no UI in it: what comes next, grading, rating, undo.

The session is built from the content, a progress store, the settings, a clock and an
RNG; the TUI only calls these methods. Order of items: learning items due now, then
reviews, then new items, decks interleaved; failed problems bring their related
cards back at once.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from studyapp.core.bilingual import T, Text
from studyapp.core.card_answers import EXPECTED_SECONDS, check_choice, check_cloze, propose_rating
from studyapp.core.content import Card, ProblemTemplate
from studyapp.core.days import day_bounds, local_zone
from studyapp.core.library import Library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import Problem, generate
from studyapp.core.review_log import Review
from studyapp.core.scheduler import (
    AGAIN,
    RATINGS,
    ItemState,
    Scheduler,
    interval_text,
)
from studyapp.core.settings import Settings
from studyapp.core.steps import Step

LEARN_AHEAD = timedelta(minutes=20)
UNDO_DEPTH = 50


class ProgressStore(Protocol):
    """What the session needs from the store (``studyapp.store.progress.Store``)."""

    def sync(self, items: Any) -> int: ...
    def get(self, item_id: str) -> ItemState | None: ...
    def items(self, decks: Any = None) -> list[ItemState]: ...
    def learning_due(self, before: datetime, decks: list[str] | None,
                     limit: int = ...) -> list[ItemState]: ...
    def count_learning_due(self, before: datetime, decks: list[str] | None) -> int: ...
    def reviews_due(self, deck: str, before: datetime, limit: int) -> list[ItemState]: ...
    def count_due(self, start: datetime, end: datetime, decks: list[str] | None) -> int: ...
    def new_items(self, deck: str, limit: int) -> list[ItemState]: ...
    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]: ...
    def record(self, review: Review, before: ItemState, after: ItemState | None) -> int: ...
    def undo(self, review_id: int) -> ItemState | None: ...
    def set_item(self, state: ItemState) -> None: ...
    def start_session(self, now: datetime, mode: str, decks: list[str] | None) -> int: ...
    def end_session(self, session_id: int, now: datetime) -> None: ...


@dataclass
class StudyItem:
    """One showing of an item: the card, or a freshly generated problem variant."""

    state: ItemState
    reason: str  # learning | review | new | practice | related
    shown_at: datetime
    card: Card | None = None
    problem: Problem | None = None
    option_order: list[int] = field(default_factory=list)  # choice: content indexes in shown order

    @property
    def id(self) -> str:
        return self.state.item_id


@dataclass(frozen=True)
class AnswerResult:
    correct: bool | None  # None for a self-rated card
    score: float
    proposed: int | None  # the rating the grade suggests; None when the learner rates
    message: Text
    expected: str
    marks: Any = None
    steps: list[Step] = field(default_factory=list)
    mistake: Any = None
    value: Any = None  # what was read from a typed problem answer (a dict for parts)


@dataclass(frozen=True)
class RateOutcome:
    review_id: int
    after: ItemState | None
    became_leech: bool


@dataclass
class Counts:
    new: int
    learning: int
    review: int


class StudySession:
    def __init__(self, library: Library, store: ProgressStore, settings: Settings,
                 clock: Callable[[], datetime], rng: np.random.Generator,
                 decks: list[str] | None = None, mode: str = "scheduled", tag: str | None = None):
        self.library, self.store, self.settings = library, store, settings
        self.clock, self.rng, self.mode = clock, rng, mode
        self.decks = decks or [d.id for d in library.decks]
        self.scheduler = Scheduler(settings)
        self.zone = local_zone(settings.timezone)
        self.cards = {c.id: c for c in library.cards}
        self.templates = {t.id: t for t in library.templates}
        store.sync(self._content_items())
        self.session_id: int | None = None  # the session row is written with the first answer
        self.front: deque[ItemState] = deque()  # undone and related items come back first
        self.related: set[str] = set()
        self.undo_stack: list[tuple[int, StudyItem]] = []
        self.previews: dict[int, ItemState] = {}
        self.answered = self.right = self.wrong = self.spent_ms = 0
        self.outcomes: dict[int, tuple[bool, int]] = {}  # review id -> (failed, ms), for undo
        self.tag = tag
        self._build()

    # --- queues -------------------------------------------------------------------------
    def _content_items(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        out = [(c.id, c.deck, "card", c.aliases) for c in self.library.cards]
        out += [(t.id, t.deck, "problem", t.aliases) for t in self.library.templates]
        return out

    def _in_scope(self, s: ItemState) -> bool:
        if s.item_id not in self.cards and s.item_id not in self.templates:
            return False  # orphaned history: the content no longer has it
        if self.tag is None:
            return True
        thing = self.cards.get(s.item_id) or self.templates.get(s.item_id)
        return thing is not None and self.tag in thing.tags

    def _build(self) -> None:
        now = self.clock()
        self.day_start, self.day_end = day_bounds(now, self.zone, self.settings.day_start_hour)
        if self.mode == "practice":
            pool = [s for s in self.store.items(self.decks) if self._in_scope(s) and not s.suspended]
            order = self.rng.permutation(len(pool)) if pool else []
            self.reviews, self.new = deque(pool[i] for i in order), deque()
            return
        done = self.store.done_since(self.day_start)
        new_total = sum(n for n, _ in done.values())
        rev_total = sum(r for _, r in done.values())
        new_left = max(self.settings.new_per_day - new_total, 0)
        rev_left = max(self.settings.reviews_per_day - rev_total, 0)
        by_deck = []
        for deck in self.decks:
            allowed = max(self.settings.review_limit(deck) - done.get(deck, (0, 0))[1], 0)
            by_deck.append([s for s in self.store.reviews_due(deck, self.day_end, min(allowed, rev_left))
                            if self._in_scope(s) and not s.is_buried(now)])
        self.reviews = deque(_interleave(by_deck)[:rev_left])
        fresh = []
        for deck in self.decks:
            allowed = max(self.settings.new_limit(deck) - done.get(deck, (0, 0))[0], 0)
            items = [s for s in self.store.new_items(deck, allowed * 4)
                     if self._in_scope(s) and not s.is_buried(now)]
            # Cards and problems of a deck take turns, then the decks take turns.
            fresh.append(_interleave([[s for s in items if s.kind == k] for k in ("card", "problem")])
                         [:allowed])
        self.new = deque(_interleave(fresh)[:new_left])

    def _learning_due(self, until: datetime) -> list[ItemState]:
        now = self.clock()
        return [s for s in self.store.learning_due(until, self.decks)
                if self._in_scope(s) and not s.is_buried(now)]

    def counts(self) -> Counts:
        learning = self.store.count_learning_due(self.day_end, self.decks) if self.mode != "practice" else 0
        return Counts(new=len(self.new), learning=learning, review=len(self.reviews))

    # --- showing ------------------------------------------------------------------------
    def next(self) -> StudyItem | None:
        now = self.clock()
        if self.mode != "practice" and now >= self.day_end:
            self._build()
        if self.front:
            return self._show(self.front.popleft(), "related", now)
        if self.mode != "practice":
            learning = self._learning_due(now)
            if learning:
                return self._show(learning[0], "learning", now)
        for queue, reason in ((self.reviews, "review"), (self.new, "new")):
            while queue:
                state = self.store.get(queue.popleft().item_id)
                if state is not None and not state.suspended and not state.is_buried(now):
                    return self._show(state, "practice" if self.mode == "practice" else reason, now)
        if self.mode != "practice":
            ahead = self._learning_due(now + LEARN_AHEAD)
            if ahead:
                return self._show(ahead[0], "learning", now)
        return None

    def show(self, item_id: str) -> StudyItem | None:
        """One item on request (e.g. to look at it again): practised, its schedule unchanged."""
        state = self.store.get(item_id)
        return None if state is None else self._show(state, "practice", self.clock())

    def _show(self, state: ItemState, reason: str, now: datetime) -> StudyItem:
        item = StudyItem(state=state, reason=reason, shown_at=now)
        if state.item_id in self.cards:
            item.card = self.cards[state.item_id]
            if item.card.type == "choice":
                item.option_order = [int(i) for i in self.rng.permutation(len(item.card.options))]
        else:
            item.problem = generate(self.templates[state.item_id], int(self.rng.integers(2**32)))
        self.previews = self.scheduler.preview(state, now) if self._schedules(item) else {}
        return item

    def _schedules(self, item: StudyItem) -> bool:
        return self.mode == "scheduled" and item.reason in ("learning", "review", "new")

    def interval_labels(self, item: StudyItem) -> dict[int, str]:
        """Each rating's next interval (``<10m``, ``2d``, ``1.3mo``); empty when nothing is scheduled."""
        return {r: interval_text(s.due, item.shown_at) for r, s in self.previews.items()}

    def hint(self, item: StudyItem) -> Step | None:
        """The first step of the worked solution; asking for it caps the rating at Hard."""
        if item.problem is None or not item.problem.steps:
            return None
        return item.problem.steps[0]

    # --- answering ----------------------------------------------------------------------
    def answer(self, item: StudyItem, text: str | list[str] | None = None,
               chosen: set[int] | None = None, hint_used: bool = False,
               elapsed_ms: int = 0) -> AnswerResult:
        """Grade a typed answer or chosen options (content indexes); propose a rating."""
        lang = self.settings.lang
        if item.problem is not None:
            grade = item.problem.grade(text if isinstance(text, str) else "")
            expected = format_answer(item.problem.answer, item.problem.decimals)
            seconds = EXPECTED_SECONDS[item.problem.template.difficulty]
            marks = {k: g.marks for k, g in grade.parts.items()} if grade.parts else grade.marks
            return AnswerResult(grade.correct, grade.score,
                                propose_rating(grade.correct, grade.score, hint_used, elapsed_ms, seconds),
                                grade.message, expected, marks, item.problem.steps, grade.mistake,
                                grade.values())
        card = item.card
        assert card is not None
        if card.type == "choice":
            check = check_choice(card, chosen or set(), lang)
        elif card.type == "cloze" and text is not None:
            check = check_cloze(card, [text] if isinstance(text, str) else list(text), lang)
        else:
            back = card.back.get(lang) if card.back else ""
            return AnswerResult(None, 1.0, None, T("rate yourself", "请自评"), back)
        return AnswerResult(check.correct, check.score,
                            propose_rating(check.correct, check.score, hint_used, elapsed_ms,
                                           EXPECTED_SECONDS["card"]),
                            check.message, check.expected, check.marks)

    def rate(self, item: StudyItem, rating: int, elapsed_ms: int = 0, answer: str | None = None,
             result: AnswerResult | None = None) -> RateOutcome:
        """Commit the answer in its own transaction, then the next item may be shown."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1 to 4, got {rating}")
        before = item.state
        after = self.previews.get(rating) if self._schedules(item) else None
        if self.session_id is None:
            self.session_id = self.store.start_session(item.shown_at, self.mode, self.decks)
        payload = None if result is None else json.dumps(
            {"correct": result.correct, "score": result.score, "marks": result.marks})
        review = Review(item_id=item.id, reviewed_at=item.shown_at, rating=rating,
                        duration_ms=max(int(elapsed_ms), 0),
                        mode="scheduled" if self._schedules(item) else "practice",
                        seed=item.problem.seed if item.problem else None, answer=answer,
                        result=payload, mistake=getattr(result.mistake, "tag", None) if result else None,
                        session_id=self.session_id, correct=result.correct if result else None)
        review_id = self.store.record(review, before, after)
        self.undo_stack = [*self.undo_stack, (review_id, item)][-UNDO_DEPTH:]
        self.answered += 1
        failed = rating == AGAIN or (result is not None and result.correct is False)
        self.right += int(not failed)
        self.wrong += int(failed)
        self.spent_ms += review.duration_ms
        self.outcomes[review_id] = (failed, review.duration_ms)
        if item.problem is not None and failed:
            for ref in item.problem.template.related:
                if ref in self.cards and ref not in self.related:
                    related_state = self.store.get(ref)
                    if related_state is not None:
                        self.related.add(ref)
                        self.front.append(related_state)
        became_leech = after is not None and after.leech and not before.leech
        return RateOutcome(review_id, after, became_leech)

    def undo(self) -> StudyItem | None:
        """Take back the last answer; its item is shown again next. None when nothing is left."""
        if not self.undo_stack:
            return None
        review_id, item = self.undo_stack.pop()
        restored = self.store.undo(review_id)
        if restored is None:
            return None
        self.answered -= 1
        failed, spent = self.outcomes.pop(review_id, (False, 0))
        self.right -= int(not failed)
        self.wrong -= int(failed)
        self.spent_ms -= spent
        self.front.appendleft(restored)
        return item

    # --- flags --------------------------------------------------------------------------
    def suspend(self, item: StudyItem) -> None:
        self.store.set_item(replace(self.store.get(item.id) or item.state, suspended=True))

    def bury(self, item: StudyItem) -> None:
        """Hide the item until the next study day starts."""
        self.store.set_item(replace(self.store.get(item.id) or item.state, buried_until=self.day_end))

    def finish(self) -> dict[str, Any]:
        now = self.clock()
        if self.session_id is not None:
            self.store.end_session(self.session_id, now)
        due_tomorrow = self.store.count_due(self.day_end, self.day_end + timedelta(days=1), self.decks)
        return {"answered": self.answered, "right": self.right, "wrong": self.wrong,
                "due_tomorrow": due_tomorrow, "time_ms": self.spent_ms}


def _interleave(groups: list[list[ItemState]]) -> list[ItemState]:
    """Round-robin over groups so that one deck does not come in a block."""
    out: list[ItemState] = []
    queues = [deque(g) for g in groups if g]
    while queues:
        for q in list(queues):
            out.append(q.popleft())
            if not q:
                queues.remove(q)
    return out


__all__ = ["StudySession", "StudyItem", "AnswerResult", "RateOutcome", "Counts", "ProblemTemplate"]
