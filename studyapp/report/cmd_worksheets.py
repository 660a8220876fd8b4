"""``studyapp generate --format html`` and the class sets (``--students N`` / ``--roster FILE``).

One worksheet goes to ``--out FILE`` (or stdout) like any other format. A class set goes into
``--out DIR``: one worksheet per student, each drawn from its own seed (derived from the set seed
with ``numpy.random.SeedSequence(seed).spawn``, and recorded on the sheet, so
``studyapp generate --seed <student seed>`` makes the same problems again), plus
``answer-key.csv`` and ``answer-key.html`` with every student's answers. ``--format md`` and
``json`` work for class sets too: one file per student in that format. Nothing is written when a
file would be overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import gc
import re
import secrets
import shlex
import sys
import unicodedata
from pathlib import Path

from studyapp.cli import UsageError
from studyapp.commands import emit, select_templates
from studyapp.core.content import ProblemTemplate
from studyapp.core.problems import MAX_COUNT, SEED_LIMIT, Problem, exercise_set

MAX_STUDENTS = 1000
MAX_NAME_CHARS = 60
KEY_CSV = "answer-key.csv"
KEY_HTML = "answer-key.html"
SUFFIX = {"html": ".html", "md": ".md", "json": ".json"}


def run(args: argparse.Namespace) -> int:
    names = _class_names(args)  # checked first: bad class options need no content loaded
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count must be from 1 to {MAX_COUNT} (got {args.count})")
    if args.seed is not None and not 0 <= args.seed < SEED_LIMIT:
        raise UsageError(f"--seed must be a whole number from 0 to 2^63 − 1 (got {args.seed})")
    templates = select_templates(args)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    gc.freeze()  # as in cmd_generate: start-up objects never die
    if names is None:
        from studyapp.report.worksheet_html import worksheet_html

        problems = exercise_set(templates, args.count, seed)
        text = worksheet_html(problems, seed, args.lang, args.answers, reproduce=_reproduce(args, seed))
        emit(text, args.out, args.force)
        return 0
    return _class_set(args, templates, seed, names)


def _class_names(args: argparse.Namespace) -> list[str | None] | None:
    """None for a single sheet; else one entry per student: the roster name, or None (unnamed)."""
    if args.students is None and args.roster is None:
        return None
    if args.students is not None and args.roster is not None:
        raise UsageError("give either --students N or --roster FILE, not both")
    option = "--students" if args.students is not None else "--roster"
    if args.students is not None and not 1 <= args.students <= MAX_STUDENTS:
        raise UsageError(f"--students must be from 1 to {MAX_STUDENTS} (got {args.students})")
    if args.out is None:
        raise UsageError(f"{option} needs --out DIR, the folder for the worksheets")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"{args.out} is a file; with {option}, --out names a folder")
    if args.students is not None:
        return [None] * args.students
    names = read_roster(args.roster)
    if len(names) > MAX_STUDENTS:
        raise UsageError(f"roster file {args.roster} has {len(names)} names; at most {MAX_STUDENTS}")
    return names


def read_roster(path: Path) -> list[str | None]:
    """The names of a roster file: one per line, blank lines skipped, UTF-8 (a BOM is allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"roster file {path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"roster file {path} is a folder; expected a text file, one name per line") from None
    except UnicodeDecodeError:
        raise UsageError(f"roster file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read roster file {path}: {exc.strerror or exc}") from None
    names: list[str | None] = []
    for line in text.splitlines():
        # control characters (a stray tab, an escape sequence) become spaces
        name = " ".join("".join(" " if unicodedata.category(c)[0] == "C" else c for c in line).split())
        if name:
            names.append(name)
    if not names:
        raise UsageError(f"roster file {path} has no names (expected one name per line)")
    return names


def student_seeds(seed: int, count: int) -> list[int]:
    """``count`` distinct 32-bit seeds, one per student, from the set seed.

    Student i's seed depends only on the set seed and i (``SeedSequence.spawn``), so a class of
    30 and a class of 31 share their first 30 sheets. In the rare case that two children draw the
    same number, the later student takes the next child's.
    """
    import numpy as np

    root = np.random.SeedSequence(seed)
    seeds: list[int] = []
    seen: set[int] = set()
    children = iter(root.spawn(count))
    while len(seeds) < count:
        child = next(children, None) or root.spawn(1)[0]
        value = int(child.generate_state(1, np.uint32)[0])
        if value not in seen:
            seen.add(value)
            seeds.append(value)
    return seeds


_UNSAFE = re.compile(r"-{2,}")


def safe_file_stem(name: str) -> str:
    """A file-name part from a person's name: letters (any script), digits, marks, ``-`` and ``_``.

    Separators, dots, slashes and everything else become ``-``, so no name can leave the folder,
    hide a file or pick another extension. Empty results become ``student``.
    """
    text = unicodedata.normalize("NFC", name)
    kept = "".join(c if unicodedata.category(c)[0] in "LNM" or c in "-_" else "-" for c in text)
    stem = _UNSAFE.sub("-", kept).strip("-_")[:MAX_NAME_CHARS].strip("-_")
    return stem or "student"


def _files(names: list[str | None], suffix: str) -> list[str]:
    width = max(2, len(str(len(names))))
    return [f"student-{n:0{width}d}{suffix}" if name is None
            else f"{n:0{width}d}-{safe_file_stem(name)}{suffix}" for n, name in enumerate(names, 1)]


def _reproduce(args: argparse.Namespace, seed: int, students: bool = False) -> str:
    """The command that makes the same sheet again (without --content paths or --out)."""
    argv = ["studyapp", "generate", "--format", args.format, "--seed", str(seed), "--count", str(args.count)]
    for kind in args.kind:
        argv += ["--kind", kind]
    for topic in args.topic:
        argv += ["--topic", topic]
    if args.answers != "end":
        argv += ["--answers", args.answers]
    if args.lang != "en":
        argv += ["--lang", args.lang]
    if students:
        argv += ["--roster", "FILE"] if args.roster is not None else ["--students", str(args.students)]
        argv += ["--out", "DIR"]
    return shlex.join(argv)


def _student_text(args: argparse.Namespace, problems: list[Problem], seed: int, set_seed: int,
                  name: str, named: bool, position: tuple[int, int]) -> str:
    if args.format == "html":
        from studyapp.report.worksheet_html import worksheet_html

        return worksheet_html(problems, seed, args.lang, args.answers, student=name if named else None,
                              set_seed=set_seed, position=position, reproduce=_reproduce(args, seed))
    if args.format == "md":
        from studyapp.report.worksheet import exercise_set_markdown

        text = exercise_set_markdown(problems, seed, args.lang, args.answers)
        title, _, rest = text.partition("\n")
        from studyapp.report.worksheet_html import LABELS

        labels = LABELS[args.lang]
        line = (f"**{labels['student']}:** {_md_escape(name)} · {position[0]}/{position[1]} · "
                f"{labels['set_seed']} {set_seed}")
        return f"{title}\n\n{line}\n{rest}"
    import orjson

    from studyapp.report.worksheet import SCHEMA

    head = orjson.dumps({"schema": SCHEMA, "seed": seed, "lang": args.lang, "student": name,
                         "student_number": position[0], "set_seed": set_seed})
    rows = b",\n".join(orjson.dumps(p.to_dict(args.lang)) for p in problems)
    return (head[:-1] + b',"problems":[\n' + rows + b"\n]}\n").decode()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


def _md_escape(text: str) -> str:
    """Backslash-escape Markdown punctuation, so a name is never markup (nor raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _class_set(args: argparse.Namespace, templates: list[ProblemTemplate], seed: int,
               names: list[str | None]) -> int:
    from studyapp.report.worksheet_html import LABELS, StudentSheet, class_key_csv, class_key_html

    folder: Path = args.out
    files = _files(names, SUFFIX[args.format])
    targets = [folder / f for f in [*files, KEY_CSV, KEY_HTML]]
    for target in targets:
        if target.is_dir():
            raise UsageError(f"{target} is a folder; cannot write a worksheet there")
    existing = [t for t in targets if t.exists()]
    if existing and not args.force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise UsageError(f"{existing[0]} already exists{more}; pass --force to overwrite")
    seeds = student_seeds(seed, len(names))
    label = LABELS[args.lang]["student_n"]
    sheets: list[StudentSheet] = []
    texts: list[str] = []
    for index, (name, student_seed, file) in enumerate(zip(names, seeds, files, strict=True), 1):
        problems = exercise_set(templates, args.count, student_seed)
        shown = name if name is not None else label.format(n=index)
        sheets.append(StudentSheet(shown, student_seed, file, problems))
        texts.append(_student_text(args, problems, student_seed, seed, shown, name is not None,
                                   (index, len(names))))
    texts.append(class_key_csv(sheets))
    texts.append(class_key_html(sheets, seed, args.lang, _reproduce(args, seed, students=True)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, text in zip(targets, texts, strict=True):
            # newline="" keeps the CSV's CRLF rows as they are on every platform
            with open(target, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    print(f"wrote {len(files)} worksheets, {KEY_CSV} and {KEY_HTML} to {folder} (set seed {seed})",
          file=sys.stdout)
    return 0
