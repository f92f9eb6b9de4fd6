"""Command line: `python -m refkx demo | vectors | bench | trace | serve | connect`.

Exit status: 0 on success, 1 when a check fails, 2 on a usage error (argparse).
Each subcommand lives in the module that owns the work; this file only parses
arguments and dispatches.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter


def _cmd_vectors(args: argparse.Namespace) -> int:
    """Run every vendored vector, print pass counts per source document."""
    from .kat import AREAS, area_cases

    areas = AREAS if not args.only else [args.only]
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    started = time.perf_counter()
    for area in areas:
        for case in area_cases(area):
            if case.slow and not args.slow:
                continue
            if case.slow:
                print(f"  running slow vector {case.id} ...", file=sys.stderr, flush=True)
            try:
                case.run()
            except Exception as exc:  # report every failure, keep going
                failed[case.source] += 1
                print(f"FAIL {case.id}: {type(exc).__name__}: {exc}")
            else:
                passed[case.source] += 1
    sources = sorted(set(passed) | set(failed), key=lambda s: (s.lower()))
    width = max((len(s) for s in sources), default=10)
    for source in sources:
        status = "ok  " if not failed[source] else "FAIL"
        print(f"{status} {source:<{width}}  {passed[source]:>5} passed  {failed[source]:>3} failed")
    total_pass, total_fail = sum(passed.values()), sum(failed.values())
    print(f"{total_pass} passed, {total_fail} failed ({time.perf_counter() - started:.1f} s)")
    return 1 if total_fail else 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m refkx",
        description="refkx: pure-Python key exchange, for learning and cross-checking "
                    "(not constant-time; not for production secrets).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="walk through a key exchange and protected messages")
    demo.set_defaults(func=_cmd_demo)

    from .kat import AREAS

    vectors = sub.add_parser("vectors", help="run every vendored published test vector")
    vectors.add_argument("--slow", action="store_true", help="include slow vectors (RFC 7748 1,000,000 iterations)")
    vectors.add_argument("--only", choices=AREAS, help="run one area only")
    vectors.set_defaults(func=_cmd_vectors)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
