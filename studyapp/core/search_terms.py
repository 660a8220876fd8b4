"""What each term of a search line means: ``deck:`` ``is:`` ``kind:`` ``tag:`` ``id:`` ``prop:``
``rated:`` and free text, each compiled into a test of one entry at one moment (see ``search``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime

from studyapp.core.bilingual import Text
from studyapp.core.scheduler import LEARNING, RELEARNING, REVIEW, ItemState
from studyapp.core.search_entry import DAY, Entry, Moment, Test

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


def _pattern(chars: Word, whole: bool) -> Callable[[str], bool]:
    """Case-insensitive match of ``chars`` (``*`` a wildcard unless escaped): the whole
    string, or anywhere in it."""
    parts, current = [], []
    for c, how in chars:
        if c == "*" and how != "\\":
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    parts = [p.casefold() if whole else re.sub(r"\s+", " ", p).casefold() for p in parts]
    if len(parts) == 1 and not whole:
        needle = parts[0]
        return lambda s: needle in s
    if len(parts) == 1:
        return lambda s: s.casefold() == parts[0]
    regex = re.compile(".*".join(re.escape(p) for p in parts))
    if whole:
        return lambda s: regex.fullmatch(s.casefold()) is not None
    return lambda s: regex.search(s) is not None


def term(word: Word, kinds: frozenset[str]) -> Test:
    colon = next((i for i, (c, how) in enumerate(word) if c == ":" and how == " "), None)
    if colon is None:
        contains = _pattern(word, whole=False)
        return lambda e, m: contains(e.text)
    prefix = "".join(c for c, _ in word[:colon]).casefold()
    value = word[colon + 1:]
    if prefix not in PREFIXES:
        known = " ".join(p + ":" for p in PREFIXES)
        raise SearchFault(f"unknown search prefix '{_show(prefix)}:' (expected one of {known}; "
                          "quote text that has a colon)",
                          f"未知的搜索前缀 '{_show(prefix)}:'(应为 {known} 之一;含冒号的文字请加引号)")
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
    matches = _pattern(value, whole=True)
    if prefix == "deck":
        return lambda e, m: matches(e.state.deck)
    if prefix == "id":
        return lambda e, m: matches(e.state.item_id)
    if prefix == "tag":
        if text.casefold() == "none":
            return lambda e, m: not e.tags
        return lambda e, m: any(matches(t) for t in e.tags)
    known = (*CARD_TYPES, "card", "problem", *sorted(kinds))
    if not any(matches(k) for k in known):
        raise SearchFault(f"unknown kind:{_show(value)} (expected basic, cloze, choice, card, problem or a "
                          "problem kind that `studyapp kinds` lists, such as conv2d)",
                          f"未知的 kind:{_show(value)}(应为 basic、cloze、choice、card、problem,"
                          "或 `studyapp kinds` 列出的题型,如 conv2d)")
    # kind:card and kind:problem match the item kind, the rest the card type or problem kind.
    return lambda e, m: matches(e.type) or matches(e.state.kind)


EXAMPLES = {"deck": "deck:convolution or deck:conv*", "is": "is:due", "kind": "kind:cloze or kind:conv2d",
            "tag": "tag:cnn", "id": "id:conv.*", "prop": "prop:ivl>=10", "rated": "rated:7"}


def _is(value: str) -> Test:
    tests: dict[str, Test] = {
        "new": lambda e, m: e.state.is_new,
        "learn": lambda e, m: not e.state.is_new and e.state.state in (LEARNING, RELEARNING),
        # As in Anki, lapsed (relearning) items are still review items.
        "review": lambda e, m: not e.state.is_new and e.state.state in (REVIEW, RELEARNING),
        "due": lambda e, m: (not e.state.is_new and not e.state.suspended and e.state.due is not None
                             and e.state.due < m.day_end and not e.state.is_buried(m.now)),
        "suspended": lambda e, m: e.state.suspended,
        "leech": lambda e, m: e.state.leech,
        "buried": lambda e, m: e.state.is_buried(m.now),
    }
    if value not in tests:
        raise SearchFault(f"unknown is:{_show(value)} (expected one of: {', '.join(IS_VALUES)})",
                          f"未知的 is:{_show(value)}(应为以下之一:{'、'.join(IS_VALUES)})")
    return tests[value]


def due_in_days(state: ItemState, day_end: datetime) -> int | None:
    """Study days from today to the item's due date: 0 today, 1 tomorrow, -2 two days overdue."""
    if state.is_new or state.due is None:
        return None
    return math.floor((state.due - (day_end - DAY)) / DAY)


def difficulty_share(d: float) -> float:
    """FSRS difficulty (1 to 10) as Anki shows it and ``prop:d`` compares it: 0 easiest, 1 hardest."""
    return (d - 1) / 9


def _prop(text: str) -> Test:
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
    compare: Callable[[float, float], bool] = {
        "<=": float.__le__, ">=": float.__ge__, "!=": float.__ne__, "<": float.__lt__,
        ">": float.__gt__, "=": float.__eq__}[op]

    def value(e: Entry, m: Moment) -> float | None:
        s = e.state
        if name == "lapses":
            return float(s.lapses)
        if s.is_new:
            return None
        if name == "ivl":
            return float(round(s.interval_days()))
        if name == "due":
            days = due_in_days(s, m.day_end)
            return None if days is None else float(days)
        if name == "s":
            return s.stability
        return None if s.difficulty is None else difficulty_share(s.difficulty)

    def test(e: Entry, m: Moment) -> bool:
        v = value(e, m)
        return v is not None and compare(float(v), limit)

    return test


def _rated(text: str) -> Test:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 36500):
        raise SearchFault(f"rated:{_show(text)} needs a number of days from 1 to 36500 (as in rated:7)",
                          f"rated:{_show(text)} 需要 1 到 36500 之间的天数(如 rated:7)")
    days = int(text)
    return lambda e, m: e.last_answered is not None and e.last_answered >= m.day_start - (days - 1) * DAY
