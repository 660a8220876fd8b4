"""Worked solutions as structured steps, rendered for the terminal and Markdown.

A step says what is computed (``title``), the formula in symbols, the numbers
substituted (``work``) and the result, so that a learner can follow every
intermediate value the way a textbook example does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.figure import Figure
from studyapp.core.numfmt import depth, grid, num, vec


@dataclass(slots=True)  # not frozen: a frozen __init__ costs 3× more, and steps are made in bulk
class Step:
    title: Text
    formula: str = ""
    work: str = ""
    result: Any = None
    note: Text | None = None
    decimals: int = 4
    figure: Figure | None = None  # what the step looks like (``core.figure``), drawn by the faces

    def to_dict(self, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title[lang == "zh"]}
        if self.formula:
            out["formula"] = self.formula
        if self.work:
            out["work"] = self.work
        if self.result is not None:
            out["result"] = self.result
        if self.note is not None:
            out["note"] = self.note.get(lang)
        return out

    def result_lines(self) -> list[str]:
        if self.result is None:
            return []
        d = depth(self.result)
        if d >= 3:
            lines: list[str] = []
            for index, plane in enumerate(self.result):
                lines.append(f"[{index}]")
                lines.extend(grid(plane, self.decimals))
            return lines
        if d == 2:
            return grid(self.result, self.decimals)
        if d == 1:
            return [vec(self.result, self.decimals)]
        return [num(self.result, self.decimals)]


def render_text(steps: list[Step], lang: str = "en", start: int = 1,
                figure_text: Callable[[Figure, str], str] | None = None) -> str:
    """Steps as indented terminal text, numbered from ``start``; matrices as aligned grids; each
    figure under its step when a face passes ``figure_text`` (see ``render_markdown``)."""
    out: list[str] = []
    for number, step in enumerate(steps, start):
        out.append(f"{number}. {step.title.get(lang)}")
        for line in (step.formula, step.work):
            for part in line.splitlines():
                out.append(f"   {part}")
        result = step.result_lines()
        if len(result) == 1 and (step.formula or step.work):
            out.append(f"   = {result[0]}")
        else:
            out.extend(f"   {line}" for line in result)
        if step.note is not None:
            out.append(f"   ({step.note.get(lang)})")
        if figure_text is not None and step.figure is not None:
            out += [f"   {line}".rstrip() for line in figure_text(step.figure, lang).splitlines()]
    return "\n".join(out)


def render_markdown(steps: list[Step], lang: str = "en",
                    figure_text: Callable[[Figure, str], str] | None = None) -> str:
    """Steps as a numbered Markdown list; symbols and grids in code spans/blocks. A face that
    draws figures as text passes ``figure_text(figure, lang)``: each figure follows its step in a
    code block of its own (the core describes figures, it does not draw them)."""
    out: list[str] = []
    for number, step in enumerate(steps, 1):
        out.append(f"{number}. **{step.title.get(lang)}**")
        lines = [*step.formula.splitlines(), *step.work.splitlines()]
        result = step.result_lines()
        if len(result) == 1 and lines:
            lines.append(f"= {result[0]}")
        else:
            lines.extend(result)
        if lines:
            out.append("")
            out.append("   ```text")
            out.extend(f"   {line}" for line in lines)
            out.append("   ```")
        if step.note is not None:
            out.append("")
            out.append(f"   *{step.note.get(lang)}*")
        if figure_text is not None and step.figure is not None:
            out += ["", "   ```text", *(f"   {line}".rstrip() for line in
                                       figure_text(step.figure, lang).splitlines()), "   ```"]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
