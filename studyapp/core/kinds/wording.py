"""Phrases that many prompts share, in both languages, and ``T``, which every kind builds its texts
with: ``bilingual.T`` remembered."""

from __future__ import annotations

import re
from functools import lru_cache

from studyapp.core.bilingual import T as text
from studyapp.core.bilingual import Text


@lru_cache(maxsize=4096)
def T(en: str, zh: str) -> Text:  # noqa: N802 - bilingual.T, as the kinds have always called it
    """``bilingual.T(en, zh)``, built once: a kind gives the same step titles and notes to every
    problem it makes (nine calls in ten), and a Text is immutable."""
    return text(en, zh)


@lru_cache(maxsize=64)
def decimals_clause(lang: str, decimals: int) -> str:
    if lang == "zh":
        return f"结果保留 {decimals} 位小数。"
    return f"Give the result to {decimals} decimal places."


def exact_clause(lang: str) -> str:
    return "答案为整数。" if lang == "zh" else "The answer is a whole number."


def shape_clause(lang: str, shape: tuple[int, ...]) -> str:
    dims = "×".join([str(s) for s in shape])
    if lang == "zh":
        return f"答案是一个 {dims} 矩阵。" if len(shape) == 2 else f"答案是长度为 {dims} 的向量。"
    return f"The answer is a {dims} matrix." if len(shape) == 2 else f"The answer is a vector of {dims}."


def sum_text(terms: list[str]) -> str:
    """The terms of a worked sum, ``a + b + c``; an empty sum is written 0."""
    return " + ".join(terms) if terms else "0"


def answer_form(lang: str, form: str) -> str:
    """How to type a multi-part answer, e.g. ``Answer as “sum: …; output: …”.``"""
    return f"按“{form}”作答。" if lang == "zh" else f"Answer as “{form}”."


def plural(count: int, one: str, many: str) -> str:
    """``1 channel``, ``3 channels``: the English noun as a count takes it (Chinese has none)."""
    return f"{count} {one if count == 1 else many}"


# A hyphen-minus that is a number's sign: after a space, an opening bracket, a comma or "=" (or
# at the start), before a digit; never inside a word ("e-08"), a range ("2-3") or after ")".
_SIGN = re.compile(r"(?<![\w)\]}.])-(?=\.?\d)")


def typeset_minus(text: str) -> str:
    """Every negative number's sign as the minus sign U+2212 (``x = −1.5``), as print has it;
    the answer parser reads both signs, so a learner still types ``-``."""
    return _SIGN.sub("−", text) if "-" in text else text
