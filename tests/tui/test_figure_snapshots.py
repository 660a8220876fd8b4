"""SVG snapshots of the feedback view with a figure: a convolution's window part-way along its
row, a backpropagation step's network, an activation's derivative on its curve; at 100x40 and
80x24, in English and Chinese. Fixed clock, seed, timer and size, as tests/tui/test_snapshots.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from studyapp.core.figure import figure_type
from studyapp.core.numfmt import format_answer
from studyapp.tui.app import build_app
from studyapp.tui.solution_view import moments
from studyapp.tui.study import StudyScreen
from tests.report.test_report import NOW, SETTINGS, Clock
from tests.tui.test_snapshots import press, settle

SIZES = {"100x40": (100, 40), "80x24": (80, 24)}
FIGURES = {  # template, the figure to stop at, and how many of its frames to walk
    "conv2d": ("conv.feature-map", "grids", 1),
    "backprop_step": ("train.backprop-step", "network", 0),
    "activation_derivative": ("act.derivative", "curve", 0),
}


def walk_to(template_id: str, wanted: str, frames: int):
    async def run_before(pilot: Pilot) -> None:
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, StudyScreen)
        item = screen.session.show(template_id)
        assert item is not None and item.problem is not None
        screen.show_next(item)
        await pilot.pause()
        screen.submit_typed(format_answer(item.problem.answer, 8))  # right: the verdict, then the solution
        await settle(pilot)
        assert screen.answered and screen.result.correct
        steps = item.problem.steps
        target = next(n for n, (s, f) in enumerate(moments(steps), 1)
                      if steps[s].figure is not None and figure_type(steps[s].figure) == wanted)
        for _ in range(target - 1 + frames):
            await press(pilot, "n")
    return run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ("en", "zh"))
@pytest.mark.parametrize("figure", list(FIGURES))
def test_feedback_with_its_figure(snap_compare, tmp_path: Path, figure: str, lang: str, size: str) -> None:
    app = build_app(tmp_path / "p.sqlite3", replace(SETTINGS, lang=lang), clock=Clock(NOW), seed=7,
                    config_file=Path("snapshot-config.toml"), ticker=lambda: 0.0)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=walk_to(*FIGURES[figure]))
