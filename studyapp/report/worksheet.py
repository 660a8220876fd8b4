"""Exercise sets as Markdown (problems, then an answer key with worked solutions) or JSON."""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from studyapp.core.numfmt import format_answer, tensor_grids
from studyapp.core.problems import Problem, ProblemStream
from studyapp.core.steps import render_markdown

SCHEMA = "studyapp.exercise-set/1"

LABELS = {
    "en": {"title": "Exercise set", "seed": "seed", "problems": "Problems", "key": "Answer key",
           "answer": "Answer", "solution": "Worked solution", "difficulty": "difficulty"},
    "zh": {"title": "练习题", "seed": "种子", "problems": "题目", "key": "答案",
           "answer": "答案", "solution": "解题过程", "difficulty": "难度"},
}


def exercise_set_json(problems: Iterable[Problem], seed: int, lang: str) -> str:
    """One problem per line: readable, and fast to write (orjson, see the README)."""
    head = orjson.dumps({"schema": SCHEMA, "seed": seed, "lang": lang})[:-1].decode()

    def row(problem: Problem) -> str:  # decoded while its bytes are fresh in the cache
        return orjson.dumps(problem.to_dict(lang)).decode()

    # One join of every piece: each concatenation would copy the whole set. A set being
    # generated is made kind by kind (see ProblemStream), its rows still in set order.
    parts = [head, ',"problems":[\n']
    for text in problems.each(row) if isinstance(problems, ProblemStream) else map(row, problems):
        parts += (text, ",\n")
    if len(parts) > 2:
        parts.pop()  # the last separator
    parts.append("\n]}\n")
    return "".join(parts)


def _title(problem: Problem, number: int, lang: str) -> str:
    title = problem.template.title.get(lang) if problem.template.title else problem.kind.name
    stars = "●" * problem.template.difficulty + "○" * (3 - problem.template.difficulty)
    return f"### {number}. {title} · {LABELS[lang]['difficulty']} {stars}"


def _problem_md(problem: Problem, number: int, lang: str) -> list[str]:
    out = [_title(problem, number, lang), "", problem.prompt(lang), ""]
    grids = tensor_grids(problem.params, lang)
    if grids:
        out += ["```text", *grids, "```", ""]
    return out


def _answer_md(problem: Problem, lang: str) -> list[str]:
    labels = LABELS[lang]
    answer = format_answer(problem.answer, problem.decimals)
    return [f"**{labels['answer']}:** `{answer}`", "", f"*{labels['solution']}:*", "",
            render_markdown(problem.steps, lang)]


def exercise_set_markdown(problems: list[Problem], seed: int, lang: str, answers: str) -> str:
    """``answers``: ``end`` (an answer key after the problems), ``inline`` or ``none``."""
    labels = LABELS[lang]
    out = [f"# {labels['title']} ({labels['seed']} {seed})", "", f"## {labels['problems']}", ""]
    for number, problem in enumerate(problems, 1):
        out += _problem_md(problem, number, lang)
        if answers == "inline":
            out += _answer_md(problem, lang)
    if answers == "end" and problems:
        out += [f"## {labels['key']}", ""]
        for number, problem in enumerate(problems, 1):
            out += [_title(problem, number, lang), "", *_answer_md(problem, lang)]
    return "\n".join(out).rstrip() + "\n"
