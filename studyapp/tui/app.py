"""The studyapp Textual app and the factory used by the CLI and the tests.

Start-up draws Home first and loads the content, NumPy and the database in a worker
afterwards: a learner sees the app at once, and the counts appear a moment later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import get_current_worker

from studyapp.core.settings import Settings
from studyapp.tui.home import ALL, RECENT_WEEKS, HomeScreen
from studyapp.tui.palette import BilingualCommands, command, translated
from studyapp.tui.strings import tr

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np

    from studyapp.core.home_view import HomeView
    from studyapp.core.library import Library
    from studyapp.core.session import StudySession
    from studyapp.store.progress import Store

__all__ = ["ALL", "HomeScreen", "StudyApp", "build_app", "textual_theme"]

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
    COMMANDS = {BilingualCommands}  # Textual's entries and ours, in the UI's language (see palette)

    def __init__(self, db: Path, settings: Settings, clock: Callable[[], datetime], seed: int | None,
                 content: list[Path] | None = None, config_file: Path | None = None, eager: bool = True,
                 ticker: Callable[[], float] = time.monotonic, user_decks: bool = False):
        super().__init__()
        self.db, self.content, self.seed = db, content, seed
        # True: the bundled decks, the learner's own and ``content`` (as the CLI starts it);
        # False: ``content`` alone, or the bundled decks (the tests' own, fixed decks).
        self.user_decks = user_decks
        self._content_key: str | None = None  # what the loaded decks were read from
        self.settings, self.clock = settings, clock
        self.ticker = ticker  # seconds, for the time spent on an item (tests fix it)
        self.config_file = config_file  # where the settings screen saves; None: the user's config path
        self._library: Library | None = None
        self._store: Store | None = None
        self._pending: Callable[[], None] | None = None  # a key pressed before the decks had loaded
        self._past_days: tuple[tuple[datetime, str], dict[date, int]] | None = None
        self.rng: np.random.Generator
        self.load_error: str | None = None
        self._first_view: HomeView | None = None  # Home before the content has loaded
        if eager:
            self._load()
        else:
            self._first_view = first_home_view(db, settings, clock, self.deck_files())

    # --- loading ------------------------------------------------------------------------
    def deck_files(self) -> list[Path]:
        """The deck files to read now (a deck added to the user deck folder is among them)."""
        from studyapp.core.content_files import content_files, study_files

        return study_files(self.content or ()) if self.user_decks else content_files(self.content)

    def _load(self) -> None:
        import numpy as np

        from studyapp.core.content_files import cache_key, max_deck_bytes
        from studyapp.core.library import load_library
        from studyapp.store.progress import Store

        self.rng = np.random.default_rng(self.seed)
        files = self.deck_files()
        self._content_key = cache_key(files, max_deck_bytes())
        library = load_library(files)
        self._store = Store(self.db)
        self._store.sync(library.content_rows, library.fingerprints)
        self._library = library
        self.recent_days()  # the slow part of Home's heatmap, while still in the worker

    @work(thread=True, exclusive=True, group="load")
    def load_in_background(self) -> None:
        from studyapp.store.db import StoreError

        try:
            self._load()
        except StoreError as exc:
            self.load_error = str(exc)
        self.call_from_thread(self._loaded)

    def _loaded(self) -> None:
        import gc

        gc.freeze()  # what start-up made lives as long as the app: keep it out of every collection
        gc.enable()  # the CLI turns collection off while the app starts
        if self.load_error is not None:
            self.exit(return_code=2, message=f"studyapp: error: {self.load_error}")
            return
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_counts()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending()
        self.call_after_refresh(self.prepare_browse)  # once Home's counts are painted

    @work(thread=True, exclusive=True, group="reload")
    def reload_if_changed(self) -> None:
        """Read the decks again when a file was edited, added or removed since they were read
        (on each return to Home: a deck edited while the app runs shows without a restart)."""
        from studyapp.core.content_files import cache_key, max_deck_bytes
        from studyapp.core.library import load_library

        files = self.deck_files()
        key = cache_key(files, max_deck_bytes())  # the files' sizes and times: a few stat calls
        if key != self._content_key:
            self.call_from_thread(self._reloaded, load_library(files), key)

    def _reloaded(self, library: Library, key: str) -> None:
        self.store.sync(library.content_rows, library.fingerprints)
        self._library, self._content_key = library, key
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_counts()
        self.prepare_browse()

    def when_loaded(self, action: Callable[[], None]) -> bool:
        """False, and ``action`` kept for later, while the decks are loading."""
        if self.loaded:
            return True
        self._pending = action
        return False

    @property
    def loaded(self) -> bool:
        return self._library is not None

    @property
    def library(self) -> Library:
        assert self._library is not None, "the content is still loading"
        return self._library

    @property
    def store(self) -> Store:
        assert self._store is not None, "the database is still opening"
        return self._store

    def home_view(self) -> HomeView | None:
        """What Home shows now; before the content has loaded, what the start-up could read
        without it (None when it could not: Home then waits for the content)."""
        if not self.loaded:
            return self._first_view
        from studyapp.core.home_view import home_view

        errors = [str(e) for e in self.library.errors]
        return home_view([(d.id, d.title) for d in self.library.decks], errors, self.store,
                         self.settings, self.clock())

    def recent_days(self) -> tuple[date, dict[date, int]]:
        """Today's study date and the answers per study day up to today, for the streak and the
        heatmap. Past days are read once a day (a scan of weeks of reviews); today's each time."""
        from studyapp.core.days import answer_days, daily_counts, day_start, local_zone, study_date

        zone, hour = local_zone(self.settings.timezone), self.settings.day_start_hour
        today = study_date(self.clock(), zone, hour)
        start = day_start(today, zone, hour)
        key = (start, str(zone))
        if self._past_days is None or self._past_days[0] != key:
            self._past_days = key, answer_days(self.store.answers_per_quarter_hour, start, today, zone, hour,
                                               RECENT_WEEKS)
        counts = dict(self._past_days[1])
        counts.update(daily_counts(self.store.answers_per_quarter_hour(start), zone, hour))
        return today, counts

    def session(self, decks: list[str] | None, mode: str = "scheduled") -> StudySession:
        from studyapp.core.session import StudySession

        return StudySession(self.library, self.store, self.settings, self.clock, self.rng,
                            decks=decks, mode=mode)

    # --- screens and actions ------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen()  # the first screen itself, not a blank one with Home pushed on top

    def on_mount(self) -> None:
        if textual_theme(self.settings.theme) != self.theme:  # setting it re-applies every style
            self.theme = textual_theme(self.settings.theme)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if not self.loaded:
            self.call_after_refresh(self.load_in_background)
        else:
            self.call_after_refresh(self.prepare_browse)

    @work(thread=True, exclusive=True, group="browse-prepare")
    def prepare_browse(self) -> None:
        """The browser's search index, built ahead of the browser (see ``tui.browse_prepare``)."""
        from studyapp.tui.browse_prepare import prepare  # the store's index: not needed for Home

        worker = get_current_worker()
        prepare(self.store.path, self.library, self.settings.lang, lambda: worker.is_cancelled)

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def action_open(self, name: str) -> None:
        """Open one of the secondary screens (exam, browse, stats, settings)."""
        import importlib

        if not self.when_loaded(lambda: self.action_open(name)):
            return
        module, cls = SCREENS[name]
        self.push_screen(getattr(importlib.import_module(module), cls)())

    def action_home(self, action: str) -> None:
        """Run a Home action from the command palette (going back to Home first)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            getattr(self.screen, f"action_{action}")()

    # --- the command palette ------------------------------------------------------------
    def palette_commands(self, screen: Screen[Any]) -> list[tuple[SystemCommand, tuple[str, ...]]]:
        """Every palette entry in the UI's language, with its names in the other languages."""
        lang = self.settings.lang
        textual = (entry._replace(callback=lambda: self.set_timer(0.1, self.save_screenshot_file))
                   if entry.title == "Screenshot" else entry for entry in super().get_system_commands(screen))
        out = translated(textual, lang)
        out.append(command("study", lang, lambda: self.action_home("study")))
        out.append(command("practice", lang, lambda: self.action_home("practice")))
        out += [command(name, lang, self._opener(name)) for name in SCREENS]
        out.append(command("help", lang, lambda: self.action_home("help")))
        return out

    def _opener(self, name: str) -> Callable[[], None]:
        return lambda: self.action_open(name)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return [entry for entry, _names in self.palette_commands(screen)]

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(CommandPalette(placeholder=tr(self.settings.lang, "palette_search"),
                                            id="--command-palette"))

    def search_themes(self) -> None:
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider],
                                        placeholder=tr(self.settings.lang, "palette_themes")))

    def save_screenshot_file(self) -> None:
        """Textual's Screenshot, with its notice in the UI's language (see ``screenshot_delivered``)."""
        import io

        stamp = datetime.now().strftime("%Y-%m-%dT%H_%M_%S")
        self.deliver_text(io.StringIO(self.export_screenshot()), save_filename=f"studyapp_{stamp}.svg",
                          open_method="browser", mime_type="image/svg+xml", name="studyapp-screenshot")

    @on(events.DeliveryComplete)
    @on(events.DeliveryFailed)
    def screenshot_delivered(self, event: events.DeliveryComplete | events.DeliveryFailed) -> None:
        if event.name != "studyapp-screenshot":
            return
        lang = self.settings.lang
        if isinstance(event, events.DeliveryFailed):
            self.notify(tr(lang, "screenshot_failed"), severity="error", markup=False)
        else:
            self.notify(tr(lang, "screenshot_saved").format(path=event.path or ""), markup=False)

    def _theme_changed(self, theme: Any) -> None:
        """A theme chosen in the command palette is kept, as one chosen in Settings is."""
        from dataclasses import replace

        from studyapp.core.settings import THEMES

        name = {"textual-dark": "dark", "textual-light": "light"}.get(theme.name, theme.name)
        if name != self.settings.theme and name in THEMES:
            self.settings = replace(self.settings, theme=name)
            self.save_settings(self.settings)

    @work(thread=True, group="save-settings")
    def save_settings(self, settings: Settings) -> None:
        from studyapp.config import SettingsSaveError, save_settings

        try:
            save_settings(settings, self.config_file)
        except SettingsSaveError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings at once: the language of every screen, the theme, the limits."""
        self.settings = settings
        self.theme = textual_theme(settings.theme)


def first_home_view(db: Path, settings: Settings, clock: Callable[[], datetime],
                    content: list[Path] | None) -> HomeView | None:
    """Home's decks and today's counts without loading the content, NumPy or the full store: the
    deck titles from the summary kept beside the content cache, the counts from a read-only
    connection, when the database was last synced with exactly this content. None otherwise (a
    first start, an edited deck, an older database): Home then waits for the content to load.
    Whatever this shows, the full load shows again a moment later from the content itself."""
    from studyapp.core.content_files import cache_key, cache_paths, content_files, max_deck_bytes
    from studyapp.core.deck_summary import read_summary
    from studyapp.core.home_view import home_view
    from studyapp.store.day_counts import TodayReader
    from studyapp.store.db import WRITE_ERRORS, StoreError

    files = content_files(content)  # the deck files themselves, or the bundled ones
    summary = read_summary(cache_paths(files)[1], cache_key(files, max_deck_bytes()))
    if summary is None or not db.is_file():
        return None
    try:
        reader = TodayReader(db)
    except StoreError:
        return None
    try:
        if reader.synced_fingerprints() != summary.fingerprints:
            return None
        return home_view([(d.id, d.title) for d in summary.decks], summary.errors, reader, settings, clock())
    except WRITE_ERRORS:  # a shortcut only: when the file cannot be read now, the full load decides
        return None
    finally:
        reader.close()


def textual_theme(name: str) -> str:
    """Our setting's name for a theme -> Textual's (``dark``/``light`` are the plain Textual ones)."""
    return {"dark": "textual-dark", "light": "textual-light"}.get(name, name)


def build_app(db: Path, settings: Settings | None = None, content: list[Path] | None = None,
              clock: Callable[[], datetime] | None = None, seed: int | None = None,
              config_file: Path | None = None, eager: bool = True,
              ticker: Callable[[], float] = time.monotonic, user_decks: bool = False) -> StudyApp:
    """The app as the CLI starts it (``eager=False``: load after the first screen) and the tests
    drive it (fixed clock and seed; loaded before it starts)."""
    return StudyApp(db, settings or Settings(), clock or (lambda: datetime.now(UTC)), seed,
                    content, config_file, eager, ticker, user_decks)
