"""The browser: every item of the library in a table, filtered by an Anki-like search line;
Enter shows one item with its schedule and history, ``s`` suspends or unsuspends it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from rich.text import Text as RichText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, LoadingIndicator, Static
from textual.worker import get_current_worker

from studyapp.core.content import Card, ProblemTemplate
from studyapp.core.days import day_bounds, local_zone
from studyapp.core.search import SearchError, entry_for, parse
from studyapp.store.browse import history, item_rows
from studyapp.tui.browse_item import ItemScreen
from studyapp.tui.browse_rows import (
    COLUMNS,
    NUMERIC,
    SORT_KEYS,
    Line,
    fit,
    layout,
    preview_text,
    row_cells,
    summary,
)
from studyapp.tui.browse_rows import t as row_t
from studyapp.tui.keys import KeyFooter, localize_bindings

S = {
    "en": {
        "placeholder": "Search: deck:convolution is:due kind:cloze tag:cnn -is:suspended \"a phrase\"",
        "count": "{n} of {m} items", "sorted": "sorted by {col}", "order": "content order",
        "reverse": "Reverse",
        "kept": "showing the last good search", "loading": "Loading…",
        "suspended_now": "Suspended", "unsuspended_now": "Unsuspended",
    },
    "zh": {
        "placeholder": "搜索:deck:convolution is:due kind:cloze tag:cnn -is:suspended \"短语\"",
        "count": "{m} 项中的 {n} 项", "sorted": "按{col}排序", "order": "内容顺序", "reverse": "倒序",
        "kept": "显示上一次有效搜索的结果", "loading": "加载中…",
        "suspended_now": "已暂停", "unsuspended_now": "已恢复",
    },
}


def t(lang: str, key: str, **values: Any) -> str:
    text = S.get(lang, S["en"]).get(key, S["en"][key])
    return text.format(**values) if values else text


# Rows go into the table a chunk at a time, more as the cursor or the scroll nears the end: the
# table measures every cell it is given, which for 100,000 items would take half a minute.
CHUNK = 200


class BrowseScreen(Screen[None]):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"), Binding("slash", "focus_search", "Search"),
        Binding("s", "suspend", "(Un)suspend"), Binding("o", "sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        # A priority binding, so that the footer shows it over the table's own (hidden) Enter;
        # check_action hands Enter to the search line while it has the focus.
        Binding("enter", "details", "Details", priority=True),
        Binding("down", "to_table", show=False),  # from the search line into the table
        Binding("question_mark", "help", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lang = self.app.settings.lang
        localize_bindings(self, self.lang)
        self.zone = local_zone(self.app.settings.timezone)
        self.lines: dict[str, Line] = {}
        self.shown: list[str] = []
        self.last_good = parse("")
        self.sort_col: str | None = None
        self.descending = False
        self.widths: dict[str, int] = {}
        self.generation = 0  # of the latest search: a slower, older filter's rows are dropped

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t(self.lang, "placeholder"), id="search")
        yield Static(t(self.lang, "loading"), id="browse-status")
        yield Static(id="browse-error")
        yield LoadingIndicator(id="browse-loading")
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Static(id="browse-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#items", DataTable).display = False
        self.query_one("#browse-error").display = False
        self.query_one("#search", Input).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "details":
            return isinstance(self.focused, DataTable) and self.selected_id() is not None
        return True

    def moment(self) -> tuple[datetime, datetime]:
        now = self.app.clock()
        return now, day_bounds(now, self.zone, self.app.settings.day_start_hour)[1]

    # --- loading and searching ------------------------------------------------------------
    @work(thread=True, exclusive=True, group="browse-load")
    def load(self) -> None:
        """Join the library with the stored schedules (a library of 100k items takes a few seconds)."""
        things: list[Card | ProblemTemplate] = [x for deck in self.app.library.decks
                                                for x in (*deck.cards, *deck.problems)]
        stored = item_rows(self.app.store, [x.id for x in things])
        decks = self.deck_titles()
        lines = {}
        for thing in things:
            row = stored.get(thing.id)
            entry = entry_for(thing, row.state if row else None, row.last_answered if row else None)
            lines[thing.id] = Line(entry, thing, summary(thing, self.lang),
                                   row.last_rating if row else None, row.reviews if row else 0,
                                   decks.get(thing.deck, thing.deck))
        self.app.call_from_thread(self.loaded, lines)

    def loaded(self, lines: dict[str, Line]) -> None:
        self.lines = lines
        self.query_one("#browse-loading").display = False
        table = self.query_one("#items", DataTable)
        table.display = True
        self.watch(table, "scroll_y", self.more_rows, init=False)
        self.make_columns()
        self.search(self.query_one("#search", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.lines:
            self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_to_table()

    def search(self, line: str) -> None:
        result = parse(line)
        error = self.query_one("#browse-error", Static)
        error.display = isinstance(result, SearchError)
        if isinstance(result, SearchError):
            error.update(RichText.assemble((result.message.get(self.lang), "bold red"),
                                           f"  ({t(self.lang, 'kept')})"))
            return  # the last good results stay
        self.last_good = result
        self.refilter()

    def refilter(self) -> None:
        self.generation += 1
        self.filter_rows(self.last_good, self.sort_col, self.descending, self.generation)

    @work(thread=True, exclusive=True, group="browse-filter")
    def filter_rows(self, query: Any, sort_col: str | None, descending: bool, generation: int) -> None:
        """Match and sort off the main thread (a large library takes longer than a frame)."""
        now, day_end = self.moment()
        lines = list(self.lines.values())
        matched = {e.state.item_id for e in query.filter((ln.entry for ln in lines), now, day_end)}
        rows = [ln for ln in lines if ln.entry.state.item_id in matched]
        if sort_col is not None:
            rows.sort(key=lambda ln: SORT_KEYS[sort_col](ln, now), reverse=descending)
        elif descending:
            rows.reverse()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_rows, [ln.entry.state.item_id for ln in rows], generation)

    # --- the table ----------------------------------------------------------------------
    def deck_titles(self) -> dict[str, str]:
        return {d.id: d.title.get(self.lang) or d.id for d in self.app.library.decks}

    def make_columns(self) -> None:
        """The columns that fit the terminal (see ``browse_rows.layout``)."""
        self.widths = layout(self.app.size.width, self.lang, list(self.deck_titles().values()))
        table = self.query_one("#items", DataTable)
        table.clear(columns=True)
        for c, width in self.widths.items():
            header = RichText(fit(row_t(self.lang, c), width, c in NUMERIC) + " ")
            table.add_column(header, width=width + 1, key=c)

    def on_resize(self) -> None:
        if self.lines and self.widths:
            self.make_columns()
            self.show_rows(self.shown, self.generation, force=True)

    def show_rows(self, ids: list[str], generation: int, force: bool = False) -> None:
        if generation != self.generation:
            return
        if force or ids != self.shown or not self.query_one("#items", DataTable).row_count:
            table = self.query_one("#items", DataTable)
            selected = self.selected_id()
            self.shown = ids
            table.clear()
            keep = ids.index(selected) if selected in ids else -1
            self.add_chunk(upto=keep + 1)
            if keep >= 0:
                table.move_cursor(row=keep)
        self.show_status()
        self.show_preview()

    def row(self, ln: Line, now: datetime, day_end: datetime) -> list[RichText]:
        return row_cells(ln, self.widths, self.lang, now, day_end, self.zone)

    def add_chunk(self, upto: int = 0) -> None:
        """The next rows of ``shown`` into the table (at least up to row ``upto``)."""
        table = self.query_one("#items", DataTable)
        start = table.row_count
        now, day_end = self.moment()
        for item_id in self.shown[start:max(start + CHUNK, upto)]:
            table.add_row(*self.row(self.lines[item_id], now, day_end), key=item_id)

    def more_rows(self, *_: object) -> None:
        table = self.query_one("#items", DataTable)
        near_end = (table.cursor_row >= table.row_count - CHUNK // 4
                    or table.scroll_y >= table.max_scroll_y - CHUNK // 4)
        if near_end and table.row_count < len(self.shown):
            self.add_chunk()

    def show_status(self) -> None:
        lang = self.lang
        status = RichText(t(lang, "count", n=len(self.shown), m=len(self.lines)))
        if self.sort_col is not None or self.descending:
            column = row_t(lang, self.sort_col) if self.sort_col else t(lang, "order")
            status.append(f" · {t(lang, 'sorted', col=column)}" + (f" ({t(lang, 'reverse')})"
                                                                     if self.descending else ""))
        self.query_one("#browse-status", Static).update(status)

    def selected_id(self) -> str | None:
        table = self.query_one("#items", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_preview(self) -> None:
        """The row under the cursor in full; nothing when the search left no row."""
        item_id = self.selected_id()
        self.query_one("#browse-preview", Static).update(
            preview_text(self.lines.get(item_id) if item_id else None, self.lang))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.more_rows()
        self.show_preview()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.descending = not self.descending if column == self.sort_col else False
        self.sort_col = column
        self.refilter()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_details()

    # --- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_to_table(self) -> None:
        self.query_one("#items", DataTable).focus()

    def action_sort(self) -> None:
        order: list[str | None] = [None, *COLUMNS]
        self.sort_col = order[(order.index(self.sort_col) + 1) % len(order)]
        self.refilter()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.refilter()

    def action_suspend(self) -> None:
        item_id = self.selected_id()
        if item_id is None:
            return
        ln = self.lines[item_id]
        store = self.app.store
        # set_item inserts an item the store has never seen (its content was never synced).
        state = store.get(item_id) or ln.entry.state
        state = replace(state, suspended=not state.suspended)
        store.set_item(state)
        ln.entry = replace(ln.entry, state=state)
        now, day_end = self.moment()
        table = self.query_one("#items", DataTable)
        for column, cell in zip(self.widths, self.row(ln, now, day_end), strict=True):
            table.update_cell(item_id, column, cell)
        self.notify(t(self.lang, "suspended_now" if state.suspended else "unsuspended_now"))

    def action_details(self) -> None:
        item_id = self.selected_id()
        if item_id is not None:
            now, day_end = self.moment()
            self.app.push_screen(ItemScreen(self.lines[item_id], history(self.app.store, item_id),
                                            self.lang, now, day_end, self.zone))

    def action_help(self) -> None:
        from studyapp.tui.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

