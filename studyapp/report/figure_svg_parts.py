"""The pieces every figure's SVG is made of (``figure_svg``, ``figure_svg_plots``): sizes, the
words a figure writes in each language, and the elements, every text escaped."""

from __future__ import annotations

from functools import lru_cache
from unicodedata import east_asian_width

from studyapp.report.figure_words import WORDS as WORDS  # re-exported for the drawings
from studyapp.report.svg import _e, _num

FONT = 11  # px, cell numbers and labels
CELL = 28  # px, a grid cell's height and least width
MAX_WIDTH = 760  # px, the worksheet's text column: grids wrap to a new row past it
WORK_FONT = 10.5  # px, the line of work under a grid ("worktext": a sheet's .work is its work space)
Drawn = tuple[list[str], float, float]  # the SVG elements, width, height



@lru_cache(maxsize=8192)  # figures measure the same numbers and names over and over
def text_width(text: str, size: float = FONT) -> float:
    """About how wide ``text`` is drawn: CJK characters a full em, the rest ~0.6 em."""
    return sum(size if east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def svg_text(x: float, y: float, text: str, cls: str = "", anchor: str = "", attrs: str = "") -> str:
    attrs += (f' class="{cls}"' if cls else "") + (f' text-anchor="{anchor}"' if anchor else "")
    return f'<text{attrs} x="{_num(x)}" y="{_num(y)}">{_e(text)}</text>'


def svg_rect(x: float, y: float, w: float, h: float, cls: str) -> str:
    return f'<rect class="{cls}" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}"/>'


def svg_line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line class="{cls}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>'


def svg_circle(x: float, y: float, r: float, cls: str) -> str:
    return f'<circle class="{cls}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>'
