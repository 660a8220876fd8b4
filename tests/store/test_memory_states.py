"""Memory states recomputed from the review log: a learner's year recorded through the real store
and scheduler, then every studied item's stability and due date recomputed under the same
parameters (nothing moves beyond float precision), under fitted ones (each item gets fsrs-rs's
state and py-fsrs's interval for it), per deck; practice and exam answers play no part."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import numpy as np
import pytest

from studyapp.core import optimizer
from studyapp.core.calibration import recall
from studyapp.core.memory_model import FittedParameters, MemoryModel
from studyapp.core.review_log import Review
from studyapp.core.scheduler import REVIEW, ItemState, Scheduler
from studyapp.core.settings import Settings
from studyapp.store.memory_states import fit_all, recompute, scheduled_histories, studiable_count
from studyapp.store.progress import Store
from tests.core.synthetic_learner import parameters

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TRUE = parameters(3.0, 0.3)  # how the learner remembers; the app schedules with the defaults
DECKS = ("cnn", "mlp")
STUDIED, NEW, DAYS = 60, 5, 240


def learn(store: Store, seed: int = 7) -> dict[str, int]:
    """A learner's ``DAYS`` through ``Store.record`` and ``Scheduler(Settings())`` (fuzz on), at a
    fixed clock per answer: ``STUDIED`` items, each coming back when due and recalled as ``TRUE``
    says, and every fifth answer followed by a practice or an exam answer (rated Again: were they
    read, they would move the memory); every tenth item lapses last and is left relearning. ``NEW``
    items are never studied. Returns the answers of each mode."""
    rng = np.random.default_rng(seed)
    scheduler = Scheduler(Settings())
    ids = [f"card-{i}" for i in range(STUDIED + NEW)]
    store.sync([(item_id, DECKS[i % 2], "card", ()) for i, item_id in enumerate(ids)])
    counts = {"scheduled": 0, "practice": 0, "exam": 0}
    for i, item_id in enumerate(ids[:STUDIED]):
        state = store.get(item_id)
        assert state is not None
        truth = 0.0  # the true stability of the learner's memory of the item
        now = START + timedelta(days=int(rng.integers(0, DAYS // 2)), minutes=int(rng.integers(0, 600)))
        while now < START + timedelta(days=DAYS):
            if state.is_new:
                rating = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.1, 0.6, 0.1]))
                truth = TRUE[rating - 1]
            else:
                elapsed = (now - state.last_review).total_seconds() / 86400  # type: ignore[operator]
                recalled = rng.random() < recall(TRUE, elapsed, truth)
                rating = int(rng.choice([2, 3, 4], p=[0.15, 0.75, 0.10])) if recalled else 1
                if elapsed >= 1:
                    truth *= 2.5 if recalled else 0.4
            after = scheduler.review(state, rating, now)
            store.record(Review(item_id, now, rating, 5000, "scheduled"), state, after)
            counts["scheduled"] += 1
            if counts["scheduled"] % 5 == 0:
                mode = ("practice", "exam")[i % 2]
                store.record(Review(item_id, now + timedelta(minutes=2), 1, 3000, mode), after, None)
                counts[mode] += 1
            state = after
            assert state.due is not None
            now = max(state.due, now + timedelta(minutes=1)) + timedelta(minutes=int(rng.integers(0, 120)))
        if i % 10 == 0:  # a lapse on the last day: the item is left relearning, due in minutes
            store.record(Review(item_id, now, 1, 5000, "scheduled"), state, scheduler.review(state, 1, now))
            counts["scheduled"] += 1
    return counts


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("learner") / "progress.sqlite3"
    store = Store(path)
    try:
        counts = learn(store)
    finally:
        store.close()
    return path, counts


@pytest.fixture
def store(year, tmp_path: Path):
    copy = tmp_path / "progress.sqlite3"
    shutil.copyfile(year[0], copy)
    s = Store(copy)
    yield s
    s.close()


def fit_of(values: list[float] | tuple[float, ...]) -> FittedParameters:
    return FittedParameters(tuple(values), "2026-12-05T18:00:00+00:00", 1000, 0.36, 0.35, 0.04, 0.03)


def by_id(store: Store) -> dict[str, ItemState]:
    return {item.item_id: item for item in store.items()}


def test_only_scheduled_answers_make_the_histories(store, year):
    counts = year[1]
    assert counts["practice"] > 0 and counts["exam"] > 0
    hists = scheduled_histories(store.conn)
    assert len(hists) == STUDIED and sum(len(h.times) for h in hists) == counts["scheduled"]
    assert all(h.times == sorted(h.times) and h.deck in DECKS for h in hists)
    cnn = scheduled_histories(store.conn, decks=["cnn"])
    assert {h.deck for h in cnn} == {"cnn"} and len(cnn) == STUDIED // 2
    assert scheduled_histories(store.conn, decks=[]) == []
    assert studiable_count(store.conn) == STUDIED + NEW


def test_the_same_parameters_move_nothing_beyond_float_precision(store):
    before = by_id(store)
    recompute(store, Scheduler(Settings()))
    after = by_id(store)
    in_review = [k for k, item in before.items() if not item.is_new and item.state == REVIEW]
    assert STUDIED / 2 < len(in_review) < STUDIED  # and a few relearning
    for item_id, old in before.items():
        new = after[item_id]
        if old.is_new:
            assert new == old
            continue
        assert new.stability == pytest.approx(old.stability, rel=1e-4)  # fsrs-rs is single precision
        assert new.difficulty == pytest.approx(old.difficulty, rel=1e-4)
        assert abs((new.due - old.due).total_seconds()) <= 86400, item_id
        if old.state != REVIEW:  # (re)learning: its step's due time is kept
            assert new.due == old.due
    assert sum(after[k].due == before[k].due for k in in_review) > 0.9 * len(in_review)


def test_fitted_parameters_give_each_item_fsrs_rs_s_state_and_py_fsrs_s_interval(store):
    before = by_id(store)
    model = MemoryModel(collection=fit_of(TRUE))
    changed = recompute(store, Scheduler(Settings(fuzz=False, memory_model=model)))
    after = by_id(store)
    states = optimizer.memory_states(scheduled_histories(store.conn), lambda h: tuple(TRUE))
    theirs = fsrs.Scheduler(parameters=TRUE, enable_fuzzing=False)
    studied = [k for k, item in before.items() if not item.is_new]
    assert changed == len(studied) and set(states) == set(studied)
    for item_id in studied:
        new, old = after[item_id], before[item_id]
        assert (new.stability, new.difficulty) == pytest.approx(states[item_id], rel=1e-6)
        assert (new.state, new.step, new.last_review, new.lapses) == (old.state, old.step, old.last_review,
                                                                       old.lapses)
        if new.state == REVIEW:
            days = theirs._next_interval(stability=new.stability)
            assert new.due == new.last_review + timedelta(days=days), item_id
        else:
            assert new.due == old.due
    longer = [k for k in studied if after[k].stability > before[k].stability]
    assert len(longer) > 0.8 * len(studied)  # three times the initial stabilities: longer memories
    assert all(after[k] == before[k] for k in before if before[k].is_new)


def test_a_deck_fitted_on_its_own_is_recomputed_with_its_parameters(store):
    mlp = parameters(0.5)
    model = MemoryModel(collection=fit_of(TRUE), decks={"mlp": fit_of(mlp)})
    recompute(store, Scheduler(Settings(fuzz=False, memory_model=model)))
    hists = scheduled_histories(store.conn)
    states = optimizer.memory_states(hists, lambda h: tuple(mlp if h.deck == "mlp" else TRUE))
    for item in store.items():
        if not item.is_new:
            assert item.stability == pytest.approx(states[item.item_id][0], rel=1e-6)
            if item.state == REVIEW:
                theirs = fsrs.Scheduler(parameters=mlp if item.deck == "mlp" else TRUE, enable_fuzzing=False)
                days = theirs._next_interval(stability=item.stability)
                assert item.due == item.last_review + timedelta(days=days)


def test_recomputing_twice_changes_nothing_the_second_time(store):
    scheduler = Scheduler(Settings(memory_model=MemoryModel(collection=fit_of(TRUE))))
    assert recompute(store, scheduler) > 0
    once = by_id(store)
    assert recompute(store, scheduler) == 0 and by_id(store) == once


def test_progress_is_reported_to_the_end(store):
    seen: list[tuple[float, str]] = []
    recompute(store, Scheduler(Settings()), progress=lambda fraction, what: seen.append((fraction, what)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] >= 1.0 - 1e-9
    assert {what for _, what in seen} == {"memory states", "saving"}


def test_fit_all_fits_the_collection_and_each_deck(store):
    collection, decks = fit_all(store, Scheduler(Settings()), per_deck=True)
    assert collection.deck is None and collection.reviews == sum(len(h.times) for h in
                                                                  scheduled_histories(store.conn))
    assert [d.deck for d in decks] == list(DECKS)
    for deck in decks:
        assert isinstance(deck, optimizer.FitResult | optimizer.TooFewReviews)
        if isinstance(deck, optimizer.FitResult):
            assert deck.rival is not None  # judged against the collection's parameters too
    assert fit_all(store, Scheduler(Settings()))[1] == []


def test_fit_all_says_what_it_does_from_the_start_to_the_end(store):
    seen: list[tuple[float, str]] = []
    fit_all(store, Scheduler(Settings()), per_deck=True, progress=lambda f, what: seen.append((f, what)))
    assert seen[0] == (0.0, "reading your reviews")  # before the seconds a year of reviews takes
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] <= 1.0


def test_a_store_without_reviews_has_too_few(tmp_path: Path):
    store = Store(tmp_path / "empty.sqlite3")
    try:
        store.sync([("a", "cnn", "card", ())])
        with pytest.raises(optimizer.TooFewReviews) as caught:
            fit_all(store, Scheduler(Settings()))
        assert caught.value.needed == optimizer.MINIMUM_REVIEWS
        assert recompute(store, Scheduler(Settings())) == 0
    finally:
        store.close()
