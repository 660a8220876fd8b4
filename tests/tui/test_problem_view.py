"""The problem view: the matrix editor, per-entry marks, the step-by-step solution, the timer."""

from __future__ import annotations

import pytest

from studyapp.core.numfmt import depth, format_answer, num
from studyapp.core.steps import render_text
from studyapp.tui.matrix_editor import MatrixEditor
from tests.tui.pilot import DECK_ROW, advance_to, app_for, open_study, reviews, text_of, type_answer


def is_matrix_problem(item) -> bool:
    answer = item.problem.answer if item.problem is not None else None
    return answer is not None and not isinstance(answer, dict) and depth(answer) == 2 and len(answer) > 1


@pytest.mark.asyncio
async def test_matrix_typed_row_by_row_wrong_entry_marked_and_steps_revealed(tmp_path):
    app = app_for(tmp_path, new_per_day=500)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, is_matrix_problem)
        problem = screen.item.problem
        editor = screen.editor()
        assert isinstance(editor, MatrixEditor) and editor.has_focus
        shape = f"a {len(problem.answer)}×{len(problem.answer[0])} matrix"
        assert shape in text_of(screen.query_one("#help"))
        rows = [" ".join(num(v, 8) for v in row) for row in problem.answer]
        wrong = [row[:] for row in problem.answer]
        wrong[-1][-1] = wrong[-1][-1] + 100  # one entry off
        rows[-1] = " ".join(num(v, 8) for v in wrong[-1])
        editor.text = rows[0]
        editor.move_cursor((0, len(rows[0])))
        await pilot.press("enter")  # the first row is not the last: a new line, no submission
        await pilot.pause()
        assert not screen.answered and editor.text == rows[0] + "\n"
        editor.text = "\n".join(rows)
        editor.move_cursor((len(rows) - 1, len(rows[-1])))
        await pilot.press("enter")  # Enter on the last row submits
        await pilot.pause()
        assert screen.answered and screen.result.correct is False
        feedback = text_of(screen.query_one("#feedback"))
        grid_part = feedback.split("Worked solution")[0].split("\n", 1)[1]
        assert grid_part.count("✗") == 1  # only the changed entry is marked
        assert f"{num(wrong[-1][-1], 4)}✗" in grid_part
        steps = problem.steps
        assert render_text(steps[:1], "en").splitlines()[0] in feedback
        assert render_text(steps[1:2], "en").splitlines()[0] not in feedback.split(
            render_text(steps[:1], "en"))[1]
        await pilot.press("n")
        await pilot.pause()
        assert screen.steps_shown == 2
        assert render_text(steps[:2], "en") in text_of(screen.query_one("#feedback"))
        await pilot.press("a")
        await pilot.pause()
        shown = text_of(screen.query_one("#feedback"))
        at = [shown.index(render_text([step], "en", number)) for number, step in enumerate(steps, 1)]
        assert at == sorted(at)  # every step, in order (the last figure among them)
        await pilot.press("1")
        await pilot.pause()
    assert reviews(tmp_path)[-1][0] == problem.template.id and reviews(tmp_path)[-1][4] == 0


@pytest.mark.asyncio
async def test_the_timer_shows_and_stops_at_the_answer(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, lambda i: i.problem is not None)
        screen.started -= 75  # as if the learner had thought for 75 s
        screen.update_status()
        assert "⏱ 1:15" in text_of(screen.query_one("#status"))
        type_answer(screen, format_answer(screen.item.problem.answer, 6))
        screen.action_submit()
        await pilot.pause()
        frozen = screen.answered_after_ms
        assert frozen is not None and frozen >= 75_000
        screen.started -= 60
        screen.update_status()
        assert f"⏱ {frozen // 60000}:{frozen // 1000 % 60:02d}" in text_of(screen.query_one("#status"))
