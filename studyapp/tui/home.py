"""The home screen: the decks with today's counts, today's progress, the streak and recent weeks."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.strings import tr

if TYPE_CHECKING:
    from studyapp.tui.host import StudyHost

ALL = "*"
RECENT_WEEKS = 16
HEATMAP_ROOM = 24  # columns kept for the recent weeks beside the deck table


class HomeScreen(Screen[None]):
    composed_lang = ""
    BINDINGS = [
        # First in the footer: the table's own hidden Enter would otherwise hide it (a priority
        # binding wins over the focused widget's); Enter on a row studies that deck either way.
        Binding("enter", "study", "Study", key_display="Enter", priority=True),
        Binding("p", "practice", "Practise"),
        Binding("e", "app.open('exam')", "Exam"),
        Binding("b", "app.open('browse')", "Browse"),
        Binding("s", "app.open('stats')", "Stats"),
        Binding("comma", "app.open('settings')", "Settings"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    @property
    def studyapp(self) -> StudyHost:
        return cast("StudyHost", self.app)

    def compose(self) -> ComposeResult:
        app = self.studyapp
        lang = self.composed_lang = app.settings.lang
        yield Static(Text.assemble((tr(lang, "title"), "bold"), f" · {tr(lang, 'decks')}"), id="title")
        yield Static(Text(tr(lang, "loading")), id="today")
        notice = Static(id="notice")
        notice.display = False
        yield notice
        with Horizontal(id="home-body"):
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            with Vertical(id="recent-box"):
                yield Static(id="streak")
        yield KeyFooter()

    def on_mount(self) -> None:
        localize_bindings(self, self.composed_lang)
        table = self.query_one("#decks", DataTable)
        lang = self.composed_lang
        table.add_column(tr(lang, "deck"))
        table.add_row(Text(tr(lang, "all_decks"), "bold"), key=ALL)
        self.refresh_counts()

    def on_resize(self) -> None:
        self.refresh_counts()

    async def on_screen_resume(self) -> None:
        if self.studyapp.loaded:
            self.studyapp.reload_if_changed()  # a deck edited meanwhile: its counts come a moment later
        if self.studyapp.settings.lang != self.composed_lang:  # the language changed in the settings
            await self.recompose()
            self.on_mount()
        else:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """The decks with today's counts (as soon as they can be read: see ``StudyApp.home_view``),
        and once everything has loaded the streak and the recent weeks."""
        from studyapp.tui.charts import fit

        app = self.studyapp
        view = app.home_view()
        if view is None:
            return
        lang = app.settings.lang
        notice = self.query_one("#notice", Static)
        notice.display = bool(view.errors)
        if view.errors:
            more = f" (+{len(view.errors) - 1})" if len(view.errors) > 1 else ""
            notice.update(Text(f"{tr(lang, 'broken')}: {view.errors[0]}{more}", style="yellow"))
        table = self.query_one("#decks", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        titles = [d.title.get(lang) for d in view.decks] + [tr(lang, "all_decks")]
        counts_w = [max(cell_len(tr(lang, key)), 5) for key in ("new", "learning", "due")]
        # long deck titles give way (cut with …) so that the counts and the heatmap fit 80 columns
        table_room = min(self.app.size.width * 7 // 10, self.app.size.width - HEATMAP_ROOM)  # see the .tcss
        room = table_room - sum(w + 2 for w in counts_w) - 4
        title_w = max(12, min(max(cell_len(t) for t in titles), room))
        table.add_column(tr(lang, "deck"), width=title_w)
        for key, width in zip(("new", "learning", "due"), counts_w, strict=True):
            table.add_column(tr(lang, key), width=width)
        self.query_one("#today", Static).update(Text(
            f"{tr(lang, 'today')}: {view.answered} {tr(lang, 'done')} · {view.left} {tr(lang, 'left')} · "
            f"{view.spent_ms // 60000} {'分钟' if lang == 'zh' else 'min'}"))
        total = view.total
        table.add_row(Text(tr(lang, "all_decks"), "bold"),
                      *(Text(str(n)) for n in (total.new, total.learning, total.review)), key=ALL)
        for deck in view.decks:  # Text, not markup: a title may hold brackets
            c = deck.counts
            table.add_row(Text(fit(deck.title.get(lang), title_w).rstrip()),
                          *(Text(str(n)) for n in (c.new, c.learning, c.review)), key=deck.id)
        table.move_cursor(row=min(cursor, table.row_count - 1))
        table.focus()
        if app.loaded:
            self.show_recent()

    def show_recent(self) -> None:
        """The streak and a heatmap of the last weeks' answers."""
        from studyapp.core.days import streak
        from studyapp.tui.charts import Heatmap  # after the first screen: it is not on it

        app = self.studyapp
        lang = app.settings.lang
        today, counts = app.recent_days()
        days = [(today - timedelta(days=i), counts.get(today - timedelta(days=i), 0))
                for i in range(RECENT_WEEKS * 7)][::-1]
        run = streak(counts, today)
        days_word = tr(lang, "day" if run == 1 else "days")
        self.query_one("#streak", Static).update(
            Text.assemble(f"{tr(lang, 'streak')}: ", (str(run), "bold"), f" {days_word}"))
        found = self.query("#recent")
        if found:
            cast(Heatmap, found.first()).update_days(days, today)
        else:
            self.query_one("#recent-box", Vertical).mount(Heatmap(days, RECENT_WEEKS, lang, today=today,
                                                                  id="recent"))

    def _selected(self) -> tuple[list[str] | None, str]:
        app = self.studyapp
        table = self.query_one("#decks", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key in (None, ALL):
            return None, tr(app.settings.lang, "all_decks")
        deck = app.library.deck(key)
        return [key], deck.title.get(app.settings.lang) if deck else key

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_study()

    def action_study(self, mode: str = "scheduled") -> None:
        app = self.studyapp
        if not app.when_loaded(lambda: self.action_study(mode)):
            return
        from studyapp.tui.study import StudyScreen

        decks, title = self._selected()
        app.push_screen(StudyScreen(app.session(decks, mode), title, app.settings.lang))

    def action_practice(self) -> None:
        self.action_study("practice")

    def action_help(self) -> None:
        from studyapp.tui.help import HelpScreen

        self.app.push_screen(HelpScreen(self.studyapp.settings.lang))
