"""Figures of a worked solution, as data: what a step's picture shows, never how it is drawn.

A ``Step`` may carry one figure. The solver builds it from the very lists it computed with (the
padded input, the kernel, the output it filled in), so the picture cannot disagree with the
numbers beside it. The faces draw it: the study screen as coloured text with a second cue
(brackets, bold) for monochrome terminals, the worksheets as inline SVG, Markdown as text grids
(``report.figure_text``, ``report.figure_svg``).

Kinds of figure:

- ``Grids``: matrices side by side (input, kernel, output); each ``Frame`` highlights a window and
  the output cell it makes, so stepping through the frames moves the window across the input while
  the output fills in. Zero padding is its own ring (``Grid.pad``).
- ``Network``: layers of nodes with their values, edges with their weights and, in a backward
  step, the gradient on each edge.
- ``Curve``: a function sampled over a domain, a point on it and the tangent (slope) or secant there.
- ``Bars``: one or more series over the same labels (logits, probabilities, a loss per class).
- ``NumberLine``: values before and after a normalisation, with the mean and ±σ.
- ``Boxes``: boxes on an image, optionally with its S×S grid (IoU overlap, NMS survivors, YOLO cells).

Every figure has a short caption in both languages. Numbers are the solver's floats; the
renderers format them with ``decimals``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from studyapp.core.bilingual import Text


@dataclass(slots=True)
class Cells:
    """A rectangle of cells of grid ``grid`` (an index into ``Grids.grids``); rows and columns
    count from the top-left of the drawn grid, padding included."""

    grid: int
    row: int
    col: int
    height: int = 1
    width: int = 1

    def contains(self, row: int, col: int) -> bool:
        return self.row <= row < self.row + self.height and self.col <= col < self.col + self.width


@dataclass(slots=True)
class Grid:
    """One matrix: ``values`` are the solver's own rows; ``None`` is a cell not computed yet."""

    name: str  # the symbol above it: "x", "w", "a", "x[1]"
    values: Sequence[Sequence[float | None]]  # read only: the solver's rows, never copied
    pad: int = 0  # the outer rings that are zero padding


@dataclass(slots=True)
class Frame:
    """One moment of a ``Grids`` figure: the window(s) read, the cell made from them, the cells
    that win (max pooling), and how much of the output is filled in so far."""

    windows: list[Cells] = field(default_factory=list)
    focus: Cells | None = None
    marks: list[Cells] = field(default_factory=list)
    filled: int | None = None  # output cells shown, row by row; None: all
    text: str = ""  # the line of work this frame illustrates ("a(0,1) = … = −1")


@dataclass(slots=True)
class Grids:
    caption: Text
    grids: list[Grid]
    frames: list[Frame]
    output: int | None = None  # the grid that fills in as the frames go (``Frame.filled``)
    decimals: int = 4


@dataclass(slots=True)
class Node:
    label: str  # "x1", "h2", "ŷ"
    layer: int
    value: float | None = None
    grad: float | None = None  # ∂L/∂(this node), in a backward step


@dataclass(slots=True)
class Edge:
    source: int  # indices into ``Network.nodes``
    target: int
    weight: float | None = None
    grad: float | None = None  # ∂L/∂(this weight), in a backward step


@dataclass(slots=True)
class Network:
    caption: Text
    nodes: list[Node]
    edges: list[Edge]
    backward: bool = False  # gradients flow right to left
    decimals: int = 4


@dataclass(slots=True)
class Curve:
    caption: Text
    name: str  # "σ(x)", "tanh(x)"
    xs: list[float]  # samples of the function over its drawn domain, made by the solver's function
    ys: list[float]
    point: tuple[float, float]
    slope: float | None = None  # the tangent at the point
    secant: tuple[float, float] | None = None  # a second point, for a difference quotient
    decimals: int = 4


@dataclass(slots=True)
class Bars:
    caption: Text
    labels: list[str]
    series: list[tuple[str, list[float]]]  # (name, one value per label)
    focus: int | None = None  # the label that matters (the true class)
    decimals: int = 4


@dataclass(slots=True)
class NumberLine:
    caption: Text
    before: list[float]
    after: list[float]
    mean: float
    std: float
    decimals: int = 4


@dataclass(slots=True)
class Box:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str = ""
    role: str = "box"  # box | truth | kept | dropped | overlap
    score: float | None = None


@dataclass(slots=True)
class Boxes:
    caption: Text
    width: float  # the image, in its own units
    height: float
    boxes: list[Box]
    cells: int = 0  # an S×S grid over the image (YOLO); 0: none
    focus_cell: tuple[int, int] | None = None  # (row, col) of the cell responsible
    decimals: int = 4


Figure = Grids | Network | Curve | Bars | NumberLine | Boxes
FIGURE_TYPES = ("grids", "network", "curve", "bars", "number_line", "boxes")


def figure_type(figure: Figure) -> str:
    """The figure's type name as ``studyapp kinds`` lists it."""
    return {Grids: "grids", Network: "network", Curve: "curve", Bars: "bars",
            NumberLine: "number_line", Boxes: "boxes"}[type(figure)]
