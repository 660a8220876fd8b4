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
    monkeypatch.setattr(numfmt, "_NUM_MEMO", numfmt._Memos(numfmt._format_float))
    for i in range(60_000):
        num(i + 0.5, 3)
    assert len(numfmt._NUM_MEMO[3]) <= 50_000
    assert num(0.5, 3) == "0.5" and num(59_999.5, 3) == "59999.5"


def test_num_and_paren_memos_keep_each_number_of_decimals_apart():
    assert [num(2.71828, d) for d in (0, 2, 4)] == ["3", "2.72", "2.7183"]
    assert [paren(-2.71828, d) for d in (0, 2, 4)] == ["(-3)", "(-2.72)", "(-2.7183)"]
    assert num(-0.00001, 4) == "0" and paren(-0.00001, 4) == "0"  # rounds to 0: no sign, no parentheses


def plain_grid(matrix, decimals=4):
    """The grid rule written out: right-aligned columns, two spaces apart, inside brackets."""
    cells = [[plain_num(v, decimals) for v in row] for row in matrix]
    if not cells or not cells[0]:
        return ["[ ]"]
    widths = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    body = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    if len(body) == 1:
        return [f"[ {body[0]} ]"]
    return [f"⎡ {body[0]} ⎤", *(f"⎢ {b} ⎥" for b in body[1:-1]), f"⎣ {body[-1]} ⎦"]


def test_grid_is_the_rule():
    rng = random.Random(7)
    for _ in range(300):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        pick = rng.choice([lambda: rng.randint(-120, 120), lambda: round(rng.uniform(-50, 50), 3),
                           lambda: rng.choice([0.0, -0.0, 1e-9, 12345.678901, -7, 3])])
        matrix = [[pick() for _ in range(cols)] for _ in range(rows)]
        for decimals in (0, 2, 4):
            assert numfmt.grid(matrix, decimals) == plain_grid(matrix, decimals), (matrix, decimals)
    assert numfmt.grid([]) == numfmt.grid([[]]) == ["[ ]"]
    with pytest.raises(ValueError):  # ragged rows are no matrix
        numfmt.grid([[1, 2], [3]])


def test_tensor_grids_draws_matrices_and_tensors_only():
    params = {"x": [1.5, -2], "n": 3, "input": ([1, -20], [300, 4]), "empty": [],
              "kernels": [[[[1]], [[-1]]]], "stack": [[[0.5, 1]]]}
    assert numfmt.tensor_grids(params) == [
        "input =", "  ⎡   1  -20 ⎤", "  ⎣ 300    4 ⎦",
        "kernels =", "  [filter 0, channel 0]", "  [ 1 ]", "  [filter 0, channel 1]", "  [ -1 ]",
        "stack =", "  [channel 0]", "  [ 0.5  1 ]"]
    assert numfmt.tensor_grids(params, "zh")[0] == "输入 ="


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
