"""The study session engine, driven without any UI, on a fake clock."""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from studyapp.core.library import load_library
from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD, REVIEW, Scheduler
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.store.progress import Store

LIBRARY = load_library()


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "progress.sqlite3")
    yield s
    s.close()


def session(store, clock, library=LIBRARY, seed=0, **settings) -> StudySession:
    return StudySession(library, store, Settings(timezone="UTC", **settings), clock,
                        np.random.default_rng(seed), decks=settings.pop("decks", None)
                        if "decks" in settings else None)


def answer_all(s: StudySession, clock: Clock, rating=GOOD, limit=10_000) -> list[str]:
    seen = []
    for _ in range(limit):
        item = s.next()
        if item is None:
            break
        s.rate(item, rating, 2000)
        seen.append(item.id)
        clock.advance(seconds=20)
    return seen


def test_first_session_shows_the_new_limit_then_learning_steps(store, clock):
    s = session(store, clock, new_per_day=6)
    assert (s.counts().new, s.counts().review) == (6, 0)
    first = [s.next() for _ in range(1)][0]
    assert first.reason == "new"
    s.rate(first, GOOD, 1000)
    assert s.counts().new == 5 and s.counts().learning == 1
    seen = answer_all(s, clock)
    assert len(set(seen)) == 6  # the five other new items, and the first one's learning steps
    assert Counter(seen)[first.id] >= 1


def test_decks_are_interleaved(store, clock):
    s = session(store, clock, new_per_day=8)
    shown = []
    for _ in range(8):
        item = s.next()
        shown.append(item.state.deck)
        s.rate(item, EASY, 1000)
    assert len(set(shown[:4])) == 4  # the first four come from four different decks


def test_new_limit_resets_at_the_configured_hour_not_at_midnight(store, clock):
    clock.now = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    answer_all(session(store, clock, new_per_day=3), clock, rating=EASY)
    clock.now = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # after midnight, before 04:00
    assert session(store, clock, new_per_day=3).counts().new == 0
    clock.now = datetime(2026, 3, 3, 4, 1, tzinfo=UTC)
    assert session(store, clock, new_per_day=3).counts().new == 3


def test_day_boundary_follows_local_time_across_dst(store, clock):
    berlin = {"timezone": "Europe/Berlin", "new_per_day": 2}
    clock.now = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # Saturday evening, CET
    s = StudySession(LIBRARY, store, Settings(**berlin), clock, np.random.default_rng(1))
    answer_all(s, clock, rating=EASY)
    # Sunday 29 March: clocks jump to CEST; the new day starts at 04:00 CEST = 02:00 UTC.
    clock.now = datetime(2026, 3, 29, 1, 59, tzinfo=UTC)
    assert StudySession(LIBRARY, store, Settings(**berlin), clock, np.random.default_rng(1)).counts().new == 0
    clock.now = datetime(2026, 3, 29, 2, 1, tzinfo=UTC)
    assert StudySession(LIBRARY, store, Settings(**berlin), clock, np.random.default_rng(1)).counts().new == 2


def test_per_deck_limits(store, clock):
    s = session(store, clock, new_per_day=50, deck_limits={"convolution": {"new": 1}})
    shown = Counter()
    for _ in range(60):
        item = s.next()
        if item is None:
            break
        if item.reason == "new":
            shown[item.state.deck] += 1
        s.rate(item, EASY, 1000)
    assert shown["convolution"] == 1 and shown["activations"] > 1


def test_review_limit(store, clock):
    answer_all(session(store, clock, new_per_day=40), clock, rating=EASY)
    clock.advance(days=60)
    s = session(store, clock, new_per_day=0, reviews_per_day=7)
    assert s.counts().review == 7
    assert len(answer_all(s, clock, rating=EASY)) == 7


def test_rating_applies_the_previewed_interval(store, clock):
    s = session(store, clock)
    item = s.next()
    labels = s.interval_labels(item)
    assert set(labels) == {AGAIN, HARD, GOOD, EASY} and all(labels.values())
    clock.advance(minutes=3)  # thinking time must not shift what was shown
    outcome = s.rate(item, EASY, 180_000)
    expected = Scheduler(Settings()).review(item.state, EASY, item.shown_at)
    assert outcome.after.due == expected.due


def test_the_summary_counts_time_and_results_and_undo_takes_them_back(store, clock):
    s = session(store, clock)
    for rating, ms in ((GOOD, 1000), (AGAIN, 2000), (EASY, 4000)):
        s.rate(s.next(), rating, ms)
        clock.advance(seconds=5)
    summary = s.finish()
    assert (summary["answered"], summary["right"], summary["wrong"], summary["time_ms"]) == (3, 2, 1, 7000)
    s.undo()  # the Easy one
    s.undo()  # the Again one
    summary = s.finish()
    assert (summary["answered"], summary["right"], summary["wrong"], summary["time_ms"]) == (1, 1, 0, 1000)


def test_undo_several_answers_restores_each_state(store, clock):
    s = session(store, clock)
    items, before = [], []
    for _ in range(12):
        item = s.next()
        before.append(store.get(item.id))
        s.rate(item, GOOD, 1000)
        items.append(item)
        clock.advance(seconds=5)
    reviews_before = len(store.reviews())
    for k in range(12):
        undone = s.undo()
        assert undone.id == items[-1 - k].id
        assert store.get(undone.id) == before[-1 - k]
    assert len(store.reviews()) == reviews_before - 12
    assert s.undo() is None
    assert s.next().id == items[0].id  # the undone item comes straight back


def test_practice_mode_changes_no_schedule(store, clock):
    answer_all(session(store, clock, new_per_day=10), clock)
    snapshot = {i.item_id: i for i in store.items()}
    s = StudySession(LIBRARY, store, Settings(timezone="UTC"), clock, np.random.default_rng(3),
                     decks=["losses"], mode="practice")
    seen = answer_all(s, clock, rating=AGAIN)
    assert {i.item_id: i for i in store.items()} == snapshot
    losses = {c.id for c in LIBRARY.cards if c.deck == "losses"} | {
        t.id for t in LIBRARY.templates if t.deck == "losses"}
    assert set(seen) == losses
    modes = Counter(r[5] for r in store.reviews())
    assert modes["practice"] == len(seen)


def test_a_failed_problem_brings_its_related_cards_into_the_session(store, clock):
    s = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=50), clock,
                     np.random.default_rng(4), decks=["convolution"])
    while True:
        item = s.next()
        if item.problem is not None and item.problem.template.id == "conv.feature-map":
            break
        s.rate(item, EASY, 1000)
    related_before = store.get("conv.depth-of-output")
    wrong = "; ".join(" ".join(str(v + 1) for v in row) for row in item.problem.answer)
    result = s.answer(item, text=wrong)
    assert result.correct is False and result.proposed == AGAIN
    s.rate(item, AGAIN, 5000, wrong, result)
    follow = s.next()
    # Learnt earlier and not due: practised, labelled with the problem that brought it.
    assert follow.id == "conv.depth-of-output" and follow.reason == "practice"
    assert follow.related_to == "conv.feature-map" and not follow.previews
    s.rate(follow, GOOD, 1000)
    assert store.get("conv.depth-of-output") == related_before  # shown, schedule untouched


def test_every_review_of_a_template_draws_a_fresh_variant(store, clock):
    s = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=50), clock,
                     np.random.default_rng(5), decks=["convolution"])
    seeds = []
    for _ in range(40):
        item = s.next()
        if item is None:
            break
        if item.problem is not None:
            seeds.append(item.problem.seed)
        s.rate(item, AGAIN if item.problem is not None else EASY, 1000)
        clock.advance(minutes=2)
    assert len(seeds) >= 5 and len(set(seeds)) == len(seeds)
    logged = [r[6] for r in store.reviews() if r[6] is not None]
    assert sorted(logged) == sorted(seeds)


def test_proposed_ratings(store, clock):
    s = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=500), clock,
                     np.random.default_rng(0), decks=["convolution"])
    problem_item = None
    for _ in range(400):
        item = s.next()
        if item.problem is not None and item.problem.kind.name == "conv_output_size":
            problem_item = item
            break
        s.rate(item, EASY, 1000)
    right = str(problem_item.problem.answer)
    # A first sight is never Easy, however fast.
    assert s.answer(problem_item, text=right, elapsed_ms=2_000).proposed == GOOD
    assert s.answer(problem_item, text=right, elapsed_ms=600_000).proposed == GOOD
    assert s.answer(problem_item, text="-1").proposed == AGAIN
    s.hint(problem_item)
    assert s.answer(problem_item, text=right).proposed == HARD


def test_choice_and_cloze_cards_are_graded(store, clock):
    s = session(store, clock, new_per_day=50)
    graded = Counter()
    for _ in range(80):
        item = s.next()
        if item is None:
            break
        card = item.card
        if card is not None and card.type == "choice":
            right = {i for i, o in enumerate(card.options) if o.correct}
            assert s.answer(item, chosen=right).correct
            assert not s.answer(item, chosen={i for i in range(len(card.options))} - right).correct
            assert sorted(item.option_order) == list(range(len(card.options)))
            graded["choice"] += 1
        elif card is not None and card.type == "cloze":
            answers = [alts[0] for alts in card.gaps("en")]
            assert s.answer(item, text="; ".join(a.upper() + " " for a in answers)).correct
            graded["cloze"] += 1
        s.rate(item, EASY, 1000)
    assert graded["choice"] > 3 and graded["cloze"] > 3


def test_bury_and_suspend(store, clock):
    s = session(store, clock)
    a, b = s.next(), None
    s.bury(a)
    b = s.next()
    s.suspend(b)
    seen = answer_all(s, clock)
    assert a.id not in seen and b.id not in seen
    clock.advance(days=1)
    s2 = session(store, clock, new_per_day=100)
    later = answer_all(s2, clock)
    assert a.id in later and b.id not in later


def test_renaming_through_aliases_keeps_history(store, clock, tmp_path):
    deck = textwrap.dedent("""\
        id: demo
        title: {en: Demo, zh: 演示}
        cards:
          - id: demo.old
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
        """)
    path = tmp_path / "demo.yaml"
    path.write_text(deck, encoding="utf-8")
    s = StudySession(load_library([path]), store, Settings(timezone="UTC"), clock, np.random.default_rng(0))
    answer_all(s, clock, rating=EASY)
    old = store.get("demo.old")
    path.write_text(deck.replace("id: demo.old", "id: demo.new\n    aliases: [demo.old]"), encoding="utf-8")
    StudySession(load_library([path]), store, Settings(timezone="UTC"), clock, np.random.default_rng(0))
    assert store.get("demo.old") is None
    new = store.get("demo.new")
    assert (new.due, new.stability, new.is_new) == (old.due, old.stability, False)
    assert {r[1] for r in store.reviews()} == {"demo.new"}


def test_a_year_of_study_looks_like_a_learner(store, clock):
    """A learner who recalls with the probability FSRS predicts, 20 minutes a day for a year."""
    rng = np.random.default_rng(42)
    scheduler = Scheduler(Settings())
    per_day, seen = [], set()
    for _ in range(365):
        s = StudySession(LIBRARY, store, Settings(timezone="UTC"), clock, rng)
        count = 0
        while (item := s.next()) is not None and count < 300:
            p = 0.9 if item.state.is_new else scheduler.retrievability(item.state, clock.now)
            recalled = rng.random() < max(p, 0.05) if item.state.state == REVIEW else rng.random() < 0.85
            s.rate(item, GOOD if recalled else AGAIN, 8000)
            seen.add(item.id)
            count += 1
            clock.advance(seconds=30)
        per_day.append(count)
        clock.now = clock.now.replace(hour=10, minute=0) + timedelta(days=1)
    all_ids = {c.id for c in LIBRARY.cards} | {t.id for t in LIBRARY.templates}
    assert seen == all_ids  # no item never seen
    assert max(per_day) < 300  # no day with thousands of reviews
    assert sum(per_day[200:]) < sum(per_day[:30]) * 4  # the load settles once items mature
    mature = sum(1 for i in store.items() if i.label(clock.now) == "mature")
    assert mature > len(all_ids) * 0.6


def test_the_learner_is_told_when_an_item_becomes_a_leech(store, clock):
    s = session(store, clock, new_per_day=1, leech_threshold=2)
    item = s.next()
    s.rate(item, EASY, 1000)
    told = []
    for _ in range(60):
        clock.advance(days=30)
        s = session(store, clock, new_per_day=0, leech_threshold=2)
        while (item := s.next()) is not None:
            lapse = item.state.state == REVIEW
            told.append(s.rate(item, AGAIN if lapse else EASY, 1000).became_leech)
        if any(told):
            break
    assert told.count(True) == 1
    assert store.get(item.id if item else s.undo_stack[-1].item.id).leech


def test_hint_is_the_first_step_of_the_solution(store, clock):
    s = session(store, clock, new_per_day=50)
    for _ in range(60):
        item = s.next()
        if item.problem is not None:
            assert s.hint(item) == item.problem.steps[0]
            return
        assert s.hint(item) is None
        s.rate(item, EASY, 1000)
    raise AssertionError("no problem shown")


def test_undoing_a_failed_problem_takes_back_the_related_label_of_the_card_it_brought(store, clock):
    """A new card brought in by a failed problem is in the day's queue anyway: after the answer
    is undone it comes back as itself, counted, not as 'related to the problem you missed'."""
    s = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=50), clock,
                     np.random.default_rng(4), decks=["convolution"])
    while True:
        item = s.next()
        if item.problem is not None and any(
                ref in s.cards and store.get(ref).is_new for ref in item.problem.template.related):
            break
        s.rate(item, EASY, 1000)
    counts_shown = s.counts()
    s.rate(item, AGAIN, 5000)
    follow = s.next()
    assert follow.related_to == item.id and follow.reason == "new"
    assert s.undo() is item
    assert s.counts().new == counts_shown.new + 1  # the problem, not yet on screen again
    shown_again = s.next()
    assert shown_again.id == item.id and shown_again.problem.seed == item.problem.seed
    assert s.counts() == counts_shown
    s.rate(shown_again, GOOD, 5000)
    again = s.next()
    assert again.id == follow.id and again.related_to is None and again.reason == "new"
