"""Grading a typed answer against the solver's answer.

A grade says right or wrong, the share of entries right (partial credit),
which entries are wrong, and in one line what was wrong and what was expected.
It never raises, whatever the text.

Graded as asked: when the prompt asks for d decimal places, an entry is right when it is within one
unit of the d-th place of the answer rounded to d places (so the rounded and the truncated answer
both pass, and a more precise value within that too). An entry typed with fewer places than asked
(but at least one) that is the answer rounded or cut to its own places (``3.05`` for 3.04859 asked
to 4 places) is a right value not given as asked: half credit, and the grade says so (the session
proposes Hard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studyapp.core.answer_parse import (
    MAX_LENGTH,
    ParseError,
    parse_value,
    split_parts,
    too_long,
    typed_places,
)
from studyapp.core.bilingual import T, Text
from studyapp.core.numfmt import shape_text, shape_zh

DEFAULT_REL = 0.005  # the rule of a tolerance given as (abs, rel), when no places are asked
COARSE_CREDIT = 0.5  # an entry with the right value given to fewer places than asked
_SLACK = 1 + 1e-9  # binary floating point: 0.1 + 0.2 is not 0.3

CORRECT = T("correct", "正确")  # the whole message of a right answer: nothing more to say


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Either the decimal places the prompt asks for (the rule in the module's docstring), or an
    absolute and relative tolerance (``decimals`` None: a template that asks for no places)."""

    abs: float
    rel: float
    decimals: int | None = None

    @classmethod
    def for_decimals(cls, decimals: int) -> Tolerance:
        return cls(abs=10.0 ** (-decimals), rel=0.0, decimals=decimals)

    def close(self, got: np.ndarray, expected: np.ndarray) -> np.ndarray:
        within: np.ndarray
        if self.decimals is None:
            within = np.abs(got - expected) <= np.maximum(self.abs, self.rel * np.abs(expected))
            return within
        rounded = np.round(expected, self.decimals)
        # one unit of the last place, and a few of the float itself (a large value's last places
        # are not exact in binary: 703687441776.925 rounds to …776.92 in NumPy, …776.93 in print)
        within = np.abs(got - rounded) <= self.abs * _SLACK + 8 * np.spacing(np.abs(rounded))
        return within

    def coarse(self, got: np.ndarray, expected: np.ndarray, places: np.ndarray) -> np.ndarray:
        """Entries typed with at least one but fewer places than asked (``places``; -1 where
        unknown) that are the answer rounded or cut to those places (not 0.0 for an answer that
        is not 0)."""
        if self.decimals is None:
            return np.zeros(np.shape(got), dtype=bool)
        fewer = (places >= 1) & (places < self.decimals)  # a whole number typed is not a place given
        unit = 10.0 ** -np.where(fewer, places, 0).astype(float)
        coarse: np.ndarray = fewer & (got != 0) & (np.abs(got - expected) < unit * _SLACK)
        return coarse


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float  # share of entries right, 0..1
    message: Text
    value: Any = None  # what was read from the text, when it could be read
    marks: Any = None  # True/False per entry, shaped like the expected answer (True: the value is right)
    parts: dict[str, Grade] = field(default_factory=dict)
    mistake: Any = None  # a ``diagnosis.Mistake`` when the wrong answer matches a known one
    # False when the text could not be read as an answer of the expected form (not a number,
    # another shape, parts that cannot be told apart, empty): such a text is not an answer,
    # so a study session asks again instead of grading it, and ``message`` says why.
    readable: bool = True
    # Right values given to fewer decimal places than asked (``Tolerance.coarse``), this many
    # entries: the grade is right with partial credit, and the session proposes Hard.
    coarse: int = 0

    def values(self) -> Any:
        """What was read: a value, or a dict of the parts that could be read."""
        if self.parts:
            return {k: g.value for k, g in self.parts.items() if g.value is not None}
        return self.value


def _shape_of(value: Any) -> tuple[int, ...]:
    return tuple(np.shape(value))


def _fit_shape(value: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """The parsed value as an array of ``shape``, or None when it has another shape.

    Only unit dimensions may differ: a row or column typed for a vector, ``[x]`` for a
    number. A 2×2 matrix is not a vector of 4.
    """
    arr = np.asarray(value, dtype=float)
    if arr.shape == shape:
        return arr
    if len(shape) == 3 and arr.shape == (shape[0] * shape[1], shape[2]):
        return arr.reshape(shape)  # channels typed one after another, one row per line
    if arr.size == int(np.prod(shape)) and (
        tuple(d for d in arr.shape if d != 1) == tuple(d for d in shape if d != 1)
    ):
        return arr.reshape(shape)
    return None


def grade_value(text: str, expected: Any, tol: Tolerance, exact: bool = False) -> Grade:
    """Grade one number, vector or matrix."""
    shape = _shape_of(expected)
    try:
        value = parse_value(text)
    except ParseError as exc:
        return Grade(False, 0.0, T(f"{exc}; expected {shape_text(shape)}",
                                   f"{exc.zh};应为{shape_zh(shape)}"), readable=False)
    got = _fit_shape(value, shape)
    if got is None:
        return Grade(False, 0.0, T(f"expected {shape_text(shape)}, got {shape_text(_shape_of(value))}",
                                   f"应为{shape_zh(shape)},实际为{shape_zh(_shape_of(value))}"),
                     value=value, readable=False)
    exp = np.asarray(expected, dtype=float)
    if exact:
        ok = got == exp
        coarse = np.zeros(ok.shape, dtype=bool)
    else:
        ok = tol.close(got, exp)
        coarse = ~ok & tol.coarse(got, exp, _places(text, ok.shape))
    right, near = int(np.count_nonzero(ok)), int(np.count_nonzero(coarse))
    total = max(int(ok.size), 1)
    shown = ok | coarse
    marks = shown.tolist() if shape else bool(shown)
    if right == total:
        return Grade(True, 1.0, CORRECT, value=got.tolist(), marks=marks)
    score = (right + COARSE_CREDIT * near) / total
    if right + near == total:
        places = tol.decimals
        zh = f"数值正确;请保留 {places} 位小数"
        message = (T(f"right values; give them to {places} decimal places", zh) if shape
                   else T(f"right value; give it to {places} decimal places", zh))
        return Grade(True, score, message, value=got.tolist(), marks=marks, coarse=near)
    if not shape:
        return Grade(False, 0.0, T("not the expected value", "数值不对"), value=got.tolist(),
                     marks=marks)
    wrong = total - right - near
    return Grade(False, score,
                 T(f"{wrong} of {total} entries wrong", f"{total} 个元素中有 {wrong} 个不对"),
                 value=got.tolist(), marks=marks, coarse=near)


def _places(text: str, shape: tuple[int, ...]) -> np.ndarray:
    """The places each entry was typed with, shaped like the answer; -1 where not known (a
    fraction, or a text whose numbers cannot be matched one to one with the entries)."""
    size = int(np.prod(shape)) if shape else 1
    places = typed_places(text)
    if len(places) != size:
        return np.full(shape, -1)
    return np.array([-1 if p is None else p for p in places]).reshape(shape)


def grade(text: str, expected: Any, tol: Tolerance, exact: bool = False) -> Grade:
    """Grade typed text against an answer: a value, or a dict of labelled parts.

    Parts score by part: the score is the share of parts right, a missing part is wrong, and
    one labelled part alone is graded as that part. A part that is given but cannot be read
    (or has another shape) makes the whole answer unreadable, naming the part.
    """
    if not isinstance(text, str):
        return Grade(False, 0.0, T("the answer must be text", "答案必须是文本"), readable=False)
    if len(text) > MAX_LENGTH:  # refused before any parsing, whatever the kind
        return Grade(False, 0.0, too_long(text), readable=False)
    if not isinstance(expected, dict):
        return grade_value(text, expected, tol, exact)
    keys = list(expected)
    form = "; ".join(f"{k}: …" for k in keys)
    try:
        raw = split_parts(text, keys)
    except ParseError as exc:
        return Grade(False, 0.0, T(f"{exc} (answer as {form})", f"{exc.zh}(请按 {form} 作答)"),
                     readable=False)
    if not any(chunk.strip() for chunk in raw.values()):
        return Grade(False, 0.0, T(f"the answer is empty (answer as {form})", f"答案为空(请按 {form} 作答)"),
                     readable=False)
    parts: dict[str, Grade] = {}
    for key in keys:
        if raw.get(key, "").strip():
            parts[key] = grade_value(raw[key], expected[key], tol, exact)
            if not parts[key].readable:
                message = parts[key].message
                return Grade(False, 0.0, T(f"{key}: {message.en}", f"{key}:{message.zh}"), readable=False)
        else:
            parts[key] = Grade(False, 0.0, T("missing", "缺少"))
    bad = [k for k, g in parts.items() if not g.correct]
    near = sum(g.coarse for g in parts.values())
    score = sum(g.score if g.correct else 0.0 for g in parts.values()) / len(parts)
    if not bad and not near:
        return Grade(True, 1.0, CORRECT, parts=parts)
    if not bad:
        places = tol.decimals
        return Grade(True, score, T(f"right values; give them to {places} decimal places",
                                    f"数值正确;请保留 {places} 位小数"), parts=parts, coarse=near)
    en = "; ".join(f"{k}: {parts[k].message.en}" for k in bad)
    zh = "; ".join(f"{k}:{parts[k].message.zh}" for k in bad)
    message = T(f"{len(bad)} of {len(parts)} parts wrong ({en})",
                f"{len(parts)} 个部分中有 {len(bad)} 个不对({zh})")
    return Grade(False, score, message, parts=parts, coarse=near)
