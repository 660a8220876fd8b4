"""Every example a ``--help`` shows runs: each ``studyapp ...`` line of the epilog of ``studyapp``
and of every command that has one, run in a folder of its own (its relative output paths land
there) with a home of its own (``~`` and ``$STUDYAPP_HOME``, from conftest), exits with status 0
and writes the files it names. The files an example reads (a deck, an Anki package) are made
first, by their suffix."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from studyapp.cli import build_parser, main
from studyapp.commands.fish_completion import subcommands

OUTPUT_OPTIONS = ("--out", "--anki", "--csv", ">")  # the next word is a file the example writes
OWN = ("studyapp", "generate", "solve", "kinds", "validate", "schema", "completion")


def epilogs() -> dict[str, str]:
    """The epilog of ``studyapp`` and of each command that has one, by command name."""
    parser = build_parser()
    found = {"studyapp": parser.epilog or ""}
    found |= {name: sub.epilog for name, _help, sub in subcommands(parser) if sub.epilog}
    return found


def example_lines(epilog: str) -> list[str]:
    """The lines of ``epilog`` that are a command (``studyapp ...``), each joined with the lines
    it continues onto with a trailing backslash, as a shell would."""
    return [line.strip() for line in epilog.replace("\\\n", " ").splitlines()
            if line.split()[:1] == ["studyapp"]]


EXAMPLES = [(name, line) for name, text in epilogs().items() for line in example_lines(text)]


def _anki_package(path: Path) -> None:
    """An Anki package of one Basic note in a deck 'Deep', made by Anki itself."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder = path.parent / f".anki-{path.name}"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "What does ReLU output for -2?", "0"
    col.add_note(note, col.decks.id("Deep"))
    if path.suffix == ".colpkg":
        col.export_collection_package(str(path), include_media=False, legacy=False)
    else:
        col.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False))
    col.close()
    shutil.rmtree(folder)


def _deck(path: Path) -> None:
    """The starter deck ``new-deck`` writes (moved out of the deck folder, to be read alone)."""
    from studyapp.paths import user_decks_dir

    assert main(["new-deck", path.stem]) == 0
    shutil.move(user_decks_dir() / f"{path.stem}.yaml", path)


INPUT_MAKERS = {".apkg": _anki_package, ".colpkg": _anki_package, ".yaml": _deck}


def run_example(line: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[Path], str]:
    """Exit status of the example ``line`` run in the current folder, the files it should have
    written, and its stderr. ``> FILE`` gets stdout, its folder made first as the install lines ask."""
    argv = [os.path.expanduser(word) for word in shlex.split(line, comments=True)[1:]]
    outputs = [Path(argv[i + 1]) for i, word in enumerate(argv[:-1]) if word in OUTPUT_OPTIONS]
    for word in argv:
        path = Path(word)
        if path.suffix in INPUT_MAKERS and path not in outputs and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            INPUT_MAKERS[path.suffix](path)
    capsys.readouterr()
    redirect = argv.index(">") if ">" in argv else len(argv)
    try:
        code = main(argv[:redirect])
    except SystemExit as exc:  # --help
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    if redirect < len(argv):
        outputs[-1].parent.mkdir(parents=True, exist_ok=True)
        outputs[-1].write_text(out, encoding="utf-8")
    return code, outputs, err


def _studied_before(command: str) -> None:
    """A progress database, as a learner's home has once the app has been started: examples such
    as ``export --with-history`` read one; ``optimize`` fits a year of a (simulated) learner's reviews."""
    from studyapp.paths import default_db_path
    from studyapp.store.progress import Store

    default_db_path().parent.mkdir(parents=True, exist_ok=True)
    if command == "grade":  # a class set in sheets/ and two students' answers, as a teacher has them
        assert main(["generate", "--students", "3", "--count", "2", "--seed", "1", "--out", "sheets"]) == 0
        Path("answers.csv").write_text("student,1,2\nStudent 1,3,4\nStudent 2,,x\n", encoding="utf-8")
    if command == "optimize":
        from studyapp.core.memory_model import MemoryModel
        from tests.commands.learner_db import learner_db

        learner_db(default_db_path(), 150, 240, list(MemoryModel().parameters()))
    Store(default_db_path()).close()


@pytest.mark.parametrize(("command", "line"), EXAMPLES, ids=[f"{c}: {line}" for c, line in EXAMPLES])
def test_the_example_runs(command, line, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _studied_before(command)
    code, outputs, err = run_example(line, capsys)
    assert code == 0, f"'{line}' (in studyapp {command} --help) exited {code}: {err}"
    for path in outputs:
        assert path.exists() and (path.is_dir() or path.stat().st_size > 0), f"'{line}' wrote no {path}"


def test_every_epilog_holds_examples_and_ours_two_or_three() -> None:
    found = epilogs()
    assert set(OWN) <= set(found)
    counts = {name: len(example_lines(text)) for name, text in found.items()}
    assert all(counts.values()), f"an epilog without a 'studyapp ...' line: {counts}"
    assert all(2 <= counts[name] <= 4 for name in OWN), counts


def test_the_generate_examples_show_json_and_a_class_set() -> None:
    lines = example_lines(epilogs()["generate"])
    assert any("--format json" in line for line in lines)
    assert any("--students" in line and "--out" in line for line in lines)


def test_the_runner_notices_a_failing_example(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_example("studyapp solve softmax --params '{\"logits\": 3}'", capsys)[0] == 2
    assert run_example("studyapp generate --count 2 --out set.md  # a comment", capsys)[:2] == \
        (0, [Path("set.md")])
