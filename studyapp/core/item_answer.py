"""What the learner typed for one study item, read and graded: every item type takes text.

A problem's answer, a cloze's gaps (``;`` or ``；`` between them) and a choice's option numbers
are all read here, so a face passes the typed string and shows the result. A text that cannot
be read as an answer of the expected form comes back ``readable=False`` with a message saying
what is wrong and what is expected; it is not an answer, and nothing may be logged for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studyapp.core.answer_parse import MAX_LENGTH, too_long
from studyapp.core.bilingual import T, Text
from studyapp.core.card_answers import check_choice, check_cloze, read_choice
from studyapp.core.numfmt import format_answer
from studyapp.core.proposal import EXPECTED_SECONDS, Proposal, propose
from studyapp.core.scheduler import REVIEW
from studyapp.core.steps import Step
from studyapp.core.study_item import StudyItem


@dataclass(frozen=True)
class AnswerResult:
    correct: bool | None  # None for a self-rated card
    score: float
    proposal: Proposal | None  # the rating the grade suggests and why; None when unreadable
    message: Text
    expected: str
    marks: Any = None
    steps: list[Step] = field(default_factory=list)
    mistake: Any = None
    value: Any = None  # what was read from a typed problem answer (a dict for parts)
    readable: bool = True  # False: not an answer (unreadable, wrong shape, empty); ask again

    @property
    def proposed(self) -> int | None:
        return None if self.proposal is None else self.proposal.rating


def read_answer(item: StudyItem, text: str | None, chosen: set[int] | None, hint_used: bool,
                elapsed_ms: int, lang: str) -> AnswerResult:
    if text is not None and len(text) > MAX_LENGTH:  # refused before any parsing, whatever the item
        return _unreadable(too_long(text), "")
    in_review = not item.state.is_new and item.state.state == REVIEW and item.reason == "review"
    if item.problem is not None:
        grade = item.problem.grade(text or "")
        expected = format_answer(item.problem.answer, item.problem.decimals)
        if not grade.readable:
            return _unreadable(grade.message, expected)
        seconds = EXPECTED_SECONDS[item.problem.template.difficulty]
        marks = {k: g.marks for k, g in grade.parts.items()} if grade.parts else grade.marks
        return AnswerResult(grade.correct, grade.score,
                            propose(grade.correct, hint_used, elapsed_ms, seconds, in_review,
                                    coarse=grade.coarse > 0),
                            grade.message, expected, marks, item.problem.steps, grade.mistake,
                            grade.values())
    card = item.card
    assert card is not None
    if card.type == "basic":
        return reveal_answer(item, lang)
    if card.type == "choice":
        if chosen is None:
            read = read_choice(text or "", item.option_order)
            if isinstance(read, Text):
                return _unreadable(read, "")
            chosen = read
        check = check_choice(card, chosen, lang)
    else:
        check = check_cloze(card, text or "", lang)
    if not check.readable:
        return _unreadable(check.message, check.expected)
    return AnswerResult(check.correct, check.score,
                        propose(check.correct, hint_used, elapsed_ms, EXPECTED_SECONDS["card"], in_review),
                        check.message, check.expected, check.marks)


def reveal_answer(item: StudyItem, lang: str) -> AnswerResult:
    """A basic card flipped, or a cloze flipped without typing: the learner rates themselves."""
    card = item.card
    assert card is not None
    expected = card.back.get(lang) if card.type == "basic" and card.back else \
        "; ".join(g[0] for g in card.gaps(lang)) if card.type == "cloze" else ""
    return AnswerResult(None, 1.0, propose(None, False, 0, 0, False), T("rate yourself", "请自评"), expected)


def _unreadable(message: Text, expected: str) -> AnswerResult:
    return AnswerResult(False, 0.0, None, message, expected, readable=False)
