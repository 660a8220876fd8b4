"""What the study screen shows of an item: the question, the expected shape, the feedback.

Content goes in as Rich Text, never as markup: a prompt's ``[[…]]`` or a card's brackets are
text to show, not styles to apply.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Group
from rich.text import Text

from studyapp.core.numfmt import shape_text, shape_zh
from studyapp.core.problems import Problem
from studyapp.core.session import AnswerResult, StudyItem
from studyapp.core.steps import render_text
from studyapp.report.worksheet import matrix_params
from studyapp.tui.answer_view import comparison
from studyapp.tui.strings import tr


def question(item: StudyItem, lang: str, chosen: set[int]) -> Text:
    """The prompt with its matrices as grids, a card's front or gaps, or numbered options."""
    if item.problem is not None:
        grids = matrix_params(item.problem.params)
        body = item.problem.prompt(lang)
        return Text(body + ("\n\n" + "\n".join(grids) if grids else ""))
    card = item.card
    assert card is not None
    if card.type == "basic":
        return Text(card.front.get(lang) if card.front else "")
    if card.type == "cloze":
        return Text(card.masked(lang))
    lines = [card.question.get(lang) if card.question else "", ""]
    for shown, index in enumerate(item.option_order, 1):
        mark = "■" if index in chosen else "□"
        lines.append(f" {mark} {shown}. {card.options[index].text.get(lang)}")
    return Text("\n".join(lines))


def shape_label(problem: Problem, lang: str) -> str:
    """The expected answer's shape, e.g. "a 3×3 matrix" (parts: one per label)."""
    name = shape_zh if lang == "zh" else shape_text
    if isinstance(problem.answer, dict):
        return "; ".join(f"{k}: {name(np.shape(v))}" for k, v in problem.answer.items())
    return name(np.shape(problem.answer))


def feedback(item: StudyItem, result: AnswerResult, typed: str, steps_shown: int, lang: str) -> Group:
    """Right or wrong (symbol and colour), the grids with wrong entries marked, the diagnosed
    mistake, a card's explanation, and the first ``steps_shown`` steps of the worked solution."""
    parts: list[Any] = []
    if result.correct is None:
        parts.append(Text(result.expected, style="bold"))
    else:
        ok = bool(result.correct)
        verdict = tr(lang, "right") if ok else tr(lang, "wrong")
        parts.append(Text(f"{verdict}  {result.message.get(lang)}", style="bold green" if ok else "bold red"))
        table = None
        if item.problem is not None:
            table = comparison(result.value, item.problem.answer, result.marks, item.problem.decimals,
                               lang, (tr(lang, "yours"), tr(lang, "expected")))
        if table is not None:
            parts.append(table)
        else:
            if typed:
                parts.append(Text(f"{tr(lang, 'yours')}: {typed}"))
            parts.append(Text(f"{tr(lang, 'expected')}: {result.expected}"))
        if result.mistake is not None:
            parts.append(Text(f"{tr(lang, 'mistake')} [{result.mistake.tag}]: "
                              f"{result.mistake.message.get(lang)}", style="yellow"))
    if item.card is not None and item.card.explanation is not None:
        parts += [Text(""), Text(item.card.explanation.get(lang))]
    if item.problem is not None:
        steps = item.problem.steps
        shown = min(steps_shown, len(steps))
        more = f"  ({shown}/{len(steps)} · {tr(lang, 'steps_keys')})" if shown < len(steps) else ""
        parts += [Text(""), Text.assemble((tr(lang, "solution"), "bold"), (more, "dim")),
                  Text(render_text(steps[:shown], lang))]
    return Group(*parts)
