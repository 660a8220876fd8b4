"""Printable worksheets: ``studyapp generate --format html`` and class sets (--students, --roster)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from studyapp.commands.class_sets import safe_file_stem, student_seeds
from studyapp.core.library import load_library
from studyapp.core.numfmt import depth, format_answer, num
from studyapp.core.problems import exercise_set
from studyapp.report.worksheet_html import LABELS
from tests.cli_run import assert_usage_error, run
from tests.report import browser

CJK = re.compile(r"[\u4e00-\u9fff]")
PAGE_BREAK = re.compile(r"\.key\b[^{]*\{[^}]*(break-before:\s*page|page-break-before:\s*always)")
XSS = "<script>alert(1)</script>"
MATRIX_KINDS = ["conv2d", "backprop_step", "pool2d", "conv2d_multi"]




def assert_generate_error(result: tuple[int, str, str], *words: str) -> None:
    assert assert_usage_error(result, *words).startswith("studyapp generate: error: ")


class Page(HTMLParser):
    """The parts of a worksheet the tests look at: prompts, grids, sections, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.prompts: list[str] = []
        self.tables: list[list[list[str]]] = []  # every table.m as rows of cell texts
        self.sections: list[str] = []  # class of each <section>, in order
        self.text: list[str] = []
        self.tags: list[str] = []
        self._prompt: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self.tags.append(tag)
        if tag == "p" and cls == "prompt":
            self._prompt = []
        elif tag == "table" and cls == "m":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag == "td" and self.tables:
            self._cell = []
        elif tag == "section":
            self.sections.append(cls)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._prompt is not None:
            self.prompts.append("".join(self._prompt))
            self._prompt = None
        elif tag == "td" and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for sink in (self._prompt, self._cell):
            if sink is not None:
                sink.append(data)


def grid_cells(matrix: list) -> list[list[str]]:
    return [[num(v, 4) for v in row] for row in matrix]


def html_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str) -> str:
    target = tmp_path / "sheet.html"
    code, out, err = run(capsys, "generate", "--format", "html", "--out", str(target), "--force", *argv)
    assert (code, out, err) == (0, "", "")
    return target.read_text(encoding="utf-8")


# --- one worksheet ---------------------------------------------------------------------------

def test_html_worksheet_has_every_prompt_grids_and_a_key_after_a_page_break(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["--seed", "31", "--count", "8"] + [a for k in MATRIX_KINDS for a in ("--kind", k)]
    text = html_sheet(capsys, tmp_path, *argv)
    templates = [t for t in load_library().templates if t.kind in MATRIX_KINDS]
    problems = exercise_set(templates, 8, 31)
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
    # every prompt, in order (the backticks of code spans become <code> elements)
    assert page.prompts == [p.prompt("en").replace("`", "") for p in problems]
    # every matrix param is a grid with its numbers, every tensor one grid per channel
    expected = []
    for p in problems:
        for value in p.params.values():
            if depth(value) == 2:
                expected.append(grid_cells(value))
            elif depth(value) == 3:
                expected += [grid_cells(plane) for plane in value]
    assert expected, "the kinds chosen must have matrix params"
    for cells in expected:
        assert cells in page.tables
    # the key is its own section after the problems, and the print CSS starts it on a new page
    assert page.sections == ["problems", "key"]
    problems_part, key_part = text.split('<section class="key">')
    assert PAGE_BREAK.search(text)
    assert "@media (prefers-color-scheme:dark)" in text
    for number, p in enumerate(problems, 1):
        assert f'id="p{number}"' in problems_part
        assert p.id in key_part  # the key names each problem, seed included
    assert key_part.count('class="steps"') == len(problems)
    assert "class=\"steps\"" not in problems_part and "Work space" in problems_part
    # self-contained: no script, no link, no remote resource, and a policy that forbids them
    assert not re.search(r"<(script|link|img|iframe)\b|https?://|src=", text)
    assert "default-src 'none'" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_key_draws_each_figure_step_as_safe_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     lang: str) -> None:
    text = html_sheet(capsys, tmp_path, "--kind", "conv2d", "--answers", "end", "--seed", "12",
                      "--count", "4", "--lang", lang)
    templates = [t for t in load_library().templates if t.kind == "conv2d"]
    figures = [s.figure for p in exercise_set(templates, 4, 12) for s in p.steps if s.figure is not None]
    problems_part, key_part = text.split('<section class="key">')
    assert figures and "<svg" not in problems_part  # the figures belong to the worked solutions
    svgs = re.findall(r"<svg\b.*?</svg>", key_part, re.S)
    assert len(svgs) == text.count("<svg") == len(figures)
    for svg, figure in zip(svgs, figures, strict=True):
        root = ET.fromstring(svg)  # well-formed XML, not just tag soup
        assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
        assert figure.caption.get(lang) in key_part
    assert not re.search(r"<(script|link|img|iframe)\b|https?://|src=|href=\"(?!#)", text)
    assert ".fig .window{" in text and "@media print{:root{--f-win:#000" in text  # styled, also in print


def test_html_worksheet_in_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    zh = html_sheet(capsys, tmp_path, "--seed", "5", "--count", "4", "--lang", "zh")
    en = html_sheet(capsys, tmp_path, "--seed", "5", "--count", "4")
    problems = exercise_set(load_library().templates, 4, 5)
    assert '<html lang="zh-Hans">' in zh
    assert LABELS["en"].keys() == LABELS["zh"].keys()  # every label in both languages
    assert Page(zh).prompts == [p.prompt("zh").replace("`", "") for p in problems]
    assert all(CJK.search(prompt) for prompt in Page(zh).prompts)
    for label in ("练习卷", "题目", "答案", "解题过程", "姓名", "演算区"):
        assert label in zh
    # no English label is left in the Chinese sheet, and none of the Chinese in the English one
    for label in ("Worksheet", "Problems", "Answer key", "Worked solution", "Name:", "Work space"):
        assert label in en and label not in zh
    assert not CJK.search(en)


def test_html_worksheet_answers_inline_and_none(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    inline = html_sheet(capsys, tmp_path, "--seed", "3", "--count", "3", "--answers", "inline")
    assert Page(inline).sections == ["problems"]
    articles = inline.split('<article class="problem"')[1:]
    assert len(articles) == 3 and all(a.count('class="steps"') == 1 for a in articles)
    none = html_sheet(capsys, tmp_path, "--seed", "3", "--count", "3", "--answers", "none")
    assert Page(none).sections == ["problems"]
    assert 'class="steps"' not in none and "Worked solution" not in none
    assert none.count('class="work') == 3


def test_html_worksheet_to_stdout_is_the_same_bytes(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    code, out, _ = run(capsys, "generate", "--format", "html", "--seed", "8", "--count", "3")
    assert code == 0
    assert out.encode() == html_sheet(capsys, tmp_path, "--seed", "8", "--count", "3").encode()
    assert out != html_sheet(capsys, tmp_path, "--seed", "9", "--count", "3")


def test_content_text_is_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(textwrap.dedent("""\
        id: evil
        title: {en: Evil, zh: 恶意}
        problems:
          - id: evil.out
            kind: conv_output_size
            difficulty: 1
            title: {en: "<img src=x onerror=alert(1)> & co", zh: "<script>alert(2)</script>"}
            params: {input_size: 32, kernel_size: 3, padding: 1, stride: 1}
        """), encoding="utf-8")
    for lang in ("en", "zh"):
        text = html_sheet(capsys, tmp_path, "--seed", "1", "--count", "2", "--content",
                          str(tmp_path / "evil.yaml"), "--topic", "evil", "--lang", lang)
        assert "<img" not in text and "<script" not in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    text = html_sheet(capsys, tmp_path, "--seed", "1", "--count", "1", "--content",
                      str(tmp_path / "evil.yaml"), "--topic", "evil")
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in text


# --- class sets ------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_three_students(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "new" / "class"  # created when missing
    code, out, err = run(capsys, "generate", "--students", "3", "--count", "4", "--seed", "77",
                         "--format", "html", "--out", str(folder))
    assert code == 0 and err == "" and "set seed 77" in out
    sheets = ["student-01.html", "student-02.html", "student-03.html"]
    assert sorted(p.name for p in folder.iterdir()) == ["answer-key.csv", "answer-key.html",
                                                        "answers-template.csv", *sheets]
    seeds = student_seeds(77, 3)
    assert len(set(seeds)) == 3 and 77 not in seeds
    templates = load_library().templates
    rows = read_csv(folder / "answer-key.csv")
    assert list(rows[0]) == ["student", "seed", "problem", "id", "kind", "answer", "file"]
    assert len(rows) == 3 * 4
    key_html = (folder / "answer-key.html").read_text(encoding="utf-8")
    for number, (name, seed) in enumerate(zip(sheets, seeds, strict=True), 1):
        text = (folder / name).read_text(encoding="utf-8")
        problems = exercise_set(templates, 4, seed)
        # the sheet records its own seed and the set's, and holds exactly that seed's problems
        assert f"seed {seed}" in text and "set seed 77" in text
        assert Page(text).prompts == [p.prompt("en").replace("`", "") for p in problems]
        mine = rows[(number - 1) * 4:number * 4]
        assert [r["student"] for r in mine] == [f"Student {number}"] * 4
        assert [r["seed"] for r in mine] == [str(seed)] * 4
        assert [r["problem"] for r in mine] == ["1", "2", "3", "4"]
        assert [r["id"] for r in mine] == [p.id for p in problems]
        assert [r["kind"] for r in mine] == [p.template.kind for p in problems]
        assert [r["answer"] for r in mine] == [format_answer(p.answer, p.decimals) for p in problems]
        assert {r["file"] for r in mine} == {name}
        assert f'href="{name}"' in key_html and all(p.id in key_html for p in problems)
        # --seed <student seed> makes the same problems as a single sheet
        single = html_sheet(capsys, tmp_path, "--seed", str(seed), "--count", "4")
        assert Page(single).prompts == Page(text).prompts
    assert Page(key_html).sections == ["student-key"] * 3
    assert re.search(r"\.student-key\b[^{]*\{[^}]*break-before:\s*page", key_html)


def test_class_set_is_byte_identical_for_the_same_seed(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    def make(folder: Path, seed: str, *extra: str) -> dict[str, bytes]:
        code, _, err = run(capsys, "generate", "--students", "4", "--count", "3", "--seed", seed,
                           "--format", "html", "--out", str(folder), *extra)
        assert code == 0, err
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    first = make(tmp_path / "a", "12")
    assert first == make(tmp_path / "b", "12")
    assert first == make(tmp_path / "a", "12", "--force")
    other = make(tmp_path / "c", "13")
    assert other.keys() == first.keys()
    # every file but the answers template (names and empty cells: no seed in it)
    assert all(other[name] != first[name] for name in first if name != "answers-template.csv")
    # the first students of a bigger class get the same sheets
    bigger = make(tmp_path / "d", "12", "--students", "6")
    assert bigger["student-01.html"].replace(b"1 of 6", b"1 of 4") == first["student-01.html"]


def test_roster_names_are_escaped_and_files_are_named_safely(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    names = [XSS, "../../etc/passwd", "王小明", "Zoë Ångström", "Zoë Ångström", "=HYPERLINK(\"x\")",
             ".hidden", "C:\\Windows\\evil.html", "a/b"]
    roster = tmp_path / "roster.txt"
    roster.write_text("\ufeff" + "\n\n".join(names) + "\n  \n", encoding="utf-8")  # BOM, blank lines
    folder = tmp_path / "out"
    code, _, err = run(capsys, "generate", "--roster", str(roster), "--count", "2", "--seed", "4",
                       "--format", "html", "--out", str(folder))
    assert code == 0, err
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(["01-script-alert-1-script.html", "02-etc-passwd.html", "03-王小明.html",
                            "04-Zoë-Ångström.html", "05-Zoë-Ångström.html", "06-HYPERLINK-x.html",
                            "07-hidden.html", "08-C-Windows-evil-html.html", "09-a-b.html",
                            "answer-key.csv", "answer-key.html", "answers-template.csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "roster.txt"]  # nothing outside
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text, path.name
    first = (folder / "01-script-alert-1-script.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in first
    assert XSS in "".join(Page(first).text)  # shown as text
    assert "王小明" in (folder / "03-王小明.html").read_text(encoding="utf-8")
    key = (folder / "answer-key.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in key
    assert 'href="03-%E7%8E%8B%E5%B0%8F%E6%98%8E.html"' in key
    rows = read_csv(folder / "answer-key.csv")
    students = [r["student"] for r in rows[::2]]
    # names as written, except that a spreadsheet formula is defused with a leading quote
    assert students == [n if not n.startswith("=") else "'" + n for n in names]
    assert len({r["seed"] for r in rows}) == len(names)


def test_safe_file_stem() -> None:
    assert safe_file_stem("..") == "student"
    assert safe_file_stem("") == "student"
    assert safe_file_stem("/\\:*?\"<>|\x00") == "student"
    assert safe_file_stem("José María") == "José-María"
    assert safe_file_stem("Jose\u0301") == "José"  # NFC
    assert safe_file_stem("x" * 200) == "x" * 60
    assert "/" not in safe_file_stem("a/../../b") and ".." not in safe_file_stem("a/../../b")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_class_set_in_markdown_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    roster = tmp_path / "r.txt"
    roster.write_text(f"Ana\n{XSS}\n", encoding="utf-8")
    folder = tmp_path / fmt
    code, _, err = run(capsys, "generate", "--roster", str(roster), "--count", "2", "--seed", "6",
                       "--format", fmt, "--out", str(folder))
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == [
        f"01-Ana.{fmt}", f"02-script-alert-1-script.{fmt}", "answer-key.csv", "answer-key.html",
        "answers-template.csv"]
    seeds = student_seeds(6, 2)
    if fmt == "json":
        import json

        doc = json.loads((folder / "02-script-alert-1-script.json").read_text(encoding="utf-8"))
        assert (doc["student"], doc["seed"], doc["set_seed"]) == (XSS, seeds[1], 6)
        assert [p["seed"] for p in doc["problems"]] == [
            p.seed for p in exercise_set(load_library().templates, 2, seeds[1])]
    else:
        text = (folder / "02-script-alert-1-script.md").read_text(encoding="utf-8")
        assert text.startswith(f"# Exercise set (seed {seeds[1]})\n")
        assert "<script>" not in text and r"\<script\>alert\(1\)\</script\>" in text


@pytest.mark.parametrize(("argv", "words"), [
    (["--students", "0", "--out", "{tmp}/o"], ["--students", "0"]),
    (["--students", "-2", "--out", "{tmp}/o"], ["--students", "-2"]),
    (["--students", "1001", "--out", "{tmp}/o"], ["--students", "1001"]),
    (["--students", "3"], ["--students needs --out"]),
    (["--roster", "{tmp}/names.txt"], ["--roster needs --out"]),
    (["--roster", "{tmp}/missing.txt", "--out", "{tmp}/o"], ["missing.txt", "does not exist"]),
    (["--roster", "{tmp}/empty.txt", "--out", "{tmp}/o"], ["empty.txt", "no names"]),
    (["--roster", "{tmp}/latin1.txt", "--out", "{tmp}/o"], ["latin1.txt", "UTF-8"]),
    (["--roster", "{tmp}", "--out", "{tmp}/o"], ["is a folder"]),
    (["--students", "2", "--roster", "{tmp}/names.txt", "--out", "{tmp}/o"], ["--students", "--roster",
                                                                              "not both"]),
    (["--students", "2", "--out", "{tmp}/names.txt"], ["names.txt", "is a file"]),
    (["--students", "2", "--out", "{tmp}/o", "--count", "0"], ["--count", "0"]),
    (["--students", "2", "--out", "{tmp}/o", "--kind", "nope"], ["unknown kind 'nope'"]),
    (["--format", "html", "--count", "0"], ["--count", "0"]),
    (["--format", "html", "--topic", "optics"], ["unknown topic 'optics'"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         argv: list[str], words: list[str]) -> None:
    (tmp_path / "names.txt").write_text("Ana\nBo\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n   \n\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Zoë\n".encode("latin-1"))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert_generate_error(run(capsys, "generate", "--seed", "1", *argv), *words)
    assert not (tmp_path / "o").exists()  # nothing written


def test_existing_files_are_not_overwritten_without_force(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")  # other files are fine
    argv = ["generate", "--students", "2", "--count", "2", "--format", "html", "--out", str(folder)]
    assert run(capsys, *argv, "--seed", "1")[0] == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert_generate_error(run(capsys, *argv, "--seed", "2"), "already exists", "--force", "student-01.html")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # only the key in the way: still refused, and no worksheet is written either
    for sheet in folder.glob("student-*"):
        sheet.unlink()
    assert_generate_error(run(capsys, *argv, "--seed", "2"), "answer-key.csv", "already exists")
    assert not list(folder.glob("student-*"))
    assert run(capsys, *argv, "--seed", "2", "--force")[0] == 0
    assert (folder / "answer-key.csv").read_bytes() != before["answer-key.csv"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_student_seeds_are_distinct_and_stable() -> None:
    seeds = student_seeds(2024, 1000)
    assert len(set(seeds)) == 1000 and all(0 <= s < 2**32 for s in seeds)
    assert student_seeds(2024, 10) == seeds[:10]
    assert student_seeds(2025, 10) != seeds[:10]


# --- in a browser ----------------------------------------------------------------------------

def chromium(page: Path, png: Path, tmp_path: Path, *extra: str) -> str:
    """Screenshot ``page``; returns Chromium's log (console messages are logged as CONSOLE lines)."""
    proc = browser.chromium(page, tmp_path / f"profile-{png.stem}", *extra, f"--screenshot={png}",
                            "--window-size=480,360", what="the worksheet")
    assert png.exists(), proc.stderr[-2000:]
    return proc.stderr


def brightness(png: Path) -> tuple[float, int]:
    """Mean brightness (0–255) and the number of distinct colours of a screenshot."""
    _, bpp, rows = browser.png_rows(png.read_bytes())
    total, count, colours = 0, 0, set()
    for row in rows[::3]:
        for x in range(0, len(row), bpp * 3):
            r, g, b = row[x], row[x + 1], row[x + 2]
            total += r + g + b
            count += 3
            colours.add((r, g, b))
    return total / count, len(colours)


def test_worksheet_in_headless_chromium(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed: cannot open the worksheet in a browser")
    roster = tmp_path / "r.txt"
    roster.write_text(XSS + "\n", encoding="utf-8")
    folder = tmp_path / "class"
    code, _, err = run(capsys, "generate", "--roster", str(roster), "--count", "3", "--seed", "2",
                       "--kind", "conv2d", "--format", "html", "--out", str(folder))
    assert code == 0, err
    sheet = folder / "01-script-alert-1-script.html"

    # the check itself works: a console error and a blocked load are both logged
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom")</script>', encoding="utf-8")
    assert "CONSOLE" in chromium(bad, tmp_path / "bad.png", tmp_path)

    light_log = chromium(sheet, tmp_path / "light.png", tmp_path)
    dark_log = chromium(sheet, tmp_path / "dark.png", tmp_path, "--force-dark-mode")
    key_log = chromium(folder / "answer-key.html", tmp_path / "key.png", tmp_path)
    for log in (light_log, dark_log, key_log):
        assert "CONSOLE" not in log, log
    light, light_colours = brightness(tmp_path / "light.png")
    dark, dark_colours = brightness(tmp_path / "dark.png")
    # not blank: text and grids in many shades; light is light, dark is dark
    assert light_colours > 20 and dark_colours > 20
    assert light > 200 and dark < 70, (light, dark)
    _, key_colours = brightness(tmp_path / "key.png")
    assert key_colours > 20


def test_answer_key_prints_on_its_own_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium not installed: cannot print the worksheet")
    pages = {}
    for answers in ("end", "none"):
        # one short problem: the problems fit on one page, so a second page is the key's
        page = tmp_path / f"{answers}.html"
        code, _, err = run(capsys, "generate", "--format", "html", "--seed", "1", "--count", "1",
                           "--kind", "conv_output_size", "--answers", answers, "--out", str(page))
        assert code == 0, err
        pdf = tmp_path / f"{answers}.pdf"
        proc = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             page.as_uri()], capture_output=True, text=True, timeout=90)
        assert proc.returncode == 0 and pdf.exists(), proc.stderr[-2000:]
        pages[answers] = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    assert pages == {"end": 2, "none": 1}


@pytest.mark.parametrize(("lang", "names", "absent"), [
    ("zh", ("输入 =", "卷积核 =", "[通道 0]"), ("input =", "kernels =", "[channel")),
    ("en", ("input =", "kernels =", "[channel 0]"), ("输入", "卷积核", "通道")),
])
def test_markdown_worksheet_names_its_grids_in_the_sheet_language(
        capsys: pytest.CaptureFixture[str], lang: str, names: tuple[str, ...],
        absent: tuple[str, ...]) -> None:
    code, out, err = run(capsys, "generate", "--kind", "conv2d_multi", "--count", "2", "--seed", "3",
                         "--lang", lang)
    assert code == 0, err
    for name in names:
        assert name in out
    for name in absent:
        assert name not in out
