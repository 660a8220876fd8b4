"""vanishing_gradient: the gradient that reaches the input of a chain of layers, the product of
their local derivatives, without and with identity shortcuts (then Π(1 + ∂Fᵢ/∂h)).

The numbers are few and small, so the solver works on Python floats (IEEE float64, as
NumPy's float64) instead of paying NumPy's per-call overhead.
"""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.nnmath import all_finite, sigmoid
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, vec
from studyapp.core.steps import Step

D = 6  # decimals of the intermediate values in the worked solutions


def chain_forward(x: float, w: list[float], b: list[float], residual: bool) -> tuple[list[float], ...]:
    """(inputs hᵢ₋₁, zᵢ, σ(zᵢ), local factors ∂hᵢ/∂hᵢ₋₁ without the shortcut's 1) per layer."""
    h, hs, zs, ss, ds = x, [], [], [], []
    for wi, bi in zip(w, b, strict=True):
        z = wi * h + bi
        s = sigmoid(z)
        hs.append(h)
        zs.append(z)
        ss.append(s)
        ds.append(wi * s * (1 - s))
        h = h + s if residual else s
    return hs, zs, ss, ds


def _prod(values: list[float]) -> float:
    out = 1.0
    for v in values:
        out *= v
    return out


def _biases(p: dict[str, Any]) -> list[float]:
    return p["b"] if p.get("b") is not None else [0.0] * len(p["w"])


class VanishingGradient(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("layers")
        if k.pick("mode") == "given":
            return {"mode": "given", "local": k.values("local", (n,), avoid_zero=True)}
        return {"mode": "sigmoid", "x": k.pick("x"), "w": k.values("weights", (n,), avoid_zero=True),
                "b": k.values("biases", (n,))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["mode"] == "given":
            if p["local"] is None:
                errors.append("mode 'given' needs local: the local derivative ∂Fᵢ/∂h of every layer")
            for name in ("x", "w", "b"):
                if p[name] is not None:
                    errors.append(f"{name} is only used in mode 'sigmoid' (mode 'given' takes local)")
            if not errors and not all_finite(*self._answer(p)):
                errors.append("the product of the local derivatives overflows a float: use smaller values")
            return errors
        for name in ("x", "w"):
            if p[name] is None:
                errors.append(f"mode 'sigmoid' needs {name}")
        if p["local"] is not None:
            errors.append("local is only used in mode 'given' (mode 'sigmoid' takes x, w and b)")
        if p["w"] is not None and p["b"] is not None and len(p["b"]) != len(p["w"]):
            errors.append(f"b must have {len(p['w'])} biases, one per layer (as w), got {len(p['b'])}")
        if not errors and not all_finite(*self._answer(p)):
            errors.append("the gradient overflows a float: use smaller weights")
        return errors

    @staticmethod
    def _answer(p: dict[str, Any]) -> tuple[float, float]:
        if p["mode"] == "given":
            return _prod(p["local"]), _prod([1 + v for v in p["local"]])
        x, w, b = float(p["x"]), p["w"], _biases(p)
        plain = _prod(chain_forward(x, w, b, False)[3])
        return plain, _prod([1 + d for d in chain_forward(x, w, b, True)[3]])

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        if p["mode"] == "given":
            n, loc = len(p["local"]), vec(p["local"])
            if lang == "zh":
                return (f"一个 {n} 层的链式网络,反向传播时每流经一层,梯度都要乘以该层的局部导数 ∂Fᵢ/∂h,"
                        f"依次为 {loc}。残差网络给每一层加上恒等捷径:Hᵢ(h) = Fᵢ(h) + h。"
                        f"分别求普通链和残差链中,从输出传回输入(第 1 层)的梯度是输出处梯度的多少倍。"
                        f"按“plain: …; residual: …”作答。{decimals_clause(lang, decimals)}")
            return (f"In a chain of {n} layers, backpropagation multiplies the gradient by each layer's "
                    f"local derivative ∂Fᵢ/∂h, which are {loc}. A residual network wraps every layer in an "
                    f"identity shortcut, Hᵢ(h) = Fᵢ(h) + h. By what factor is the gradient at the output "
                    f"multiplied when it reaches the input (layer 1), in the plain chain and in the residual "
                    f"chain? "
                    f"Answer as “plain: …; residual: …”. {decimals_clause(lang, decimals)}")
        n = len(p["w"])
        x, w, b = num(p["x"]), vec(p["w"]), vec(_biases(p))
        if lang == "zh":
            return (f"一条由 {n} 个单神经元 sigmoid 层组成的链:h₀ = x = {x},hᵢ = σ(wᵢ·hᵢ₋₁ + bᵢ),"
                    f"w = {w},b = {b}。残差版本用同样的权重,但每层加一条恒等捷径:"
                    f"hᵢ = hᵢ₋₁ + σ(wᵢ·hᵢ₋₁ + bᵢ)。分别求两条链传到输入的梯度 ∂h{sub(n)}/∂x。"
                    f"按“plain: …; residual: …”作答。{decimals_clause(lang, decimals)}")
        return (f"A chain of {n} one-neuron sigmoid layers computes h₀ = x = {x}, hᵢ = σ(wᵢ·hᵢ₋₁ + bᵢ) with "
                f"w = {w} and b = {b}. A residual version with the same weights adds an identity shortcut "
                f"around every layer: hᵢ = hᵢ₋₁ + σ(wᵢ·hᵢ₋₁ + bᵢ). For each chain compute the gradient "
                f"∂h{sub(n)}/∂x that reaches the input. Answer as “plain: …; residual: …”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        if p["mode"] == "given":
            return self._solve_given(p["local"])
        x, w, b = float(p["x"]), p["w"], _biases(p)
        steps: list[Step] = []
        answer = {}
        for residual in (False, True):
            hs, zs, ss, ds = chain_forward(x, w, b, residual)
            n = len(w)
            fwd, loc = [], []
            factors = [1 + d for d in ds] if residual else ds
            outs = [h + s for h, s in zip(hs, ss, strict=True)] if residual else ss
            for i in range(n):
                k = sub(i + 1)
                zf, sf = num(zs[i], D), num(ss[i], D)
                head = f"z{k} = {paren(w[i])}·{paren(hs[i], D)} + {paren(b[i])} = {zf}; "
                if residual:
                    fwd.append(head + f"h{k} = h{sub(i)} + σ(z{k}) = {num(hs[i], D)} + {sf} "
                                      f"= {num(outs[i], D)}")
                    loc.append(f"∂h{k}/∂h{sub(i)} = 1 + σ'(z{k})·w{k} = 1 + {sf}·(1 − {sf})·{paren(w[i])} "
                               f"= {num(factors[i], D)}")
                else:
                    fwd.append(head + f"h{k} = σ(z{k}) = {sf}")
                    loc.append(f"∂h{k}/∂h{sub(i)} = σ'(z{k})·w{k} = {sf}·(1 − {sf})·{paren(w[i])} "
                               f"= {num(factors[i], D)}")
            total = _prod(factors)
            product = " × ".join([paren(f, D) for f in factors])
            if residual:
                answer["residual"] = total
                steps += [
                    Step(T("Residual chain: forward pass (the shortcut adds hᵢ₋₁)",
                           "残差链:前向传播(捷径加上 hᵢ₋₁)"), "zᵢ = wᵢ·hᵢ₋₁ + bᵢ,  hᵢ = hᵢ₋₁ + σ(zᵢ)",
                         "\n".join(fwd), outs, decimals=D),
                    Step(T("Residual chain: local derivative of each block", "残差链:每个块的局部导数"),
                         "∂hᵢ/∂hᵢ₋₁ = 1 + σ'(zᵢ)·wᵢ", "\n".join(loc), factors,
                         T("Each block adds its own 1, from the identity shortcut.",
                           "每个块都有自己的 1,来自恒等捷径。"), decimals=D),
                    Step(T("Residual chain: gradient at the input", "残差链:传到输入的梯度"),
                         f"∂h{sub(n)}/∂x = Πᵢ (1 + σ'(zᵢ)·wᵢ)", product, total,
                         T("The 1 of every shortcut keeps each factor near 1, so the product does not "
                           "vanish.",
                           "每条捷径的 1 让各因子都接近 1,乘积不会消失。"), decimals=D),
                ]
            else:
                answer["plain"] = total
                steps += [
                    Step(T("Plain chain: forward pass", "普通链:前向传播"), "zᵢ = wᵢ·hᵢ₋₁ + bᵢ,  hᵢ = σ(zᵢ)",
                         "\n".join(fwd), outs, decimals=D),
                    Step(T("Plain chain: local derivative of each layer", "普通链:每层的局部导数"),
                         "∂hᵢ/∂hᵢ₋₁ = σ'(zᵢ)·wᵢ,  σ'(z) = σ(z)(1 − σ(z))", "\n".join(loc), factors,
                         T("σ' ≤ 1/4, so each factor is at most |wᵢ|/4.",
                           "σ' ≤ 1/4,所以每个因子至多为 |wᵢ|/4。"),
                         decimals=D),
                    Step(T("Plain chain: gradient at the input (chain rule: multiply)",
                           "普通链:传到输入的梯度(链式法则:相乘)"),
                         f"∂h{sub(n)}/∂x = Πᵢ σ'(zᵢ)·wᵢ", product, total,
                         T("A product of factors below 1 shrinks geometrically with depth: the gradient "
                           "vanishes.",
                           "小于 1 的因子连乘,随深度按指数缩小:梯度消失。"), decimals=D),
                ]
        return Solution({"plain": answer["plain"], "residual": answer["residual"]}, steps)

    @staticmethod
    def _solve_given(local: list[float]) -> Solution:
        plain = _prod(local)
        factors = [1 + v for v in local]
        residual = _prod(factors)
        n = len(local)
        steps = [
            Step(T("Plain chain: multiply the local derivatives", "普通链:局部导数相乘"),
                 "∂h_n/∂x = Πᵢ ∂Fᵢ/∂h", " × ".join([paren(v) for v in local]), plain,
                 T(f"{n} factors below 1 multiply to a tiny number: the gradient vanishes.",
                   f"{n} 个小于 1 的因子相乘得到很小的数:梯度消失。"), decimals=D),
            Step(T("Residual chain: local derivative of each block", "残差链:每个块的局部导数"),
                 "H(h) = F(h) + h  ⇒  ∂H/∂h = ∂F/∂h + 1",
                 ", ".join([f"{num(v)} + 1" for v in local]), factors,
                 T("Each block adds its own 1, from its own shortcut.",
                   "每个块都有自己的 1,来自它自己的捷径。"),
                 decimals=D),
            Step(T("Residual chain: multiply the block derivatives", "残差链:各块导数相乘"),
                 "∂h_n/∂x = Πᵢ (∂Fᵢ/∂h + 1)", " × ".join([paren(v, D) for v in factors]), residual,
                 T("Expanded, the product holds the term 1: a path along the shortcuts alone, on which the "
                   "gradient reaches the input undiminished.",
                   "展开后乘积中含有 1 这一项:只走捷径的那条路径,梯度原样到达输入。"), decimals=D),
        ]
        return Solution({"plain": plain, "residual": residual}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        summed = T("The chain rule multiplies the layers' local derivatives; it does not add them.",
                   "链式法则是把各层局部导数相乘,而不是相加。")
        once = T("Every block has its own shortcut, so the + 1 goes into every factor: Π(1 + ∂Fᵢ/∂h), "
                 "not 1 + Π ∂Fᵢ/∂h.", "每个块都有自己的捷径,每个因子都要 + 1:Π(1 + ∂Fᵢ/∂h),"
                 "而不是 1 + Π ∂Fᵢ/∂h。")
        no_shortcut = T("The shortcut adds 1 to each block's derivative: ∂H/∂h = ∂F/∂h + 1.",
                        "捷径让每个块的导数加 1:∂H/∂h = ∂F/∂h + 1。")
        if p["mode"] == "given":
            loc = p["local"]
            plain = _prod(loc)
            return [
                Mistake("vg.summed", summed,
                        {"plain": sum(loc), "residual": sum(loc) + len(loc)}, 0),
                Mistake("vg.residual_plus_one_once", once, {"plain": plain, "residual": 1 + plain}, 1),
                Mistake("vg.residual_no_shortcut", no_shortcut, {"plain": plain, "residual": plain}, 1),
            ]
        x, w, b = float(p["x"]), p["w"], _biases(p)
        _, _, sp, dp = chain_forward(x, w, b, False)
        _, _, sr, dr = chain_forward(x, w, b, True)
        plain = _prod(dp)
        return [
            Mistake("vg.summed", summed, {"plain": sum(dp), "residual": sum(dr) + len(dr)}, 2),
            Mistake("vg.forgot_weights",
                    T("Each layer's local derivative is σ'(zᵢ)·wᵢ: the weight wᵢ multiplies in too.",
                      "每层的局部导数是 σ'(zᵢ)·wᵢ:权重 wᵢ 也要乘进去。"),
                    {"plain": _prod([s * (1 - s) for s in sp]),
                     "residual": _prod([1 + s * (1 - s) for s in sr])}, 1),
            Mistake("vg.residual_plus_one_once", once, {"plain": plain, "residual": 1 + _prod(dr)}, 4),
            Mistake("vg.residual_used_plain_forward",
                    T("The shortcut changes the forward pass (hᵢ = hᵢ₋₁ + σ(zᵢ)), so the residual chain's zᵢ "
                      "differ from the plain chain's: run its own forward pass.",
                      "捷径改变了前向传播(hᵢ = hᵢ₋₁ + σ(zᵢ)),残差链的 zᵢ 与普通链不同:要单独做前向传播。"),
                    {"plain": plain, "residual": _prod([1 + d for d in dp])}, 3),
            Mistake("vg.residual_no_shortcut", no_shortcut, {"plain": plain, "residual": _prod(dr)}, 4),
        ]


KIND = VanishingGradient(
    name="vanishing_gradient",
    summary=T("The gradient reaching the input of a deep chain, without and with identity shortcuts.",
              "深层链式网络传到输入的梯度:有无恒等捷径的对比。"),
    params=(
        Param("mode", "choice", "sigmoid: one-neuron sigmoid layers from x, w, b; given: local derivatives",
              default="sigmoid", choices=("sigmoid", "given")),
        Param("x", "number", "sigmoid mode: the input h₀", default=None),
        Param("w", "vector", "sigmoid mode: the weight of each layer, from layer 1", default=None),
        Param("b", "vector", "sigmoid mode: the bias of each layer (default all 0)", default=None),
        Param("local", "vector", "given mode: the local derivative ∂Fᵢ/∂h of each layer", default=None),
    ),
    knobs=(
        Knob("mode", "choice", ["sigmoid", "given"], "which chain", ("sigmoid", "given")),
        Knob("layers", "int", {"min": 2, "max": 4}, "number of layers n"),
        Knob("x", "number", {"min": -1, "max": 1, "step": 0.5}, "sigmoid mode: input x"),
        Knob("weights", "number", {"min": -2, "max": 2, "step": 0.5}, "sigmoid mode: weights (never 0)"),
        Knob("biases", "number", 0, "sigmoid mode: biases"),
        Knob("local", "number", {"min": 0.1, "max": 0.5, "step": 0.1}, "given mode: local derivatives"),
    ),
    decimals=6,  # the plain chain's gradient is small by design
)
