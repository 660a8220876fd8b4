"""FSRS-6 through py-fsrs: our wrapper gives exactly py-fsrs's schedule, plus New/young/mature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD, REVIEW, ItemState, Scheduler, interval_text
from studyapp.core.settings import Settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def fresh(item_id: str = "x") -> ItemState:
    return ItemState(item_id=item_id, deck="d", kind="card")


@pytest.mark.parametrize("ratings", [
    [GOOD, GOOD, GOOD, GOOD, GOOD],
    [AGAIN, GOOD, GOOD, AGAIN, GOOD, EASY],
    [EASY, HARD, GOOD, AGAIN, AGAIN, GOOD, GOOD],
    [HARD, HARD, HARD, GOOD, EASY],
])
@pytest.mark.parametrize("retention", [0.9, 0.8, 0.95])
def test_intervals_equal_py_fsrs_driven_directly(ratings, retention):
    ours = Scheduler(Settings(desired_retention=retention))
    theirs = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    item, card, now = fresh(), fsrs.Card(card_id=1), T0
    for rating in ratings:
        item = ours.review(item, rating, now)
        card, _ = theirs.review_card(card, fsrs.Rating(rating), now)
        assert (item.state, item.step, item.due, item.last_review) == (
            card.state.value, card.step, card.due, card.last_review)
        assert item.stability == pytest.approx(card.stability)
        assert item.difficulty == pytest.approx(card.difficulty)
        now = card.due + timedelta(hours=1)


def test_new_then_learning_then_review_young_then_mature():
    s = Scheduler()
    item = fresh()
    assert item.label(T0) == "new"
    item = s.review(item, GOOD, T0)
    assert item.label(T0) == "learning" and not item.is_new
    now = item.due
    while item.state != REVIEW:
        item = s.review(item, GOOD, now)
        now = item.due
    assert item.label(now) == "young"
    for _ in range(6):
        item = s.review(item, GOOD, item.due)
    assert item.interval_days() >= 21 and item.label(item.due) == "mature"
    lapsed = s.review(item, AGAIN, item.due)
    assert lapsed.label(item.due) == "relearning" and lapsed.lapses == 1


def test_preview_is_what_review_applies():
    s = Scheduler()
    item = s.review(fresh(), GOOD, T0)
    previews = s.preview(item, T0 + timedelta(minutes=15))
    for rating, after in previews.items():
        assert after == s.review(item, rating, T0 + timedelta(minutes=15))
    assert previews[AGAIN].due < previews[HARD].due <= previews[GOOD].due < previews[EASY].due


@pytest.mark.parametrize("action", ["tag", "suspend"])
def test_leech_after_eight_lapses(action):
    s = Scheduler(Settings(leech_action=action))
    item = s.review(fresh(), EASY, T0)
    lapses_seen = []
    for _ in range(8):
        item = s.review(item, GOOD, item.due)
        while item.state != REVIEW:
            item = s.review(item, GOOD, item.due)
        item = s.review(item, AGAIN, item.due)
        lapses_seen.append(item.lapses)
        if item.lapses < 8:
            assert not item.leech
        item = s.review(item, GOOD, item.due)
    assert lapses_seen == list(range(1, 9))
    assert item.leech
    assert item.suspended is (action == "suspend")


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(seconds=20), "<1m"), (timedelta(minutes=10), "10m"), (timedelta(hours=3), "3h"),
    (timedelta(days=2), "2d"), (timedelta(days=11), "11d"), (timedelta(days=40), "1.3mo"),
    (timedelta(days=800), "2.2y"),
])
def test_interval_text_like_anki(delta, text):
    assert interval_text(T0 + delta, T0) == text


def test_state_round_trips_through_a_dict():
    item = Scheduler().review(fresh(), GOOD, T0)
    assert ItemState.from_dict(item.to_dict()) == item
