"""``studyapp kinds``: every problem kind with its params, as text, JSON, or the Markdown reference
of docs/kinds.md (``kinds_markdown``, which a test holds against that file)."""

from __future__ import annotations

import argparse
import sys

from studyapp.commands.common import add_options

EXAMPLES = """\
examples:
  studyapp kinds                          # every kind, its figures, its params and their defaults
  studyapp kinds --format json --lang zh  # the same for a script, the summaries in Chinese
  studyapp kinds --format md              # the reference of docs/kinds.md
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    kinds = sub.add_parser("kinds", help="every problem kind with its params",
                           description="List every problem kind with its params: what 'studyapp "
                           "solve' takes,\nand what a problem template in a deck can set.",
                           epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds.add_argument("--format", choices=("text", "json", "md"), default="text",
                       help="md prints the reference of docs/kinds.md")
    add_options(kinds, lang=True)
    return kinds


def run(args: argparse.Namespace) -> int:
    # Every problem kind (NumPy): imported when the command runs, not for --help.
    import json

    from studyapp.core.kinds import KINDS
    from studyapp.core.kinds.base import REQUIRED

    if args.format == "md":
        sys.stdout.write(kinds_markdown())
        return 0
    if args.format == "json":
        kinds = [{"kind": k.name, "summary": k.summary.get(args.lang), "answer_decimals": k.decimals,
                  "figures": list(k.figures),
                  "params": [{"name": p.name, "type": p.type, "doc": p.doc,
                              **({"choices": list(p.choices)} if p.choices else {}),
                              **({"required": True} if p.default is REQUIRED
                                 else {"default": p.default})}
                             for p in k.params],
                  "knobs": [{"name": n.name, "type": n.type, "default": n.default, "doc": n.doc}
                            for n in k.knobs]}
                 for k in KINDS.values()]
        doc = {"schema": "studyapp.kinds/1", "kinds": kinds}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return 0
    for k in KINDS.values():
        print(f"{k.name}: {k.summary.get(args.lang)}")
        if k.figures:
            print(f"    figures: {', '.join(k.figures)}")
        for p in k.params:
            if p.default is REQUIRED:
                default = ""
            elif p.default is None:
                default = " (optional)"
            else:
                default = f" (default {json.dumps(p.default)})"
            print(f"    {p.name:<12} {p.type:<8} {p.doc}{default}")
    return 0


def kinds_markdown() -> str:
    """The kinds reference (docs/kinds.md below its introduction), made from the registry."""
    import json

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
        if k.figures:
            out += [f"Worked-solution figures: {', '.join(k.figures)}.", ""]
    return "\n".join(out)
