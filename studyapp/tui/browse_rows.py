"""How an item reads in the browser: its row of cells (each cut to its column by cell width,
so that Chinese lines up), its short text, its state, due date and stability in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text as RichText

from studyapp.core.content import GAP, Card, ProblemTemplate
from studyapp.core.scheduler import ItemState
from studyapp.core.search import Entry
from studyapp.core.search_terms import difficulty_share, due_in_days

S = {
    "en": {
        "deck": "Deck", "kind": "Type", "text": "Item", "state": "State", "due": "Due", "stab": "Stab",
        "diff": "Diff", "lapses": "Lapses", "last": "Last",
        "new": "new", "learning": "learn", "young": "young", "mature": "mature", "relearning": "relearn",
        "susp": "susp.", "buried": "buried", "today": "today", "in": "in {d}d", "overdue": "overdue {d}d",
        "basic": "basic", "cloze": "cloze", "choice": "choice", "d": "d", "y": "y",
        "r1": "Again", "r2": "Hard", "r3": "Good", "r4": "Easy",
    },
    "zh": {
        "deck": "卡组", "kind": "类型", "text": "内容", "state": "状态", "due": "到期", "stab": "稳定性",
        "diff": "难度", "lapses": "遗忘", "last": "上次",
        "new": "新卡", "learning": "学习中", "young": "未熟练", "mature": "已熟练", "relearning": "重学中",
        "susp": "已暂停", "buried": "已搁置", "today": "今天", "in": "{d} 天后", "overdue": "逾期 {d} 天",
        "basic": "问答", "cloze": "填空", "choice": "选择", "d": "天", "y": "年",
        "r1": "重来", "r2": "困难", "r3": "良好", "r4": "简单",
    },
}
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


def t(lang: str, key: str, **values: Any) -> str:
    text = S.get(lang, S["en"]).get(key, S["en"][key])
    return text.format(**values) if values else text


def kind_text(kind: str, lang: str) -> str:
    """A card type in the UI language; a problem kind by its name (what ``kind:`` takes)."""
    return t(lang, kind) if kind in ("basic", "cloze", "choice") else kind


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` in exactly ``width`` cells: cut with an ellipsis, padded (wide characters count 2)."""
    if cell_len(text) > width:
        out, used = [], 0
        for c in text:
            size = get_character_cell_size(c)
            if used + size > width - 1:
                break
            out.append(c)
            used += size
        text = "".join(out) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def one_line(text: str) -> str:
    """Text on one line with single spaces (the table's rows are one line high)."""
    return " ".join(text.split())


def summary(thing: Card | ProblemTemplate, lang: str) -> str:
    """The item in a line of the UI language: a card's front, cloze text or question; a template's title."""
    if isinstance(thing, ProblemTemplate):
        from studyapp.core.kinds import KINDS

        kind = KINDS.get(thing.kind)
        text = thing.title or (kind.summary if kind else None)
        return one_line(text.get(lang)) if text else thing.kind
    text = thing.front or thing.text or thing.question
    return one_line(GAP.sub(lambda m: m.group(1).split("|")[0], text.get(lang))) if text else thing.id


def stability_text(days: float | None, lang: str) -> str:
    """Days as four or five cells: ``3.2d``, ``45d``, ``12y``."""
    if days is None:
        return ""
    if days >= 1000:
        return f"{days / 365:.0f}{t(lang, 'y')}"
    return f"{days:.1f}{t(lang, 'd')}" if days < 10 else f"{days:.0f}{t(lang, 'd')}"


def due_text(state: ItemState, day_end: datetime, zone: Any, lang: str) -> str:
    """``today``, ``in 3d``, ``overdue 2d``; further away than 99 days, the date."""
    days = due_in_days(state, day_end)
    if days is None or state.due is None:
        return ""
    if abs(days) > 99:
        return state.due.astimezone(zone).strftime("%Y-%m-%d")
    if days == 0:
        return t(lang, "today")
    return t(lang, "in", d=days) if days > 0 else t(lang, "overdue", d=-days)


def state_key(state: ItemState, now: datetime) -> str:
    """The state column: a suspended or buried item says so, as its yellow or dim row does."""
    if state.suspended:
        return "susp"
    return "buried" if state.is_buried(now) else state.label(now)


@dataclass
class Line:
    """One row: the searchable entry, the content behind it, and its last answer."""

    entry: Entry
    thing: Card | ProblemTemplate
    title: str  # ``summary`` in the UI language
    last_rating: int | None = None
    reviews: int = 0


COLUMNS = ("deck", "kind", "text", "state", "due", "stab", "diff", "lapses", "last")
NUMERIC = {"stab", "diff", "lapses"}
STATE_ORDER = ("new", "learning", "relearning", "young", "mature")
MIN_TEXT = 15


def column_widths(lang: str) -> dict[str, int]:
    """Cells of every column but the item text: its header or its widest value, whichever is wider."""
    values = {"deck": ["activati"], "kind": ["conv_out"], "stab": ["999d"], "diff": ["100%"],
              "lapses": ["99"], "state": [t(lang, k) for k in (*STATE_ORDER, "susp", "buried")],
              "due": [t(lang, "overdue", d=99), t(lang, "in", d=99), "2026-01-01"],
              "last": [t(lang, f"r{r}") for r in RATING_STYLE]}
    return {c: max(cell_len(x) for x in [t(lang, c), *values[c]]) for c in values}


SORT_KEYS: dict[str, Any] = {
    "deck": lambda ln, now: ln.entry.state.deck,
    "kind": lambda ln, now: ln.entry.type,
    "text": lambda ln, now: ln.title.casefold(),
    "state": lambda ln, now: STATE_ORDER.index(ln.entry.state.label(now)),
    "due": lambda ln, now: (ln.entry.state.due is None, ln.entry.state.due or now),
    "stab": lambda ln, now: (ln.entry.state.stability is None, ln.entry.state.stability or 0.0),
    "diff": lambda ln, now: (ln.entry.state.difficulty is None, ln.entry.state.difficulty or 0.0),
    "lapses": lambda ln, now: ln.entry.state.lapses,
    "last": lambda ln, now: (ln.last_rating is None, ln.last_rating or 0),
}


def row_cells(ln: Line, widths: dict[str, int], lang: str, now: datetime, day_end: datetime,
              zone: Any) -> list[RichText]:
    """The row of one item, every cell exactly as wide as its column (plus one space)."""
    s = ln.entry.state
    values = {
        "deck": s.deck, "kind": kind_text(ln.entry.type, lang), "text": ln.title,
        "state": t(lang, state_key(s, now)), "due": due_text(s, day_end, zone, lang),
        "stab": stability_text(None if s.is_new else s.stability, lang),
        "diff": "" if s.is_new or s.difficulty is None else f"{difficulty_share(s.difficulty):.0%}",
        "lapses": "" if s.is_new else str(s.lapses),
        "last": t(lang, f"r{ln.last_rating}") if ln.last_rating in RATING_STYLE else "",
    }
    row = "yellow" if s.suspended else "red" if s.leech else "dim" if s.is_buried(now) else ""
    out = [RichText(fit(values[c], widths[c], c in NUMERIC) + " ", style=row) for c in COLUMNS]
    if not row and ln.last_rating in RATING_STYLE:
        out[-1].stylize(RATING_STYLE[ln.last_rating])
    return out
