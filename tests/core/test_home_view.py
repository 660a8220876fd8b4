"""Home's counts (``core.home_view``, read through the store or a read-only reader, and through
the content summary) are the counts a study session over the same decks starts with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from studyapp.core.content_files import cache_key, cache_paths, content_files, max_deck_bytes
from studyapp.core.content_rows import content_rows, fingerprints
from studyapp.core.deck_summary import read_summary
from studyapp.core.home_view import home_view
from studyapp.core.library import load_library
from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.store.day_counts import TodayReader
from studyapp.store.progress import Store

LIBRARY = load_library()
DECKS = [(d.id, d.title) for d in LIBRARY.decks]


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def session_counts(store: Store, settings: Settings, clock: Clock, decks: list[str] | None):
    return StudySession(LIBRARY, store, settings, clock, np.random.default_rng(0), decks=decks).counts()


def assert_home_matches_sessions(store: Store, path: Path, settings: Settings, clock: Clock) -> None:
    view = home_view(DECKS, [], store, settings, clock())
    reader = TodayReader(path)
    try:
        assert home_view(DECKS, [], reader, settings, clock()) == view  # the start-up's reads agree
    finally:
        reader.close()
    assert view.total == session_counts(store, settings, clock, None)
    for line in view.decks:
        assert line.counts == session_counts(store, settings, clock, [line.id]), line.id


@pytest.mark.parametrize("seed", range(4))
def test_home_counts_are_what_a_session_starts_with(tmp_path, seed):
    """A learner over several days: random ratings, buried and suspended items, per-deck limits and
    a daily cap that binds; after every few answers Home must show what a fresh session counts."""
    rng = np.random.default_rng(seed)
    decks = [d for d, _ in DECKS]
    limits = {decks[int(i)]: {"new": int(rng.integers(0, 6)), "reviews": int(rng.integers(0, 8))}
              for i in rng.choice(len(decks), 4, replace=False)}
    settings = Settings(timezone="UTC", new_per_day=int(rng.integers(8, 30)),
                        reviews_per_day=int(rng.integers(5, 40)), deck_limits=limits)
    clock = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    path = tmp_path / "progress.sqlite3"
    store = Store(path)
    try:
        for _day in range(6):
            session = StudySession(LIBRARY, store, settings, clock, np.random.default_rng(seed))
            for step in range(int(rng.integers(10, 40))):
                item = session.next()
                if item is None:
                    break
                roll = rng.random()
                if roll < 0.08:
                    session.bury(item)
                elif roll < 0.12:
                    session.suspend(item)
                else:
                    session.rate(item, [AGAIN, HARD, GOOD, EASY][int(rng.integers(4))], 3000)
                clock.now += timedelta(seconds=int(rng.integers(5, 400)))
                if step % 7 == 0:
                    assert_home_matches_sessions(store, path, settings, clock)
            assert_home_matches_sessions(store, path, settings, clock)
            clock.now += timedelta(hours=int(rng.integers(14, 40)))
            assert_home_matches_sessions(store, path, settings, clock)
    finally:
        store.close()


def test_the_summary_names_the_decks_and_fingerprints_the_store_syncs(tmp_path):
    files = content_files(None)
    path, key = cache_paths(files)[1], cache_key(files, max_deck_bytes())
    assert read_summary(path, key) is None  # this test's own cache folder: nothing yet
    load_library()
    summary = read_summary(path, key)
    assert summary is not None
    assert [(d.id, d.title) for d in summary.decks] == DECKS
    rows = content_rows(LIBRARY.cards, LIBRARY.templates)
    assert summary.fingerprints == fingerprints(rows)
    store = Store(tmp_path / "progress.sqlite3")
    try:
        store.sync(rows)
        assert store.synced_fingerprints() == summary.fingerprints
    finally:
        store.close()


def test_a_stale_or_corrupt_summary_is_not_used(tmp_path):
    files = content_files(None)
    path, key = cache_paths(files)[1], cache_key(files, max_deck_bytes())
    load_library()
    assert read_summary(path, key) is not None
    assert read_summary(path, "another key") is None
    corrupt = tmp_path / "summary.json"
    for data in (b"", b"{", b"[]", b'{"key": "k"}', b'{"key": "k", "decks": [{"id": 1}], "errors": [], '
                 b'"fingerprints": {}}', b'{"key": "k", "decks": 5, "errors": [], "fingerprints": {}}'):
        corrupt.write_bytes(data)
        assert read_summary(corrupt, "k") is None, data
