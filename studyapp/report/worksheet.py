"""Exercise sets as Markdown (problems, then an answer key with worked solutions) or JSON."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from studyapp.core.numfmt import format_answer, tensor_grids
from studyapp.core.problems import Problem, ProblemStream
from studyapp.core.steps import render_markdown
from studyapp.report.figure_text import printed_figure

SCHEMA = "studyapp.exercise-set/1"

LABELS = {
    "en": {"title": "Exercise set", "seed": "seed", "problems": "Problems", "key": "Answer key",
           "answer": "Answer", "solution": "Worked solution", "difficulty": "difficulty"},
    "zh": {"title": "练习题", "seed": "种子", "problems": "题目", "key": "答案",
           "answer": "答案", "solution": "解题过程", "difficulty": "难度"},
}


def exercise_set_json(problems: Iterable[Problem], seed: int, lang: str) -> bytes:
    """The whole exercise-set JSON (``exercise_set_json_parts`` joined)."""
    return b"".join(exercise_set_json_parts(problems, seed, lang))


def exercise_set_json_parts(problems: Iterable[Problem], seed: int, lang: str) -> Iterator[bytes]:
    """The exercise-set JSON as UTF-8, one problem per line, in pieces made as they are asked for.

    Bytes, as orjson makes them (see the README): decoding each row, joining the text and encoding
    it again for the file took an eighth of a large set's time. Pieces, so a command writes them
    as they come: a set of 50,000 problems, joined first, held 400 MB at once.
    """
    yield orjson.dumps({"schema": SCHEMA, "seed": seed, "lang": lang})[:-1] + b',"problems":[\n'

    def row(problem: Problem) -> bytes:
        return orjson.dumps(problem.to_dict(lang))

    # A set being generated is made kind by kind (see ProblemStream), its rows still in set order.
    rows = problems.each(row) if isinstance(problems, ProblemStream) else map(row, problems)
    separator = b""
    for text in rows:
        yield separator
        yield text
        separator = b",\n"
    yield b"\n]}\n"


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
            render_markdown(problem.steps, lang, printed_figure)]


def exercise_set_markdown(problems: list[Problem], seed: int, lang: str, answers: str,
                          after_problems: str = "") -> str:
    """``answers``: ``end`` (an answer key after the problems), ``inline`` or ``none``.
    ``after_problems``: Markdown placed before the key (a class sheet's answer list)."""
    labels = LABELS[lang]
    out = [f"# {labels['title']} ({labels['seed']} {seed})", "", f"## {labels['problems']}", ""]
    for number, problem in enumerate(problems, 1):
        out += _problem_md(problem, number, lang)
        if answers == "inline":
            out += _answer_md(problem, lang)
    if after_problems:
        out.append(after_problems)
    if answers == "end" and problems:
        out += [f"## {labels['key']}", ""]
        for number, problem in enumerate(problems, 1):
            out += [_title(problem, number, lang), "", *_answer_md(problem, lang)]
    return "\n".join(out).rstrip() + "\n"
