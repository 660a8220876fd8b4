"""The bundled decks: enough of them, both languages everywhere, links that go both ways.

These numbers are the content issue's floor; later edits must keep them.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from studyapp.core.library import load_library
from studyapp.paths import bundled_content_dir

LIBRARY = load_library()
CJK = re.compile(r"[\u4e00-\u9fff]")
SEEDS = {"000_d2bd69ba825f0c4d.txt", "001_60ae673afa32579f.txt", "002_3b9df9d3af197d22.txt",
         "003_cd7dae7b065fb3c8.txt", "004_1fd75b8b6bb80bf8.txt"}


def test_bundled_content_has_no_errors():
    assert LIBRARY.errors == []


def test_at_least_200_cards_in_12_decks_with_40_cloze_and_40_choice():
    kinds = Counter(c.type for c in LIBRARY.cards)
    assert len(LIBRARY.decks) >= 12
    assert len(LIBRARY.cards) >= 200
    assert kinds["cloze"] >= 40 and kinds["choice"] >= 40 and kinds["basic"] > 0


def test_every_deck_mixes_card_types():
    for deck in LIBRARY.decks:
        types = {c.type for c in deck.cards}
        assert len(types) >= 2, f"{deck.id} has only {types}"


def _texts(card):
    for name in ("front", "back", "text", "question", "explanation"):
        value = getattr(card, name)
        if value is not None:
            yield name, value
    for i, option in enumerate(card.options):
        yield f"options[{i}]", option.text


@pytest.mark.parametrize("card", LIBRARY.cards, ids=lambda c: c.id)
def test_every_text_is_in_both_languages(card):
    for name, text in _texts(card):
        assert text.en.strip() and text.zh.strip(), f"{card.id}.{name}"
        if name in ("front", "question", "text"):
            assert CJK.search(text.zh), f"{card.id}.{name}.zh has no Chinese"


def test_related_links_go_both_ways():
    related = {c.id: set(c.related) for c in LIBRARY.cards}
    related |= {t.id: set(t.related) for t in LIBRARY.templates}
    one_way = [(a, b) for a, refs in related.items() for b in refs if a not in related.get(b, set())]
    assert one_way == []


def test_every_template_is_linked_to_a_card():
    for template in LIBRARY.templates:
        assert any(r in {c.id for c in LIBRARY.cards} for r in template.related), template.id


def test_every_card_names_a_seed_file_and_choice_cards_explain():
    for card in LIBRARY.cards:
        assert card.source in SEEDS, f"{card.id}: source {card.source!r}"
        if card.type == "choice":
            assert card.explanation is not None, f"{card.id} explains no option"


def test_every_deck_file_is_in_the_content_folder():
    files = sorted(p.name for p in bundled_content_dir().glob("*.yaml"))
    assert len(files) == len(LIBRARY.decks)
