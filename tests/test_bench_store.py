"""bench/store.py builds a year of items from any content: decks without problems or cards too."""

from __future__ import annotations

import importlib.util
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.library import Library, load_library

BENCH = Path(__file__).resolve().parents[1] / "bench" / "store.py"


@pytest.fixture(scope="module")
def bench_store():
    spec = importlib.util.spec_from_file_location("bench_store", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lopsided() -> Library:
    """The bundled decks, the first three that have both cards and problems changed: the first
    without problems, the second without cards, the third empty."""
    decks = list(load_library().decks)
    both = [n for n, d in enumerate(decks) if d.cards and d.problems][:3]
    assert len(both) == 3
    decks[both[0]] = replace(decks[both[0]], problems=())
    decks[both[1]] = replace(decks[both[1]], cards=())
    decks[both[2]] = replace(decks[both[2]], cards=(), problems=())
    return Library(decks=[decks[n] for n in both] + [d for n, d in enumerate(decks) if n not in both])


def test_each_deck_gets_only_the_kind_of_item_it_has(bench_store):
    library = lopsided()
    items = bench_store.synthetic_items(library, seed=1)
    real = len(library.cards) + len(library.templates)
    assert len(items) == bench_store.ITEMS - real
    kinds = Counter((deck, kind) for _, deck, kind in items)
    first, second, empty = (d.id for d in library.decks[:3])
    assert kinds[(first, "problem")] == 0 and kinds[(first, "card")] > 0
    assert kinds[(second, "card")] == 0 and kinds[(second, "problem")] > 0
    assert not any(deck == empty for _, deck, _ in items)


def test_full_content_makes_every_synthetic_id_an_item(bench_store):
    library = lopsided()
    full = bench_store.full_content(library, seed=1)
    ids = {c.id for c in full.cards} | {t.id for t in full.templates}
    assert {iid for iid, _, _ in bench_store.synthetic_items(library, seed=1)} <= ids
    assert len(ids) == bench_store.ITEMS


def test_content_without_any_item_builds_nothing(bench_store):
    empty = Library(decks=[replace(d, cards=(), problems=()) for d in load_library().decks])
    assert bench_store.synthetic_items(empty, seed=1) == []
