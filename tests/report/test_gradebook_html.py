"""The printable pages of ``studyapp grade --out``: the class's gradebook and each student's feedback.

A real class set (``generate --kind conv2d --students 4``) is answered by hand: right, partly right,
wrong, a known mistake (two students make the same one, one student another), unreadable, blank and
absent, then graded by the core, so every mark on the pages comes from the real grader.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.bilingual import Text
from studyapp.core.class_answers import read_answers
from studyapp.core.content import ProblemTemplate
from studyapp.core.content_files import study_files
from studyapp.core.gradebook import Gradebook, KeyProblem, grade_class, read_key
from studyapp.core.item_analysis import ClassMistake, ItemStats, class_mistakes, item_stats, kind_stats
from studyapp.core.library import load_library
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import generate
from studyapp.report.feedback_html import feedback_html
from studyapp.report.gradebook_html import bins, fraction, gradebook_html
from tests.report import browser

CJK = re.compile(r"[\u4e00-\u9fff]")
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}
BLOCK = {"div", "p", "table", "ul", "ol", "section", "article", "figure", "h1", "h2", "h3", "aside", "header"}


@dataclass
class Graded:
    book: Gradebook
    items: list[ItemStats]
    kinds: list[ItemStats]
    mistakes: list[ClassMistake]
    shared: str  # the mistake two students make
    single: str  # the mistake one student makes
    titles: dict[str, str]
    mean: float

    def page(self, lang: str) -> str:
        return gradebook_html(self.book, self.items, self.kinds, self.mistakes, lang, self.titles)


def _mistakes(k: KeyProblem, templates: dict[str, ProblemTemplate]) -> dict[str, str]:
    """The answers (as a student would write them) that the grader diagnoses, by mistake tag."""
    template_id, _, seed = k.problem_id.rpartition("@")
    problem = generate(templates[template_id], int(seed))
    out = {}
    for m in problem.kind.mistakes(problem.params):
        text = format_answer(m.answer, problem.decimals)
        if (grade := problem.grade(text)).mistake is not None and grade.mistake.tag == m.tag:
            out.setdefault(m.tag, text)
    return out


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    folder = tmp_path_factory.mktemp("class")
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolated home is per test; this is per module
        mp.setenv("STUDYAPP_HOME", str(tmp_path_factory.mktemp("home")))
        assert main(["generate", "--kind", "conv2d", "--students", "4", "--count", "5", "--seed", "3",
                     "--out", str(folder)]) == 0
        library = load_library(study_files(()))
    templates = {t.id: t for t in library.templates}
    key = read_key((folder / "answer-key.csv").read_text(encoding="utf-8"))
    sheet = {(k.student, k.number): k for k in key}
    one, two = _mistakes(sheet["Student 1", 1], templates), _mistakes(sheet["Student 2", 1], templates)
    shared = next(tag for tag in one if tag in two)
    single = next(tag for tag in _mistakes(sheet["Student 2", 3], templates) if tag != shared)
    partial = re.sub(r"(-?\d+)\]\]$", lambda m: f"{int(m[1]) + 1}]]", sheet["Student 2", 2].answer)
    right = {n: sheet["Student 2", n].answer for n in range(1, 6)}
    rows = [["Student 1", one[shared], sheet["Student 1", 2].answer, "[[99, 99], [99, 99]]", "abc", ""],
            ["Student 2", two[shared], partial, _mistakes(sheet["Student 2", 3], templates)[single],
             right[4], right[5]],
            ["Student 3", *[sheet["Student 3", n].answer for n in range(1, 6)]]]  # Student 4: absent
    text = "student,1,2,3,4,5\n" + "".join(",".join(map(_csv_cell, row)) + "\n" for row in rows)
    book = grade_class(key, read_answers(text), templates)
    cards = {c.id for c in library.cards}
    related = {t.id: tuple(r for r in t.related if r in cards) for t in library.templates}
    mistakes = class_mistakes(book, lambda pid: related.get(pid.rpartition("@")[0], ()))
    first_card = mistakes[0].related[0]
    present = [s for s in book.students if not s.absent]
    return Graded(book, item_stats(book), kind_stats(book), mistakes, shared, single,
                  {first_card: "Cross-correlation <is not> convolution"},
                  sum(s.percent for s in present) / len(present))


class Page(HTMLParser):
    """A page's sections (by id) and table rows, checking on the way that every element closes in
    order and that no block sits inside a paragraph (a browser would split the paragraph)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.rows: dict[str, list[list[tuple[str, str]]]] = {}  # section id → rows of (class, text)
        self.text: dict[str, list[str]] = {}
        self.articles: dict[str, list[str]] = {}  # article id → its text (feedback problems)
        self.article_class: dict[str, str] = {}
        self.tags: list[str] = []
        self._section = self._article = ""
        self._cell: tuple[str, list[str]] | None = None
        self.feed(text)
        self.close()
        assert self.stack == [], self.stack

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        assert not (tag in BLOCK and "p" in self.stack), (tag, self.stack)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "section":
            self._section = a.get("id") or ""
        if tag == "article" and a.get("id"):
            self._article = a["id"] or ""
            self.article_class[self._article] = a.get("class") or ""
        if tag == "tr":
            self.rows.setdefault(self._section, []).append([])
        if tag in ("td", "th"):
            self._cell = (a.get("class") or "", [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)  # SVG's <rect/>: opens and closes

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-6:])
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None:
            cls, parts = self._cell
            self.rows[self._section][-1].append((cls, "".join(parts).strip()))
            self._cell = None
        if tag == "section":
            self._section = ""
        if tag == "article":
            self._article = ""

    def handle_data(self, data: str) -> None:
        if "style" in self.stack:
            return
        self.text.setdefault(self._section, []).append(data)
        if self._article:
            self.articles.setdefault(self._article, []).append(data)
        if self._cell is not None:
            self._cell[1].append(data)

    def section(self, key: str) -> str:
        return " ".join(" ".join(self.text.get(key, [])).split())

    def article(self, key: str) -> str:
        return " ".join(" ".join(self.articles[key]).split())


def assert_self_contained(text: str) -> None:
    """No script, nothing fetched, no URL but a link within the page or to a feedback sheet beside
    the gradebook; a policy that forbids loading; every SVG is XML."""
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b|https?:|src=|url\(|@import", text)
    assert not re.search(r'href="(?!#|feedback/[^"/:]+\.html(#p\d+)?")', text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
    for svg in svgs:
        ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert text.count("<svg") == len(svgs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gradebook_page_is_self_contained_and_well_formed(graded: Graded, lang: str) -> None:
    text = graded.page(lang)
    assert_self_contained(text)
    page = Page(text)
    assert page.tags.count("svg") == 2  # the histogram and the difficulty bars
    assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in text
    assert bool(CJK.search(page.section("class"))) is (lang == "zh")


def test_class_table_has_a_row_per_student_with_the_marks(graded: Graded) -> None:
    rows = Page(graded.page("en")).rows["class"]
    head, body = rows[0], rows[1:]
    assert [t for _, t in head] == ["Student", "Score", "%", "1", "2", "3", "4", "5"]
    assert [cells[0][1] for cells in body] == ["Student 1", "Student 2", "Student 3", "Student 4absent"]
    s2 = graded.book.students[1]
    # Student 2's two mistakes leave some entries right: partial credit, written as a fraction
    assert [r.status for r in s2.results] == ["partial", "partial", "partial", "right", "right"]
    expected = {
        "Student 1": ["✗", "✓", "✗", "?", "—"],  # a mistake, right, wrong, unreadable, blank
        "Student 2": [fraction(s2.results[0].score), "3/4", fraction(s2.results[2].score), "✓", "✓"],
        "Student 3": ["✓"] * 5, "Student 4absent": ["—"] * 5}
    assert all(re.fullmatch(r"[1-9]\d?/\d\d?", t) for t in expected["Student 2"][:3])
    for cells in body:
        assert [t for _, t in cells[3:]] == expected[cells[0][1]], cells
    s1 = body[0]
    assert [c for c, _ in s1[3:]] == ["m wrong", "m right", "m wrong", "m unreadable", "m blank"]
    assert [c for c, _ in body[1][3:6]] == ["m partial"] * 3
    assert [t for _, t in s1[1:3]] == ["1/5", "20%"]
    assert [t for _, t in body[1][1:3]] == [f"{s2.total:.2f}/5", f"{s2.percent:.0f}%"]
    assert [t for _, t in body[3][1:3]] == ["—", "—"]


def test_the_misunderstandings_are_ranked_with_students_example_and_cards(graded: Graded) -> None:
    first, second = graded.mistakes[0], graded.mistakes[1]
    assert (first.tag, second.tag) == (graded.shared, graded.single)
    for lang, count in (("en", "2 students"), ("zh", "2 名学生")):
        text = Page(graded.page(lang)).section("mistakes")
        explanation = first.explanation.get(lang)
        assert explanation in text and second.explanation.get(lang) in text
        assert text.index(explanation) < text.index(second.explanation.get(lang))
        assert re.search(rf"{count} ?: Student 1, Student 2", text), text
        assert first.example in text and first.example_expected in text
        assert "Cross-correlation <is not> convolution" in text  # the card's title, when known …
        assert all(card in text for card in first.related[1:])  # … else its id
    assert "&lt;is not&gt;" in graded.page("en")


def test_each_problem_with_its_figures_and_flags_in_words(graded: Graded) -> None:
    page = Page(graded.page("en"))
    rows = page.rows["problems"][1:]
    assert [r[0][1] for r in rows] == ["1", "2", "3", "4", "5"]
    for row, item in zip(rows, graded.items, strict=True):
        pb = "—" if item.point_biserial is None else f"{item.point_biserial:.2f}".replace("-", "−")
        assert [t for _, t in row[1:8]] == [str(item.answered), f"{100 * item.right:.0f}%",
                                             f"{item.mean_score:.2f}", pb, "—", str(item.unreadable),
                                             str(item.blank)]
    assert [r[6][1] for r in rows] == ["0", "0", "0", "1", "0"] and [r[7][1] for r in rows][4] == "1"
    assert "Problem 5" in page.section("problems")
    assert [r[0][1] for r in page.rows["kinds"][1:]][0].startswith("conv2d — ")
    # the flags, forced: the words and a symbol stand beside the bar, and in the table
    items = [replace(graded.items[0], right=0.0), replace(graded.items[1], right=1.0), *graded.items[2:]]
    for lang, missed, easy in (("en", "nearly everyone missed", "nearly everyone got it"),
                               ("zh", "几乎全班都错了", "几乎全班都对了")):
        text = gradebook_html(graded.book, items, graded.kinds, graded.mistakes, lang, {})
        flagged = Page(text).rows["problems"][1:]
        assert [r[8][1] for r in flagged[:3]] == [f"▼ {missed}", f"▲ {easy}", ""]
        assert f'class="flag" dx="10">▼ {missed}</tspan>' in text and 'class="bar easy"' in text


def test_partial_credit_is_written_as_the_fraction_of_entries_right() -> None:
    assert [fraction(x) for x in (0.25, 5 / 9, 13 / 16, 1 / 32)] == ["1/4", "5/9", "13/16", "1/32"]
    assert fraction(0.123456) == "0.12"  # no small fraction is exactly it


def test_histogram_bins_of_ten(graded: Graded) -> None:
    assert bins([0, 9.99, 10, 55, 99.5, 100, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    svg = re.search(r'<svg class="chart histogram".*?</svg>', graded.page("en"), re.S)
    assert svg is not None
    bars = ET.fromstring(svg[0]).iter("rect")
    heights = sorted(float(b.attrib["height"]) for b in bars)
    present = [s.percent for s in graded.book.students if not s.absent]  # absent: left out
    assert sum(map(bool, bins(present))) == 3  # 20 %, 71 %, 100 %: one student in each bin
    assert len(heights) == 3 and len(set(heights)) == 1


def test_left_out_box_only_when_something_was_left_out(graded: Graded) -> None:
    text = graded.page("en")
    assert 'class="found"' in text and "Not graded / left out" in text
    assert "graded as absent: Student 4" in text
    zh = graded.page("zh")  # the lines in the page's language
    assert "按缺交计:Student 4" in zh and "graded as absent" not in zh
    zed = Text("line 7: '<b>Zed</b>' has no worksheet", "第 7 行:'<b>Zed</b>'")
    bad = replace(graded.book, problems_found=[zed])
    text = gradebook_html(bad, graded.items, graded.kinds, graded.mistakes, "zh", {})
    assert "未评分 / 未计入" in text and "&lt;b&gt;Zed&lt;/b&gt;" in text and "<b>Zed" not in text
    clean = gradebook_html(replace(graded.book, problems_found=[]), graded.items, graded.kinds,
                           graded.mistakes, "en", {})
    assert 'class="found"' not in clean and "Not graded / left out" not in clean


def test_feedback_sheet_solutions_only_for_problems_not_right(graded: Graded) -> None:
    s1 = graded.book.students[0]
    text = feedback_html(s1, "en", graded.mean)
    assert_self_contained(text)
    page = Page(text)
    header = page.section("")
    assert "Feedback — Student 1" in header and "1/5" in header and "20%" in header
    assert f"class mean {graded.mean:.0f}%" in header
    assert list(page.article_class) == [f"p{n}" for n in range(1, 6)]
    chunks = {m[1]: m[0] for m in re.finditer(r'<article class="[^"]*" id="(p\d)">.*?</article>', text, re.S)}
    for r in s1.results:
        key, body = f"p{r.number}", chunks[f"p{r.number}"]
        if r.status == "right":
            assert page.article_class[key] == "brief" and "<svg" not in body and "Worked solution" not in body
            assert "✓ right" in page.article(key)
        else:
            assert "Worked solution" in body and "<svg" in body, key  # the steps' figures, as on the key
            assert 'class="m"' in body  # the expected matrix as a grid
    mistake = s1.results[0]
    assert mistake.explanation is not None and mistake.step is not None
    assert mistake.explanation.get("en") in page.article("p1")
    assert f"It goes wrong at step {mistake.step + 1}" in page.article("p1")
    assert f'class="worked wrong-at-{mistake.step + 1}"' in chunks["p1"]
    assert "✗ wrong" in page.article("p3") and "4 of 4 entries wrong" in page.article("p3")
    assert "? unreadable" in page.article("p4") and "unreadable: 'abc' is not a number" in page.article("p4")
    assert "Your answer: blank" in page.article("p5")


def test_feedback_sheet_in_chinese_and_for_an_absent_student(graded: Graded) -> None:
    s2 = graded.book.students[1]
    page = Page(feedback_html(s2, "zh", graded.mean))
    whole = " ".join(page.section(k) for k in page.text)
    for word in ("作业反馈", "得分", "全班平均", "你的答案", "正确答案", "解题过程", "错在哪里", "部分正确"):
        assert word in whole, word
    for word in ("Your answer", "Expected", "Worked solution", "What went wrong", "class mean", "right"):
        assert word not in whole, word
    assert s2.results[2].explanation is not None and s2.results[2].explanation.zh in page.article("p3")
    assert CJK.search(page.article("p1").split("你的答案")[0])  # the prompt itself is in Chinese
    absent = feedback_html(graded.book.students[3], "en", graded.mean)
    assert "No answers were handed in" in absent and absent.count("Worked solution") == 5
    named = replace(s2, name="<script>alert(1)</script>",
                    results=[replace(s2.results[1], text="<img src=x>"), *s2.results[2:]])
    text = feedback_html(named, "en", graded.mean)
    assert not {"script", "img"} & set(Page(text).tags)  # shown as text, never made elements
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;img src=x&gt;" in text


def test_both_pages_in_headless_chromium(graded: Graded, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed: cannot open the gradebook in a browser")
    pages = {"gb-en": graded.page("en"), "gb-zh": graded.page("zh"),
             "fb-en": feedback_html(graded.book.students[0], "en", graded.mean),
             "fb-zh": feedback_html(graded.book.students[1], "zh", graded.mean)}
    dark = {"gb-zh", "fb-en"}  # each page once, two of them in the dark scheme
    for name, text in pages.items():
        path, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
        path.write_text(text, encoding="utf-8")
        proc = browser.chromium(path, tmp_path / "profile", f"--screenshot={png}", "--window-size=1100,1500",
                                *(["--force-dark-mode"] if name in dark else []), what="the gradebook")
        assert "CONSOLE" not in proc.stderr, proc.stderr[-2000:]  # a blocked load or a policy breach
        mean, colours = _brightness(png)
        assert colours > 20, name  # drawn, not blank
        assert (mean < 70) if name in dark else (mean > 200), (name, mean)


def _brightness(png: Path) -> tuple[float, int]:
    _, bpp, rows = browser.png_rows(png.read_bytes())
    total, count, colours = 0, 0, set()
    for row in rows[::5]:
        for x in range(0, len(row), bpp * 5):
            total += row[x] + row[x + 1] + row[x + 2]
            count += 3
            colours.add((row[x], row[x + 1], row[x + 2]))
    return total / count, len(colours)
