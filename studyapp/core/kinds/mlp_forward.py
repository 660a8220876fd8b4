"""mlp_forward: the output of a small fully connected network with one or two hidden layers,
a = f(W·a_prev + b) layer by layer."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Network
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.net_figures import layer_edges, layer_nodes, numbered
from studyapp.core.kinds.nnmath import is_zero_at
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, sup, vec
from studyapp.core.steps import Step

if TYPE_CHECKING:
    import numpy.typing as npt

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("identity", *ACTIVATIONS)
D = 6  # decimals of the intermediate values in the worked solution


def _act(name: str, z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return z


def _layers(p: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    names = [("W1", "b1"), ("W2", "b2")] + ([("W3", "b3")] if p.get("W3") is not None else [])
    return [(np.asarray(p[w], dtype=float), np.asarray(p[b], dtype=float)) for w, b in names]


def mlp_run(p: dict[str, Any], bias: bool = True, hidden: str | None = None, output: str | None = None,
            transpose_square: bool = False) -> list[float]:
    """The output vector, optionally computed the way a usual mistake computes it."""
    layers = _layers(p)
    a = np.asarray(p["x"], dtype=float)
    hidden = p["activation"] if hidden is None else hidden
    output = p["output_activation"] if output is None else output
    for index, (w, b) in enumerate(layers):
        if transpose_square and w.shape[0] == w.shape[1]:
            w = w.T
        z = w @ a + b if bias else w @ a
        a = _act(output if index == len(layers) - 1 else hidden, z)
    out: list[float] = a.tolist()
    return out


def _act_line(name: str, label: str, z: float, a: float) -> str:
    zf = num(z, D)
    if name == "sigmoid":
        return f"{label} = σ({zf}) = 1 / (1 + e^{paren(-z, D)}) = {num(a, D)}"
    if name == "tanh":
        return f"{label} = tanh({zf}) = {num(a, D)}"
    if name == "relu":
        return f"{label} = max(0, {zf}) = {num(a, D)}"
    return f"{label} = {zf}"


LAYER_CAPTION = T("Layer by layer, each unit is f(Σ w·input); +1 carries the bias",
                  "逐层计算:每个单元 = f(Σ w·输入);+1 单元连出的权重是偏置")
ACT_FORMULA = {"sigmoid": "σ(z) = 1 / (1 + e⁻ᶻ)", "tanh": "tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)",
               "relu": "ReLU(z) = max(0, z)", "identity": "identity: y = z"}


class MlpForward(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n_in, depth = k.int("inputs"), k.int("hidden_layers")
        sizes = [n_in] + [k.int("hidden_units") for _ in range(depth)] + [k.int("outputs")]
        act = k.pick("activation")
        out_act = k.pick("output_activation")
        if out_act == "same":
            out_act = act
        p: dict[str, Any] = {}
        for _ in range(20):
            p = {"x": k.values("x", (n_in,), avoid_zero=True)}
            for i in range(1, len(sizes)):
                p[f"W{i}"] = k.values("weights", (sizes[i], sizes[i - 1]), avoid_zero=True)
                p[f"b{i}"] = k.values("biases", (sizes[i],))
            p["activation"] = act
            p["output_activation"] = out_act
            if self._workable(p):
                break
        return p

    @staticmethod
    def _workable(p: dict[str, Any]) -> bool:
        """No hidden layer all dead (ReLU), no saturated unit (|z| ≤ 4), and an output that is
        not all 0 at the decimals asked (a ReLU output layer of negatives, or a cancelling sum)."""
        a = np.asarray(p["x"], dtype=float)
        layers = _layers(p)
        for w, b in layers[:-1]:
            z = w @ a + b
            zl = z.tolist()  # the tests on plain floats: two NumPy calls fewer
            if max(map(abs, zl)) > 4 or (p["activation"] == "relu" and max(zl) <= 0):
                return False
            a = _act(p["activation"], z)
        w, b = layers[-1]
        out = _act(p["output_activation"], w @ a + b).tolist()
        return not all(is_zero_at(v) for v in out)

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if (p["W3"] is None) != (p["b3"] is None):
            errors.append("give W3 and b3 together (a second hidden layer), or neither")
        width = len(p["x"])
        prev = "x"
        for i in (1, 2, 3):
            w, b = p[f"W{i}"], p[f"b{i}"]
            if w is None or b is None:
                break
            shape = np.shape(w)
            if shape != (len(b), width):
                errors.append(f"W{i} must be {len(b)}×{width} (units of b{i} × values of {prev}), "
                              f"got {'×'.join(map(str, shape))}")
            width, prev = len(b), f"b{i}"
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        layers = [(p["W1"], p["b1"]), (p["W2"], p["b2"])]
        if p.get("W3") is not None:
            layers.append((p["W3"], p["b3"]))
        mats = ", ".join([f"W{i} = {_matrix_text(w)}, b{i} = {vec(b)}" for i, (w, b) in enumerate(layers, 1)])
        hidden = len(layers) - 1
        act, out_act = p["activation"], p["output_activation"]
        n_out = len(layers[-1][1])
        if lang == "zh":
            acts = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
                    "identity": "identity(恒等,线性输出)"}
            return (f"一个全连接网络有 {hidden} 个隐藏层,隐藏层激活函数为 {acts[act]},输出层激活函数为 "
                    f"{acts[out_act]}。每层计算 a = f(W·a_prev + b),"
                    f"其中 W 的第 j 行是连到该层第 j 个单元的权重。"
                    f"输入 x = {vec(p['x'])},{mats}。求网络的输出向量(长度为 {n_out})。"
                    f"{decimals_clause(lang, decimals)}")
        acts = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "identity": "identity (linear)"}
        layer_word = "layer" if hidden == 1 else "layers"
        return (f"A fully connected network has {hidden} hidden {layer_word} with {acts[act]} activation and "
                f"an output layer with {acts[out_act]} activation. Each layer computes "
                f"a = f(W·a_prev + b) (row j of W holds the weights into unit j of that layer). Input "
                f"x = {vec(p['x'])}, {mats}. Give the network's output vector ({n_out} "
                f"value{'s' if n_out > 1 else ''}). {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        layers = _layers(p)
        a = np.asarray(p["x"], dtype=float)
        xl = a.tolist()
        prev_f = [paren(v, D) for v in xl]
        prev_name = "x"
        steps: list[Step] = []
        last = len(layers)
        # the figure's lists: the solver's own, layer by layer
        labels: list[list[str]] = [numbered("x", len(xl), True)]
        values: list[list[float]] = [xl]
        weights: list[list[list[float]]] = []
        biases: list[list[float]] = []
        act_steps: list[Step] = []
        for index, (w, b) in enumerate(layers, 1):
            z = w @ a + b
            is_out = index == last
            act = p["output_activation"] if is_out else p["activation"]
            a = _act(act, z)
            zl, al, bl, wl = z.tolist(), a.tolist(), b.tolist(), w.tolist()
            lsup = sup(f"({index})")
            zname = "z" + lsup
            aname = "y" if is_out else "a" + lsup
            lines = []
            for j, (row, zj) in enumerate(zip(wl, zl, strict=True)):
                terms = " + ".join([f"{paren(wv)}·{pv}" for wv, pv in zip(row, prev_f, strict=True)])
                lines.append(f"{zname}{sub(j + 1)} = {terms} + {paren(bl[j])} = {num(zj, D)}")
            where = (T("the output layer", "输出层") if is_out
                     else T(f"hidden layer {index}", f"第 {index} 个隐藏层"))
            steps.append(Step(T(f"Net input of {where.en}", f"{where.zh}的净输入"),
                              f"{zname}ⱼ = Σᵢ W{index}[j,i]·{prev_name}ᵢ + b{index}ⱼ", "\n".join(lines),
                              zl, decimals=D))
            note = None
            if is_out and act == "identity":
                note = T("The output layer is linear: no activation is applied to it",
                         "输出层是线性的:不再经过激活函数")
            names = [f"{aname}{sub(j + 1)}" for j in range(len(al))]
            act_steps.append(Step(T(f"Activation of {where.en}", f"{where.zh}的激活"),
                                  ACT_FORMULA[act],
                                  "\n".join([_act_line(act, name, zj, aj)
                                            for name, zj, aj in zip(names, zl, al, strict=True)]),
                                  al, note, decimals=D))
            steps.append(act_steps[-1])
            labels.append(names)
            values.append(al)
            weights.append(wl)
            biases.append(bl)
            prev_f = [paren(v, D) for v in al]
            prev_name = aname
        _layer_figures(act_steps, labels, values, weights, biases)
        return Solution(a.tolist(), steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        layers = _layers(p)
        last_step = 2 * len(layers) - 1
        out_act, act = p["output_activation"], p["activation"]
        out = [
            Mistake("mlp.forgot_bias", T("Every unit adds its bias: z = W·a + b.",
                                         "每个单元都要加上偏置:z = W·a + b。"), mlp_run(p, bias=False), 0),
            Mistake("mlp.forgot_hidden_activation",
                    T(f"Apply {act} to every hidden unit before passing it on; without it the network is "
                      "linear.", f"隐藏单元的输出要先经过 {act} 再传给下一层;不加激活,整个网络就是线性的。"),
                    mlp_run(p, hidden="identity"), 1),
        ]
        if out_act == "identity":
            out.append(Mistake("mlp.activated_output",
                               T(f"The output layer is linear: y = z, with no {act} on it.",
                                 f"输出层是线性的:y = z,不再经过 {act}。"),
                               mlp_run(p, output=act), last_step))
        else:
            out.append(Mistake("mlp.forgot_output_activation",
                               T(f"The output layer also applies {out_act}: y = {out_act}(z).",
                                 f"输出层也要经过 {out_act}:y = {out_act}(z)。"),
                               mlp_run(p, output="identity"), last_step))
        square = [i for i, (w, _) in enumerate(layers) if w.shape[0] == w.shape[1]]
        if square:
            out.append(Mistake("mlp.transposed_weights",
                               T("Row j of W holds the weights into unit j: zⱼ = Σᵢ W[j,i]·aᵢ (W·a), "
                                 "not Σᵢ W[i,j]·aᵢ (Wᵀ·a).",
                                 "W 的第 j 行是连到第 j 个单元的权重:zⱼ = Σᵢ W[j,i]·aᵢ(W·a),"
                                 "而不是 Σᵢ W[i,j]·aᵢ(Wᵀ·a)。"),
                               mlp_run(p, transpose_square=True), 2 * square[0]))
        return out


def _layer_figures(act_steps: list[Step], labels: list[list[str]], values: list[list[float]],
                   weights: list[list[list[float]]], biases: list[list[float]]) -> None:
    """One figure per activation step: the whole network, its values filled in up to that layer.
    The edges (weights and biases, which do not change) and each layer's nodes, with and without
    their values, are shared by the figures."""
    last = len(labels) - 1
    starts, edges = [0], []
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        starts.append(starts[-1] + len(labels[layer]) + 1)  # the layer, then its "+1" unit
        edges += layer_edges(starts[layer], starts[-1], w, b)
    filled = [layer_nodes(names, layer, vs, bias=layer < last)
              for layer, (names, vs) in enumerate(zip(labels, values, strict=True))]
    empty = [layer_nodes(labels[layer], layer, bias=layer < last) for layer in range(2, last + 1)]
    for layer, step in enumerate(act_steps, 1):
        nodes = list(chain.from_iterable(filled[:layer + 1] + empty[layer - 1:]))
        step.figure = Network(LAYER_CAPTION, nodes, edges, decimals=D)


def _matrix_text(m: list[list[float]]) -> str:
    return "[" + ", ".join([vec(row) for row in m]) + "]"


KIND = MlpForward(
    name="mlp_forward",
    summary=T("The output of a small fully connected network (one or two hidden layers).",
              "小型全连接网络(一到两个隐藏层)的前向输出。"),
    params=(
        Param("x", "vector", "the input, I values"),
        Param("W1", "matrix", "weights into the first hidden layer, H1×I (row j feeds unit j)"),
        Param("b1", "vector", "biases of the first hidden layer, H1 values"),
        Param("W2", "matrix", "weights into the next layer (output layer, or second hidden layer if W3 is "
              "given), H2×H1"),
        Param("b2", "vector", "biases of that layer, H2 values"),
        Param("W3", "matrix", "weights into the output layer when there are two hidden layers, O×H2",
              default=None),
        Param("b3", "vector", "biases of the output layer when there are two hidden layers, O values",
              default=None),
        Param("activation", "choice", "activation of the hidden layers: " + ", ".join(ACTIVATIONS),
              choices=ACTIVATIONS),
        Param("output_activation", "choice", "activation of the output layer: "
              + ", ".join(OUTPUT_ACTIVATIONS), default="identity", choices=OUTPUT_ACTIVATIONS),
    ),
    knobs=(
        Knob("inputs", "int", {"min": 2, "max": 4}, "input size I"),
        Knob("hidden_layers", "int", [1, 1, 2], "number of hidden layers (1 or 2)"),
        Knob("hidden_units", "int", {"min": 2, "max": 3}, "units per hidden layer"),
        Knob("outputs", "int", {"min": 1, "max": 2}, "output units"),
        Knob("activation", "choice", list(ACTIVATIONS), "hidden activation", ACTIVATIONS),
        Knob("output_activation", "choice", ["identity", "same"],
             "output activation; 'same' uses the hidden one", ("same", *OUTPUT_ACTIVATIONS)),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "input values (never 0)"),
        Knob("weights", "number", {"min": -1, "max": 1, "step": 0.5}, "weights (never 0)"),
        Knob("biases", "number", {"min": -1, "max": 1, "step": 0.5}, "biases"),
    ),
    decimals=4,
    figures=("network",),
)
