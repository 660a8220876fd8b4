"""Learner-facing text that talks about its sources instead of the subject.

The decks were written from study notes ("seed" files) that learners never see; the
``source`` field records them. Text a learner reads must not mention them: not "the
seed's formula is garbled", "one note says", "beyond the seeds", "种子笔记中", "某篇笔记说".
Where such a text corrected an error of the notes it should say what is true, naming the
error as a common misconception if useful.

Every ``Bilingual`` field of the deck schema is learner-facing (titles, descriptions, card
fronts and backs, cloze texts, questions, options, explanations, template titles); the
``source`` field is a plain string and is never checked.

``PATTERNS`` is the word list, as regular expressions (case-insensitive, word-bounded in
English). "Seed" is also an everyday word of the subject (a random seed), so only phrasings
that point at a source document are flagged:

English
    - "the / this / these / one / another / both / all / other seed(s)", except when the
      seed is a number generator's: after "set / fix / reset / change / pass / use / choose /
      pick" ("set the seed"), before "=", "value", "number" or "of the random generator";
      "random seed" and "the same seed" never match
    - "seed's", "seeds'" (the seed's formula), except "random seed's"
    - "seed note(s) / file(s) / text(s)"
    - "the / these / those / one / another / some / both / other / all / study / lecture /
      course / class / source note(s)", "note 001", "notes 002 and 004", "note's", "notes'"
    - "source / original text(s) / material(s) / document(s)"
Chinese
    - 笔记 (notes; 种子笔记, 某篇笔记, 笔记强调 …), 讲义 (lecture notes)
    - 种子 (seed) except 随机种子 / 随机数种子 / 种子值 (a random seed)
    - 某篇 (one of the notes), 资料 (source material), 原文 (the original text)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from studyapp.core.bilingual import LANGS
from studyapp.core.content import DECK, ContentError
from studyapp.core.schema import Bilingual, ListOf, Node, Obj, Tagged
from studyapp.core.yamlpos import Pos, PosDict, YamlSyntaxError, load

# "set the seed", "the seed value", "the seed of the random generator": a random seed.
_RNG_VERB_BEFORE = "".join(rf"(?<!\b{verb} )" for verb in ("set", "fix", "reset", "change", "pass",
                                                           "use", "choose", "pick"))
_RNG_AFTER = r"(?!\s*=|\s+(?:value|number|of\s+(?:the|a|an)\s+(?:random|pseudo|rng|generator)))"

PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    # English: the seed files the decks were written from
    _RNG_VERB_BEFORE + r"\b(?:the|this|these|one|another|both|all|other)\s+seeds?\b" + _RNG_AFTER,
    r"(?<!random )\bseeds?['’]s?(?![\w'’])",
    r"\bseed\s+(?:notes?|files?|texts?)\b",
    # English: the notes
    r"\b(?:the|these|those|one|another|some|both|other|all|study|lecture|course|class|source)"
    r"\s+notes?\b",
    r"\bnotes?\s+\d+\b",
    r"\bnotes?['’]s?(?![\w'’])",
    r"\b(?:source|original)\s+(?:texts?|materials?|documents?)\b",
    # Chinese
    r"笔记",
    r"讲义",
    r"(?<!随机)(?<!随机数)种子(?!值)",
    r"某篇",
    r"资料",
    r"原文",
))


def source_talk(text: str) -> list[str]:
    """The phrases of ``text`` that talk about the content's sources, in order of appearance,
    each once whatever its case; overlapping matches are one phrase ("the seed" + "seed's" →
    "the seed's")."""
    spans = sorted(m.span() for p in PATTERNS for m in p.finditer(text))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    words: dict[str, str] = {}
    for start, end in merged:
        words.setdefault(text[start:end].casefold(), text[start:end])
    return list(words.values())


def learner_texts(data: Any) -> Iterator[tuple[str, str, Pos, str]]:
    """(owner, field, position, text) of every learner-facing text of a raw deck.

    The owner names the card, problem template or deck (``card 'act.relu'``); the field is
    the path inside it (``options[1].text.zh``); the position is where its language key is.
    """
    deck_id = data.get("id") if isinstance(data, dict) else None
    yield from _walk(DECK, data, f"deck '{deck_id}'", "")


def _walk(node: Node, value: Any, owner: str, where: str) -> Iterator[tuple[str, str, Pos, str]]:
    if isinstance(node, Bilingual):
        if isinstance(value, PosDict):
            for lang in LANGS:
                if isinstance(value.get(lang), str):
                    yield owner, f"{where}.{lang}", value.pos_of(lang), value[lang]
    elif isinstance(node, Tagged):
        if isinstance(value, dict) and value.get(node.key) in node.variants:
            yield from _walk(node.variants[value[node.key]], value, owner, where)
    elif isinstance(node, ListOf):
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(node.item, item, owner, f"{where}[{index}]")
    elif isinstance(node, Obj) and isinstance(value, dict):
        if where.endswith("]") and isinstance(value.get("id"), str):  # a card or a template
            what = "card" if where.startswith("cards[") else "problem template"
            owner, where = f"{what} '{value['id']}'", ""
        for name, (child, _) in node.fields.items():
            if name in value:
                yield from _walk(child, value[name], owner, f"{where}.{name}" if where else name)


def deck_source_talk(file: str, data: Any) -> list[ContentError]:
    """One warning per learner-facing text of a raw deck that talks about its sources."""
    warnings = []
    for owner, where, (line, col), text in sorted(learner_texts(data), key=lambda t: t[2]):
        words = source_talk(text)
        if words:
            quoted = ", ".join(f'"{w}"' for w in words)
            warnings.append(ContentError(
                file, line, col, f"warning: {owner} {where} talks about its sources ({quoted}), "
                "which learners never see; say what is true and keep provenance in 'source'"))
    return warnings


def check_source_talk(files: Iterable[str | Path]) -> list[ContentError]:
    """Warnings for every deck file; files that cannot be read or parsed are skipped (their
    errors are the loader's to report)."""
    warnings = []
    for file in files:
        try:
            data, _ = load(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlSyntaxError):
            continue
        warnings.extend(deck_source_talk(str(file), data))
    return warnings
