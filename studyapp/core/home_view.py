"""What Home shows: each deck with today's counts, all decks together, and today's activity.

Built the same way whether the decks come from the loaded content or from the content summary of
the start-up (``core.deck_summary``), and whether the counts are read through the full store or a
read-only reader of the same queries (``store.day_counts``): the numbers are those a study session
over that deck starts with (``core.day_plan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from studyapp.core.bilingual import Text
from studyapp.core.day_plan import Counts, allowance, today_counts
from studyapp.core.days import day_bounds, local_zone
from studyapp.core.settings import Settings


class TodaySource(Protocol):
    """The reads Home needs (``Store`` and ``store.day_counts.TodayReader`` both have them)."""

    def available(self, before: datetime, now: datetime) -> dict[str, tuple[int, int, int]]: ...
    def done_since(self, start: datetime) -> dict[str, tuple[int, int]]: ...
    def activity_since(self, start: datetime) -> tuple[int, int]: ...


@dataclass(frozen=True)
class DeckLine:
    id: str
    title: Text
    counts: Counts


@dataclass(frozen=True)
class HomeView:
    decks: tuple[DeckLine, ...]
    total: Counts
    answered: int  # today, in every mode
    spent_ms: int
    errors: tuple[str, ...]  # decks that failed to load, as FILE:LINE:COL: message

    @property
    def left(self) -> int:
        return self.total.new + self.total.learning + self.total.review


def home_view(decks: Sequence[tuple[str, Text]], errors: Sequence[str], source: TodaySource,
              settings: Settings, now: datetime) -> HomeView:
    day_start, day_end = day_bounds(now, local_zone(settings.timezone), settings.day_start_hour)
    ids = [deck_id for deck_id, _ in decks]
    allowed = allowance(settings, ids, source.done_since(day_start))
    offer = source.available(day_end, now)
    answered, spent_ms = source.activity_since(day_start)
    return HomeView(decks=tuple(DeckLine(deck_id, title, today_counts(allowed, [deck_id], offer))
                                for deck_id, title in decks),
                    total=today_counts(allowed, ids, offer), answered=answered, spent_ms=spent_ms,
                    errors=tuple(errors))
