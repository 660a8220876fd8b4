"""The whole move, with the real Anki backend: our export with history -> Anki -> studied in Anki ->
exported from Anki -> imported here. Our own notes come home to the items they were exported from
(no new deck, no duplicate card), with Anki's new reviews added to their history and the schedule
recomputed from it; importing the same package again adds nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

from studyapp.cli import main
from studyapp.config import save_settings
from studyapp.core.library import load_library
from studyapp.core.scheduler import GOOD
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.paths import user_decks_dir
from studyapp.report.anki import history_guids
from studyapp.store.progress import Store

DECK = "activations"
SETTINGS = Settings(timezone="UTC")  # Anki counts days in this process's zone (UTC here)


def studied(db: Path) -> dict[str, int]:
    """Three cards learnt over two days (each in review state): item -> its reviews."""
    save_settings(SETTINGS)
    store = Store(db)
    library = load_library()
    store.sync(library.content_rows, library.fingerprints)
    now = [datetime(2026, 3, 2, 10, tzinfo=UTC)]
    for day in (0, 1):
        settings = Settings(timezone="UTC", new_per_day=3 if day == 0 else 0)
        session = StudySession(library, store, settings, lambda: now[0], np.random.default_rng(0),
                               decks=[DECK])
        while (item := session.next()) is not None:
            session.rate(item, GOOD, 5000)
            now[0] += timedelta(minutes=11)
        now[0] = datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(days=day + 1)
    counts = {row[1]: 0 for row in store.reviews()}
    for row in store.reviews():
        counts[row[1]] += 1
    store.close()
    return counts


def test_our_export_studied_in_anki_comes_home_with_its_new_reviews(tmp_path, capsys) -> None:
    db = tmp_path / "progress.sqlite3"
    before = studied(db)
    assert len(before) == 3 and all(n >= 2 for n in before.values())
    ours = tmp_path / "ours.apkg"
    assert main(["export", "--anki", str(ours), "--with-history", "--deck", DECK, "--db", str(db)]) == 0

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    col.set_config("fsrs", True)  # as a learner moving from here turns it on (SM-2 otherwise)
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(ours), options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True)))
    guids = history_guids(load_library().decks)  # a card's note; a problem's first example
    guid_of = {item: guids[item] for item in before}
    answered = {}
    for item, guid in guid_of.items():
        card = col.get_card(col.db.scalar(
            "SELECT c.id FROM cards c JOIN notes n ON c.nid = n.id WHERE n.guid = ? ORDER BY c.ord", guid))
        assert card.type in (1, 2)  # learning or review, as here
        card.start_timer()
        card.timer_started = time.time() - 7  # Anki logs 7 s
        col.sched.answerCard(card, 3)
        answered[item] = col.get_card(card.id).ivl
    back = tmp_path / "from-anki.apkg"
    col.export_anki_package(out_path=str(back), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False))
    col.close()
    capsys.readouterr()

    assert main(["import", str(back), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "come from a studyapp export: no deck is written for them" in out
    assert not list(user_decks_dir().glob("*.yaml"))  # every note was ours: no new deck, no duplicate
    store = Store(db)
    try:
        after = {}
        for row in store.reviews():
            after.setdefault(row[1], []).append(row)
        for item, count in before.items():
            rows = after[item]
            assert len(rows) == count + 1  # Anki's review added, ours kept
            assert rows[-1][3] == 3 and rows[-1][5] == "scheduled" and 6000 <= rows[-1][4] <= 8000
            state = store.get(item)
            days = (state.due - state.last_review).total_seconds() / 86400
            fuzz = max(1.0, 0.15 * answered[item]) + 1  # each side fuzzes on its own
            assert abs(days - answered[item]) <= fuzz, (item, days, answered[item])
    finally:
        store.close()
    assert main(["import", str(back), "--db", str(db)]) == 0  # again: nothing new
    assert "reviews: 0 imported" in capsys.readouterr().out
