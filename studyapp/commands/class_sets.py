"""The class sets of ``studyapp generate`` (``--students N`` / ``--roster FILE``), and the command
line printed on a worksheet to make it again (``reproduce``).

A class set goes into ``--out DIR``: one worksheet per student, each drawn from its own seed (derived
from the set seed with ``numpy.random.SeedSequence(seed).spawn``, and recorded on the sheet, so
``studyapp generate --seed <student seed>`` makes the same problems again) with an answer grid after
its problems (``report.answer_sheet``), plus ``answer-key.csv`` and ``answer-key.html`` with every
student's answers and ``answers-template.csv``, the file a teacher fills in for ``studyapp grade``.
``--format md`` and ``json`` work for class sets too: one file per student in that format (a
Markdown sheet has an answer list, a JSON one nothing added). Nothing is written when a file would
be overwritten (or a symbolic link replaced) without ``--force``. A class set is all or nothing:
every file is written into a hidden staging folder inside ``--out DIR`` and then renamed into place
(``studyapp.atomic``), the answer key after the sheets (then the template), so a full disk leaves
no sheets without their key and nothing that blocks running the command again.

Imported by ``commands.generate`` when it runs, for a class set or an HTML worksheet.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp import atomic
from studyapp.commands.common import UsageError
from studyapp.core.problems import exercise_set

if TYPE_CHECKING:
    from studyapp.core.content import ProblemTemplate
    from studyapp.core.problems import Problem

MAX_STUDENTS = 1000
MAX_NAME_CHARS = 60
KEY_CSV = "answer-key.csv"
KEY_HTML = "answer-key.html"
SUFFIX = {"html": ".html", "md": ".md", "json": ".json"}


def class_names(args: argparse.Namespace) -> list[str | None]:
    """One entry per student of ``--students N`` or ``--roster FILE``: the roster name, or None
    (unnamed). The class options are checked here, before any content is loaded."""
    if args.students is not None and args.roster is not None:
        raise UsageError("give either --students N or --roster FILE, not both")
    option = "--students" if args.students is not None else "--roster"
    if args.students is not None and not 1 <= args.students <= MAX_STUDENTS:
        raise UsageError(f"--students must be from 1 to {MAX_STUDENTS} (got {args.students})")
    if args.out is None:
        raise UsageError(f"{option} needs --out DIR, the folder for the worksheets")
    _check_folder(args.out, option, args.force)
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


def reproduce(args: argparse.Namespace, seed: int, students: bool = False) -> str:
    """The command that makes the same sheet again (without --content paths or --out), printed on
    every worksheet, a class set's or a single one."""
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
                  name: str, named: bool, position: tuple[int, int], sheet_id: str) -> str:
    """A student's sheet in ``args.format``; HTML and Markdown end their problems with where the
    answers go (``report.answer_sheet``), headed by ``name`` as the key has it and ``sheet_id``."""
    from studyapp.report import answer_sheet

    if args.format == "html":
        from studyapp.report.worksheet_html import worksheet_html

        grid = answer_sheet.answer_grid_html(problems, args.lang, name, sheet_id)
        return worksheet_html(problems, seed, args.lang, args.answers, student=name if named else None,
                              set_seed=set_seed, position=position, reproduce=reproduce(args, seed),
                              after_problems=grid, css=answer_sheet.PAGE_CSS)
    if args.format == "md":
        from studyapp.report.worksheet import exercise_set_markdown

        answer_list = answer_sheet.answer_list_markdown(problems, args.lang, name, sheet_id)
        text = exercise_set_markdown(problems, seed, args.lang, args.answers, answer_list)
        title, _, rest = text.partition("\n")
        from studyapp.report.worksheet_html import LABELS

        labels = LABELS[args.lang]
        line = (f"**{labels['student']}:** {answer_sheet.md_escape(name)} · {position[0]}/{position[1]} · "
                f"{labels['set_seed']} {set_seed}")
        return f"{title}\n\n{line}\n{rest}"
    import orjson

    from studyapp.report.worksheet import SCHEMA

    head = orjson.dumps({"schema": SCHEMA, "seed": seed, "lang": args.lang, "student": name,
                         "student_number": position[0], "set_seed": set_seed})
    rows = b",\n".join(orjson.dumps(p.to_dict(args.lang)) for p in problems)
    return (head[:-1] + b',"problems":[\n' + rows + b"\n]}\n").decode()


def write_class_set(args: argparse.Namespace, templates: list[ProblemTemplate], seed: int,
               names: list[str | None]) -> int:
    from studyapp.report.answer_sheet import TEMPLATE_CSV, answers_template_csv
    from studyapp.report.worksheet_html import LABELS, StudentSheet, class_key_csv, class_key_html

    folder: Path = args.out
    files = _files(names, SUFFIX[args.format])
    # moved into place in this order: the sheets, then their key, then the answers template (a
    # convenience: a set that lacks only the template can be graded)
    targets = [folder / f for f in [*files, KEY_CSV, KEY_HTML, TEMPLATE_CSV]]
    _check_targets(targets, args.force)
    seeds = student_seeds(seed, len(names))
    label = LABELS[args.lang]["student_n"]
    sheets: list[StudentSheet] = []
    texts: list[str] = []
    for index, (name, student_seed, file) in enumerate(zip(names, seeds, files, strict=True), 1):
        problems = exercise_set(templates, args.count, student_seed)
        shown = name if name is not None else label.format(n=index)
        sheets.append(StudentSheet(shown, student_seed, file, problems))
        texts.append(_student_text(args, problems, student_seed, seed, shown, name is not None,
                                   (index, len(names)), Path(file).stem))
    texts.append(class_key_csv(sheets))
    texts.append(class_key_html(sheets, seed, args.lang, reproduce(args, seed, students=True)))
    texts.append(answers_template_csv([s.name for s in sheets], max(len(s.problems) for s in sheets)))
    _write_set(folder, targets, texts, args.force)
    print(f"wrote {len(files)} worksheets, {TEMPLATE_CSV}, {KEY_CSV} and {KEY_HTML} to {folder} "
          f"(set seed {seed})", file=sys.stdout)
    return 0


def _check_folder(folder: Path, option: str, force: bool) -> None:
    """``--out DIR`` of a class set: a folder or nothing yet; a symbolic link to a folder only
    with ``--force`` (then the sheets go into the folder it points to)."""
    if folder.is_symlink():
        if not force:
            raise UsageError(f"{folder} is a symbolic link; pass --force to write into the folder "
                             "it points to")
        if not folder.is_dir():
            raise UsageError(f"{folder} is a symbolic link to {os.readlink(folder)!r}, not a folder; "
                             f"with {option}, --out names a folder")
    elif folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; with {option}, --out names a folder")


def _check_targets(targets: list[Path], force: bool) -> None:
    """Every file of the set may be written (``atomic.check_target``), or nothing is written."""
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            raise UsageError(f"{target} is a folder; cannot write a worksheet there")
    refusals = []
    for target in targets:
        try:
            atomic.check_target(target, force)
        except atomic.Refused as exc:
            refusals.append(str(exc))
    if refusals:
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        first, _, advice = refusals[0].partition("; ")
        raise UsageError(f"{first}{more}; {advice}")


def _write_set(folder: Path, targets: list[Path], texts: list[str], force: bool) -> None:
    """Write every file into a hidden staging folder inside ``folder``, then rename each into
    place in the order given: a failure while writing (a full disk) leaves no sheet, no key and
    no staging folder (and no ``folder`` that this call created), so the retry is not blocked."""
    created = []  # the folders mkdir makes, innermost first
    for path in (folder, *folder.parents):
        if path.exists() or path.is_symlink():
            break
        created.append(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".studyapp-", suffix=".tmp", dir=folder))
        try:
            for target, text in zip(targets, texts, strict=True):
                # newline="" keeps the CSV's CRLF rows as they are on every platform
                with open(staging / target.name, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
            for target in targets:
                atomic.install(staging / target.name, target, force=force)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except atomic.Refused as exc:  # a file that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        for path in created:  # empty unless something else wrote there meanwhile
            with contextlib.suppress(OSError):
                path.rmdir()
        raise UsageError(f"cannot write into {folder}: {exc.strerror or exc}") from None

