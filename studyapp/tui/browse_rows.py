"""How an item reads in the browser: which columns fit the width and how wide each is, its row
of cells (each cut to its column by cell width, so that Chinese lines up), its short text, its
state, due date and stability, the preview under the table, in both languages, and what the
search index is given of it (the table that draws the cells is ``browse_table``'s). Pure: the
screen (``browse``) passes the width, the language and the deck titles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text as RichText

from studyapp.core.content import GAP, Card, ProblemTemplate
from studyapp.core.scheduler import ItemState
from studyapp.core.search import entry_for
from studyapp.core.search_entry import Entry
from studyapp.core.search_terms import difficulty_share, due_in_days
from studyapp.store.browse import ItemRow
from studyapp.store.browse_index import IndexItem
from studyapp.tui.browse_table import Cell

S = {
    "en": {
        "deck": "Deck", "kind": "Type", "text": "Item", "state": "State", "due": "Due", "stab": "Stab",
        "diff": "Diff", "lapses": "Lapses", "last": "Last",
        "new": "new", "learning": "learn", "young": "young", "mature": "mature", "relearning": "relearn",
        "susp": "susp.", "buried": "buried", "today": "today", "in": "in {d}d", "overdue": "overdue {d}d",
        "basic": "basic", "cloze": "cloze", "choice": "choice", "problem": "problem", "d": "d", "y": "y",
        "r1": "Again", "r2": "Hard", "r3": "Good", "r4": "Easy",
    },
    "zh": {
        "deck": "卡组", "kind": "类型", "text": "内容", "state": "状态", "due": "到期", "stab": "稳定性",
        "diff": "难度", "lapses": "遗忘", "last": "上次",
        "new": "新卡", "learning": "学习中", "young": "未熟练", "mature": "已熟练", "relearning": "重学中",
        "susp": "已暂停", "buried": "已搁置", "today": "今天", "in": "{d} 天后", "overdue": "逾期 {d} 天",
        "basic": "问答", "cloze": "填空", "choice": "选择", "problem": "计算题", "d": "天", "y": "年",
        "r1": "重来", "r2": "困难", "r3": "良好", "r4": "简单",
    },
}
RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}


def t(lang: str, key: str, **values: Any) -> str:
    text = S.get(lang, S["en"]).get(key, S["en"][key])
    return text.format(**values) if values else text


CARD_TYPES = ("basic", "cloze", "choice")


def kind_text(kind: str, lang: str) -> str:
    """A card type in the UI language; any problem kind is a problem (its name, what ``kind:``
    takes, is an identifier: the details screen shows it)."""
    return t(lang, kind if kind in CARD_TYPES else "problem")


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
    """Text on one line with single spaces (the table's rows are one line high). Every whitespace
    character but the space is unprintable: a printable text without a double, leading or trailing
    space is already so (one scan instead of a split and a join)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def summary(thing: Card | ProblemTemplate, lang: str) -> str:
    """The item in a line of the UI language: a card's front, cloze text or question; a template's title."""
    if isinstance(thing, ProblemTemplate):
        from studyapp.core.kinds import KINDS

        kind = KINDS.get(thing.kind)
        text = thing.title or (kind.summary if kind else None)
        return one_line(text.get(lang)) if text else thing.kind
    text = thing.front or thing.text or thing.question
    if not text:
        return thing.id
    line = text.get(lang)
    return one_line(GAP.sub(lambda m: m.group(1).split("|")[0], line) if "{{" in line else line)


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
    deck_title: str = ""  # in the UI language; the deck's id when it has none


def line_for(thing: Card | ProblemTemplate, row: ItemRow | None, lang: str, deck_title: str) -> Line:
    """The row of one item, from its content and what the store has of it (None: never stored)."""
    entry = entry_for(thing, row.state if row else None, row.last_answered if row else None)
    return Line(entry, thing, summary(thing, lang), row.last_rating if row else None,
                row.reviews if row else 0, deck_title)


def index_item(thing: Card | ProblemTemplate, deck_title: str) -> IndexItem:
    """What the search index keeps of an item (``Entry`` says what a search sees)."""
    if isinstance(thing, Card):
        return IndexItem(thing.id, thing.deck, "card", thing.type, thing.tags, deck_title)
    return IndexItem(thing.id, thing.deck, "problem", thing.kind, thing.tags, deck_title)


def title_key(thing: Card | ProblemTemplate, lang: str) -> str:
    """What the Item column sorts an item by."""
    return summary(thing, lang).casefold()


COLUMNS = ("deck", "kind", "text", "state", "due", "stab", "diff", "lapses", "last")
NUMERIC = {"stab", "diff", "lapses"}
STATE_ORDER = ("new", "learning", "relearning", "young", "mature")
MIN_TEXT = 15
DECK_MIN, DECK_MAX = 10, 20  # cells of the deck column: its titles are cut to fit
NARROW = ("stab", "diff", "lapses")  # left out when the item text would have less than...
ROOMY_TEXT = 30  # ...this many cells (the preview and the details still show them)
WIDE_TEXT = 40  # the item text keeps this much before the deck column grows


def column_widths(lang: str) -> dict[str, int]:
    """Cells of every column but the item text: its header or its widest value, whichever is wider
    (the deck column's titles are cut at ``DECK_MIN``)."""
    values = {"deck": ["x" * DECK_MIN], "kind": [t(lang, k) for k in (*CARD_TYPES, "problem")],
              "stab": ["999d"], "diff": ["100%"], "lapses": ["99"],
              "state": [t(lang, k) for k in (*STATE_ORDER, "susp", "buried")],
              "due": [t(lang, "overdue", d=99), t(lang, "in", d=99), "2026-01-01"],
              "last": [t(lang, f"r{r}") for r in RATING_STYLE]}
    return {c: max(cell_len(x) for x in [t(lang, c), *values[c]]) for c in values}


def layout(width: int, lang: str, deck_titles: list[str]) -> dict[str, int]:
    """The columns shown at ``width`` terminal cells, in order, and the cells of each: the item
    text takes what the others leave; narrow, the least used columns give way to it, and wide,
    the deck column grows toward its longest title while the text keeps ``WIDE_TEXT``."""
    fixed = column_widths(lang)

    def room_for_text() -> int:
        return width - sum(fixed.values()) - (len(fixed) + 1) - 2  # a gap after each column, scroll bar

    if room_for_text() < ROOMY_TEXT:
        for column in NARROW:
            del fixed[column]
    room = room_for_text()
    wider = min(max(map(cell_len, deck_titles), default=0), DECK_MAX) - fixed["deck"]
    grow = min(wider, room - WIDE_TEXT)
    if grow > 0:
        fixed["deck"] += grow
        room -= grow
    widths = {**fixed, "text": max(room, MIN_TEXT)}
    return {c: widths[c] for c in COLUMNS if c in widths}


# What each column sorts by, as Python would (the index sorts in SQL: ``store.browse_sql.SORT_SQL``
# must agree with this, and tests/tui/test_browse.py checks that it does).
SORT_KEYS: dict[str, Any] = {
    "deck": lambda ln, now: ((ln.deck_title or ln.entry.state.deck).casefold(), ln.entry.state.deck),
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
              zone: Any) -> list[Cell]:
    """The row of one item: a cell for each column of ``widths``, exactly as wide as its column
    (plus one space)."""
    s = ln.entry.state
    values = {
        "deck": ln.deck_title or s.deck, "kind": kind_text(ln.entry.type, lang), "text": ln.title,
        "state": t(lang, state_key(s, now)), "due": due_text(s, day_end, zone, lang),
        "stab": stability_text(None if s.is_new else s.stability, lang),
        "diff": "" if s.is_new or s.difficulty is None else f"{difficulty_share(s.difficulty):.0%}",
        "lapses": "" if s.is_new else str(s.lapses),
        "last": t(lang, f"r{ln.last_rating}") if ln.last_rating in RATING_STYLE else "",
    }
    row = "yellow" if s.suspended else "red" if s.leech else "dim" if s.is_buried(now) else ""
    out = [Cell(RichText(fit(values[c], width, c in NUMERIC) + " ", style=row))
           for c, width in widths.items()]
    if not row and ln.last_rating in RATING_STYLE and "last" in widths:
        out[list(widths).index("last")].stylize(RATING_STYLE[ln.last_rating])
    return out


def preview_text(ln: Line | None, lang: str) -> RichText:
    """The line under the table: the highlighted item's deck and type, then its whole text
    (which the table cuts); empty when no row is highlighted."""
    if ln is None:
        return RichText()
    return RichText.assemble((f"{ln.deck_title or ln.entry.state.deck} · {kind_text(ln.entry.type, lang)}",
                              "bold"), " · ", ln.title)
