"""Phrases that many prompts share, in both languages."""

from __future__ import annotations


def decimals_clause(lang: str, decimals: int) -> str:
    if lang == "zh":
        return f"结果保留 {decimals} 位小数。"
    return f"Give the result to {decimals} decimal places."


def exact_clause(lang: str) -> str:
    return "答案为整数。" if lang == "zh" else "The answer is a whole number."


def shape_clause(lang: str, shape: tuple[int, ...]) -> str:
    dims = "×".join(str(s) for s in shape)
    if lang == "zh":
        return f"答案是一个 {dims} 矩阵。" if len(shape) == 2 else f"答案是长度为 {dims} 的向量。"
    return f"The answer is a {dims} matrix." if len(shape) == 2 else f"The answer is a vector of {dims}."


def sum_text(terms: list[str]) -> str:
    """The terms of a worked sum, ``a + b + c``; an empty sum is written 0."""
    return " + ".join(terms) if terms else "0"
