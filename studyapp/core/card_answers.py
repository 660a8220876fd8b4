"""Reading and checking answers to cards: typed cloze gaps, chosen options.

The faces pass what the learner typed; splitting it into gaps happens here, so a cloze typed
with a Chinese IME (``D；27``) reads exactly as the same answer typed in ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studyapp.core.answer_parse import ParseError, parse_number
from studyapp.core.bilingual import T, Text
from studyapp.core.content import Card
from studyapp.core.grading import CORRECT

# ';' and the full-width '；' separate gaps (NFKC folds the second into the first).
_GAP_SEPARATOR = re.compile(r"[;；]")
_CHOICE_SEPARATOR = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class CardCheck:
    correct: bool
    score: float
    marks: list[bool]
    message: Text
    expected: str
    readable: bool = True


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


def split_gaps(text: str) -> list[str]:
    """The gaps of a typed cloze answer: ``D；27`` → ``["D", "27"]``."""
    return [part.strip() for part in _GAP_SEPARATOR.split(text)]


def _unreadable(message: Text, expected: str) -> CardCheck:
    return CardCheck(False, 0.0, [], message, expected, readable=False)


def check_cloze(card: Card, typed: str, lang: str) -> CardCheck:
    """Grade typed gaps, separated by ``;`` or ``；``. An empty answer, or another number of gaps
    than the card has, is not graded: the check is unreadable and says what is expected."""
    gaps = card.gaps(lang)
    expected = "; ".join(accepted[0] for accepted in gaps)
    parts = split_gaps(typed)
    if not any(parts):
        return _unreadable(T("the answer is empty: type the missing words, or Space to flip",
                             "答案为空:请填入缺少的词,或按空格翻面"), expected)
    if len(parts) != len(gaps):
        sep = "; ".join(f"…{i}" for i in range(1, len(gaps) + 1))
        return _unreadable(T(f"this card has {len(gaps)} gaps and you typed {len(parts)}: "
                             f"separate them with ; ({sep})",
                             f"本卡有 {len(gaps)} 个空,你填了 {len(parts)} 个:用 ; 或 ; 分隔({sep})"),
                           expected)
    marks = [gap_matches(part, accepted) for part, accepted in zip(parts, gaps, strict=True)]
    right = sum(marks)
    if right == len(gaps):
        return CardCheck(True, 1.0, marks, CORRECT, expected)
    wrong = len(gaps) - right
    message = T(f"{wrong} of {len(gaps)} gaps wrong", f"{len(gaps)} 个空中有 {wrong} 个不对")
    return CardCheck(False, right / len(gaps), marks, message, expected)


def read_choice(typed: str, option_order: list[int]) -> set[int] | Text:
    """Typed option numbers as shown (``1 3``, ``1，3``) → content indexes, or what is wrong."""
    tokens = [t for t in _CHOICE_SEPARATOR.split(unicodedata.normalize("NFKC", typed)) if t]
    chosen: set[int] = set()
    for token in tokens:
        if not token.isdigit() or not 1 <= int(token) <= len(option_order):
            return T(f"'{token}' is not an option: choose 1 to {len(option_order)}",
                     f"'{token}' 不是选项:请选 1 到 {len(option_order)}")
        chosen.add(option_order[int(token) - 1])
    return chosen


def check_choice(card: Card, chosen: set[int], lang: str) -> CardCheck:
    """``chosen`` are indexes into ``card.options`` (the content order, not the shown one).
    Nothing chosen is not an answer."""
    correct = {i for i, option in enumerate(card.options) if option.correct}
    expected = "; ".join(card.options[i].text.get(lang) for i in sorted(correct))
    if not chosen:
        return _unreadable(T("choose at least one option (its number), then Enter",
                             "请至少选一个选项(按它的编号),再按 Enter"), expected)
    marks = [(i in chosen) == (i in correct) for i in range(len(card.options))]
    if chosen == correct:
        return CardCheck(True, 1.0, marks, CORRECT, expected)
    missed, extra = len(correct - chosen), len(chosen - correct)
    en = [f"missed {missed} right option{'s' * (missed > 1)}"] if missed else []
    en += [f"chose {extra} wrong option{'s' * (extra > 1)}"] if extra else []
    zh = [f"漏选 {missed} 个正确选项"] if missed else []
    zh += [f"错选 {extra} 个"] if extra else []
    return CardCheck(False, sum(marks) / len(marks), marks, T(", ".join(en), ",".join(zh)), expected)
