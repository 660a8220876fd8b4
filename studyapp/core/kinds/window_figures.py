"""The figures of a window sliding over an input (convolution, pooling), from the solver's lists.

One figure per output row: the input planes (padding as its own ring), the kernel planes when
there is a kernel, and the output; one frame per output cell of the row, whose window is the
patch that cell is made from and whose output shows every cell up to it.
"""

from __future__ import annotations

from studyapp.core.bilingual import Text
from studyapp.core.figure import Cells, Frame, Grid, Grids


def plane_names(symbol: str, count: int) -> list[str]:
    return [symbol] if count == 1 else [f"{symbol}[{c}]" for c in range(count)]


def sliding_grids(inputs: list[Grid], kernels: list[Grid], output: Grid) -> list[Grid]:
    """The grids of every row's figure, in order: inputs, kernels, output (shared, not copied)."""
    return [*inputs, *kernels, output]


def row_figure(caption: Text, grids: list[Grid], inputs: int, row: int, stride: int, size: int,
               lines: list[str], marks: list[list[Cells]] | None = None) -> Grids:
    """The figure of output row ``row``: one frame per cell, its ``size``×``size`` window on each
    of the ``inputs`` input planes (``stride`` apart), the cell it makes focused, the output filled
    up to it; ``lines`` are the cells' lines of work, ``marks`` the cells each window picks."""
    out = len(grids) - 1
    width = len(grids[out].values[0])
    frames = []
    for col, text in enumerate(lines):
        windows = [Cells(g, row * stride, col * stride, size, size) for g in range(inputs)]
        frames.append(Frame(windows, Cells(out, row, col), marks[col] if marks else [],
                            row * width + col + 1, text))
    return Grids(caption, grids, frames, out)
