"""numfmt: numbers as a person reads them, memo or no memo."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from studyapp.core import numfmt
from studyapp.core.numfmt import format_answer, format_value, num, paren, sub, sup, vec


def plain_num(x: object, decimals: int = 4) -> str:
    """The rule written out, without the memo."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if abs(x) >= 1e16:
        return repr(x)
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


EDGES = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-10, -1e-10, 0.12345, 0.99995, -0.99995, 1e15,
         9.999999999999998e15, 1e16, -1e16, 1e20, -1e300, 5e-324, math.inf, -math.inf, math.nan, 3, -7, 0,
         True, False, 10**20, np.float64(0.25), np.int64(-4), np.float32(0.1)]


@pytest.mark.parametrize("decimals", [0, 1, 2, 4, 6, 9, 15, 16, 18])
def test_num_is_the_rule(decimals):
    values = EDGES + [random.Random(decimals).uniform(-1e6, 1e6) for _ in range(300)]
    for _ in range(2):  # the second time from the memo
        for x in values:
            assert num(x, decimals) == plain_num(x, decimals), (x, decimals)


def test_num_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(numfmt, "_NUM_MEMO", {})
    for i in range(60_000):
        num(i + 0.5, 3)
    assert len(numfmt._NUM_MEMO[3]) <= 50_000
    assert num(0.5, 3) == "0.5" and num(59_999.5, 3) == "59999.5"


@pytest.mark.parametrize("decimals", [0, 4, 9])
def test_paren_is_num_with_negatives_in_parentheses(decimals):
    for _ in range(2):  # the second time from the memo
        for x in EDGES:
            text = plain_num(x, decimals)
            assert paren(x, decimals) == (f"({text})" if text.startswith("-") else text)


def test_paren_vec_and_format_value():
    assert [paren(v) for v in (-1.5, 0.0, -0.0, 2, -3)] == ["(-1.5)", "0", "0", "2", "(-3)"]
    assert vec([1, -0.5, 0.123456], 3) == "[1, -0.5, 0.123]"
    assert format_value([[1.0, 2.5], [-0.0, 3]]) == "[[1, 2.5], [0, 3]]"
    assert format_value([[[1, 0], [0, 1]], [[2, 2], [2, 2]]]) == "[[[1, 0], [0, 1]], [[2, 2], [2, 2]]]"
    assert format_value([]) == "[]"
    assert format_answer({"loss": 0.25, "w": [1.0, -2.0]}) == "loss: 0.25; w: [1, -2]"


def test_sub_and_sup_of_any_text():
    for i in (0, 7, 10, 99, 100, 12345, -3):
        assert sub(i) == str(i).translate(numfmt.SUBSCRIPTS)
        assert sup(i) == str(i).translate(numfmt.SUPERSCRIPTS)
    assert sub("(2)") == "₍₂₎" and sup("(n)") == "⁽ⁿ⁾" and sub(True) == "True"
