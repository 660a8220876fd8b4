"""What the study screen shows of an item: the question, the expected shape, the feedback and
the rating bar. Pure builders of Rich renderables, testable without an app.

Content goes in as Rich Text, never as markup: a prompt's ``[[…]]`` or a card's brackets are
text to show, not styles to apply. The one piece of mark-up a prompt carries, `code` in
backticks, is drawn as a style instead of showing the backticks.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from rich.console import Group
from rich.text import Text

from studyapp.core.grading import CORRECT
from studyapp.core.numfmt import shape_text, shape_zh, tensor_grids
from studyapp.core.problems import Problem
from studyapp.core.session import AnswerResult, Counts, StudyItem
from studyapp.tui.answer_view import comparison
from studyapp.tui.solution_view import solution_parts
from studyapp.tui.strings import tr

CODE = "bold cyan"
GAP = "bold reverse green"
GAP_WRONG = "bold reverse red"
# A nested list of numbers written inline in a prompt (``W1 = [[-0.6, 0.6], [-0.4, 0.2]]``):
# it is drawn as a grid under the prompt, so the prompt points there instead of wrapping it.
_INLINE_MATRIX = re.compile(r"\[\s*\[[-−+0-9.,eE\s\[\]]*\]\s*\]")


def styled(text: str) -> Text:
    """Text with `code` spans styled (backticks dropped); nothing else is interpreted."""
    out = Text()
    for i, piece in enumerate(text.split("`")):
        out.append(piece, style=CODE if i % 2 else "")
    if text.count("`") % 2:  # an unpaired backtick is a character, not mark-up
        return Text(text)
    return out


def related_label(item: StudyItem, lang: str) -> Text | None:
    if item.related_to is None:
        return None
    return Text(f"↳ {tr(lang, 'related_to_missed')}", style="bold yellow")


def question(item: StudyItem, lang: str, chosen: set[int]) -> Text:
    """The prompt with its matrices as grids, a card's front or gaps, or numbered options."""
    head = related_label(item, lang)
    body = _question_body(item, lang, chosen)
    return Text.assemble(head, "\n\n", body) if head is not None else body


def _question_body(item: StudyItem, lang: str, chosen: set[int]) -> Text:
    if item.problem is not None:
        grids = tensor_grids(item.problem.params, lang)
        prompt = item.problem.prompt(lang)
        if grids:
            prompt = _INLINE_MATRIX.sub(tr(lang, "see_grid"), prompt)
        text = styled(prompt)
        if grids:
            text.append("\n\n" + "\n".join(grids))
        return text
    card = item.card
    assert card is not None
    if card.type == "basic":
        return styled(card.front.get(lang) if card.front else "")
    if card.type == "cloze":
        return Text(card.masked(lang))
    text = styled(card.question.get(lang) if card.question else "")
    text.append("\n")
    for shown, index in enumerate(item.option_order, 1):
        mark = "■" if index in chosen else "□"
        text.append(f"\n {mark} {shown}. ")
        text.append_text(styled(card.options[index].text.get(lang)))
    return text


def filled_cloze(item: StudyItem, lang: str, marks: list[bool] | None = None) -> Text:
    """The cloze card filled in, each gap's answer highlighted in place (red when typed wrong)."""
    assert item.card is not None
    text = Text()
    gap = 0
    for piece, is_gap in item.card.filled(lang):
        if not is_gap:
            text.append(piece)
            continue
        wrong = marks is not None and gap < len(marks) and not marks[gap]
        text.append(f" {piece} ", style=GAP_WRONG if wrong else GAP)
        gap += 1
    return text


def shape_label(problem: Problem, lang: str) -> str:
    """The expected answer's shape, e.g. "a 3×3 matrix" (parts: one per label)."""
    name = shape_zh if lang == "zh" else shape_text
    if isinstance(problem.answer, dict):
        return "; ".join(f"{k}: {name(np.shape(v))}" for k, v in problem.answer.items())
    return name(np.shape(problem.answer))


def feedback(item: StudyItem, result: AnswerResult, typed: str, steps_shown: int, lang: str,
             width: int = 96) -> Group:
    """Right or wrong (symbol and colour), the grids with wrong entries marked, the diagnosed
    mistake, a card's explanation, and the worked solution up to its moment ``steps_shown``
    (``solution_view``), its figures fitted to ``width`` cells."""
    parts: list[Any] = []
    card = item.card
    if result.correct is None:
        if card is not None and card.type == "cloze":
            parts.append(filled_cloze(item, lang))
        else:
            back = styled(result.expected)
            back.stylize("bold")
            parts.append(back)
    else:
        ok = bool(result.correct)
        partly = ok and result.score < 1  # the right value, not to the decimal places asked
        verdict = tr(lang, "partly") if partly else tr(lang, "right") if ok else tr(lang, "wrong")
        said = "" if result.message == CORRECT else f"  {result.message.get(lang)}"  # not "✓ right  correct"
        style = "bold yellow" if partly else "bold green" if ok else "bold red"
        parts.append(Text(verdict + said, style=style))
        parts += _comparison(item, result, typed, lang)
        if result.mistake is not None:
            parts.append(Text(f"{tr(lang, 'mistake')}: {result.mistake.message.get(lang)} "
                              f"[{result.mistake.tag}]", style="yellow"))
    if card is not None and card.explanation is not None:
        parts += [Text(""), styled(card.explanation.get(lang))]
    if item.problem is not None:
        parts += solution_parts(item.problem.steps, steps_shown, lang, width)
    return Group(*parts)


def _comparison(item: StudyItem, result: AnswerResult, typed: str, lang: str) -> list[Any]:
    if item.card is not None and item.card.type == "cloze":
        out: list[Any] = [filled_cloze(item, lang, result.marks)]
        if typed and not result.correct:
            out.append(Text(f"{tr(lang, 'yours')}: {typed}", style="dim"))
        return out
    if item.problem is not None:
        table = comparison(result.value, item.problem.answer, result.marks, item.problem.decimals,
                           lang, (tr(lang, "yours"), tr(lang, "expected")))
        if table is not None:
            return [table]
    out = [Text(f"{tr(lang, 'yours')}: {typed}")] if typed else []
    return [*out, Text(f"{tr(lang, 'expected')}: {result.expected}")]


RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def status_line(title: str, mode: str, counts: Counts, lang: str) -> Text:
    """The top line without its timer: the deck (or Practice) and what is left."""
    title = title if len(title) <= 28 else title[:27] + "…"
    if mode == "practice":
        title = f"{tr(lang, 'practice_mode')}: {title} · {tr(lang, 'not_rescheduled')}"
    return Text.assemble((f" {title} ", "bold"), "  ", (f"{tr(lang, 'new')} {counts.new}", "blue"), "  ",
                         (f"{tr(lang, 'learning')} {counts.learning}", "red"), "  ",
                         (f"{tr(lang, 'due')} {counts.review}", "green"))


def timer_text(ms: int) -> Text:
    """The item's time, after the status line: ``⏱ 1:05``."""
    return Text(f"  ⏱ {ms // 60000}:{ms // 1000 % 60:02d}", style="dim")


def help_line(item: StudyItem | None, result: AnswerResult | None, labels: dict[int, str],
              matrix_box: bool, lang: str) -> Text | str:
    """The line under the answer box: once answered (``result``), the rating bar with each
    rating's interval (``labels``); before, how to answer (``matrix_box``: one row per line)."""
    if item is None:
        return ""
    if result is not None:
        return rating_bar(result, labels, lang)
    if item.card is not None and item.card.type != "cloze":
        return tr(lang, "flip" if item.card.type == "basic" else "choose")
    if item.card is not None:
        return tr(lang, "cloze_hint")
    assert item.problem is not None
    answer = item.problem.answer
    how = "parts_help" if isinstance(answer, dict) else "matrix_help" if matrix_box else "answer_here"
    return f"{tr(lang, 'shape')}: {shape_label(item.problem, lang)} · {tr(lang, how)}"


def rating_bar(result: AnswerResult, labels: dict[int, str], lang: str) -> Text:
    """``Enter = Good: right in 14 s`` over the four ratings with their next intervals; the
    proposal is named in words, not only shown by colour."""
    text = Text()
    if result.proposal is not None:
        name = tr(lang, RATING_NAMES[result.proposal.rating])
        text.append(f"Enter = {name}", style="bold")
        text.append(f": {result.proposal.reason.get(lang)}\n")
    for rating in (1, 2, 3, 4):
        proposed = result.proposed == rating
        interval = f" {labels[rating]}" if rating in labels else ""
        label = f" {rating} {tr(lang, RATING_NAMES[rating])}{interval} "
        text.append(label, style="bold reverse" if proposed else "bold")
        text.append("◀ " if proposed else "  ")
    if not labels:
        text.append(tr(lang, "not_rescheduled"), style="dim")
    return text
