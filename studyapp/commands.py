"""What each command does; the parser lives in cli.py."""

from __future__ import annotations

import argparse
import difflib
import gc
import json
import secrets
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp import atomic
from studyapp.cli import UsageError

if TYPE_CHECKING:
    from studyapp.core.library import Library

# The core (NumPy, YAML, every problem kind) is imported inside the commands that need it,
# so that `report`, `export` and `locate` start without paying for it.


def emit(text: str, out: Path | None, force: bool) -> None:
    """Print ``text`` or write it to ``out`` atomically (``studyapp.atomic``), never overwriting a
    file or replacing a symbolic link unless ``force``."""
    if out is None:
        sys.stdout.write(text)
        return
    check_out(out, force)
    try:
        atomic.write_text(out, text, force=force)
    except atomic.Refused as exc:  # a file or link that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None


def check_out(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that is a folder, a symbolic link or (without ``force``) an existing
    file, before any work is done: one UsageError line."""
    if out.is_dir() and not out.is_symlink():
        raise UsageError(f"{out} is a folder; --out needs a file name")
    try:
        atomic.check_target(out, force)
    except atomic.Refused as exc:
        raise UsageError(str(exc)) from None


def _load(paths: list[Path] | None) -> Library:
    from studyapp.core.library import load_library

    for path in paths or ():
        if not path.exists():  # one line, not a skipped deck followed by "no template matches"
            raise UsageError(f"{path}: no such file or folder")
    library = load_library(paths)
    for error in library.errors:
        print(f"studyapp: skipped: {error}", file=sys.stderr)
    return library


def cmd_generate(args: argparse.Namespace) -> int:
    from studyapp.core.problems import MAX_COUNT, SEED_LIMIT, exercise_set, iter_exercise_set

    class_set = args.students is not None or args.roster is not None
    args.format = args.format or ("html" if class_set else "md")
    args.answers = args.answers or ("none" if class_set else "end")
    if class_set or args.format == "html":
        from studyapp.report.cmd_worksheets import run

        return run(args)
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count must be from 1 to {MAX_COUNT} (got {args.count})")
    if args.seed is not None and not 0 <= args.seed < SEED_LIMIT:
        raise UsageError(f"--seed must be a whole number from 0 to 2^63 − 1 (got {args.seed})")
    templates = select_templates(args)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    from studyapp.report.worksheet import exercise_set_json, exercise_set_markdown

    # Start-up objects (modules, content) never die; leaving them out of every garbage
    # collection makes generating a large set about a third faster.
    gc.freeze()
    if args.format == "json":
        text = exercise_set_json(iter_exercise_set(templates, args.count, seed), seed, args.lang)
    else:
        problems = exercise_set(templates, args.count, seed)
        text = exercise_set_markdown(problems, seed, args.lang, args.answers)
    emit(text, args.out, args.force)
    return 0


def select_templates(args: argparse.Namespace) -> list:
    """The problem templates ``--kind`` and ``--topic`` select (all by default), chosen by the
    core's ``select_templates`` as the exam chooses them; bad names are a UsageError naming what
    is known."""
    from studyapp.core.problems import SelectionError
    from studyapp.core.problems import select_templates as select

    library = _load(args.content)
    try:
        templates = select(library, args.kind, args.topic)
    except SelectionError as exc:
        _unknown("topic" if exc.what == "deck" else exc.what, exc.value, exc.known)
    if not templates:
        raise UsageError("no problem template matches --kind/--topic "
                         f"({len(library.templates)} templates in {len(library.decks)} decks)")
    return templates


def _unknown(what: str, value: str, known: list[str]) -> None:
    """Refuse an unknown name, suggesting the close ones (similar, or starting with it); the full
    list only when none is close."""
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    close += [name for name in known if value and name.startswith(value) and name not in close]
    if close:
        hint = f"did you mean {', '.join(close)}?"
    elif what == "kind":
        hint = "'studyapp kinds' lists them"
    else:
        hint = f"known: {', '.join(known) or 'none'}"
    raise UsageError(f"unknown {what} '{value}' ({hint})")


def _read_params(spec: str) -> object:
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


def cmd_solve(args: argparse.Namespace) -> int:
    from studyapp.core.check import finite
    from studyapp.core.kinds import KINDS, ParamError
    from studyapp.core.numfmt import format_answer
    from studyapp.core.steps import render_markdown, render_text

    if args.kind not in KINDS:
        _unknown("kind", args.kind, list(KINDS))
    if not 0 <= args.decimals <= 15:
        raise UsageError(f"--decimals must be from 0 to 15 (got {args.decimals})")
    kind = KINDS[args.kind]
    raw = _read_params(args.params)
    try:
        params = kind.validate(raw)
    except ParamError as exc:
        raise UsageError(f"{args.kind}: {exc}") from None
    import numpy as np

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
    lang = args.lang
    unread = None if verdict is None or not unreadable(verdict) else \
        UsageError(f"--answer: {verdict.message.get(lang)}")
    if unread and args.format != "json":  # JSON still prints the verdict, then exits 2 below
        raise unread
    if args.format == "json":
        doc: dict = {"kind": kind.name, "params": params}
        if verdict is not None:
            doc |= {"correct": verdict.correct, "score": verdict.score,
                    "message": verdict.message.get(lang), "marks": verdict.marks,
                    "mistake": verdict.mistake.to_dict(lang) if verdict.mistake else None}
        doc |= {"answer": solution.answer, "solution": [s.to_dict(lang) for s in solution.steps]}
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    else:
        head = "答案" if lang == "zh" else "Answer"
        md = args.format == "md"
        lines = [f"# {kind.summary.get(lang)}", ""] if md else []
        if verdict is not None:
            lines += _verdict_lines(verdict, lang, md)
        if md:
            text = "\n".join(lines) + f"**{head}:** `{answer}`\n\n" + render_markdown(solution.steps, lang)
        else:
            text = "\n".join(lines) + f"{render_text(solution.steps, lang)}\n\n{head}: {answer}\n"
    emit(text, args.out, args.force)
    if unread:
        raise unread
    return 0 if verdict is None or verdict.correct else 1


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


def _verdict_lines(verdict, lang: str, md: bool) -> list[str]:  # noqa: ANN001 - a core Grade
    zh = lang == "zh"
    if verdict.correct:
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


def kinds_markdown() -> str:
    """The kinds reference (docs/kinds.md below its introduction), made from the registry."""
    from studyapp.core.kinds import KINDS
    from studyapp.core.kinds.base import REQUIRED

    out = []
    for k in KINDS.values():
        out += [f"### `{k.name}`", "", f"{k.summary.en} ({k.summary.zh})", "",
                "| param | type | meaning | default |", "|---|---|---|---|"]
        for p in k.params:
            default = "required" if p.default is REQUIRED else f"`{json.dumps(p.default)}`"
            out.append(f"| `{p.name}` | {p.type} | {p.doc} | {default} |")
        knobs = ", ".join(f"`{n.name}` ({n.doc}; default `{json.dumps(n.default)}`)" for n in k.knobs)
        out += ["", f"Generator knobs (in a template's `params:`): {knobs}.", ""]
    return "\n".join(out)


def cmd_kinds(args: argparse.Namespace) -> int:
    from studyapp.core.kinds import KINDS
    from studyapp.core.kinds.base import REQUIRED

    if args.format == "md":
        sys.stdout.write(kinds_markdown())
        return 0
    if args.format == "json":
        doc = [{"kind": k.name, "summary": k.summary.get(args.lang), "answer_decimals": k.decimals,
                "params": [{"name": p.name, "type": p.type, "doc": p.doc,
                            **({"choices": list(p.choices)} if p.choices else {}),
                            **({"required": True} if p.default is REQUIRED
                               else {"default": p.default})}
                           for p in k.params],
                "knobs": [{"name": n.name, "type": n.type, "default": n.default, "doc": n.doc}
                          for n in k.knobs]}
               for k in KINDS.values()]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return 0
    for k in KINDS.values():
        print(f"{k.name}: {k.summary.get(args.lang)}")
        for p in k.params:
            if p.default is REQUIRED:
                default = ""
            elif p.default is None:
                default = " (optional)"
            else:
                default = f" (default {json.dumps(p.default)})"
            print(f"    {p.name:<12} {p.type:<8} {p.doc}{default}")
    return 0


def db_path(args: argparse.Namespace) -> Path:
    from studyapp.paths import default_db_path

    value = getattr(args, "db", None)
    return default_db_path() if value in (None, True) else Path(value)


def open_store(args: argparse.Namespace, readonly: bool = False):  # noqa: ANN201 - imported lazily
    """The progress store of ``--db``; ``readonly`` for commands that only read (nothing is
    written, a read-only file or disk is fine; an older schema is upgraded first, a write)."""
    from studyapp.store.db import OlderSchema, StoreError
    from studyapp.store.progress import Store

    try:
        if readonly:
            try:
                return Store(db_path(args), readonly=True)
            except OlderSchema:
                Store(db_path(args)).close()  # upgraded in place, as opening it to study would
                return Store(db_path(args), readonly=True)
        return Store(db_path(args))
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def cmd_validate(args: argparse.Namespace) -> int:
    from studyapp.core.library import load_library

    if args.seeds < 0:
        raise UsageError(f"--seeds must be 0 or more (got {args.seeds})")
    from studyapp.core.check import check_generation
    from studyapp.core.source_talk import check_source_talk

    library = load_library(args.paths or None)
    errors = [*library.errors, *check_generation(library, args.seeds)]
    warnings = check_source_talk(deck.file for deck in library.decks)  # never change the status
    for error in [*errors, *warnings]:
        print(error)
    warned = f", {len(warnings)} warning(s)" if warnings else ""
    if args.db is not None and not db_path(args).exists():
        print(f"studyapp: no progress database at {db_path(args)}", file=sys.stderr)
    elif args.db is not None:
        store = open_store(args, readonly=True)
        known = {c.id for c in library.cards} | {t.id for t in library.templates}
        for item_id, reviews in store.orphans(known):
            print(f"{store.path}: orphaned progress: '{item_id}' ({reviews} reviews) is in no deck; "
                  "add its id to the 'aliases' of the card or template that replaced it")
        store.close()
    if errors:
        print(f"{len(errors)} error(s){warned}", file=sys.stderr)
        return 1
    cards = Counter(c.type for c in library.cards)
    kinds = {t.kind for t in library.templates}
    by_type = ", ".join(f"{cards[t]} {t}" for t in ("basic", "cloze", "choice"))
    print(f"ok: {len(library.decks)} decks, {sum(cards.values())} cards ({by_type}), "
          f"{len(library.templates)} problem templates, {len(kinds)} kinds{warned}")
    return 0


def cmd_locate(args: argparse.Namespace) -> int:
    from studyapp.config import load_settings
    from studyapp.paths import bundled_content_dir, config_path

    print(f"database: {db_path(args)}")
    print(f"config:   {config_path()}")
    print(f"content:  {bundled_content_dir()}")
    for problem in load_settings()[1]:
        print(f"studyapp: {problem}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from studyapp.report.cmd_report import run

    return run(args)


def cmd_export(args: argparse.Namespace) -> int:
    from studyapp.report.cmd_export import run

    return run(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from studyapp.core.content import json_schema

    emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", args.out, args.force)
    return 0
