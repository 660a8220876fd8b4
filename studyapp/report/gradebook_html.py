"""A graded class as one printable HTML page (``gradebook.html`` of ``studyapp grade --out``): the
class table, the score histogram, each problem's difficulty and discrimination, the kinds, what the
class misunderstood, and what was left out of the grading. Also the marks, words and page frame the
students' feedback sheets (:mod:`studyapp.report.feedback_html`) share with it.

Like the worksheets (whose stylesheet and policy it reuses), the page is self-contained: no script,
no URL (the SVG charts are inline and name no namespace), light and dark on screen, black on white in
print, and every mark says what it means by its symbol as well as its colour. Every text from the
class (names, answers) and from the content is escaped. Rendering only: the numbers come from
``core.gradebook`` and ``core.item_analysis``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import PurePath
from urllib.parse import quote

from studyapp.core.gradebook import Gradebook, ProblemResult
from studyapp.core.item_analysis import ClassMistake, ItemStats
from studyapp.core.kinds import KINDS
from studyapp.report.figure_svg_parts import text_width
from studyapp.report.worksheet_html import CSP, CSS, HTML_LANG, esc

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Gradebook", "students_n": "{n} students", "absent_n": "{n} absent",
        "problems_n": "{n} problems", "class_mean": "class mean", "found": "Not graded / left out",
        "table": "The class", "student": "Student", "score": "Score", "percent": "%",
        "absent": "absent", "legend": "Legend",
        "right": "right", "partial": "partly right", "wrong": "wrong", "unreadable": "unreadable",
        "blank": "blank", "not graded": "not graded",
        "histogram": "Scores", "histogram_note": "Students by percent, in bins of 10 (absent students "
                                                  "left out).", "students_axis": "students",
        "bin_tip": "{n} student(s) scored {bin}",
        "difficulty": "Each problem", "problem": "Problem", "problem_n": "Problem {n}",
        "share_right": "Share right", "difficulty_note": "The bars are the share of students right on "
        "each problem number. Point-biserial: how the problem's score goes with the rest of the sheet; "
        "upper − lower: the share right among the top 27 % (by the rest of the sheet) minus the bottom "
        "27 %. Near 0 or below, the problem does not tell stronger from weaker students (a wrong key, "
        "a trick, or luck); with few students both are rough, and — means too few or no spread.",
        "answered": "Answered", "mean_credit": "Mean credit", "point_biserial": "Point-biserial",
        "upper_lower": "Upper − lower", "flag": "Flag", "unreadable_n": "Unreadable", "blank_n": "Blank",
        "missed": "nearly everyone missed", "easy": "nearly everyone got it",
        "kinds": "Each kind", "kind": "Kind",
        "mistakes": "What the class misunderstood", "mistakes_note": "Wrong answers the grader "
        "recognised as a known mistake, most students first.", "no_mistakes": "No wrong answer matched "
        "a known mistake.", "n_students": "{n} students", "one_student": "1 student",
        "on_problems": "on problem(s) {p}", "example": "For example", "wrote": "wrote",
        "expected": "expected", "cards": "Concept cards to go over", "made_by": "Made by studyapp grade.",
    },
    "zh": {
        "title": "成绩册", "students_n": "{n} 名学生", "absent_n": "{n} 人缺交",
        "problems_n": "{n} 道题", "class_mean": "全班平均", "found": "未评分 / 未计入",
        "table": "全班成绩", "student": "学生", "score": "得分", "percent": "%",
        "absent": "缺交", "legend": "图例",
        "right": "正确", "partial": "部分正确", "wrong": "错误", "unreadable": "无法识别",
        "blank": "未作答", "not graded": "未评分",
        "histogram": "分数分布", "histogram_note": "按百分比每 10 分一组的学生人数(不含缺交的学生)。",
        "students_axis": "人数", "bin_tip": "{bin}:{n} 名学生",
        "difficulty": "各题情况", "problem": "题号", "problem_n": "第 {n} 题",
        "share_right": "答对比例", "difficulty_note": "条形为每个题号答对的学生比例。点二列相关:这道题的"
        "得分与卷面其余部分得分的相关;高低分组差:按卷面其余部分排名前 27% 的学生答对比例减去后 27% 的。"
        "接近 0 或为负,说明这道题区分不出强弱(答案有误、题目有陷阱或靠运气);学生少时两者都只是粗略估计,"
        "— 表示人数太少或没有差异。",
        "answered": "作答人数", "mean_credit": "平均得分", "point_biserial": "点二列相关",
        "upper_lower": "高低分组差", "flag": "提示", "unreadable_n": "无法识别", "blank_n": "未作答",
        "missed": "几乎全班都错了", "easy": "几乎全班都对了",
        "kinds": "各题型情况", "kind": "题型",
        "mistakes": "全班的常见误解", "mistakes_note": "判分程序认出的已知错误,按犯错人数从多到少排列。",
        "no_mistakes": "没有错误答案与已知错误相符。", "n_students": "{n} 名学生", "one_student": "1 名学生",
        "on_problems": "出现在第 {p} 题", "example": "例如", "wrote": "写了", "expected": "应为",
        "cards": "建议复习的概念卡片", "made_by": "由 studyapp grade 生成。",
    },
}

MARKS = {"right": "✓", "wrong": "✗", "unreadable": "?", "blank": "—", "not graded": "·"}
FLAG_MARKS = {"missed": "▼", "easy": "▲"}

GRADE_CSS = """\
:root{--ok:#15803d;--ok-bg:rgba(21,128,61,.12);--bad:#b91c1c;--bad-bg:rgba(185,28,28,.1);\
--half:#b45309;--half-bg:rgba(180,83,9,.12)}
@media (prefers-color-scheme:dark){:root{--ok:#4ade80;--ok-bg:rgba(74,222,128,.14);--bad:#f87171;\
--bad-bg:rgba(248,113,113,.14);--half:#fbbf24;--half-bg:rgba(251,191,36,.14)}}
body.wide{max-width:68rem}
.scroll{overflow-x:auto}
table.grid{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;\
vertical-align:top}
table.grid th{font-weight:600;color:var(--muted);white-space:nowrap}
table.grid .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.grid td.m{text-align:center;min-width:2.1em;font-weight:600;white-space:nowrap}
table.grid td a{color:inherit;text-decoration:none}table.grid td a:hover{text-decoration:underline}
.right{color:var(--ok)}.partial{color:var(--half)}.wrong,.unreadable{color:var(--bad)}
td.right{background:var(--ok-bg)}td.partial{background:var(--half-bg)}\
td.wrong,td.unreadable{background:var(--bad-bg)}
td.blank,td.not-graded,tr.absent td{color:var(--muted)}
.badge{display:inline-block;border:1px solid var(--line);border-radius:3px;padding:0 .3em;\
font-size:.8em;font-weight:normal;color:var(--muted);margin-left:.4em}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.88rem;color:var(--muted);margin:0}
.legend b{margin-right:.3em}
.found{border:2px solid var(--half);border-radius:6px;padding:.4rem 1rem;margin:1rem 0}
.found h2{margin:.2rem 0 .4rem;border:0;font-size:1.1rem}
.mistake{margin:0 0 1.2rem;break-inside:avoid;page-break-inside:avoid}
.mistake p{margin:.15rem 0}
svg.chart{display:block;max-width:100%;height:auto;font:11px system-ui,sans-serif}
.chart text{fill:var(--fg)}.chart .axis{fill:var(--muted);font-size:10px}
.chart .grid{stroke:var(--line)}.chart .track{fill:var(--soft)}.chart .bar{fill:var(--accent)}
.chart .bar.missed{fill:var(--bad)}.chart .bar.easy{fill:var(--ok)}.chart .flag{font-weight:700}
figure.chart-box{margin:.5rem 0 1rem;break-inside:avoid;page-break-inside:avoid}
figure.chart-box figcaption{font-family:inherit}
.mistake ul{margin:.15rem 0;padding-left:1.4rem}
@media print{:root{--ok:#000;--ok-bg:transparent;--bad:#000;--bad-bg:transparent;--half:#000;\
--half-bg:transparent}body.wide{max-width:none}table.grid{font-size:9pt}.scroll{overflow:visible}\
.chart .bar,.chart .bar.missed,.chart .bar.easy{fill:#777}}
"""


def words(lang: str) -> dict[str, str]:
    return LABELS["zh" if lang == "zh" else "en"]


def page(title: str, lang: str, body: str, wide: bool = False, css: str = "") -> str:
    """A whole self-contained page: the worksheets' policy and stylesheet, the grading marks', ``css``."""
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(lang, "en")}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="color-scheme" content="light dark">\n<meta name="generator" content="studyapp">\n'
            f"<title>{esc(title)}</title>\n<style>\n{CSS}{GRADE_CSS}{css}</style>\n</head>\n"
            f'<body{" class=wide" if wide else ""}>\n{body}</body>\n</html>\n')


def number(x: float) -> str:
    """A score without trailing zeros: 4, 3.75."""
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def fraction(score: float) -> str:
    """Partial credit as a fraction of the problem (3/4, 5/9: parts or entries right), what a teacher
    writes in the margin; a decimal when no small fraction is exactly it."""
    f = Fraction(score).limit_denominator(64)  # a part of at most 64 entries: an 8×8 grid
    return f"{f.numerator}/{f.denominator}" if 0 < f < 1 and abs(f - Fraction(score)) < 1e-9 \
        else number(score)


def mark(r: ProblemResult) -> str:
    """A problem's mark: ✓, a fraction for partial credit, ✗, ? (unreadable), — (blank), · (not graded)."""
    return fraction(r.score) if r.status == "partial" else MARKS[r.status]


def _at(x: float) -> str:
    """An SVG coordinate with at most two decimals."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def status_class(status: str) -> str:
    return status.replace(" ", "-")


def share(x: float) -> str:
    return f"{100 * x:.0f}%"


def gradebook_html(book: Gradebook, items: Sequence[ItemStats], kinds: Sequence[ItemStats],
                   mistakes: Sequence[ClassMistake], lang: str, card_titles: dict[str, str]) -> str:
    w = words(lang)
    present = [s for s in book.students if not s.absent]
    mean = sum(s.percent for s in present) / len(present) if present else None
    meta = [w["students_n"].format(n=len(book.students)), w["problems_n"].format(n=book.problem_count)]
    if len(present) < len(book.students):
        meta.append(w["absent_n"].format(n=len(book.students) - len(present)))
    if mean is not None:
        meta.append(f"{w['class_mean']} {mean:.1f}%")
    body = [f'<header>\n<h1>{esc(w["title"])}</h1>\n<p class="meta">{esc(" · ".join(meta))}</p>\n</header>\n']
    if book.problems_found:
        found = "".join(f"<li>{esc(line.get(lang))}</li>" for line in book.problems_found)
        body.append(f'<aside class="found"><h2>⚠ {esc(w["found"])}</h2><ul>{found}</ul></aside>\n')
    body += [_class_table(book, w), _histogram(book, w), _difficulty(items, w), _kinds(kinds, lang, w),
             _mistakes(mistakes, card_titles, lang, w), f"<footer>{esc(w['made_by'])}</footer>\n"]
    return page(w["title"], lang, "".join(body), wide=True)


def feedback_path(sheet_file: str) -> str:
    """Where a student's feedback sheet is written, beside the gradebook: ``feedback/<sheet>.html``."""
    return f"feedback/{PurePath(sheet_file).stem}.html"


def _class_table(book: Gradebook, w: dict[str, str]) -> str:
    numbers = range(1, book.problem_count + 1)
    head = (f'<tr><th>{esc(w["student"])}</th><th class="n">{esc(w["score"])}</th>'
            f'<th class="n">{esc(w["percent"])}</th>' + "".join(f'<th class="n">{n}</th>' for n in numbers)
            + "</tr>")
    rows = []
    for s in book.students:
        sheet = esc(quote(feedback_path(s.file)))  # a name or cell opens the student's feedback there
        if s.absent:
            rows.append(f'<tr class="absent"><td><a href="{sheet}">{esc(s.name)}</a>'
                        f'<span class="badge">{esc(w["absent"])}</span>'
                        '</td><td class="n">—</td><td class="n">—</td>'
                        + "".join('<td class="m">—</td>' for _ in numbers) + "</tr>")
            continue
        by_number = {r.number: r for r in s.results}
        cells = []
        for n in numbers:
            r = by_number.get(n)
            if r is None:
                cells.append('<td class="m not-graded">·</td>')
                continue
            tip = w[r.status] + (f" {number(r.score)}" if r.status == "partial" else "")
            cells.append(f'<td class="m {status_class(r.status)}" title="{esc(tip)}">'
                         f'<a href="{sheet}#p{n}">{esc(mark(r))}</a></td>')
        rows.append(f'<tr><td><a href="{sheet}">{esc(s.name)}</a></td>'
                    f'<td class="n">{number(s.total)}/{s.possible}</td><td class="n">{s.percent:.0f}%</td>'
                    f'{"".join(cells)}</tr>')
    legend = [(MARKS["right"], w["right"]), ("3/4", w["partial"]), (MARKS["wrong"], w["wrong"]),
              (MARKS["unreadable"], w["unreadable"]), (MARKS["blank"], f'{w["blank"]} / {w["absent"]}'),
              (MARKS["not graded"], w["not graded"])]
    return (f'<section id="class">\n<h2>{esc(w["table"])}</h2>\n<div class="scroll"><table class="grid">'
            f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>\n'
            f'<p class="legend"><span>{esc(w["legend"])}:</span>'
            + "".join(f"<span><b>{esc(m)}</b>{esc(word)}</span>" for m, word in legend)
            + "</p>\n</section>\n")


def bins(percents: Sequence[float]) -> list[int]:
    """Students per percent bin: 0–9, 10–19, …, 90–100 (a full score in the last bin)."""
    counts = [0] * 10
    for p in percents:
        counts[min(max(int(p // 10), 0), 9)] += 1
    return counts


def _chart(cls: str, width: float, height: float, label: str, body: Sequence[str]) -> str:
    """An inline SVG chart; no namespace URL: the HTML parser puts it in the SVG namespace."""
    return (f'<svg class="chart {cls}" viewBox="0 0 {_at(width)} {_at(height)}" width="{_at(width)}" '
            f'height="{_at(height)}" role="img" aria-label="{esc(label)}">{"".join(body)}</svg>')


def _histogram(book: Gradebook, w: dict[str, str]) -> str:
    counts = bins([s.percent for s in book.students if not s.absent])
    names = [f"{10 * k}–{10 * k + 9}" if k < 9 else "90–100" for k in range(10)]
    left, top, step, height = 34, 16, 58, 150
    plot_h, bar_w = height - top - 30, step - 12
    peak = max(max(counts), 1)
    body = []
    for tick in sorted({0, peak // 2 if peak % 2 == 0 else 0, peak}):  # whole students only
        y = top + plot_h * (1 - tick / peak)
        body.append(f'<line class="grid" x1="{left}" x2="{left + 10 * step}" y1="{_at(y)}" y2="{_at(y)}"/>'
                    f'<text class="axis" x="{left - 5}" y="{_at(y + 3)}" text-anchor="end">{tick}</text>')
    for k, (name, n) in enumerate(zip(names, counts, strict=True)):
        x, h = left + k * step + 6, plot_h * n / peak
        middle, y = _at(x + bar_w / 2), top + plot_h - h
        bar = (f'<rect class="bar" x="{x}" y="{_at(y)}" width="{bar_w}" height="{_at(h)}"/>'
               f'<text x="{middle}" y="{_at(y - 3)}" text-anchor="middle">{n}</text>') if n else ""
        tip = w["bin_tip"].format(n=n, bin=f"{name}%")
        body.append(f'<g><title>{esc(tip)}</title>{bar}<text class="axis" x="{middle}" y="{height - 12}" '
                    f'text-anchor="middle">{esc(name)}</text></g>')
    body.append(f'<text class="axis" x="{left + 5 * step}" y="{height - 1}" text-anchor="middle">%</text>'
                f'<text class="axis" x="2" y="10">{esc(w["students_axis"])}</text>')
    svg = _chart("histogram", left + 10 * step + 4, height, w["histogram"], body)
    return (f'<section id="histogram">\n<h2>{esc(w["histogram"])}</h2>\n<figure class="chart-box">{svg}'
            f'<figcaption>{esc(w["histogram_note"])}</figcaption></figure>\n</section>\n')


def _difficulty(items: Sequence[ItemStats], w: dict[str, str]) -> str:
    """Share right per problem as bars with its flag in words beside it, then the figures as a table."""
    labels = [w["problem_n"].format(n=i.label) for i in items]
    label_w = max([text_width(x) for x in labels] + [40]) + 12
    plot_w, row_h = 360, 22
    rows = []
    for k, (i, label) in enumerate(zip(items, labels, strict=True)):
        y = 4 + k * row_h
        flag = f"{FLAG_MARKS[i.flag]} {w[i.flag]}" if i.flag else ""
        value = f"{share(i.right)} ({round(i.right * i.answered)}/{i.answered})" if i.answered else "—"
        bar = (f'<rect class="bar {i.flag or ""}" x="{_at(label_w)}" y="{y + 4}" '
               f'width="{_at(plot_w * i.right)}" height="14" rx="3"/>') if i.answered and i.right > 0 else ""
        rows.append(f'<g><title>{esc(label)}: {esc(value)} {esc(flag)}</title>'
                    f'<text x="{_at(label_w - 8)}" y="{y + 15}" text-anchor="end">{esc(label)}</text>'
                    f'<rect class="track" x="{_at(label_w)}" y="{y + 4}" width="{plot_w}" height="14" '
                    f'rx="3"/>{bar}<text x="{_at(label_w + plot_w + 8)}" y="{y + 15}">{esc(value)}'
                    f'<tspan class="flag" dx="10">{esc(flag)}</tspan></text></g>')
    width = label_w + plot_w + 30 + text_width(f"100% (99/99) ▼ {w['missed']}")
    svg = _chart("difficulty", width, 8 + max(len(items), 1) * row_h, w["share_right"], rows)
    return (f'<section id="problems">\n<h2>{esc(w["difficulty"])}</h2>\n<figure class="chart-box">{svg}'
            f'<figcaption>{esc(w["share_right"])}</figcaption></figure>\n'
            f'{_stats_table(w["problem"], [(i.label, i) for i in items], w)}'
            f'<p class="meta">{esc(w["difficulty_note"])}</p>\n</section>\n')


def _kinds(kinds: Sequence[ItemStats], lang: str, w: dict[str, str]) -> str:
    def name(label: str) -> str:
        kind = KINDS.get(label)
        return f"{label} — {kind.summary.get(lang)}" if kind else label

    return (f'<section id="kinds">\n<h2>{esc(w["kinds"])}</h2>\n'
            f'{_stats_table(w["kind"], [(name(k.label), k) for k in kinds], w)}</section>\n')


def _stats_table(first: str, rows: Sequence[tuple[str, ItemStats]], w: dict[str, str]) -> str:
    def figure(x: float | None) -> str:
        return "—" if x is None else f"{x:.2f}".replace("-", "−")

    head = [first, w["answered"], w["share_right"], w["mean_credit"], w["point_biserial"], w["upper_lower"],
            w["unreadable_n"], w["blank_n"], w["flag"]]
    body = []
    for label, i in rows:
        cells = [str(i.answered), share(i.right) if i.answered else "—",
                 figure(i.mean_score) if i.answered else "—", figure(i.point_biserial), figure(i.upper_lower),
                 str(i.unreadable), str(i.blank)]
        flag = f"{FLAG_MARKS[i.flag]} {w[i.flag]}" if i.flag else ""
        body.append(f"<tr><td>{esc(label)}</td>" + "".join(f'<td class="n">{esc(c)}</td>' for c in cells)
                    + f"<td>{esc(flag)}</td></tr>")
    header = "".join(f'<th{"" if k in (0, 8) else " class=n"}>{esc(h)}</th>' for k, h in enumerate(head))
    return (f'<div class="scroll"><table class="grid"><thead><tr>{header}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>\n')


def _mistakes(mistakes: Sequence[ClassMistake], card_titles: dict[str, str], lang: str,
              w: dict[str, str]) -> str:
    out = [f'<section id="mistakes">\n<h2>{esc(w["mistakes"])}</h2>\n']
    if not mistakes:
        out.append(f'<p class="meta">{esc(w["no_mistakes"])}</p>\n</section>\n')
        return "".join(out)
    out.append(f'<p class="meta">{esc(w["mistakes_note"])}</p>\n')
    for rank, m in enumerate(mistakes, 1):
        n = len(m.students)
        count = w["one_student"] if n == 1 else w["n_students"].format(n=n)
        where = w["on_problems"].format(p=", ".join(str(p) for p in m.problems))
        parts = [f'<article class="mistake"><h3>{rank}. {esc(m.explanation.get(lang))}</h3>',
                 f'<p><strong class="count">{esc(count)}</strong>: {esc(", ".join(m.students))}</p>',
                 f'<p class="meta">{esc(where)} · <code>{esc(m.tag)}</code> · {esc(", ".join(m.kinds))}</p>']
        if m.example:
            parts.append(f'<p>{esc(w["example"])}: {esc(w["wrote"])} <code>{esc(m.example)}</code>, '
                         f'{esc(w["expected"])} <code>{esc(m.example_expected)}</code></p>')
        if m.related:
            titles = "".join(f"<li>{esc(card_titles.get(card, card))}</li>" for card in m.related)
            parts.append(f'<p>{esc(w["cards"])}:</p><ul class="cards">{titles}</ul>')
        out.append("".join(parts) + "</article>\n")
    out.append("</section>\n")
    return "".join(out)
