"""Param checks that several kinds share. Each message names the param, what it must be and what
was given, as ``Kind.validate`` reports it."""

from __future__ import annotations

from typing import Any

MAX_MAGNITUDE = 1e100  # squares and sums of squares of the values stay finite


def at_least_one(p: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{name} must be at least 1 (got {p[name]})" for name in names if p[name] < 1]


def magnitude_errors(name: str, values: list[float]) -> list[str]:
    big = max((abs(v) for v in values), default=0.0)
    if big > MAX_MAGNITUDE:
        return [f"values of {name} must lie within ±1e100 (got {big:g}): their squares would overflow"]
    return []


def plural(n: int, noun: str) -> str:
    """``1 entry``, ``3 entries``, ``2 rows``."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def shape_text(m: list[list[float]]) -> str:
    """The shape of a matrix as a message gives it: ``2×3``."""
    return f"{len(m)}×{len(m[0])}"
