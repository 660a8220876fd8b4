"""How many new items and reviews today still allows, per deck and in all, and so today's counts.

The limits are the settings' (per day, and per deck), less what was already done today in
scheduled mode. A study session draws its queues through ``Allowance``; Home counts what each deck
has to offer through the same ``Allowance`` (``today_counts``), so the numbers on Home are the ones
the session will show when it starts, without building one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from studyapp.core.settings import Settings


@dataclass
class Counts:
    new: int
    learning: int
    review: int


@dataclass(frozen=True)
class Allowance:
    new_left: int  # new items today, all decks together
    reviews_left: int
    new: dict[str, int]  # per deck
    reviews: dict[str, int]


def allowance(settings: Settings, decks: Iterable[str], done: Mapping[str, tuple[int, int]]) -> Allowance:
    """``done``: per deck, (new items introduced, reviews) today in scheduled mode."""
    decks = list(decks)
    new_left = max(settings.new_per_day - sum(n for n, _ in done.values()), 0)
    reviews_left = max(settings.reviews_per_day - sum(r for _, r in done.values()), 0)
    return Allowance(
        new_left=new_left, reviews_left=reviews_left,
        new={d: max(settings.new_limit(d) - done.get(d, (0, 0))[0], 0) for d in decks},
        reviews={d: max(settings.review_limit(d) - done.get(d, (0, 0))[1], 0) for d in decks})


def today_counts(allowed: Allowance, decks: Iterable[str],
                 available: Mapping[str, tuple[int, int, int]]) -> Counts:
    """What a session over ``decks`` starts with, given what each deck has to offer
    (``available``: per deck, new, reviews due and learning due, as the store counts them)."""
    decks = list(decks)
    offer = [available.get(d, (0, 0, 0)) for d in decks]
    return Counts(
        new=min(sum(min(o[0], allowed.new[d]) for d, o in zip(decks, offer, strict=True)), allowed.new_left),
        learning=sum(o[2] for o in offer),
        review=min(sum(min(o[1], allowed.reviews[d]) for d, o in zip(decks, offer, strict=True)),
                   allowed.reviews_left))
