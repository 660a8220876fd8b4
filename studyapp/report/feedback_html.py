"""One student's graded worksheet as a printable HTML page (``feedback/<sheet>.html`` of ``studyapp
grade --out``): their score beside the class mean, then each problem in order with what they wrote,
the verdict (a symbol and a word), the expected answer, the diagnosed mistake and the step it goes
wrong at, and for every problem not fully right the worked solution with its figures, drawn exactly
as the worksheets' answer key draws them (``worksheet_html.steps_html``). Right answers get one line.

Self-contained like every page here: no script, no URL; every text from the student and the content
is escaped. Rendering only: the grading is ``core.gradebook``'s.
"""

from __future__ import annotations

from studyapp.core.gradebook import ProblemResult, StudentResult
from studyapp.core.problems import Problem
from studyapp.report.gradebook_html import MARKS, fraction, number, page, status_class
from studyapp.report.worksheet_html import answer_html, esc, params_html, rich, steps_html

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Feedback", "sheet": "worksheet", "seed": "seed", "score": "Score",
        "class_mean": "class mean", "absent": "No answers were handed in for this worksheet; here are the "
        "expected answers and how to work them out.", "your_answer": "Your answer",
        "expected": "Expected", "solution": "Worked solution", "what_went_wrong": "What went wrong",
        "at_step": "It goes wrong at step {n}", "unreadable_as": "unreadable: {why}",
        "not_graded": "This problem was not graded (its template is missing or has changed); see the "
                      "gradebook.",
        "right": "right", "partial": "partly right", "wrong": "wrong", "unreadable": "unreadable",
        "blank": "blank", "not graded": "not graded", "made_by": "Made by studyapp grade.",
    },
    "zh": {
        "title": "作业反馈", "sheet": "练习卷", "seed": "种子", "score": "得分", "class_mean": "全班平均",
        "absent": "这份练习卷没有交答案;下面是每道题的答案和解题过程。", "your_answer": "你的答案",
        "expected": "正确答案", "solution": "解题过程", "what_went_wrong": "错在哪里",
        "at_step": "在第 {n} 步出错", "unreadable_as": "无法识别:{why}",
        "not_graded": "这道题没有评分(题目模板缺失或已更改);见成绩册。",
        "right": "正确", "partial": "部分正确", "wrong": "错误", "unreadable": "无法识别",
        "blank": "未作答", "not graded": "未评分", "made_by": "由 studyapp grade 生成。",
    },
}

# The step the diagnosed mistake goes wrong at is marked in the worked solution by a class on its
# wrapper (``wrong-at-3``): CSS only, so the shared steps_html stays as the worksheets use it.
MAX_MARKED_STEP = 40
_STEPS = range(1, MAX_MARKED_STEP + 1)
FEEDBACK_CSS = (
    ",".join(f".wrong-at-{n} .steps>li:nth-child({n})" for n in _STEPS)
    + "{outline:2px solid var(--bad);outline-offset:3px;border-radius:2px}\n"
    + ",".join(f".wrong-at-{n} .steps>li:nth-child({n})>strong::before" for n in _STEPS)
    + '{content:"⚠ ";color:var(--bad)}\n' + """\
.scorebox{display:flex;flex-wrap:wrap;gap:.5rem 2rem;align-items:baseline;margin:1rem 0;padding:.5rem 1rem;\
border:1px solid var(--line);border-radius:6px}
.scorebox b{font-size:1.5rem;font-variant-numeric:tabular-nums}
.verdict{font-size:.9em;margin-left:.6em;white-space:nowrap}
.brief{margin:0 0 .6rem;break-inside:avoid}.brief h3{display:inline;font-size:1rem}
.diagnosis{border-left:3px solid var(--bad);padding:.1rem .7rem;margin:.4rem 0}.diagnosis p{margin:.15rem 0}
.lead{font-weight:600;margin-right:.3em}
.expected{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:flex-start;margin:.3rem 0}
.expected .answer{margin:0}
""")


def _words(lang: str) -> dict[str, str]:
    return LABELS["zh" if lang == "zh" else "en"]


def _title(problem: Problem | None, r: ProblemResult, lang: str) -> str:
    if problem is None:
        return r.kind
    return problem.template.title.get(lang) if problem.template.title else problem.kind.name


def _verdict(r: ProblemResult, w: dict[str, str]) -> str:
    """The verdict as a symbol and a word (never colour alone): ✓ right, ¾ partly right, ✗ wrong…"""
    symbol = fraction(r.score) if r.status == "partial" else MARKS[r.status]
    return f'<span class="verdict {status_class(r.status)}"><b>{esc(symbol)}</b> {esc(w[r.status])}</span>'


def _written(r: ProblemResult, lang: str, w: dict[str, str]) -> str:
    """What the student wrote, or what stands in its place."""
    if r.status == "blank":
        shown = f'<span class="blank">{esc(w["blank"])}</span>'
    elif r.status == "unreadable":
        why = r.message.get(lang) if r.message else ""
        shown = f"<code>{esc(r.text)}</code> — " + esc(w["unreadable_as"].format(why=why))
    else:
        shown = f"<code>{esc(r.text)}</code>" if r.text.strip() else '<span class="blank">—</span>'
        if r.status in ("partial", "wrong") and r.message is not None and r.mistake is None:
            shown += f" — {esc(r.message.get(lang))}"
    return f'<p><span class="lead">{esc(w["your_answer"])}:</span>{shown}</p>'


def _diagnosis(r: ProblemResult, problem: Problem | None, lang: str, w: dict[str, str]) -> str:
    if r.explanation is None:
        return ""
    where = ""
    if r.step is not None:
        where = w["at_step"].format(n=r.step + 1)
        if problem is not None and 0 <= r.step < len(problem.steps):
            where += f": {problem.steps[r.step].title.get(lang)}"
        where = f'<p class="step">⚠ {esc(where)}</p>'
    return (f'<div class="diagnosis"><p><span class="lead">{esc(w["what_went_wrong"])}:</span>'
            f"{esc(r.explanation.get(lang))}</p>{where}</div>")


def _problem(r: ProblemResult, lang: str, w: dict[str, str]) -> str:
    problem = r.problem
    heading = f"{r.number}. {esc(_title(problem, r, lang))}"
    if r.status == "right":
        return (f'<article class="brief" id="p{r.number}"><h3>{heading}</h3>{_verdict(r, w)} · '
                f"<code>{esc(r.text)}</code></article>\n")
    out = [f'<article class="problem" id="p{r.number}"><h3>{heading}{_verdict(r, w)}</h3>']
    if problem is None:
        out.append(f'<p class="note">{esc(w["not_graded"])}</p>'
                   f'<p><span class="lead">{esc(w["expected"])}:</span><code>{esc(r.expected)}</code></p>')
        return "".join(out) + "</article>\n"
    out += [f'<p class="prompt">{rich(problem.prompt(lang))}</p>', params_html(problem.params, lang),
            _written(r, lang, w),
            f'<div class="expected"><span class="lead">{esc(w["expected"])}:</span>'
            f"{answer_html(problem.answer, problem.decimals, lang)}</div>",
            _diagnosis(r, problem, lang, w)]
    marked = f" wrong-at-{r.step + 1}" if r.explanation is not None and r.step is not None else ""
    out.append(f'<div class="worked{marked}"><p class="solution-title">{esc(w["solution"])}:</p>'
               f"{steps_html(problem.steps, lang)}</div>")
    return "".join(out) + "</article>\n"


def feedback_html(student: StudentResult, lang: str, class_mean: float) -> str:
    """The sheet of ``student`` in ``lang``; ``class_mean`` is the class's mean percent (0–100)."""
    w = _words(lang)
    title = f"{w['title']} — {student.name}"
    meta = f"{w['sheet']} {student.file} · {w['seed']} {student.sheet_seed}"
    if student.absent:
        score = f'<p class="note">{esc(w["absent"])}</p>'
    else:
        score = (f'<div class="scorebox"><span>{esc(w["score"])}: <b>{number(student.total)}/'
                 f"{student.possible}</b></span><span><b>{student.percent:.0f}%</b></span>"
                 f'<span class="meta">{esc(w["class_mean"])} {class_mean:.0f}%</span></div>')
    body = [f'<header>\n<h1>{esc(title)}</h1>\n<p class="meta">{esc(meta)}</p>\n{score}\n</header>\n',
            '<section class="feedback">\n', *[_problem(r, lang, w) for r in student.results], "</section>\n",
            f"<footer>{esc(w['made_by'])}</footer>\n"]
    return page(title, lang, "".join(body), css=FEEDBACK_CSS)
