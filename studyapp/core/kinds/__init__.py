"""The registry of problem kinds, by name, in the order `studyapp kinds` lists them.

Each kind lives in the module of its name and is exported as ``KIND``; softmax.py holds softmax and
softmax_cross_entropy, two questions on one computation. Below the kinds sit base (what a kind is),
knobs (the draws of a template's settings) and rawbits (the seeded stream they come from), nnmath
(shared numbers), like_numpy (NumPy's arithmetic on plain floats), conv_sizes, checks and wording.
No kind imports another.
"""

from __future__ import annotations

from studyapp.core.kinds import (
    activation,
    backprop_step,
    batch_norm,
    batch_norm_features,
    binary_cross_entropy,
    center_loss,
    chain_rule,
    conv2d,
    conv2d_multi,
    conv_output_size,
    conv_param_count,
    fc_vs_conv_params,
    inception_cost,
    iou_nms,
    l2_regularization,
    logic_gate,
    lr_schedule,
    maxout,
    minibatch,
    mlp_forward,
    mse_vs_ce_gradient,
    one_hot,
    optimizer_step,
    perceptron,
    pool2d,
    prelu,
    residual_block,
    selu_stats,
    sigmoid_tanh_identity,
    softmax,
    vanishing_gradient,
    xavier_init,
    yolo_grid,
)
from studyapp.core.kinds.base import Kind, Knobs, Param, ParamError, Solution

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        # the foundation: activations, softmax, convolution, pooling, batch norm, backprop
        activation.KIND,
        softmax.SOFTMAX,
        softmax.SOFTMAX_CROSS_ENTROPY,
        conv2d.KIND,
        conv_output_size.KIND,
        conv_param_count.KIND,
        pool2d.KIND,
        batch_norm.KIND,
        backprop_step.KIND,
        # networks
        perceptron.KIND,
        logic_gate.KIND,
        mlp_forward.KIND,
        chain_rule.KIND,
        one_hot.KIND,
        # vision
        conv2d_multi.KIND,
        fc_vs_conv_params.KIND,
        iou_nms.KIND,
        yolo_grid.KIND,
        inception_cost.KIND,
        # losses and gradients
        binary_cross_entropy.KIND,
        mse_vs_ce_gradient.KIND,
        sigmoid_tanh_identity.KIND,
        vanishing_gradient.KIND,
        residual_block.KIND,
        center_loss.KIND,
        # units and their set-up
        maxout.KIND,
        prelu.KIND,
        selu_stats.KIND,
        xavier_init.KIND,
        batch_norm_features.KIND,
        # training arithmetic
        minibatch.KIND,
        lr_schedule.KIND,
        l2_regularization.KIND,
        optimizer_step.KIND,
    )
}

__all__ = ["KINDS", "Kind", "Knobs", "Param", "ParamError", "Solution", "get_kind"]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ParamError(f"unknown kind '{name}' (known: {', '.join(KINDS)})") from None
