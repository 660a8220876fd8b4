"""Figures as inline SVG: every type parses as XML and is safe to put in a page (no script, no
link out, no event handler, every text escaped); the window outline sits on the cells it reads,
the output fills in frame by frame; the tangent has the slope, bars stand on the zero line, the
number line keeps the order, boxes keep their proportions; the caption is in the sheet's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from studyapp.core.bilingual import Text
from studyapp.core.figure import (
    Bars,
    Box,
    Boxes,
    Cells,
    Curve,
    Edge,
    Figure,
    Frame,
    Grid,
    Grids,
    Network,
    Node,
    NumberLine,
)
from studyapp.core.library import load_library
from studyapp.core.problems import generate
from studyapp.report.figure_svg import CELL, figure_svg

CAPTION = Text("a caption", "图注:卷积窗口")
SVG = "{http://www.w3.org/2000/svg}"  # were it declared


def hand_built(label: str = "x") -> dict[str, Figure]:
    """One figure of every type; ``label`` goes in every name and label they have."""
    padded: list[list[float | None]] = [[0.0] * 4, [0.0, 1.0, -2.5, 0.0], [0.0, 3.0, 4.0, 0.0], [0.0] * 4]
    grid = Grids(CAPTION, [Grid(label, padded, pad=1), Grid("a", [[7.0, None], [None, None]])],
                 [Frame([Cells(0, 0, 1, 2, 2)], Cells(1, 0, 0), [Cells(0, 1, 2)], 1, f"a(0,0) = {label}")], 1)
    network = Network(CAPTION, [Node(label, 0, 0.5, -0.12), Node("+1", 0, 1.0), Node("y", 1, 0.25, 0.3)],
                      [Edge(0, 2, -0.5, 0.07), Edge(1, 2, 0.1, 0.3)], backward=True)
    curve = Curve(CAPTION, label, [-2.0, -1.0, 0.0, 1.0, 2.0], [0.12, 0.27, 0.5, 0.73, 0.88], (1.0, 0.73),
                  slope=0.2, secant=(2.0, 0.88))
    bars = Bars(CAPTION, [label, "b", "c"], [("z", [2.0, -1.5, 0.5]), ("p", [0.6, 0.1, 0.3])], focus=0)
    line = NumberLine(CAPTION, [1.0, 2.0, 2.0, 7.0], [-0.9, -0.5, -0.5, 1.9], 3.0, 2.35)
    boxes = Boxes(CAPTION, 100.0, 50.0, [Box(10, 5, 60, 45, label, "kept", 0.9),
                                          Box(20, 10, 70, 40, "B", "dropped", 0.6),
                                          Box(20, 10, 60, 40, "I", "overlap"),
                                          Box(80, 20, 80, 20, "c", "truth")],
                  cells=5, focus_cell=(1, 4))
    return {"grids": grid, "network": network, "curve": curve, "bars": bars, "number_line": line,
            "boxes": boxes}


def conv_figures() -> list[Grids]:
    templates = [t for t in load_library().templates if t.kind == "conv2d"]
    return [s.figure for t in templates for seed in range(6) for s in generate(t, seed).steps
            if isinstance(s.figure, Grids)]


def parsed(markup: str) -> ET.Element:
    """The ``<figure>``, checked safe: no script, no reference out of the page, no handler."""
    assert "<script" not in markup.lower() and "href" not in markup.lower() and "://" not in markup
    root = ET.fromstring(markup)
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in {"script", "foreignObject", "image", "use", "a"}
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.attrib
    assert not re.search(r"url\(|@import|javascript:", markup)
    return root


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def of_class(root: ET.Element, name: str, kind: str = "") -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split() and (not kind or tag(e) == kind)]


def box(element: ET.Element) -> tuple[float, ...]:
    return tuple(float(element.get(k, "0")) for k in ("x", "y", "width", "height"))


@pytest.mark.parametrize("kind", list(hand_built()))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_type_is_safe_xml_with_its_caption(kind: str, lang: str) -> None:
    figure = hand_built()[kind]
    root = parsed(figure_svg(figure, lang))
    assert tag(root) == "figure" and [tag(c) for c in root] == ["svg", "figcaption"]
    assert root[1].text == CAPTION.get(lang)
    svg = root[0]
    assert f"fig-{kind}" in svg.get("class", "") and float(svg.get("width", 0)) > 0
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    if kind == "network":
        assert float(svg.get("width", 0)) <= 520
    texts = [e.text for e in root.iter() if tag(e) == "text"]
    assert texts and all(t for t in texts)


@pytest.mark.parametrize("kind", list(hand_built()))
def test_every_text_is_escaped(kind: str) -> None:
    evil = "<&>\"'"
    figure = hand_built(evil)[kind]
    figure.caption = Text(evil, evil)
    markup = figure_svg(figure, "en")
    assert "<&>" not in markup and "&lt;&amp;&gt;" in markup
    root = parsed(markup)
    assert any(evil in (e.text or "") for e in root.iter())


def check_frame(figure: Grids, index: int) -> None:
    """The outlines of frame ``index`` cover exactly its cells, in cells of ``CELL`` × the grid's
    cell width; the output shows its first ``filled`` cells and leaves the rest empty."""
    frame = figure.frames[index]
    root = parsed(figure_svg(figure, "en", index))
    groups = of_class(root, "grid", "g")
    assert len(groups) == len(figure.grids)
    for g, group in enumerate(groups):
        cells = of_class(group, "cell", "rect")
        rows, cols = len(figure.grids[g].values), len(figure.grids[g].values[0])
        assert len(cells) == rows * cols
        width = box(cells[0])[2]
        assert box(cells[0])[3] == CELL and all(box(c)[2:] == (width, CELL) for c in cells)
        expected = [(w.col * width, w.row * CELL, w.width * width, w.height * CELL)
                    for w in frame.windows if w.grid == g]
        for got, want in zip([box(r) for r in of_class(group, "window", "rect")], expected, strict=True):
            assert got == pytest.approx(want)
        tinted = {(round(box(c)[1] / CELL), round(box(c)[0] / width)) for c in cells
                  if "in" in c.get("class", "").split()}
        assert tinted == {(r, c) for w in frame.windows if w.grid == g
                          for r in range(w.row, w.row + w.height) for c in range(w.col, w.col + w.width)}
        if frame.focus is not None and frame.focus.grid == g:
            (focus,) = of_class(group, "focus", "rect")
            assert box(focus) == pytest.approx((frame.focus.col * width, frame.focus.row * CELL, width, CELL))
        if g == figure.output and frame.filled is not None:
            assert sum("todo" not in c.get("class", "") for c in cells) == frame.filled
            assert len(of_class(group, "v", "text")) == frame.filled


@pytest.mark.parametrize("figure", conv_figures()[:40], ids=lambda f: f"{len(f.grids)}grids")
def test_conv2d_windows_sit_on_their_cells_in_every_frame(figure: Grids) -> None:
    for index in range(len(figure.frames)):
        check_frame(figure, index)


def test_hand_built_grid_marks_padding_and_empty_cells() -> None:
    figure = hand_built()["grids"]
    assert isinstance(figure, Grids)
    check_frame(figure, 0)
    root = parsed(figure_svg(figure, "en"))
    x = of_class(root, "grid", "g")[0]
    pads = [c for c in of_class(x, "cell", "rect") if "pad" in c.get("class", "").split()]
    assert len(pads) == 12  # the ring of a 4×4 grid
    bold = [t.text for t in of_class(x, "b", "text")]
    assert bold == ["-2.5"] and [t.text for t in of_class(x, "mark", "text")] == ["●"]
    output = of_class(root, "grid", "g")[1]
    assert [t.text for t in of_class(output, "v", "text")] == ["7"]
    assert [t.text for t in of_class(root, "worktext", "text")] == ["a(0,0) = x"]


def test_a_long_line_of_work_wraps_inside_the_figure() -> None:
    figure = conv_figures()[0]
    long = "a(0,0) = " + " + ".join(["(-1)·2"] * 40) + " = -80"
    figure.frames[0].text = long
    root = parsed(figure_svg(figure, "en"))
    lines = [t.text or "" for t in of_class(root, "worktext", "text")]
    assert len(lines) > 1 and " ".join(lines) == long
    width = float(root[0].get("width", 0))
    assert all(len(line) * 0.6 * 10.5 <= width for line in lines)


def test_backward_network_has_gradients_and_arrows_to_the_left() -> None:
    figure = hand_built()["network"]
    root = parsed(figure_svg(figure, "en"))
    grads = [t.text for t in of_class(root, "grad", "text")]
    assert grads == ["∂ 0.07", "∂ 0.3", "∂ -0.12", "∂ 0.3"]
    for head in of_class(root, "head", "polygon"):
        tip, *base = [tuple(map(float, p.split(","))) for p in head.get("points", "").split()]
        assert tip[0] < min(x for x, _ in base)  # pointing right to left
    assert isinstance(figure, Network)
    figure.backward = False
    forward = parsed(figure_svg(figure, "en"))
    for head in of_class(forward, "head", "polygon"):
        tip, *base = [tuple(map(float, p.split(","))) for p in head.get("points", "").split()]
        assert tip[0] > max(x for x, _ in base)


def test_curve_point_lies_on_the_curve_and_the_tangent_has_the_slope() -> None:
    figure = hand_built()["curve"]
    assert isinstance(figure, Curve)
    root = parsed(figure_svg(figure, "en"))
    (polyline,) = of_class(root, "curve", "polyline")
    points = [tuple(map(float, p.split(","))) for p in polyline.get("points", "").split()]
    kx = (points[-1][0] - points[0][0]) / (figure.xs[-1] - figure.xs[0])
    ky = (points[-1][1] - points[0][1]) / (figure.ys[-1] - figure.ys[0])  # negative: y grows down
    (dot,) = of_class(root, "dot", "circle")
    assert (float(dot.get("cx", 0)), float(dot.get("cy", 0))) == pytest.approx(points[3], abs=0.02)
    tangent = next(e for e in of_class(root, "tangent", "line") if e.get("x1") is not None
                   and float(e.get("x2", 0)) - float(e.get("x1", 0)) > 40)
    x1, y1, x2, y2 = (float(tangent.get(k, 0)) for k in ("x1", "y1", "x2", "y2"))
    assert (y2 - y1) / (x2 - x1) == pytest.approx(figure.slope * ky / kx, rel=1e-3)
    assert y1 + (points[3][0] - x1) * (y2 - y1) / (x2 - x1) == pytest.approx(points[3][1], abs=0.05)
    assert len(of_class(root, "secant", "line")) == 1 and len(of_class(root, "ring", "circle")) == 1
    assert "slope = 0.2" in [t.text for t in root.iter() if tag(t) == "text"]
    assert "斜率 = 0.2" in [t.text for t in parsed(figure_svg(figure, "zh")).iter() if tag(t) == "text"]


def test_bars_stand_on_the_zero_line_with_heights_in_proportion() -> None:
    figure = hand_built()["bars"]
    assert isinstance(figure, Bars)
    root = parsed(figure_svg(figure, "en"))
    (zero,) = of_class(root, "zero", "line")
    zero_y = float(zero.get("y1", 0))
    rects = [r for r in root.iter() if tag(r) == "rect" and re.fullmatch(r"s\d", r.get("class", ""))]
    plotted = [r for r in rects if float(r.get("y", 0)) > 20]  # not the key's swatches
    by_value = dict(zip([v for i in range(3) for v in (figure.series[0][1][i], figure.series[1][1][i])],
                        plotted, strict=True))
    unit = box(by_value[2.0])[3] / 2.0
    for value, rect in by_value.items():
        x, y, w, h = box(rect)
        assert h == pytest.approx(abs(value) * unit, abs=0.02)
        assert (y if value < 0 else y + h) == pytest.approx(zero_y, abs=0.02)
    labels = {t.text: "b" in (t.get("class") or "").split() for t in root.iter() if tag(t) == "text"
              and t.text in figure.labels}
    assert labels == {"x": True, "b": False, "c": False}
    assert len(of_class(root, "band", "rect")) == 1


def test_number_line_keeps_order_marks_the_mean_and_counts_repeats() -> None:
    figure = hand_built()["number_line"]
    assert isinstance(figure, NumberLine)
    root = parsed(figure_svg(figure, "en"))
    before = [float(c.get("cx", 0)) for c in of_class(root, "ring", "circle")]
    after = [float(c.get("cx", 0)) for c in of_class(root, "dot", "circle")]
    assert len(before) == len(after) == 4 and before == sorted(before) and after == sorted(after)
    texts = [t.text for t in root.iter() if tag(t) == "text"]
    assert "2 ×2" in texts and "-0.5 ×2" in texts and "μ = 3" in texts and "±σ, σ = 2.35" in texts
    bracket = next(e for e in root.iter() if tag(e) == "path").get("d", "")
    left, right = (float(v.split(",")[0]) for v in re.findall(r"[MH]([\d.]+(?:,[\d.]+)?)", bracket))
    mean_x = float(of_class(root, "zero", "line")[0].get("x1", 0))
    assert mean_x - left == pytest.approx(right - mean_x, abs=0.02)  # ±σ around the mean


def test_boxes_keep_their_proportions_and_roles() -> None:
    figure = hand_built()["boxes"]
    assert isinstance(figure, Boxes)
    root = parsed(figure_svg(figure, "en"))
    (image,) = of_class(root, "image", "rect")
    ix, iy, iw, ih = box(image)
    assert iw / ih == pytest.approx(figure.width / figure.height)
    for item in figure.boxes[:3]:
        rect, sample = of_class(root, f"r-{item.role}", "rect")  # the box, then its sample in the key
        x, y, w, h = box(rect)
        assert ((x - ix) / iw, (y - iy) / ih) == pytest.approx((item.x1 / 100, item.y1 / 50), abs=1e-3)
        size = ((item.x2 - item.x1) / 100, (item.y2 - item.y1) / 50)
        assert (w / iw, h / ih) == pytest.approx(size, abs=1e-3)
        assert box(sample)[1] > iy + ih  # the key is under the image
    assert of_class(root, "hatch", "line") and len(of_class(root, "gridline", "line")) == 8
    (cell,) = of_class(root, "cellfocus", "rect")
    assert box(cell)[0] == pytest.approx(ix + 4 * iw / 5) and box(cell)[1] == pytest.approx(iy + ih / 5)
    texts = [t.text for t in root.iter() if tag(t) == "text"]
    assert {"x 0.9", "B 0.6", "I", "kept", "dropped", "overlap"} <= set(texts)
    assert "c (80, 20)" in texts  # a box of no size: a point
