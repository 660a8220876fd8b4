"""Printable worksheets: one self-contained HTML file per exercise set, and a class answer key.

A worksheet has the problems with room to work, then (``answers="end"``) the answer key with
worked solutions starting on a new printed page. Matrices and tensors are typeset as grids
(HTML tables). The page needs nothing from the network: the CSS is inline and a Content
Security Policy forbids every other resource and every script. It reads in light and dark
(``prefers-color-scheme``) and always prints black on white.

Every text that comes from content, from a student's name or from the command line goes
through :func:`esc`; nothing here is evaluated. No timestamps, so equal inputs give equal bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from studyapp.core.numfmt import depth, format_answer, num, vec
from studyapp.core.problems import Problem
from studyapp.core.steps import Step
from studyapp.report import csv_safe
from studyapp.report.figure_svg import FIGURE_CSS, figure_svg

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "worksheet": "Worksheet", "problems": "Problems", "key": "Answer key", "answer": "Answer",
        "solution": "Worked solution", "difficulty": "difficulty", "seed": "seed", "seed_col": "Seed",
        "set_seed": "set seed", "student": "Student", "name": "Name", "date": "Date", "score": "Score",
        "count": "problems", "work": "Work space", "channel": "channel", "filter": "filter",
        "class_key": "Class answer key", "students": "students", "file": "Worksheet file",
        "number": "No.", "problem": "Problem", "id": "Id", "kind": "Kind", "reproduce": "Reproduce",
        "made_by": "Made by studyapp; the same seed always gives the same sheet.",
        "student_n": "Student {n}", "of_total": "student {n} of {total}",
    },
    "zh": {
        "worksheet": "练习卷", "problems": "题目", "key": "答案", "answer": "答案",
        "solution": "解题过程", "difficulty": "难度", "seed": "种子", "seed_col": "种子",
        "set_seed": "整套种子", "student": "学生", "name": "姓名", "date": "日期", "score": "得分",
        "count": "道题", "work": "演算区", "channel": "通道", "filter": "卷积核",
        "class_key": "全班答案", "students": "名学生", "file": "练习卷文件",
        "number": "题号", "problem": "题目", "id": "编号", "kind": "类型", "reproduce": "重新生成",
        "made_by": "由 studyapp 生成;同一个种子总是生成同一份练习卷。",
        "student_n": "学生 {n}", "of_total": "第 {n} 名学生,共 {total} 名",
    },
}

HTML_LANG = {"en": "en", "zh": "zh-Hans"}

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """\
:root{color-scheme:light dark;--bg:#fff;--fg:#1c1d21;--muted:#5b6270;--line:#b4bac4;--soft:#f2f3f6;\
--accent:#1d4ed8}
@media (prefers-color-scheme:dark){:root{--bg:#15171c;--fg:#e4e6eb;--muted:#a3a9b4;--line:#4d5360;\
--soft:#23262e;--accent:#8ab4f8}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;max-width:52rem;padding:1.5rem 1.25rem 3rem;font:16px/1.55 system-ui,\
-apple-system,"Segoe UI",Roboto,"Noto Sans",\
"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin:2rem 0 1rem;\
break-after:avoid;page-break-after:avoid}
h3{font-size:1.05rem;margin:0 0 .35rem}
a{color:var(--accent)}
.meta{color:var(--muted);margin:0}
.fields{display:flex;flex-wrap:wrap;gap:.75rem 2rem;margin:1rem 0 0}
.field{flex:1 1 11rem;border-bottom:1px solid var(--fg);padding-bottom:.1rem;min-height:1.9em}
.field span{color:var(--muted);margin-right:.5em}
.problem{margin:0 0 1.6rem;break-inside:avoid;page-break-inside:avoid}
.diff{color:var(--muted);font-weight:normal;font-size:.85em;margin-left:.5em;white-space:nowrap}
.pid{color:var(--muted);font-size:.8em;font-weight:normal;margin-left:.5em}
.prompt{margin:.2rem 0 .6rem;white-space:pre-line}
code,pre,table.m,figcaption,.pid,.label{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\
"Noto Sans Mono CJK SC",monospace}
code{background:var(--soft);padding:0 .25em;border-radius:3px;font-size:.92em}
.params{display:flex;flex-wrap:wrap;gap:.75rem 2rem;align-items:flex-start;margin:.5rem 0}
figure{margin:0}
figcaption{font-size:.9em;color:var(--muted);margin-bottom:.15rem}
.stack{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:flex-start}
.plane{display:flex;flex-direction:column;gap:.1rem}
.plane>span{font-size:.8em;color:var(--muted)}
table.m{border-collapse:separate;border-spacing:.7em .1em;border-left:1.5px solid var(--fg);\
border-right:1.5px solid var(--fg);border-radius:5px;font-variant-numeric:tabular-nums;font-size:.95em}
table.m td{text-align:right;padding:0;white-space:nowrap}
.work{border:1px dashed var(--line);border-radius:6px;margin:.6rem 0 .5rem;height:7rem;padding:.2rem .5rem}
.work.d2{height:10rem}.work.d3{height:14rem}
.work span{font-size:.75em;color:var(--muted)}
.answer-line{display:flex;gap:.5rem;align-items:flex-end;margin:0}
.answer-line .blank{flex:1;border-bottom:1px solid var(--fg);height:1.5em}
.key,.student-key{break-before:page;page-break-before:always}
.answer{margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;align-items:flex-start}
.part{display:flex;gap:.4rem;align-items:center}
.label{font-weight:600}
.steps{padding-left:1.5rem;margin:.3rem 0 0}
.steps li{margin:.45rem 0}
.steps pre{margin:.15rem 0;padding:.35rem .6rem;background:var(--soft);border-radius:5px;\
white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9em}
.note{color:var(--muted);font-style:italic;margin:.15rem 0}
.solution-title{font-style:italic;margin:.5rem 0 0}
table.key-table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
.key-table>*>tr>th,.key-table>*>tr>td{border-bottom:1px solid var(--line);padding:.3rem .5rem;\
text-align:left;vertical-align:top}
.key-table>*>tr>td.n{text-align:right;width:2.5rem}
footer{color:var(--muted);font-size:.85em;margin-top:2.5rem;border-top:1px solid var(--line);\
padding-top:.5rem}
@page{margin:15mm}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--line:#999;--soft:#f1f1f1;--accent:#000}
body{max-width:none;padding:0;font-size:11pt}a{text-decoration:none}figure.fig{break-inside:avoid}}
""" + FIGURE_CSS  # the worked solutions' figures (light, dark, print)

_CODE = re.compile(r"`([^`\n]+)`")


def esc(text: object) -> str:
    """Text made safe for HTML element content and quoted attribute values."""
    return escape(str(text), quote=True)


def rich(text: str) -> str:
    """Escaped text whose `code spans` (as the prompts write them) become <code> elements."""
    return _CODE.sub(r"<code>\1</code>", esc(text))


def _matrix(rows: Sequence[Sequence[Any]], decimals: int) -> str:
    body = "".join("<tr>" + "".join(f"<td>{esc(num(v, decimals))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f'<table class="m">{body}</table>'


def value_html(value: Any, decimals: int, lang: str) -> str:
    """A number, vector, matrix (a grid) or stack of matrices (labelled grids side by side)."""
    d = depth(value)
    if d == 0:
        return f"<code>{esc(value if isinstance(value, str) else num(value, decimals))}</code>"
    if d == 1:
        return f"<code>{esc(vec(value, decimals))}</code>"
    if d == 2:
        return _matrix(value, decimals)
    labels = LABELS[lang]
    word = labels["channel"] if d == 3 else labels["filter"]
    planes = "".join(f'<div class="plane"><span>{esc(word)} {index}</span>'
                     f"{value_html(plane, decimals, lang)}</div>" for index, plane in enumerate(value))
    return f'<div class="stack">{planes}</div>'


def answer_html(answer: Any, decimals: int, lang: str) -> str:
    """An answer typeset: labelled parts for a structured answer, grids for matrices."""
    if isinstance(answer, dict):
        parts = "".join(f'<div class="part"><span class="label">{esc(name)}:</span>'
                        f"{value_html(value, decimals, lang)}</div>" for name, value in answer.items())
    else:
        parts = f'<div class="part">{value_html(answer, decimals, lang)}</div>'
    return f'<div class="answer">{parts}</div>'


def params_html(params: dict[str, Any], lang: str) -> str:
    """Matrix and tensor params as grids (numbers and vectors are written in the prompt)."""
    figures = [f"<figure><figcaption>{esc(name)} =</figcaption>{value_html(value, 4, lang)}</figure>"
               for name, value in params.items() if depth(value) >= 2]
    return f'<div class="params">{"".join(figures)}</div>' if figures else ""


def steps_html(steps: list[Step], lang: str) -> str:
    """A worked solution as a numbered list; a matrix result is a grid; a step's figure (its first
    moment) under its text."""
    items = []
    for step in steps:
        out = [f"<li><strong>{esc(step.title.get(lang))}</strong>"]
        lines = [*step.formula.splitlines(), *step.work.splitlines()]
        grids = ""
        if step.result is not None:
            if depth(step.result) >= 2:
                grids = value_html(step.result, step.decimals, lang)
            else:
                result = step.result_lines()[0]
                lines.append(f"= {result}" if lines else result)
        if lines:
            out.append(f"<pre>{esc(chr(10).join(lines))}</pre>")
        out.append(grids)
        if step.note is not None:
            out.append(f'<p class="note">{esc(step.note.get(lang))}</p>')
        if step.figure is not None:
            out.append(figure_svg(step.figure, lang))
        items.append("".join(out) + "</li>")
    return f'<ol class="steps">{"".join(items)}</ol>'


def _title(problem: Problem, lang: str) -> str:
    template = problem.template
    return template.title.get(lang) if template.title else problem.kind.name


def _heading(problem: Problem, number: int, lang: str, with_id: bool) -> str:
    level = problem.template.difficulty
    stars = "●" * level + "○" * (3 - level)
    label = f"{LABELS[lang]['difficulty']} {level}/3"
    pid = f'<span class="pid">{esc(problem.id)}</span>' if with_id else ""
    return (f"<h3>{number}. {esc(_title(problem, lang))}"
            f'<span class="diff" title="{esc(label)}">{stars}</span>{pid}</h3>')


def _key_entry(problem: Problem, lang: str) -> str:
    labels = LABELS[lang]
    return (f'<p class="label">{esc(labels["answer"])}:</p>'
            f"{answer_html(problem.answer, problem.decimals, lang)}"
            f'<p class="solution-title">{esc(labels["solution"])}:</p>{steps_html(problem.steps, lang)}')


def problem_html(problem: Problem, number: int, lang: str, answers: str) -> str:
    labels = LABELS[lang]
    out = [f'<article class="problem" id="p{number}">', _heading(problem, number, lang, False),
           f'<p class="prompt">{rich(problem.prompt(lang))}</p>', params_html(problem.params, lang)]
    if answers == "inline":
        out.append(_key_entry(problem, lang))
    else:
        level = min(max(problem.template.difficulty, 1), 3)
        out += [f'<div class="work d{level}"><span>{esc(labels["work"])}</span></div>',
                f'<p class="answer-line">{esc(labels["answer"])}: <span class="blank"></span></p>']
    return "".join(out) + "</article>\n"


def page_html(title: str, lang: str, body: str, css: str = CSS) -> str:
    """A whole self-contained page: the policy, the stylesheet ``css`` (figures' included), ``body``."""
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="color-scheme" content="light dark">\n<meta name="generator" content="studyapp">\n'
            f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


def worksheet_html(problems: list[Problem], seed: int, lang: str, answers: str, *,
                   student: str | None = None, set_seed: int | None = None,
                   position: tuple[int, int] | None = None, reproduce: str | None = None,
                   after_problems: str = "", css: str = CSS) -> str:
    """One printable worksheet. ``answers``: ``end`` (the key on new pages), ``inline`` or ``none``.

    ``student`` fills the name field (left blank to write in by hand without it); ``set_seed`` and
    ``position`` (number, class size) record where a student's sheet comes from. A class sheet
    puts its answer grid (``report.answer_sheet``) in ``after_problems``, with its ``css``.
    """
    labels = LABELS[lang]
    title = labels["worksheet"] + (f" — {student}" if student else "")
    meta = [f"{labels['seed']} {seed}", f"{len(problems)} {labels['count']}"]
    if set_seed is not None:
        meta.append(f"{labels['set_seed']} {set_seed}")
    if position is not None:
        meta.append(labels["of_total"].format(n=position[0], total=position[1]))
    fields = [(labels["name"], student or ""), (labels["date"], ""),
              (labels["score"], f"{' ' * 6}/ {len(problems)}")]
    head = ("<header>\n"
            f"<h1>{esc(title)}</h1>\n"
            f'<p class="meta">{esc(" · ".join(meta))}</p>\n'
            '<div class="fields">' + "".join(f'<div class="field"><span>{esc(k)}:</span>{esc(v)}</div>'
                                             for k, v in fields) + "</div>\n</header>\n")
    body = [head, f'<section class="problems">\n<h2>{esc(labels["problems"])}</h2>\n']
    body += [problem_html(p, n, lang, answers) for n, p in enumerate(problems, 1)]
    body += ["</section>\n", after_problems]
    if answers == "end" and problems:
        body.append(f'<section class="key">\n<h2>{esc(labels["key"])}'
                    f'{" — " + esc(student) if student else ""}</h2>\n')
        body += [f'<article class="problem">{_heading(p, n, lang, True)}{_key_entry(p, lang)}</article>\n'
                 for n, p in enumerate(problems, 1)]
        body.append("</section>\n")
    foot = esc(labels["made_by"])
    if reproduce:
        foot += f"<br>{esc(labels['reproduce'])}: <code>{esc(reproduce)}</code>"
    body.append(f"<footer>{foot}</footer>\n")
    return page_html(f"{title} ({labels['seed']} {seed})", lang, "".join(body), css)


@dataclass(frozen=True)
class StudentSheet:
    """One student's worksheet: the name shown, the seed its problems come from, its file name."""

    name: str
    seed: int
    file: str
    problems: list[Problem]


def class_key_html(sheets: list[StudentSheet], set_seed: int, lang: str, reproduce: str | None = None) -> str:
    """Every student's answers, one printed page per student, with an overview first."""
    labels = LABELS[lang]
    title = f"{labels['class_key']} ({labels['set_seed']} {set_seed})"
    count = len(sheets[0].problems) if sheets else 0
    rows = "".join(f'<tr><td class="n">{n}</td><td><a href="#s{n}">{esc(s.name)}</a></td>'
                   f'<td>{s.seed}</td><td><a href="{esc(quote(s.file))}">{esc(s.file)}</a></td></tr>'
                   for n, s in enumerate(sheets, 1))
    body = [f"<header>\n<h1>{esc(title)}</h1>\n"
            f'<p class="meta">{len(sheets)} {esc(labels["students"])} · {count} {esc(labels["count"])}'
            f"</p>\n</header>\n",
            f'<table class="key-table"><thead><tr><th></th><th>{esc(labels["student"])}</th>'
            f'<th>{esc(labels["seed_col"])}</th><th>{esc(labels["file"])}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>\n"]
    for n, sheet in enumerate(sheets, 1):
        lines = "".join(
            f'<tr><td class="n">{number}</td><td>{esc(_title(p, lang))}<br><span class="pid">{esc(p.id)}'
            f' · {esc(p.template.kind)}</span></td><td>{answer_html(p.answer, p.decimals, lang)}</td></tr>'
            for number, p in enumerate(sheet.problems, 1))
        body.append(f'<section class="student-key" id="s{n}">\n<h2>{esc(sheet.name)}</h2>\n'
                    f'<p class="meta">{esc(labels["seed"])} {sheet.seed} · {esc(sheet.file)}</p>\n'
                    f'<table class="key-table"><thead><tr><th>{esc(labels["number"])}</th>'
                    f'<th>{esc(labels["problem"])}</th><th>{esc(labels["answer"])}</th></tr></thead>'
                    f"<tbody>{lines}</tbody></table>\n</section>\n")
    foot = esc(labels["made_by"])
    if reproduce:
        foot += f"<br>{esc(labels['reproduce'])}: <code>{esc(reproduce)}</code>"
    body.append(f"<footer>{foot}</footer>\n")
    return page_html(title, lang, "".join(body))


CSV_HEADER = ("student", "seed", "problem", "id", "kind", "answer", "file")


def class_key_csv(sheets: list[StudentSheet]) -> str:
    """One row per student per problem; UTF-8 with a byte-order mark so spreadsheets read names right;
    no cell a spreadsheet would run as a formula (``csv_safe``: a name may be ``=1+1``)."""
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for sheet in sheets:
        for number, p in enumerate(sheet.problems, 1):
            writer.writerow((sheet.name, sheet.seed, number, p.id, p.template.kind,
                             format_answer(p.answer, p.decimals), sheet.file))
    return "\ufeff" + buffer.getvalue()
