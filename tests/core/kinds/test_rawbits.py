"""rawbits: the seeding arithmetic and the raw stream agree with NumPy's PCG64, seed for seed."""

from __future__ import annotations

import random
import threading

import numpy as np
import pytest

from studyapp.core.kinds import rawbits
from studyapp.core.kinds.rawbits import RawBits, seed_state, seed_states

EDGES = [0, 1, 2, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**100, 2**200 + 7]


def numpy_state(seed: int) -> tuple[int, int]:
    state = np.random.PCG64(seed).state["state"]
    return state["state"], state["inc"]


@pytest.mark.parametrize("seed", EDGES)
def test_seed_state_is_pcg64s_at_the_edges(seed):
    assert seed_state(seed) == numpy_state(seed)


def test_seed_state_is_pcg64s_for_seeds_of_every_length():
    rng = random.Random(7)
    for bits in range(1, 140):
        for _ in range(6):
            seed = rng.getrandbits(bits)
            assert seed_state(seed) == numpy_state(seed), seed


def test_seed_states_of_a_set_are_seed_states_one_by_one():
    rng = random.Random(8)
    small = [rng.getrandbits(32) for _ in range(3000)] + [0, 2**32 - 1]
    assert seed_states(small) == [numpy_state(s) for s in small]
    mixed = small[:40] + [2**40, 2**70]  # one seed past 32 bits: the scalar path, the same answer
    assert seed_states(mixed) == [seed_state(s) for s in mixed]
    assert seed_states([5, 6]) == [numpy_state(5), numpy_state(6)]  # too few for arrays
    assert seed_states([]) == []


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**32 - 1, 2**63 - 1, 2**90])
def test_raw_stream_is_pcg64s_block_after_block(seed):
    ours, theirs = RawBits(seed), np.random.PCG64(seed)
    for size in (64, 64, 1, 7, 64, 100, 64):
        assert ours.random_raw(size).tolist() == theirs.random_raw(size).tolist()


def test_raw_stream_from_a_precomputed_state():
    for seed in (3, 99, 2**31):
        ours = RawBits(seed, seed_states([seed] * 20)[0])
        assert ours.random_raw(64).tolist() == np.random.PCG64(seed).random_raw(64).tolist()


def test_state_written_in_place_or_through_the_property_alike(monkeypatch):
    """Where PCG64's memory is not laid out as expected, the drawer sets ``state`` instead."""
    want = np.random.PCG64(77).random_raw(64).tolist()
    drawer = rawbits._Drawer()
    assert drawer.view is not None  # this build of NumPy: the fast path
    monkeypatch.setattr(drawer, "view", None)
    monkeypatch.setattr(rawbits._LOCAL, "drawer", drawer, raising=False)
    assert RawBits(77).random_raw(64).tolist() == want


def test_each_thread_draws_with_its_own_generator():
    want = {seed: np.random.PCG64(seed).random_raw(64).tolist() for seed in range(40)}
    got: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def work(seeds: range) -> None:
        try:
            for _ in range(50):
                for seed in seeds:
                    got[seed] = RawBits(seed).random_raw(64).tolist()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(range(i, 40, 4),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert got == want
