"""The answer grid of a class worksheet, the Markdown answer list and the answers template
(``report.answer_sheet``): a numbered box per problem in order, a labelled line per part, labels in
the sheet's language, forms of answers the study app reads, names escaped."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from studyapp.core.answer_parse import parse_value, split_parts
from studyapp.core.library import load_library
from studyapp.core.numfmt import depth
from studyapp.core.problems import Problem, exercise_set
from studyapp.report.answer_sheet import (
    GRID_CSS,
    PAGE_CSS,
    answer_grid_html,
    answer_list_markdown,
    answers_template_csv,
)
from studyapp.report.worksheet_html import StudentSheet, class_key_csv, worksheet_html

XSS = "<script>alert(1)</script>"
CJK = re.compile(r"[\u4e00-\u9fff]")
# single numbers, vectors, matrices, stacks of matrices, and answers in parts (one with a matrix part)
KINDS = ("conv_output_size", "softmax", "conv2d", "conv2d_multi", "softmax_cross_entropy",
         "residual_block", "prelu")


def problems_of(kinds: tuple[str, ...], count: int, seed: int = 5) -> list[Problem]:
    templates = [t for t in load_library().templates if t.kind in kinds]
    return exercise_set(templates, count, seed)


class Grid(HTMLParser):
    """Each box of the grid: its class, its number, its part labels; every <code> and section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.boxes: list[dict] = []
        self.codes: list[str] = []
        self.sections: list[str] = []
        self.heading = ""
        self._sink: tuple[str, list[str]] | None = None
        self._in_box = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "section":
            self.sections.append(cls)
        elif tag == "li" and cls.split()[:1] == ["box"]:
            self.boxes.append({"class": cls, "number": "", "labels": [], "blanks": 0})
            self._in_box = True
        elif tag == "span" and self._in_box and cls == "n":
            self._sink = ("number", [])
        elif tag == "span" and self._in_box and cls == "label":
            self._sink = ("label", [])
        elif tag == "span" and self._in_box and cls == "blank":
            self.boxes[-1]["blanks"] += 1
        elif tag == "code":
            self._sink = ("code", [])
        elif tag == "h2" and self.sections and self.sections[-1] == "answer-grid":
            self._sink = ("heading", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_box = False
        if self._sink is None or tag not in ("span", "code", "h2"):
            return
        what, parts = self._sink
        text = "".join(parts)
        if what == "number":
            self.boxes[-1]["number"] = text
        elif what == "label":
            self.boxes[-1]["labels"].append(text)
        elif what == "code":
            self.codes.append(text)
        else:
            self.heading = text
        self._sink = None

    def handle_data(self, data: str) -> None:
        if self._sink is not None:
            self._sink[1].append(data)


@pytest.mark.parametrize("count", [1, 7, 23])
def test_a_numbered_box_per_problem_in_order_with_a_line_per_part(count: int) -> None:
    problems = problems_of(KINDS, count)
    grid = Grid(answer_grid_html(problems, "en", "Student 4", "student-04"))
    assert [b["number"] for b in grid.boxes] == [str(n) for n in range(1, count + 1)]
    for box, problem in zip(grid.boxes, problems, strict=True):
        answer = problem.answer
        parts = list(answer) if isinstance(answer, dict) else []
        assert box["labels"] == [f"{part}:" for part in parts], problem.id
        assert box["blanks"] == max(len(parts), 1)
        values = answer.values() if isinstance(answer, dict) else [answer]
        # a box that holds a matrix spans the row: room to write its rows
        assert ("wide" in box["class"].split()) == any(depth(v) >= 2 for v in values), problem.id
    assert grid.heading == "Answer sheet — Student 4"


def test_the_parts_of_a_known_problem_are_labelled() -> None:
    problems = problems_of(("softmax_cross_entropy",), 1)
    assert set(problems[0].answer) == {"loss", "grad"}
    assert Grid(answer_grid_html(problems, "en", "A", "a")).boxes[0]["labels"] == ["loss:", "grad:"]


def test_the_forms_it_quotes_are_the_forms_the_app_reads() -> None:
    """Every example in the how-to line is read by ``core.answer_parse`` as the shape it names."""
    stacked = problems_of(("conv2d_multi",), 2)
    codes = Grid(answer_grid_html(stacked, "en", "A", "a")).codes
    assert codes[:7] == ["0.25", "-1/8", "1e-3", "[1, 2, 3]", "[[1, 2], [3, 4]]", "[1, 2; 3, 4]", ";"]
    values = [parse_value(code) for code in codes[:6]]
    assert values == [0.25, -0.125, 0.001, [1, 2, 3], [[1, 2], [3, 4]], [[1, 2], [3, 4]]]
    parts = split_parts(codes[7], ["loss", "grad"])
    assert {k: parse_value(v) for k, v in parts.items()} == {"loss": 0.417, "grad": [-0.341, 0.242]}
    assert depth(parse_value(codes[8])) == 3  # the stack of matrices, shown only when a sheet has one
    plain = Grid(answer_grid_html(problems_of(("softmax",), 2), "en", "A", "a")).codes
    assert plain == codes[:8]


def test_chinese_sheet_has_chinese_labels_and_the_same_forms() -> None:
    problems = problems_of(KINDS, 6)
    zh = answer_grid_html(problems, "zh", "王小明", "03-王小明")
    en = answer_grid_html(problems, "en", "Ana", "01-Ana")
    assert "答题卡 — 王小明" in zh and "练习卷编号 03-王小明" in zh and "道题" in zh
    assert "Answer sheet" not in zh and "problems" not in zh
    assert not CJK.search(en)
    assert Grid(zh).codes == Grid(en).codes  # what is typed is the same in both languages
    assert [b["labels"] for b in Grid(zh).boxes] == [b["labels"] for b in Grid(en).boxes]


def test_names_are_text_and_the_page_parses_without_scripts() -> None:
    problems = problems_of(KINDS, 5)
    grid = answer_grid_html(problems, "en", XSS, "01-script-alert-1-script")
    assert "<script" not in grid and Grid(grid).heading == f"Answer sheet — {XSS}"
    page = worksheet_html(problems, 9, "en", "end", after_problems=grid, css=PAGE_CSS)
    parsed = Grid(page)
    assert parsed.sections == ["problems", "answer-grid", "key"]  # the key stays last
    assert len(parsed.boxes) == 5 and "<script" not in page
    assert page.count("<style>") == 1 and GRID_CSS in page


def test_print_rules() -> None:
    """The grid starts a printed page and no box is split across two."""
    assert re.search(r"\.answer-grid\{[^}]*break-before:page", GRID_CSS)
    assert re.search(r"\.box\{[^}]*break-inside:avoid[^}]*page-break-inside:avoid", GRID_CSS)


def test_a_sheet_without_a_grid_is_unchanged() -> None:
    problems = problems_of(KINDS, 3)
    page = worksheet_html(problems, 9, "en", "none")
    assert "answer-grid" not in page and GRID_CSS not in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_answer_list(lang: str) -> None:
    problems = problems_of(KINDS, 9)
    text = answer_list_markdown(problems, lang, "Zoë *bold*", "02-Zoë-bold")
    lines = text.splitlines()
    assert lines[0] == ("## Answer sheet — Zoë \\*bold\\*" if lang == "en" else "## 答题卡 — Zoë \\*bold\\*")
    numbered = [line for line in lines if re.match(r"\d+\.", line)]
    assert [line.split(".")[0] for line in numbered] == [str(n) for n in range(1, 10)]
    for problem, line in zip(problems, numbered, strict=True):
        if isinstance(problem.answer, dict):
            start = lines.index(line) + 1
            assert lines[start:start + len(problem.answer)] == [
                f"   - `{part}`: {'_' * 24}" for part in problem.answer]
        else:
            assert line.endswith(("Answer: " if lang == "en" else "答案: ") + "_" * 24)
    # a line of underscores alone would be a horizontal rule, not a blank
    assert not any(re.fullmatch(r"\s*_+\s*", line) for line in lines)


def test_answers_template_csv() -> None:
    problems = problems_of(KINDS, 4)
    names = ["Ana", '=HYPERLINK("x")', "王小明", "-1"]
    text = answers_template_csv(names, 4)
    assert text.startswith("\ufeffstudent,1,2,3,4\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0] == ["student", "1", "2", "3", "4"]
    assert [r[1:] for r in rows[1:]] == [[""] * 4] * 4
    # each name exactly as the answer key writes it (a formula defused the same way)
    key = class_key_csv([StudentSheet(n, 1, f"{i}.html", problems) for i, n in enumerate(names)])
    key_names = [r[0] for r in csv.reader(io.StringIO(key.removeprefix("\ufeff"), newline=""))][1::4]
    assert [r[0] for r in rows[1:]] == key_names == ["Ana", "'=HYPERLINK(\"x\")", "王小明", "-1"]
