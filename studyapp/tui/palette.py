"""The command palette in the UI's language: our commands and Textual's own, named in the
language of the screens and found by their English or their Chinese name.

``palette_commands`` lists what the palette offers; ``BilingualCommands`` (the app's only
command provider) matches the typed text against each command's name in both languages and
shows it in the UI's. Textual's entries are translated from ``strings``; one with no translation
(a newer Textual's, or "Keys": its panel is Textual's English, and our own Keys command shows
every key) is left out, so that no English shows in a Chinese palette.

What a hit shows is text, never markup (Textual's palette and ``Matcher.highlight`` read strings
as markup): the name is drawn by ``highlighted``, the help line is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.app import SystemCommand
from textual.command import Hit, Hits
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape
from textual.system_commands import SystemCommandsProvider

from studyapp.tui.strings import tr

LANGS = ("en", "zh")
TEXTUAL = {"Theme": "theme", "Quit": "quit", "Maximize": "maximize", "Minimize": "minimize",
           "Screenshot": "screenshot"}  # Textual's command title -> our string key


def command(key: str, lang: str, callback: Callable[[], Any]) -> tuple[SystemCommand, tuple[str, ...]]:
    """Our command ``key`` (``cmd_<key>`` in ``strings``) in ``lang``, and its names in the others."""
    others = tuple(tr(other, f"cmd_{key}") for other in LANGS if other != lang)
    return SystemCommand(tr(lang, f"cmd_{key}"), tr(lang, f"cmd_{key}_help"), callback), others


def translated(textual: Iterable[SystemCommand], lang: str) -> list[tuple[SystemCommand, tuple[str, ...]]]:
    """Textual's own entries in ``lang``; those with no translation are left out."""
    out = []
    for entry in textual:
        key = TEXTUAL.get(entry.title)
        if key is not None:
            ours, others = command(key, lang, entry.callback)
            out.append((ours._replace(discover=entry.discover), others))
    return out


def highlighted(matcher: Matcher, name: str) -> Content:
    """``name`` as text, the letters the query matched in it highlighted (what
    ``Matcher.highlight`` does, without reading ``name`` as markup)."""
    content = Content(name)
    score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets if score else ():
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class BilingualCommands(SystemCommandsProvider):
    """Every entry of ``app.palette_commands``, found by any of its names."""

    def entries(self) -> list[tuple[SystemCommand, tuple[str, ...]]]:
        return self.app.palette_commands(self.screen)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry, others in self.entries():
            score = max(matcher.match(name) for name in (entry.title, *others))
            if score > 0:
                yield Hit(score, highlighted(matcher, entry.title), entry.callback, text=entry.title,
                          help=escape(entry.help) if entry.help else entry.help)

