"""The study screen: one item at a time, graded, rated, committed before the next appears.

Typing never fires a command. When an item has an answer box, printable keys go into it:
the box has the focus whenever the item is shown, after a hint and after an undo. Escape
leaves the box and shows the commands (h, u, s, -); any other printable key, or Tab, goes
back to the box with that key typed. Undo and the hint also have Ctrl keys that work from
inside the box. An unreadable answer is not graded: the box keeps it and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text as RichText
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from studyapp.core.numfmt import depth
from studyapp.core.session import AnswerResult, StudyItem, StudySession
from studyapp.core.steps import render_text
from studyapp.store.db import WRITE_ERRORS
from studyapp.tui.drawn_once import DrawnOnce
from studyapp.tui.frame_first import FrameFirst
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.laid_out_once import LaidOutOnce, ScrollLaidOutOnce, focus_painted_once
from studyapp.tui.matrix_editor import MatrixEditor
from studyapp.tui.solution_view import moments
from studyapp.tui.strings import tr
from studyapp.tui.study_view import feedback, help_line, question, status_line, timer_text
from studyapp.tui.summary import SummaryScreen, summary_text

T = TypeVar("T")
LONG_ANSWER = 2_000  # characters: a longer answer is graded in a worker (up to ~25 ms at the cap)


class AnswerLine(Input):
    """The one-line answer box, whose Enter shows in the footer as the primary key."""

    BINDINGS = [Binding("enter", "submit", "Submit")]


class StudyScreen(Screen[None]):
    AUTO_FOCUS = ""  # show_next gives the focus to the answer box, or to nothing
    # Order is the footer's order: the primary action of each moment comes first.
    BINDINGS = [
        Binding("enter", "submit", "Submit"),
        Binding("space", "flip", "Show"),
        Binding("enter", "flip", "Show", show=False),
        Binding("enter", "accept", "Accept"),
        Binding("1", "rate('1')", "Again"), Binding("2", "rate('2')", "Hard"),
        Binding("3", "rate('3')", "Good"), Binding("4", "rate('4')", "Easy"),
        Binding("ctrl+z", "undo_typed", "Undo", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("tab", "to_box", "Answer box"),
        Binding("h", "hint", "Hint"), Binding("n", "next_step", "Next step"),
        Binding("a", "all_steps", "All steps", show=False), Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"), Binding("minus", "bury", "Bury"),
        Binding("escape", "commands", "Commands"),
        Binding("escape", "end", "End"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("pageup", "scroll_card(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_card(1)", "Scroll down", show=False, priority=True),
    ]

    def __init__(self, session: StudySession, title: str, lang: str):
        super().__init__()
        self.session, self.title_text, self.lang = session, title, lang
        self.item: StudyItem | None = None
        self.result: AnswerResult | None = None
        self.answered = False
        self.grading = False  # a long answer is being graded in a worker
        self.chosen: set[int] = set()
        self.started = 0.0
        self.answered_after_ms: int | None = None
        self.typed = ""
        self.steps_shown = 0  # moments shown: steps, and a figure's frames (solution_view.moments)
        self.counts_text = RichText()
        self.help_shown: RichText | str | None = None
        self.frames = FrameFirst()

    def compose(self) -> ComposeResult:
        # Laid out once per change (laid_out_once.py): a new item is on screen in one frame.
        self.status, self.card = LaidOutOnce(id="status"), ScrollLaidOutOnce(id="card")
        self.prompt, self.feedback = LaidOutOnce(id="prompt"), LaidOutOnce(id="feedback")
        self.notice, self.help = LaidOutOnce(id="notice"), LaidOutOnce(id="help")
        self.line = AnswerLine(placeholder=tr(self.lang, "answer_here"), id="answer")
        self.matrix = MatrixEditor(id="matrix")
        yield self.status
        with self.card:
            yield self.prompt
            yield self.feedback
        yield from (self.notice, self.line, self.matrix, self.help, KeyFooter())

    def on_mount(self) -> None:
        self.card.can_focus = False  # Tab goes between the answer box and nothing else
        localize_bindings(self, self.lang)
        localize_bindings(self.line, self.lang)
        self.show_next()
        self.set_interval(1.0, self.tick)
        self.frames.mounted(self.feedback)

    def on_unmount(self) -> None:
        self.frames.unmounted()

    # --- what acts now ------------------------------------------------------------------
    def box(self) -> Input | MatrixEditor | None:
        """The answer box of the item shown, while it takes an answer; None otherwise."""
        item = self.item
        if item is None or self.answered:
            return None
        if item.problem is None and (item.card is None or item.card.type != "cloze"):
            return None
        return self.editor()

    def typing(self) -> bool:
        # The screen's focus, not the box's has_focus, which follows a message later: the keys
        # shown in the first frame of an item are then already those of the box.
        box = self.box()
        return box is not None and self.focused is box

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that act now are shown, and only they act."""
        item, typing = self.item, self.typing()
        kind = None if item is None else ("problem" if item.problem else item.card.type)  # type: ignore[union-attr]
        if action == "submit":
            return item is not None and not self.answered and (typing or kind == "choice")
        if action == "flip":
            return not self.answered and kind in ("basic", "cloze") and not (typing and kind != "cloze")
        if action in ("accept", "rate"):
            return self.answered and (action == "rate" or self.result is not None)
        if action in ("next_step", "all_steps"):
            return self.answered and kind == "problem"
        if action == "hint":
            return not self.answered and kind == "problem"
        if action in ("undo", "undo_typed"):  # Ctrl+Z in the box, u outside it
            return self.session.can_undo() and typing == (action == "undo_typed")
        if action == "to_box":
            return self.box() is not None and not typing
        if action in ("suspend", "bury"):
            return item is not None and not typing
        if action == "commands":
            return typing
        if action in ("end", "help"):
            return not typing
        return True

    def on_key(self, event: events.Key) -> None:
        """Number keys pick choice options; outside the box, a printable key that is no
        command now goes back into the box, typed."""
        item = self.item
        if item is not None and not self.answered and item.card is not None and item.card.type == "choice":
            self.choose(event)
            return
        box = self.box()
        if box is None or self.focused is box or not event.is_printable or self.acts(event.key):
            return
        event.stop()
        event.prevent_default()
        box.focus()
        if isinstance(box, Input):
            box.insert_text_at_cursor(event.character or "")
        else:
            box.insert(event.character or "")
        self.refresh_bindings()

    def acts(self, key: str) -> bool:
        """Whether one of this screen's bindings of ``key`` acts now."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            name, _, params = binding.action.partition("(")
            if self.check_action(name, (params.rstrip(")").strip("'"),) if params else ()):
                return True
        return False

    def on_descendant_focus(self) -> None:
        if self.typing():  # back in the box (Tab, a typed key, a hint): its help, not the commands'
            self.show_help(self.help_text())
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def ticker(self) -> float:
        return self.app.ticker()  # type: ignore[attr-defined]

    def editor(self) -> Input | MatrixEditor:
        """The multi-line editor for a matrix or a structured answer, else the line."""
        problem = self.item.problem if self.item is not None else None
        if problem is not None and (isinstance(problem.answer, dict) or depth(problem.answer) >= 2):
            return self.matrix
        return self.line

    # --- showing ----------------------------------------------------------------------
    def show_next(self, item: StudyItem | None = None) -> None:
        self.frames.hold(self)
        self.item = item or self.session.next()
        self.result, self.answered, self.chosen, self.typed = None, False, set(), ""
        self.started, self.answered_after_ms, self.steps_shown = self.ticker(), None, 0
        self.card.scroll_asked = None
        # The texts first, the box and the focus after: a text changed later (the focus moving
        # takes a few ms) would ask for its layout after the frame's, and get a second frame.
        self.feedback.update("")
        self.notice.update("")
        item = self.item
        self.prompt.update(question(item, self.lang, self.chosen) if item else tr(self.lang, "nothing"))
        self.show_help(self.help_text())
        self.update_status()
        self.card.scroll_home(animate=False, immediate=True)  # in this frame, not the one after
        self.line.value = ""
        self.matrix.text = ""
        self.line.display = self.matrix.display = False
        box = self.box()
        if box is self.matrix and item is not None and item.problem is not None:
            answer = item.problem.answer
            labels = list(answer) if isinstance(answer, dict) else None
            # A stack of matrices is typed channel after channel, one row per line.
            rows = 0 if labels else len(answer) * (len(answer[0]) if depth(answer) == 3 else 1)
            self.matrix.configure(rows, labels)
            self.matrix.styles.height = min(self.matrix.rows + 2, 9)
        if box is not None:
            box.display = True
        focus_painted_once(self, box)  # now, not a message later: the first frame has the box's keys
        self.refresh_bindings()

    def update_status(self) -> None:
        """The deck (or Practice), what is left (read from the store), then the item's timer."""
        self.counts_text = status_line(self.title_text, self.session.mode, self.session.counts(), self.lang)
        self.tick()

    def tick(self) -> None:
        """Each second: only the timer changes, so the counts are not read again."""
        status = self.counts_text.copy()
        if self.item is not None:
            status.append_text(timer_text(self.answered_after_ms if self.answered_after_ms is not None
                                          else self.elapsed_ms()))
        self.status.update(status, layout=False)  # one line high (CSS) whatever it says

    def help_text(self) -> RichText | str:
        labels = self.session.interval_labels(self.item) if self.item is not None and self.answered else {}
        return help_line(self.item, self.result if self.answered else None, labels,
                         self.editor() is self.matrix, self.lang)

    def show_help(self, content: RichText | str) -> None:
        """The line under the box; the same again changes nothing (an update would lay the
        screen out again, a frame after the item's)."""
        if content != self.help_shown:
            self.help_shown = content
            self.help.update(content)

    def render_feedback(self, scroll: str | None = None) -> None:
        """Draw the feedback, and ``scroll`` the card in the frame that shows it: to bring it
        into view ("feedback": at 80x24 the prompt can fill the view) or to its "end"."""
        assert self.item is not None and self.result is not None
        width = max(40, (self.feedback.size.width or self.size.width or 100) - 2)
        drawn = DrawnOnce(self.feedback, feedback(self.item, self.result, self.typed, self.steps_shown,
                                                  self.lang, width))
        self.feedback.update(drawn)
        if scroll is not None:
            target = self.feedback if scroll == "feedback" else None
            self.card.scroll_at_layout(target, lambda: drawn.measured)

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
        if self.item is None or self.answered or self.grading:
            return
        self.frames.hold(self)  # graded and drawn before any collection
        if len(value) > LONG_ANSWER:  # reading it may take more than a frame: off the UI thread
            self.grading = True
            self.grade_long(self.item, value, self.elapsed_ms())
            return
        self.grade(self.session.answer(self.item, text=value, elapsed_ms=self.elapsed_ms()), value)

    @work(thread=True, exclusive=True, group="grade")
    def grade_long(self, item: StudyItem, value: str, elapsed_ms: int) -> None:
        result = self.session.answer(item, text=value, elapsed_ms=elapsed_ms)
        self.app.call_from_thread(self.graded_long, item, result, value)

    def graded_long(self, item: StudyItem, result: AnswerResult, value: str) -> None:
        self.grading = False
        if self.item is item and not self.answered:  # still the item it was typed for
            self.grade(result, value)

    def grade(self, result: AnswerResult, typed: str = "") -> None:
        """Show the feedback of a readable answer; an unreadable one is only explained."""
        if not result.readable:
            self.notice.update(RichText(f"⚠ {result.message.get(self.lang)}", style="bold yellow"))
            box = self.box()
            if box is not None:
                box.focus()
            return
        self.result, self.typed = result, typed
        self.show_feedback()

    def choose(self, event: events.Key) -> None:
        item = self.item
        assert item is not None
        if event.character and event.character.isdigit():
            shown = int(event.character)
            if 1 <= shown <= len(item.option_order):
                self.chosen ^= {item.option_order[shown - 1]}
                self.notice.update("")
                self.prompt.update(question(item, self.lang, self.chosen))
                event.stop()

    def action_submit(self) -> None:
        item = self.item
        if item is None or self.answered:
            return
        if item.card is not None and item.card.type == "choice":
            self.frames.hold(self)
            self.grade(self.session.answer(item, chosen=set(self.chosen), elapsed_ms=self.elapsed_ms()))
            return
        box = self.box()
        if box is not None:
            self.submit_typed(box.value if isinstance(box, Input) else box.text)

    def action_flip(self) -> None:
        item = self.item
        if item is None or self.answered or item.card is None or item.card.type == "choice":
            return
        self.frames.hold(self)
        self.result = self.session.reveal(item)
        self.show_feedback()

    def show_feedback(self) -> None:
        self.answered = True
        self.answered_after_ms = self.elapsed_ms()
        self.steps_shown = 1
        self.notice.update("")
        self.line.display = self.matrix.display = False
        self.render_feedback(scroll="feedback")
        self.update_status()
        self.show_help(self.help_text())
        # Last: the box's blur restyles it (a few ms), and the first frame should not wait for it.
        focus_painted_once(self, None)
        self.refresh_bindings()
        if self.item is not None and self.item.changed_elsewhere:  # the intervals shown are new
            self.notify(tr(self.lang, "elsewhere"), severity="warning", timeout=6)

    def action_next_step(self) -> None:
        """The solution's next moment: the window's next cell, or the next step."""
        if self.answered and self.item is not None and self.item.problem is not None \
                and self.steps_shown < len(moments(self.item.problem.steps)):
            self.steps_shown += 1
            self.render_feedback(scroll="end")

    def action_all_steps(self) -> None:
        if self.answered and self.item is not None and self.item.problem is not None:
            self.steps_shown = len(moments(self.item.problem.steps))
            self.render_feedback()

    # --- rating and other actions ---------------------------------------------------------
    def action_accept(self) -> None:
        if self.answered and self.result is not None and self.result.proposed is not None:
            self.commit(self.result.proposed)

    def action_rate(self, key: str) -> None:
        if self.item is not None and self.answered:
            self.commit(int(key))

    def commit(self, rating: int) -> None:
        item = self.item
        assert item is not None
        self.frames.hold(self)  # saved, the next item drawn, then any collection
        told = item.changed_elsewhere  # said when the feedback was shown
        outcome = self.stored(lambda: self.session.rate(item, rating, self.elapsed_ms(),
                                                        self.typed or None, self.result))
        if outcome is None:
            return  # not saved: the answer and its feedback stay, and the rating keys still act
        if outcome.changed_elsewhere and not told:
            self.notify(tr(self.lang, "elsewhere"), severity="warning", timeout=6)
        if outcome.became_leech:
            self.notify(tr(self.lang, "leech"), severity="warning", timeout=6)
        self.show_next()

    def stored(self, write: Callable[[], T]) -> T | None:
        """``write()``, or None when the progress database refused it (a full disk, a read-only
        or locked file): said in one line; what is on screen stays, to be tried again."""
        try:
            return write()
        except WRITE_ERRORS as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            self.notify(tr(self.lang, "not_saved").format(e=reason), severity="error", timeout=12,
                        markup=False)
            return None

    def action_hint(self) -> None:
        item = self.item
        if item is None or self.answered:
            return
        step = self.session.hint(item)
        if step is None:
            return
        self.feedback.update(RichText(f"{tr(self.lang, 'hint')}:\n{render_text([step], self.lang)}"))
        box = self.box()
        if box is not None:
            box.focus()  # the learner goes on typing
        self.refresh_bindings()

    def action_to_box(self) -> None:
        box = self.box()
        if box is not None:
            box.focus()

    def action_commands(self) -> None:
        self.set_focus(None)
        self.show_help(tr(self.lang, "keys"))
        self.refresh_bindings()

    def action_help(self) -> None:
        from studyapp.tui.help import HelpScreen

        self.app.push_screen(HelpScreen(self.lang))

    def action_undo(self) -> None:
        undone = self.stored(self.session.undo)
        if undone is not None:
            self.notify(tr(self.lang, "undone"))
            self.show_next(self.session.next())

    def action_scroll_card(self, direction: int) -> None:
        """Page Up/Down scroll the question and feedback, also while typing in the box."""
        (self.card.scroll_page_down if int(direction) > 0 else self.card.scroll_page_up)(animate=False)

    def action_undo_typed(self) -> None:
        self.action_undo()

    def action_suspend(self) -> None:
        self.flag(self.session.suspend, "suspended")

    def action_bury(self) -> None:
        self.flag(self.session.bury, "buried")

    def flag(self, verb: Any, told: str) -> None:
        item = self.item
        if item is not None and not self.typing() and self.stored(lambda: verb(item) or True):
            self.notify(f"{tr(self.lang, told)} · {tr(self.lang, 'u_to_undo')}")
            self.show_next()

    def action_end(self) -> None:
        summary = self.stored(self.session.finish)
        if summary is None:  # every answer is saved already; only the session's end time is not
            self.app.pop_screen()
            return
        self.app.push_screen(SummaryScreen(summary_text(summary, self.lang)), lambda _: self.app.pop_screen())
