"""Grading a class: 500 students × 20 problems, from the answers CSV to every output (gradebook.csv,
gradebook.html, a feedback sheet per student, the JSON), as a teacher runs it: ``studyapp grade`` in
a process of its own. Prints JSON lines {"name", "value", "unit"} (and "goal")."""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import line  # noqa: E402

STUDENTS, PROBLEMS = 500, 20


def answers_csv(sheets: Path) -> str:
    """Every student's answers: a fifth right, a fifth by a known mistake, the rest wrong, unreadable
    or blank, so that grading diagnoses as much as a real class would make it."""
    from studyapp.core.content_files import study_files
    from studyapp.core.gradebook import read_key
    from studyapp.core.library import load_library
    from studyapp.core.numfmt import format_answer
    from studyapp.core.problems import generate

    templates = {t.id: t for t in load_library(study_files(())).templates}
    rows: dict[str, list[str]] = {}
    for i, k in enumerate(read_key((sheets / "answer-key.csv").read_text(encoding="utf-8"))):
        template_id, _, seed = k.problem_id.rpartition("@")
        p = generate(templates[template_id], int(seed))
        mistakes = p.kind.mistakes(p.params)
        plan = i % 5
        if plan == 1 and mistakes:
            text = format_answer(mistakes[0].answer, p.decimals)
        else:
            text = k.answer if plan == 0 else "7" if plan in (1, 2) else "what?" if plan == 3 else ""
        rows.setdefault(k.student, []).append(text)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["student", *map(str, range(1, PROBLEMS + 1))])
    for student, cells in rows.items():
        w.writerow([student, *cells])
    return out.getvalue()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    studyapp = [sys.executable, "-m", "studyapp"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([*studyapp, "generate", "--students", str(STUDENTS), "--count", str(PROBLEMS),
                        "--seed", "7", "--format", "json", "--out", str(folder / "sheets")],
                       check=True, capture_output=True)
        (folder / "answers.csv").write_text(answers_csv(folder / "sheets"), encoding="utf-8")
        best = float("inf")
        for round_ in range(3):
            out = folder / f"results-{round_}"
            start = time.perf_counter()
            done = subprocess.run([*studyapp, "grade", str(folder / "sheets"), "--answers",
                                   str(folder / "answers.csv"), "--out", str(out), "--format", "json"],
                                  capture_output=True)
            best = min(best, time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(done.stderr.decode())
        line("grade_500x20_s", best, "s", "<= 5 s")


if __name__ == "__main__":
    main()
