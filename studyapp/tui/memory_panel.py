"""Settings' memory model section: the parameters in use, a fit to the learner's reviews, a reset to
FSRS's defaults, and the simulated workload at each desired retention.

``MemoryWork`` owns the slow work and what it came to, outside the panel, so that a change of
language (which composes the screen anew) finds the work still going and shows it in the new
panel; ``MemoryPanel`` only draws that state and hands presses down. Fitting, recomputing and
simulating are the core's and the store's (``core.optimizer``, ``core.workload``,
``store.memory_states``); the words are ``memory_panel_view``'s.

A fit or a reset runs on the app, not the screen: leaving Settings lets it finish, a kept fit is
used and saved as if the screen were still open, and a notice says what came of it. The fit itself
runs in a child process (``fit_in_child``), killed if the app quits; quitting during a recompute
stops it at its next progress report, rolled back whole. The workload simulation runs on the
screen: leaving drops it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, ProgressBar, Static
from textual.worker import get_current_worker

from studyapp.core import optimizer
from studyapp.core.memory_model import MemoryModel
from studyapp.core.optimizer import FitResult, OptimizerUnavailable, TooFewReviews
from studyapp.core.scheduler import Scheduler
from studyapp.core.settings import Settings
from studyapp.core.workload import Limits, optimal, simulate
from studyapp.store import memory_states
from studyapp.store.progress import Store
from studyapp.tui.charts import BarChart, bar_lines
from studyapp.tui.fit_process import STORE_ERRORS, AppClosed, fit_in_child
from studyapp.tui.memory_panel_view import (
    Outcome,
    Workloads,
    chart_values,
    doing_text,
    in_use_text,
    outcome_lines,
    t,
    tick_line,
    workload_lines,
)

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp


class SettingsHost(Protocol):
    """What the work needs of the Settings screen (``settings_screen.SettingsScreen``), named here
    so that this module need not import the screen that imports it."""

    @property
    def studyapp(self) -> StudyApp: ...

    @property
    def is_attached(self) -> bool: ...

    def query(self, selector: type[MemoryPanel]) -> Any: ...

    def run_worker(self, *args: Any, **kwargs: Any) -> Any: ...

    def save_in_background(self) -> None: ...


class MemoryWork:
    """The fit, the reset and the workload simulation of one Settings screen, and their results."""

    def __init__(self, screen: SettingsHost, on_workload: Callable[[], None]):
        self.screen = screen
        # kept: a worker thread cannot reach the app through a screen that has been closed
        self.app: StudyApp = screen.studyapp
        self.on_workload = on_workload  # the screen's line under the desired retention box
        self.busy: str | None = None  # "fit" or "reset" while one runs: a second press is refused
        self.fraction, self.phase, self.doing = 0.0, "", ""
        self.outcome: Outcome | None = None
        self.workloads: Workloads | None = None  # None: not simulated yet (or it failed)
        self.workload_problem: str | None = None
        self.per_deck = False
        self.pending = Outcome()  # a worker's result so far

    @property
    def lang(self) -> str:
        return self.app.settings.lang

    def redraw(self) -> None:
        """Draw the state in the panel showing it now (a relabelled screen has a new one), if any."""
        if self.screen.is_attached:
            for panel in self.screen.query(MemoryPanel):
                panel.show()

    # --- starting work (the main thread) -----------------------------------------------------------
    def fit(self) -> None:
        if self._refused():
            return
        self._start("fit", partial(self._fit, self.per_deck))

    def reset(self) -> None:
        if self._refused():
            return
        new = replace(self.app.settings, memory_model=MemoryModel())
        self._use(new)
        self._start("reset", partial(self._reset, new))

    def simulate(self) -> None:
        """The workload at each retention under the settings in use, in a worker (a second or so for
        a large collection); a newer run supersedes one under way."""
        self.workloads, self.workload_problem = None, None
        self.redraw()
        self.on_workload()
        self.screen.run_worker(partial(self._simulate, self.app.settings), thread=True, exclusive=True,
                               group="memory-workload", exit_on_error=False)

    def _refused(self) -> bool:
        if self.busy is not None:
            self.app.notify(t(self.lang, "busy"), severity="warning", markup=False)
        return self.busy is not None

    def _start(self, kind: str, job: Callable[[], None]) -> None:
        self.busy, self.outcome, self.fraction, self.phase, self.doing = kind, None, 0.0, kind, ""
        self.redraw()
        self.app.run_worker(partial(self._work, job), thread=True, exclusive=True, group="memory-model",
                            exit_on_error=False)

    # --- the workers (threads) ---------------------------------------------------------------------
    def _fit(self, per_deck: bool) -> None:
        collection, decks = fit_in_child(self.app.store.path, self.app.settings, per_deck,
                                         self._progress("fit"), lambda: not self.app.is_running)
        self.pending = Outcome(collection=collection, decks=tuple(decks))
        kept = [r for r in (collection, *decks) if isinstance(r, FitResult) and r.kept]
        if kept:
            new: Settings = self._call(self._use_fit, kept)
            self.pending = replace(self.pending, changed=self._recompute(new))

    def _reset(self, new: Settings) -> None:
        self.pending = Outcome(reset=True)
        self.pending = replace(self.pending, changed=self._recompute(new))

    def _recompute(self, new: Settings) -> int:
        store = Store(self.app.store.path)  # a connection of its own: the recompute writes for a while
        try:
            return memory_states.recompute(store, Scheduler(new), self._progress("recompute"))
        finally:
            store.close()

    def _work(self, job: Callable[[], None]) -> None:
        """Run a fit or a reset, then show what it came to (``pending``: as far as it got)."""
        self.pending = Outcome()
        try:
            job()
        except AppClosed:
            return
        except TooFewReviews as exc:
            self.pending = Outcome(too_few=exc)
        except OptimizerUnavailable as exc:
            self.pending = replace(self.pending, problem=str(exc))
        except STORE_ERRORS as exc:
            self.pending = replace(self.pending, problem=t(self.lang, "store_problem").format(e=exc))
        try:
            self._call(self._finished, self.pending)
        except AppClosed:
            pass

    def _simulate(self, settings: Settings) -> None:
        worker = get_current_worker()
        work, problem = None, None
        try:
            store = Store(self.app.store.path, readonly=True)
            try:
                items = memory_states.studiable_count(store.conn)
            finally:
                store.close()
            limits = Limits(items, settings.new_per_day, settings.reviews_per_day,
                            settings.maximum_interval_days)
            parameters = settings.memory_model.parameters()
            work = Workloads(tuple(simulate(parameters, limits)), optimal(parameters, limits))
        except OptimizerUnavailable as exc:
            problem = str(exc)
        except STORE_ERRORS as exc:
            problem = t(settings.lang, "store_problem").format(e=exc)
        if not worker.is_cancelled and self.app.is_running:  # not superseded, the screen still open
            self.app.call_from_thread(self._simulated, work, problem)

    def _progress(self, phase: str) -> optimizer.Progress:
        def report(fraction: float, what: str) -> None:
            self._call(self._show_progress, phase, fraction, what)
        return report

    def _call(self, callback: Callable[..., Any], *args: Any) -> Any:
        """``callback(*args)`` on the app's thread; AppClosed once the app has quit (waiting then for
        a loop that no longer runs callbacks would keep the process from ending)."""
        if not self.app.is_running:
            raise AppClosed
        try:
            return self.app.call_from_thread(callback, *args)
        except RuntimeError as exc:
            if self.app.is_running:  # the callback's own error
                raise
            raise AppClosed from exc  # the app stopped between the check and the call

    # --- results (the main thread) -----------------------------------------------------------------
    def _use_fit(self, kept: list[FitResult]) -> Settings:
        settings = self.app.settings  # as they are now: the learner may have changed one meanwhile
        model = optimizer.updated_model(settings.memory_model, kept, self.app.clock())
        new = replace(settings, memory_model=model)
        self._use(new)
        return new

    def _use(self, new: Settings) -> None:
        """Use ``new`` at once and save it (by the screen, or by the app once the screen is gone)."""
        if new == self.app.settings:
            return
        self.app.apply_settings(new)
        if self.screen.is_attached:
            self.screen.save_in_background()
        else:
            self.app.save_settings(new)
        self.redraw()

    def _show_progress(self, phase: str, fraction: float, what: str) -> None:
        self.phase, self.fraction, self.doing = phase, fraction, what
        self.redraw()

    def _finished(self, outcome: Outcome) -> None:
        self.busy, self.outcome = None, outcome
        if not self.screen.is_attached:
            lines = [line for line in outcome_lines(outcome, self.lang) if line]
            if lines:
                self.app.notify(lines[-1], markup=False, timeout=8)
            return
        self.redraw()
        if outcome.changed is not None:
            self.simulate()  # new parameters: a new workload

    def _simulated(self, work: Workloads | None, problem: str | None) -> None:
        self.workloads, self.workload_problem = work, problem
        self.redraw()
        self.on_workload()


class RetentionChart(BarChart):
    """Minutes a day by desired retention, with a retention under every fifth bar (``BarChart``
    itself labels only the first and the last)."""

    def render(self) -> Text:
        width = self.size.width or 80
        lines = bar_lines(self.values, self.labels, width, self.bars, self.highlight)[:-1]
        return Text("\n").join([*lines, tick_line(self.values, self.labels, width)])


class MemoryPanel(Vertical):
    """The memory model section of Settings: draws ``MemoryWork``'s state; its buttons start the work."""

    def __init__(self, work: MemoryWork):
        super().__init__(id="memory-panel")
        self.work = work

    def compose(self) -> ComposeResult:
        lang = self.work.lang
        yield Label(t(lang, "section"), classes="memory-heading")
        yield Static("", id="memory-in-use", markup=False)
        with Horizontal(id="memory-buttons"):
            yield Button(t(lang, "fit"), id="memory-fit", variant="primary")
            yield Checkbox(t(lang, "per_deck"), self.work.per_deck, id="memory-per-deck")
            yield Button(t(lang, "reset"), id="memory-reset")
        yield Static("", id="memory-doing", markup=False)
        yield ProgressBar(total=1.0, show_eta=False, id="memory-progress")
        yield Static("", id="memory-result", markup=False)
        yield Label(t(lang, "workload"), classes="memory-heading")
        yield Static(t(lang, "axis"), classes="memory-help", markup=False)
        yield RetentionChart([], [], height=6, id="memory-chart")
        yield Static("", id="memory-workload", markup=False)

    @property
    def in_use(self) -> Static:
        return self.query_one("#memory-in-use", Static)

    @property
    def doing(self) -> Static:
        return self.query_one("#memory-doing", Static)

    @property
    def progress(self) -> ProgressBar:
        return self.query_one("#memory-progress", ProgressBar)

    @property
    def result(self) -> Static:
        return self.query_one("#memory-result", Static)

    @property
    def chart(self) -> RetentionChart:
        return self.query_one("#memory-chart", RetentionChart)

    @property
    def workload(self) -> Static:
        return self.query_one("#memory-workload", Static)

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        """Draw the work's state: the model in use, the work under way or its result, the workload."""
        work, lang = self.work, self.work.lang
        self.in_use.update("\n".join(in_use_text(self.work.app.settings.memory_model, lang)))
        busy = work.busy is not None
        self.doing.display = self.progress.display = busy
        if busy:
            self.doing.update(doing_text(work.phase, work.doing, lang))
            if work.fraction > 0:
                self.progress.update(total=1.0, progress=min(work.fraction, 1.0))
            else:  # reading the reviews comes before the first report: a moving bar, not a stuck 0%
                self.progress.update(total=None)
        lines = outcome_lines(work.outcome, lang)
        self.result.display = bool(lines)
        self.result.update("\n".join(lines))
        self._show_workload()

    def _show_workload(self) -> None:
        work, lang = self.work, self.work.lang
        self.chart.display = work.workload_problem is None  # its room kept while computing: no jump
        if work.workloads is None:
            self.chart.update_values([], [])
            self.workload.update(work.workload_problem or t(lang, "computing"))
            return
        values, labels, best = chart_values(work.workloads)
        self.chart.update_values(values, labels, highlight=best)
        current = work.app.settings.desired_retention
        self.workload.update("\n".join(workload_lines(work.workloads, current, lang)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "memory-fit":
            self.work.fit()
        elif event.button.id == "memory-reset":
            self.work.reset()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.work.per_deck = event.value

