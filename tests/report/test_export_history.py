"""`studyapp export --anki --with-history`, and deck names that do not change with --lang, checked
by importing the packages into a fresh collection of the real Anki backend (the ``anki`` package)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import genanki
import numpy as np
import pytest

from studyapp.cli import main
from studyapp.config import save_settings
from studyapp.core.days import study_date
from studyapp.core.library import load_library
from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD, LEARNING, RELEARNING, REVIEW
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.report import anki as anki_export
from studyapp.store.progress import Store

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions

DECK = "activations"
SETTINGS = Settings(timezone="UTC")  # the study day starts at 04:00 UTC, as Anki's in this process
LIBRARY = load_library()


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def study(store: Store, clock: Clock, ratings: list[int], mode: str = "scheduled", limit: int = 30,
          new: int = 5) -> list[str]:
    """Answer what the session shows, in order, with ``ratings`` (the last one repeated)."""
    settings = Settings(timezone="UTC", new_per_day=new)
    session = StudySession(LIBRARY, store, settings, clock, np.random.default_rng(0), decks=[DECK], mode=mode)
    seen = []
    for i in range(limit):
        item = session.next()
        if item is None:
            break
        session.rate(item, ratings[min(i, len(ratings) - 1)], 4000 + 30_000 * i)  # up to 64 s
        seen.append(item.id)
        clock.now += timedelta(minutes=11)  # past the 10-minute learning step
    return seen


@pytest.fixture
def history_db(tmp_path: Path) -> Path:
    """Items of one deck studied over four study days (cards and problem templates; some reviewed,
    one lapsed and relearnt), then a lapse left in relearning and a new card left in its first
    learning step; a practice answer and an undone answer, which must not be exported."""
    save_settings(SETTINGS)
    path = tmp_path / "progress.sqlite3"
    store = Store(path)
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    clock = Clock(start)
    study(store, clock, [GOOD])
    for day, ratings in ((3, [GOOD, AGAIN, GOOD]), (8, [GOOD, HARD, GOOD]), (20, [GOOD])):
        clock.now = start + timedelta(days=day)
        study(store, clock, ratings, limit=6)
    clock.now = start + timedelta(days=40)
    session = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=0), clock,
                           np.random.default_rng(0), decks=[DECK])
    lapsed = session.next()
    while lapsed is not None and lapsed.reason != "review":  # steps left from day 20
        session.rate(lapsed, EASY, 1000)
        lapsed = session.next()
    assert lapsed is not None
    session.rate(lapsed, AGAIN, 1000)  # relearning, due in 10 minutes
    clock.now += timedelta(minutes=1)
    session = StudySession(LIBRARY, store, Settings(timezone="UTC", new_per_day=1), clock,
                           np.random.default_rng(0), decks=[DECK])
    new = session.next()
    while new is not None and new.reason != "new" and new.id != lapsed.id:  # the other reviews due
        session.rate(new, GOOD, 1000)
        new = session.next()
    assert new is not None and new.reason == "new"
    session.rate(new, AGAIN, 1000)  # learning, due in a minute
    clock.now += timedelta(minutes=2)
    again = session.next()
    assert again is not None and again.id == new.id
    session.rate(again, GOOD, 1000)
    assert session.undo() is not None  # taken back: the row is deleted
    study(store, clock, [EASY], mode="practice", limit=2)
    store.close()
    return path


def export_history(out: Path, db: Path, *more: str) -> int:
    return main(["export", "--anki", str(out), "--deck", DECK, "--with-history", "--db", str(db), *more])


def scheduled_reviews(path: Path) -> dict[str, list[tuple[int, int, int]]]:
    """Our log: (time in ms, rating, duration in ms) of each item's scheduled reviews, in time order."""
    store = Store(path, readonly=True)
    out: dict[str, list[tuple[int, int, int]]] = {}
    log = sorted(store.reviews(), key=lambda r: (r[2], r[0]))
    for _, item_id, reviewed_at, rating, duration, mode, *_ in log:
        if mode == "scheduled":
            out.setdefault(item_id, []).append((reviewed_at, rating, duration))
    store.close()
    return out


def import_into(col, package: Path, with_scheduling: bool = True) -> None:
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=with_scheduling, merge_notetypes=True)))


@pytest.fixture
def col(tmp_path: Path):
    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    yield collection
    collection.close()


def cards_by_guid(col) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    query = "SELECT c.id, n.guid FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.ord"
    for cid, guid in col.db.all(query):
        out.setdefault(guid, []).append(cid)
    return out


def anki_due_date(col, due: int) -> date:
    """The study date of an Anki day number (days since the collection's creation)."""
    today_start = datetime.fromtimestamp(col.sched.day_cutoff - 86400, tz=UTC)
    return study_date(today_start, UTC, 4) + timedelta(days=due - col.sched.today)


def test_history_goes_into_anki_as_schedules_and_review_log(history_db, tmp_path, col, capsys):
    out = tmp_path / "with.apkg"
    assert export_history(out, history_db) == 0
    ours = scheduled_reviews(history_db)
    store = Store(history_db, readonly=True)
    states = {s.item_id: s for s in store.items([DECK]) if not s.is_new}
    store.close()
    assert f"with the schedule of {len(states)} studied item(s)" in capsys.readouterr().out
    assert {s.state for s in states.values()} == {LEARNING, REVIEW, RELEARNING}
    assert {s.kind for s in states.values()} == {"card", "problem"}
    assert any(s.lapses for s in states.values()) and set(states) == set(ours)

    import_into(col, out)
    by_guid = cards_by_guid(col)
    guids = anki_export.history_guids([next(d for d in LIBRARY.decks if d.id == DECK)])
    revlog_total = 0
    for item_id, state in states.items():
        guid = guids[item_id]
        assert by_guid[guid], item_id
        for cid in by_guid[guid]:  # a cloze note has a card per gap, each with the item's history
            card = col.get_card(cid)
            assert card.type == {LEARNING: 1, REVIEW: 2, RELEARNING: 3}[state.state]
            if state.state == REVIEW:
                assert card.queue == 2
                # Exact: the package's day numbers count our study days, and Anki (in UTC here,
                # as the settings) shifts them to its collection by whole days.
                assert anki_due_date(col, card.due) == study_date(state.due, UTC, 4), item_id
                assert card.ivl == max(1, round(state.interval_days()))
            else:
                assert card.queue == 1 and card.due == int(state.due.timestamp()), item_id
            assert card.lapses == state.lapses and card.reps == len(ours[item_id])
            assert card.memory_state is not None
            assert card.memory_state.stability == pytest.approx(state.stability, rel=1e-3)
            assert card.memory_state.difficulty == pytest.approx(state.difficulty, rel=1e-3)
            assert card.desired_retention == pytest.approx(SETTINGS.desired_retention)
            rows = col.db.all("SELECT id, ease, type, time FROM revlog WHERE cid = ? ORDER BY id", cid)
            assert [ease for _, ease, _, _ in rows] == [rating for _, rating, _ in ours[item_id]]
            # Ids are the review times (a gap card after the first is a millisecond later: one row per id).
            assert all(0 <= rid - t < 10 for (rid, *_), (t, *_) in zip(rows, ours[item_id], strict=True))
            assert [ms for *_, ms in rows] == [min(d, 60_000) for *_, d in ours[item_id]]  # Anki's cap
            assert rows[0][2] == 0  # the first answer learns
            revlog_total += len(rows)
        if state.kind == "problem":  # the other examples of a template stay new
            for seed in anki_export.EXAMPLE_SEEDS[1:]:
                other = col.get_card(by_guid[anki_export.note_guid(f"{item_id}@{seed}")][0])
                assert (other.type, other.queue) == (0, 0)
    assert revlog_total == col.db.scalar("SELECT COUNT(*) FROM revlog")
    # Answers from learning, review and relearning are logged as such; some durations were capped.
    assert {t for (t,) in col.db.all("SELECT type FROM revlog")} == {0, 1, 2}
    assert col.db.scalar("SELECT COUNT(*) FROM revlog WHERE time = 60000") > 0


def test_without_history_every_card_is_new_and_no_review_log(history_db, tmp_path, col):
    out = tmp_path / "plain.apkg"
    assert main(["export", "--anki", str(out), "--deck", DECK, "--db", str(history_db)]) == 0
    import_into(col, out)
    assert col.db.scalar("SELECT COUNT(*) FROM revlog") == 0
    assert col.db.all("SELECT DISTINCT type, queue FROM cards") == [[0, 0]]


def test_problem_history_goes_on_the_first_example():
    deck = next(d for d in LIBRARY.decks if d.id == DECK)
    guids = anki_export.history_guids([deck])
    template = deck.problems[0]
    assert guids[template.id] == genanki.guid_for("studyapp", f"{template.id}@{anki_export.EXAMPLE_SEEDS[0]}")
    assert guids[deck.cards[0].id] == genanki.guid_for("studyapp", deck.cards[0].id)


# --- deck names ---------------------------------------------------------------------------------
def test_zh_after_both_updates_the_same_decks_and_leaves_none_empty(tmp_path, col, monkeypatch):
    both, zh = tmp_path / "both.apkg", tmp_path / "zh.apkg"
    assert main(["export", "--anki", str(both), "--deck", DECK, "--deck", "basics", "--lang", "both"]) == 0
    import_into(col, both, with_scheduling=False)
    notes_before = col.note_count()
    later = anki_export.time.time() + 3600  # Anki updates a note only from a newer export
    monkeypatch.setattr(anki_export.time, "time", lambda: later)
    assert main(["export", "--anki", str(zh), "--deck", DECK, "--deck", "basics", "--lang", "zh"]) == 0
    import_into(col, zh, with_scheduling=False)
    assert col.note_count() == notes_before  # updated, not duplicated
    names = {d.name: d.id for d in col.decks.all_names_and_ids()}
    assert {"studyapp::Activation functions", "studyapp::Deep learning basics"} <= set(names)
    for name, did in names.items():
        if name == "Default":
            continue  # Anki's own, hidden while empty
        assert col.decks.card_count(did, include_subdecks=True) > 0, name
    # The fields are now the Chinese ones; the deck's description carries its Chinese title.
    card = next(d for d in LIBRARY.decks if d.id == DECK).cards[0]
    flds = col.db.scalar("SELECT flds FROM notes WHERE guid = ?", anki_export.note_guid(card.id))
    assert card.front.zh.split()[0] in flds and card.front.en.split()[0] not in flds
    deck = col.decks.get(names["studyapp::Activation functions"])
    assert "激活函数" in deck["desc"]


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_deck_name_is_the_english_title_in_every_language(lang):
    deck = next(d for d in LIBRARY.decks if d.id == DECK)
    assert anki_export.deck_name(deck) == "studyapp::Activation functions"
    description = anki_export.deck_description(deck, lang)
    assert ("激活函数" in description) == (lang != "en")


# --- bad input ----------------------------------------------------------------------------------
def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_missing_or_unreadable_database_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.apkg"
    missing = tmp_path / "none.sqlite3"
    assert export_history(out, missing) == 2
    assert "no progress database" in one_error_line(capsys)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    assert export_history(out, garbage) == 2
    assert "not a studyapp database" in one_error_line(capsys)
    assert not out.exists() and not missing.exists()


def test_missing_folder_and_csv_with_history_are_one_line(tmp_path, capsys):
    assert main(["export", "--anki", str(tmp_path / "no" / "x.apkg"), "--with-history"]) == 2
    assert "does not exist" in one_error_line(capsys)
    assert main(["export", "--csv", str(tmp_path / "x.csv"), "--with-history"]) == 2
    assert "--with-history needs --anki" in one_error_line(capsys)
    assert not (tmp_path / "x.csv").exists()


def test_help_ends_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert text.rstrip().splitlines()[-1].strip().startswith("studyapp export --csv")
    assert "--with-history" in text.split("examples:")[1]


def test_package_history_json_is_what_anki_reads(history_db, tmp_path):
    """The data column holds the FSRS memory state under Anki's keys."""
    out = tmp_path / "with.apkg"
    assert export_history(out, history_db) == 0
    with zipfile.ZipFile(out) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    data = [json.loads(d) for (d,) in conn.execute("SELECT data FROM cards WHERE type != 0")]
    conn.close()
    assert data and all(set(d) == {"s", "d", "dr", "lrt"} for d in data)
