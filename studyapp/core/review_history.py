"""The scheduled reviews of each item, as the FSRS optimizer learns from them.

Only the reviews that moved a schedule count (``mode = 'scheduled'``): practice, exam answers and
related cards shown outside their schedule are logged apart, and an undone answer is no longer in
the log. A problem template is one item, whichever variant was shown: each review of it counts once,
with the rating logged. Days between reviews are counted as py-fsrs counts them when it schedules
(whole days elapsed, ``timedelta.days``), so that a memory state recomputed from a history is the
one the scheduler reached: the same parameters give the same stability to 1e-6.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

DAY_MS = 86_400_000


@dataclass
class History:
    """One item's scheduled reviews in time order: when (UTC ms) and the rating (1–4)."""

    item_id: str
    deck: str | None  # None: an item the progress database no longer knows
    times: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def deltas(self) -> list[int]:
        """Whole days since the review before (0 for the first), as FSRS reads them."""
        return [0] + [(b - a) // DAY_MS for a, b in zip(self.times, self.times[1:], strict=False)]

    def sequences(self) -> Iterable[tuple[int, list[tuple[int, int]]]]:
        """Each review after the first with the reviews before it: (its time, [(rating, delta)…])."""
        pairs = list(zip(self.ratings, self.deltas(), strict=True))
        for i in range(1, len(pairs)):
            yield self.times[i], pairs[: i + 1]


def histories(rows: Iterable[tuple[str, str | None, int, int]]) -> list[History]:
    """The histories of ``rows`` (item_id, deck, reviewed_at ms, rating) in any order: each item's
    reviews sorted by time (a log imported out of order is read in the order it happened); ratings
    outside 1–4 are left out."""
    by_item: dict[str, History] = {}
    for item_id, deck, at, rating in rows:
        if rating not in (1, 2, 3, 4):
            continue
        h = by_item.get(item_id)
        if h is None:
            h = by_item[item_id] = History(item_id, deck)
        h.times.append(at)
        h.ratings.append(rating)
    for h in by_item.values():
        if any(b < a for a, b in zip(h.times, h.times[1:], strict=False)):
            order = sorted(range(len(h.times)), key=h.times.__getitem__)
            h.times = [h.times[i] for i in order]
            h.ratings = [h.ratings[i] for i in order]
    return list(by_item.values())


def review_count(items: Iterable[History]) -> int:
    return sum(len(h.times) for h in items)
