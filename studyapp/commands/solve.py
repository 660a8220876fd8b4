"""``studyapp solve``: your own numbers of a problem kind, with a worked solution, and the grade of
your ``--answer`` with the mistake behind a wrong one.

The exit status says the grade: 0 right (or no answer given), 1 wrong, 2 unreadable or any other
usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studyapp.commands.common import UsageError, add_options, unknown

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (3 ms of --help)
if TYPE_CHECKING:
    from studyapp.core.grading import Grade
    from studyapp.core.kinds.base import Kind, Solution

EPILOG = """\
exit status: 0 when the --answer is right (or none is given), 1 when it is wrong, 2 when it
cannot be read as an answer (not a number, the wrong shape or parts, empty: the reason goes to
stderr) or on any other usage error

examples:
  studyapp solve softmax --params '{"logits": [1, 2, 3]}'
  studyapp solve conv_output_size --answer 32 \\
      --params '{"input_size": 32, "kernel_size": 5, "padding": 2, "stride": 1}'
  studyapp solve activation --params '{"function": "sigmoid", "x": 0.5}' --lang zh --format md
  studyapp solve conv2d --format html --out conv.html \\
      --params '{"input": [[1, 2, 0], [0, 1, 3], [2, 1, 1]], "kernel": [[1, 0], [0, -1]], "padding": 1}'
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    solve = sub.add_parser("solve", help="solve your own numbers with a worked solution",
                           description="Solve a problem of KIND with the params you give.",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    solve.add_argument("kind", metavar="KIND", help="a problem kind (see 'studyapp kinds')")
    solve.add_argument("--params", required=True, metavar="JSON|@FILE",
                       help='the params as JSON, e.g. \'{"logits": [1, 2, 3]}\', or @file.json')
    solve.add_argument("--answer", metavar="TEXT",
                       help="grade this answer of yours and name the mistake behind a wrong one; "
                            "the exit status is then 0 if it is right, 1 if wrong, 2 if unreadable")
    solve.add_argument("--format", choices=("text", "md", "json", "html"), default="text",
                       help="html: a self-contained page with the worked solution's figures")
    solve.add_argument("--decimals", type=int, default=6, metavar="N",
                       help="decimals shown in the worked solution's answer (6)")
    add_options(solve, lang=True, out=True)
    return solve


def _read_params(spec: str) -> object:
    import json

    if spec.startswith("@"):
        path = Path(spec[1:])
        try:
            spec = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read params file {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"params file {path} is not UTF-8 text") from None
    try:
        return json.loads(spec)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--params is not valid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno} (expected e.g. '{{\"logits\": [1, 2, 3]}}')") from None
    except RecursionError:
        raise UsageError("--params is nested too deeply") from None


def run(args: argparse.Namespace) -> int:
    # The core (NumPy, every problem kind): imported when the command runs, not for --help.
    import numpy as np

    from studyapp.commands.output import emit
    from studyapp.core.check import finite
    from studyapp.core.kinds import KINDS, ParamError
    from studyapp.core.numfmt import format_answer

    if args.kind not in KINDS:
        unknown("kind", args.kind, list(KINDS))
    if not 0 <= args.decimals <= 15:
        raise UsageError(f"--decimals must be from 0 to 15 (got {args.decimals})")
    kind = KINDS[args.kind]
    raw = _read_params(args.params)
    try:
        params = kind.validate(raw)
    except ParamError as exc:
        raise UsageError(f"{args.kind}: {exc}") from None
    with np.errstate(all="ignore"):  # an overflow shows up below as a non-finite answer
        solution = kind.solve(params)
    if not finite(solution.answer):
        raise UsageError(f"{args.kind}: these params overflow float64 (the answer is not finite); "
                         "expected smaller numbers")
    answer = format_answer(solution.answer, args.decimals)
    verdict = None
    if args.answer is not None:
        from studyapp.core.problems import default_tolerance, grade_answer

        verdict = grade_answer(kind, params, solution.answer, args.answer, default_tolerance(kind))
    unread = None if verdict is None or not unreadable(verdict) else \
        UsageError(f"--answer: {verdict.message.get(args.lang)}")
    if unread and args.format != "json":  # JSON still prints the verdict, then exits 2 below
        raise unread
    emit(_text(args, kind, params, solution, answer, verdict), args.out, args.force)
    if unread:
        raise unread
    return 0 if verdict is None or verdict.correct else 1


def _text(args: argparse.Namespace, kind: Kind, params: dict, solution: Solution, answer: str,
          verdict: Grade | None) -> str:
    """The worked solution (and the verdict on ``--answer``) in ``args.format``."""
    import json

    from studyapp.core.steps import render_markdown, render_text
    from studyapp.report.figure_text import printed_figure

    lang = args.lang
    if args.format == "html":
        return _html(kind, params, solution, verdict, lang, args.decimals)
    if args.format == "json":
        doc: dict = {"schema": "studyapp.solution/1", "kind": kind.name, "params": params}
        if verdict is not None:
            doc |= {"correct": verdict.correct, "score": verdict.score,
                    "message": verdict.message.get(lang), "marks": verdict.marks,
                    "mistake": verdict.mistake.to_dict(lang) if verdict.mistake else None}
        doc |= {"answer": solution.answer, "solution": [s.to_dict(lang) for s in solution.steps]}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    head = "答案" if lang == "zh" else "Answer"
    md = args.format == "md"
    lines = [f"# {kind.summary.get(lang)}", ""] if md else []
    if verdict is not None:
        lines += _verdict_lines(verdict, lang, md)
    if md:
        steps = render_markdown(solution.steps, lang, printed_figure)
        return "\n".join(lines) + f"**{head}:** `{answer}`\n\n" + steps
    steps = render_text(solution.steps, lang, figure_text=printed_figure)
    return "\n".join(lines) + f"{steps}\n\n{head}: {answer}\n"


def _html(kind: Kind, params: dict, solution: Solution, verdict: Grade | None, lang: str,
          decimals: int) -> str:
    """The problem (its prompt and matrix params), the verdict on ``--answer``, the answer and
    the worked solution with its figures: a worksheet's page, with its stylesheet and policy."""
    from studyapp.report import worksheet_html as sheet

    esc, labels, title = sheet.esc, sheet.LABELS[lang], kind.summary.get(lang)
    verdict_lines = _verdict_lines(verdict, lang, False) if verdict is not None else []
    body = [f"<header>\n<h1>{esc(title)}</h1>\n<p class=\"meta\"><code>{esc(kind.name)}</code></p>\n"
            "</header>\n<main>\n",
            f'<p class="prompt">{sheet.rich(kind.prompt(params, lang, kind.decimals))}</p>',
            sheet.params_html(params, lang), "\n",
            *(f"<p>{esc(line)}</p>\n" for line in verdict_lines if line),
            f'<p class="label">{esc(labels["answer"])}:</p>',
            sheet.answer_html(solution.answer, decimals, lang),
            f'\n<p class="solution-title">{esc(labels["solution"])}:</p>',
            sheet.steps_html(solution.steps, lang),
            "\n</main>\n"]
    return sheet.page_html(title, lang, "".join(body))


def unreadable(grade) -> bool:  # noqa: ANN001 - a core Grade
    """Whether the answer text could not be read as an answer at all (not a number, the wrong
    shape or parts, empty), rather than read and wrong. The core's ``Grade.readable`` says so
    where it exists; without it: nothing in the text has the expected shape (``marks`` is set
    only then), neither the whole nor any labelled part, and no known mistake matches it."""
    readable = getattr(grade, "readable", None)
    if readable is not None:
        return not readable
    if grade.correct or grade.mistake is not None:
        return False
    if grade.parts:
        return all(part.marks is None for part in grade.parts.values())
    return grade.marks is None  # a single value, or labelled parts that could not be split


def _verdict_lines(verdict: Grade, lang: str, md: bool) -> list[str]:
    zh = lang == "zh"
    if verdict.correct and verdict.score < 1:  # the right value, not to the places asked
        score = f"{verdict.score:.0%}"
        status = f"◐ 部分正确(得分 {score})" if zh else f"◐ partly right (score {score})"
    elif verdict.correct:
        status = "✓ 正确" if zh else "✓ right"
    else:
        status = (f"✗ 不对(得分 {verdict.score:.0%})" if zh else f"✗ wrong (score {verdict.score:.0%})")
    lines = [f"{'**' if md else ''}{status}{'**' if md else ''}: {verdict.message.get(lang)}"]
    if verdict.mistake is not None:
        label = "可能的错误" if zh else "Likely mistake"
        step = "" if verdict.mistake.step is None else (
            f"(见第 {verdict.mistake.step + 1} 步)" if zh else f" (see step {verdict.mistake.step + 1})")
        lines.append(f"{label} [{verdict.mistake.tag}]: {verdict.mistake.message.get(lang)}{step}")
    return [*lines, ""]
