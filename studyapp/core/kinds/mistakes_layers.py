"""The usual mistakes of the layer kinds (convolution, pooling, batch norm, backprop)."""

from __future__ import annotations

from typing import Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.backprop import forward
from studyapp.core.kinds.conv import conv2d, output_size
from studyapp.core.kinds.pool import pool2d


def conv_output_size(p: dict[str, Any]) -> list[Mistake]:
    w, f, pad, s = p["input_size"], p["kernel_size"], p["padding"], p["stride"]
    return [
        Mistake("conv.forgot_plus_one", T("W₂ = ⌊(W − F + 2P)/S⌋ + 1: the + 1 is missing.",
                                          "W₂ = ⌊(W − F + 2P)/S⌋ + 1:漏了 + 1。"), (w - f + 2 * pad) // s, 0),
        Mistake("conv.forgot_padding", T("The zero padding adds 2P to the width: W − F + 2P.",
                                         "零填充使宽度增加 2P:应为 W − F + 2P。"), (w - f) // s + 1, 0),
        Mistake("conv.padding_once", T("Padding is added on both sides: 2P, not P.", "两侧都要填充:是 2P,不是 P。"),
                (w - f + pad) // s + 1, 0),
        Mistake("conv.divided_first", T("Subtract F and add 2P before dividing by the stride.",
                                        "先减 F、加 2P,再除以步幅。"), w // s - f + 2 * pad + 1, 0),
    ]


def conv_param_count(p: dict[str, Any]) -> list[Mistake]:
    f, c, k, b = p["kernel_size"], p["in_channels"], p["filters"], int(p["bias"])
    out = [
        Mistake("conv.params_forgot_channels",
                T("A filter spans every input channel: F·F·C weights, not F·F.",
                  "每个 filter 覆盖所有输入通道:权重是 F·F·C,不是 F·F。"), (f * f + b) * k, 0),
        Mistake("conv.params_bias_per_channel", T("There is one bias per filter, not one per channel.",
                                                  "每个 filter 只有一个偏置,不是每个通道一个。"),
                (f * f + b) * c * k, 1),
    ]
    if b:
        out.append(Mistake("conv.params_forgot_bias", T("Each filter also has a bias: + 1 per filter.",
                                                        "每个 filter 还有一个偏置:每个加 1。"), f * f * c * k, 1))
    return out


def conv2d_mistakes(p: dict[str, Any]) -> list[Mistake]:
    x = np.asarray(p["input"], dtype=float)
    w = np.asarray(p["kernel"], dtype=float)
    b, s, pad, act = float(p["bias"]), p["stride"], p["padding"], p["activation"]
    first_row = 2 if pad else 1

    def run(**kw: Any) -> list:
        args = {"x": x, "w": w, "b": b, "s": s, "p": pad, "act": act, **kw}
        return conv2d(**args).tolist()

    out = [
        Mistake("conv.flipped_kernel", T("This is true convolution (kernel flipped); CNN layers cross-correlate: "
                                         "no flip.", "这是翻转卷积核的数学卷积;CNN 中用的是互相关,不翻转。"),
                run(w=w[:, ::-1, ::-1]), first_row),
        Mistake("conv.forgot_bias", T("Add the bias b to every window's sum.", "每个窗口的和都要加上偏置 b。"),
                run(b=0.0), first_row),
    ]
    if pad:
        out.append(Mistake("conv.ignored_padding", T("Pad the input with zeros first.", "先在输入四周补零。"),
                           run(p=0), 0))
    if s > 1:
        out.append(Mistake("conv.ignored_stride", T(f"The window moves {s} positions at a time.",
                                                    f"窗口每次移动 {s} 格。"), run(s=1), first_row))
    if act == "relu":
        out.append(Mistake("conv.forgot_relu", T("Apply ReLU to every entry: negatives become 0.",
                                                 "每个元素都要过 ReLU:负数变为 0。"), run(act="identity"), first_row))
    else:
        out.append(Mistake("conv.relu_not_asked", T("The activation is the identity: keep negative values.",
                                                    "激活函数是恒等函数:负数要保留。"), run(act="relu"), first_row))
    return out


def pool2d_mistakes(p: dict[str, Any]) -> list[Mistake]:
    x = np.asarray(p["input"], dtype=float)
    size, stride, mode = p["size"], p["stride"], p["mode"]
    other = "avg" if mode == "max" else "max"
    out = [Mistake(f"pool.{other}_for_{mode}",
                   T(f"This is {other} pooling; the question asks for {mode} pooling.",
                     f"这是{'平均' if other == 'avg' else '最大'}池化;题目要求{'最大' if mode == 'max' else '平均'}池化。"),
                   pool2d(x, size, stride, other).tolist(), 1)]
    if stride != size and output_size(x.shape[0], size, 0, size) >= 1:
        out.append(Mistake("pool.stride_is_size",
                           T(f"The stride is {stride}, not the window size {size}.",
                             f"步幅是 {stride},不是窗口大小 {size}。"), pool2d(x, size, size, mode).tolist(), 0))
    return out


def batch_norm_mistakes(p: dict[str, Any]) -> list[Mistake]:
    x = np.asarray(p["x"], dtype=float)
    g, b, eps = float(p["gamma"]), float(p["beta"]), float(p["eps"])
    mean = float(x.mean())
    var = float(x.var())
    unbiased = float(x.var(ddof=1))
    xhat = (x - mean) / np.sqrt(var + eps)
    out = [
        Mistake("bn.unbiased_variance", T("Batch norm divides by m, not m − 1 (the biased variance).",
                                          "批归一化除以 m,不是 m − 1(有偏方差)。"),
                {"mean": mean, "var": unbiased, "y": (g * (x - mean) / np.sqrt(unbiased + eps) + b).tolist()}, 2),
        Mistake("bn.std_for_var", T("var is σ², not the standard deviation σ.", "var 是方差 σ²,不是标准差 σ。"),
                {"mean": mean, "var": float(np.sqrt(var)), "y": (g * xhat + b).tolist()}, 2),
    ]
    if (g, b) != (1.0, 0.0):
        out.append(Mistake("bn.forgot_gamma_beta", T("Scale by γ and shift by β after normalising.",
                                                     "归一化之后还要乘 γ、加 β。"),
                           {"mean": mean, "var": var, "y": xhat.tolist()}, 5))
    return out


def backprop_mistakes(p: dict[str, Any]) -> list[Mistake]:
    x, t = np.asarray(p["x"], dtype=float), np.asarray(p["target"], dtype=float)
    w1, b1 = np.asarray(p["W1"], dtype=float), np.asarray(p["b1"], dtype=float)
    w2, b2 = np.asarray(p["W2"], dtype=float), np.asarray(p["b2"], dtype=float)
    lr = float(p["lr"])
    _, out_h, _, out_o = forward(p)
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
                                       "梯度下降是减去 η·∂E/∂w;加上它会让损失变大。"), step(sign=1.0), 11),
        Mistake("bp.forgot_output_derivative",
                T("δ_o needs the factor out_o(1 − out_o), the derivative of the output sigmoid.",
                  "δ_o 要乘以输出层 sigmoid 的导数 out_o(1 − out_o)。"), step(output_sigma=False), 5),
        Mistake("bp.used_updated_w2", T("δ_h uses W2 as it was before this step's update.",
                                        "计算 δ_h 要用本步更新之前的 W2。"), step(updated_w2=True), 8),
        Mistake("bp.loss_without_half", T("E = Σ ½(target − out)²: the ½ is missing.", "E = Σ ½(target − out)²:漏了 ½。"),
                {**step(), "loss": 2 * loss}, 4),
    ]



