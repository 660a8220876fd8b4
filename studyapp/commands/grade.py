"""``studyapp grade SHEETS --answers FILE``: grade a class's answers against the answer key of a class
set (``studyapp generate --students``/``--roster``), offline, with the study app's own grader: a
gradebook (CSV and HTML), a feedback sheet per student, item analysis and the mistakes the class made
most (``core.gradebook``, ``core.item_analysis``; laid out by ``report.gradebook_*``).

Each bad row, column or key entry is named on stderr in one line and left out; the rest is graded.
Files in ``--out`` are never overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studyapp.commands.common import UsageError, add_content_option

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (as commands.common)
if TYPE_CHECKING:
    from studyapp.core.gradebook import Gradebook
    from studyapp.core.library import Library

KEY_CSV = "answer-key.csv"  # as commands.class_sets writes it
EXAMPLES = """\
examples:
  studyapp grade sheets/ --answers answers.csv                   # the class's results, in short
  studyapp grade sheets/ --answers answers.csv --out results/    # gradebook and feedback sheets
  studyapp grade sheets/ --answers answers.csv --format json     # everything as data

answers.csv: a header 'student,1,2,…' (the problem numbers), then a row per student (the name or
sheet id as on the worksheet, then each answer as written); or 'student,problem,answer' with a row
per answer. UTF-8 with or without BOM, comma or semicolon: as a spreadsheet saves it. The sheets'
folder holds answers-template.csv with the header and the names filled in.
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("grade", help="grade a class's answers against its worksheets' answer key",
                       description="Grade a class's answers against the answer key of a class set, "
                       "with the study app's grader, and find what the class misunderstood.",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sheets", type=Path, metavar="SHEETS",
                   help="the class set's folder (with answer-key.csv), as 'generate --out' made it")
    p.add_argument("--answers", type=Path, required=True, metavar="FILE", help="the class's answers (CSV)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write gradebook.csv, gradebook.html and feedback/<sheet>.html here")
    p.add_argument("--force", action="store_true", help="allow --out to overwrite files")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="what goes to stdout: text (default) or json (studyapp.gradebook/1)")
    p.add_argument("--lang", choices=("en", "zh"),
                   help="language of the feedback sheets and the summary (default: the worksheets')")
    add_content_option(p)
    p.add_argument("--db", type=Path, metavar="PATH", help=argparse.SUPPRESS)  # every command takes it
    return p


def run(args: argparse.Namespace) -> int:
    # The grader, the content and the renderers: imported when the command runs, not for --help.
    from studyapp.commands.common import load_content
    from studyapp.core.class_answers import AnswersUnreadable, read_answers
    from studyapp.core.gradebook import KeyUnreadable, grade_class, read_key
    from studyapp.core.item_analysis import class_mistakes, item_stats, kind_stats
    from studyapp.report.gradebook_data import gradebook_dict

    args.lang = args.lang or _sheets_lang(args.sheets)
    key_text = _read(args.sheets / KEY_CSV, f"{args.sheets} has no {KEY_CSV}: give the folder a class set "
                     "was written to ('studyapp generate --students N --out DIR')")
    answers_text = _answers_text(args.answers)
    try:
        key = read_key(key_text)
        answers = read_answers(answers_text)
    except (KeyUnreadable, AnswersUnreadable) as exc:
        raise UsageError(f"{args.answers if isinstance(exc, AnswersUnreadable) else args.sheets / KEY_CSV}: "
                         f"{exc}") from None
    if args.out is not None:
        _check_out(args, key)
    library = load_content(args.content)
    book = grade_class(key, answers, {t.id: t for t in library.templates})
    for problem in book.problems_found:
        print(f"studyapp grade: {args.answers.name}: {problem.get(args.lang)}", file=sys.stderr)
    items, kinds = item_stats(book), kind_stats(book)
    related = _related(library)
    mistakes = class_mistakes(book, lambda problem_id: related.get(problem_id.rpartition("@")[0], ()))
    if args.out is not None:
        _write(args, book, items, kinds, mistakes, library)
    if args.format == "json":
        import json

        data = gradebook_dict(book, items, kinds, mistakes, args.lang)
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print("\n".join(_summary(book, items, mistakes, args)))
    return 0


def _sheets_lang(folder: Path) -> str:
    """The language the class set was made in, as its answer key page says (``<html lang="zh-Hans">``);
    English when it says nothing readable."""
    try:
        with open(folder / "answer-key.html", encoding="utf-8", errors="replace") as page:
            head = page.read(200)
    except OSError:
        return "en"
    return "zh" if '<html lang="zh' in head else "en"


def _read(path: Path, missing: str) -> str:
    if not path.is_file():
        raise UsageError(missing)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


def _answers_text(path: Path) -> str:
    """The answers file as text, or one line saying what it is instead."""
    if not path.is_file():
        raise UsageError(f"--answers {path}: no such file")
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise UsageError(f"--answers {path}: a spreadsheet workbook (.xlsx/.ods), not CSV; save it as "
                         "'CSV UTF-8 (comma delimited)'")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"--answers {path}: not UTF-8 (byte {exc.start + 1}); save it as 'CSV UTF-8' "
                         "(Excel) or choose UTF-8 when exporting") from None


def _targets(args: argparse.Namespace, key: list) -> list[Path]:
    from studyapp.report.gradebook_html import feedback_path

    sheets = dict.fromkeys(feedback_path(k.file) for k in key)
    return [args.out / "gradebook.csv", args.out / "gradebook.html", *[args.out / s for s in sheets]]


def _check_out(args: argparse.Namespace, key: list) -> None:
    from studyapp import atomic

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: not a folder")
    for target in _targets(args, key):
        try:
            atomic.check_target(target, args.force)
        except atomic.Refused as exc:
            raise UsageError(f"{exc} (nothing was written)") from None


def _write(args: argparse.Namespace, book: Gradebook, items: list, kinds: list, mistakes: list,
           library: Library) -> None:
    from studyapp import atomic
    from studyapp.commands import parallel
    from studyapp.report.feedback_html import feedback_html
    from studyapp.report.gradebook_data import gradebook_csv
    from studyapp.report.gradebook_html import feedback_path, gradebook_html

    (args.out / "feedback").mkdir(parents=True, exist_ok=True)
    present = [s for s in book.students if not s.absent]
    mean = sum(s.percent for s in present) / len(present) if present else 0.0

    def feedback(i: int) -> None:
        student = book.students[i]
        atomic.write_text(args.out / feedback_path(student.file),
                          feedback_html(student, args.lang, mean), force=args.force)

    parallel.each(feedback, len(book.students))  # most of the time a class takes: share the cores
    titles = _card_titles(library, args.lang)
    page = gradebook_html(book, items, kinds, mistakes, args.lang, titles)
    atomic.write_text(args.out / "gradebook.html", page, force=args.force)
    atomic.write_text(args.out / "gradebook.csv", gradebook_csv(book), force=args.force, newline="")
    print(f"wrote gradebook.csv, gradebook.html and {len(book.students)} feedback sheets to {args.out}",
          file=sys.stderr)


def _related(library: Library) -> dict[str, tuple[str, ...]]:
    """Each problem template's related concept cards (ids of cards, not of other templates)."""
    cards = {c.id for c in library.cards}
    return {t.id: tuple(r for r in t.related if r in cards) for t in library.templates}


def _card_titles(library: Library, lang: str) -> dict[str, str]:
    return {card.id: _shortened(card.prompt_line(lang), 90) for card in library.cards}


def _shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word (anywhere in Chinese), with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(" ,;:") + "…"


def _summary(book: Gradebook, items: list, mistakes: list, args: argparse.Namespace) -> list[str]:
    from studyapp.core.numfmt import num

    zh = args.lang == "zh"
    present = [s for s in book.students if not s.absent]
    mean = sum(s.percent for s in present) / len(present) if present else 0.0
    absent = len(book.students) - len(present)
    head = (f"已批改 {len(present)} 名学生 × {book.problem_count} 题(缺交 {absent} 人),全班平均 {mean:.1f}%。"
            if zh else f"Graded {len(present)} student{'s' * (len(present) != 1)} × {book.problem_count} "
            f"problems ({absent} absent); class mean {mean:.1f}%.")
    lines = [head, ""]
    width = max((len(s.name) for s in book.students), default=7)
    for s in book.students:
        lines.append(f"  {s.name:<{width}}  " + (("缺交" if zh else "absent") if s.absent else
                                               f"{s.percent:5.1f}%  ({num(s.total, 2)}/{s.possible})"))
    missed = [i for i in items if i.flag == "missed"]
    if missed:
        lines += ["", ("几乎全班都错的题:" if zh else "Nearly everyone missed: ") +
                  ", ".join(f"{i.label} ({i.right:.0%})" for i in missed)]
    if mistakes:
        lines += ["", "全班最常见的错误:" if zh else "What the class misunderstood most:"]
        for m in mistakes[:5]:
            lines.append(f"  {m.tag} — {len(m.students)} " +
                         ("名学生:" if zh else "student: " if len(m.students) == 1 else "students: ") +
                         m.explanation.get(args.lang))
    return lines
