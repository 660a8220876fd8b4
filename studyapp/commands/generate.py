"""``studyapp generate``: a randomized exercise set with an answer key, as Markdown, JSON or a
printable HTML worksheet, or a class set of worksheets (``commands.class_sets``).

The same seed gives the same set: the problems are drawn by the core's ``exercise_set`` from the
templates that ``--kind`` and ``--topic`` select, as the exam draws them.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator
from pathlib import Path

from studyapp.commands.common import UsageError, add_options, load_content, unknown

EXAMPLES = """\
examples:
  studyapp generate --kind conv2d --count 5 --seed 42   # five conv2d problems, answers at the end
  studyapp generate --topic convolution --format json --out set.json
  studyapp generate --students 25 --seed 7 --out class-7b  # 25 worksheets, one answer key
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    gen = sub.add_parser("generate", help="a randomized exercise set with an answer key",
                         description="Generate a randomized exercise set from the problem templates\n"
                         "(all of them by default, mixed).",
                         epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen.add_argument("--kind", action="append", default=[], metavar="K",
                     help="only problems of this kind (repeatable; see 'studyapp kinds')")
    gen.add_argument("--topic", action="append", default=[], metavar="DECK",
                     help="only problems of this deck id (repeatable)")
    gen.add_argument("--count", type=int, default=10, metavar="N", help="number of problems (10)")
    gen.add_argument("--seed", type=int, metavar="S",
                     help="seed of the set; the same seed gives the same set (default: random)")
    gen.add_argument("--format", choices=("md", "json", "html"),
                     help="output format: md (the default), json, or html, a printable worksheet "
                          "(the default for --students and --roster)")
    gen.add_argument("--students", type=int, metavar="N",
                     help="one worksheet per student (each with its own recorded seed) into --out DIR, "
                          "plus a combined answer key (CSV and HTML)")
    gen.add_argument("--roster", type=Path, metavar="FILE",
                     help="a text file with one student name per line (instead of --students)")
    gen.add_argument("--answers", choices=("end", "inline", "none"),
                     help="answer key at the end, after each problem, or none (end; none on the "
                          "students' sheets of --students and --roster, whose key is a separate file)")
    add_options(gen, content=True, lang=True, out=True)
    return gen


def run(args: argparse.Namespace) -> int:
    # The core (NumPy, YAML, every problem kind): imported when the command runs, not for --help.
    import secrets

    from studyapp.commands.output import emit
    from studyapp.core.problems import MAX_COUNT, SEED_LIMIT

    class_set = args.students is not None or args.roster is not None
    args.format = args.format or ("html" if class_set else "md")
    args.answers = args.answers or ("none" if class_set else "end")
    names = None
    if class_set:
        from studyapp.commands.class_sets import class_names

        names = class_names(args)  # checked first: bad class options need no content loaded
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count must be from 1 to {MAX_COUNT} (got {args.count})")
    if args.seed is not None and not 0 <= args.seed < SEED_LIMIT:
        raise UsageError(f"--seed must be a whole number from 0 to 2^63 − 1 (got {args.seed})")
    templates = select_templates(args)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    # Start-up objects (modules, content) never die; leaving them out of every garbage
    # collection makes generating a large set about a third faster.
    gc.freeze()
    if names is not None:
        from studyapp.commands.class_sets import write_class_set

        return write_class_set(args, templates, seed, names)
    emit(_exercise_set(args, templates, seed), args.out, args.force)
    return 0


def _exercise_set(args: argparse.Namespace, templates: list, seed: int) -> str | Iterator[bytes]:
    """One set in ``args.format``. Each renderer is imported for its own format only (the HTML
    worksheet's costs about 15 ms)."""
    from studyapp.core.problems import exercise_set, iter_exercise_set

    if args.format == "html":
        from studyapp.commands.class_sets import reproduce
        from studyapp.report.worksheet_html import worksheet_html

        problems = exercise_set(templates, args.count, seed)
        return worksheet_html(problems, seed, args.lang, args.answers, reproduce=reproduce(args, seed))
    from studyapp.report.worksheet import exercise_set_json_parts, exercise_set_markdown

    if args.format == "json":  # written as it is made (a large set is hundreds of MB)
        return exercise_set_json_parts(iter_exercise_set(templates, args.count, seed), seed, args.lang)
    return exercise_set_markdown(exercise_set(templates, args.count, seed), seed, args.lang, args.answers)


def select_templates(args: argparse.Namespace) -> list:
    """The problem templates ``--kind`` and ``--topic`` select (all by default), chosen by the
    core's ``select_templates`` as the exam chooses them; bad names are a UsageError naming what
    is known."""
    from studyapp.core.problems import SelectionError
    from studyapp.core.problems import select_templates as select

    library = load_content(args.content)
    try:
        templates = select(library, args.kind, args.topic)
    except SelectionError as exc:
        unknown("topic" if exc.what == "deck" else exc.what, exc.value, exc.known)
    if not templates:
        raise UsageError("no problem template matches --kind/--topic "
                         f"({len(library.templates)} templates in {len(library.decks)} decks)")
    return templates
