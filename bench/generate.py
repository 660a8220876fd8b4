"""Speed of exercise-set generation; prints JSON lines {"name", "value", "unit"}.

- generate_rate_best / _median: 10,000 mixed problems from every bundled template, each
  with its worked solution, serialised as the exercise-set JSON, on one core, after
  start-up; five rounds with different seeds.
- generate_process_rate_median: the same as whole processes, `studyapp generate --count 50000
  --format json` to a file, start-up and writing included; the median of five seeds.
- cli_generate_20: wall time of the whole process `studyapp generate --count 20`.
- cli_help: wall time of `studyapp --help` (must not import NumPy/YAML or load content).
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        size = len(text)
    line("generate_rate_best", max(rates), "problems/s")
    line("generate_rate_median", statistics.median(rates), "problems/s")
    line("generate_templates", len(templates), "templates")
    line("generate_json_bytes", size, "bytes")


def bench_process(rounds: int = 5, count: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "set.json"
        rates = []
        for seed in range(rounds):
            argv = [sys.executable, "-m", "studyapp", "generate", "--count", str(count), "--seed",
                    str(seed), "--format", "json", "--out", str(out), "--force"]
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            rates.append(count / (time.perf_counter() - start))
    line("generate_process_rate_median", statistics.median(rates), "problems/s")


def wall(argv: list[str], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    bench_generate()
    bench_process()
    cli = [sys.executable, "-m", "studyapp"]
    line("cli_generate_20", wall([*cli, "generate", "--count", "20", "--seed", "1"]), "s")
    line("cli_help", wall([*cli, "--help"]), "s")


if __name__ == "__main__":
    main()
