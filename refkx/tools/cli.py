"""Command line: `python -m refkx demo | lesson | vectors | bench | trace | serve | connect`.

Exit status: 0 on success, 1 when a check fails, 2 on a usage error (argparse).
Each subcommand lives in the module that owns the work; this file only parses
arguments and dispatches.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter


TICK_SECONDS = 5.0


class _Ticker:
    """Prints 'still running ... (N s)' on stderr every `every` seconds while a slow case runs."""

    def __init__(self, label: str, every: float | None = None):
        import threading
        self.label, self.every = label, every or TICK_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            print(f"  ... {self.label} ({time.perf_counter() - self._started:.0f} s)",
                  file=sys.stderr, flush=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _selected_cases(only: str | None):
    """(cases, error): every case of every area, or of one area, or of the sources whose
    name contains `only` (case-insensitive), e.g. --only "RFC 7748" or --only oaep."""
    from ..kat import AREAS, area_cases

    areas = [only] if only in AREAS else list(AREAS)
    cases = []
    for area in areas:
        try:
            cases += area_cases(area)
        except ModuleNotFoundError as exc:
            if exc.name != f"refkx.kat.{area}":
                raise
            # An area whose vector module is not written yet: say so, it is not a failure.
            print(f"note: no vector module for area {area!r} yet (refkx/kat/{area}.py)",
                  file=sys.stderr)
    if only and only not in AREAS:
        cases = [c for c in cases if only.lower() in c.source.lower()]
        if not cases:
            return [], (f"--only {only!r} matches no area ({', '.join(AREAS)}) and no source "
                        "document name")
    return cases, None


BOTH = "both"


def _modes(choice: str | None) -> tuple[str, ...]:
    """The implementations `vectors` runs: the one asked for, else both (only the readable one
    when REFKX_READABLE=1 is set, since that asks for readable code everywhere)."""
    from .. import impl

    if choice in impl.IMPLEMENTATIONS:
        return (choice,)
    if choice is None and impl.readable_from_environment():
        return (impl.READABLE,)
    return impl.IMPLEMENTATIONS


def _run_cases(cases, include_slow: bool) -> tuple[int, int, int]:
    """Run the cases, print one line per source document; (passed, failed, skipped slow)."""
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    slow = [c for c in cases if c.slow and include_slow]
    runnable = [c for c in cases if include_slow or not c.slow]
    per_source = Counter(c.source for c in runnable)
    sources_seen: list[str] = []
    for case in runnable:
        if case.source not in sources_seen:
            # Progress on stderr: one line as each source document starts.
            sources_seen.append(case.source)
            print(f"  [{len(sources_seen)}/{len(per_source)}] {case.source}: "
                  f"{per_source[case.source]} cases", file=sys.stderr, flush=True)
        try:
            if case.slow:
                n = slow.index(case) + 1
                print(f"  slow vector {n}/{len(slow)}: {case.id} ...", file=sys.stderr, flush=True)
                with _Ticker(f"still running {case.id}"):
                    case.run()
            else:
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
    skipped = sum(1 for c in cases if c.slow and not include_slow)
    return sum(passed.values()), sum(failed.values()), skipped


def _announce_slow(cases, mode: str) -> None:
    """Before the slow vectors run: how long they should take here, from a quick measurement
    (the RFC 7748 1,000,000-iteration vectors time a few hundred iterations)."""
    from ..kat.rfc7748 import format_duration

    slow = [c for c in cases if c.slow]
    if not slow:
        return
    estimates = [(c.id, c.estimate()) for c in slow if c.estimate is not None]
    unknown = len(slow) - len(estimates)
    total = sum(seconds for _, seconds in estimates)
    print(f"vectors --slow ({mode}): {len(slow)} slow vectors; the estimated ones take about "
          f"{format_duration(total)} on this machine"
          + (f" (plus {unknown} without an estimate, seconds each)" if unknown else "")
          + "; progress lines carry an ETA", file=sys.stderr, flush=True)
    for case_id, seconds in estimates:
        print(f"  {case_id}: about {format_duration(seconds)}", file=sys.stderr, flush=True)


def _cmd_vectors(args: argparse.Namespace) -> int:
    """Run every vendored vector under each implementation; pass counts per source document."""
    from .. import impl

    cases, error = _selected_cases(args.only)
    if error:
        print(f"vectors: {error}", file=sys.stderr)
        return 2
    totals = []
    for mode in _modes(args.implementation):
        print(f"implementation: {mode}", flush=True)
        if args.slow:
            with impl.using(mode):
                _announce_slow(cases, mode)
        started = time.perf_counter()
        with impl.using(mode):
            total_pass, total_fail, skipped = _run_cases(cases, args.slow)
        totals.append((mode, total_pass, total_fail))
        print(f"{total_pass} passed, {total_fail} failed"
              + (f", {skipped} slow skipped (--slow runs them)" if skipped else "")
              + f" ({time.perf_counter() - started:.1f} s, {mode})", flush=True)
    if len(totals) > 1:
        print("total: " + "; ".join(f"{mode} {p} passed, {f} failed" for mode, p, f in totals))
    return 1 if any(f for _, _, f in totals) else 0


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
    demo.add_argument("--kem", default=None, help="key exchange group (a TLS NamedGroup "
                      "refkx implements; rsa*-oaep: refkx-only RSA transport; default x25519; "
                      "not with --mitm or --forward-secrecy, whose lessons choose their own)")
    demo.add_argument("--pcap", metavar="FILE", help="write the connection as a pcap capture")
    demo.add_argument("--keylog", metavar="FILE", help="append its key log (SSLKEYLOGFILE)")
    demo.add_argument("--mitm", action="store_true",
                      help="the man-in-the-middle attack (an alias of `lesson mitm`)")
    demo.add_argument("--forward-secrecy", action="store_true",
                      help="record a session, leak the server key (an alias of `lesson "
                           "forward-secrecy`)")
    demo.set_defaults(func=_cmd_demo)

    from .lessons import add_arguments as add_lesson_arguments, run_cli as run_lesson

    lesson = sub.add_parser("lesson", help="how key exchange fails: an attack on a weak variant "
                                           "and on refkx (lesson --list)")
    add_lesson_arguments(lesson)
    lesson.set_defaults(func=run_lesson)

    from .bench import add_arguments as add_bench_arguments, run_bench

    bench = sub.add_parser("bench", help="what a handshake costs against bulk AES-GCM")
    add_bench_arguments(bench)
    bench.set_defaults(func=run_bench)

    from .trace import TOPICS, add_arguments as add_trace_arguments, run_trace

    trace = sub.add_parser("trace", help="print every intermediate value of one algorithm")
    trace.add_argument("topic", choices=TOPICS, metavar="TOPIC", help=", ".join(TOPICS))
    add_trace_arguments(trace)
    trace.set_defaults(func=run_trace)

    from .net import add_connect_arguments, add_serve_arguments, run_connect, run_serve

    serve = sub.add_parser("serve", help="a TLS 1.3 echo server (RFC 8446)")
    add_serve_arguments(serve)
    serve.set_defaults(func=run_serve)
    connect = sub.add_parser("connect", help="a TLS 1.3 client: send stdin lines, print the replies")
    add_connect_arguments(connect)
    connect.set_defaults(func=run_connect)

    from ..kat import AREAS

    vectors = sub.add_parser("vectors", help="run every vendored published test vector")
    vectors.add_argument("--slow", action="store_true",
                         help="include slow vectors (RFC 7748 1,000,000 iterations: tens of "
                              "minutes per curve and implementation; an estimate is printed "
                              "before they start)")
    vectors.add_argument("--only", metavar="NAME",
                         help=f"one area ({', '.join(AREAS)}) or the source documents whose "
                              "name contains NAME (e.g. 'RFC 7748', 'CAVP')")
    vectors.add_argument("--implementation", choices=("readable", "fast", BOTH), default=None,
                         help="which refkx.impl implementation runs the vectors (default: both; "
                              "readable only when REFKX_READABLE=1 is set)")
    vectors.set_defaults(func=_cmd_vectors)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `python -m refkx trace x25519 --projective | head`: the reader left; stop quietly.
        import os
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
