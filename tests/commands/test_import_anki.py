"""``studyapp import``: packages made by the real Anki (its notes of four note types, a review log
from its own FSRS scheduler), read without Anki into decks and our review history."""

from __future__ import annotations

import sqlite3
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.notes import Note

from studyapp.core.content_files import study_files
from studyapp.core.library import load_library
from studyapp.paths import default_db_path, user_decks_dir
from tests.cli_run import run

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@dataclass
class Packages:
    apkg: Path
    colpkg: Path
    edited: Path  # the apkg again, after one note's text was changed and one more review
    legacy: Path  # exported for older Ankis: collection.anki21, schema 11
    # "first field#card ord" -> (interval days, reviews, FSRS stability, difficulty) in Anki
    anki_cards: dict[str, tuple[int, int, float | None, float | None]]


def _answer(col: Collection, card_id: int, ease: int, seconds: int) -> None:
    card = col.get_card(card_id)
    card.start_timer()
    card.timer_started = time.time() - seconds  # the duration Anki logs
    col.sched.answerCard(card, ease)


def _add(col: Collection, notetype: str, deck: int, fields: dict[str, str],
         tags: tuple[str, ...] = ()) -> Note:
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name] = value
    note.tags = list(tags)
    col.add_note(note, deck)
    return note


def _vocab_type(col: Collection) -> None:
    models = col.models
    vocab = models.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        models.add_field(vocab, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}<br>{{Example}}"
    models.add_template(vocab, template)
    models.add(vocab)


def _export(col: Collection, path: Path, legacy: bool = False) -> Path:
    col.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy))
    return path


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Packages:
    folder = tmp_path_factory.mktemp("anki")
    col = Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)  # FSRS-6, as ours: the intervals can be compared
    nets, other = col.decks.id("Deep::Nets"), col.decks.id("Other")
    _vocab_type(col)
    relu = _add(col, "Basic", nets, {"Front": "What is <b>ReLU</b>?<br>x &amp; y<div>z</div>",
                                     "Back": "max(0, x)<img src=\"relu.png\">[sound:relu.mp3]"},
                ("nn::act", "relu"))
    sig = _add(col, "Basic (and reversed card)", nets, {"Front": "sigmoid", "Back": "1/(1+e^-x)"})
    cloze = _add(col, "Cloze", nets, {"Text": "The {{c1::sigmoid::fn}} maps into {{c2::(0, 1)}}",
                                      "Back Extra": "the <i>logistic</i> function"})
    word = _add(col, "Vocab", other, {"Word": "epoch", "Meaning": "one pass over the data",
                                      "Example": "train for 10 epochs"})
    _answer(col, relu.cards()[0].id, EASY, 5)
    for ease, seconds in ((GOOD, 3), (GOOD, 4)):
        _answer(col, sig.cards()[0].id, ease, seconds)
    _answer(col, sig.cards()[1].id, GOOD, 2)  # the reversed card: its review is left out
    c1, c2 = sorted(cloze.cards(), key=lambda c: c.ord)
    for ease in (AGAIN, GOOD, GOOD):
        _answer(col, c2.id, ease, 6)
    _answer(col, word.cards()[0].id, HARD, 9)
    anki_cards = {}
    for note, card in ((relu, relu.cards()[0]), (sig, sig.cards()[0]), (cloze, c1), (cloze, c2),
                       (word, word.cards()[0])):
        card.load()
        reviews = col.db.scalar("SELECT COUNT(*) FROM revlog WHERE cid = ?", card.id)
        memory = card.memory_state
        anki_cards[f"{note.fields[0]}#{card.ord}"] = (
            card.ivl, reviews, memory and memory.stability, memory and memory.difficulty)
    apkg, colpkg = _export(col, folder / "deep.apkg"), folder / "all.colpkg"
    legacy = _export(col, folder / "legacy.apkg", legacy=True)
    relu["Back"] = "max(0, x), elementwise"
    col.update_note(relu)
    _answer(col, word.cards()[0].id, GOOD, 1)
    edited = _export(col, folder / "edited.apkg")
    col.export_collection_package(out_path=str(colpkg), include_media=True, legacy=False)
    col.close()
    return Packages(apkg, colpkg, edited, legacy, anki_cards)




def history() -> list[tuple[object, ...]]:
    path = default_db_path()
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT item_id, reviewed_at, rating, duration_ms, mode FROM reviews "
                            "ORDER BY item_id, reviewed_at").fetchall()


def items() -> dict[str, tuple[int, int | None, int | None, float | None, float | None]]:
    with sqlite3.connect(default_db_path()) as conn:
        return {i: rest for i, *rest in conn.execute(
            "SELECT id, is_new, due, last_review, stability, difficulty FROM items WHERE id LIKE 'anki.%'")}


def cards_by_front() -> dict[str, object]:
    library = load_library(study_files())
    assert library.errors == []
    return {(c.front or c.text).en: c for c in library.cards if c.id.startswith("anki.")}


def test_import_writes_decks_and_replays_anki_reviews(capsys, packages: Packages) -> None:
    code, out, err = run(capsys, "import", str(packages.apkg))
    assert code == 0, err
    assert "read deep.apkg: 4 notes (Basic 1, Basic (and reversed card) 1, Cloze 1, Vocab 1)" in out
    assert 'note type "Vocab" is not one studyapp knows' in out
    assert "media skipped (studyapp shows no images or sounds): relu.mp3, relu.png" in out
    assert "cloze hints dropped (studyapp's gaps have none): 1" in out
    files = sorted(p.name for p in user_decks_dir().glob("*.yaml"))
    assert files == ["deep.nets.yaml", "other.yaml"]
    text = (user_decks_dir() / "other.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported from Anki by studyapp import")
    assert "each text is written as both" in text
    assert '# Anki note type "Vocab" is not one studyapp knows' in text
    cards = cards_by_front()
    relu = cards["What is ReLU?\nx & y\nz"]
    assert relu.type == "basic" and relu.back.en == relu.back.zh == "max(0, x)"
    assert relu.tags == ("nn::act", "relu") and relu.deck == "deep.nets"
    assert relu.id.startswith("anki.deep.nets.")
    assert cards["sigmoid"].back.en == "1/(1+e^-x)"
    c1, c2 = cards["The {{sigmoid}} maps into (0, 1)"], cards["The sigmoid maps into {{(0, 1)}}"]
    assert (c1.type, c1.gaps("en"), c2.gaps("zh")) == ("cloze", [["sigmoid"]], [["(0, 1)"]])
    assert c1.explanation.en == "the logistic function" and c2.id == c1.id[:-1] + "2"
    assert cards["epoch"].back.en == "Meaning: one pass over the data\n\nExample: train for 10 epochs"
    assert cards["epoch"].deck == "other"

    logged = history()
    by_item: dict[str, list[tuple[int, int]]] = {}
    for item_id, _, rating, duration, mode in logged:
        assert mode == "scheduled"
        by_item.setdefault(item_id, []).append((rating, round(duration / 1000)))  # Anki's ms, to the second
    assert by_item == {relu.id: [(EASY, 5)], cards["sigmoid"].id: [(GOOD, 3), (GOOD, 4)],
                       c2.id: [(AGAIN, 6), (GOOD, 6), (GOOD, 6)], cards["epoch"].id: [(HARD, 9)]}
    assert "reviews: 7 imported, 4 cards' schedules recomputed" in out
    assert "left out: 1 review of a note's other cards (reversed cards" in out  # the reversed card's review
    # Each item continues where Anki left it: the same FSRS-6 memory state as Anki's (same default
    # parameters, same reviews), so the same interval before fuzz; after it, each its own fuzz (FSRS's
    # ranges: ±1.8 days at 8 days), and Anki counts in whole days.
    state = items()
    assert state[c1.id][0] == 1  # never reviewed in Anki: new here too
    for front, key in (("What is ReLU?\nx & y\nz", "What is <b>ReLU</b>?<br>x &amp; y<div>z</div>#0"),
                       ("sigmoid", "sigmoid#0"), ("The sigmoid maps into {{(0, 1)}}", None),
                       ("epoch", "epoch#0")):
        key = key or "The {{c1::sigmoid::fn}} maps into {{c2::(0, 1)}}#1"
        anki_days, anki_reviews, anki_s, anki_d = packages.anki_cards[key]
        is_new, due, last, stability, difficulty = state[cards[front].id]
        ours = (due - last) / 86_400_000
        assert is_new == 0 and len(by_item[cards[front].id]) == anki_reviews
        # Anki keeps the memory state rounded (stability to 4 decimals, difficulty to 3)
        assert stability == pytest.approx(anki_s, abs=1e-3), front
        assert difficulty == pytest.approx(anki_d, abs=1e-3), front
        assert abs(ours - anki_days) <= (1 if anki_days < 3 else 2 * 1.8 + 1), (front, ours, anki_days)


def test_reimport_updates_and_never_duplicates(capsys, packages: Packages) -> None:
    assert run(capsys, "import", str(packages.apkg))[0] == 0
    ids, first = set(cards_by_front().values()), history()
    code, out, err = run(capsys, "import", str(packages.apkg))
    assert code == 0, err
    assert history() == first and "reviews: 0 imported" in out and "7 already in your history" in out
    code, out, err = run(capsys, "import", str(packages.edited))
    assert code == 0, err
    cards = cards_by_front()
    assert {c.id for c in cards.values()} == {c.id for c in ids}  # same GUIDs, same ids
    assert cards["What is ReLU?\nx & y\nz"].back.en == "max(0, x), elementwise"
    assert history()[: len(first)] == first or set(first) <= set(history())
    assert len(history()) == len(first) + 1 and "reviews: 1 imported" in out  # the new one only
    assert sum(1 for r in history() if r[0] == cards["epoch"].id) == 2


def test_a_note_moved_to_another_anki_deck_keeps_its_id_and_history(capsys, packages, tmp_path) -> None:
    assert run(capsys, "import", str(packages.apkg))[0] == 0
    relu = next(c for c in cards_by_front().values() if c.tags)
    before = history()
    moved = _with_collection(packages, tmp_path / "moved.apkg",  # name || '': Anki's collation aside
                             "UPDATE cards SET did = (SELECT id FROM decks WHERE name || '' = 'Other') "
                             "WHERE nid = (SELECT id FROM notes WHERE tags != '')")
    code, out, err = run(capsys, "import", str(moved))
    assert code == 0, err
    cards = {c.id: c for c in cards_by_front().values()}
    assert cards[relu.id].deck == "other" and len(cards) == 5
    assert history() == before and "7 already in your history" in out


def test_colpkg_and_legacy_packages_read_alike(capsys, packages: Packages) -> None:
    code, out, err = run(capsys, "import", str(packages.legacy))
    assert code == 0, err
    legacy = {c.id: c for c in cards_by_front().values()}
    assert len(legacy) == 5 and len(history()) == 7
    code, out, err = run(capsys, "import", str(packages.colpkg))
    assert code == 0, err
    assert "read all.colpkg: 4 notes" in out
    assert {c.id: c for c in cards_by_front().values()}.keys() == legacy.keys()
    assert len(history()) == 8  # the edited collection's one more review


def test_dry_run_writes_nothing(capsys, packages: Packages) -> None:
    code, out, err = run(capsys, "import", str(packages.apkg), "--dry-run")
    assert code == 0, err
    assert "would write" in out and "reviews: 7 in the log for these cards would be replayed" in out
    assert not user_decks_dir().exists() and not default_db_path().exists()


def test_deck_id_puts_every_note_in_one_deck(capsys, packages: Packages) -> None:
    code, out, err = run(capsys, "import", str(packages.apkg), "--deck-id", "from-anki")
    assert code == 0, err
    assert [p.name for p in user_decks_dir().glob("*.yaml")] == ["from-anki.yaml"]
    assert {c.deck for c in cards_by_front().values()} == {"from-anki"}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _text_file(path: Path) -> Path:
    path.write_text("not a package", encoding="utf-8")
    return path


def _with_collection(packages: Packages, path: Path, change: str, params: tuple[object, ...] = ()) -> Path:
    """The apkg with its collection changed by one SQL statement."""
    with zipfile.ZipFile(packages.apkg) as z:
        members = {n: z.read(n) for n in z.namelist()}
    db = path.with_suffix(".sqlite")
    db.write_bytes(zstandard.ZstdDecompressor().stream_reader(members["collection.anki21b"]).read())
    with sqlite3.connect(db) as conn:
        conn.execute(change, params)
    conn.close()
    members["collection.anki21b"] = zstandard.ZstdCompressor().compress(db.read_bytes())
    return _zip(path, members)


@pytest.mark.parametrize(("make", "line"), [
    (lambda p, t: _text_file(t / "x.apkg"), "x.apkg is not an Anki package (not a zip file)"),
    (lambda p, t: _zip(t / "empty.apkg", {"media": b"{}"}),
     "empty.apkg holds no Anki collection (expected collection.anki21b, collection.anki21, "
     "collection.anki2)"),
    (lambda p, t: _with_collection(p, t / "new.apkg", "UPDATE col SET ver = 19"),
     "new.apkg: its collection has schema version 19, newer than this studyapp reads (up to 18)"),
])
def test_unreadable_package_is_one_line_and_changes_nothing(capsys, packages, tmp_path, make, line) -> None:
    assert run(capsys, "import", str(packages.apkg))[0] == 0
    before, decks = history(), (user_decks_dir() / "deep.nets.yaml").read_bytes()
    code, out, err = run(capsys, "import", str(make(packages, tmp_path)))
    assert code == 2 and out == "" and err.count("\n") == 1 and line in err, err
    assert history() == before and (user_decks_dir() / "deep.nets.yaml").read_bytes() == decks


def test_bad_rows_and_notes_are_skipped_one_line_each(capsys, packages, tmp_path) -> None:
    assert run(capsys, "import", str(packages.apkg))[0] == 0
    before = history()
    orphan = _with_collection(packages, tmp_path / "orphan.apkg",
                              "INSERT INTO revlog VALUES (1796000000000, 42, -1, 3, 1, 0, 0, 100, 1)")
    code, out, err = run(capsys, "import", str(orphan))
    assert code == 1 and err == ("studyapp import: skipped: review log row 1796000000000: card 42 is "
                                 "not in the package\n")
    assert history() == before
    unmapped = _with_collection(packages, tmp_path / "io.apkg",
                                "UPDATE notes SET flds = ? WHERE flds LIKE 'The%'",
                                ("{{c1::image-occlusion:rect:left=.1:top=.2}}\x1f",))
    code, out, err = run(capsys, "import", str(unmapped))
    assert code == 1 and ", Cloze: an image occlusion cannot be mapped" in err and err.count("\n") == 1, err
    assert "deck deep.nets" in out and cards_by_front()["sigmoid"]  # the rest is imported


def test_id_clash_names_both_files(capsys, packages) -> None:
    assert run(capsys, "new-deck", "other")[0] == 0  # the learner's own deck, id "other"
    code, out, err = run(capsys, "import", str(packages.apkg))
    assert code == 1
    mine = user_decks_dir() / "other.yaml"
    assert err == (f'studyapp import: skipped: Anki deck "Other": {mine.resolve()} exists and was not '
                   "written by studyapp import (pass --deck-id with another id)\n")
    assert "# Imported" not in mine.read_text(encoding="utf-8")
    assert {c.deck for c in cards_by_front().values()} == {"deep.nets"}
    assert len(history()) == 6  # all but the Vocab note's review


def test_card_id_clash_names_both_files(capsys, packages) -> None:
    assert run(capsys, "import", str(packages.apkg))[0] == 0
    relu = next(c for c in cards_by_front().values() if c.tags)
    (user_decks_dir() / "deep.nets.yaml").unlink()
    default_db_path().unlink()
    copy = user_decks_dir() / "copy.yaml"  # the learner copied the card into a deck of theirs
    copy.write_text(f"id: copy\ntitle: {{en: Copy, zh: Copy}}\ncards:\n  - id: {relu.id}\n    type: basic\n"
                    "    front: {en: a, zh: a}\n    back: {en: b, zh: b}\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(packages.apkg))
    target = (user_decks_dir() / "deep.nets.yaml").resolve()
    assert code == 1 and err.startswith("studyapp import: skipped: note nid:"), err
    assert err.endswith(f' ("What is ReLU? x & y z"): the card id \'{relu.id}\' is already defined in '
                        f"{copy} (this import writes {target})\n"), err
    assert err.count("\n") == 1
    assert relu.id not in {c.id for c in cards_by_front().values() if c.deck == "deep.nets"}
    assert [r for r in history() if r[0] == relu.id] == [] and len(history()) == 6


def test_a_failure_rolls_the_whole_history_back(capsys, packages, monkeypatch) -> None:
    from studyapp.core.scheduler import Scheduler
    from studyapp.store.history_import import import_reviews
    from studyapp.store.progress import Store

    assert run(capsys, "import", str(packages.apkg))[0] == 0
    before = history()
    store = Store(default_db_path())
    calls = []

    def failing(self, item, rating, now):
        calls.append(item.item_id)
        if len(calls) == 2:
            raise RuntimeError("disk gone")
        return real(self, item, rating, now)

    real = Scheduler.review
    monkeypatch.setattr(Scheduler, "review", failing)
    item = before[0][0]
    from studyapp.core.review_log import Review
    later = [Review(item_id=item, reviewed_at=datetime(2030, 1, d, tzinfo=UTC), rating=3, duration_ms=1,
                    mode="scheduled") for d in (1, 2)]
    with pytest.raises(RuntimeError):
        import_reviews(store, later, Scheduler())
    store.close()
    assert history() == before and len(calls) == 2


def test_a_collection_over_the_unpacking_cap_is_one_line(capsys, packages, monkeypatch) -> None:
    """A package is compressed: what it unpacks to is capped (a zip or zstd bomb fills no disk)."""
    monkeypatch.setenv("STUDYAPP_MAX_IMPORT_MB", "0.01")  # 10 kB: less than any real collection
    code, out, err = run(capsys, "import", str(packages.apkg))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "its collection unpacks to more than 0.01 MB; set STUDYAPP_MAX_IMPORT_MB" in err
    assert history() == [] and not list(user_decks_dir().glob("*.yaml"))
    monkeypatch.setenv("STUDYAPP_MAX_IMPORT_MB", "abc")  # not a number: the default cap
    assert run(capsys, "import", str(packages.apkg))[0] == 0
