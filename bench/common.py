"""What the bench scripts share: one JSON line per figure, and bench/store.py's builder of a
year of history (loaded as a module, since bench/ is a folder of scripts, not a package)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def line(name: str, value: float, unit: str, goal: str | None = None) -> None:
    out: dict[str, object] = {"name": name, "value": round(value, 4), "unit": unit}
    if goal is not None:
        out["goal"] = goal
    print(json.dumps(out), flush=True)


def store_bench() -> ModuleType:
    """The bench/store.py module (its synthetic year of history)."""
    spec = importlib.util.spec_from_file_location("bench_store", HERE / "store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
