"""Checking answers to cards (typed cloze gaps, chosen options) and proposing a rating."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studyapp.core.answer_parse import ParseError, parse_number
from studyapp.core.bilingual import T, Text
from studyapp.core.content import Card
from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD

# Seconds a learner who knows the item needs; faster than this proposes Easy.
EXPECTED_SECONDS = {"card": 8, 1: 30, 2: 90, 3: 240}


@dataclass(frozen=True)
class CardCheck:
    correct: bool
    score: float
    marks: list[bool]
    message: Text
    expected: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .。,，;；")  # a trailing full stop is not part of the answer  # noqa: B005


def gap_matches(typed: str, accepted: list[str]) -> bool:
    """Text equal up to case, width and spacing, or the same number (``0.5`` = ``1/2``)."""
    folded = _fold(typed)
    if any(folded == _fold(a) for a in accepted):
        return True
    try:
        value = parse_number(folded)
    except ParseError:
        return False
    for alt in accepted:
        try:
            if abs(parse_number(_fold(alt)) - value) <= 1e-9 * max(1.0, abs(value)):
                return True
        except ParseError:
            continue
    return False


def check_cloze(card: Card, typed: list[str], lang: str) -> CardCheck:
    gaps = card.gaps(lang)
    marks = [i < len(typed) and gap_matches(typed[i], accepted) for i, accepted in enumerate(gaps)]
    right = sum(marks)
    expected = "; ".join(accepted[0] for accepted in gaps)
    if right == len(gaps):
        return CardCheck(True, 1.0, marks, T("correct", "正确"), expected)
    wrong = len(gaps) - right
    message = T(f"{wrong} of {len(gaps)} gaps wrong", f"{len(gaps)} 个空中有 {wrong} 个不对")
    return CardCheck(False, right / len(gaps), marks, message, expected)


def check_choice(card: Card, chosen: set[int], lang: str) -> CardCheck:
    """``chosen`` are indexes into ``card.options`` (the content order, not the shown one)."""
    correct = {i for i, option in enumerate(card.options) if option.correct}
    marks = [(i in chosen) == (i in correct) for i in range(len(card.options))]
    expected = "; ".join(card.options[i].text.get(lang) for i in sorted(correct))
    if chosen == correct:
        return CardCheck(True, 1.0, marks, T("correct", "正确"), expected)
    missed, extra = len(correct - chosen), len(chosen - correct)
    return CardCheck(False, sum(marks) / len(marks), marks,
                     T(f"{missed} correct option(s) missed, {extra} wrong one(s) chosen",
                       f"漏选 {missed} 个正确选项,错选 {extra} 个"), expected)


def propose_rating(correct: bool, score: float, hint_used: bool, elapsed_ms: int,
                   expected_seconds: float) -> int:
    """Wrong → Again; right with a hint, or partly right → Hard; right → Good; right and fast → Easy."""
    if correct:
        if hint_used:
            return HARD
        return EASY if elapsed_ms < expected_seconds * 1000 else GOOD
    return HARD if score >= 0.5 else AGAIN
