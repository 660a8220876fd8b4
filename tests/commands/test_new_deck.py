"""The learner's own decks: ``new-deck`` writes a starter deck into the user deck folder, and
every command reads that folder beside the bundled decks (``--content`` adds more for one run)."""

from __future__ import annotations

import json
import textwrap

import pytest

from studyapp.core.content_files import study_files
from studyapp.core.library import load_library
from studyapp.paths import bundled_content_dir, user_decks_dir
from tests.cli_run import run


def test_new_deck_writes_a_starter_deck_that_every_command_reads(capsys) -> None:
    code, out, err = run(capsys, "new-deck", "my-notes", "--title", 'Mes "notes": 1')
    assert code == 0, err
    path = user_decks_dir() / "my-notes.yaml"
    assert f"wrote {path}" in out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=deck.schema.json\n")
    schema = json.loads((user_decks_dir() / "deck.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads((bundled_content_dir() / "deck.schema.json").read_text(encoding="utf-8"))
    library = load_library(study_files())
    assert library.errors == []
    deck = library.deck("my-notes")
    assert deck is not None and deck.title.get("en") == 'Mes "notes": 1'
    assert sorted(c.type for c in deck.cards) == ["basic", "choice", "cloze"]
    assert [t.kind for t in deck.problems] == ["conv_output_size"]
    assert len(library.decks) == len(load_library().decks) + 1  # beside the bundled ones
    code, out, err = run(capsys, "validate")
    assert code == 0 and "13 decks" in out, err
    code, out, err = run(capsys, "generate", "--topic", "my-notes", "--count", "2", "--seed", "1",
                         "--format", "json")
    assert code == 0, err
    assert {p["template"] for p in json.loads(out)["problems"]} == {"my-notes.example-output-size"}


@pytest.mark.parametrize(("argv", "words"), [
    (["new-deck", "Bad Id"], "'Bad Id' is not a deck id (expected lower-case letters"),
    (["new-deck", "activations"], "the deck id 'activations' is already used by"),
    (["new-deck", "x", "--title", "two\nlines"], "--title must be one line of text"),
])
def test_new_deck_refuses_in_one_line(capsys, argv, words) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err, err
    assert not (user_decks_dir() / f"{argv[1]}.yaml").exists()


def test_new_deck_never_overwrites(capsys) -> None:
    assert run(capsys, "new-deck", "mine")[0] == 0
    path = user_decks_dir() / "mine.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    code, _, err = run(capsys, "new-deck", "mine")
    assert code == 2 and "already exists" in err
    assert path.read_text(encoding="utf-8").endswith("# my edit\n")


def test_locate_names_the_deck_folder(capsys) -> None:
    code, out, _ = run(capsys, "locate")
    assert code == 0 and f"decks:    {user_decks_dir()}  (none yet" in out
    run(capsys, "new-deck", "mine")
    assert f"decks:    {user_decks_dir()}\n" in run(capsys, "locate")[1]


def test_an_id_clash_with_a_bundled_deck_names_both_files_and_lines(capsys) -> None:
    folder = user_decks_dir()
    folder.mkdir(parents=True)
    (folder / "clash.yaml").write_text(textwrap.dedent("""\
        id: clash
        title: {en: Clash, zh: 冲突}
        cards:
          - id: act.why-nonlinear
            type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
        """), encoding="utf-8")
    library = load_library(study_files())
    bundled = bundled_content_dir() / "activations.yaml"
    line = next(i for i, text in enumerate(bundled.read_text(encoding="utf-8").splitlines(), 1)
                if "id: act.why-nonlinear" in text)
    assert [str(e) for e in library.errors] == [
        f"{folder / 'clash.yaml'}:4:5: id 'act.why-nonlinear' is already used in {bundled}:{line}"]
    assert library.deck("clash") is None and library.deck("activations") is not None
    code, out, err = run(capsys, "validate")
    assert code == 1 and f"{folder / 'clash.yaml'}:4:5:" in out + err


def test_content_adds_decks_for_one_run_and_a_missing_path_is_one_line(tmp_path, capsys) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(textwrap.dedent("""\
        id: extra
        title: {en: Extra, zh: 额外}
        problems:
          - id: extra.out
            kind: conv_output_size
            difficulty: 1
        """), encoding="utf-8")
    files = study_files([extra, bundled_content_dir()])  # a folder already read is read once
    assert files.count(extra) == 1 and len(files) == len(set(f.resolve() for f in files))
    code, out, err = run(capsys, "generate", "--content", str(extra), "--topic", "extra", "--topic",
                         "activations", "--count", "30", "--seed", "2", "--format", "json")
    templates = {p["template"] for p in json.loads(out)["problems"]}
    assert code == 0 and "extra.out" in templates and len(templates) > 1, err
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "--content", str(missing))
    assert code == 2 and err == f"studyapp: error: --content {missing}: no such file or folder\n"


def test_the_report_names_a_user_deck_by_its_title(capsys) -> None:
    from datetime import UTC, datetime

    import numpy as np

    from studyapp.core.scheduler import GOOD
    from studyapp.core.session import StudySession
    from studyapp.core.settings import Settings
    from studyapp.paths import default_db_path
    from studyapp.store.progress import Store

    assert run(capsys, "new-deck", "mine", "--title", "Ma pile")[0] == 0
    store = Store(default_db_path())
    library = load_library(study_files())
    store.sync(library.content_rows, library.fingerprints)
    session = StudySession(library, store, Settings(timezone="UTC"), lambda: datetime.now(UTC),
                           np.random.default_rng(1), decks=["mine"])
    item = session.next()
    session.rate(item, GOOD, 1000)
    store.close()
    code, out, err = run(capsys, "report", "--format", "json", "--deck", "mine")
    assert code == 0, err
    decks = {d["id"]: d for d in json.loads(out)["decks"]}
    assert decks["mine"]["title"] == "Ma pile"


def test_a_user_deck_is_exported_to_anki(capsys, tmp_path) -> None:
    import sqlite3
    import zipfile

    assert run(capsys, "new-deck", "mine", "--title", "Ma pile")[0] == 0
    out = tmp_path / "mine.apkg"
    code, stdout, err = run(capsys, "export", "--anki", str(out), "--deck", "mine", "--lang", "en")
    assert code == 0 and "from 1 deck(s)" in stdout, err
    with zipfile.ZipFile(out) as package:
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    fronts = [row[0] for row in conn.execute("SELECT flds FROM notes")]
    conn.close()
    assert any("What does ReLU output for a negative input?" in f for f in fronts)
    assert len(fronts) == 3 + 3  # three cards, and the problem template's three worked examples
