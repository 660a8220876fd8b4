"""The solution walked through one moment at a time: a conv step is one moment per output cell."""

from __future__ import annotations

import pytest

from studyapp.core.figure import Grids
from studyapp.core.library import load_library
from studyapp.core.problems import generate
from studyapp.core.steps import render_text
from studyapp.tui.solution_view import moments, solution_parts

CONV = next(t for t in load_library().templates if t.kind == "conv2d")


def shown(parts) -> str:
    return "\n".join(part.plain for part in parts)


@pytest.mark.parametrize("seed", range(10))
def test_each_moment_moves_the_window_by_one_output_cell_then_the_next_step(seed):
    steps = generate(CONV, seed).steps
    every = moments(steps)
    frames = [len(s.figure.frames) if isinstance(s.figure, Grids) else 1 for s in steps]
    assert len(every) == sum(frames) and every[0] == (0, 0)
    for number, (step, frame) in enumerate(every, 1):
        text = shown(solution_parts(steps, number, "en", 100))
        assert render_text([steps[step]], "en", step + 1) in text
        if step + 1 < len(steps):
            assert f"{step + 2}. {steps[step + 1].title.en}" not in text  # the next step not yet
        figure = steps[step].figure
        if isinstance(figure, Grids):
            row, col = figure.frames[frame].focus.row, figure.frames[frame].focus.col
            assert f"a({row},{col}) =" in text.split(figure.caption.en)[1]  # this frame's line
            assert f"{step + 1}/{len(steps)} · {frame + 1}/{frames[step]}" in text.splitlines()[1]
    last = shown(solution_parts(steps, len(every), "en", 100))
    assert "n next step" not in last
    assert all(render_text([s], "en", n) in last for n, s in enumerate(steps, 1))


def test_a_narrow_terminal_gets_the_grids_stacked_within_its_width():
    for seed in range(30):
        steps = generate(CONV, seed).steps
        for number in range(1, len(moments(steps)) + 1):
            for part in solution_parts(steps, number, "zh", 76)[2:]:
                if any(s.figure is not None and s.figure.caption.zh in part.plain for s in steps):
                    grids = part.split("\n")[1:-1]  # below the caption, above the line of work
                    assert max(line.cell_len for line in grids) <= 76
