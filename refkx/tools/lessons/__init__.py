"""Runnable lessons: how key exchange fails, shown with real values.

``python -m refkx lesson --list`` names them; ``python -m refkx lesson NAME [--full]`` runs
one. Each lesson attacks a deliberately weak variant, which lives only in the lesson's own
module (nothing in the library can be switched into it), then runs the same attack against
refkx as it is, and ends with one ``verdict:`` line: exit status 0 when the attack broke the
weak variant and failed against refkx, 1 otherwise, 2 for an unknown lesson. docs/lessons.md
maps each lesson to the paper or RFC of its attack and to the line of refkx that stops it.

Each lesson module has NAME, SUMMARY and ``run(narrator, full=False) -> Outcome``.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not protect
production secrets.
"""

from __future__ import annotations

import importlib
import sys

from .narrate import Narrator, Outcome

# name -> module under refkx.tools.lessons, in the order `lesson --list` shows them.
LESSONS = {
    "mitm": "mitm",
    "forward-secrecy": "forward_secrecy",
    "weak-randomness": "weak_randomness",
    "small-subgroup": "small_subgroup",
    "nonce-reuse": "nonce_reuse",
    "downgrade": "downgrade",
    "replay": "replay",
    "expired-certificate": "expired_certificate",
    "padding-oracle": "padding_oracle",
}

EXIT_AS_TAUGHT, EXIT_NOT_AS_TAUGHT, EXIT_USAGE = 0, 1, 2


def lesson_module(name: str):
    """The module of lesson `name` (KeyError for an unknown name)."""
    return importlib.import_module(f"{__name__}.{LESSONS[name]}")


def list_lessons(out=None) -> int:
    out = out if out is not None else sys.stdout
    width = max(len(name) for name in LESSONS)
    for name in LESSONS:
        print(f"{name:<{width}}  {lesson_module(name).SUMMARY}", file=out)
    return EXIT_AS_TAUGHT


def run_lesson(name: str, full: bool = False, out=None) -> int:
    """Run one lesson, narrated to `out`; returns the exit status (0, 1, or 2 if unknown)."""
    if name not in LESSONS:
        err = sys.stderr
        print(f"lesson: unknown lesson {name!r}; choose from {', '.join(LESSONS)}", file=err)
        return EXIT_USAGE
    narrator = Narrator(out)
    try:
        outcome = lesson_module(name).run(narrator, full=full)
    except Exception as exc:         # a lesson that breaks still ends with its verdict line
        narrator.say()
        narrator.say(f"verdict: NOT as taught: the lesson itself failed "
                     f"({type(exc).__name__}: {exc})")
        return EXIT_NOT_AS_TAUGHT
    return narrator.finish(outcome)


def add_arguments(parser) -> None:
    """The `lesson` subcommand's arguments (for refkx's CLI)."""
    parser.add_argument("name", nargs="?", metavar="NAME", help=", ".join(LESSONS))
    parser.add_argument("--list", action="store_true", help="list the lessons and exit")
    parser.add_argument("--full", action="store_true",
                        help="a bigger instance of the attack (slower)")


def run_cli(args) -> int:
    """Dispatch `lesson --list` / `lesson NAME [--full]`; no NAME and no --list is a usage
    error (2)."""
    if args.list:
        return list_lessons()
    if not args.name:
        print("lesson: name a lesson (lesson --list shows them)", file=sys.stderr)
        return EXIT_USAGE
    return run_lesson(args.name, full=args.full)


__all__ = ["LESSONS", "Narrator", "Outcome", "add_arguments", "lesson_module", "list_lessons",
           "run_cli", "run_lesson"]
