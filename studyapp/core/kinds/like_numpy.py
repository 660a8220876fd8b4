"""Plain-Python stand-ins for NumPy on a handful of numbers, giving NumPy's results bit for bit.

A NumPy call costs about a microsecond before it does anything, more than the arithmetic of a
whole worked example, and generation used to make hundreds per problem. These functions do the
same IEEE operations in the same order on floats and lists. Where NumPy hands the work to a
library whose rounding or order depends on the machine (libm's exp and log, BLAS's dot), the
plain version is checked against NumPy on import and NumPy is used where they differ. Where the
order cannot be matched (matrix products, einsum), a kind keeps NumPy, or takes the plain path only
when the numbers make every order exact (``small_ints``). tests/core/kinds/test_like_numpy.py
compares each with NumPy. Pure functions without text; imports no kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

SMALL = 2**16  # products of two such ints and sums of many of them stay exact in a float


def _libm_agrees(np_fn: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
                 math_fn: Callable[[float], float], xs: list[float]) -> bool:
    """Whether NumPy's ``np_fn`` gives libm's ``math_fn`` on every probe (it does where NumPy
    calls libm; with AVX-512, NumPy has exp and log of its own, which differ in the last bit)."""
    got: list[float] = np_fn(np.asarray(xs)).tolist()
    return got == [math_fn(x) for x in xs]


_PROBES = [i / 37 for i in range(-700, 701)]  # -18.9 … 18.9, off the round numbers
_POSITIVE = [abs(x) + 1e-3 for x in _PROBES]
_LIBM = {name: _libm_agrees(getattr(np, name), getattr(math, name), xs)
         for name, xs in (("exp", _PROBES), ("expm1", _PROBES), ("log", _POSITIVE), ("log1p", _POSITIVE))}


def exp(x: float) -> float:
    """``float(np.exp(x))`` of one float, without NumPy's microsecond a call where libm gives the
    same; inf past the range, where math.exp raises."""
    if not _LIBM["exp"]:
        return float(np.exp(x))
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def expm1(x: float) -> float:
    """``float(np.expm1(x))`` of one float (no overflow: the kinds pass x ≤ 0)."""
    return math.expm1(x) if _LIBM["expm1"] else float(np.expm1(x))


def log(x: float) -> float:
    """``float(np.log(x))`` of one positive float."""
    return math.log(x) if _LIBM["log"] else float(np.log(x))


def log1p(x: float) -> float:
    """``float(np.log1p(x))`` of one float above −1 (inf stays inf)."""
    return math.log1p(x) if _LIBM["log1p"] else float(np.log1p(x))


def sigmoid_plain(z: float) -> float:
    """1 / (1 + e⁻ᶻ) computed as written, as NumPy computes it on an array (an overflowing e⁻ᶻ
    gives 0, as NumPy's inf does)."""
    return 1.0 / (1.0 + exp(-z))


def np_sum(values: list[float]) -> float:
    """``float(np.sum(values))`` without building an array: the same additions in the same order
    (NumPy adds up to 7 values one by one from 0.0, more in eight interleaved partial sums)."""
    return 0.0 + _pairwise(values, 0, len(values))


def _pairwise(v: list[float], lo: int, n: int) -> float:
    """NumPy's ``pairwise_sum`` (numpy/_core/src/umath/loops_utils.h.src), block size 128."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += v[i]
        return res
    if n <= 128:
        r = v[lo:lo + 8]
        end, i = lo + n - n % 8, lo + 8
        while i < end:
            for j in range(8):
                r[j] += v[i + j]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(end, lo + n):
            res += v[i]
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(v, lo, half) + _pairwise(v, lo + half, n - half)


def np_dot(a: list[float], b: list[float]) -> float:
    """``float(np.dot(a, b))`` of two float vectors: OpenBLAS's ddot adds fewer than 16 products
    one by one (checked on import); longer vectors, or another BLAS, go to NumPy."""
    if not 0 < len(a) < 16 or not _DDOT_IN_ORDER:
        return float(np.dot(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
    return _dot_in_order(a, b)


def _dot_in_order(a: list[float], b: list[float]) -> float:
    total = a[0] * b[0]
    for x, y in zip(a[1:], b[1:], strict=True):
        total += x * y
    return total


_DDOT_IN_ORDER = all(
    float(np.dot(np.asarray(a), np.asarray(b))) == _dot_in_order(a, b)
    for n in range(1, 16) for k in range(4)
    for a, b in [([math.sin(i * n + k) * 10 ** (i % 5 - 2) for i in range(n)],
                  [math.cos(i * n - k) * 10 ** (i % 3 - 1) for i in range(n)]),
                 ([-0.0] * n, [1.0] * n)]
)


def np_max(values: list[float]) -> float:
    """``float(np.max(values))``. The same number; only which zero NumPy returns when 0.0 and −0.0
    tie for the largest follows its vector loops, so that rare case asks NumPy."""
    top = max(values)
    if top == 0 and len({math.copysign(1.0, v) for v in values if v == 0}) > 1:
        return float(np.max(np.asarray(values, dtype=float)))
    return top


def column_sums(rows: list[list[float]]) -> list[float]:
    """``x.sum(axis=0)`` of an m×d nested list: NumPy sums a single column as ``np_sum`` does,
    several columns one row at a time from 0.0."""
    if len(rows[0]) == 1:
        return [np_sum([row[0] for row in rows])]
    sums = [0.0] * len(rows[0])
    for row in rows:
        sums = [s + v for s, v in zip(sums, row, strict=True)]
    return sums


def relu(v: float) -> float:
    """``np.maximum(v, 0)`` of one float: 0.0 for −0.0 and for negatives, NaN kept."""
    return v if v > 0 or v != v else 0.0


def small_ints(values: Iterable[Any]) -> bool:
    """Whether every value is an int (as a generator draws them) of magnitude at most 2¹⁶.

    Sums of products of such numbers are exact in any order and never −0.0, so a plain loop gives
    what NumPy's einsum or BLAS gives, whatever order those add in."""
    values = list(values)
    return set(map(type, values)) <= {int} and max(map(abs, values), default=0) <= SMALL


def pad_lists(x: list[list[list[Any]]], p: int) -> list[list[list[float]]]:
    """``nnmath.pad`` of a C×H×W nested list: floats, with ``p`` rings of 0.0 round each plane."""
    if not p:
        return [[[float(v) for v in row] for row in plane] for plane in x]
    width = len(x[0][0]) + 2 * p
    ring = [[0.0] * width for _ in range(p)]
    side = [0.0] * p
    return [[*map(list, ring), *([*side, *map(float, row), *side] for row in plane), *map(list, ring)]
            for plane in x]
