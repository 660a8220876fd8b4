"""knobs: every draw is the one the plain algorithm makes, whatever the spec, the order of calls or
the source of the raw stream (a PCG64, a Generator around one, or rawbits.RawBits)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from studyapp.core.kinds import KINDS
from studyapp.core.kinds.base import Knob
from studyapp.core.kinds.knobs import Knobs, RangeGrid, range_grid, step_places
from studyapp.core.kinds.rawbits import RawBits


class PlainKnobs:
    """The draws as first written: one ``below`` per value, a range computed on every draw."""

    def __init__(self, kind: Any, specs: dict[str, Any], seed: int):
        self.kind, self.specs, self.bits, self.raw = kind, specs, np.random.PCG64(seed), []

    def below(self, n: int) -> int:
        if not self.raw:
            self.raw = self.bits.random_raw(64).tolist()
        return self.raw.pop() % n

    def spec(self, name: str) -> Any:
        return self.specs[name] if name in self.specs else self.kind.knob_index[name].default

    def one(self, spec: Any) -> Any:
        if isinstance(spec, dict):
            lo, step = spec["min"], spec.get("step", 1)
            places = step_places(step)
            value = round(lo + self.below(int(round((spec["max"] - lo) / step)) + 1) * step, places)
            return int(value) if places == 0 else value
        if isinstance(spec, list):
            return spec[self.below(len(spec))]
        return spec

    def pick(self, name: str) -> Any:
        return self.one(self.spec(name))

    def int(self, name: str) -> int:
        return int(self.pick(name))

    def values(self, name: str, shape: tuple[int, ...], avoid_zero: bool = False) -> Any:
        spec, size = self.spec(name), int(np.prod(shape))
        flat = [self.one(spec) for _ in range(size)]
        if avoid_zero:
            for index, v in enumerate(flat):
                for _ in range(20):
                    if v != 0:
                        break
                    v = self.one(spec)
                flat[index] = v
        for n in reversed(shape[1:]):
            flat = [flat[i:i + n] for i in range(0, len(flat), n)]
        return flat


class FakeKind:
    def __init__(self, knobs: dict[str, Any]):
        self.knob_index = {name: Knob(name, "number", default, name) for name, default in knobs.items()}


SPECS = {
    "fixed": 3, "choice": [-1, 0, 1], "one": [7], "grid": {"min": -3, "max": 3},
    "halves": {"min": -2, "max": 2, "step": 0.5}, "tenths": {"min": 0.05, "max": 1, "step": 0.05},
    "zero": 0, "huge": {"min": 0, "max": 10**12},
}


def script(rng: random.Random, knobs: Any) -> list[Any]:
    """A random run of calls, the same for both implementations."""
    out = []
    for _ in range(60):
        name = rng.choice(list(SPECS))
        call = rng.choice(["pick", "int", "values", "below", "one"])
        if call == "values":
            shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 3)))
            out.append(knobs.values(name, shape, avoid_zero=rng.random() < 0.5))
        elif call == "below":
            out.append(knobs.below(rng.randint(1, 10**6)))
        elif call == "one":
            out.append(knobs.one(SPECS[name]))
        elif call == "int" and name not in ("halves", "tenths"):
            out.append(knobs.int(name))
        else:
            out.append(knobs.pick(name))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_draws_are_the_plain_algorithms(seed):
    kind = FakeKind({name: None for name in SPECS})
    specs = {name: spec for name, spec in SPECS.items() if seed % 2 or name != "grid"}  # a default too
    kind.knob_index["grid"] = Knob("grid", "int", SPECS["grid"], "grid")
    want = script(random.Random(seed), PlainKnobs(kind, specs, seed))
    for source in (np.random.PCG64(seed), np.random.default_rng(seed), RawBits(seed)):
        assert script(random.Random(seed), Knobs(kind, specs, source)) == want


def test_values_draw_as_many_below_calls_across_blocks():
    kind = FakeKind({"v": [1, 2, 3, 4, 5]})
    for size in (1, 63, 64, 65, 200):
        plain, fast = PlainKnobs(kind, {}, size), Knobs(kind, {}, RawBits(size))
        plain.below(5), fast.below(5)  # start inside a block
        assert fast.values("v", (size,)) == plain.values("v", (size,))
        assert fast.below(97) == plain.below(97)


def test_range_grid_is_the_values_of_the_range():
    assert range_grid({"min": -1, "max": 1, "step": 0.5}) == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert range_grid({"min": 2, "max": 5}) == [2, 3, 4, 5]
    assert all(type(v) is int for v in range_grid({"min": 0.0, "max": 3.0, "step": 1.0}))
    huge = range_grid({"min": 0, "max": 10**12})  # never listed: each value computed when drawn
    assert isinstance(huge, RangeGrid) and len(huge) == 10**12 + 1 and huge[10**12] == 10**12
    with pytest.raises(IndexError):
        huge[10**12 + 1]


def test_every_bundled_kind_draws_the_same_from_rawbits_and_pcg64():
    for kind in KINDS.values():
        for seed in range(25):
            one = kind.generate(Knobs(kind, {}, np.random.PCG64(seed)))
            two = kind.generate(Knobs(kind, {}, RawBits(seed)))
            assert one == two, kind.name
