"""The study screen: one item at a time, graded, rated, committed before the next appears."""

from __future__ import annotations

from typing import Any

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from studyapp.core.numfmt import depth
from studyapp.core.session import AnswerResult, StudyItem, StudySession
from studyapp.core.steps import render_text
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.matrix_editor import MatrixEditor
from studyapp.tui.strings import tr
from studyapp.tui.study_view import feedback, question, shape_label
from studyapp.tui.summary import SummaryScreen, summary_text

RATING_KEYS = {"1": 1, "2": 2, "3": 3, "4": 4}
RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


class StudyScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "flip", "Show", show=False),
        Binding("enter", "enter", "Submit / accept", show=False),
        Binding("1", "rate('1')", "Again"), Binding("2", "rate('2')", "Hard"),
        Binding("3", "rate('3')", "Good"), Binding("4", "rate('4')", "Easy"),
        Binding("h", "hint", "Hint"), Binding("n", "next_step", "Next step"),
        Binding("a", "all_steps", "All steps", show=False), Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"), Binding("minus", "bury", "Bury"),
        Binding("escape", "end", "End"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(self, session: StudySession, title: str, lang: str):
        super().__init__()
        self.session, self.title_text, self.lang = session, title, lang
        self.item: StudyItem | None = None
        self.result: AnswerResult | None = None
        self.answered = False
        self.hint_used = False
        self.chosen: set[int] = set()
        self.started = 0.0
        self.answered_after_ms: int | None = None
        self.typed = ""
        self.steps_shown = 0
        self.counts_text = RichText()

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="card"):
            yield Static(id="prompt")
            yield Static(id="feedback")
        yield Input(placeholder=tr(self.lang, "answer_here"), id="answer")
        yield MatrixEditor(id="matrix")
        yield Static(id="help")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something now are shown: ratings once answered, the hint before."""
        if action == "rate":
            return self.answered
        if action in ("next_step", "all_steps"):
            return self.answered and self.item is not None and self.item.problem is not None
        if action == "hint":
            return not self.answered and self.item is not None and self.item.problem is not None
        if action in ("undo",):
            return bool(self.session.undo_stack)
        if action in ("suspend", "bury"):
            return self.item is not None
        return True

    def ticker(self) -> float:
        return self.app.ticker()  # type: ignore[attr-defined, no-any-return]

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.show_next()
        self.set_interval(1.0, self.tick)

    def editor(self) -> Input | MatrixEditor:
        """The answer box in use: the multi-line editor for a matrix answer, else the line."""
        problem = self.item.problem if self.item is not None else None
        if problem is not None and not isinstance(problem.answer, dict) and depth(problem.answer) == 2:
            return self.query_one("#matrix", MatrixEditor)
        return self.query_one("#answer", Input)

    # --- showing ----------------------------------------------------------------------
    def show_next(self, item: StudyItem | None = None) -> None:
        self.item = item or self.session.next()
        self.result, self.answered, self.hint_used, self.chosen, self.typed = None, False, False, set(), ""
        self.started, self.answered_after_ms, self.steps_shown = self.ticker(), None, 0
        feedback = self.query_one("#feedback", Static)
        feedback.update("")
        line, matrix = self.query_one("#answer", Input), self.query_one("#matrix", MatrixEditor)
        line.value = ""
        matrix.text = ""
        line.display = matrix.display = False
        self.update_status()
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        if self.item is None:
            self.query_one("#prompt", Static).update(tr(self.lang, "nothing"))
            self.query_one("#help", Static).update("")
            self.refresh_bindings()
            return
        self.query_one("#prompt", Static).update(self.question_text())
        card = self.item.card
        typed = self.item.problem is not None or (card is not None and card.type == "cloze")
        answer = self.editor()
        if isinstance(answer, MatrixEditor) and self.item.problem is not None:
            answer.rows = len(self.item.problem.answer)
            answer.styles.height = answer.rows + 2
        answer.display = typed
        if typed:
            answer.focus()
        else:
            self.set_focus(None)
        self.query_one("#help", Static).update(self.help_text())
        self.refresh_bindings()

    def update_status(self) -> None:
        """The deck and what is left (read from the store), then the item's timer."""
        c = self.session.counts()
        lang = self.lang
        self.counts_text = RichText.assemble((f" {self.title_text} ", "bold"), "  ",
                                             (f"{tr(lang, 'new')} {c.new}", "blue"), "  ",
                                             (f"{tr(lang, 'learning')} {c.learning}", "red"), "  ",
                                             (f"{tr(lang, 'due')} {c.review}", "green"))
        self.tick()

    def tick(self) -> None:
        """Each second: only the timer changes, so the counts are not read again."""
        status = self.counts_text.copy()
        if self.item is not None:
            ms = self.answered_after_ms if self.answered_after_ms is not None else self.elapsed_ms()
            status.append(f"  ⏱ {ms // 60000}:{ms // 1000 % 60:02d}", style="dim")
        self.query_one("#status", Static).update(status)

    def help_text(self) -> str:
        item = self.item
        if item is None:
            return ""
        if self.answered:
            labels = self.session.interval_labels(item)
            parts = []
            for rating in (1, 2, 3, 4):
                name = tr(self.lang, RATING_NAMES[rating])
                interval = f" {labels[rating]}" if rating in labels else ""
                proposed = self.result is not None and self.result.proposed == rating
                parts.append(f"[{'reverse ' if proposed else ''}bold]{rating} {name}{interval}[/]")
            return "  ".join(parts)
        if item.card is not None and item.card.type == "basic":
            return tr(self.lang, "flip")
        if item.card is not None and item.card.type == "choice":
            return tr(self.lang, "choose")
        if item.card is not None and item.card.type == "cloze":
            return tr(self.lang, "cloze_hint")
        assert item.problem is not None
        return (f"{tr(self.lang, 'shape')}: {shape_label(item.problem, self.lang)} · "
                f"{tr(self.lang, self.shape_help())}")

    def question_text(self) -> RichText:
        assert self.item is not None
        return question(self.item, self.lang, self.chosen)

    def render_feedback(self) -> None:
        assert self.item is not None and self.result is not None
        self.query_one("#feedback", Static).update(
            feedback(self.item, self.result, self.typed, self.steps_shown, self.lang))

    def shape_help(self) -> str:
        problem = self.item.problem if self.item is not None else None
        if problem is not None and isinstance(problem.answer, dict):
            return "parts_help"
        return "matrix_help" if isinstance(self.editor(), MatrixEditor) else "answer_here"

    # --- answering --------------------------------------------------------------------
    def elapsed_ms(self) -> int:
        return int((self.ticker() - self.started) * 1000)

    def on_input_changed(self, event: Input.Changed) -> None:
        item = self.item
        if event.value == " " and item is not None and item.card is not None and item.card.type == "cloze":
            event.input.value = ""
            self.action_flip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit_typed(event.value)

    def on_matrix_editor_submitted(self, event: MatrixEditor.Submitted) -> None:
        self.submit_typed(event.value)

    def submit_typed(self, value: str) -> None:
        if self.item is None or self.answered:
            return
        self.typed = value
        text: Any = value
        if self.item.card is not None and self.item.card.type == "cloze":
            text = [part.strip() for part in value.split(";")]
        self.result = self.session.answer(self.item, text=text, hint_used=self.hint_used,
                                          elapsed_ms=self.elapsed_ms())
        self.show_feedback()

    def on_key(self, event: Any) -> None:
        item = self.item
        if item is None or self.answered or item.card is None or item.card.type != "choice":
            return
        if event.character and event.character.isdigit():
            shown = int(event.character)
            if 1 <= shown <= len(item.option_order):
                index = item.option_order[shown - 1]
                self.chosen ^= {index}
                self.query_one("#prompt", Static).update(self.question_text())
                event.stop()

    def action_flip(self) -> None:
        item = self.item
        if item is None or self.answered or item.problem is not None:
            return
        if item.card is not None and item.card.type == "choice":
            return
        self.result = self.session.answer(item, elapsed_ms=self.elapsed_ms())
        self.show_feedback()

    def action_enter(self) -> None:
        item = self.item
        if item is None:
            return
        if not self.answered:
            if item.card is not None and item.card.type == "choice":
                self.result = self.session.answer(item, chosen=set(self.chosen), elapsed_ms=self.elapsed_ms())
                self.show_feedback()
            elif item.card is not None and item.card.type == "basic":
                self.action_flip()
            else:
                answer = self.editor()
                self.submit_typed(answer.value if isinstance(answer, Input) else answer.text)
            return
        if self.result is not None and self.result.proposed is not None:
            self.commit(self.result.proposed)

    def show_feedback(self) -> None:
        self.answered = True
        self.answered_after_ms = self.elapsed_ms()
        self.steps_shown = 1
        self.query_one("#answer", Input).display = False
        self.query_one("#matrix", MatrixEditor).display = False
        self.set_focus(None)
        self.render_feedback()
        self.update_status()
        self.query_one("#help", Static).update(self.help_text())
        self.refresh_bindings()

    def action_next_step(self) -> None:
        if self.answered and self.item is not None and self.item.problem is not None:
            self.steps_shown += 1
            self.render_feedback()
            self.query_one("#card", VerticalScroll).scroll_end(animate=False)

    def action_all_steps(self) -> None:
        if self.answered and self.item is not None and self.item.problem is not None:
            self.steps_shown = len(self.item.problem.steps)
            self.render_feedback()

    # --- rating and other actions ---------------------------------------------------------
    def action_rate(self, key: str) -> None:
        if self.item is None or not self.answered:
            return
        self.commit(RATING_KEYS[key])

    def commit(self, rating: int) -> None:
        item = self.item
        assert item is not None
        if self.hint_used and rating > 2:
            rating = 2  # a hint caps the rating at Hard
        outcome = self.session.rate(item, rating, self.elapsed_ms(), self.typed or None, self.result)
        if outcome.became_leech:
            self.notify(tr(self.lang, "leech"), severity="warning", timeout=6)
        self.show_next()

    def action_hint(self) -> None:
        item = self.item
        if item is None or self.answered:
            return
        step = self.session.hint(item)
        if step is None:
            return
        self.hint_used = True
        hint = render_text([step], self.lang)
        self.query_one("#feedback", Static).update(RichText(f"{tr(self.lang, 'hint')}:\n{hint}"))

    def action_help(self) -> None:
        from studyapp.tui.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

    def action_undo(self) -> None:
        undone = self.session.undo()
        if undone is not None:
            self.notify(tr(self.lang, "undone"))
            self.show_next()

    def action_suspend(self) -> None:
        if self.item is not None:
            self.session.suspend(self.item)
            self.notify(tr(self.lang, "suspended"))
            self.show_next()

    def action_bury(self) -> None:
        if self.item is not None:
            self.session.bury(self.item)
            self.notify(tr(self.lang, "buried"))
            self.show_next()

    def action_end(self) -> None:
        if self.query_one("#answer", Input).has_focus or self.query_one("#matrix", MatrixEditor).has_focus:
            # Escape leaves the answer box first, so that h, u, s and - act as keys again
            # (inside the box they are letters of an answer).
            self.set_focus(None)
            self.query_one("#help", Static).update(tr(self.lang, "keys"))
            return
        self.app.push_screen(SummaryScreen(summary_text(self.session.finish(), self.lang)),
                             lambda _: self.app.pop_screen())
