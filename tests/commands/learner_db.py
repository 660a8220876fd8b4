"""A progress database holding a simulated learner's year: items studied through the real scheduler
and recorded through the real store, recalled with the probability FSRS gives under ``true``
parameters (so that a fit has something to find)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from studyapp.core.calibration import recall
from studyapp.core.review_log import Review
from studyapp.core.scheduler import REVIEW, ItemState, Scheduler
from studyapp.core.settings import Settings
from studyapp.store.progress import Store

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def learner_db(path: Path, items: int, days: int, true: list[float], seed: int = 7,
               decks: tuple[str, ...] = ("activations", "convolution")) -> Path:
    """Each item is introduced on a day of the first half, then reviewed whenever due (the learner's
    scheduler: FSRS defaults); recall follows ``true``; ratings Good mostly when recalled."""
    rng = np.random.default_rng(seed)
    scheduler = Scheduler(Settings(fuzz=False))
    store = Store(path)
    truth: dict[str, float] = {}  # the true stability of each item's memory
    for i in range(items):
        item_id = f"card-{i}"
        state = ItemState(item_id=item_id, deck=decks[i % len(decks)], kind="card")
        now = START + timedelta(days=int(rng.integers(0, days // 2)), minutes=int(rng.integers(0, 600)))
        end = START + timedelta(days=days)
        while now < end:
            if state.is_new:
                rating = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.1, 0.6, 0.1]))
                truth[item_id] = true[rating - 1]
            else:
                elapsed = (now - state.last_review).total_seconds() / 86400  # type: ignore[operator]
                recalled = rng.random() < recall(true, max(elapsed, 0.0), truth[item_id])
                rating = int(rng.choice([2, 3, 4], p=[0.15, 0.75, 0.10])) if recalled else 1
                if elapsed >= 1:  # a same-day review leaves the long-term memory as it was
                    truth[item_id] *= 2.5 if recalled else 0.4
            after = scheduler.review(state, rating, now)
            store.record(Review(item_id=item_id, reviewed_at=now, rating=rating, duration_ms=5000,
                                mode="scheduled"), state, after)
            state = after
            assert state.due is not None
            now = max(state.due, now + timedelta(minutes=1)) + timedelta(minutes=int(rng.integers(0, 120)))
    store.close()
    return path


def in_review(path: Path) -> list[ItemState]:
    store = Store(path)
    try:
        return [i for i in store.items() if not i.is_new and i.state == REVIEW]
    finally:
        store.close()
