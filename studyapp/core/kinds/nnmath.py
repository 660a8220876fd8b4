"""Numbers that several kinds compute the same way: the size and the windows of a sliding window,
zero padding, the sigmoid on floats, SELU's constants, a comparison that forgives float rounding,
and the test generators use to reject an answer that is 0 at the decimals asked.

Pure functions without text (the worked steps that show them live with the kinds, and in
conv_sizes). This module imports no kind, so that kinds never import each other.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

# SELU's scale λ and α (Klambauer et al. 2017): the fixed point at mean 0 and variance 1.
SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def is_zero_at(value: float, decimals: int = 4) -> bool:
    """Whether ``value`` shows as 0 at ``decimals`` places: a generator redraws such an answer
    (a loss of 0.00000, a gradient that cancels, an output ReLU kills): nothing to compute."""
    return abs(value) < 0.5 * 10.0 ** -decimals


def output_size(w: int, f: int, p: int, s: int) -> int:
    """Output width of a window of width F sliding at stride S over a width W padded by P each side."""
    return (w - f + 2 * p) // s + 1


def pad(x: np.ndarray, p: int) -> np.ndarray:
    """Zero padding of the two spatial axes of a C×H×W array."""
    if not p:
        return x
    out = np.zeros((x.shape[0], x.shape[1] + 2 * p, x.shape[2] + 2 * p))
    out[:, p:-p, p:-p] = x
    return out


def windows(x: np.ndarray, f: int, s: int) -> np.ndarray:
    """The F×F windows of a C×H×W array at stride S, as a read-only H₂×W₂×C×F×F view."""
    c, h, w = x.shape
    h2, w2 = (h - f) // s + 1, (w - f) // s + 1
    sc, sh, sw = x.strides
    return as_strided(x, (h2, w2, c, f, f), (sh * s, sw * s, sc, sh, sw), writeable=False)


def sigmoid(z: float) -> float:
    """σ(z) without overflow for any finite z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def all_finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def compare(a: float, b: float) -> int:
    """1 if a > b, −1 if a < b, 0 when they are equal up to float rounding (1e-9, relative)."""
    if abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)):
        return 0
    return 1 if a > b else -1


def floats(values: Any) -> list[float]:
    return list(map(float, values))
