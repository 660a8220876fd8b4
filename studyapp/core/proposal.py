"""The rating a graded answer proposes, and the reason in words.

The rule a learner can follow: wrong is Again whatever its partial credit; right with a hint, or
a right value given to fewer decimal places than asked, is Hard; right is Good; Easy only for a
fast right answer to an item already in review (a first sight is never Easy, however fast: one
quick answer says little about memory).
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.core.bilingual import T, Text
from studyapp.core.scheduler import AGAIN, EASY, GOOD, HARD

# Seconds a learner who knows the item needs; a right review answered faster proposes Easy.
EXPECTED_SECONDS = {"card": 8, 1: 30, 2: 90, 3: 240}


@dataclass(frozen=True)
class Proposal:
    rating: int
    reason: Text


def duration_text(ms: int) -> Text:
    """``14 s``, ``2 min 5 s`` (``14 秒``, ``2 分 5 秒``)."""
    seconds = max(int(ms), 0) // 1000
    if seconds < 60:
        return T(f"{seconds} s", f"{seconds} 秒")
    return T(f"{seconds // 60} min {seconds % 60} s", f"{seconds // 60} 分 {seconds % 60} 秒")


def propose(correct: bool | None, hint_used: bool, elapsed_ms: int, expected_seconds: float,
            in_review: bool, coarse: bool = False) -> Proposal:
    """``correct`` None is a self-rated card (Good unless the learner says otherwise);
    ``in_review`` is True for an item already in the Review state (not new, not learning)."""
    took = duration_text(elapsed_ms)
    if correct is None:
        return Proposal(GOOD, T("rate how well you recalled it", "按你回忆的程度自评"))
    if not correct:
        return Proposal(AGAIN, T("wrong", "答错"))
    if coarse:
        return Proposal(HARD, T("right value, but not to the decimal places asked",
                                "数值正确,但没有保留要求的小数位数"))
    if hint_used:
        return Proposal(HARD, T(f"right with a hint, in {took.en}", f"看了提示后答对,用时 {took.zh}"))
    if in_review and elapsed_ms < expected_seconds * 1000:
        return Proposal(EASY, T(f"right in {took.en}, fast for a review",
                                f"{took.zh}内答对,复习时答得快"))
    return Proposal(GOOD, T(f"right in {took.en}", f"{took.zh}内答对"))
