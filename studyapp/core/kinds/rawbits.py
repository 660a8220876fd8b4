"""The raw 64-bit stream of ``np.random.PCG64(seed)``, without building a PCG64 per problem.

Building a PCG64 costs about 15 µs (a SeedSequence, a lock, an ``errstate``), more than the whole
generation of a simple problem. The seeding is fixed arithmetic, so this module does it
itself: ``seed_state`` for one seed, ``seed_states`` for a whole set at once in NumPy; one
PCG64 per thread is then set to the state and draws the raw values (``RawBits``).

The arithmetic follows NumPy's ``SeedSequence`` (pool of four 32-bit words, ``hashmix`` and
``mix``; ``generate_state(4, uint64)``) and PCG64's ``srandom`` (``pcg64_set_seed``);
tests/core/kinds/test_rawbits.py checks it against NumPy for many seeds. Only ``knobs.Knobs``
reads the stream, so the draws of every problem stay exactly what they were.
"""

from __future__ import annotations

import ctypes
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
M128 = (1 << 128) - 1
# SeedSequence's hash constants (numpy/random/bit_generator.pyx)
INIT_A, MULT_A, INIT_B, MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
POOL_SIZE = 4
PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128


def _entropy_words(seed: int) -> list[int]:
    """A non-negative int as SeedSequence reads it: 32-bit words, least significant first."""
    words = [seed & M32]
    seed >>= 32
    while seed:
        words.append(seed & M32)
        seed >>= 32
    return words


def _hash_constants(start: int, mult: int, count: int) -> list[int]:
    """The ``hash_const`` each successive hashmix multiplies by (it does not depend on the data)."""
    out, h = [], start
    for _ in range(count):
        h = (h * mult) & M32
        out.append(h)
    return out


def _pcg_state(u0: int, u1: int, u2: int, u3: int) -> tuple[int, int]:
    """(state, inc) of PCG64 seeded with ``generate_state(4, uint64)``'s four words."""
    inc = ((u2 << 64 | u3) << 1 | 1) & M128
    return ((inc + (u0 << 64 | u1)) * PCG_MULT + inc) & M128, inc


def seed_state(seed: int) -> tuple[int, int]:
    """PCG64's (state, inc) after ``np.random.PCG64(seed)``, for any int 0 ≤ seed."""
    entropy = _entropy_words(seed)
    consts = iter(_hash_constants(INIT_A, MULT_A, POOL_SIZE * POOL_SIZE + POOL_SIZE * len(entropy)))
    h = INIT_A

    def hashmix(value: int) -> int:
        nonlocal h
        value ^= h
        h = next(consts)
        value = (value * h) & M32
        return value ^ (value >> 16)

    def mix(x: int, y: int) -> int:
        r = (MIX_MULT_L * x - MIX_MULT_R * y) & M32
        return r ^ (r >> 16)

    pool = [hashmix(entropy[i] if i < len(entropy) else 0) for i in range(POOL_SIZE)]
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    for word in entropy[POOL_SIZE:]:
        for i_dst in range(POOL_SIZE):
            pool[i_dst] = mix(pool[i_dst], hashmix(word))
    out, h = [], INIT_B
    for i in range(8):
        value = pool[i % POOL_SIZE] ^ h
        h = (h * MULT_B) & M32
        value = (value * h) & M32
        out.append(value ^ (value >> 16))
    return _pcg_state(*(out[i] | out[i + 1] << 32 for i in range(0, 8, 2)))  # as little-endian u64


# The same arithmetic on arrays, for seeds below 2³² (one entropy word, as every set's seeds are).
_MIX_CONSTS = _hash_constants(INIT_A, MULT_A, POOL_SIZE * POOL_SIZE)
_OUT_CONSTS = _hash_constants(INIT_B, MULT_B, 8)


def seed_states(seeds: list[int]) -> list[tuple[int, int]]:
    """``seed_state`` of every seed: one pass of NumPy over the whole list when every seed is
    below 2³², as a set's are (about 1 µs a seed instead of 15)."""
    if len(seeds) < 16 or min(seeds) < 0 or max(seeds) > M32:  # too few for arrays to pay
        return [seed_state(s) for s in seeds]
    u32 = np.uint32
    befores = iter([INIT_A, *_MIX_CONSTS])
    afters = iter(_MIX_CONSTS)

    def hashmix(value: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        value = (value ^ u32(next(befores))) * u32(next(afters))
        return value ^ (value >> u32(16))

    def mix(x: npt.NDArray[np.uint32], y: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        r: npt.NDArray[np.uint32] = u32(MIX_MULT_L) * x - u32(MIX_MULT_R) * y
        return r ^ (r >> u32(16))

    zeros = np.zeros(len(seeds), dtype=u32)
    pool = [hashmix(np.array(seeds, dtype=u32)), *(hashmix(zeros) for _ in range(POOL_SIZE - 1))]
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    words, h = [], INIT_B
    for i, after in enumerate(_OUT_CONSTS):
        value = (pool[i % POOL_SIZE] ^ u32(h)) * u32(after)
        words.append((value ^ (value >> u32(16))).astype(np.uint64))
        h = after
    u64 = [(words[i] | words[i + 1] << np.uint64(32)).tolist() for i in range(0, 8, 2)]
    return list(map(_pcg_state, *u64))


class _Drawer:
    """A thread's PCG64, and the quickest way to set its state.

    ``PCG64.state = {...}`` costs about 2 µs. Writing the 32 bytes of PCG64's (state, inc) in
    place costs a tenth of that; the layout is checked once against the ``state`` property, and
    where it differs (another build of NumPy) the property is used instead.
    """

    def __init__(self) -> None:
        self.pcg = np.random.PCG64(0)
        self.random_raw = self.pcg.random_raw
        self.view = _state_bytes(self.pcg)

    def set_state(self, state: int, inc: int) -> None:
        if self.view is not None:
            self.view[:] = (state | inc << 128).to_bytes(32, "little")
        else:
            self.pcg.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                              "has_uint32": 0, "uinteger": 0}


def _state_bytes(pcg: np.random.PCG64) -> memoryview | None:
    """The bytes of ``pcg``'s 128-bit state and increment, if they lie as this module writes
    them: little-endian state, then inc, in the ``pcg64_random_t`` that the ``pcg64_state`` at
    ``ctypes.state_address`` points to, which NumPy keeps inside the PCG64 object itself."""
    struct = pcg.ctypes.state_address
    address = ctypes.c_void_p.from_address(struct).value
    if not address or not 0 < address - struct <= 256:  # not the layout this expects: touch nothing
        return None
    view = memoryview((ctypes.c_uint8 * 32).from_address(address)).cast("B")
    want = np.random.PCG64(20261204).state["state"]
    saved = bytes(view)
    view[:] = (want["state"] | want["inc"] << 128).to_bytes(32, "little")
    if pcg.state["state"] != want:
        view[:] = saved
        return None
    return view


_LOCAL = threading.local()  # one _Drawer per thread: its state is set before every draw


def _drawer() -> _Drawer:
    drawer = getattr(_LOCAL, "drawer", None)
    if drawer is None:
        drawer = _LOCAL.drawer = _Drawer()
    return drawer


class RawBits:
    """Stands in for ``np.random.PCG64(seed)`` where only ``random_raw`` is used."""

    __slots__ = ("state", "inc", "drawn")

    def __init__(self, seed: int, state: tuple[int, int] | None = None):
        self.state, self.inc = seed_state(seed) if state is None else state
        self.drawn = 0  # values drawn since ``state``: reading PCG64's state back costs more

    def random_raw(self, size: int) -> np.ndarray:
        """The next ``size`` raw 64-bit values, as ``PCG64.random_raw(size)`` gives them."""
        if self.drawn:
            mult, plus = _jump(self.drawn)
            self.state = (mult * self.state + plus * self.inc) & M128
        drawer = _drawer()
        drawer.set_state(self.state, self.inc)
        self.drawn = size
        return drawer.random_raw(size)


@lru_cache(maxsize=8)
def _jump(steps: int) -> tuple[int, int]:
    """(M^n, 1 + M + … + M^(n−1)) mod 2¹²⁸: n steps of the LCG at once, s → M^n·s + that·inc."""
    mult, plus = 1, 0
    for _ in range(steps):
        mult, plus = (mult * PCG_MULT) & M128, (plus * PCG_MULT + 1) & M128
    return mult, plus
