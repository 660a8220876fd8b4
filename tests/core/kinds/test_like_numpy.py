"""like_numpy: every stand-in gives NumPy's float, bit for bit (repr compares signs of zero too)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studyapp.core.kinds import like_numpy as ln
from studyapp.core.kinds.nnmath import pad

RNG = np.random.default_rng(20261204)


def same(a: float, b: float) -> bool:
    return repr(float(a)) == repr(float(b))


def samples(n: int, count: int = 200) -> list[list[float]]:
    """Vectors of n floats over many magnitudes, with some all −0.0 and some whole numbers."""
    out = []
    for i in range(count):
        values = RNG.normal(size=n) * 10.0 ** RNG.uniform(-3, 3, size=n)
        if i % 10 == 0:
            values = -np.zeros(n)
        elif i % 10 == 1:
            values = np.round(values)
        out.append(values.tolist())
    return out


@pytest.mark.parametrize("n", [*range(0, 40), 127, 128, 129, 255, 256, 257, 1000, 1001])
def test_np_sum_adds_as_numpy_does(n):
    for values in samples(n, 60):
        assert same(ln.np_sum(values), np.sum(np.asarray(values, dtype=float)))


@pytest.mark.parametrize("n", range(1, 24))
def test_np_dot_is_numpys_dot(n):
    for a, b in zip(samples(n, 100), samples(n, 100), strict=True):
        assert same(ln.np_dot(a, b), np.dot(np.asarray(a), np.asarray(b)))


def test_np_max_picks_numpys_zero():
    for values in ([0.0, -0.0], [-0.0, 0.0], [-0.0, -1.0, 0.0], [-1.0, -0.0], [2.0, -0.0, 0.0], [-3.5]):
        assert same(ln.np_max(values), np.max(np.asarray(values)))
    for n in range(1, 30):
        for values in samples(n, 30):
            assert same(ln.np_max(values), np.max(np.asarray(values)))
        signs = RNG.choice([0.0, -0.0, -1.0], size=n).tolist()
        assert same(ln.np_max(signs), np.max(np.asarray(signs)))


@pytest.mark.parametrize("shape", [(m, d) for m in (1, 2, 3, 7, 8, 9, 17) for d in (1, 2, 3, 5, 9)])
def test_column_sums_are_sum_down_axis_0(shape):
    for _ in range(30):
        x = RNG.normal(size=shape) * 10.0 ** RNG.uniform(-3, 3, size=shape)
        got, want = ln.column_sums(x.tolist()), x.sum(axis=0).tolist()
        assert [repr(v) for v in got] == [repr(v) for v in want]


def test_exp_log_and_friends_are_numpys():
    xs = np.concatenate([np.linspace(-30, 30, 2001), RNG.uniform(-5, 5, 2000), [-0.0, 0.0]]).tolist()
    for x in xs:
        assert same(ln.exp(x), np.exp(x))
        assert same(ln.expm1(min(x, 0.0)), np.expm1(min(x, 0.0)))
        assert same(ln.log(abs(x) + 1e-9), np.log(abs(x) + 1e-9))
        assert same(ln.log1p(abs(x)), np.log1p(abs(x)))
        assert same(ln.sigmoid_plain(x), 1.0 / (1.0 + np.exp(-np.asarray([x])))[0])
    with np.errstate(over="ignore"):
        assert ln.exp(1000.0) == np.exp(1000.0) == math.inf
        assert ln.sigmoid_plain(-1000.0) == (1.0 / (1.0 + np.exp(np.asarray([1000.0]))))[0] == 0.0


def test_relu_is_np_maximum_with_0():
    for v in (-0.0, 0.0, 1.5, -1.5, math.inf, -math.inf, 5e-324, -5e-324):
        assert same(ln.relu(v), np.maximum(np.asarray([v]), 0)[0])
    assert math.isnan(ln.relu(math.nan))


def test_small_ints_only_for_ints_that_keep_sums_exact():
    assert ln.small_ints([0, 1, -2, 2**16, -(2**16)])
    assert ln.small_ints([])
    assert not ln.small_ints([1, 2.0])  # a float, even a whole one, takes NumPy's path
    assert not ln.small_ints([True, 1])
    assert not ln.small_ints([2**16 + 1])


@pytest.mark.parametrize("p", [0, 1, 2])
def test_pad_lists_is_nnmath_pad(p):
    for shape in ((1, 3, 3), (2, 4, 5), (3, 2, 2)):
        x = RNG.integers(-3, 4, size=shape).tolist()
        want = pad(np.asarray(x, dtype=float), p).tolist()
        got = ln.pad_lists(x, p)
        assert got == want
        assert all(type(v) is float for plane in got for row in plane for v in row)
        got[0][0][0] = 99.0  # rows are independent lists, not one row shared
        assert all(got[0][r][0] != 99.0 for r in range(1, len(got[0])))
