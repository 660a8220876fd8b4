"""The exam itself: one problem at a time, no feedback, a clock; the answers are graded and
logged by the core when the exam finishes (``Exam.finish``), in a worker."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from studyapp.core.exam import Exam, ExamError, ExamResult, UnreadableAnswer, answer_form
from studyapp.core.numfmt import depth, tensor_grids
from studyapp.store.db import WRITE_ERRORS
from studyapp.tui.exam_strings import t
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.matrix_editor import MatrixEditor


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]
    CSS_PATH = "exam.tcss"

    def __init__(self, question: str, lang: str):
        super().__init__()
        self.question, self.lang = question, lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="exam-confirm"):
            yield Static(RichText(self.question))
            yes, no = t(self.lang, "yes"), t(self.lang, "no")
            yield Static(RichText.assemble((yes, "bold"), "    ", (no, "bold")))
        yield KeyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ExamScreen(Screen[None]):
    """One problem at a time; the answer box is the answer, kept when moving between problems."""

    CSS_PATH = "exam.tcss"
    BINDINGS = [
        # ctrl+p is the app's command palette, so Previous is ctrl+b ("back") or PageUp.
        Binding("ctrl+n,pagedown", "move(1)", "Next"), Binding("ctrl+b,pageup", "move(-1)", "Previous"),
        Binding("ctrl+f", "finish", "Finish"), Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, exam: Exam, lang: str):
        super().__init__()
        self.exam, self.lang = exam, lang
        self.finishing = False
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        yield Static(id="exam-status")
        with VerticalScroll(id="exam-card"):
            yield Static(id="exam-prompt")
            yield Static(id="exam-form")
        yield Input(placeholder=t(self.lang, "box"), id="exam-answer")
        yield MatrixEditor(id="exam-matrix")
        yield Static(t(self.lang, "help"), id="exam-help")
        yield ProgressBar(id="exam-progress", show_eta=False)
        yield KeyFooter()

    def box(self) -> Input | MatrixEditor:
        """The answer box of the current problem: the multi-line editor for a matrix, else the line."""
        answer = self.exam.problems[self.exam.current].answer
        if not isinstance(answer, dict) and depth(answer) == 2:
            return self.query_one("#exam-matrix", MatrixEditor)
        return self.query_one("#exam-answer", Input)

    def box_text(self) -> str:
        box = self.box()
        return box.value if isinstance(box, Input) else box.text

    def on_mount(self) -> None:
        self.query_one("#exam-progress").display = False
        self.show(0)
        if self.exam.spec.minutes is not None:
            self.set_interval(1.0, self.tick)

    def show(self, index: int) -> None:
        exam, lang = self.exam, self.lang
        exam.show(index)
        problem = exam.problems[index]
        title = problem.template.title.get(lang) if problem.template.title else problem.kind.name
        grids = tensor_grids(problem.params, lang)
        self.query_one("#exam-prompt", Static).update(RichText.assemble(
            (f"{index + 1}. {title}", "bold"), "\n\n", problem.prompt(lang),
            "\n\n" + "\n".join(grids) if grids else ""))
        self.query_one("#exam-form", Static).update(
            RichText(f"{t(lang, 'form')}: {answer_form(problem.answer).get(lang)}", style="dim"))
        line, matrix = self.query_one("#exam-answer", Input), self.query_one("#exam-matrix", MatrixEditor)
        box = self.box()
        line.display, matrix.display = box is line, box is matrix
        if isinstance(box, MatrixEditor):
            box.rows = len(problem.answer)
            box.styles.height = box.rows + 2
            box.text = exam.answers[index]
            box.move_cursor(box.document.end)
        else:
            box.value = exam.answers[index]
        box.focus()
        self.query_one("#exam-card", VerticalScroll).scroll_home(animate=False)
        self.say_help()
        self.update_status()

    def say_help(self, warning: str | None = None) -> None:
        """The line under the box: how to go on, or why the answer just entered was refused."""
        self.query_one("#exam-help", Static).update(
            RichText(f"⚠ {warning}", style="bold yellow") if warning else t(self.lang, "help"))

    def update_status(self) -> None:
        exam, lang = self.exam, self.lang
        done = len(exam.problems) - len(exam.unanswered())
        left = exam.remaining()
        if left is None:
            clock = t(lang, "no_limit")
        else:
            seconds = int(left.total_seconds())
            clock = f"⏱ {seconds // 60}:{seconds % 60:02d} {t(lang, 'left')}"
        self.query_one("#exam-status", Static).update(RichText.assemble(
            (f" {t(lang, 'exam')} ", "bold"), f" {exam.current + 1} / {len(exam.problems)}  ·  ",
            f"{t(lang, 'answered')} {done}  ·  ", (clock, "bold yellow" if left is not None else "")))

    def on_input_changed(self, event: Input.Changed) -> None:
        """The box is the answer: kept as it is typed, so that nothing typed is lost when the
        time runs out or the learner moves on."""
        if event.value.strip() != self.exam.answers[self.exam.current]:
            self.save()
            self.say_help()  # the refusal was about what the box said before

    def on_text_area_changed(self, event: MatrixEditor.Changed) -> None:
        if event.text_area.text.strip() != self.exam.answers[self.exam.current]:
            self.save()
            self.say_help()

    def on_matrix_editor_submitted(self) -> None:
        self.on_input_submitted()

    def save(self) -> bool:
        """Keep what the box says as the answer; False when time is up (the exam then ends)."""
        if self.finishing:
            return False
        if self.exam.time_up():
            self.time_up()
            return False
        try:
            self.exam.answer(self.exam.current, self.box_text())
        except ExamError:
            return False  # a finish that failed half-way has fixed the answers; ctrl+f retries it
        return True

    def tick(self) -> None:
        if self.finishing:
            return
        if self.exam.time_up():
            self.time_up()
        else:
            self.update_status()

    def time_up(self) -> None:
        self.notify(t(self.lang, "time_up"), severity="warning")
        self.finish()

    def on_input_submitted(self) -> None:
        """Enter: the answer is entered. One that cannot be read stays in the box with the reason,
        as in a study session; the learner fixes it (or moves on with ctrl+n, keeping it)."""
        if self.finishing or not self.save():
            return
        try:
            self.exam.enter(self.exam.current, self.box_text())
        except UnreadableAnswer as exc:
            self.say_help(exc.message.get(self.lang))
            self.box().focus()
            return
        except ExamError:
            return
        if self.exam.current + 1 < len(self.exam.problems):
            self.show(self.exam.current + 1)
        else:
            self.update_status()
            self.notify(t(self.lang, "last"))

    def action_move(self, step: int) -> None:
        target = self.exam.current + step
        if self.finishing or not 0 <= target < len(self.exam.problems) or not self.save():
            return
        self.show(target)

    def action_finish(self) -> None:
        if self.finishing:
            return
        if not self.save():
            self.retry()
            return
        missing, unreadable = len(self.exam.unanswered()), self.exam.unreadable_answers()
        if not missing and not unreadable:
            self.finish()
            return
        questions = [t(self.lang, "unanswered").format(n=missing, total=len(self.exam.problems))] \
            if missing else []
        if unreadable:
            numbers = ", ".join(str(i + 1) for i in unreadable)
            questions.append(t(self.lang, "unreadable").format(numbers=numbers))
        questions.append(t(self.lang, "count_wrong"))
        self.app.push_screen(ConfirmScreen("\n".join(questions), self.lang), self.confirmed)

    def action_leave(self) -> None:
        if self.finishing:
            return
        if not self.save():
            self.retry()
            return
        self.app.push_screen(ConfirmScreen(t(self.lang, "leave"), self.lang), self.confirmed)

    def retry(self) -> None:
        """After ``save`` failed: time ran out (the exam is finishing already), or a finish that
        failed half-way has fixed the answers: finish it now."""
        if not self.finishing:
            self.finish()

    def confirmed(self, yes: bool | None) -> None:
        if yes:
            self.finish()

    def finish(self) -> None:
        if self.finishing:
            return
        self.finishing = True
        self.query_one("#exam-answer", Input).disabled = True
        self.query_one("#exam-help", Static).update(t(self.lang, "saving"))
        bar = self.query_one("#exam-progress", ProgressBar)
        bar.update(total=len(self.exam.problems), progress=self.exam.logged)
        bar.display = True
        self.log_answers()

    @work(thread=True, exclusive=True, group="exam-finish")
    def log_answers(self) -> ExamResult | str:
        """``Exam.finish`` logs the problems in batches (one transaction each): off the event loop.
        The result, or why the store refused."""
        app, total = self.app, len(self.exam.problems)
        step = max(total // 50, 1)  # about 50 updates of the bar, whatever the count

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                app.call_from_thread(self.advance, done)

        try:
            return self.exam.finish(app.store, progress)  # type: ignore[attr-defined]
        except WRITE_ERRORS as exc:  # a full disk, a locked file: say so, keep the answers
            return str(exc)

    def advance(self, done: int) -> None:
        self.query_one("#exam-progress", ProgressBar).update(progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Acted on once the worker is done: switching screens cancels this screen's workers.
        if event.worker.group != "exam-finish" or event.state != WorkerState.SUCCESS:
            return
        outcome = event.worker.result
        if isinstance(outcome, ExamResult):
            from studyapp.tui.exam_result import ExamResultScreen

            self.app.switch_screen(ExamResultScreen(outcome, self.lang))
        else:
            self.save_failed(str(outcome))

    def on_unmount(self) -> None:
        """Quitting the app mid-exam (ctrl+q) cannot ask first: the answers are graded and
        logged then and there, so that nothing answered is lost."""
        if self.exam.result is None and not self.finishing:
            try:
                self.exam.finish(self.app.store)  # type: ignore[attr-defined]
            except WRITE_ERRORS:
                pass  # the app is closing and has no screen left to say it on

    def save_failed(self, reason: str) -> None:
        """Nothing is lost: the answers stay in the exam, and ctrl+f tries again."""
        self.finishing = False
        self.query_one("#exam-progress").display = False
        self.query_one("#exam-answer", Input).disabled = False
        self.query_one("#exam-help", Static).update(
            RichText(f"{t(self.lang, 'save_failed')}: {reason}", style="bold red"))
