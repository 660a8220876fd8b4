"""The figures of a window sliding over an input (convolution, pooling), from the solver's lists.

A figure shows the input planes (padding as its own ring), the kernel planes when there is a
kernel, and the output; one frame per output cell, whose window is the patch that cell is made
from and whose output shows every cell up to it. A figure covers one output row (``row_figure``,
conv2d and pool2d work a row per step) or a whole map (``map_figure``, conv2d_multi works a
filter per step); ``axis_figure`` is the one-dimensional case, the window's positions along one
padded axis (conv_output_size).
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
    filled = row * len(grids[out].values[0]) + 1
    top = row * stride
    frames = []
    for col, text in enumerate(lines):  # a plain loop: generation builds these for every problem
        left = col * stride
        windows = ([Cells(0, top, left, size, size)] if inputs == 1
                   else [Cells(g, top, left, size, size) for g in range(inputs)])
        frames.append(Frame(windows, Cells(out, row, col), marks[col] if marks else [], filled + col, text))
    return Grids(caption, grids, frames, out)


Place = tuple[list[Cells], Cells, int]  # a frame's windows, its focused cell, the cells filled


def map_places(inputs: int, rows: int, cols: int, stride: int, size: int) -> list[Place]:
    """Where each cell of a ``rows``×``cols`` output map (the grid after ``inputs`` input planes
    and as many kernel planes) reads its windows, row by row; the same for every filter, so the
    frames of all the filters' figures share them."""
    out = 2 * inputs
    return [([Cells(g, i * stride, j * stride, size, size) for g in range(inputs)], Cells(out, i, j),
             i * cols + j + 1) for i in range(rows) for j in range(cols)]


def map_figure(caption: Text, grids: list[Grid], places: list[Place], lines: list[str]) -> Grids:
    """The figure of a whole output map: one frame per cell at its ``places`` entry, row by row
    (``lines`` in that order), each as in ``row_figure``."""
    frames = [Frame(windows, focus, [], filled, text)
              for (windows, focus, filled), text in zip(places, lines, strict=True)]
    return Grids(caption, grids, frames, len(grids) - 1)


def axis_figure(caption: Text, padded: list[float | None], pad: int, stride: int, size: int,
                output: Grid, lines: list[str]) -> Grids:
    """A ``size``-wide window at ``stride`` along one padded axis (a grid ``x`` of one row, ``pad``
    cells of padding at each end), one frame per position, and the ``output`` row filling in."""
    frames = [Frame([Cells(0, 0, k * stride, 1, size)], Cells(1, 0, k), [], k + 1, text)
              for k, text in enumerate(lines)]
    return Grids(caption, [Grid("x", [padded], pad), output], frames, 1)
