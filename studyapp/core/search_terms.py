"""What each term of a search line means: ``deck:`` ``is:`` ``kind:`` ``tag:`` ``id:`` ``prop:``
``rated:`` and free text. Each term is a small frozen value that says what it asks (so that a
store can translate it, see ``store/browse_sql``) and is itself the test of one entry at one
moment (the reference meaning, see ``search``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal

from studyapp.core.bilingual import Text
from studyapp.core.scheduler import LEARNING, RELEARNING, REVIEW, ItemState
from studyapp.core.search_entry import DAY, Entry, Moment

PREFIXES = ("deck", "is", "kind", "tag", "id", "prop", "rated")
IS_VALUES = ("new", "learn", "review", "due", "suspended", "leech", "buried")
CARD_TYPES = ("basic", "cloze", "choice")
# interval in days, due in days from today, lapses, stability in days, difficulty from 0 to 1
PROPS = ("ivl", "due", "lapses", "s", "d")
# A word of the line is a list of (character, how): how is " " plain, '"' quoted or "\\" escaped.
Word = list[tuple[str, str]]


class SearchFault(Exception):
    """What is wrong with a search line, in both languages (``parse`` returns it as a SearchError)."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.text = Text(en, zh)


def _show(chars: Word | str, limit: int = 30) -> str:
    """A piece of the line for a message: printable, on one line, not too long."""
    text = "".join(c for c, _ in chars) if isinstance(chars, list) else chars
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Pattern:
    """What a term's value matches, case-insensitively. ``parts``: the pieces between the ``*``
    wildcards, case-folded (one piece: no wildcard). ``whole``: the whole string (a deck, id, tag
    or kind), compared with the string case-folded; else anywhere in a text that is already
    case-folded (free text: runs of spaces in a piece are one space, and a ``*`` stays within one
    line of the text)."""

    parts: tuple[str, ...]
    whole: bool

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(".*".join(re.escape(p) for p in self.parts))

    def __call__(self, s: str) -> bool:
        if len(self.parts) == 1:
            return s.casefold() == self.parts[0] if self.whole else self.parts[0] in s
        if self.whole:
            return self.regex.fullmatch(s.casefold()) is not None
        return self.regex.search(s) is not None


def pattern(chars: Word, whole: bool) -> Pattern:
    """The pattern of a term's value (``*`` a wildcard unless escaped)."""
    parts: list[str] = []
    current: list[str] = []
    for c, how in chars:
        if c == "*" and how != "\\":
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    return Pattern(tuple(p.casefold() if whole else re.sub(r"\s+", " ", p).casefold() for p in parts),
                   whole)


# --- the terms: each a test of one entry at one moment, and what it asks, for a store to read ----
@dataclass(frozen=True)
class FreeText:
    """Text anywhere in the item's id or texts (``Entry.text``)."""

    pattern: Pattern

    def __call__(self, e: Entry, m: Moment) -> bool:
        return self.pattern(e.text)


@dataclass(frozen=True)
class Field:
    """``deck:`` the item's deck, ``id:`` its id, ``kind:`` its card type or problem kind, or its
    item kind (card, problem)."""

    name: Literal["deck", "id", "kind"]
    pattern: Pattern

    def __call__(self, e: Entry, m: Moment) -> bool:
        if self.name == "deck":
            return self.pattern(e.state.deck)
        if self.name == "id":
            return self.pattern(e.state.item_id)
        return self.pattern(e.type) or self.pattern(e.state.kind)


@dataclass(frozen=True)
class Tag:
    """One of the item's tags matches; ``pattern`` None (``tag:none``): the item has no tag."""

    pattern: Pattern | None

    def __call__(self, e: Entry, m: Moment) -> bool:
        if self.pattern is None:
            return not e.tags
        return any(self.pattern(t) for t in e.tags)


def term(word: Word, kinds: frozenset[str]) -> Term:
    colon = next((i for i, (c, how) in enumerate(word) if c == ":" and how == " "), None)
    if colon is None:
        return FreeText(pattern(word, whole=False))
    prefix = "".join(c for c, _ in word[:colon]).casefold()
    value = word[colon + 1:]
    if prefix not in PREFIXES:
        prefixes = " ".join(p + ":" for p in PREFIXES)
        raise SearchFault(f"unknown search prefix '{_show(prefix)}:' (expected one of {prefixes}; "
                          "quote text that has a colon)",
                          f"未知的搜索前缀 '{_show(prefix)}:'(应为 {prefixes} 之一;含冒号的文字请加引号)")
    if not value:
        raise SearchFault(f"{prefix}: needs a value (as in {EXAMPLES[prefix]})",
                          f"{prefix}: 后面需要一个值(如 {EXAMPLES[prefix]})")
    text = "".join(c for c, _ in value)
    if prefix == "is":
        return _is(text.casefold())
    if prefix == "prop":
        return _prop(text)
    if prefix == "rated":
        return _rated(text)
    matches = pattern(value, whole=True)
    if prefix == "deck":
        return Field("deck", matches)
    if prefix == "id":
        return Field("id", matches)
    if prefix == "tag":
        return Tag(None if text.casefold() == "none" else matches)
    known = (*CARD_TYPES, "card", "problem", *sorted(kinds))
    if not any(matches(k) for k in known):
        raise SearchFault(f"unknown kind:{_show(value)} (expected basic, cloze, choice, card, problem or a "
                          "problem kind that `studyapp kinds` lists, such as conv2d)",
                          f"未知的 kind:{_show(value)}(应为 basic、cloze、choice、card、problem,"
                          "或 `studyapp kinds` 列出的题型,如 conv2d)")
    # kind:card and kind:problem match the item kind, the rest the card type or problem kind.
    return Field("kind", matches)


EXAMPLES = {"deck": "deck:convolution or deck:conv*", "is": "is:due", "kind": "kind:cloze or kind:conv2d",
            "tag": "tag:cnn", "id": "id:conv.*", "prop": "prop:ivl>=10", "rated": "rated:7"}


@dataclass(frozen=True)
class Is:
    """``is:``: one of ``IS_VALUES``."""

    value: str

    def __call__(self, e: Entry, m: Moment) -> bool:
        s = e.state
        if self.value == "new":
            return s.is_new
        if self.value == "learn":
            return not s.is_new and s.state in (LEARNING, RELEARNING)
        if self.value == "review":  # as in Anki, lapsed (relearning) items are still review items
            return not s.is_new and s.state in (REVIEW, RELEARNING)
        if self.value == "due":  # due before the day ends; neither suspended nor buried nor new
            return (not s.is_new and not s.suspended and s.due is not None and s.due < m.day_end
                    and not s.is_buried(m.now))
        if self.value == "suspended":
            return s.suspended
        if self.value == "leech":
            return s.leech
        return s.is_buried(m.now)


def _is(value: str) -> Is:
    if value not in IS_VALUES:
        raise SearchFault(f"unknown is:{_show(value)} (expected one of: {', '.join(IS_VALUES)})",
                          f"未知的 is:{_show(value)}(应为以下之一:{'、'.join(IS_VALUES)})")
    return Is(value)


def due_in_days(state: ItemState, day_end: datetime) -> int | None:
    """Study days from today to the item's due date: 0 today, 1 tomorrow, -2 two days overdue."""
    if state.is_new or state.due is None:
        return None
    return math.floor((state.due - (day_end - DAY)) / DAY)


def difficulty_share(d: float) -> float:
    """FSRS difficulty (1 to 10) as Anki shows it and ``prop:d`` compares it: 0 easiest, 1 hardest."""
    return (d - 1) / 9


COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": float.__le__, ">=": float.__ge__, "!=": float.__ne__, "<": float.__lt__, ">": float.__gt__,
    "=": float.__eq__}


@dataclass(frozen=True)
class Prop:
    """``prop:``: one of ``PROPS`` compared with a finite number (a new item has no interval, due
    date, stability or difficulty: it never matches those)."""

    name: str
    op: str  # a key of COMPARE
    limit: float

    def value(self, e: Entry, m: Moment) -> float | None:
        s = e.state
        if self.name == "lapses":
            return float(s.lapses)
        if s.is_new:
            return None
        if self.name == "ivl":
            return float(round(s.interval_days()))
        if self.name == "due":
            days = due_in_days(s, m.day_end)
            return None if days is None else float(days)
        if self.name == "s":
            return s.stability
        return None if s.difficulty is None else difficulty_share(s.difficulty)

    def __call__(self, e: Entry, m: Moment) -> bool:
        v = self.value(e, m)
        return v is not None and COMPARE[self.op](float(v), self.limit)


def _prop(text: str) -> Prop:
    found = re.fullmatch(r"([^<>=!]*)(<=|>=|!=|<|>|=)(.*)", text, re.S)
    name, op, number = found.groups() if found else (text, None, "")
    name = name.casefold()
    if name not in PROPS:
        raise SearchFault(f"unknown prop:{_show(name)} (expected one of: {', '.join(PROPS)}, "
                          "as in prop:ivl>=10)",
                          f"未知的 prop:{_show(name)}(应为以下之一:{'、'.join(PROPS)},如 prop:ivl>=10)")
    try:
        limit = float(number)
    except ValueError:
        limit = math.nan
    if op is None or not math.isfinite(limit):
        raise SearchFault(f"prop:{name} needs a comparison and a number (as in prop:{name}>=2)",
                          f"prop:{name} 需要比较符和数字(如 prop:{name}>=2)")
    return Prop(name, op, limit)


@dataclass(frozen=True)
class Rated:
    """``rated:``: answered (in any mode) within the last ``days`` study days, today included."""

    days: int

    def __call__(self, e: Entry, m: Moment) -> bool:
        return e.last_answered is not None and e.last_answered >= m.day_start - (self.days - 1) * DAY


def _rated(text: str) -> Rated:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 36500):
        raise SearchFault(f"rated:{_show(text)} needs a number of days from 1 to 36500 (as in rated:7)",
                          f"rated:{_show(text)} 需要 1 到 36500 之间的天数(如 rated:7)")
    return Rated(int(text))


Term = FreeText | Field | Tag | Is | Prop | Rated
