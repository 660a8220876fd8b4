"""The exam's set-up screen: decks or kinds, count, seed, time limit. The exam itself is
``exam_screen``, its result ``exam_result``, the words of all three ``exam_strings``; grading,
logging and timing are the core's (``core.exam``)."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, ProgressBar, SelectionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from studyapp.core.exam import Exam, ExamError, ExamSpec, read_spec
from studyapp.core.kinds import KINDS
from studyapp.tui.exam_strings import t
from studyapp.tui.keys import KeyFooter, localize_bindings


class Cancelled(Exception):
    """The setup screen went away while its problems were being made."""


class ExamSetupScreen(Screen[None]):
    CSS_PATH = "exam.tcss"
    BINDINGS = [Binding("ctrl+s", "start", "Start"), Binding("escape", "back", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.lang = "en"
        self.busy = False

    def compose(self) -> ComposeResult:
        app = self.app
        self.lang = lang = app.settings.lang  # type: ignore[attr-defined]
        localize_bindings(self, lang)
        library = app.library  # type: ignore[attr-defined]
        decks = [d for d in library.decks if d.problems]
        kinds: dict[str, int] = {}
        for template in library.templates:
            kinds[template.kind] = kinds.get(template.kind, 0) + 1
        yield Static(RichText(t(lang, "setup"), style="bold"), id="exam-status")
        with Horizontal(id="exam-lists"):
            with Vertical():
                yield Label(t(lang, "decks"))
                yield SelectionList[str](*[(RichText(f"{d.title.get(lang)} ({len(d.problems)})"), d.id)
                                           for d in decks], id="exam-decks")
            with Vertical():
                yield Label(t(lang, "kinds"))
                yield SelectionList[str](*[(RichText(f"{k} ({n})"), k) for k, n in sorted(kinds.items())],
                                         id="exam-kinds")
        yield Static(id="exam-info")
        with Horizontal(id="exam-fields"):
            for name, value, blank in (("count", "10", ""), ("seed", "", t(lang, "seed_blank")),
                                       ("minutes", "", t(lang, "minutes_blank"))):
                with Vertical():
                    yield Label(t(lang, name))
                    yield Input(value, placeholder=blank, id=f"exam-{name}")
            yield Button(t(lang, "start"), id="exam-start", variant="primary")
        yield Static(t(lang, "no_templates") if not decks else "", id="exam-error")
        yield ProgressBar(id="exam-progress", show_eta=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#exam-progress").display = False

    def on_selection_list_selection_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        """Say what the highlighted kind is about, or which kinds the highlighted deck asks."""
        value = event.selection.value
        if value in KINDS:
            text = KINDS[value].summary.get(self.lang)
        else:
            deck = self.app.library.deck(value)  # type: ignore[attr-defined]
            kinds = sorted({p.kind for p in deck.problems}) if deck is not None else []
            text = f"{deck.title.get(self.lang) if deck else value}: {', '.join(kinds)}"
        self.query_one("#exam-info", Static).update(RichText(text, style="italic"))

    def on_input_submitted(self) -> None:
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "exam-start":
            self.action_start()

    def action_start(self) -> None:
        if self.busy:
            return
        app = self.app
        error = self.query_one("#exam-error", Static)
        try:
            spec = read_spec(self.query_one("#exam-count", Input).value,
                             self.query_one("#exam-seed", Input).value,
                             self.query_one("#exam-minutes", Input).value, app.rng,  # type: ignore[attr-defined]
                             decks=self.query_one("#exam-decks", SelectionList).selected,
                             kinds=self.query_one("#exam-kinds", SelectionList).selected)
        except ExamError as exc:
            error.update(RichText(exc.message.get(self.lang), style="bold red"))
            return
        error.update(t(self.lang, "making"))
        self.busy = True
        bar = self.query_one("#exam-progress", ProgressBar)
        bar.update(total=spec.count, progress=0)
        bar.display = True
        self.make_exam(spec)

    @work(thread=True, exclusive=True, group="exam-setup")
    def make_exam(self, spec: ExamSpec) -> Exam | str | None:
        """Generate off the event loop: a big count takes seconds (about 10,000 problems/s).
        The exam, or what is wrong with the choice, or None when the screen went away."""
        worker = get_current_worker()
        app = self.app
        step = max(spec.count // 50, 1)  # about 50 updates of the bar, whatever the count

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Cancelled
            if done % step == 0 or done == total:
                app.call_from_thread(self.advance, done)

        try:
            return Exam.create(app.library, spec, app.clock, progress)  # type: ignore[attr-defined]
        except Cancelled:
            return None
        except ExamError as exc:
            return exc.message.get(self.lang)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Acted on here, once the worker is done, not from inside it: switching screens
        # cancels the screen's workers, and the worker must not be one of them.
        if event.worker.group != "exam-setup" or event.state != WorkerState.SUCCESS:
            return
        outcome = event.worker.result
        if isinstance(outcome, Exam):
            from studyapp.tui.exam_screen import ExamScreen

            self.app.switch_screen(ExamScreen(outcome, self.lang))
        elif isinstance(outcome, str):
            self.failed(outcome)

    def advance(self, done: int) -> None:
        self.query_one("#exam-progress", ProgressBar).update(progress=done)

    def failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#exam-progress").display = False
        self.query_one("#exam-error", Static).update(RichText(message, style="bold red"))

    def action_back(self) -> None:
        self.app.pop_screen()  # a running generation is cancelled with the screen's workers
