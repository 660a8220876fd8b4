"""Exit statuses and one-line errors: solve --answer (0 right, 1 wrong, 2 unreadable), a --db in a
folder that does not exist, unknown --kind/--topic names, a missing --content file."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from studyapp import cli
from studyapp.commands.solve import unreadable
from tests.cli_run import assert_usage_error, run

CONV = '{"input_size": 7, "kernel_size": 3, "padding": 1, "stride": 2}'  # the answer is 4
SCE = '{"logits": [2, 1, 0.1], "target": 0}'
SCE_RIGHT = "loss: 0.41703; grad: [-0.340999, 0.242433, 0.098566]"


# --- solve --answer: 0 right, 1 wrong, 2 unreadable ----------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "md"])
@pytest.mark.parametrize(("answer", "code", "shown"), [
    ("4", 0, "✓ right"),
    ("3", 1, "✗ wrong"),
])
def test_solve_exit_status_right_and_wrong(capsys: pytest.CaptureFixture[str], fmt: str, answer: str,
                                           code: int, shown: str) -> None:
    result = run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", answer, "--format", fmt)
    assert result[0] == code and shown in result[1] and result[2] == ""


@pytest.mark.parametrize("fmt", ["text", "md"])
@pytest.mark.parametrize(("answer", "words"), [
    ("abc", ["--answer", "'abc' is not a number", "expected a single number"]),
    ("", ["--answer", "empty"]),
    ("   ", ["--answer", "empty"]),
    ("1, 2", ["--answer", "expected a single number, got a vector of 2"]),
])
def test_solve_unreadable_answer_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], fmt: str,
                                                        answer: str, words: list[str]) -> None:
    assert_usage_error(run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", answer,
                           "--format", fmt), "studyapp solve", *words)


@pytest.mark.parametrize(("answer", "code"), [
    (SCE_RIGHT, 0),
    ("loss: 1; grad: [1, 2, 3]", 1),  # both parts read, both wrong
    ("loss: 5", 1),  # one part read (wrong), the other missing
    ("hello", 2),  # cannot be split into labelled parts
    ("loss: abc; grad: xyz", 2),  # no part can be read
    ("loss: ; grad: ", 2),
])
def test_solve_exit_status_of_structured_answers(capsys: pytest.CaptureFixture[str], answer: str,
                                                 code: int) -> None:
    result = run(capsys, "solve", "softmax_cross_entropy", "--params", SCE, "--answer", answer)
    if code == 2:
        assert_usage_error(result, "--answer")
    else:
        assert result[0] == code and result[1] and result[2] == ""


@pytest.mark.parametrize(("answer", "code"), [("4", 0), ("3", 1), ("abc", 2)])
def test_solve_json_prints_its_verdict_with_the_same_exit_status(capsys: pytest.CaptureFixture[str],
                                                                 answer: str, code: int) -> None:
    got, out, err = run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", answer,
                        "--format", "json")
    doc = json.loads(out)
    assert got == code and doc["correct"] is (code == 0) and doc["answer"] == 4
    if code == 2:
        assert "not a number" in doc["message"]
        assert err.startswith("studyapp solve: error: --answer: ") and err.count("\n") == 1
    else:
        assert err == ""


def test_solve_unreadable_answer_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_usage_error(run(capsys, "solve", "conv_output_size", "--params", CONV, "--answer", "x",
                                  "--lang", "zh"), "--answer")
    assert "不是数字" in line


def test_solve_without_answer_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "solve", "conv_output_size", "--params", CONV)[0] == 0


def test_solve_help_states_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "--help")
    text = " ".join(out.split())
    assert code == 0
    assert "0 when the --answer is right" in text and "1 when it is wrong" in text
    assert "2 when it cannot be read" in text


def _grade(**fields: object) -> SimpleNamespace:
    """A Grade as the core made it before ``Grade.readable``: the fallback of ``unreadable``."""
    return SimpleNamespace(**({"correct": False, "mistake": None, "marks": None, "parts": {}} | fields))


@pytest.mark.parametrize(("grade", "expected"), [
    (_grade(), True),  # not parsed, or another shape, or parts that cannot be split
    (_grade(marks=False), False),  # read, wrong
    (_grade(marks=[True, False]), False),
    (_grade(correct=True, marks=True), False),
    (_grade(mistake=object()), False),  # a known mistake is an answer, if oddly shaped
    (_grade(parts={"a": _grade(), "b": _grade()}), True),  # no part read
    (_grade(parts={"a": _grade(marks=False), "b": _grade()}), False),  # one part read
    (SimpleNamespace(readable=False, correct=False, mistake=object()), True),  # the core knows best
    (SimpleNamespace(readable=True, correct=False, mistake=None, marks=None, parts={}), False),
])
def test_unreadable(grade: SimpleNamespace, expected: bool) -> None:
    assert unreadable(grade) is expected


# --- --db in a folder that does not exist --------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["report"],
    ["report", "--format", "json"],
    ["export", "--csv", "{tmp}/cards.csv"],
    ["validate", "--seeds", "0"],
    ["locate"],
    ["generate", "--seed", "1"],
])
def test_db_in_a_missing_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           argv: list[str]) -> None:
    db = tmp_path / "nowhere" / "progress.sqlite3"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    for args in ([*argv, "--db", str(db)], ["--db", str(db), *argv]):
        assert_usage_error(run(capsys, *args), f"studyapp {argv[0]}: error: --db {db}",
                           f"the folder {db.parent} does not exist")
    assert list(tmp_path.iterdir()) == []  # nothing created: no folder, no database, no export


def test_db_in_a_missing_folder_stops_the_app_before_it_starts(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_app(db: Path | None) -> int:
        raise AssertionError("the app was started")

    monkeypatch.setattr(cli, "_run_tui", no_app)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    db = tmp_path / "nowhere" / "progress.sqlite3"
    line = assert_usage_error(run(capsys, "--db", str(db)), "does not exist")
    assert line.startswith("studyapp: error: --db ")
    assert not db.parent.exists()


def test_db_under_a_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert_usage_error(run(capsys, "report", "--db", str(tmp_path / "file" / "p.sqlite3")),
                       f"{tmp_path / 'file'} is not a folder")


def test_a_missing_database_in_an_existing_folder_still_gives_an_empty_report(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "absent.sqlite3"
    code, out, err = run(capsys, "report", "--db", str(db), "--format", "json")
    assert code == 0 and json.loads(out) and "no progress database" in err
    assert not db.exists()


# --- unknown --kind / --topic: the close names ---------------------------------------------------

@pytest.mark.parametrize(("argv", "words"), [
    (["generate", "--kind", "conv2"], ["unknown kind 'conv2' (did you mean conv2d, conv2d_multi?)"]),
    (["solve", "conv2", "--params", "{}"], ["unknown kind 'conv2' (did you mean conv2d, conv2d_multi?)"]),
    (["generate", "--kind", "batchnorm"], ["did you mean batch_norm, batch_norm_features?"]),
    (["generate", "--topic", "convolutio"], ["unknown topic 'convolutio' (did you mean convolution?)"]),
    (["generate", "--format", "html", "--topic", "loss"], ["unknown topic 'loss' (did you mean losses?)"]),
])
def test_unknown_name_suggests_the_close_ones(capsys: pytest.CaptureFixture[str], argv: list[str],
                                              words: list[str]) -> None:
    line = assert_usage_error(run(capsys, *argv), *words)
    assert "known:" not in line and "softmax" not in line


@pytest.mark.parametrize("argv", [["generate", "--kind", "zzzzz"], ["solve", "zzzzz", "--params", "{}"]])
def test_unknown_kind_with_nothing_close_points_to_kinds(capsys: pytest.CaptureFixture[str],
                                                        argv: list[str]) -> None:
    line = assert_usage_error(run(capsys, *argv), "unknown kind 'zzzzz' ('studyapp kinds' lists them)")
    assert "softmax" not in line


def test_unknown_topic_with_nothing_close_lists_the_topics(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "generate", "--topic", "xyz"), "unknown topic 'xyz' (known: ",
                       "convolution", "losses")


# --- generate --content with a missing file ------------------------------------------------------

@pytest.mark.parametrize("extra", [[], ["--format", "html"], ["--content", "{bundled}"]])
def test_missing_content_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          extra: list[str]) -> None:
    from studyapp.paths import bundled_content_dir

    missing = tmp_path / "missing.yaml"
    extra = [a.replace("{bundled}", str(bundled_content_dir())) for a in extra]
    line = assert_usage_error(run(capsys, "generate", *extra, "--content", str(missing)),
                              f"{missing}: no such file or folder")
    assert "skipped" not in line and "no problem template" not in line
