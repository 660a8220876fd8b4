"""The browser's read-only queries: every item with its last answer, one item's history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState, Scheduler
from studyapp.store.browse import history, item_rows, item_rows_sql
from studyapp.store.progress import Store

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "p.sqlite3")
    s.sync([("a", "deck1", "card", ()), ("b", "deck1", "problem", ()), ("c", "deck2", "card", ())])
    yield s
    s.close()


def answer(store: Store, item_id: str, at: datetime, rating: int, mode: str = "scheduled", **extra) -> None:
    before = store.get(item_id)
    after = Scheduler().review(before, rating, at) if mode == "scheduled" else None
    store.record(Review(item_id=item_id, reviewed_at=at, rating=rating, duration_ms=extra.pop("ms", 1000),
                        mode=mode, **extra), before, after)


def test_every_item_with_its_last_answer_in_any_mode(store):
    answer(store, "a", NOW, 3)
    answer(store, "a", NOW + 10 * MINUTE, 1, mode="practice")  # the last answer, schedule untouched
    answer(store, "b", NOW + MINUTE, 4)
    rows = item_rows(store)
    assert set(rows) == {"a", "b", "c"}
    a, b, c = rows["a"], rows["b"], rows["c"]
    assert (a.last_rating, a.last_answered, a.reviews) == (1, NOW + 10 * MINUTE, 2)
    assert a.state == store.get("a") and not a.state.is_new and a.state.last_review == NOW
    assert (b.last_rating, b.reviews, b.state.kind) == (4, 1, "problem")
    assert (c.last_rating, c.last_answered, c.reviews) == (None, None, 0) and c.state.is_new


def test_answers_at_the_same_instant_the_later_one_is_last(store):
    answer(store, "a", NOW, 2)
    answer(store, "a", NOW, 4, mode="exam")
    assert item_rows(store)["a"].last_rating == 4


def test_only_the_ids_asked_for_and_as_many_as_wanted(store):
    answer(store, "c", NOW, 3)
    assert set(item_rows(store, ["c", "a", "not-stored"])) == {"a", "c"}
    assert item_rows(store, []) == {}
    many = [f"x{i}" for i in range(40_000)] + ["b"]  # more than SQLite's parameter limit
    assert set(item_rows(store, many)) == {"b"}


def test_the_last_answer_is_found_through_the_index_not_by_scanning_the_log(store):
    plan = [row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + item_rows_sql())]
    on_reviews = [step for step in plan if " reviews " in f" {step} " or " l " in f" {step} "
                  or " c " in f" {step} " or " r " in f" {step} "]
    assert on_reviews and all(step.startswith("SEARCH") for step in on_reviews), plan
    assert any("reviews_item" in step for step in plan), plan


def test_history_is_every_answer_newest_first_with_what_was_typed(store):
    answer(store, "b", NOW, 1, answer="3", correct=False, mistake="conv.forgot_plus_one", seed=7, ms=61_000,
           result=json.dumps({"correct": False}))
    answer(store, "b", NOW + 10 * MINUTE, 3, answer="4", correct=True, seed=8)
    answer(store, "b", NOW + 20 * MINUTE, 4, mode="practice")
    answer(store, "a", NOW, 3)
    rows = history(store, "b")
    assert [r.reviewed_at for r in rows] == [NOW + 20 * MINUTE, NOW + 10 * MINUTE, NOW]
    oldest = rows[-1]
    assert (oldest.mode, oldest.rating, oldest.answer, oldest.correct, oldest.mistake, oldest.duration_ms,
            oldest.before, oldest.seed) == ("scheduled", 1, "3", False, "conv.forgot_plus_one", 61_000, 0, 7)
    assert rows[1].before == 1 and rows[1].correct is True  # learning after the first Again
    assert rows[0].mode == "practice" and rows[0].correct is None
    assert history(store, "c") == [] and history(store, "no-such-item") == []


def test_an_item_saved_without_sync_is_listed(tmp_path):
    store = Store(tmp_path / "fresh.sqlite3")
    store.set_item(ItemState("lonely", "deck1", "card", suspended=True))
    assert item_rows(store)["lonely"].state.suspended
    store.close()
