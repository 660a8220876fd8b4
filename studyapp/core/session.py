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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from studyapp.core.answer_parse import tidy_parts
from studyapp.core.content import ProblemTemplate
from studyapp.core.day_plan import Counts, allowance
from studyapp.core.days import day_bounds, local_zone
from studyapp.core.item_answer import AnswerResult, read_answer, reveal_answer
from studyapp.core.library import Library
from studyapp.core.problems import generate
from studyapp.core.review_log import ItemChanged, Review
from studyapp.core.scheduler import (
    HARD,
    RATINGS,
    REVIEW,
    ItemState,
    Scheduler,
    interval_text,
)
from studyapp.core.settings import Settings
from studyapp.core.steps import Step
from studyapp.core.study_item import StudyItem

LEARN_AHEAD = timedelta(minutes=20)
UNDO_DEPTH = 50


class ProgressStore(Protocol):
    """What the session needs from the store (``studyapp.store.progress.Store``)."""

    def sync(self, items: Any, prints: dict[str, str] | None = None) -> int: ...
    def get(self, item_id: str) -> ItemState | None: ...
    def items(self, decks: Any = None) -> list[ItemState]: ...
    def learning_due(self, before: datetime, decks: list[str] | None, now: datetime,
                     limit: int = ...) -> list[ItemState]: ...
    def count_learning_due(self, before: datetime, decks: list[str] | None, now: datetime) -> int: ...
    def reviews_due(self, deck: str, before: datetime, now: datetime, limit: int) -> list[ItemState]: ...
    def count_due(self, start: datetime, end: datetime, decks: list[str] | None) -> int: ...
    def new_items(self, deck: str, now: datetime, limit: int) -> list[ItemState]: ...
    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]: ...
    def record(self, review: Review, before: ItemState, after: ItemState | None) -> int: ...
    def undo(self, review_id: int) -> ItemState | None: ...
    def set_item(self, state: ItemState) -> None: ...
    def start_session(self, now: datetime, mode: str, decks: list[str] | None) -> int: ...
    def end_session(self, session_id: int, now: datetime) -> None: ...


@dataclass(frozen=True)
class RateOutcome:
    review_id: int
    after: ItemState | None
    became_leech: bool
    changed_elsewhere: bool = False  # another window had answered it: scheduled from its state now


@dataclass(frozen=True)
class _Undo:
    """One step of the undo stack: an answer (its review id) or a flag (the state before)."""

    action: str  # answer | suspend | bury
    item: StudyItem
    review_id: int = 0
    before: ItemState | None = None
    right: bool = False
    spent_ms: int = 0


class StudySession:
    def __init__(self, library: Library, store: ProgressStore, settings: Settings,
                 clock: Callable[[], datetime], rng: np.random.Generator,
                 decks: list[str] | None = None, mode: str = "scheduled", tag: str | None = None):
        self.library, self.store, self.settings = library, store, settings
        self.clock, self.rng, self.mode = clock, rng, mode
        self.decks = decks or [d.id for d in library.decks]
        self.scheduler = Scheduler(settings)
        self.zone = local_zone(settings.timezone)
        self.cards, self.templates = library.cards_by_id, library.templates_by_id
        store.sync(library.content_rows, library.fingerprints)
        self.session_id: int | None = None  # the session row is written with the first answer
        # Items shown again exactly as they were (undone ones, and the one an undo displaced),
        # before anything else; then related cards of a failed problem, with that problem's id.
        self.returning: deque[StudyItem] = deque()
        self.front: deque[tuple[ItemState, str]] = deque()
        self.related: set[str] = set()  # related cards queued or shown: never shown twice
        self.current: StudyItem | None = None  # shown and not yet answered, suspended or buried
        self.undo_stack: list[_Undo] = []
        self.answered = self.right = self.wrong = self.spent_ms = 0
        self.tag = tag
        self._build()

    # --- queues -------------------------------------------------------------------------
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
            order: list[int] = [int(i) for i in self.rng.permutation(len(pool))] if pool else []
            self.reviews, self.new = deque(pool[i] for i in order), deque[ItemState]()
            return
        allowed = allowance(self.settings, self.decks, self.store.done_since(self.day_start))
        by_deck = []
        for deck in self.decks:
            limit = min(allowed.reviews[deck], allowed.reviews_left)
            due = self.store.reviews_due(deck, self.day_end, now, limit)
            by_deck.append([s for s in due if self._in_scope(s)])
        self.reviews = deque(_interleave(by_deck)[:allowed.reviews_left])
        fresh = []
        for deck in self.decks:
            # More than allowed, so that cards and problems of a deck can take turns; then the
            # decks take turns.
            items = [s for s in self.store.new_items(deck, now, allowed.new[deck] * 4) if self._in_scope(s)]
            fresh.append(_interleave([[s for s in items if s.kind == k] for k in ("card", "problem")])
                         [:allowed.new[deck]])
        self.new = deque(_interleave(fresh)[:allowed.new_left])

    def _learning_due(self, until: datetime) -> list[ItemState]:
        now = self.clock()
        return [s for s in self.store.learning_due(until, self.decks, now) if self._in_scope(s)]

    def counts(self) -> Counts:
        """What is left: the queues, the items an undo will show again, and learning due today."""
        learning = (self.store.count_learning_due(self.day_end, self.decks, self.clock())
                    if self.mode != "practice" else 0)
        back = [i.reason for i in self.returning if i.related_to is None]  # related: as in `front`
        return Counts(new=len(self.new) + back.count("new"), learning=learning,
                      review=len(self.reviews) + back.count("review"))

    # --- showing ------------------------------------------------------------------------
    def next(self) -> StudyItem | None:
        now = self.clock()
        if self.mode != "practice" and now >= self.day_end:
            self._build()
        if self.returning:
            return self._show_again(self.returning.popleft(), now)
        while self.front:
            state, problem_id = self.front.popleft()
            fresh = self.store.get(state.item_id)
            if fresh is not None and not fresh.suspended:
                return self._show(fresh, self._related_reason(fresh, now), now, related_to=problem_id)
        if self.mode != "practice":
            learning = self._learning_due(now)
            if learning:
                return self._show(learning[0], "learning", now)
        for queue, reason in ((self.reviews, "review"), (self.new, "new")):
            while queue:
                found = self.store.get(queue.popleft().item_id)
                if found is None or found.suspended or found.is_buried(now) or found.item_id in self.related:
                    continue  # a related card already shown is not shown again as new or due
                return self._show(found, "practice" if self.mode == "practice" else reason, now)
        if self.mode != "practice":
            ahead = self._learning_due(now + LEARN_AHEAD)
            if ahead:
                return self._show(ahead[0], "learning", now)
        return None

    def _related_reason(self, state: ItemState, now: datetime) -> str:
        """A related card is scheduled when it is new or due today, practised otherwise."""
        if self.mode != "scheduled":
            return "practice"
        if state.is_new:
            return "new"
        if state.due is not None and state.due < self.day_end:
            return "review" if state.state == REVIEW else "learning"
        return "practice"

    def show(self, item_id: str) -> StudyItem | None:
        """One item on request (e.g. to look at it again): practised, its schedule unchanged."""
        state = self.store.get(item_id)
        return None if state is None else self._show(state, "practice", self.clock())

    def _show(self, state: ItemState, reason: str, now: datetime, related_to: str | None = None) -> StudyItem:
        item = StudyItem(state=state, reason=reason, shown_at=now, related_to=related_to)
        if state.item_id in self.cards:
            item.card = self.cards[state.item_id]
            if item.card.type == "choice":
                item.option_order = [int(i) for i in self.rng.permutation(len(item.card.options))]
        else:
            item.problem = generate(self.templates[state.item_id], int(self.rng.integers(2**32)))
        item.previews = self.scheduler.preview(state, now) if self._schedules(item) else {}
        return self._showing(item)

    def _showing(self, item: StudyItem) -> StudyItem:
        if item.related_to is not None:  # shown now: not again later as new or due
            self.reviews = deque(s for s in self.reviews if s.item_id != item.id)
            self.new = deque(s for s in self.new if s.item_id != item.id)
        item.snapshot = (deque(self.reviews), deque(self.new), deque(self.front), set(self.related),
                         deque(self.returning))
        self.current = item
        return item

    def _show_again(self, item: StudyItem, now: datetime) -> StudyItem:
        """The same showing (variant, option order, reason) from the item's state as stored now."""
        state = self.store.get(item.id) or item.state
        again = replace(item, state=state, shown_at=now, hint_used=False, changed_elsewhere=False)
        again.previews = self.scheduler.preview(state, now) if self._schedules(again) else {}
        return self._showing(again)

    def _schedules(self, item: StudyItem) -> bool:
        return self.mode == "scheduled" and item.reason in ("learning", "review", "new")

    def interval_labels(self, item: StudyItem) -> dict[int, str]:
        """Each rating's next interval (``<10m``, ``2d``, ``1.3mo``); empty when nothing is scheduled."""
        return {r: interval_text(s.due, item.shown_at) for r, s in item.previews.items()}

    def hint(self, item: StudyItem) -> Step | None:
        """The first step of the worked solution; asking for it caps the rating at Hard."""
        if item.problem is None or not item.problem.steps:
            return None
        item.hint_used = True
        return item.problem.steps[0]

    # --- answering ----------------------------------------------------------------------
    def answer(self, item: StudyItem, text: str | None = None, chosen: set[int] | None = None,
               elapsed_ms: int = 0) -> AnswerResult:
        """Read and grade what was typed (a problem's answer, a cloze's gaps, a choice's option
        numbers) or the chosen options (content indexes); a basic card needs neither. An
        unreadable text comes back with ``readable`` False and must not be rated."""
        self.refresh(item)  # the rating bar shows intervals from the item's state now
        return read_answer(item, text, chosen, item.hint_used, elapsed_ms, self.settings.lang)

    def reveal(self, item: StudyItem) -> AnswerResult:
        """Flip a basic card, or a cloze without typing: the answer is shown, the learner rates."""
        self.refresh(item)
        return reveal_answer(item, self.settings.lang)

    def rate(self, item: StudyItem, rating: int, elapsed_ms: int = 0, answer: str | None = None,
             result: AnswerResult | None = None) -> RateOutcome:
        """Commit the answer in its own transaction, then the next item may be shown."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1 to 4, got {rating}")
        if result is not None and not result.readable:
            raise ValueError("an unreadable answer is not graded and cannot be rated")
        if item.hint_used:
            rating = min(rating, HARD)  # a hint caps the rating at Hard
        if answer and item.problem is not None and isinstance(item.problem.answer, dict):
            answer = tidy_parts(answer, list(item.problem.answer))
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
        while True:
            before = item.state
            after = item.previews.get(rating) if self._schedules(item) else None
            try:
                review_id = self.store.record(replace(review, reviewed_at=item.shown_at), before, after)
                break
            except ItemChanged as exc:  # another window answered it: the same rating, from its state now
                self._repreview(item, exc.current)
        self._push(_Undo("answer", item, review_id=review_id, right=review.right,
                         spent_ms=review.duration_ms))
        self.answered += 1
        self.right += int(review.right)
        self.wrong += int(not review.right)
        self.spent_ms += review.duration_ms
        self.current = None
        if item.problem is not None and not review.right:
            for ref in item.problem.template.related:
                if ref in self.cards and ref not in self.related:
                    related_state = self.store.get(ref)
                    if related_state is not None:
                        self.related.add(ref)
                        self.front.append((related_state, item.id))
        became_leech = after is not None and after.leech and not before.leech
        return RateOutcome(review_id, after, became_leech, item.changed_elsewhere)

    def refresh(self, item: StudyItem) -> bool:
        """Bring ``item`` up to its state in the store (another window may have answered it since
        it was shown): the rating previews are computed again. True when it had changed."""
        current = self.store.get(item.id)
        if current is None or current == item.state:
            return False
        self._repreview(item, current)
        return True

    def _repreview(self, item: StudyItem, current: ItemState) -> None:
        """Schedule from ``current`` as of now: the other window's answer came after this showing."""
        item.state, item.shown_at = current, max(item.shown_at, self.clock())
        item.changed_elsewhere = True
        item.previews = self.scheduler.preview(current, item.shown_at) if self._schedules(item) else {}

    def _push(self, step: _Undo) -> None:
        self.undo_stack = [*self.undo_stack, step][-UNDO_DEPTH:]

    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def undo(self) -> StudyItem | None:
        """Take back the last answer, suspension or burial: the item comes back as it was
        shown (same variant and option order, same reason, its state and schedule as before),
        and the item on screen returns to its place after it. None when nothing is left."""
        if not self.undo_stack:
            return None
        step = self.undo_stack[-1]  # taken off once the store has done it: a failed write keeps it
        displaced = self.current
        if step.action == "answer":
            if self.store.undo(step.review_id) is None:
                self.undo_stack.pop()
                return None
            self.answered -= 1
            self.right -= int(step.right)
            self.wrong -= int(not step.right)
            self.spent_ms -= step.spent_ms
        else:
            assert step.before is not None
            self.store.set_item(step.before)
        self.undo_stack.pop()
        # The queues as they were when the item was shown: the one on screen now goes back to
        # its place, related cards queued by the undone answer are no longer queued.
        reviews, new, front, related, returning = step.item.snapshot
        self.reviews, self.new, self.front = deque(reviews), deque(new), deque(front)
        self.related, self.returning = set(related), deque(returning)
        if displaced is not None and displaced.id != step.item.id and self._take_from_queues(displaced):
            # Shown as it was (same option order, same variant): the learner may have read it.
            if displaced.related_to == step.item.id:  # brought by the answer undone, due anyway
                displaced.related_to = None
            self.returning.appendleft(displaced)
        self.returning.appendleft(step.item)
        self.current = None
        return step.item

    def _take_from_queues(self, item: StudyItem) -> bool:
        """Take ``item``'s entry out of the restored queues; False when they do not hold it (a
        related card queued by the answer being undone), so it is not shown again."""
        queues: tuple[deque[Any], ...] = (self.returning, self.front, self.reviews, self.new)
        for queue in queues:
            for entry in queue:
                entry_id = entry.id if isinstance(entry, StudyItem) else \
                    entry[0].item_id if isinstance(entry, tuple) else entry.item_id
                if entry_id == item.id:
                    queue.remove(entry)
                    return True
        return item.reason == "learning"  # learning steps are not queued: they come when due

    # --- flags --------------------------------------------------------------------------
    def suspend(self, item: StudyItem) -> None:
        self._flag(item, "suspend", suspended=True)

    def bury(self, item: StudyItem) -> None:
        """Hide the item until the next study day starts."""
        self._flag(item, "bury", buried_until=self.day_end)

    def _flag(self, item: StudyItem, action: str, **change: Any) -> None:
        before = self.store.get(item.id) or item.state
        self.store.set_item(replace(before, **change))
        self._push(_Undo(action, item, before=before))
        if self.current is item:
            self.current = None

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
