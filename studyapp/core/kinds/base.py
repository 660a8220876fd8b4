"""What a problem kind is: its params, its generator knobs, its solver.

A kind turns a template's knobs and an RNG into params (``generate``), checks
params that a person typed (``validate``), and computes the answer with a
worked solution (``solve``). Params are plain JSON values, so an exercise set
can be re-solved by any other tool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.knobs import Knobs as Knobs  # re-exported: kinds import it from here
from studyapp.core.steps import Step

REQUIRED = object()


class ParamError(ValueError):
    """Params that cannot be solved; the message names every problem found."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # number | int | bool | choice | vector | matrix | tensor3 | tensor4
    doc: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Knob:
    """A generator setting a template may fix, list choices for, or give a range to."""

    name: str
    type: str  # int | number | choice | bool
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Solution:
    answer: Any
    steps: list[Step]


@dataclass
class Kind:
    name: str
    summary: Text
    params: tuple[Param, ...]
    knobs: tuple[Knob, ...]
    decimals: int = 4  # decimals the prompt asks for
    exact: bool = False  # integer answers (sizes, counts) must match exactly
    tolerance: tuple[float, float] | None = None  # (abs, rel) when the decimals rule is too loose
    figures: tuple[str, ...] = ()  # the figure types its steps carry (``core.figure``)
    knob_index: dict[str, Knob] = field(init=False, repr=False)
    defaults: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.knob_index = {k.name: k for k in self.knobs}
        self.defaults = {p.name: p.default for p in self.params if p.default is not REQUIRED}

    def complete(self, params: dict[str, Any]) -> dict[str, Any]:
        """Generated params with every optional param present, as ``validate`` would give them."""
        if self.defaults.keys() <= params.keys():  # most generators give every param
            return params
        missing = {k: v for k, v in self.defaults.items() if k not in params}
        return {**params, **missing}

    # --- to be provided by each kind -------------------------------------------------
    def generate(self, knobs: Knobs) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, p: dict[str, Any]) -> list[str]:
        """Errors of params that have the right types but do not fit together."""
        return []

    def solve(self, p: dict[str, Any]) -> Solution:
        raise NotImplementedError

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        raise NotImplementedError

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        """The usual wrong computations for these params (see ``core.diagnosis``)."""
        return []

    # --- shared ----------------------------------------------------------------------
    def validate(self, raw: Any) -> dict[str, Any]:
        """Typed, complete params from a JSON object; ParamError names every fault."""
        if not isinstance(raw, dict):
            raise ParamError(f"params for '{self.name}' must be a JSON object")
        errors: list[str] = []
        out: dict[str, Any] = {}
        known = {p.name for p in self.params}
        for name in raw:
            if name not in known:
                errors.append(f"unknown param '{name}' (expected: {', '.join(sorted(known))})")
        for spec in self.params:
            if spec.name not in raw or (raw[spec.name] is None and spec.default is None):
                if spec.default is REQUIRED:
                    errors.append(f"missing param '{spec.name}' ({spec.type}: {spec.doc})")
                else:
                    out[spec.name] = spec.default
                continue
            value, error = coerce(spec, raw[spec.name])
            if error:
                errors.append(f"param '{spec.name}' {error}")
            else:
                out[spec.name] = value
        if not errors:
            errors = self.check(out)
        if errors:
            raise ParamError("; ".join(errors))
        return out


def _is_number(x: Any) -> bool:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x) and abs(x) < 1e300  # keeps every product of params finite
    except OverflowError:  # an integer too large for a float
        return False


def _numbers(x: Any) -> list[float] | None:
    if isinstance(x, list) and x and all(_is_number(v) for v in x):
        return [float(v) for v in x]
    return None


def _matrix(x: Any) -> list[list[float]] | None:
    if not isinstance(x, list) or not x:
        return None
    rows = [_numbers(row) for row in x]
    if any(r is None for r in rows) or len({len(r) for r in rows if r}) != 1:
        return None
    return rows  # type: ignore[return-value]


def coerce(spec: Param, value: Any) -> tuple[Any, str | None]:
    """``value`` converted to the param's type, or an error saying what was expected."""
    t = spec.type
    if t == "number":
        return (float(value), None) if _is_number(value) else (None, "must be a finite number")
    if t == "int":
        if _is_number(value) and float(value).is_integer():
            return int(value), None
        return None, "must be a whole number"
    if t == "bool":
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if t == "choice":
        if value in spec.choices:
            return value, None
        return None, f"must be one of {', '.join(spec.choices)}"
    if t == "vector":
        v = _numbers(value)
        return (v, None) if v is not None else (None, "must be a non-empty list of numbers")
    if t == "matrix":
        m = _matrix(value)
        if m is None:
            return None, "must be a matrix: a list of equally long lists of numbers"
        return m, None
    if t == "tensor3":
        if _matrix(value) is not None:  # one channel given as a plain matrix
            return [_matrix(value)], None
        if isinstance(value, list) and value:
            planes = [_matrix(v) for v in value]
            # each plane is rectangular and non-empty, so its shape is (rows, length of row 0)
            shapes = {None if m is None else (len(m), len(m[0])) for m in planes}
            if None not in shapes and len(shapes) == 1:
                return planes, None
        return None, "must be C matrices of one shape (C×H×W), or one H×W matrix"
    if t == "tensor4":
        if isinstance(value, list) and value:
            stacks = [coerce(_TENSOR3, one)[0] for one in value]
            if all(s is not None for s in stacks) and len({np.shape(s) for s in stacks}) == 1:
                return stacks, None
        return None, ("must be K filters of one shape, K×C×F×F (a list of C×F×F filters; "
                      "each may be one F×F matrix when C = 1)")
    raise AssertionError(f"unknown param type {t}")


_TENSOR3 = Param("filter", "tensor3", "one C×F×F stack")
