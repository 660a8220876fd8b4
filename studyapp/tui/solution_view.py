"""The worked solution in the study screen's feedback, one moment at a time.

The learner walks through the solution with ``n``: each step is one moment, and a step whose
figure has frames (a window sliding over the input) is one moment per frame, so the window moves
one output cell at a time while the output fills in; then the next step. Steps already passed
show their text; the figure is the one of the step the learner is on (``a`` shows every step and
the last figure complete).

Colours name the parts, and each has a second cue from ``report.figure_text`` (brackets, ``*``,
``·``), so a monochrome terminal and a colour-blind learner read the same figure.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from studyapp.core.figure import Figure
from studyapp.core.steps import Step, render_text
from studyapp.report.figure_text import figure_lines, frame_count
from studyapp.tui.strings import tr

STYLES = {
    "caption": "italic", "name": "bold", "bracket": "bold cyan", "window": "bold cyan",
    "focus": "bold yellow", "mark": "bold magenta", "pad": "dim italic", "empty": "dim",
    "work": "bold", "grad": "magenta", "dim": "dim", "curve": "cyan", "tangent": "yellow",
    "point": "bold red", "kept": "bold green", "dropped": "red", "truth": "bold blue",
    "overlap": "yellow", "s0": "cyan", "s1": "magenta", "s2": "green", "s3": "yellow",
}


INDENT = "   "  # as a step's lines


def moments(steps: list[Step]) -> list[tuple[int, int]]:
    """Every (step, frame) the learner can be on, in order."""
    return [(s, f) for s, step in enumerate(steps) for f in range(frame_count(step.figure))]


def figure_view(figure: Figure, lang: str, frame: int, width: int) -> Text:
    """The figure at ``frame``, indented under its step's text."""
    text = Text()
    for number, line in enumerate(figure_lines(figure, lang, frame, width - len(INDENT))):
        text.append(("\n" if number else "") + INDENT)
        for part, role in line:
            text.append(part, STYLES.get(role, ""))
    return text


def solution_parts(steps: list[Step], shown: int, lang: str, width: int) -> list[Any]:
    """The heading (with where the learner is and the keys while there is more), the steps up to
    moment ``shown`` (counted from 1), and that step's figure at its frame."""
    every = moments(steps)
    if not every:
        return []
    step, frame = every[min(max(shown, 1), len(every)) - 1]
    done = shown >= len(every)
    more = ""
    if not done:
        frames = frame_count(steps[step].figure)
        where = f"{step + 1}/{len(steps)}" + (f" · {frame + 1}/{frames}" if frames > 1 else "")
        more = f"  ({where} · {tr(lang, 'steps_keys')})"
    parts: list[Any] = [Text(""), Text.assemble((tr(lang, "solution"), "bold"), (more, "dim"))]
    figure_step = step
    if done:  # the last figure, complete, after every step
        figure_step = max((s for s, st in enumerate(steps) if st.figure is not None), default=-1)
        frame = frame_count(steps[figure_step].figure) - 1 if figure_step >= 0 else 0
    shown_steps = steps[:len(steps) if done else step + 1]
    for index, item in enumerate(shown_steps):
        parts.append(Text(render_text([item], lang, index + 1)))
        if index == figure_step and item.figure is not None:
            parts.append(figure_view(item.figure, lang, frame, width))
    return parts
