"""The figures of the window, normalisation and box kinds say what the solver computed: every frame
of a convolution sums its window times the kernels to the cell it focuses, a pooling frame's cell
is its window's max or mean, the normalised values are the kind's x̂, the overlap is the
intersection whose ratio to the union is the answer, and the YOLO cell holds the centre."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studyapp.core.figure import Boxes, Grids, NumberLine, figure_type
from studyapp.core.kinds import KINDS
from studyapp.core.library import load_library
from studyapp.core.problems import Problem, generate

SEEDS = range(200)
TEMPLATES = load_library().templates


def templates_of(*kinds: str) -> list:
    found = [t for t in TEMPLATES if t.kind in kinds]
    assert {t.kind for t in found} == set(kinds)  # every kind has a bundled template to test
    return found


def drawn(problem: Problem) -> list:
    """(step index, figure) of every step that carries one."""
    return [(i, step.figure) for i, step in enumerate(problem.steps) if step.figure is not None]


def inside(cells, grid) -> bool:
    return (0 <= cells.row and cells.row + cells.height <= len(grid.values)
            and 0 <= cells.col and cells.col + cells.width <= len(grid.values[0]))


def window_values(grid, cells) -> list[float]:
    return [grid.values[r][c] for r in range(cells.row, cells.row + cells.height)
            for c in range(cells.col, cells.col + cells.width)]


def assert_caption(figure) -> None:
    assert figure.caption.en and figure.caption.zh and figure.caption.en != figure.caption.zh
    assert len(figure.caption.en) <= 80  # short: one line above the figure (conv2d's is 79)


def padded(plane: list[list[float]], p: int) -> list[list[float]]:
    width = len(plane[0]) + 2 * p
    ring = [[0.0] * width for _ in range(p)]
    return [*ring, *[[0.0] * p + [float(v) for v in row] + [0.0] * p for row in plane], *ring]


# --- convolution ---------------------------------------------------------------------------------

@pytest.mark.parametrize("template", templates_of("conv2d", "conv2d_multi"), ids=lambda t: t.id)
def test_every_conv_frame_sums_its_windows_times_the_kernels_to_the_focused_cell(template):
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        multi = template.kind == "conv2d_multi"
        filters = p["kernels"] if multi else [p["kernel"]]
        biases = (p["biases"] or [0.0] * len(filters)) if multi else [p["bias"]]
        maps = problem.answer if multi else [problem.answer]
        c, f, pad, stride = len(p["input"]), len(filters[0][0]), p["padding"], p["stride"]
        figures = drawn(problem)
        # conv2d: one figure per output row; conv2d_multi: one per filter
        assert len(figures) == (len(maps[0]) if not multi else len(filters))
        seen: dict[int, set] = {k: set() for k in range(len(filters))}
        for n, (index, figure) in enumerate(figures):
            assert isinstance(figure, Grids)
            assert_caption(figure)
            k = n if multi else 0
            inputs, kernels = figure.grids[:c], figure.grids[c:2 * c]
            assert figure.output == 2 * c == len(figure.grids) - 1
            out = figure.grids[figure.output]
            for ch, grid in enumerate(inputs):
                assert grid.pad == pad
                assert grid.values == padded(p["input"][ch], pad)
            for ch, grid in enumerate(kernels):
                np.testing.assert_array_equal(grid.values, filters[k][ch])
            np.testing.assert_array_equal(out.values, maps[k])
            lines = problem.steps[index].work.splitlines()
            for frame in figure.frames:
                assert len(frame.windows) == c
                row, col = frame.focus.row, frame.focus.col
                assert frame.focus.grid == figure.output and (row, col) not in seen[k]
                seen[k].add((row, col))
                assert frame.filled == row * len(out.values[0]) + col + 1
                assert frame.text in lines and f"({row},{col})" in frame.text
                z = float(biases[k])
                for ch, window in enumerate(frame.windows):
                    assert window.grid == ch and inside(window, inputs[ch])
                    assert (window.row, window.col, window.height, window.width) == (
                        row * stride, col * stride, f, f)
                    kernel = [v for r in filters[k][ch] for v in r]
                    z += sum(map(float.__mul__, window_values(inputs[ch], window), map(float, kernel)))
                shown = out.values[row][col]
                want = max(z, 0.0) if p["activation"] == "relu" else z
                assert math.isclose(shown, want, rel_tol=1e-9, abs_tol=1e-9), (template.id, seed, row, col)
        for k, cells in seen.items():  # every output cell is made by exactly one frame
            assert len(cells) == len(maps[k]) * len(maps[k][0])


# --- pooling -------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", templates_of("pool2d"), ids=lambda t: t.id)
def test_every_pool_frame_pools_its_window_into_the_focused_cell(template):
    modes = set()
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        mode, size, stride = p["mode"], p["size"], p["stride"]
        modes.add(mode)
        figures = drawn(problem)
        assert len(figures) == len(problem.answer)  # one per output row
        for row, (index, figure) in enumerate(figures):
            assert isinstance(figure, Grids)
            assert_caption(figure)
            x, out = figure.grids[0], figure.grids[figure.output]
            np.testing.assert_array_equal(x.values, p["input"])
            np.testing.assert_array_equal(out.values, problem.answer)
            assert len(figure.frames) == len(problem.answer[0])
            for col, frame in enumerate(figure.frames):
                assert (frame.focus.row, frame.focus.col) == (row, col)
                assert frame.text in problem.steps[index].work.splitlines()
                (window,) = frame.windows
                assert inside(window, x) and (window.row, window.col) == (row * stride, col * stride)
                assert window.height == window.width == size
                values = window_values(x, window)
                shown = out.values[row][col]
                if mode == "max":
                    assert shown == max(values)
                    assert frame.marks
                    for mark in frame.marks:
                        assert mark.grid == 0 and window.contains(mark.row, mark.col)
                        assert x.values[mark.row][mark.col] == shown
                    assert len(frame.marks) == values.count(shown)  # every tied winner is marked
                else:
                    assert math.isclose(shown, sum(values) / len(values), rel_tol=1e-12)
                    assert not frame.marks
    assert modes  # (each template's own modes are exercised)


# --- output size ---------------------------------------------------------------------------------

@pytest.mark.parametrize("template", templates_of("conv_output_size"), ids=lambda t: t.id)
def test_the_output_size_figure_has_one_frame_per_window_position(template):
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        w, f, pad, s = p["input_size"], p["kernel_size"], p["padding"], p["stride"]
        figures = drawn(problem)
        if w + 2 * pad > 40:
            assert figures == []
            continue
        ((_, figure),) = figures
        assert isinstance(figure, Grids)
        assert_caption(figure)
        (axis,), out = figure.grids[0].values, figure.grids[figure.output]
        assert len(axis) == w + 2 * pad and figure.grids[0].pad == pad
        assert axis[:pad] == axis[len(axis) - pad:] == [0.0] * pad
        assert axis[pad:pad + w] == [float(i) for i in range(pad, pad + w)]  # the inputs' indexes
        assert len(figure.frames) == problem.answer == len(out.values[0])
        assert out.values[0][-1] == problem.answer
        for k, frame in enumerate(figure.frames):
            (window,) = frame.windows
            assert (window.row, window.col, window.height, window.width) == (0, k * s, 1, f)
            assert inside(window, figure.grids[0]) and (frame.focus.row, frame.focus.col) == (0, k)
        last = figure.frames[-1].windows[0]
        assert last.col + last.width <= len(axis) < last.col + s + last.width  # no room for one more


def test_small_output_size_problems_draw_their_figure():
    counts = [len(drawn(generate(t, seed))) for t in templates_of("conv_output_size") for seed in SEEDS]
    assert sum(counts) >= 10


# --- batch normalisation ------------------------------------------------------------------------

@pytest.mark.parametrize("template", templates_of("batch_norm", "batch_norm_features"), ids=lambda t: t.id)
def test_the_number_line_shows_the_normalised_values_with_their_mean_and_sigma(template):
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        ((index, figure),) = drawn(problem)
        assert isinstance(figure, NumberLine)
        assert_caption(figure)
        step = problem.steps[index]
        assert step.title.en == "Normalise"
        if template.kind == "batch_norm":
            x, normalised = p["x"], step.result
        else:  # feature 0, down the first column
            x, normalised = [row[0] for row in p["x"]], [row[0] for row in step.result]
        np.testing.assert_array_equal(figure.before, x)
        assert math.isclose(figure.mean, float(np.mean(x)), rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(figure.std, float(np.std(x)), rel_tol=1e-12)
        # the kind's x̂ = (x − μ) / √(σ² + ε)
        want = (np.asarray(x, dtype=float) - np.mean(x)) / np.sqrt(np.var(x) + p["eps"])
        np.testing.assert_allclose(figure.after, want, rtol=1e-9, atol=1e-12)
        assert figure.after == normalised


# --- boxes ---------------------------------------------------------------------------------------

def area(box) -> float:
    return (box.x2 - box.x1) * (box.y2 - box.y1)


@pytest.mark.parametrize("template", templates_of("iou_nms"), ids=lambda t: t.id)
def test_the_boxes_figure_shows_the_overlap_and_the_nms_survivors(template):
    modes = set()
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        modes.add(p["mode"])
        ((_, figure),) = drawn(problem)
        assert isinstance(figure, Boxes)
        assert_caption(figure)
        for box in figure.boxes:
            assert box.x2 <= figure.width and box.y2 <= figure.height
        if p["mode"] == "iou":
            a, b, overlap = figure.boxes
            assert (a.role, b.role, overlap.role) == ("box", "box", "overlap")
            for box, given in zip((a, b), p["boxes"], strict=True):
                assert [box.x1, box.y1, box.x2, box.y2] == [float(v) for v in given]
            assert [overlap.x1, overlap.y1, overlap.x2, overlap.y2] == [
                max(a.x1, b.x1), max(a.y1, b.y1), min(a.x2, b.x2), min(a.y2, b.y2)]
            inter = area(overlap)
            assert math.isclose(problem.answer, inter / (area(a) + area(b) - inter), rel_tol=1e-12)
        else:
            assert sorted(box.label for box in figure.boxes) == [str(i) for i in range(len(p["boxes"]))]
            for box in figure.boxes:
                i = int(box.label)
                assert [box.x1, box.y1, box.x2, box.y2] == [float(v) for v in p["boxes"][i]]
                assert box.score == p["scores"][i]
                assert box.role == ("kept" if problem.answer[i] else "dropped")
            roles = [box.role for box in figure.boxes]
            assert roles == sorted(roles, key="dropped kept".split().index)  # kept drawn on top
    assert modes == {"iou", "nms"}


@pytest.mark.parametrize("template", templates_of("yolo_grid"), ids=lambda t: t.id)
def test_the_yolo_figure_focuses_the_cell_holding_the_centre(template):
    cells = 0
    for seed in SEEDS:
        problem = generate(template, seed)
        p = problem.params
        figures = drawn(problem)
        if p["mode"] != "cell":
            assert figures == []
            continue
        cells += 1
        ((_, figure),) = figures
        assert isinstance(figure, Boxes)
        assert_caption(figure)
        s = p["grid"]
        assert (figure.cells, figure.width, figure.height) == (s, p["image_width"], p["image_height"])
        assert figure.focus_cell == (problem.answer["row"], problem.answer["col"])
        (box,) = figure.boxes
        cx, cy = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
        assert (cx, cy) == (p["x"], p["y"])
        row, col = figure.focus_cell
        assert col * figure.width / s <= cx < (col + 1) * figure.width / s
        assert row * figure.height / s <= cy < (row + 1) * figure.height / s
    assert cells


# --- what each kind declares ---------------------------------------------------------------------

WINDOW_KINDS = ("conv2d", "conv2d_multi", "pool2d", "conv_output_size", "batch_norm",
                "batch_norm_features", "iou_nms", "yolo_grid")


@pytest.mark.parametrize("kind", WINDOW_KINDS)
def test_each_kind_draws_every_figure_type_it_declares_with_captions_in_both_languages(kind):
    declared = KINDS[kind].figures
    assert declared  # each of these kinds has figures to declare
    seen = set()
    for template in templates_of(kind):
        for seed in SEEDS:
            for _, figure in drawn(generate(template, seed)):
                seen.add(figure_type(figure))
                assert_caption(figure)
    assert seen == set(declared)  # every declared type is drawn, and nothing undeclared
