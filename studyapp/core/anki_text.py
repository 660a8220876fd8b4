"""Anki's field HTML as our plain text, and Anki's cloze gaps as ours.

HTML goes through Python's ``html.parser`` (no regular expression reads a tag): ``<br>``, block
elements (``div``, ``p``, ``li``, ...) and table rows become line breaks, entities are decoded,
``<script>``/``<style>`` dropped. Images (``<img src>``) and sounds (``[sound:NAME]``, Anki's own
syntax, not HTML) are removed and returned by name, so the import can list the media it skipped.

A cloze: Anki's ``{{c1::answer::hint}}`` makes one card per c-number, each asking that number's
gaps with the others shown as text. ``cloze_card`` builds that card in our syntax, ``{{answer}}``;
the hint has no place in it and is dropped (counted), and a ``|`` in an answer becomes ``/``
(ours separates alternative answers with ``|``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset({"div", "p", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                    "blockquote", "pre", "section", "article", "header", "footer"})
SKIPPED = frozenset({"script", "style"})
SOUND = re.compile(r"\[sound:([^\]]*)\]")  # Anki's sound reference, in the field's text
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded in the text handed to handle_data
        self.parts: list[str] = []
        self.media: list[str] = []
        self._skipping = 0

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            self.media.extend(value for name, value in attrs if name == "src" and value)
        elif tag in BLOCKS:
            self._newline()
        elif tag in SKIPPED:
            self._skipping += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/>, <img .../>: no end tag follows

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._newline()
        elif tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The text of a field and the media it referred to (images, then sounds)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    sounds = SOUND.findall(text)
    text = SOUND.sub("", text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    joined = "\n".join(lines).strip("\n ")
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined, parser.media + sounds


def cloze_numbers(text: str) -> list[int]:
    """The c-numbers of a cloze text, in order (each one is an Anki card)."""
    return sorted({int(m.group(1)) for m in CLOZE.finditer(text)})


def cloze_card(text: str, number: int) -> tuple[str, int]:
    """The card of c-number ``number`` in our syntax, and how many hints were dropped. Braces
    outside the gaps are spaced apart (``{ {``), so that they never open a gap of ours."""
    pieces: list[str] = []
    hints = 0
    end = 0
    for match in CLOZE.finditer(text):
        pieces.append(_plain(text[end:match.start()]))
        answer = match.group(2).strip()
        if int(match.group(1)) == number:
            pieces.append("{{" + _plain(answer).replace("|", "/") + "}}")
            hints += match.group(3) is not None
        else:
            pieces.append(_plain(answer))
        end = match.end()
    pieces.append(_plain(text[end:]))
    return "".join(pieces), hints


def _plain(text: str) -> str:
    return text.replace("{{", "{ {").replace("}}", "} }")
