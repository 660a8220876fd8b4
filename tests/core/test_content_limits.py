"""Hostile deck files: bytes that are not UTF-8 (reported at their line and column), YAML aliases
standing for a huge value where a text belongs, and files over the size limit (refused before
they are parsed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.core import content
from studyapp.core.library import MAX_DECK_VARIABLE, load_library, max_deck_bytes

DECK = """\
id: demo
title: {en: Demo, zh: 演示}
cards:
  - id: demo.basic
    type: basic
    front: {en: Front, zh: 正面}
    back: {en: Back, zh: 背面}
"""


def errors_of(path: Path) -> list[str]:
    return [str(e) for e in load_library([path]).errors]


# --- invalid UTF-8 ------------------------------------------------------------------------------
@pytest.mark.parametrize(("bad", "reason"), [
    (b"\xff", "invalid start byte"),
    (b"\xe6\xbc", "invalid continuation byte"),  # half of a CJK character, then a quote
])
def test_invalid_utf8_is_reported_at_its_line_and_column(tmp_path: Path, bad: bytes, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    text = DECK.replace("Back", "Ba\x00ck").encode()  # line 7: `    back: {en: Ba?ck, zh: 背面}`
    path.write_bytes(text.replace(b"\x00", bad))
    [error] = errors_of(path)
    column = DECK.splitlines()[6].index("Back") + 3  # after "Ba"; 1-based, in characters, as YAML errors are
    assert error.startswith(f"{path}:7:{column}: ")
    assert "not UTF-8" in error and reason in error and f"0x{bad[0]:02x}" in error
    assert "position" not in error  # no byte offset


def test_invalid_utf8_after_wide_characters_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(DECK.encode().replace("正面}".encode(), "正面".encode() + b"\xff}"))
    [error] = errors_of(path)
    line = DECK.splitlines()[5]  # `    front: {en: Front, zh: 正面}`
    assert error.startswith(f"{path}:6:{line.index('}') + 1}: ")


def test_invalid_utf8_on_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xc0" + DECK.encode())
    [error] = errors_of(path)
    assert error.startswith(f"{path}:1:1: ") and "0xc0" in error


# --- aliases ------------------------------------------------------------------------------------
LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
id: laughs
title: {en: *g, zh: 标题}
"""


def test_an_alias_to_a_huge_list_as_a_title_is_not_a_text(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    errors = errors_of(path)
    [title] = [e for e in errors if "title.en" in e]
    assert title.startswith(f"{path}:9:9: ") and "is not a text" in title and "a list" in title
    assert "empty" not in title


@pytest.mark.parametrize(("value", "found"), [
    ("[a, b]", "a list"), ("{x: 1}", "a mapping"), ("42", "a number"), ("true", "true or false"),
    ("2025-01-01", "a date")])
def test_a_text_of_another_type_is_named(tmp_path: Path, value: str, found: str) -> None:
    path = tmp_path / "typed.yaml"
    path.write_text(DECK.replace("{en: Demo,", f"{{en: {value},"), encoding="utf-8")
    [error] = errors_of(path)
    assert "title.en is not a text" in error and found in error


def test_an_empty_text_is_still_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(DECK.replace("{en: Demo,", '{en: " ",'), encoding="utf-8")
    [error] = errors_of(path)
    assert "title.en is empty" in error


# --- size limit ---------------------------------------------------------------------------------
def big_deck(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(DECK + "# padding\n" + "#" * max(0, size - len(DECK.encode()) - 11) + "\n",
                    encoding="utf-8")
    return path


def test_a_deck_over_the_limit_is_refused_before_parsing(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_DECK_VARIABLE, "0.01")  # 10,000 bytes
    path = big_deck(tmp_path, 12_000)

    def never(*_args: object) -> None:
        raise AssertionError("parsed a deck over the limit")

    monkeypatch.setattr(content, "load", never)
    [error] = errors_of(path)
    assert error == (f"{path}:1:1: the file is 0.02 MB, over the limit of 0.01 MB for a deck; "
                     f"split it, or set {MAX_DECK_VARIABLE} to a larger number of megabytes")


def test_a_deck_at_the_limit_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_DECK_VARIABLE, "0.01")
    path = big_deck(tmp_path, 10_000)
    assert path.stat().st_size == 10_000
    library = load_library([path])
    assert library.errors == [] and [d.id for d in library.decks] == ["demo"]


def test_the_default_limit_is_5_mb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_DECK_VARIABLE, raising=False)
    assert max_deck_bytes() == 5_000_000
    [error] = errors_of(big_deck(tmp_path, 5_000_001))
    assert "the file is 5.01 MB, over the limit of 5 MB" in error


@pytest.mark.parametrize("value", ["", "  ", "abc", "5MB", "0", "-1", "nan"])
def test_a_bad_limit_means_the_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(MAX_DECK_VARIABLE, value)
    assert max_deck_bytes() == 5_000_000


@pytest.mark.parametrize(("value", "limit"), [("50", 50_000_000), ("0.5", 500_000), (" 12 ", 12_000_000)])
def test_the_limit_is_configurable(monkeypatch: pytest.MonkeyPatch, value: str, limit: int) -> None:
    monkeypatch.setenv(MAX_DECK_VARIABLE, value)
    assert max_deck_bytes() == limit


def test_validate_refuses_a_big_deck_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from studyapp.cli import main

    monkeypatch.setenv(MAX_DECK_VARIABLE, "0.01")
    path = big_deck(tmp_path, 20_000)
    assert main(["validate", "--seeds", "1", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{path}:1:1: the file is 0.02 MB, over the limit of 0.01 MB for a deck; "
                                f"split it, or set {MAX_DECK_VARIABLE} to a larger number of megabytes"]
    assert err == "1 error(s)\n"
