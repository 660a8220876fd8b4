"""The YAML text of a deck imported from Anki, and how to tell a file we wrote from one the learner
wrote (a re-import replaces the first kind only).

Written with PyYAML's safe dumper (texts with line breaks as ``|`` blocks, the rest quoted as
YAML needs), one card at a time so that a card can carry a comment above it.
"""

from __future__ import annotations

from typing import Any

import yaml

from studyapp.core.anki_mapping import PlannedDeck

MARKER = "# Imported from Anki by studyapp import"

HEADER = """\
{marker} (from {package}; Anki deck "{anki_name}").
# A re-import of that package rewrites this file: edit the notes in Anki, or copy the deck under
# another id to make it yours. Anki notes have one language, so each text is written as both en
# and zh. Card ids come from the notes' GUIDs; your progress is kept by id, so keep them.
"""


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def deck_text(deck: PlannedDeck, package: str) -> str:
    """The deck file of ``deck``, imported from the file named ``package``."""
    head = HEADER.format(marker=MARKER, package=package.replace("\n", " "),
                         anki_name=deck.title.replace("\n", " "))
    body = _dump({"id": deck.id, "title": {"en": deck.title, "zh": deck.title}})
    lines = [head, body, "cards:\n"]
    for card in deck.cards:
        if card.comment:
            lines.append("  # " + " ".join(card.comment.split()) + "\n")
        lines.append("".join(f"  {line}\n" for line in _dump([card.entry]).splitlines()))
    return "".join(lines)


def written_by_import(text: str) -> bool:
    return text.startswith(MARKER)
