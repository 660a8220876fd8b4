"""Variety and triviality of every bundled problem template: for each, 2,000 seeds (0 … 1999)
drawn, the distinct answers (rounded to the asked decimals) and the degenerate ones (an all-zero
answer, a value that rounds to 0, a schedule that is 0 by definition, an unaddressed tie, a
derivative at a kink: see tests/core/problem_sweep.py, which the tests use too).

    .venv/bin/python bench/problem_sweep.py            # a table, one template a line
    .venv/bin/python bench/problem_sweep.py --json     # JSON lines {"template", "distinct", ...}
    .venv/bin/python bench/problem_sweep.py --seeds 500

Exit status 1 when a template has a degenerate answer or is below the floor of 200 distinct
answers without a declared reason (`few_answers:` in its YAML).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sweep_module():
    spec = importlib.util.spec_from_file_location(
        "problem_sweep", HERE.parent / "tests" / "core" / "problem_sweep.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["problem_sweep"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=2_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ps = sweep_module()
    from studyapp.core.library import load_library

    failed = 0
    start = time.perf_counter()
    for template in load_library().templates:
        result = ps.sweep(template, args.seeds)
        excuse = getattr(template, "few_answers", None)
        low = result.distinct < ps.FLOOR * args.seeds / ps.SEEDS and not excuse
        failed += bool(result.degenerate) or low
        first = next(iter(result.degenerate.items()), None)
        if args.json:
            print(json.dumps({"template": template.id, "kind": template.kind,
                              "distinct": result.distinct, "degenerate": len(result.degenerate),
                              "first": first, "few_answers": excuse is not None}))
        else:
            note = f"seed {first[0]}: {first[1][0]}" if first else ""
            flag = "*" if excuse else ("<" if low else " ")
            print(f"{template.id:34} {template.kind:24} {result.distinct:6}{flag} "
                  f"{len(result.degenerate):5}  {note}")
    if not args.json:
        print(f"# {time.perf_counter() - start:.1f} s; distinct answers (* = few_answers declared, "
              f"< = below the floor), degenerate count, first degenerate seed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
