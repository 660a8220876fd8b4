"""Which kinds draw figures: the kinds where a picture teaches must keep them, and what a kind
declares (``Kind.figures``, listed by ``studyapp kinds``) is what its solutions carry."""

from __future__ import annotations

import json

import pytest

from studyapp.core.figure import figure_type
from studyapp.core.kinds import KINDS
from studyapp.core.library import load_library
from studyapp.core.problems import generate
from tests.cli_run import run

MUST_DRAW = {  # the kinds where a picture teaches, and the figure each needs at least
    "conv2d": "grids", "conv2d_multi": "grids", "pool2d": "grids", "conv_output_size": "grids",
    "backprop_step": "network", "mlp_forward": "network", "activation": "curve",
    "softmax": "bars", "softmax_cross_entropy": "bars", "batch_norm": "number_line",
    "batch_norm_features": "number_line", "iou_nms": "boxes", "yolo_grid": "boxes",
    "inception_cost": "grids",  # the receptive field of stacked 3×3 convolutions
}
TEMPLATES = load_library().templates


@pytest.mark.parametrize("kind", sorted(MUST_DRAW))
def test_a_kind_where_a_picture_teaches_keeps_its_figures(kind):
    assert MUST_DRAW[kind] in KINDS[kind].figures
    drawn = {figure_type(step.figure) for t in TEMPLATES if t.kind == kind
             for seed in range(20) for step in generate(t, seed).steps if step.figure is not None}
    assert MUST_DRAW[kind] in drawn


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_kind_draws_exactly_the_figures_it_declares(kind):
    drawn = {figure_type(step.figure) for t in TEMPLATES if t.kind == kind
             for seed in range(30) for step in generate(t, seed).steps if step.figure is not None}
    if any(t.kind == kind for t in TEMPLATES):
        assert drawn == set(KINDS[kind].figures)
    for t in TEMPLATES:
        if t.kind == kind:
            for step in generate(t, 1).steps:
                if step.figure is not None:
                    assert step.figure.caption.en and step.figure.caption.zh


def test_studyapp_kinds_says_which_kinds_draw_figures(capsys):
    code, out, _ = run(capsys, "kinds", "--format", "json")
    assert code == 0
    listed = {k["kind"]: k["figures"] for k in json.loads(out)["kinds"]}
    assert listed == {name: list(kind.figures) for name, kind in KINDS.items()}
    code, out, _ = run(capsys, "kinds")
    assert "conv2d: " in out and "    figures: grids" in out.split("conv2d: ", 1)[1].split("\n\n")[0]


def test_the_receptive_field_of_stacked_3x3_grows_by_two_per_layer_to_the_kernel_it_replaces():
    seen = 0
    for t in TEMPLATES:
        if t.kind != "inception_cost":
            continue
        for seed in range(100):
            problem = generate(t, seed)
            figures = [s.figure for s in problem.steps if s.figure is not None]
            if problem.params["mode"] != "stacked_3x3":
                assert figures == []
                continue
            seen += 1
            f, [figure] = problem.params["kernel_size"], figures
            assert len(figure.grids[0].values) == f and len(figure.frames) == (f - 1) // 2
            for k, frame in enumerate(figure.frames, 1):
                [window] = frame.windows
                assert window.height == window.width == 2 * k + 1
                assert window.row == window.col == (f - window.width) // 2  # centred on the output
            assert figure.frames[-1].windows[0].width == f  # the whole kernel it replaces
    assert seen >= 10
