"""The few words a figure writes itself (axis and key labels, box roles), in each language; the
captions come with the figures."""

from __future__ import annotations

WORDS = {
    "en": {"slope": "slope", "before": "before", "after": "after", "box": "box", "truth": "truth",
           "kept": "kept", "dropped": "dropped", "overlap": "overlap", "centre": "centre",
           "tangent": "tangent", "secant": "secant"},
    "zh": {"slope": "斜率", "before": "之前", "after": "之后", "box": "框", "truth": "真实框",
           "kept": "保留", "dropped": "舍弃", "overlap": "重叠", "centre": "中心",
           "tangent": "切线", "secant": "割线"},
}
