"""backprop_step: the loss and one gradient-descent step of a sigmoid network with one hidden
layer, E = ½Σ(target − out)², worked to nine decimals like the seed's example."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Network
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.like_numpy import np_sum, sigmoid_plain
from studyapp.core.kinds.net_figures import layer_edges, layer_nodes, numbered
from studyapp.core.kinds.nnmath import floats, is_zero_at
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import format_value, num, paren, vec
from studyapp.core.steps import Step

D = 9  # the seed's worked example prints nine decimals
# The title and formula of each parameter's update step
UPDATE_STEP = {name: (T(f"Update {name}", f"更新 {name}"), f"{name} ← {name} − η·∂E/∂{name}")
               for name in ("W1", "b1", "W2", "b2")}
FIGURE_DECIMALS = 6  # a gradient is ~1e-4: six places show its leading digits without crowding
FORWARD_CAPTION = T("Forward: each unit is σ(Σ w·input); +1 carries the bias",
                    "前向:每个单元 = σ(Σ w·输入);+1 单元连出的权重是偏置")
OUTPUT_GRADS_CAPTION = T("Backward: δ on each output; ∂E/∂w = δ × the value the edge carries",
                         "反向:输出单元上是 δ;∂E/∂w = δ × 这条边传入的值")
HIDDEN_GRADS_CAPTION = T("Backward: δ on each hidden unit too, so every weight has its gradient",
                         "反向:隐藏单元也有了 δ,每个权重都有了梯度")


def forward(p: dict[str, Any]) -> tuple[list[float], ...]:
    """(net_h, out_h, net_o, out_o), σ(z) = 1 / (1 + e⁻ᶻ) as the seed's example computes it.

    NumPy does the two matrix products only (BLAS's order of additions is part of the answer); the
    biases and σ are added and applied to plain floats, the same operations NumPy would do.
    """
    net_h = _plus(np.asarray(p["W1"]) @ np.asarray(p["x"]), p["b1"])
    out_h = [sigmoid_plain(z) for z in net_h]
    net_o = _plus(np.asarray(p["W2"]) @ np.asarray(out_h), p["b2"])
    out_o = [sigmoid_plain(z) for z in net_o]
    return net_h, out_h, net_o, out_o


def _plus(product: np.ndarray, bias: list[float]) -> list[float]:
    return [v + b for v, b in zip(product.tolist(), bias, strict=True)]


def loss(p: dict[str, Any]) -> float:
    out_o = forward(p)[3]
    return float(0.5 * np.sum((np.asarray(p["target"]) - out_o) ** 2))


def _rough_loss(p: dict[str, Any]) -> float:
    """The loss on plain floats, for the generator's check only (``loss`` is the answer's)."""
    x, hidden = p["x"], []
    for row, b in zip(p["W1"], p["b1"], strict=True):
        hidden.append(1.0 / (1.0 + math.exp(-(sum([w * v for w, v in zip(row, x, strict=True)]) + b))))
    total = 0.0
    for row, b, t in zip(p["W2"], p["b2"], p["target"], strict=True):
        out = 1.0 / (1.0 + math.exp(-(sum([w * v for w, v in zip(row, hidden, strict=True)]) + b)))
        total += (t - out) ** 2
    return 0.5 * total


def _affine_lines(name: str, w: list[list[float]], inp: list[float], b: list[float],
                  inp_name: str, out: list[float]) -> str:
    lines = []
    for r, row in enumerate(w):
        terms = " + ".join([f"{paren(wv)}·{paren(iv, D)}" for wv, iv in zip(row, inp, strict=True)])
        lines.append(f"{name}{r + 1} = {terms} + {paren(b[r])} = {num(out[r], D)}")
    return "\n".join(lines)


def _descend(values: list[float], grads: list[float], lr: float) -> list[float]:
    """One gradient-descent step of a row: v − η·g."""
    return [v - lr * g for v, g in zip(values, grads, strict=True)]


def _figures(steps: list[Step], values: tuple[list[float], ...], params: tuple[list[Any], ...],
             grads: tuple[list[Any], ...]) -> None:
    """The network on steps 3 (forward, all values), 6 (∂E/∂W2: δ on the outputs) and 9 (∂E/∂W1:
    δ on the hidden units too); a layer's nodes and edges are shared by the figures that show
    them in the same state."""
    (xs, oh, oo), (w1, b1, w2, b2), (do, dh, g_w2, g_w1) = values, params, grads
    hidden, out = len(xs) + 1, len(xs) + len(oh) + 2  # each layer's first node, after a "+1"
    h_labels, o_labels = numbered("h", len(oh)), numbered("o", len(oo))
    inputs = layer_nodes(numbered("x", len(xs)), 0, xs, bias=True)
    hidden_nodes = layer_nodes(h_labels, 1, oh, bias=True)
    outputs = layer_nodes(o_labels, 2, oo)
    outputs_back = layer_nodes(o_labels, 2, oo, do)
    edges1, edges2 = layer_edges(0, hidden, w1, b1), layer_edges(hidden, out, w2, b2)
    edges2_back = layer_edges(hidden, out, w2, b2, g_w2, do)
    steps[3].figure = Network(FORWARD_CAPTION, [*inputs, *hidden_nodes, *outputs], [*edges1, *edges2],
                              decimals=FIGURE_DECIMALS)
    steps[6].figure = Network(OUTPUT_GRADS_CAPTION, [*inputs, *hidden_nodes, *outputs_back],
                              [*edges1, *edges2_back], True, FIGURE_DECIMALS)
    steps[9].figure = Network(HIDDEN_GRADS_CAPTION,
                              [*inputs, *layer_nodes(h_labels, 1, oh, dh, bias=True), *outputs_back],
                              [*layer_edges(0, hidden, w1, b1, g_w1, dh), *edges2_back], True,
                              FIGURE_DECIMALS)


class BackpropStep(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        i, h, o = k.int("inputs"), k.int("hidden"), k.int("outputs")
        for _ in range(20):
            p = {
                "x": k.values("x", (i,)),
                "target": k.values("target", (o,)),
                "W1": k.values("weights", (h, i), avoid_zero=True),
                "b1": k.values("biases", (h,)),
                "W2": k.values("weights", (o, h), avoid_zero=True),
                "b2": k.values("biases", (o,)),
                "lr": float(k.pick("lr")),
            }
            # The output already on target: a loss below 0.00005 is 0 or one digit at the 5
            # decimals asked, and the step it drives barely moves a weight. Redrawn.
            if not is_zero_at(_rough_loss(p), 4):
                break
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        i, h, o = len(p["x"]), len(p["b1"]), len(p["b2"])
        errors = []
        if np.shape(p["W1"]) != (h, i):
            errors.append(f"W1 must be {h}×{i} (hidden × inputs, from b1 and x), "
                          f"got {'×'.join(map(str, np.shape(p['W1'])))}")
        if np.shape(p["W2"]) != (o, h):
            errors.append(f"W2 must be {o}×{h} (outputs × hidden, from b2 and b1), "
                          f"got {'×'.join(map(str, np.shape(p['W2'])))}")
        if len(p["target"]) != o:
            errors.append(f"target must have {o} values, one per output (got {len(p['target'])})")
        if p["lr"] <= 0:
            errors.append(f"lr must be positive (got {p['lr']})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        mats = (f"W1 = {format_value(p['W1'])}, b1 = {vec(p['b1'])}, "
                f"W2 = {format_value(p['W2'])}, b2 = {vec(p['b2'])}")
        if lang == "zh":
            return (f"一个全连接网络,隐藏层和输出层都用 sigmoid 激活,损失 E = ½Σ(target − out)²。"
                    f"输入 x = {vec(p['x'])},目标 target = {vec(p['target'])},{mats},"
                    f"学习率 η = {num(p['lr'])}。求更新前的损失,以及做一步梯度下降后的 W1、b1、W2、b2"
                    f"(W1 的第 j 行是连接到第 j 个隐藏单元的权重)。按“loss: …; W1: [[…]]; "
                    f"b1: […]; W2: [[…]]; b2: […]”作答。{decimals_clause(lang, decimals)}")
        return (f"A fully connected network has sigmoid hidden and output layers and the loss "
                f"E = ½Σ(target − out)². Input x = {vec(p['x'])}, target = {vec(p['target'])}, "
                f"{mats}, learning rate η = {num(p['lr'])}. Give the loss before the step and W1, "
                f"b1, W2, b2 after one gradient-descent step (row j of W1 holds the weights into "
                f"hidden unit j). Answer as “loss: …; W1: [[…]]; b1: […]; W2: [[…]]; b2: […]”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        # NumPy only for the three matrix products (BLAS's order of additions is part of the
        # answer); the rest is elementwise on a handful of numbers, faster as plain floats and
        # the same IEEE operations in the same order.
        nh, oh, no, oo = forward(p)
        xs, tl = floats(p["x"]), floats(p["target"])
        w1l, b1l = [floats(row) for row in p["W1"]], floats(p["b1"])
        w2l, b2l = [floats(row) for row in p["W2"]], floats(p["b2"])
        lr = float(p["lr"])
        e_list = [0.5 * ((t - o) * (t - o)) for t, o in zip(tl, oo, strict=True)]
        e_total = np_sum(e_list)
        do = [(o - t) * o * (1 - o) for o, t in zip(oo, tl, strict=True)]
        g_w2 = [[d * h for h in oh] for d in do]
        back = (np.asarray(w2l).T @ np.asarray(do)).tolist()
        dh = [bk * h * (1 - h) for bk, h in zip(back, oh, strict=True)]
        g_w1 = [[d * v for v in xs] for d in dh]
        new = {"W1": [_descend(w, g, lr) for w, g in zip(w1l, g_w1, strict=True)],
               "b1": _descend(b1l, dh, lr),
               "W2": [_descend(w, g, lr) for w, g in zip(w2l, g_w2, strict=True)],
               "b2": _descend(b2l, do, lr)}

        # Each value is formatted once and reused wherever the solution shows it.
        ohf, oof, dof, dhf = ([num(v, D) for v in vs] for vs in (oh, oo, do, dh))
        dop = [paren(v, D) for v in do]
        tf, xf = [num(v) for v in tl], [num(v) for v in xs]
        ef = [num(v, D) for v in e_list]
        def s(title: Text, formula: str, work: str, result: Any, note: Text | None = None) -> Step:
            return Step(title, formula, work, result, note, decimals=D)

        steps = [
            s(T("Forward: net input of the hidden layer", "前向:隐藏层的净输入"),
              "net_hⱼ = Σᵢ W1[j,i]·xᵢ + b1ⱼ",
              _affine_lines("net_h", p["W1"], xs, p["b1"], "x", nh), nh),
            s(T("Forward: hidden outputs", "前向:隐藏层输出"),
              "out_hⱼ = σ(net_hⱼ) = 1 / (1 + e^(−net_hⱼ))",
              "\n".join([f"out_h{j + 1} = 1 / (1 + e^{paren(-v, D)}) = {ohf[j]}"
                        for j, v in enumerate(nh)]), oh),
            s(T("Forward: net input of the output layer", "前向:输出层的净输入"),
              "net_oₖ = Σⱼ W2[k,j]·out_hⱼ + b2ₖ",
              _affine_lines("net_o", w2l, oh, p["b2"], "out_h", no), no),
            s(T("Forward: outputs", "前向:输出"), "out_oₖ = σ(net_oₖ)",
              "\n".join([f"out_o{k + 1} = 1 / (1 + e^{paren(-v, D)}) = {oof[k]}"
                        for k, v in enumerate(no)]), oo),
            s(T("Loss before the step", "更新前的损失"), "E = Σₖ ½(targetₖ − out_oₖ)²",
              "\n".join([f"E_o{k + 1} = ½({tf[k]} − {oof[k]})² = {ef[k]}" for k in range(len(oo))])
              + "\nE = " + " + ".join(ef), e_total),
            s(T("Backward: error term of each output", "反向:输出层误差项"),
              "δ_oₖ = ∂E/∂net_oₖ = (out_oₖ − targetₖ)·out_oₖ·(1 − out_oₖ)",
              "\n".join([f"δ_o{k + 1} = ({oof[k]} − {tf[k]})·{oof[k]}·(1 − {oof[k]}) = {dof[k]}"
                        for k in range(len(oo))]), do),
            s(T("Backward: gradient of W2", "反向:W2 的梯度"), "∂E/∂W2[k,j] = δ_oₖ·out_hⱼ",
              "\n".join([f"∂E/∂W2[{k + 1},{j + 1}] = {dof[k]}·{ohf[j]}"
                        for k in range(len(do)) for j in range(len(oh))]), g_w2),
            s(T("Backward: gradient of b2", "反向:b2 的梯度"), "∂E/∂b2ₖ = δ_oₖ", "", do),
            s(T("Backward: error term of each hidden unit (uses W2 before the update)",
                "反向:隐藏层误差项(用更新前的 W2)"),
              "δ_hⱼ = (Σₖ W2[k,j]·δ_oₖ)·out_hⱼ·(1 − out_hⱼ)",
              "\n".join([f"δ_h{j + 1} = ("
                        + " + ".join([f"{paren(w2l[k][j])}·{dop[k]}" for k in range(len(do))])
                        + f")·{ohf[j]}·(1 − {ohf[j]}) = {dhf[j]}" for j in range(len(dh))]), dh,
              T("A hidden unit feeds every output, so the gradients coming back from them add up",
                "隐藏单元连到每个输出,从各输出传回的梯度相加")),
            s(T("Backward: gradient of W1", "反向:W1 的梯度"), "∂E/∂W1[j,i] = δ_hⱼ·xᵢ",
              "\n".join([f"∂E/∂W1[{j + 1},{i + 1}] = {dhf[j]}·{xf[i]}"
                        for j in range(len(dh)) for i in range(len(xs))]), g_w1),
            s(T("Backward: gradient of b1", "反向:b1 的梯度"), "∂E/∂b1ⱼ = δ_hⱼ", "", dh),
        ]
        lr_text = num(lr)
        # Each parameter with its gradient: a matrix (W, rows of floats) or a vector (b, floats).
        updates: tuple[tuple[str, list[Any], list[Any]], ...] = (
            ("W2", w2l, g_w2), ("b2", b2l, do), ("W1", w1l, g_w1), ("b1", b1l, dh))
        for name, olds, grads in updates:
            if name[0] == "W":
                work = "\n".join([f"{name}[{r + 1},{c + 1}] = {num(ov)} − {lr_text}·{paren(gv, D)}"
                                  for r, (orow, grow) in enumerate(zip(olds, grads, strict=True))
                                  for c, (ov, gv) in enumerate(zip(orow, grow, strict=True))])
            else:
                work = "\n".join([f"{name}[{r + 1}] = {num(ov)} − {lr_text}·{paren(gv, D)}"
                                  for r, (ov, gv) in enumerate(zip(olds, grads, strict=True))])
            steps.append(s(*UPDATE_STEP[name], work, new[name]))
        _figures(steps, (xs, oh, oo), (w1l, b1l, w2l, b2l), (do, dh, g_w2, g_w1))
        answer = {"loss": e_total, **{k: new[k] for k in ("W1", "b1", "W2", "b2")}}
        return Solution(answer, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x, t = np.asarray(p["x"], dtype=float), np.asarray(p["target"], dtype=float)
        w1, b1 = np.asarray(p["W1"], dtype=float), np.asarray(p["b1"], dtype=float)
        w2, b2 = np.asarray(p["W2"], dtype=float), np.asarray(p["b2"], dtype=float)
        lr = float(p["lr"])
        _, out_h, _, out_o = (np.asarray(v) for v in forward(p))
        loss = float(0.5 * np.sum((t - out_o) ** 2))

        def step(sign: float = -1.0, output_sigma: bool = True, updated_w2: bool = False) -> dict[str, Any]:
            d_o = (out_o - t) * (out_o * (1 - out_o) if output_sigma else 1.0)
            new_w2 = w2 + sign * lr * np.outer(d_o, out_h)
            d_h = ((new_w2 if updated_w2 else w2).T @ d_o) * out_h * (1 - out_h)
            return {"loss": loss, "W1": (w1 + sign * lr * np.outer(d_h, x)).tolist(),
                    "b1": (b1 + sign * lr * d_h).tolist(), "W2": new_w2.tolist(),
                    "b2": (b2 + sign * lr * d_o).tolist()}

        return [
            Mistake("bp.added_gradient", T("Gradient descent subtracts η·∂E/∂w; adding it climbs the loss.",
                                           "梯度下降是减去 η·∂E/∂w;加上它会让损失变大。"),
                    step(sign=1.0), 11),
            Mistake("bp.forgot_output_derivative",
                    T("δ_o needs the factor out_o(1 − out_o), the derivative of the output sigmoid.",
                      "δ_o 要乘以输出层 sigmoid 的导数 out_o(1 − out_o)。"), step(output_sigma=False), 5),
            Mistake("bp.used_updated_w2", T("δ_h uses W2 as it was before this step's update.",
                                            "计算 δ_h 要用本步更新之前的 W2。"), step(updated_w2=True), 8),
            Mistake("bp.loss_without_half", T("E = Σ ½(target − out)²: the ½ is missing.",
                                              "E = Σ ½(target − out)²:漏了 ½。"),
                    {**step(), "loss": 2 * loss}, 4),
        ]


KIND = BackpropStep(
    name="backprop_step",
    summary=T("Loss and one gradient-descent step of a sigmoid network with one hidden layer.",
              "单隐藏层 sigmoid 网络的损失及一步梯度下降。"),
    params=(
        Param("x", "vector", "the input, I values"),
        Param("target", "vector", "the targets, O values"),
        Param("W1", "matrix", "hidden weights, H×I (row j feeds hidden unit j)"),
        Param("b1", "vector", "hidden biases, H values"),
        Param("W2", "matrix", "output weights, O×H"),
        Param("b2", "vector", "output biases, O values"),
        Param("lr", "number", "learning rate η"),
    ),
    knobs=(
        Knob("inputs", "int", 2, "input size I"),
        Knob("hidden", "int", 2, "hidden units H"),
        Knob("outputs", "int", 2, "outputs O"),
        Knob("x", "number", {"min": 0.05, "max": 1, "step": 0.05}, "input values"),
        Knob("target", "number", {"min": 0.01, "max": 0.99, "step": 0.01}, "targets"),
        Knob("weights", "number", {"min": -0.6, "max": 0.6, "step": 0.05}, "weights"),
        Knob("biases", "number", {"min": 0, "max": 0.6, "step": 0.05}, "biases"),
        Knob("lr", "number", [0.5, 0.1, 1.0], "learning rate"),
    ),
    decimals=5,
    # One step moves a weight by ~1e-4; the default 0.5 % relative tolerance would accept
    # the weights left unchanged, so answers must match to the stated decimals.
    tolerance=(2e-5, 0.0),
    figures=("network",),
)
