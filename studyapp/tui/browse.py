"""The browser: every item of the library in a table, filtered by an Anki-like search line;
Enter shows one item with its schedule and history, ``s`` suspends or unsuspends it.

The search runs in SQL over an index of every item (``store.browse_index``, built by the app
once its content is loaded, see ``browse_prepare``, or else in a worker after the first rows are
shown, and kept for the next opening while the library stays the same; a search typed while it
is built looks at the items already in): a search shows its first
rows, then how many items it found; more rows come a page at a time as the cursor or the scroll
nears the end of the table. The screen never holds every item.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text as RichText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, LoadingIndicator, Static
from textual.worker import get_current_worker

from studyapp.core.content import Card, ProblemTemplate
from studyapp.core.days import day_bounds, local_zone
from studyapp.core.search import Everything, Query, SearchError, parse
from studyapp.store.browse import history
from studyapp.store.browse_index import BrowseIndex, Cancelled
from studyapp.store.db import StoreError
from studyapp.tui.browse_item import ItemScreen
from studyapp.tui.browse_prepare import deck_titles, library_things, update_index
from studyapp.tui.browse_rows import (
    COLUMNS,
    NUMERIC,
    Line,
    fit,
    layout,
    line_for,
    preview_text,
    row_cells,
    title_key,
)
from studyapp.tui.browse_rows import t as row_t
from studyapp.tui.browse_search import SearchInput
from studyapp.tui.browse_table import Cell, ItemTable
from studyapp.tui.keys import KeyFooter, localize_bindings

if TYPE_CHECKING:
    from studyapp.tui.host import StudyHost

S = {
    "en": {
        "placeholder": "Search: deck:convolution is:due kind:cloze tag:cnn -is:suspended \"a phrase\"",
        "count": "{n} of {m} items", "sorted": "sorted by {col}", "order": "content order",
        "reverse": "Reverse",
        "kept": "showing the last good search", "loading": "Loading…", "counting": "…",
        "suspended_now": "Suspended", "unsuspended_now": "Unsuspended",
    },
    "zh": {
        "placeholder": "搜索:deck:convolution is:due kind:cloze tag:cnn -is:suspended \"短语\"",
        "count": "{m} 项中的 {n} 项", "sorted": "按{col}排序", "order": "内容顺序", "reverse": "倒序",
        "kept": "显示上一次有效搜索的结果", "loading": "加载中…", "counting": "…",
        "suspended_now": "已暂停", "unsuspended_now": "已恢复",
    },
}


def t(lang: str, key: str, **values: Any) -> str:
    text = S.get(lang, S["en"]).get(key, S["en"][key])
    return text.format(**values) if values else text


# Rows go into the table a page at a time, more as the cursor or the scroll nears the end (or
# while the table is not full): the table measures every cell it is given, and each row costs
# a keystroke time.
CHUNK = 50


def stopper() -> Callable[[], bool]:
    """In a worker: whether it was cancelled (a newer search replaced it, or the screen closed)."""
    worker = get_current_worker()
    return lambda: worker.is_cancelled


class BrowseScreen(Screen[None]):

    @property
    def host(self) -> StudyHost:
        """The app, as the screens see it (``tui.host``)."""
        return cast("StudyHost", self.app)
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
        self.lang = self.host.settings.lang
        localize_bindings(self, self.lang)
        self.zone = local_zone(self.host.settings.timezone)
        self.things: list[Card | ProblemTemplate] = library_things(self.host.library)
        self.decks = deck_titles(self.host.library, self.lang)
        self.index: BrowseIndex | None = None
        self.lines: dict[str, Line] = {}  # the rows in the table, by item id
        self.shown: list[str] = []  # their ids, in the table's order
        self.total: int | None = len(self.things)  # items the search found; None while counting
        self.at_end = False  # every row the search found is in the table
        self.last_good = parse("")
        self.line_bad = False  # the search line does not parse (its error is shown)
        self.sort_col: str | None = None
        self.descending = False
        self.widths: dict[str, int] = {}
        self.generation = 0  # of the latest search: a slower, older search's rows are dropped
        self.rows_for = -1  # the search whose first rows the table shows
        self.count_for = -1  # the search whose count the status shows
        self.loading_more = False
        self.previewed: RichText | None = None  # what the preview shows

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder=t(self.lang, "placeholder"), id="search")
        yield Static(t(self.lang, "loading"), id="browse-status")
        yield Static(id="browse-error")
        yield LoadingIndicator(id="browse-loading")
        yield ItemTable(id="items", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Static(id="browse-preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.table.display = False
        self.query_one("#browse-error").display = False
        self.search_box.focus()
        self.watch(self.search_box, "value", self.typed, init=False)
        self.open_index()
        # What is alive now (the content and this screen's list of it) outlives the screen; a full
        # collection walking it took 20 to 45 ms, between a keystroke and its rows. Leave it out.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "details":
            return isinstance(self.focused, DataTable) and self.selected_id() is not None
        return True

    def moment(self) -> tuple[datetime, datetime]:
        now = self.host.clock()
        return now, day_bounds(now, self.zone, self.host.settings.day_start_hour)[1]

    # --- the index, the search, the pages (in workers) ------------------------------------
    @work(thread=True, exclusive=True, group="browse-load")
    def open_index(self) -> None:
        """The first rows (straight from the content: no search yet), then the index: the items
        and their texts once (the slow part: a search in content order looks at them as they come
        in; resumed if an earlier opening was closed before it ended), the stored schedules again
        at each opening if they changed."""
        with self.reporting():
            self.index = index = BrowseIndex.shared(self.host.store.path, self.host.library, self.lang)
            self.app.call_from_thread(self.first_rows, self.lines_for(range(min(CHUNK, len(self.things)))))
            update_index(index, self.host.library, self.lang, stopper(), self.things)

    @work(thread=True, exclusive=True, group="browse-filter")
    def filter_rows(self, query: Query, sort_col: str | None, descending: bool, generation: int) -> None:
        """The first page of the search's rows, then how many there are."""
        stop = stopper()
        with self.reporting():
            lines = self.lines_for(self.page(query, sort_col, descending, 0, CHUNK, stop))
            painted = threading.Event()
            self.app.call_from_thread(self.show_rows, generation, lines, painted.set)
            painted.wait(0.5)  # the count (a scan of every item) after the rows are on the screen
            now, day_end = self.moment()
            total = (len(self.things) if isinstance(query.test, Everything) or self.index is None
                     else self.index.count(query, now, day_end, stop))
            self.app.call_from_thread(self.show_count, generation, total)

    @work(thread=True, exclusive=True, group="browse-more")
    def load_more(self, query: Query, sort_col: str | None, descending: bool, offset: int,
                  generation: int) -> None:
        with self.reporting():
            ns = self.page(query, sort_col, descending, offset, CHUNK, stopper())
            self.app.call_from_thread(self.add_rows, generation, offset, self.lines_for(ns))

    @contextmanager
    def reporting(self) -> Iterator[None]:
        """In a worker: a query cancelled (by a newer one, or the screen closing) ends it quietly;
        a database that cannot be read is said so."""
        try:
            yield
        except Cancelled:
            pass
        except StoreError as exc:
            self.app.call_from_thread(self.show_error, str(exc))

    def page(self, query: Query, sort_col: str | None, descending: bool, offset: int, limit: int,
             cancelled: Callable[[], bool]) -> Sequence[int]:
        """Positions in the content of the search's rows from ``offset`` (in a worker)."""
        if isinstance(query.test, Everything) and sort_col is None and not descending:
            return range(offset, min(offset + limit, len(self.things)))  # no index needed
        assert self.index is not None
        if sort_col == "text":  # its titles are read once, when first sorted by
            self.index.fill_titles(lambda k: (title_key(x, self.lang) for x in self.things[k:]), cancelled)
        now, day_end = self.moment()
        return self.index.page(query, now, day_end, sort_col, descending, offset, limit, cancelled)

    def lines_for(self, ns: Sequence[int]) -> list[Line]:
        """The rows of these items: their content and what the store has of them now."""
        assert self.index is not None
        things = [self.things[n] for n in ns]
        stored = self.index.rows([x.id for x in things])
        return [line_for(x, stored.get(x.id), self.lang, self.decks.get(x.deck, x.deck)) for x in things]

    # --- searching ----------------------------------------------------------------------------
    def typed(self, line: str) -> None:
        """The search line changed: searched at once (watched, not told by Input.Changed, which
        comes after the line's repaint was queued: the search's query then waited for that frame,
        5 to 15 ms, instead of running beside it)."""
        if self.rows_for >= 0:
            self.search(line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_to_table()  # Enter in the search line: to the rows

    def search(self, line: str) -> None:
        result = parse(line)
        self.line_bad = isinstance(result, SearchError)
        if isinstance(result, SearchError):
            error = self.query_one("#browse-error", Static)
            error.display = True
            error.update(RichText.assemble((result.message.get(self.lang), "bold red"),
                                           f"  ({t(self.lang, 'kept')})"))
            return  # the last good results stay
        self.last_good = result
        self.refilter()  # (the error line goes with the new rows: the screen is laid out once)

    def refilter(self) -> None:
        self.generation += 1
        self.total = None
        self.filter_rows(self.last_good, self.sort_col, self.descending, self.generation)

    def show_error(self, message: str) -> None:
        error = self.query_one("#browse-error", Static)
        error.display = True
        error.update(RichText(message, style="bold red"))

    # --- the table ----------------------------------------------------------------------
    @property
    def table(self) -> ItemTable:
        return self.query_one("#items", ItemTable)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    def make_columns(self) -> None:
        """The columns that fit the terminal (see ``browse_rows.layout``)."""
        self.widths = layout(self.app.size.width, self.lang, list(self.decks.values()))
        table = self.table
        table.clear(columns=True)
        for c, width in self.widths.items():
            header = RichText(fit(row_t(self.lang, c), width, c in NUMERIC) + " ")
            table.add_column(header, width=width + 1, key=c)

    def on_resize(self) -> None:
        if self.widths:
            keep, lines = self.selected_id(), [self.lines[i] for i in self.shown]
            self.make_columns()
            self.fill(lines, keep)

    def first_rows(self, lines: list[Line]) -> None:
        """The screen's first rows (the whole content, in order); a search typed meanwhile runs now."""
        self.query_one("#browse-loading").display = False
        self.table.display = True
        self.watch(self.table, "scroll_y", self.more_rows, init=False)
        self.make_columns()
        self.show_rows(0, lines)
        self.count_for = 0
        if self.search_box.value:
            self.search(self.search_box.value)

    def show_rows(self, generation: int, lines: list[Line],
                  painted: Callable[[], None] = lambda: None) -> None:
        """A search's first rows in place of the table's; the cursor stays on its row if it is
        among them (else it goes to the top: a row far down is not worth loading every row above
        it). ``painted`` is called once they are on the screen."""
        self.call_after_refresh(painted)
        if generation != self.generation:
            return
        self.rows_for, self.loading_more = generation, False
        if not self.line_bad:
            self.query_one("#browse-error", Static).display = False
        self.fill(lines, self.selected_id())
        self.at_end = len(lines) < CHUNK
        self.show_status()
        self.show_preview()
        self.call_after_refresh(self.more_rows)  # a tall terminal shows more than a page

    def show_count(self, generation: int, total: int) -> None:
        """How many rows the search found."""
        if generation != self.generation:
            return
        self.total, self.count_for = total, generation
        self.at_end = self.at_end or len(self.shown) >= total
        self.show_status()

    def add_rows(self, generation: int, offset: int, lines: list[Line]) -> None:
        """More rows of the search at the table's end (``offset``: where they start)."""
        if generation != self.generation or offset != len(self.shown):
            return
        self.loading_more = False
        self.add_lines(lines)
        self.at_end = len(lines) < CHUNK or (self.total is not None and len(self.shown) >= self.total)
        self.call_after_refresh(self.more_rows)

    def fill(self, lines: list[Line], keep: str | None) -> None:
        self.table.clear()
        self.lines, self.shown = {}, []
        self.add_lines(lines)
        self.table.measure_now()
        if keep in self.lines:
            self.table.move_cursor(row=self.shown.index(keep))

    def add_lines(self, lines: list[Line]) -> None:
        table = self.table
        now, day_end = self.moment()
        for ln in lines:
            item_id = ln.entry.state.item_id
            if item_id not in self.lines:  # a row moved by a change made meanwhile is not shown twice
                self.lines[item_id] = ln
                self.shown.append(item_id)
                table.add_row(*self.row(ln, now, day_end), key=item_id)

    def row(self, ln: Line, now: datetime, day_end: datetime) -> list[Cell]:
        return row_cells(ln, self.widths, self.lang, now, day_end, self.zone)

    def more_rows(self, *_: object) -> None:
        """The next page, when the cursor or the scroll nears the end of the table."""
        table = self.table
        near_end = (table.cursor_row >= table.row_count - CHUNK // 4
                    or table.scroll_y >= table.max_scroll_y - CHUNK // 4
                    or table.row_count < table.size.height + CHUNK // 4)
        if near_end and not self.at_end and not self.loading_more and self.rows_for == self.generation:
            self.loading_more = True
            self.load_more(self.last_good, self.sort_col, self.descending, len(self.shown), self.generation)

    def show_status(self) -> None:
        lang = self.lang
        found = t(lang, "counting") if self.total is None else self.total
        status = RichText(t(lang, "count", n=found, m=len(self.things)))
        if self.sort_col is not None or self.descending:
            column = row_t(lang, self.sort_col) if self.sort_col else t(lang, "order")
            status.append(f" · {t(lang, 'sorted', col=column)}" + (f" ({t(lang, 'reverse')})"
                                                                     if self.descending else ""))
        self.query_one("#browse-status", Static).update(status, layout=False)  # one line, always

    def selected_id(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_preview(self) -> None:
        """The row under the cursor in full; nothing when the search left no row."""
        item_id = self.selected_id()
        text = preview_text(self.lines.get(item_id) if item_id else None, self.lang)
        if text != self.previewed:  # (the first rows' highlight asks again: drawn again, 1 to 4 ms)
            self.previewed = text
            self.query_one("#browse-preview", Static).update(text, layout=False)

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
        self.search_box.focus()

    def action_to_table(self) -> None:
        self.table.focus()

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
        store = self.host.store
        # set_item inserts an item the store has never seen (its content was never synced).
        state = store.get(item_id) or ln.entry.state
        state = replace(state, suspended=not state.suspended)
        store.set_item(state)
        if self.index is not None:
            self.index.refresh(item_id)  # the next search sees it
        ln.entry = replace(ln.entry, state=state)
        now, day_end = self.moment()
        table = self.table
        for column, cell in zip(self.widths, self.row(ln, now, day_end), strict=True):
            table.update_cell(item_id, column, cell)
        self.notify(t(self.lang, "suspended_now" if state.suspended else "unsuspended_now"))

    def action_details(self) -> None:
        item_id = self.selected_id()
        if item_id is not None:
            now, day_end = self.moment()
            self.app.push_screen(ItemScreen(self.lines[item_id], history(self.host.store, item_id),
                                            self.lang, now, day_end, self.zone))

    def action_help(self) -> None:
        from studyapp.tui.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

