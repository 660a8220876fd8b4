"""Where a class worksheet's answers are written down and typed in: the answer grid printed on each
HTML sheet (a numbered box per problem, a labelled line per part of a structured answer), the
numbered answer list of a Markdown sheet, and the class set's ``answers-template.csv`` (the file a
teacher fills in for ``studyapp grade``: ``student,1,2,…,N``, one row per student).

The grid tells how to write an answer in the forms ``core.answer_parse`` reads (the README's
"Answers you can type"), so what a student writes can be typed in as it stands.

This module renders only: it writes no file. ``commands.class_sets`` places the grid after a
sheet's problems (``worksheet_html(after_problems=…, css=PAGE_CSS)``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from studyapp.core.numfmt import depth
from studyapp.core.problems import Problem
from studyapp.report import csv_safe
from studyapp.report.worksheet_html import CSS, esc, rich

TEMPLATE_CSV = "answers-template.csv"

GRID_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Answer sheet", "sheet": "sheet", "count": "problems", "answer": "Answer",
        "how": "Write each answer as you would type it in studyapp: a number as `0.25`, `-1/8` or "
               "`1e-3`; a vector as `[1, 2, 3]`; a matrix as `[[1, 2], [3, 4]]` or `[1, 2; 3, 4]` "
               "(rows split by `;`). A problem with parts has a line for each part; typed in, they "
               "read `loss: 0.417; grad: [-0.341, 0.242]`.",
        "stack": "A stack of matrices (one per channel or filter): `[[1, 2; 3, 4], [5, 6; 7, 8]]`.",
    },
    "zh": {
        "title": "答题卡", "sheet": "练习卷编号", "count": "道题", "answer": "答案",
        "how": "每个答案的写法与在 studyapp 中输入时相同:数字如 `0.25`、`-1/8` 或 "
               "`1e-3`;向量如 `[1, 2, 3]`;矩阵如 `[[1, 2], [3, 4]]` 或 `[1, 2; 3, 4]`(各行用 `;` "
               "分隔)。有多个部分的题每部分一行,录入时写成 `loss: 0.417; grad: [-0.341, 0.242]`。",
        "stack": "多个矩阵(每个通道或卷积核一个)写成 `[[1, 2; 3, 4], [5, 6; 7, 8]]`。",
    },
}

# Appended to the worksheet's stylesheet on class sheets only (the key and single sheets keep theirs).
GRID_CSS = """\
.answer-grid{break-before:page;page-break-before:always}
.answer-grid .how{margin:.3rem 0 1rem;font-size:.92em}.answer-grid .how code{white-space:nowrap}
.boxes{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.75rem;\
list-style:none;margin:0;padding:0}
.box{border:1.5px solid var(--fg);border-radius:6px;padding:.3rem .6rem .55rem;display:flex;\
flex-direction:column;gap:.15rem;break-inside:avoid;page-break-inside:avoid}
.box.wide{grid-column:1/-1}
.box .n{font-weight:700;font-size:1.05rem}
.box .line{display:flex;gap:.5rem;align-items:flex-end;min-height:2.3em}
.box .line.d2{min-height:5em}.box .line.d3{min-height:8em}
.box .line .blank{flex:1;border-bottom:1px solid var(--line);height:1.5em}
"""
PAGE_CSS = CSS + GRID_CSS


def _depth(answer: Any) -> int:
    """The deepest value of an answer (a part's, for a structured one): 2 for a matrix."""
    values = answer.values() if isinstance(answer, dict) else [answer]
    return max((depth(v) for v in values), default=0)


def _how(problems: Sequence[Problem], lang: str) -> str:
    labels = GRID_LABELS[lang]
    if not any(_depth(p.answer) >= 3 for p in problems):
        return labels["how"]
    return labels["how"] + (" " if lang == "en" else "") + labels["stack"]


def _line(label: str | None, value: Any) -> str:
    level = min(depth(value), 3)
    head = f'<span class="label">{esc(label)}:</span>' if label is not None else ""
    return f'<div class="line d{level}">{head}<span class="blank"></span></div>'


def _box(problem: Problem, number: int) -> str:
    answer = problem.answer
    lines = ("".join(_line(name, value) for name, value in answer.items()) if isinstance(answer, dict)
             else _line(None, answer))
    wide = " wide" if _depth(answer) >= 2 else ""
    return f'<li class="box{wide}" id="a{number}"><span class="n">{number}</span>{lines}</li>\n'


def answer_grid_html(problems: Sequence[Problem], lang: str, name: str, sheet_id: str) -> str:
    """The answer grid section: ``name`` (as in the answer key) and ``sheet_id`` (the sheet's file
    stem) at the top, how to write answers, then one box per problem, numbered as the problems."""
    labels = GRID_LABELS[lang]
    meta = f"{labels['sheet']} {sheet_id} · {len(problems)} {labels['count']}"
    boxes = "".join(_box(p, n) for n, p in enumerate(problems, 1))
    return (f'<section class="answer-grid" id="answers">\n<h2>{esc(labels["title"])} — {esc(name)}</h2>\n'
            f'<p class="meta">{esc(meta)}</p>\n<p class="how">{rich(_how(problems, lang))}</p>\n'
            f'<ol class="boxes">\n{boxes}</ol>\n</section>\n')


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown punctuation, so a name is never markup (nor raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


BLANK = "_" * 24  # after a label, so never a line of underscores alone (a thematic break)


def answer_list_markdown(problems: Sequence[Problem], lang: str, name: str, sheet_id: str) -> str:
    """A Markdown sheet's answer list: a numbered blank per problem, a labelled blank per part."""
    labels = GRID_LABELS[lang]
    out = [f"## {labels['title']} — {md_escape(name)}", "",
           f"{labels['sheet']} `{sheet_id}` · {len(problems)} {labels['count']}", "",
           _how(problems, lang), ""]
    for number, problem in enumerate(problems, 1):
        if isinstance(problem.answer, dict):
            out.append(f"{number}.")
            out += [f"   - `{part}`: {BLANK}" for part in problem.answer]
        else:
            out.append(f"{number}. {labels['answer']}: {BLANK}")
    return "\n".join(out) + "\n"


def answers_template_csv(names: Sequence[str], count: int) -> str:
    """``student,1,…,count`` and a row per student, answer cells empty: UTF-8 with a byte-order mark
    (spreadsheets then read names right), each name written as the answer key writes it
    (``csv_safe``), so the grader matches the two."""
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\r\n")
    writer.writerow(["student", *map(str, range(1, count + 1))])
    for name in names:
        writer.writerow([name, *[""] * count])
    return "\ufeff" + buffer.getvalue()
