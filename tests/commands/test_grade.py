"""``studyapp grade``: a class set graded round trip — answers right, wrong by a known mistake, partly
right, unreadable and blank — with every score, tag and item-analysis figure checked; the answers
file as spreadsheets write it; every bad input named in one line with the rest graded; nothing
overwritten without --force."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from studyapp.core.content_files import study_files
from studyapp.core.gradebook import read_key
from studyapp.core.library import load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import Problem, generate
from tests.cli_run import run

STUDENTS = 6


@pytest.fixture(scope="module")
def templates():
    return {t.id: t for t in load_library(study_files(())).templates}


@pytest.fixture
def sheets(tmp_path: Path, capsys) -> Path:
    folder = tmp_path / "sheets"
    code, _, err = run(capsys, "generate", "--kind", "conv_output_size", "--kind", "mse_vs_ce_gradient",
                       "--students", str(STUDENTS), "--count", "4", "--seed", "11", "--out", str(folder))
    assert code == 0, err
    return folder


def problems_of(sheets: Path, templates) -> dict[str, list[Problem]]:
    """Each student's problems, made again from the key, in sheet order."""
    out: dict[str, list[Problem]] = {}
    for k in read_key((sheets / "answer-key.csv").read_text(encoding="utf-8")):
        template_id, _, seed = k.problem_id.rpartition("@")
        out.setdefault(k.student, []).append(generate(templates[template_id], int(seed)))
    return out


def right(p: Problem) -> str:
    return format_answer(p.answer, p.decimals)


def mistaken(p: Problem) -> tuple[str, str]:
    """An answer made by the kind's first known mistake that differs from the right one, and its tag."""
    for m in p.kind.mistakes(p.params):
        text = format_answer(m.answer, p.decimals)
        if text != right(p) and p.grade(text).mistake is not None:
            return text, p.grade(text).mistake.tag
    raise AssertionError(f"no usable mistake for {p.id}")


def half_right(p: Problem) -> str:
    """For a two-part answer: the first part right, the second far off."""
    first, second = list(p.answer)
    return f"{first}: {format_answer(p.answer[first], p.decimals)}; {second}: 999"


def wide(rows: list[list[str]], count: int = 4, delimiter: str = ",", bom: bool = False) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(["student", *map(str, range(1, count + 1))])
    for row in rows:
        w.writerow(row)
    return ("\ufeff" if bom else "") + out.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_round_trip_every_score_tag_and_item_figure(capsys, sheets, templates, tmp_path):
    probs = problems_of(sheets, templates)
    names = list(probs)
    expected: dict[str, list[tuple[str, float, str | None]]] = {}  # per student: (status, score, tag)
    rows = []
    for i, name in enumerate(names[:5]):  # the sixth student hands nothing in
        cells, mine = [], []
        for n, p in enumerate(probs[name]):
            plan = (i + n) % 5
            if plan == 0:
                cell, outcome = right(p), ("right", 1.0, None)
            elif plan == 1:
                cell, tag = mistaken(p)
                outcome = ("wrong", 0.0, tag)
            elif plan == 2 and isinstance(p.answer, dict):
                cell, outcome = half_right(p), ("partial", 0.5, None)
            elif plan == 3:
                cell, outcome = "not a number", ("unreadable", 0.0, None)
            else:
                cell, outcome = "", ("blank", 0.0, None)
            cells.append(cell)
            mine.append(outcome)
        rows.append([name, *cells])
        expected[name] = mine
    answers = write(tmp_path / "answers.csv", wide(rows))
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(answers), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["schema"] == "studyapp.gradebook/1" and data["class"]["absent"] == 1
    by_name = {s["student"]: s for s in data["students"]}
    assert by_name[names[5]]["absent"] is True and f"graded as absent: {names[5]}" in err
    for name, mine in expected.items():
        got = by_name[name]["answers"]
        assert [(a["status"], a["score"], a["mistake"]) for a in got] == mine, name
        assert by_name[name]["total"] == pytest.approx(sum(score for _, score, _ in mine))
    # item analysis, recomputed from the expected table
    for item in data["items"]:
        n = item["problem"] - 1
        column = [expected[name][n] for name in expected]
        assert item["answered"] == len(column)
        assert item["right"] == pytest.approx(sum(s == "right" for s, _, _ in column) / len(column), abs=1e-4)
        assert item["mean_score"] == pytest.approx(sum(sc for _, sc, _ in column) / len(column), abs=1e-4)
        assert item["unreadable"] == sum(s == "unreadable" for s, _, _ in column)
        assert item["blank"] == sum(s == "blank" for s, _, _ in column)
    # the class's mistakes: each tag with the number of students who made it
    made: dict[str, set[str]] = {}
    for name, mine in expected.items():
        for _, _, tag in mine:
            if tag:
                made.setdefault(tag, set()).add(name)
    assert {m["tag"]: m["students"] for m in data["mistakes"]} == {t: len(s) for t, s in made.items()}
    counts = [m["students"] for m in data["mistakes"]]
    assert counts == sorted(counts, reverse=True)
    assert all(m["explanation"] and m["example"] for m in data["mistakes"])


def test_a_row_left_blank_in_the_template_is_absent_not_zero(capsys, sheets, templates, tmp_path):
    """The teacher types a few students into answers-template.csv; the rows left empty are sheets
    not handed in: absent, out of the class mean and the item analysis, not 0 % in them."""
    probs = problems_of(sheets, templates)
    a, b, c = list(probs)[:3]
    text = wide([[a, *[right(p) for p in probs[a]]], [b, right(probs[b][0]), "", " ", ""],
                 [c, "", "", "", ""]])
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(write(tmp_path / "a.csv", text)),
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    students = {s["student"]: s for s in data["students"]}
    assert students[c]["absent"] is True and students[b]["absent"] is False
    assert [x["status"] for x in students[b]["answers"]] == ["right", "blank", "blank", "blank"]
    assert data["class"]["mean_percent"] == pytest.approx((100 + 25) / 2)
    assert [i["answered"] for i in data["items"]] == [2, 2, 2, 2]
    assert f"graded as absent: {c}" in err


@pytest.mark.parametrize("variant", ["bom", "semicolon", "excel quoting", "long", "sheet ids", "crlf"])
def test_the_answers_file_as_spreadsheets_write_it(capsys, sheets, templates, tmp_path, variant):
    probs = problems_of(sheets, templates)
    name, first = next(iter(probs.items()))
    answers = [right(p) for p in first]
    if variant == "long":
        text = "student,problem,answer\n" + "".join(f'{name},{n},"{a}"\n' for n, a in enumerate(answers, 1))
    elif variant == "sheet ids":
        text = wide([["student-01", *answers]])
    elif variant == "semicolon":
        text = wide([[name, *answers]], delimiter=";")
    elif variant == "crlf":
        text = wide([[name, *answers]]).replace("\r\n", "\n").replace("\n", "\r\n")
    else:
        text = wide([[name, *answers]], bom=variant == "bom")
        if variant == "excel quoting":  # every cell quoted, quotes doubled inside
            text = "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row)
                             for row in csv.reader(io.StringIO(text)))
    path = write(tmp_path / "a.csv", text)
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(path), "--format", "json")
    assert code == 0, err
    student = next(s for s in json.loads(out)["students"] if s["student"] == name)
    assert [a["status"] for a in student["answers"]] == ["right"] * len(answers)


def test_bad_rows_and_columns_are_named_and_the_rest_is_graded(capsys, sheets, templates, tmp_path):
    probs = problems_of(sheets, templates)
    a, b = list(probs)[:2]
    text = wide([[a, *[right(p) for p in probs[a]], ""], ["Nobody", "1", "2", "3", "4", ""],
                 [a, "9", "9", "9", "9", ""], [b, right(probs[b][0]), "", "", "", "7"]], count=5)
    path = write(tmp_path / "a.csv", text)
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(path), "--format", "json")
    assert code == 0
    lines = err.strip().splitlines()
    assert any("line 3: student 'Nobody' has no worksheet" in line for line in lines)
    assert any(f"line 4: student '{a}' already has answers on line 2" in line for line in lines)
    assert any("column 6: problem 5 does not exist (the sheets have 4 problems)" in line for line in lines)
    assert any("graded as absent" in line for line in lines)
    assert all(len(line) < 400 and line.startswith("studyapp grade: ") for line in lines)
    students = {s["student"]: s for s in json.loads(out)["students"]}
    assert students[a]["percent"] == 100.0  # the first row counts, the repeat does not
    assert students[b]["answers"][0]["status"] == "right"
    assert json.loads(out)["problems_found"] == [x.removeprefix("studyapp grade: a.csv: ") for x in lines]
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(path), "--format", "json",
                         "--lang", "zh")
    zh = err.strip().splitlines()  # the same lines in the language asked for, on stderr and in the data
    assert len(zh) == len(lines) and json.loads(out)["problems_found"] == [z.split(": ", 2)[2] for z in zh]
    assert "第 3 行:学生 'Nobody' 在答案键中没有练习卷" in zh[0] and "未计入" in zh[0]
    assert any("第 6 列:没有第 5 题(练习卷共 4 题)" in z for z in zh) and any("按缺交计" in z for z in zh)


@pytest.mark.parametrize(("content", "says"), [
    (b"PK\x03\x04rest of a workbook", "a spreadsheet workbook (.xlsx/.ods), not CSV"),
    ("student,1\nA,3,\u00e9".encode("latin-1"), "not UTF-8"),
    (b"", "the answers file is empty"),
    (b"name;score\nA;3\n", "expected a header 'student,1,2,"),
])
def test_an_answers_file_that_is_not_answers_is_one_line(capsys, sheets, tmp_path, content, says):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(path))
    assert code == 2 and out == "" and says in err and len(err.strip().splitlines()) == 1


def test_a_key_from_an_incompatible_version_or_a_missing_one(capsys, sheets, tmp_path):
    answers = write(tmp_path / "a.csv", "student,1\nStudent 1,3\n")
    code, _, err = run(capsys, "grade", str(tmp_path), "--answers", str(answers))
    assert code == 2 and "has no answer-key.csv" in err
    key = sheets / "answer-key.csv"
    key.write_text("name,seed,question,answer\nA,1,1,3\n", encoding="utf-8")
    code, _, err = run(capsys, "grade", str(sheets), "--answers", str(answers))
    assert code == 2 and "made by another version of studyapp" in err and len(err.strip().splitlines()) == 1


def test_a_template_changed_since_the_sheets_is_named_not_graded(capsys, sheets, tmp_path):
    key = sheets / "answer-key.csv"
    rows = list(csv.reader(io.StringIO(key.read_text(encoding="utf-8-sig"))))
    rows[1][5] = "12345"  # as if the deck had changed: the key's answer is no longer what it makes
    key.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows), encoding="utf-8")
    answers = write(tmp_path / "a.csv", f"student,1\n{rows[1][0]},12345\n")
    code, out, err = run(capsys, "grade", str(sheets), "--answers", str(answers), "--format", "json")
    assert code == 0 and "gives other answers than when the sheets were made" in err
    student = next(s for s in json.loads(out)["students"] if s["student"] == rows[1][0])
    assert student["answers"][0]["status"] == "not graded" and student["possible"] == 3


def test_outputs_are_written_and_never_overwritten_without_force(capsys, sheets, templates, tmp_path):
    probs = problems_of(sheets, templates)
    name = next(iter(probs))
    answers = write(tmp_path / "a.csv", wide([[name, *[right(p) for p in probs[name]]]]))
    out = tmp_path / "results"
    code, _, err = run(capsys, "grade", str(sheets), "--answers", str(answers), "--out", str(out))
    assert code == 0, err
    book = (out / "gradebook.csv").read_bytes().decode("utf-8")  # as written: CRLF rows
    assert book.startswith("\ufeffstudent,total,possible,percent,absent,1,2,3,4\r\n")
    rows = list(csv.reader(io.StringIO(book.removeprefix("\ufeff"))))
    assert len(rows) == STUDENTS + 1 and rows[1][:4] == [name, "4", "4", "100.0"]
    assert len(list((out / "feedback").glob("*.html"))) == STUDENTS and (out / "gradebook.html").is_file()
    before = (out / "gradebook.html").read_bytes()
    # each student's name and marks open their feedback sheet, at the problem's own article
    links = re.findall(r'href="([^"#]+)(?:#(p\d+))?"', before.decode("utf-8"))
    assert {target for target, _ in links} == {f"feedback/{p.name}" for p in (out / "feedback").iterdir()}
    for target, anchor in links:
        assert not anchor or f'id="{anchor}"' in (out / unquote(target)).read_text(encoding="utf-8")
    assert sum(1 for _, anchor in links if anchor) == 4  # the one student who handed in: 4 marks
    code, _, err = run(capsys, "grade", str(sheets), "--answers", str(answers), "--out", str(out))
    assert code == 2 and "nothing was written" in err and (out / "gradebook.html").read_bytes() == before
    code, _, err = run(capsys, "grade", str(sheets), "--answers", str(answers), "--out", str(out), "--force")
    assert code == 0, err


def test_a_name_that_looks_like_a_formula_is_not_one_in_the_gradebook(capsys, tmp_path):
    roster = write(tmp_path / "roster.txt", "=HYPERLINK(\"x\")\nBo\n")
    sheets = tmp_path / "sheets"
    assert run(capsys, "generate", "--roster", str(roster), "--count", "2", "--seed", "1",
               "--out", str(sheets))[0] == 0
    answers = write(tmp_path / "a.csv", "student,1,2\nBo,1,2\n")
    assert run(capsys, "grade", str(sheets), "--answers", str(answers), "--out", str(tmp_path / "r"))[0] == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "r" / "gradebook.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][0].startswith("'=HYPERLINK")  # shown as text, never run as a formula


def test_every_json_field_is_documented(capsys, sheets, templates, tmp_path):
    from tests.report.test_formats_doc import DOC, documented, paths

    probs = problems_of(sheets, templates)
    rows = [[name, right(ps[0]), mistaken(ps[1])[0] if ps[1].kind.mistakes(ps[1].params) else "1", "x", ""]
            for name, ps in probs.items()]
    answers = write(tmp_path / "a.csv", wide(rows[:-1]))
    code, out, _ = run(capsys, "grade", str(sheets), "--answers", str(answers), "--format", "json")
    data = json.loads(out)
    assert code == 0 and f"`{data['schema']}`" in DOC and data["mistakes"]
    missing = [p for p in paths(data) if not documented(p)]
    assert missing == [], missing


def test_feedback_comes_in_the_worksheets_language_unless_asked(capsys, tmp_path):
    folder = tmp_path / "zh"
    code, _, err = run(capsys, "generate", "--kind", "conv_output_size", "--students", "2", "--count", "2",
                       "--seed", "3", "--lang", "zh", "--out", str(folder))
    assert code == 0, err
    answers = write(tmp_path / "a.csv", (folder / "answers-template.csv").read_text(encoding="utf-8")
                    .replace("学生 1,,", "学生 1,7,"))
    results = tmp_path / "r"
    code, out, err = run(capsys, "grade", str(folder), "--answers", str(answers), "--out", str(results))
    assert code == 0, err
    assert out.startswith("已批改 1 名学生") and "按缺交计" in err
    sheet = sorted((results / "feedback").iterdir())[0].read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in sheet and "作业反馈" in sheet
    code, out, _ = run(capsys, "grade", str(folder), "--answers", str(answers), "--lang", "en")
    assert code == 0 and out.startswith("Graded 1 student × 2 problems")


@pytest.mark.parametrize(("text", "shown"), [
    ("short", "short"),
    ("An input of width 6 is convolved with a 3×3 kernel, no padding, stride 2. How wide is the output?",
     "An input of width 6 is convolved with a 3×3 kernel, no padding, stride 2. How wide is…"),
    ("输入宽度为 6" + "的特征图" * 30, ("输入宽度为 6" + "的特征图" * 30)[:89] + "…"),
])
def test_a_card_title_is_cut_at_a_word_with_an_ellipsis(text, shown):
    from studyapp.commands.grade import _shortened

    assert _shortened(text, 90) == shown and len(shown) <= 90


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cards_to_go_over_read_as_text_not_markup(lang):
    """Every card the gradebook may list, cloze ones included: one line, gaps filled, at most 90."""
    from studyapp.commands.grade import _card_titles
    from studyapp.core.library import load_library

    titles = _card_titles(load_library(study_files(())), lang)
    assert titles and all("{{" not in t and "}}" not in t and "\n" not in t and len(t) <= 90
                          for t in titles.values())
