"""The studyapp Textual app: the home screen with the decks, and the factory used by the CLI and tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from studyapp.core.library import Library, load_library
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.store.progress import Store
from studyapp.tui.help import HelpScreen
from studyapp.tui.strings import tr
from studyapp.tui.study import StudyScreen

ALL = "*"


class HomeScreen(Screen[None]):
    composed_lang = ""
    BINDINGS = [
        Binding("enter", "study", "Study"),
        Binding("p", "practice", "Practise"),
        Binding("e", "app.open('exam')", "Exam"),
        Binding("b", "app.open('browse')", "Browse"),
        Binding("s", "app.open('stats')", "Statistics"),
        Binding("comma", "app.open('settings')", "Settings"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, StudyApp)
        lang = self.composed_lang = app.settings.lang
        yield Static(f"[b]{tr(lang, 'title')}[/b] · {tr(lang, 'decks')}", id="title")
        yield Static(id="today")
        if app.library.errors:
            first = app.library.errors[0]
            yield Static(f"[yellow]{tr(lang, 'broken')}: {first}[/yellow]"
                         + (f" (+{len(app.library.errors) - 1})" if len(app.library.errors) > 1 else ""),
                         id="notice")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_counts()

    async def on_screen_resume(self) -> None:
        app = self.app
        assert isinstance(app, StudyApp)
        if app.settings.lang != self.composed_lang:  # the language changed in the settings screen
            await self.recompose()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        app = self.app
        assert isinstance(app, StudyApp)
        lang = app.settings.lang
        table = self.query_one("#decks", DataTable)
        table.clear(columns=True)
        from rich.cells import cell_len

        titles = [d.title.get(lang) for d in app.library.decks] + [tr(lang, "all_decks")]
        table.add_column(tr(lang, "deck"), width=max(cell_len(t) for t in titles))
        for key in ("new", "learning", "due"):
            table.add_column(tr(lang, key), width=max(cell_len(tr(lang, key)), 5))
        total = [0, 0, 0]
        rows = []
        for deck in app.library.decks:
            c = app.session([deck.id]).counts()
            total = [total[0] + c.new, total[1] + c.learning, total[2] + c.review]
            rows.append((deck.id, deck.title.get(lang), c.new, c.learning, c.review))
        everything = app.session(None)
        all_counts = everything.counts()
        answered, spent_ms = app.store.activity_since(everything.day_start)
        left = all_counts.new + all_counts.learning + all_counts.review
        self.query_one("#today", Static).update(
            f"{tr(lang, 'today')}: {answered} {tr(lang, 'done')} · {left} {tr(lang, 'left')} · "
            f"{spent_ms // 60000} min")
        table.add_row(f"[b]{tr(lang, 'all_decks')}[/b]", str(all_counts.new), str(all_counts.learning),
                      str(all_counts.review), key=ALL)
        for deck_id, title, new, learning, review in rows:
            table.add_row(title, str(new), str(learning), str(review), key=deck_id)
        table.focus()

    def _selected(self) -> tuple[list[str] | None, str]:
        app = self.app
        assert isinstance(app, StudyApp)
        table = self.query_one("#decks", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key in (None, ALL):
            return None, tr(app.settings.lang, "all_decks")
        deck = app.library.deck(key)
        return [key], deck.title.get(app.settings.lang) if deck else key

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_study()

    def action_study(self, mode: str = "scheduled") -> None:
        app = self.app
        assert isinstance(app, StudyApp)
        decks, title = self._selected()
        app.push_screen(StudyScreen(app.session(decks, mode), title, app.settings.lang))

    def action_practice(self) -> None:
        self.action_study("practice")

    def action_help(self) -> None:
        app = self.app
        assert isinstance(app, StudyApp)
        app.push_screen(HelpScreen(app.settings.lang))


# screen name -> (module, class); imported on first use so that start-up stays fast
SCREENS = {
    "exam": ("studyapp.tui.exam", "ExamSetupScreen"),
    "browse": ("studyapp.tui.browse", "BrowseScreen"),
    "stats": ("studyapp.tui.stats", "StatsScreen"),
    "settings": ("studyapp.tui.settings_screen", "SettingsScreen"),
}


class StudyApp(App[None]):
    CSS_PATH = "studyapp.tcss"
    TITLE = "studyapp"

    def __init__(self, library: Library, store: Store, settings: Settings,
                 clock: Callable[[], datetime], rng: np.random.Generator, config_file: Path | None = None):
        super().__init__()
        self.library, self.store, self.settings, self.clock, self.rng = library, store, settings, clock, rng
        self.config_file = config_file  # where the settings screen saves; None: the user's config path

    def action_open(self, name: str) -> None:
        """Open one of the secondary screens (exam, browse, stats, settings)."""
        import importlib

        module, cls = SCREENS[name]
        self.push_screen(getattr(importlib.import_module(module), cls)())

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings at once: the language of every screen, the theme, the limits."""
        self.settings = settings
        self.theme = textual_theme(settings.theme)

    def session(self, decks: list[str] | None, mode: str = "scheduled") -> StudySession:
        return StudySession(self.library, self.store, self.settings, self.clock, self.rng,
                            decks=decks, mode=mode)

    def on_mount(self) -> None:
        self.theme = textual_theme(self.settings.theme)
        self.push_screen(HomeScreen())

    def on_unmount(self) -> None:
        self.store.close()


def textual_theme(name: str) -> str:
    """Our setting's name for a theme -> Textual's (``dark``/``light`` are the plain Textual ones)."""
    return {"dark": "textual-dark", "light": "textual-light"}.get(name, name)


def build_app(db: Path, settings: Settings | None = None, content: list[Path] | None = None,
              clock: Callable[[], datetime] | None = None, seed: int | None = None,
              config_file: Path | None = None) -> StudyApp:
    """The app as the CLI starts it and the tests drive it (fixed clock and seed in tests)."""
    return StudyApp(load_library(content), Store(db), settings or Settings(),
                    clock or (lambda: datetime.now(UTC)), np.random.default_rng(seed), config_file)
