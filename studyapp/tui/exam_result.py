"""The result of a finished exam: the score, the seed (and the command that prints the same
problems), then every problem with the learner's answer, the right one, the diagnosed mistake
and the worked solution, a page of problems at a time in a scrollable view."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from studyapp.core.exam import ExamItem, ExamResult
from studyapp.core.numfmt import tensor_grids
from studyapp.tui.answer_view import comparison
from studyapp.tui.exam_strings import t
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.solution_view import moments, solution_parts

PAGE = 20  # problems per page: a 1,000-problem exam must not build 1,000 widgets at once


def problem_view(item: ExamItem, lang: str, width: int = 96) -> Group:
    """One problem of the result: verdict, prompt, your answer and the right one, the mistake,
    the worked solution."""
    problem = item.problem
    title = problem.template.title.get(lang) if problem.template.title else problem.kind.name
    ok = item.correct
    parts: list[RenderableType] = [
        RichText.assemble((f"{item.number}. {title}   ", "bold"),
                          (t(lang, "right" if ok else "wrong"), "bold green" if ok else "bold red")),
        RichText(problem.prompt(lang))]
    grids = tensor_grids(problem.params, lang)
    if grids:
        parts.append(RichText("\n" + "\n".join(grids)))
    parts += [RichText(""), RichText(f"{t(lang, 'yours')}: {item.answer or t(lang, 'blank')}"),
              RichText(f"{t(lang, 'expected')}: {item.expected}", style="bold")]
    if not ok and item.answer:
        parts.append(RichText(item.grade.message.get(lang), style="red"))
        if isinstance(problem.answer, dict | list):
            # The study view's side-by-side grids, the wrong entries marked ✗ in red.
            table = comparison(item.grade.values(), problem.answer, item.marks, problem.decimals, lang,
                               (t(lang, "yours"), t(lang, "expected")))
            if table is not None:
                parts.append(table)
    mistake = item.mistake
    if mistake is not None:
        step = "" if mistake.step is None else t(lang, "step").format(n=mistake.step + 1)
        parts.append(RichText(f"{t(lang, 'mistake')} [{mistake.tag}]: {mistake.message.get(lang)}{step}",
                              style="yellow"))
    # every step, the last figure complete under its step, as in the study screen's "a"
    parts += solution_parts(problem.steps, len(moments(problem.steps)), lang, width)
    return Group(*parts)


class ExamResultScreen(Screen[None]):
    CSS_PATH = "exam.tcss"
    BINDINGS = [Binding("escape", "home", "Home"), Binding("n", "page(1)", "Next page"),
                Binding("p", "page(-1)", "Previous page")]

    def __init__(self, result: ExamResult, lang: str):
        super().__init__()
        self.result, self.lang = result, lang
        self.page = 0
        self.pages = max((result.total + PAGE - 1) // PAGE, 1)
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        result, lang = self.result, self.lang
        score = f"{result.right} / {result.total} ({result.percent:.0f}%)"
        status = RichText.assemble(
            (f" {t(lang, 'result')} ", "bold"), f" {t(lang, 'score')} ",
            (score, "bold green" if result.right * 2 >= result.total else "bold red"),
            f"  ·  {t(lang, 'seed_used')} {result.spec.seed}",
            (f"  ·  {t(lang, 'timed_out')}" if result.timed_out else "", "yellow"))
        yield Static(status, id="exam-status")
        yield Static(RichText.assemble(f"{t(lang, 'again')}: ", (result.spec.command(lang), "bold")),
                     id="exam-again")
        yield Static(id="exam-page")
        yield VerticalScroll(id="exam-results")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.show_page()
        self.query_one("#exam-results").focus()

    async def show_page(self) -> None:
        items = self.result.items[self.page * PAGE:(self.page + 1) * PAGE]
        view = self.query_one("#exam-results", VerticalScroll)
        await view.remove_children()
        width = max(40, self.size.width - 6)  # the figures fit inside the page's padding
        await view.mount_all([Static(problem_view(item, self.lang, width), classes="exam-result")
                              for item in items])
        view.scroll_home(animate=False)
        page = self.query_one("#exam-page", Static)
        page.display = self.pages > 1
        if self.pages > 1:
            page.update(t(self.lang, "page").format(
                first=items[0].number, last=items[-1].number, total=self.result.total))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            return self.pages > 1  # hidden from the Footer when everything fits on one page
        return True

    async def action_page(self, step: int) -> None:
        target = self.page + step
        if 0 <= target < self.pages:
            self.page = target
            await self.show_page()

    def action_home(self) -> None:
        self.app.pop_screen()
