"""Knobs: a template's generator settings resolved against the raw stream of a seeded RNG.

A spec is a fixed value, a list of values to choose from, or a range ``{min, max, step}`` (step 1
when omitted). Every draw comes from the raw 64-bit stream of the seeded bit generator, which
NumPy keeps identical across versions and machines (unlike the Generator's derived
distributions), so a seed gives the same numbers everywhere. Imports no other kind module.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np


class HasKnobs(Protocol):
    """What Knobs needs of a kind: its knobs by name (``base.Kind.knob_index``)."""

    knob_index: dict[str, Any]


class Knobs:
    """A template's knob specs resolved against an RNG. The specs are read once per dict and
    must not change afterwards (a loaded template's never do)."""

    def __init__(self, kind: HasKnobs, specs: dict[str, Any],
                 rng: np.random.Generator | np.random.BitGenerator | Any):
        self.kind = kind
        self.specs = specs
        self.bits = rng.bit_generator if isinstance(rng, np.random.Generator) else rng
        self._raw: list[int] = []
        self._table = _draw_table(kind, specs)

    def below(self, n: int) -> int:
        """A uniform integer in [0, n); the modulo bias is below n / 2⁶⁴."""
        return (self._raw or self._refill()).pop() % n

    def _refill(self) -> list[int]:
        self._raw = self.bits.random_raw(64).tolist()
        return self._raw

    def spec(self, name: str) -> Any:
        spec = self.specs.get(name, _DEFAULT)
        return self.kind.knob_index[name].default if spec is _DEFAULT else spec

    def pick(self, name: str) -> Any:
        values, drawn = self._table[name]
        if not drawn:
            return values
        # ``below`` inlined: a problem makes a dozen draws, and every call costs
        return values[(self._raw or self._refill()).pop() % len(values)]

    def int(self, name: str) -> int:
        values, drawn = self._table[name]  # ``pick`` inlined, as there
        if not drawn:
            return int(values)
        return int(values[(self._raw or self._refill()).pop() % len(values)])

    def one(self, spec: Any) -> Any:
        """One number drawn from a spec (fixed, list, or range on a grid)."""
        if isinstance(spec, dict):
            spec = range_grid(spec)
        elif not isinstance(spec, list):
            return spec
        return spec[self.below(len(spec))]

    def many(self, spec: Any, size: builtins.int) -> list[Any]:
        if isinstance(spec, dict):
            spec = range_grid(spec)
        elif not isinstance(spec, list):
            return [spec] * size
        return self._many(spec, size)

    def _many(self, values: Sequence[Any], size: builtins.int) -> list[Any]:
        """What ``size`` calls of ``below`` would draw: the block's end popped a slice at a time."""
        n, raw = len(values), self._raw
        if 0 < size <= len(raw):  # the usual case: one slice
            drawn = [values[r % n] for r in raw[:-size - 1:-1]]
            del raw[-size:]
            return drawn
        drawn = []
        while size > 0:
            if not raw:
                raw = self._refill()
            take = min(size, len(raw))
            drawn += [values[r % n] for r in raw[:-take - 1:-1]]
            del raw[-take:]
            size -= take
        return drawn

    def values(self, name: str, shape: tuple[builtins.int, ...], avoid_zero: bool = False) -> list[Any]:
        """Nested lists of ``shape`` drawn from the knob (ints on an integer grid, for tidy JSON)."""
        size = 1
        for n in shape:
            size *= n
        values, drawn = self._table[name]
        flat = self._many(values, size) if drawn else [values] * size
        if avoid_zero and drawn and 0 in flat:  # (the scan in C first: most draws have no zero)
            for index, v in enumerate(flat):
                for _ in range(20):
                    if v != 0:
                        break
                    v = values[self.below(len(values))]
                flat[index] = v
        for n in reversed(shape[1:]):
            flat = [flat[i:i + n] for i in range(0, len(flat), n)]
        return flat


_DEFAULT = object()  # a knob the template does not set


def _draw_table(kind: HasKnobs, specs: dict[str, Any]) -> dict[str, tuple[Any, bool]]:
    """Each knob of ``kind`` as (values to draw from, True) or (its fixed value, False).

    Built once per template: templates are frozen once loaded (nothing changes their knobs), so
    the table is kept by the identity of the specs dict, alongside the dict itself.
    """
    entry = _TABLES.get(id(specs))
    if entry is not None and entry[0] is specs and entry[1] is kind:
        return entry[2]
    table: dict[str, tuple[Any, bool]] = {}
    defaults = {name: knob.default for name, knob in kind.knob_index.items()}
    for name, spec in {**defaults, **specs}.items():
        if isinstance(spec, dict):
            table[name] = (range_grid(spec), True)
        elif isinstance(spec, list):
            table[name] = (spec, True)
        else:
            table[name] = (spec, False)
    if len(_TABLES) > 1_000:  # bounded: tests build Knobs from many throw-away dicts
        _TABLES.clear()
    _TABLES[id(specs)] = (specs, kind, table)
    return table


_TABLES: dict[int, tuple[dict[str, Any], HasKnobs, dict[str, tuple[Any, bool]]]] = {}


def range_grid(spec: dict[str, Any]) -> Sequence[Any]:
    """Every value of a range spec ``{min, max, step}`` (step 1 when omitted), in order: a draw
    is one of them. Ints when the step is whole, for tidy JSON."""
    key = (spec["min"], spec["max"], spec.get("step", 1))
    grid: Sequence[Any] | None = _GRIDS.get(key)
    if grid is None:
        grid = RangeGrid(*key)
        if len(grid) <= 10_000:  # kept as a list: drawing from one is what generation does most
            grid = _GRIDS[key] = list(grid)
    return grid


class RangeGrid(Sequence[Any]):
    """The values of a range, each computed when it is drawn."""

    def __init__(self, lo: float, hi: float, step: float):
        self.lo, self.step, self.places = lo, step, step_places(step)
        # not ``count``: that is Sequence's method, which this would shadow
        self.length = int(round((hi - lo) / step)) + 1

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.length))]
        if not 0 <= index < self.length:
            raise IndexError(index)
        value = round(self.lo + index * self.step, self.places)
        return int(value) if self.places == 0 else value


_GRIDS: dict[tuple[float, float, float], list[Any]] = {}


@lru_cache(maxsize=256)
def step_places(step: float) -> int:
    """Decimal places of a grid step: 1 → 0, 0.1 → 1, 0.25 → 2."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
