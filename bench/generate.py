"""Speed of exercise-set generation; prints JSON lines {"name", "value", "unit"}.

- generate_rate_best / _median: 10,000 mixed problems from every bundled template, each
  with its worked solution, serialised as the exercise-set JSON, on one core, after
  start-up; five rounds with different seeds.
- cli_generate_20: wall time of the whole process `studyapp generate --count 20`.
- cli_help: wall time of `studyapp --help` (must not import NumPy/YAML or load content).
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time

COUNT = 10_000


def line(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


def bench_generate(rounds: int = 5) -> None:
    from studyapp.core.library import load_library
    from studyapp.core.problems import iter_exercise_set
    from studyapp.report.worksheet import exercise_set_json

    templates = load_library().templates
    gc.freeze()  # as `studyapp generate` does once start-up is over
    rates, size = [], 0
    for seed in range(rounds):  # this machine is shared and noisy: report the best and the median
        start = time.perf_counter()
        text = exercise_set_json(iter_exercise_set(templates, COUNT, seed), seed, "en")
        rates.append(COUNT / (time.perf_counter() - start))
        size = len(text.encode())
    line("generate_rate_best", max(rates), "problems/s")
    line("generate_rate_median", statistics.median(rates), "problems/s")
    line("generate_templates", len(templates), "templates")
    line("generate_json_bytes", size, "bytes")


def wall(argv: list[str], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    bench_generate()
    cli = [sys.executable, "-m", "studyapp"]
    line("cli_generate_20", wall([*cli, "generate", "--count", "20", "--seed", "1"]), "s")
    line("cli_help", wall([*cli, "--help"]), "s")


if __name__ == "__main__":
    main()
