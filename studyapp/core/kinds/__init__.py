"""The registry of problem kinds, by name."""

from __future__ import annotations

from studyapp.core.kinds.activation import KIND as ACTIVATION
from studyapp.core.kinds.backprop import BACKPROP_STEP
from studyapp.core.kinds.base import Kind, Knobs, Param, ParamError, Solution
from studyapp.core.kinds.batch_norm import BATCH_NORM
from studyapp.core.kinds.conv import CONV2D, CONV_OUTPUT_SIZE, CONV_PARAM_COUNT
from studyapp.core.kinds.losses_grads import KINDS_LOSSES_GRADS
from studyapp.core.kinds.networks import KINDS_NETWORKS
from studyapp.core.kinds.pool import POOL2D
from studyapp.core.kinds.softmax import SOFTMAX, SOFTMAX_CROSS_ENTROPY
from studyapp.core.kinds.training_math import KINDS_TRAINING_MATH
from studyapp.core.kinds.units import KINDS_UNITS
from studyapp.core.kinds.vision import KINDS_VISION

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (ACTIVATION, SOFTMAX, SOFTMAX_CROSS_ENTROPY, CONV2D, CONV_OUTPUT_SIZE,
              CONV_PARAM_COUNT, POOL2D, BATCH_NORM, BACKPROP_STEP, *KINDS_NETWORKS, *KINDS_VISION,
              *KINDS_LOSSES_GRADS, *KINDS_UNITS, *KINDS_TRAINING_MATH)
}

__all__ = ["KINDS", "Kind", "Knobs", "Param", "ParamError", "Solution", "get_kind"]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ParamError(f"unknown kind '{name}' (known: {', '.join(KINDS)})") from None
