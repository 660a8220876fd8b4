"""Figures as text: brackets mark the window and the cell it makes, ``·`` the cells not yet
worked out, ``*`` a winner; the grids fit the width they are given; CJK captions count double."""

from __future__ import annotations

import pytest

from studyapp.core.bilingual import Text
from studyapp.core.figure import Bars, Box, Boxes, Cells, Curve, Frame, Grid, Grids, NumberLine
from studyapp.core.library import load_library
from studyapp.core.problems import generate
from studyapp.report.figure_text import cells, figure_lines, figure_text, frame_count, plain

CAPTION = Text("a caption", "图注")


def conv_figures(seed: int) -> list[Grids]:
    template = next(t for t in load_library().templates if t.kind == "conv2d")
    steps = generate(template, seed).steps
    return [s.figure for s in steps if isinstance(s.figure, Grids)]


def test_the_window_and_its_cell_are_bracketed_and_later_cells_are_dots():
    x = Grid("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    a = Grid("a", [[10.0, 20.0], [30.0, 40.0]])
    frame = Frame([Cells(0, 0, 1, 2, 2)], Cells(1, 0, 1), filled=2, text="a(0,1)")
    figure = Grids(CAPTION, [x, a], [frame], 1)
    text = figure_text(figure, "en")
    lines = text.splitlines()
    assert lines[0] == "a caption" and lines[-1] == "a(0,1)"
    assert lines[2:5] == [" 1[2 3]    10[20]", " 4[5 6]     ·  ·", " 7 8 9"]


def test_a_winner_is_starred_and_padding_is_its_own_role():
    x = Grid("x", [[0.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0]], pad=1)
    figure = Grids(CAPTION, [x], [Frame([Cells(0, 0, 0, 2, 2)], marks=[Cells(0, 1, 1)])])
    lines = figure_lines(figure, "en")
    roles = {text.strip(): role for line in lines for text, role in line if text.strip()}
    assert roles["5*"] == "mark"
    pad_roles = [role for text, role in lines[4] if text.strip() == "0"]  # below the window
    assert pad_roles[0] == "pad" and figure_text(figure, "en").splitlines()[1] == "x (+1 pad)"


@pytest.mark.parametrize("seed", range(20))
def test_conv_frames_walk_the_output_row_and_fit_the_width(seed):
    for figure in conv_figures(seed):
        assert frame_count(figure) == len(figure.frames) >= 1
        for index, frame in enumerate(figure.frames):
            for width in (76, 100):
                text = figure_text(figure, "zh", index, width)
                assert max(cells(line) for line in text.splitlines()[1:-1]) <= width
            assert frame.focus is not None and figure.frames[0].focus is not None
            assert frame.focus.col == index and frame.focus.row == figure.frames[0].focus.row


def test_other_figures_draw_their_parts_with_characters():
    curve = Curve(CAPTION, "σ(x)", [-2.0, -1.0, 0.0, 1.0, 2.0], [0.12, 0.27, 0.5, 0.73, 0.88],
                  (0.0, 0.5), slope=0.25)
    text = figure_text(curve, "en")
    assert text.count("O") >= 2 and "*" in text and "." in text and "tangent, slope 0.25" in text
    bars = Bars(CAPTION, ["cat", "dog"], [("logit", [2.0, 1.0]), ("p", [0.7311, 0.2689])], focus=0)
    text = figure_text(bars, "en")
    assert "> cat" in text and "#" in text and "=" in text and "0.7311" in text
    line = NumberLine(CAPTION, [1.0, 2.0, 3.0], [-1.2247, 0.0, 1.2247], 2.0, 0.8165)
    text = figure_text(line, "zh")
    assert "之前" in text and "|" in text and "[" in text and "]" in text and "o" in text
    boxes = Boxes(CAPTION, 10, 10, [Box(1, 1, 6, 6, "A", "kept", 0.9), Box(4, 4, 9, 9, "B", "dropped", 0.8),
                                    Box(4, 4, 6, 6, "A∩B", "overlap")])
    text = figure_text(boxes, "en")
    assert "#" in text and ":" in text and "%" in text and "score 0.9" in text and "[dropped]" in text
    cells_ = Boxes(CAPTION, 416, 416, [Box(141, 149, 141, 149, "centre", "truth")], cells=13,
                   focus_cell=(4, 4))
    lines = figure_text(cells_, "en").splitlines()
    assert len(lines) == 1 + 13 + 2 and lines[5] == "  . . . . []. . . . . . . ."
    assert lines[-1].endswith("cell (row, col) = (4, 4)   416×416, 13×13")


def test_cjk_text_counts_two_cells():
    assert cells("图注") == 4 and cells("ab") == 2 and plain([("图", ""), ("x", "")]) == "图x"


def test_a_network_lists_its_values_and_tabulates_the_weights_into_each_layer():
    from studyapp.core.figure import Edge, Network, Node

    nodes = [Node("x1", 0, 0.5), Node("x2", 0, -1.0), Node("o", 1, 0.25, grad=-0.1)]
    edges = [Edge(0, 2, 0.3, -0.05), Edge(1, 2, -0.2, 0.1)]
    lines = figure_text(Network(CAPTION, nodes, edges, backward=True), "en").splitlines()
    assert lines[1:] == ["L0: x1 = 0.5   x2 = -1", "L1: o = 0.25  ∂ -0.1",
                         "  ∂L/∂w →           x1          x2",
                         "  o        0.3 (-0.05)  -0.2 (0.1)"]
