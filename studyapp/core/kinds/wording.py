"""Phrases that many prompts share, in both languages, and ``T``, which every kind builds its texts
with: ``bilingual.T`` remembered."""

from __future__ import annotations

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


def plural(count: int, one: str, many: str) -> str:
    """``1 channel``, ``3 channels``: the English noun as a count takes it (Chinese has none)."""
    return f"{count} {one if count == 1 else many}"


def typeset_minus(text: str) -> str:
    """A hyphen-minus after a space or an opening bracket, a sign or a subtraction, as the minus
    sign U+2212 (``x = −1.5``, ``[[−1, 2]]``, ``a − b``), as print has it; hyphens inside words
    and exponents (``cross-correlate``, ``1e-08``) stay. The answer parser reads both signs, so a
    learner still types ``-``. Plain replaces: this runs on every prompt, a regex costs 7x more."""
    if "-" not in text:
        return text
    if text[0] == "-":
        text = "−" + text[1:]
    return text.replace(" -", " −").replace("[-", "[−").replace("(-", "(−").replace("\n-", "\n−")


def epochs(count: int) -> str:
    return plural(count, "epoch", "epochs")
