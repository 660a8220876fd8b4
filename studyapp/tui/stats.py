"""The statistics screen: the progress report's figures as charts in the terminal.

The figures are ``studyapp.report.figures.compute`` (the same as ``studyapp report --format json``),
computed in a thread worker on read-only connections while a progress bar runs: over a large
history they take longer than a frame; the same worker names the most frequent mistakes. The
sections' text is built in ``stats_view``; this module places it and keeps it up to date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import LoadingIndicator, ProgressBar, Static
from textual.worker import Worker, WorkerState

from studyapp.tui.charts import BarChart, Heatmap
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.stats_view import (
    decks_text,
    leeches_text,
    mistake_message,
    mistakes_text,
    number,
    retention_text,
    sessions_text,
    summary_text,
    t,
)


class StatsScreen(Screen[None]):
    """Reviews, retention, mastery, mistakes and leeches, drawn once the worker has them."""

    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "refresh", "Refresh")]

    class Progress(Message):
        def __init__(self, done: int, total: int):
            super().__init__()
            self.done, self.total = done, total

    figures: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        lang = self.app.settings.lang  # type: ignore[attr-defined]
        yield Static(Text(t(lang, "title"), "bold"), id="stats-title")
        yield Static(t(lang, "loading"), id="stats-status")
        yield LoadingIndicator(id="stats-loading")
        yield ProgressBar(id="stats-progress", show_eta=False)
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-summary")
            yield Static(t(lang, "heatmap"), classes="stats-heading")
            yield Heatmap([], 53, lang, id="stats-heatmap")
            yield Static(t(lang, "per_day"), classes="stats-heading")
            yield BarChart([], [], id="stats-per-day")
            yield Static(t(lang, "forecast"), classes="stats-heading")
            yield BarChart([], [], id="stats-forecast")
            yield Static(id="stats-overdue")
            yield Static(t(lang, "retention"), classes="stats-heading")
            yield Static(id="stats-retention")
            yield Static(t(lang, "decks"), classes="stats-heading")
            yield Static(id="stats-decks")
            yield Static(t(lang, "mistakes"), classes="stats-heading")
            yield Static(id="stats-mistakes")
            yield Static(t(lang, "leeches"), classes="stats-heading")
            yield Static(id="stats-leeches")
            yield Static(t(lang, "sessions"), classes="stats-heading")
            yield Static(id="stats-sessions")
        yield KeyFooter()

    @property
    def lang(self) -> str:
        return self.app.settings.lang  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self._loading(True)
        app: Any = self.app
        self.compute_figures(app.store.path, app.settings, app.clock(), app.library, self.lang)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def compute_figures(self, path: Any, settings: Any, now: Any, library: Any, lang: str) -> dict[str, Any]:
        from studyapp.report.figures import compute
        from studyapp.report.scope import library_names, scope_for
        from studyapp.store.readonly import connector

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        fig = compute(connector(path), scope_for(settings, now), names=library_names(library, lang),
                      progress=progress)
        self.name_mistakes(fig["mistakes"]["top"], library, lang)
        return fig

    def name_mistakes(self, top: list[dict[str, Any]], library: Any, lang: str) -> None:
        """Give each mistake its ``name``: the message of the problem last answered with it
        (a seek per mistake in the review log, then that problem generated again)."""
        from studyapp.store.browse import history

        templates = {p.id: p for deck in library.decks for p in deck.problems}
        for m in top:
            template = templates.get(m.get("item_id", ""))
            if template is None:
                continue
            seed = next((h.seed for h in history(self.app.store, template.id)  # type: ignore[attr-defined]
                         if h.mistake == m["tag"]), None)
            m["name"] = mistake_message(template, seed, m["tag"], lang)

    def on_stats_screen_progress(self, message: Progress) -> None:
        self.query_one("#stats-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats":
            return
        if event.state == WorkerState.SUCCESS:
            self.figures = event.worker.result
            self._loading(False)
            self._show()
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            first_line = (str(error).splitlines() or [type(error).__name__])[0]
            # Text: the error may quote a path or content, which must not be read as markup
            self.query_one("#stats-status", Static).update(Text(t(self.lang, "failed").format(e=first_line)))
            self.query_one("#stats-loading").display = False
            self.query_one("#stats-progress").display = False

    def on_resize(self) -> None:
        if self.figures is not None:
            self._show()

    def _loading(self, on: bool) -> None:
        self.query_one("#stats-status", Static).update(t(self.lang, "loading"))
        for name in ("#stats-status", "#stats-loading", "#stats-progress"):
            self.query_one(name).display = on
        self.query_one("#stats-body").display = not on
        if on:
            self.query_one("#stats-progress", ProgressBar).update(total=None, progress=0)

    def _show(self) -> None:
        fig, lang = self.figures, self.lang
        assert fig is not None
        width = max(self.size.width - 5, 40)  # the body's padding and scroll bar, and a space
        self.query_one("#stats-summary", Static).update(summary_text(fig, lang, width))
        heat = [(date.fromisoformat(h["date"]), h["reviews"]) for h in fig["heatmap"]]
        self.query_one("#stats-heatmap", Heatmap).update_days(heat, date.fromisoformat(fig["today"]))
        per_day, forecast = fig["per_day"], fig["forecast"]
        self.query_one("#stats-per-day", BarChart).update_values(
            [d["reviews"] for d in per_day], [d["date"][5:] for d in per_day], highlight=len(per_day) - 1)
        self.query_one("#stats-forecast", BarChart).update_values(
            [d["due"] for d in forecast], [d["date"][5:] for d in forecast], highlight=0)
        overdue = fig["summary"]["overdue"]
        self.query_one("#stats-overdue", Static).update(t(lang, "overdue").format(n=number(overdue)))
        self.query_one("#stats-overdue").display = bool(overdue)
        self.query_one("#stats-retention", Static).update(retention_text(fig, lang))
        self.query_one("#stats-decks", Static).update(decks_text(fig, lang, width))
        self.query_one("#stats-mistakes", Static).update(mistakes_text(fig, lang, width))
        self.query_one("#stats-leeches", Static).update(leeches_text(fig, lang, width))
        self.query_one("#stats-sessions", Static).update(sessions_text(fig, lang, width))
        self.query_one("#stats-body").focus()
