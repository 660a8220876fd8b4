"""The vision kinds: conv2d_multi, fc_vs_conv_params, iou_nms, yolo_grid, inception_cost.

Every answer is checked against an independent computation (explicit loops, rasterised boxes,
parameter tensors' sizes, cell ranges), against worked cases from the seed notes and the papers,
and every encoded mistake is recognised when made.
"""

from __future__ import annotations

import json
import math

import numpy as np
import orjson
import pytest

from studyapp.core.diagnosis import matches
from studyapp.core.kinds.base import Knobs, ParamError
from studyapp.core.kinds.conv2d_multi import KIND as CONV2D_MULTI
from studyapp.core.kinds.fc_vs_conv_params import KIND as FC_VS_CONV_PARAMS
from studyapp.core.kinds.inception_cost import KIND as INCEPTION_COST
from studyapp.core.kinds.iou_nms import KIND as IOU_NMS
from studyapp.core.kinds.yolo_grid import KIND as YOLO_GRID
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import default_tolerance, grade_answer
from studyapp.core.steps import render_markdown, render_text

# in the registry's order
KINDS_VISION = (CONV2D_MULTI, FC_VS_CONV_PARAMS, IOU_NMS, YOLO_GRID, INCEPTION_COST)
SWEEP = range(1000)


def gen(kind, seed, **knobs):
    return kind.generate(Knobs(kind, knobs, np.random.PCG64(seed)))


def flat(answer):
    if isinstance(answer, dict):
        return [v for part in answer.values() for v in np.ravel(part).tolist()]
    return np.ravel(answer).tolist()


# --- independent computations ----------------------------------------------------------------

def conv_by_loops(p):
    """Cross-correlation with explicit loops over filters, positions, channels and kernel cells."""
    x = np.asarray(p["input"], dtype=float)
    w = np.asarray(p["kernels"], dtype=float)
    b = [0.0] * len(w) if p["biases"] is None else p["biases"]
    s, pd = p["stride"], p["padding"]
    c, h, wid = x.shape
    f = w.shape[2]
    xp = np.zeros((c, h + 2 * pd, wid + 2 * pd))
    xp[:, pd:pd + h, pd:pd + wid] = x
    rows = list(range(0, h + 2 * pd - f + 1, s))
    cols = list(range(0, wid + 2 * pd - f + 1, s))
    out = np.zeros((len(w), len(rows), len(cols)))
    for k in range(len(w)):
        for i, r in enumerate(rows):
            for j, q in enumerate(cols):
                total = float(b[k])
                for ch in range(c):
                    for u in range(f):
                        for v in range(f):
                            total += w[k, ch, u, v] * xp[ch, r + u, q + v]
                out[k, i, j] = max(total, 0.0) if p["activation"] == "relu" else total
    return out


def raster(box):
    """The unit cells a box with integer corners covers, on a 0..20 grid."""
    grid = np.zeros((20, 20), dtype=bool)
    x1, y1, x2, y2 = (int(v) for v in box)
    grid[y1:y2, x1:x2] = True
    return grid


def iou_raster(a, b):
    ga, gb = raster(a), raster(b)
    return (ga & gb).sum() / (ga | gb).sum()


def nms_reference(boxes, scores, t):
    """A box survives when no surviving, more confident box overlaps it by IoU > t."""
    kept = []
    for i in sorted(range(len(boxes)), key=lambda i: (-scores[i], i)):
        if all(iou_raster(boxes[i], boxes[j]) <= t for j in kept):
            kept.append(i)
    return [int(i in kept) for i in range(len(boxes))]


def conv_weights(f_h, f_w, c_in, c_out, bias):
    """Parameter count from the shapes of the weight tensor and the bias vector."""
    return np.zeros((c_out, c_in, f_h, f_w)).size + (np.zeros(c_out).size if bias else 0)


# --- sweeps with the default knobs ------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS_VISION, ids=lambda k: k.name)
def test_sweep_default_knobs(kind):
    for seed in SWEEP:
        params = gen(kind, seed)
        validated = kind.validate(json.loads(json.dumps(params)))
        solution = kind.solve(validated)
        values = flat(solution.answer)
        assert values and all(math.isfinite(v) for v in values), (seed, params)
        if kind.exact:
            assert all(float(v).is_integer() for v in values), (seed, params)
        assert solution.answer == kind.solve(params).answer  # raw and validated params agree
        orjson.dumps({"params": params, "answer": solution.answer,
                      "solution": [s.to_dict("en") for s in solution.steps]})
        if seed < 50:
            for lang in ("en", "zh"):
                assert kind.prompt(validated, lang, kind.decimals)
                render_text(solution.steps, lang)
                render_markdown(solution.steps, lang)


def test_sweep_sizes_stay_hand_workable():
    shapes = set()
    for seed in SWEEP:
        p = gen(CONV2D_MULTI, seed)
        k, c, f = len(p["kernels"]), len(p["input"]), len(p["kernels"][0][0])
        answer = CONV2D_MULTI.solve(p).answer
        shape = np.shape(answer)
        assert shape == CONV2D_MULTI.out_shape(p)
        assert c <= 2 and k <= 2 and 2 <= shape[1] <= 3 and 2 <= shape[2] <= 3, p
        assert (len(p["input"][0]) - f + 2 * p["padding"]) % p["stride"] == 0
        assert all(any(v for plane in filt for row in plane for v in row) for filt in p["kernels"])
        shapes.add(shape)
    assert shapes == {(2, 2, 2), (2, 3, 3)}


def test_sweep_boxes_and_cells():
    modes = set()
    for seed in SWEEP:
        p = gen(IOU_NMS, seed)
        modes.add(p["mode"])
        answer = IOU_NMS.solve(p).answer
        for x1, y1, x2, y2 in p["boxes"]:
            assert x2 > x1 and y2 > y1 and min(x1, y1) >= 0 and max(x2, y2) <= 10
        if p["mode"] == "iou":
            assert 0 < answer < 1, p  # the boxes overlap, and are not the same box
        else:
            n = len(p["boxes"])
            assert 3 <= n <= 5 and len(set(p["scores"])) == n
            assert 2 <= sum(answer) < n  # something is suppressed, something besides the best is kept
            pairs = [iou_raster(p["boxes"][i], p["boxes"][j]) for i in range(n) for j in range(i + 1, n)]
            assert all(v == 0 or abs(v - p["threshold"]) >= 0.05 for v in pairs)  # no coin tosses
        y = gen(YOLO_GRID, seed)
        modes.add(y["mode"])
        if y["mode"] == "cell":
            cw, ch = y["image_width"] / y["grid"], y["image_height"] / y["grid"]
            assert cw.is_integer() and ch.is_integer()
            assert y["x"] % cw != 0 and y["y"] % ch != 0  # never on a grid line
            a = YOLO_GRID.solve(y).answer
            assert 0 <= a["row"] < y["grid"] and 0 <= a["col"] < y["grid"]
        fc = gen(FC_VS_CONV_PARAMS, seed)
        assert fc["padding"] <= fc["kernel_size"] // 2  # at most "same" padding
        assert (fc["input_size"] - fc["kernel_size"] + 2 * fc["padding"]) % fc["stride"] == 0
        i = gen(INCEPTION_COST, seed)
        modes.add(i["mode"])
        a = INCEPTION_COST.solve(i).answer
        assert a["factored"] < a["direct"], i  # every default factorisation saves parameters
        if i["mode"] == "bottleneck":
            assert i["reduce_channels"] < i["in_channels"]
    assert modes == {"iou", "nms", "cell", "depth", "total", "stacked_3x3", "asymmetric", "bottleneck"}


# --- conv2d_multi ----------------------------------------------------------------------------

@pytest.mark.parametrize("knobs", [{}, {"channels": 1}, {"channels": 1, "filters": 1},
                                   {"input_size": [5, 6, 7], "kernel_size": [1, 2, 3], "stride": [1, 2, 3],
                                    "padding": [0, 1, 2], "values": {"min": -2, "max": 2, "step": 0.5},
                                    "bias": {"min": -1, "max": 1, "step": 0.25}}])
def test_conv2d_multi_matches_loops(knobs):
    for seed in range(200):
        p = gen(CONV2D_MULTI, seed, **knobs)
        assert np.allclose(CONV2D_MULTI.solve(p).answer, conv_by_loops(p), rtol=0, atol=1e-12)


def test_conv2d_multi_seed_five_by_five_example():
    # Seed 002, 3.2.3: a 5×5 image and a 3×3 filter; a(0,0) = 1+0+1+0+1+0+0+0+1 = 4 (ReLU, bias 0).
    image = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    raw = {"input": image, "kernels": [kernel], "biases": [0], "activation": "relu"}
    p = CONV2D_MULTI.validate(raw)
    solution = CONV2D_MULTI.solve(p)
    assert solution.answer == [[[4, 3, 4], [2, 4, 3], [2, 3, 4]]]
    first = solution.steps[1].work.splitlines()[0]
    assert first == "a₀(0,0) = 1·1 + 0·1 + 1·1 + 0·0 + 1·1 + 0·1 + 1·0 + 0·0 + 1·1 + 0 = 4, ReLU(4) = 4"
    # The same with stride 2: (5 − 3 + 0)/2 + 1 = 2, the seed's own size example.
    assert CONV2D_MULTI.solve(CONV2D_MULTI.validate({**raw, "stride": 2})).answer == [[[4, 4], [2, 4]]]


def test_conv2d_multi_seed_two_filter_volume():
    # Seed 002: "7×7×3 input, two 3×3×3 filters, stride 2 → 3×3×2, zero padding 1". The 7×7×3 is the
    # padded volume of a 5×5×3 input; a literal 7×7×3 input padded by 1 gives 4×4×2 instead.
    rng = np.random.default_rng(0)
    kernels = rng.integers(-1, 2, (2, 3, 3, 3)).tolist()
    for size, expected in ((5, (2, 3, 3)), (7, (2, 4, 4))):
        p = CONV2D_MULTI.validate({"input": rng.integers(0, 3, (3, size, size)).tolist(), "kernels": kernels,
                                   "biases": [1, 0], "stride": 2, "padding": 1})
        answer = CONV2D_MULTI.solve(p).answer
        assert np.shape(answer) == expected == CONV2D_MULTI.out_shape(p)
        assert np.allclose(answer, conv_by_loops(p))
        assert f"K×H₂×W₂ = {expected[0]}×{expected[1]}×{expected[2]}" in CONV2D_MULTI.prompt(p, "en", 4)


def test_conv2d_multi_filter_as_matrix_when_one_channel():
    p = CONV2D_MULTI.validate({"input": [[1, 2], [3, 4]], "kernels": [[[1, 0], [0, 1]], [[0, 1], [1, 0]]]})
    assert np.shape(p["kernels"]) == (2, 1, 2, 2)
    assert CONV2D_MULTI.solve(p).answer == [[[5]], [[5]]]


@pytest.mark.parametrize("raw, message", [
    ({"input": [[1, 2], [3, 4]], "kernels": [[[[1]]], [[[1, 2]]]]}, "K filters of one shape"),
    ({"input": [[1, 2], [3, 4]], "kernels": 3}, "K filters of one shape"),
    ({"input": [[[1, 2], [3, 4]], [[1, 2], [3, 4]]], "kernels": [[[1]]]},
     "the filters have 1 channels but the input has 2"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1, 2]]]}, "the filters must be square (got 1×2)"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1]], [[2]]], "biases": [1]},
     "there are 2 filters but 1 biases"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1]]], "stride": 0}, "stride must be at least 1 (got 0)"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1]]], "padding": -1}, "padding must be 0 or more (got -1)"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1, 1, 1]] * 3]},
     "kernel size 3 is larger than the padded input"),
    ({"input": [[1, 2], [3, 4]]}, "missing param 'kernels'"),
    ({"input": [[1, 2], [3, 4]], "kernels": [[[1]]], "colour": 1}, "unknown param 'colour'"),
    ([1, 2], "must be a JSON object"),
])
def test_conv2d_multi_check(raw, message):
    with pytest.raises(ParamError, match=None) as err:
        CONV2D_MULTI.validate(raw)
    assert message in str(err.value)


# --- fc_vs_conv_params -----------------------------------------------------------------------

def test_fc_vs_conv_against_weight_tensors():
    for seed in range(300):
        for bias in (True, False):
            p = gen(FC_VS_CONV_PARAMS, seed, bias=bias)
            n, f, s, pd = p["input_size"], p["kernel_size"], p["stride"], p["padding"]
            n2 = len(range(0, n + 2 * pd - f + 1, s))
            n_in, n_out = n * n * p["in_channels"], n2 * n2 * p["out_channels"]
            fc = np.zeros((n_out, n_in)).size + (n_out if bias else 0)
            conv = conv_weights(f, f, p["in_channels"], p["out_channels"], bias)
            assert FC_VS_CONV_PARAMS.solve(p).answer == {"conv": conv, "fc": fc}


def test_fc_vs_conv_seed_example():
    # Seed 002: two 3×3×3 filters have (3·3·3 + 1)·2 = 56 parameters; the fully connected layer from the
    # 5×5×3 input to the 3×3×2 output has 75·18 + 18.
    p = FC_VS_CONV_PARAMS.validate({"input_size": 5, "in_channels": 3, "kernel_size": 3, "out_channels": 2,
                                    "stride": 2, "padding": 1})
    solution = FC_VS_CONV_PARAMS.solve(p)
    assert solution.answer == {"conv": 56, "fc": 1368}
    dense, local, shared, ratio = solution.steps[-4:]
    assert (dense.work, dense.result) == ("75·18", 1350)
    assert (local.work, local.result) == ("27·18", 486)
    assert (shared.work, shared.result) == ("27·2", 54)
    assert ratio.result == pytest.approx(1368 / 56)


@pytest.mark.parametrize("raw, message", [
    ({"input_size": 5, "in_channels": 0, "kernel_size": 3, "out_channels": 2},
     "in_channels must be at least 1"),
    ({"input_size": 5, "in_channels": 3, "kernel_size": 3, "out_channels": 0},
     "out_channels must be at least 1"),
    ({"input_size": 5, "in_channels": 3, "kernel_size": 9, "out_channels": 2}, "kernel size 9 is larger"),
    ({"input_size": 5, "in_channels": 3, "kernel_size": 3, "out_channels": 2, "stride": 0},
     "stride must be at least 1 (got 0)"),
    ({"input_size": 100000, "in_channels": 512, "kernel_size": 3, "out_channels": 512}, "2⁵³"),
])
def test_fc_vs_conv_check(raw, message):
    with pytest.raises(ParamError) as err:
        FC_VS_CONV_PARAMS.validate(raw)
    assert message in str(err.value)


# --- iou_nms ---------------------------------------------------------------------------------

def test_iou_against_rasterised_boxes():
    for seed in range(300):
        p = gen(IOU_NMS, seed, mode="iou")
        assert IOU_NMS.solve(p).answer == pytest.approx(iou_raster(*p["boxes"]), abs=1e-12)


def test_nms_against_reference():
    for seed in range(300):
        p = gen(IOU_NMS, seed, mode="nms", threshold=[0.3, 0.4, 0.5, 0.6, 0.7])
        assert IOU_NMS.solve(p).answer == nms_reference(p["boxes"], p["scores"], p["threshold"])


def test_iou_hand_cases():
    def value(a, b):
        return IOU_NMS.solve(IOU_NMS.validate({"boxes": [a, b]})).answer

    assert value([0, 0, 2, 2], [1, 1, 3, 3]) == pytest.approx(1 / 7)
    assert value([0, 0, 4, 4], [0, 0, 4, 4]) == 1
    assert value([0, 0, 1, 1], [2, 2, 3, 3]) == 0
    assert value([0, 0, 2, 2], [2, 0, 4, 2]) == 0  # touching edges do not overlap
    assert value([0, 0, 4, 2], [1, 0, 2, 2]) == pytest.approx(0.25)  # one box inside the other


def test_nms_hand_case_needs_sorting_and_greed():
    # Box 1 is the most confident and suppresses box 0 (IoU 12/20 = 0.6). Box 0 overlaps box 2 by 0.6 too,
    # but it is gone, so it suppresses nothing; box 2 overlaps box 1 by 8/24 = 0.33 only and stays.
    boxes = [[2, 0, 10, 2], [0, 0, 8, 2], [4, 0, 12, 2]]
    raw = {"mode": "nms", "boxes": boxes, "scores": [0.8, 0.9, 0.7], "threshold": 0.5}
    p = IOU_NMS.validate(raw)
    assert IOU_NMS.solve(p).answer == [0, 1, 1] == nms_reference(boxes, raw["scores"], 0.5)
    answers = {m.tag: m.answer for m in IOU_NMS.mistakes(p)}
    assert answers == {"nms.unsorted": [1, 0, 0], "nms.suppressed_box_suppresses": [0, 1, 0],
                       "nms.suppressed_below": [1, 1, 0]}


@pytest.mark.parametrize("raw, message", [
    ({"boxes": [[0, 0, 2, 2]]}, "mode 'iou' takes exactly 2 boxes (got 1)"),
    ({"boxes": [[0, 0, 2, 2], [3, 0, 1, 2]]}, "box 1 = [3, 0, 1, 2] is empty"),
    ({"boxes": [[0, 0, 2], [1, 1, 3]]}, "each box must be 4 numbers"),
    ({"mode": "nms", "boxes": [[0, 0, 2, 2], [1, 1, 3, 3]]}, "needs the boxes' confidence scores"),
    ({"mode": "nms", "boxes": [[0, 0, 2, 2], [1, 1, 3, 3]], "scores": [0.9]}, "2 boxes but 1 scores"),
    ({"mode": "nms", "boxes": [[0, 0, 2, 2], [1, 1, 3, 3]], "scores": [0.9, 0.8], "threshold": 1.5},
     "threshold must be an IoU between 0 and 1 (got 1.5)"),
    ({"mode": "nms", "boxes": [[0, 0, 2, 2]], "scores": [0.9]}, "needs at least 2 boxes"),
    ({"mode": "box", "boxes": [[0, 0, 2, 2]]}, "must be one of iou, nms"),
])
def test_iou_nms_check(raw, message):
    with pytest.raises(ParamError) as err:
        IOU_NMS.validate(raw)
    assert message in str(err.value)


# --- yolo_grid -------------------------------------------------------------------------------

def test_yolo_cell_against_pixel_ranges():
    for seed in range(300):
        p = gen(YOLO_GRID, seed, mode="cell", grid=[2, 3, 5, 7, 13], cell_width=[16, 24, 64],
                cell_height=[16, 32, 40])
        s, cw, ch = p["grid"], p["image_width"] // p["grid"], p["image_height"] // p["grid"]
        col = next(c for c in range(s) if c * cw <= p["x"] < (c + 1) * cw)
        row = next(r for r in range(s) if r * ch <= p["y"] < (r + 1) * ch)
        assert YOLO_GRID.solve(p).answer == {"row": row, "col": col}


def test_yolo_hand_cases():
    # Seed 003: the dog's centre is in "row 5, column 2" counted from 1, i.e. row 4, column 1 from 0.
    p = YOLO_GRID.validate({"x": 100, "y": 300})  # 448×448, S = 7: cells of 64 px
    assert YOLO_GRID.solve(p).answer == {"row": 4, "col": 1}
    tags = {m.tag: m.answer for m in YOLO_GRID.mistakes(p)}
    assert tags["yolo.one_based"] == {"row": 5, "col": 2}
    assert tags["yolo.swapped_row_col"] == {"row": 1, "col": 4}
    wide = YOLO_GRID.validate({"image_width": 640, "image_height": 480, "grid": 4, "x": 639, "y": 0})
    assert YOLO_GRID.solve(wide).answer == {"row": 0, "col": 3}
    # YOLOv1 on VOC: S = 7, B = 2, C = 20 gives 7×7×30.
    assert YOLO_GRID.solve(YOLO_GRID.validate({"mode": "depth"})).answer == 30
    assert YOLO_GRID.solve(YOLO_GRID.validate({"mode": "total"})).answer == 7 * 7 * 30 == 1470


def test_yolo_tensor_sizes():
    for seed in range(200):
        p = gen(YOLO_GRID, seed, mode=["depth", "total"], grid={"min": 1, "max": 19},
                boxes={"min": 1, "max": 9}, classes={"min": 1, "max": 100})
        per_cell = np.zeros((p["boxes"], 5)).size + np.zeros(p["classes"]).size
        expected = per_cell if p["mode"] == "depth" else np.zeros((p["grid"], p["grid"], per_cell)).size
        assert YOLO_GRID.solve(p).answer == expected


@pytest.mark.parametrize("raw, message", [
    ({"x": 10}, "needs the object's centre 'y'"),
    ({"x": 448, "y": 5}, "x must be inside the image: 0 ≤ x < image_width = 448 (got 448)"),
    ({"x": 5, "y": -1}, "y must be inside the image"),
    ({"grid": 0, "x": 1, "y": 1}, "grid must be at least 1 (got 0)"),
    ({"mode": "depth", "boxes": 0}, "boxes must be at least 1 (got 0)"),
    ({"mode": "total", "classes": 0}, "classes must be at least 1 (got 0)"),
    ({"image_width": 0, "x": 0, "y": 0}, "image_width must be at least 1"),
])
def test_yolo_check(raw, message):
    with pytest.raises(ParamError) as err:
        YOLO_GRID.validate(raw)
    assert message in str(err.value)


# --- inception_cost --------------------------------------------------------------------------

def test_inception_against_weight_tensors():
    for seed in range(300):
        p = gen(INCEPTION_COST, seed, channels={"min": 1, "max": 300}, in_channels={"min": 1, "max": 600})
        f, ci, co, b, mode = p["kernel_size"], p["in_channels"], p["out_channels"], p["bias"], p["mode"]
        if mode == "stacked_3x3":
            layers = [(3, 3, ci if i == 0 else co, co) for i in range((f - 1) // 2)]
        elif mode == "asymmetric":
            layers = [(1, f, ci, co), (f, 1, co, co)]
        else:
            layers = [(1, 1, ci, p["reduce_channels"]), (f, f, p["reduce_channels"], co)]
        expected = {"direct": conv_weights(f, f, ci, co, b),
                    "factored": sum(conv_weights(*layer, b) for layer in layers)}
        assert INCEPTION_COST.solve(p).answer == expected


@pytest.mark.parametrize("raw, direct, factored", [
    ({"kernel_size": 5, "in_channels": 64, "out_channels": 64}, 25 * 64 * 64, 18 * 64 * 64),  # 28 % fewer
    ({"kernel_size": 7, "in_channels": 64, "out_channels": 64}, 49 * 64 * 64, 27 * 64 * 64),  # VGG 3×3×3
    ({"mode": "asymmetric", "kernel_size": 7, "in_channels": 32, "out_channels": 32}, 49 * 1024, 14 * 1024),
    ({"mode": "asymmetric", "kernel_size": 3, "in_channels": 32, "out_channels": 32}, 9 * 1024, 6 * 1024),
    # GoogLeNet inception (3a): 192 → 16 → 32 (5×5 branch) and 192 → 96 → 128 (3×3 branch).
    ({"mode": "bottleneck", "kernel_size": 5, "in_channels": 192, "reduce_channels": 16, "out_channels": 32},
     153600, 3072 + 12800),
    ({"mode": "bottleneck", "kernel_size": 3, "in_channels": 192, "reduce_channels": 96, "out_channels": 128},
     221184, 18432 + 110592),
    ({"kernel_size": 5, "in_channels": 2, "out_channels": 2, "bias": True}, 25 * 4 + 2, 2 * (9 * 4 + 2)),
])
def test_inception_paper_cases(raw, direct, factored):
    p = INCEPTION_COST.validate(raw)
    solution = INCEPTION_COST.solve(p)
    assert solution.answer == {"direct": direct, "factored": factored}
    assert solution.steps[-1].result == pytest.approx(factored / direct)


def test_inception_note_corrects_the_seed():
    # Seed 003 says two 3×3 instead of a 5×5 "added 25 % weights"; per layer they need 28 % fewer.
    steps = INCEPTION_COST.solve(INCEPTION_COST.validate({"kernel_size": 5, "in_channels": 8,
                                                          "out_channels": 8})).steps
    assert "28 % fewer" in steps[-1].note.en and "whole network" in steps[-1].note.en


@pytest.mark.parametrize("raw, message", [
    ({"kernel_size": 4, "in_channels": 8, "out_channels": 8},
     "kernel_size must be odd and at least 3 (got 4)"),
    ({"mode": "asymmetric", "kernel_size": 1, "in_channels": 8, "out_channels": 8}, "at least 2"),
    ({"mode": "bottleneck", "kernel_size": 3, "in_channels": 8, "out_channels": 8}, "needs reduce_channels"),
    ({"mode": "bottleneck", "kernel_size": 3, "in_channels": 8, "out_channels": 8, "reduce_channels": 0},
     "reduce_channels must be at least 1 (got 0)"),
    ({"kernel_size": 5, "in_channels": 0, "out_channels": 8}, "in_channels must be at least 1 (got 0)"),
    ({"kernel_size": 51, "in_channels": 8, "out_channels": 8}, "kernel_size must be at most 31"),
    ({"in_channels": 8, "out_channels": 8}, "missing param 'kernel_size'"),
])
def test_inception_check(raw, message):
    with pytest.raises(ParamError) as err:
        INCEPTION_COST.validate(raw)
    assert message in str(err.value)


# --- mistakes --------------------------------------------------------------------------------

EXPECTED_TAGS = {
    "conv2d_multi": {"convm.one_channel", "convm.forgot_bias", "convm.flipped_kernel", "convm.filter_order",
                     "convm.ignored_padding", "convm.ignored_stride", "convm.forgot_relu",
                     "convm.relu_not_asked"},
    "fc_vs_conv_params": {"fcconv.forgot_bias", "fcconv.conv_forgot_channels", "fcconv.fc_forgot_output_size",
                          "fcconv.fc_counted_padding"},
    "iou_nms": {"iou.sum_of_areas", "iou.over_smaller", "iou.pixel_inclusive", "nms.suppressed_below",
                "nms.unsorted", "nms.suppressed_box_suppresses"},
    "yolo_grid": {"yolo.swapped_row_col", "yolo.one_based", "yolo.rounded", "yolo.divided_by_grid",
                  "yolo.width_for_height", "yolo.forgot_box_numbers", "yolo.times_five_after_sum",
                  "yolo.classes_per_box", "yolo.grid_not_squared"},
    "inception_cost": {"inception.forgot_channels", "inception.forgot_bias", "inception.one_layer",
                       "inception.bottleneck_free", "inception.bottleneck_wrong_input"},
}
MISTAKE_KNOBS = {"yolo_grid": {"cell_width": [32, 64], "cell_height": [32, 48, 64]}}


@pytest.mark.parametrize("kind", KINDS_VISION, ids=lambda k: k.name)
def test_every_mistake_is_diagnosed(kind):
    tol = default_tolerance(kind)
    seen = set()
    for seed in range(300):
        params = gen(kind, seed, **MISTAKE_KNOBS.get(kind.name, {}))
        solution = kind.solve(params)
        right = grade_answer(kind, params, solution.answer, format_answer(solution.answer, 12), tol)
        assert right.correct and right.mistake is None
        mistakes = kind.mistakes(params)
        assert len({m.tag for m in mistakes}) == len(mistakes)
        for index, mistake in enumerate(mistakes):
            assert 0 <= mistake.step < len(solution.steps), mistake
            assert mistake.message.en and mistake.message.zh
            if matches(mistake.answer, solution.answer, tol, kind.exact):
                continue  # this mistake happens to give the right answer here
            grade = grade_answer(kind, params, solution.answer, format_answer(mistake.answer, 12), tol)
            assert not grade.correct, (seed, mistake.tag)
            assert grade.mistake is not None, (seed, mistake.tag)
            found = grade.mistake
            earlier = [m.tag for m in mistakes[:index] if matches(mistake.answer, m.answer, tol, kind.exact)]
            assert found.tag == mistake.tag or found.tag in earlier, (seed, mistake.tag, found.tag)
            seen.add(mistake.tag)
    assert seen == EXPECTED_TAGS[kind.name]
