"""A right value given to fewer decimal places than asked, in the study screen: shown as partly
right with the reason, Hard proposed, and logged as that (right, rating Hard)."""

from __future__ import annotations

import numpy as np
import pytest

from studyapp.core.numfmt import format_answer
from studyapp.tui.study import StudyScreen
from tests.tui.pilot import advance_to, app_for, open_study, reviews, text_of, type_answer


def coarse_text(item) -> str | None:
    """The answer to two fewer places than asked, when that is a right value to fewer places."""
    problem = item.problem
    if problem is None or problem.decimals < 3 or not np.isscalar(problem.answer):
        return None
    text = format_answer(round(float(problem.answer), problem.decimals - 2), problem.decimals - 2)
    return text if "." in text and problem.grade(text).coarse else None


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.asyncio
async def test_fewer_places_than_asked_is_partly_right_and_proposes_hard(tmp_path, lang):
    app = app_for(tmp_path, lang=lang, new_per_day=200)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, 1)  # Activation functions
        await advance_to(pilot, screen, lambda item: coarse_text(item) is not None)
        item = screen.item
        typed = coarse_text(item)
        type_answer(screen, typed)
        screen.action_submit()
        await pilot.pause()
        shown = text_of(screen.query_one("#feedback"))
        places = item.problem.decimals
        if lang == "en":
            assert f"◐ partly right  right value; give it to {places} decimal places" in shown
            assert "Enter = Hard: right value, but not to the decimal places asked" in text_of(
                screen.query_one("#help"))
        else:
            assert f"◐ 部分正确  数值正确;请保留 {places} 位小数" in shown
        await pilot.press("enter")  # accept the proposal
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and screen.item is not item
    item_id, rating, mode, answer, correct, _ = reviews(tmp_path)[-1]
    assert (item_id, rating, mode, answer, correct) == (item.id, 2, "scheduled", typed, 1)
