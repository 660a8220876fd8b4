"""A synthetic learner whose memory follows known FSRS parameters, for testing the optimizer: a year
of scheduled reviews as ``core.review_history.History`` objects (times in UTC ms), built in memory.

Each item is introduced on a day of the first ``intro_share`` of the year and then reviewed when
due: the interval is what fsrs-rs schedules at the desired retention under the true parameters
(or under ``schedule``: a learner whose app does not know their memory yet, with the defaults),
and the learner comes back that late or up to ``lateness`` later (so that recall is seen at more
than one point of the forgetting curve). The item is recalled with the probability the true
parameters give at the days elapsed (``core.calibration.recall``), rated Hard/Good/Easy with fixed
shares when recalled and Again otherwise; the true memory state is advanced by fsrs-rs's
``next_states``. One review a day at most: no same-day steps. Seeded, so a test sees one year.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate

import fsrs
import fsrs_rs_python
import numpy as np

from studyapp.core.calibration import recall
from studyapp.core.review_history import DAY_MS, History

START_MS = 1_767_600_000_000  # 2026-01-05 08:00 UTC
FIRST_SHARES = (0.2, 0.15, 0.5, 0.15)  # Again, Hard, Good, Easy at an item's first review
RECALLED_SHARES = (0.15, 0.75, 0.10)  # Hard, Good, Easy when recalled
DEFAULTS = tuple(float(w) for w in fsrs.scheduler.DEFAULT_PARAMETERS)


def parameters(initial_factor: float = 1.0, decay: float | None = None) -> list[float]:
    """FSRS's defaults with the four initial stabilities multiplied and the decay (w20) replaced."""
    w = [*DEFAULTS]
    w[0:4] = [round(s * initial_factor, 4) for s in w[0:4]]
    if decay is not None:
        w[20] = decay
    return w


def learner_year(true: Sequence[float], items: int, *, days: int = 365, seed: int = 0,
                 first: Sequence[float] = FIRST_SHARES, recalled: Sequence[float] = RECALLED_SHARES,
                 retention: float = 0.9, lateness: float = 0.3, intro_share: float = 0.5,
                 deck: str | None = "synthetic", prefix: str = "item",
                 schedule: Sequence[float] | None = None) -> list[History]:
    """``items`` histories of a learner remembering as ``true`` says (see the module docstring)."""
    model = fsrs_rs_python.FSRS(list(true))
    scheduler = fsrs_rs_python.FSRS(list(schedule)) if schedule is not None else None
    rng = np.random.default_rng(seed)
    first_cut = list(accumulate(first))[:-1]  # a uniform draw falls between the cuts: the rating
    recalled_cut = list(accumulate(recalled))[:-1]
    intro = rng.integers(0, max(int(days * intro_share), 1), size=items)
    # a time of day of its own per item (ms into 10 hours): no two items' reviews share an instant
    offset = rng.choice(36_000_000, size=items, replace=False)
    out = []
    for i in range(items):
        draws = iter(rng.random(3 * days).tolist())  # ample: at most one review a day, 3 draws each
        h = History(f"{prefix}-{i}", deck)
        day, state, planned, elapsed = int(intro[i]), None, None, 0
        while day < days:
            if state is None:
                rating = bisect(first_cut, next(draws)) + 1
            elif next(draws) < recall(true, elapsed, state.stability):
                rating = bisect(recalled_cut, next(draws)) + 2
            else:
                rating = 1
            h.times.append(START_MS + day * DAY_MS + int(offset[i]))
            h.ratings.append(rating)
            name = ("again", "hard", "good", "easy")[rating - 1]
            state = getattr(model.next_states(state, retention, elapsed), name).memory
            if scheduler is None:
                planned = state
            else:
                planned = getattr(scheduler.next_states(planned, retention, elapsed), name).memory
            due = max(1, round((scheduler or model).next_interval(planned.stability, retention, rating)))
            elapsed = max(1, round(due * (1 + lateness * next(draws))))
            day += elapsed
        out.append(h)
    return out


def rows(hists: Iterable[History]) -> list[tuple[str, str | None, int, int]]:
    """The histories as the store's rows: (item_id, deck, reviewed_at ms, rating)."""
    return [(h.item_id, h.deck, at, r) for h in hists for at, r in zip(h.times, h.ratings, strict=True)]
