"""A class set's answer grids and ``answers-template.csv`` (``commands.class_sets``): every sheet ends
its problems with a grid naming its student and sheet, the template lists the key's students as the
key names them, it is written with the rest of the set (all or nothing, never over a file without
--force), and a filled-in template is read by the grader as the teacher meant it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from studyapp.core.class_answers import read_answers
from studyapp.core.gradebook import grade_class, read_key
from studyapp.core.library import load_library
from studyapp.report.answer_sheet import TEMPLATE_CSV
from tests.cli_run import run

NAMES = ["Ana", '=HYPERLINK("x")', "王小明", "<b>Bo</b>"]


def cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def make(capsys: pytest.CaptureFixture[str], folder: Path, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "generate", "--count", "5", "--seed", "3", "--out", str(folder), *argv)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.txt"
    path.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_lists_the_keys_students_and_every_sheet_has_its_grid(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, roster: Path, lang: str) -> None:
    folder = tmp_path / "class"
    code, out, err = make(capsys, folder, "--roster", str(roster), "--lang", lang)
    assert code == 0 and err == ""
    assert f"4 worksheets, {TEMPLATE_CSV}, answer-key.csv and answer-key.html to {folder}" in out
    raw = (folder / TEMPLATE_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfstudent,1,2,3,4,5\r\n")  # UTF-8 with a BOM, for Excel
    rows = cells(folder / TEMPLATE_CSV)
    key = cells(folder / "answer-key.csv")[1:]
    assert [r[0] for r in rows[1:]] == list(dict.fromkeys(r[0] for r in key))  # as the key has them
    assert [r[0] for r in rows[1:]] == ["Ana", "'=HYPERLINK(\"x\")", "王小明", "<b>Bo</b>"]
    assert all(r[1:] == [""] * 5 for r in rows[1:])
    title = "答题卡" if lang == "zh" else "Answer sheet"
    for file in sorted({r[6] for r in key}):
        text = (folder / file).read_text(encoding="utf-8")
        assert text.count('<li class="box') == 5 and "<script" not in text
        assert text.index('class="problems"') < text.index('class="answer-grid"')
        assert (Path(file).stem in text) and f"<h2>{title} — " in text
    bo = (folder / "04-b-Bo-b.html").read_text(encoding="utf-8")
    assert f"<h2>{title} — &lt;b&gt;Bo&lt;/b&gt;</h2>" in bo  # a name is text, never markup


def test_unnamed_students_get_the_keys_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "class"
    assert make(capsys, folder, "--students", "3")[0] == 0
    assert cells(folder / TEMPLATE_CSV) == [["student", "1", "2", "3", "4", "5"],
                                            *[[f"Student {n}", *[""] * 5] for n in (1, 2, 3)]]
    sheet = (folder / "student-02.html").read_text(encoding="utf-8")
    assert "<h2>Answer sheet — Student 2</h2>" in sheet and "sheet student-02 · 5 problems" in sheet


def test_markdown_sheets_get_an_answer_list_and_json_sheets_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert make(capsys, tmp_path / "md", "--students", "2", "--format", "md")[0] == 0
    text = (tmp_path / "md" / "student-01.md").read_text(encoding="utf-8")
    assert "\n## Answer sheet — Student 1\n" in text and "sheet `student-01` · 5 problems" in text
    assert make(capsys, tmp_path / "json", "--students", "2", "--format", "json")[0] == 0
    doc = json.loads((tmp_path / "json" / "student-01.json").read_text(encoding="utf-8"))
    assert set(doc) == {"schema", "seed", "lang", "student", "student_number", "set_seed", "problems"}
    assert cells(tmp_path / "json" / TEMPLATE_CSV)[0] == ["student", "1", "2", "3", "4", "5"]


def test_an_existing_template_blocks_the_set_without_force(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / TEMPLATE_CSV).write_text("student,1\nAna,0.5\n", encoding="utf-8")  # a teacher's answers
    code, out, err = make(capsys, folder, "--students", "2")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert TEMPLATE_CSV in err and "already exists" in err and "--force" in err
    assert sorted(p.name for p in folder.iterdir()) == [TEMPLATE_CSV]  # nothing else written either
    assert (folder / TEMPLATE_CSV).read_text(encoding="utf-8") == "student,1\nAna,0.5\n"
    assert make(capsys, folder, "--students", "2", "--force")[0] == 0
    assert cells(folder / TEMPLATE_CSV)[1] == ["Student 1", *[""] * 5]
    # a refused set writes none of its files, the template included
    (folder / TEMPLATE_CSV).unlink()
    assert make(capsys, folder, "--students", "2")[0] == 2
    assert not (folder / TEMPLATE_CSV).exists()


def test_the_filled_in_template_is_graded_as_meant(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   roster: Path) -> None:
    folder = tmp_path / "class"
    assert make(capsys, folder, "--roster", str(roster))[0] == 0
    key = read_key((folder / "answer-key.csv").read_text(encoding="utf-8"))
    templates = {t.id: t for t in load_library().templates}
    # untouched: every student known to the grader (no name left out), none handed in: all absent
    blank = grade_class(key, read_answers((folder / TEMPLATE_CSV).read_text(encoding="utf-8")), templates)
    said = [line.en.split(":")[0] for line in blank.problems_found]
    assert said == ["no answers for 4 student(s), graded as absent"]
    assert len(blank.students) == len(NAMES) and all(s.absent for s in blank.students)
    assert {r.status for s in blank.students for r in s.results} == {"blank"}
    # filled in with the key's answers, as a spreadsheet saves it: all right
    rows = cells(folder / TEMPLATE_CSV)
    answers = {(k.student, k.number): k.answer for k in key}
    filled = io.StringIO()
    writer = csv.writer(filled, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([row[0], *[answers[row[0], n] for n in range(1, 6)]])
    book = grade_class(key, read_answers("\ufeff" + filled.getvalue()), templates)
    assert book.problems_found == []
    assert [s.total for s in book.students] == [5.0] * len(NAMES)
