"""FSRS-6 through py-fsrs: our wrapper gives exactly py-fsrs's schedule, plus New/young/mature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import fsrs.scheduler as fsrs_scheduler
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
    ours = Scheduler(Settings(desired_retention=retention, fuzz=False))
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


def graduated(s: Scheduler, item_id: str, now: datetime = T0) -> ItemState:
    """An item taken through its learning steps with Good, as a learner does on day one."""
    item = fresh(item_id)
    while item.is_new or item.state != REVIEW:
        item = s.review(item, GOOD, now)
        now = item.due
    return item


def test_fuzz_stays_in_py_fsrs_range_and_spreads_items_learnt_together():
    plain, fuzzy = Scheduler(Settings(fuzz=False)), Scheduler()
    theirs = fsrs.Scheduler(enable_fuzzing=True)
    days = set()
    for n in range(60):
        base, item = graduated(plain, f"card.{n}"), graduated(fuzzy, f"card.{n}")
        now = base.due
        unfuzzed = plain.review(base, GOOD, now)
        fuzzed = fuzzy.review(item, GOOD, now)
        interval = (unfuzzed.due - now).days
        assert interval >= 3  # fuzz applies from 2.5 days
        ends = []  # py-fsrs's own fuzz, its random() at either end of [0, 1), gives the range
        for r in (0.0, 0.999999):
            original, fsrs_scheduler.random = fsrs_scheduler.random, (lambda r=r: r)
            try:
                ends.append(theirs._get_fuzzed_interval(interval=timedelta(days=interval)).days)
            finally:
                fsrs_scheduler.random = original
        got = (fuzzed.due - now).days
        assert min(ends[0], ends[1] - 1) <= got <= ends[1], (interval, ends, got)
        assert fuzzed.stability == pytest.approx(unfuzzed.stability)  # only the due date moves
        days.add(got)
    assert len(days) >= 3  # items learnt on the same day with the same ratings spread out


def test_fuzz_is_the_same_each_time_and_a_preview_is_what_is_applied():
    s = Scheduler()
    item = graduated(s, "conv.stride")
    now = item.due
    preview = s.preview(item, now)
    assert preview == s.preview(item, now)
    for rating in (HARD, GOOD, EASY):
        assert s.review(item, rating, now) == preview[rating]
    hard, good, easy = ((preview[r].due - now).days for r in (HARD, GOOD, EASY))
    assert hard <= good <= easy  # one factor for all four buttons keeps their order


GOLDEN = {"act.relu": [0.007, 2.0, 13.0, 52.0, 181.0, 534.0],
          "conv.stride": [0.007, 2.0, 11.0, 50.0, 166.0, 488.0],
          "train.backprop-step": [0.007, 2.0, 12.0, 45.0, 155.0, 480.0]}


def test_golden_fuzzed_intervals_pin_the_seeding():
    """Days until due after Good, Good, ... from T0, for three ids: changes only on purpose."""
    s = Scheduler()
    golden = {}
    for item_id in ("act.relu", "conv.stride", "train.backprop-step"):
        item, now, days = fresh(item_id), T0, []
        for _ in range(6):
            item = s.review(item, GOOD, now)
            days.append(round((item.due - now).total_seconds() / 86400, 3))
            now = item.due
        golden[item_id] = days
    assert golden == GOLDEN


def test_fuzz_setting_is_checked():
    settings, errors = Settings.from_dict({"fuzz": "yes"})
    assert settings.fuzz is True and errors == ["setting 'fuzz': expected true or false, got 'yes'"]
    assert Settings.from_dict({"fuzz": False})[0].fuzz is False
