"""The layout of core/kinds: one module per kind, named after it and exporting it as KIND; a kind
imports only the shared modules below the kinds, never another kind."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import studyapp.core.kinds
from studyapp.core.kinds import KINDS

FOLDER = Path(studyapp.core.kinds.__file__).parent
SHARED = {"base", "checks", "conv_sizes", "knobs", "like_numpy", "nnmath", "rawbits", "wording",
          "window_figures", "net_figures"}
PAIRS = {"softmax": {"softmax", "softmax_cross_entropy"}}  # one computation, two questions


def module_of(kind) -> str:
    return type(kind).__module__.removeprefix("studyapp.core.kinds.")


def kinds_modules_imported_by(path: Path) -> set[str]:
    """The modules of studyapp.core.kinds that ``path`` imports ("" for the package itself)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("studyapp.core.kinds"):
            found.add(node.module.removeprefix("studyapp.core.kinds").lstrip("."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("studyapp.core.kinds").lstrip(".") for a in node.names
                      if a.name.startswith("studyapp.core.kinds")}
    return found


def test_every_kind_lives_in_the_module_of_its_name():
    for name, kind in KINDS.items():
        module = module_of(kind)
        if module in PAIRS:
            assert name in PAIRS[module]
        else:
            assert module == name
            assert importlib.import_module(f"studyapp.core.kinds.{module}").KIND is kind


def test_the_folder_holds_the_kinds_and_the_shared_modules_only():
    files = {p.stem for p in FOLDER.glob("*.py")} - {"__init__"}
    assert files == SHARED | {module_of(kind) for kind in KINDS.values()}


def test_kinds_never_import_kinds():
    for path in sorted(FOLDER.glob("*.py")):
        if path.name != "__init__.py":
            assert kinds_modules_imported_by(path) <= SHARED, path.name
