"""The content cache is invisible: a second start reads it instead of the YAML, an edited deck is
read again, a corrupt or foreign cache is rebuilt, an unwritable one is skipped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from studyapp.core import content_files
from studyapp.core import library as library_module
from studyapp.core.library import _load, deck_files, load_library
from studyapp.paths import bundled_content_dir, cache_dir


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    shutil.copytree(bundled_content_dir(), folder)
    return folder


def cache_files() -> list[Path]:
    return sorted(cache_dir().glob("content-*.json"))


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("a deck was parsed although the cache holds it")

    monkeypatch.setattr(library_module, "load_deck", refuse)


def test_the_second_load_reads_the_cache_and_gives_the_same_library(decks, monkeypatch):
    first = load_library([decks])
    assert len(cache_files()) == 1 and not first.errors
    no_parsing(monkeypatch)
    second = load_library([decks])
    assert second.decks == first.decks and second.errors == first.errors


def test_an_edited_deck_is_read_again(decks):
    load_library([decks])
    deck = sorted(decks.glob("*.yaml"))[0]
    text = deck.read_text(encoding="utf-8")
    title = load_library([decks]).decks[0].title.en
    deck.write_text(text.replace(title, title + " (edited)", 1), encoding="utf-8")
    stat = deck.stat()
    os.utime(deck, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # even within one tick
    assert load_library([decks]).decks[0].title.en == title + " (edited)"


def test_a_broken_deck_is_reported_from_the_cache_as_from_the_file(decks):
    deck = sorted(decks.glob("*.yaml"))[0]
    deck.write_text(deck.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")
    first = load_library([decks])
    assert first.errors
    assert load_library([decks]).errors == first.errors


@pytest.mark.parametrize("garbage", [b"", b"not json", b'{"key": 1}', b"[]",
                                     b'{"key": "%s", "decks": [{"$": "Evil", "x": 1}], "errors": []}'])
def test_a_corrupt_or_foreign_cache_is_rebuilt(decks, garbage):
    expected = load_library([decks])
    [path] = cache_files()
    if b"%s" in garbage:  # the right key, an unknown type: still never trusted
        import orjson

        garbage = garbage.replace(b"%s", orjson.loads(path.read_bytes())["key"].encode())
    path.write_bytes(garbage)
    assert load_library([decks]).decks == expected.decks
    assert load_library([decks]).decks == expected.decks  # and it was written again


def test_an_unwritable_cache_is_skipped(decks, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(content_files, "cache_dir", lambda: blocker / "cache")
    assert load_library([decks]).decks == _load(deck_files([decks]), library_module.max_deck_bytes())[0]
