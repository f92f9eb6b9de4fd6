"""The `bench` command line: its options, size arguments, and run_bench (parse, run, print,
write JSON / the chart)."""

from __future__ import annotations

import os
import sys

from . import operations
from .render import render
from .config import SECTIONS, Config
from .runner import Bench

_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "KIB": 1024,
               "M": 1024 ** 2, "MB": 1024 ** 2, "MIB": 1024 ** 2,
               "G": 1024 ** 3, "GB": 1024 ** 3, "GIB": 1024 ** 3}




def parse_size(text: str) -> int:
    """'64' -> 64, '1K'/'1KiB' -> 1024, '16k' -> 16384, '1M' -> 1048576 (binary units)."""
    s = text.strip().upper().replace(" ", "")
    digits = len(s) - len(s.lstrip("0123456789."))
    number, unit = s[:digits], s[digits:]
    if not number or unit not in _SIZE_UNITS:
        raise ValueError(f"not a size: {text!r} (use e.g. 64, 1K, 16KiB, 1M)")
    value = float(number) * _SIZE_UNITS[unit]
    if value != int(value) or value <= 0:
        raise ValueError(f"size must be a positive whole number of bytes: {text!r}")
    return int(value)


def parse_sizes(text: str) -> list[int]:
    """Comma-separated sizes, e.g. '64,1K,16K,1M'."""
    sizes = [parse_size(part) for part in text.split(",") if part.strip()]
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


def run_bench(args) -> int:
    """`python -m refkx bench`: exit 0 on success, 1 when an optional package it needs is
    missing (cryptography for --compare, matplotlib for --plot), 2 on a usage error."""
    import json

    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("bench --plot needs matplotlib: pip install 'refkx[plot]' "
                  "(or leave out --plot)", file=sys.stderr)
            return 1
        if not args.plot.lower().endswith((".png", ".svg", ".pdf")):
            print("bench --plot: the file name must end in .png, .svg or .pdf", file=sys.stderr)
            return 2
    for option, path in (("--json", args.json), ("--plot", args.plot)):
        # Refuse a path that cannot be written before measuring anything (a usage error).
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            print(f"bench {option}: no such directory for {path!r}", file=sys.stderr)
            return 2
    if args.compare and not operations.native_available():
        print("bench --compare needs the `cryptography` package (OpenSSL): "
              "pip install 'refkx[compare]'", file=sys.stderr)
        return 1
    try:
        config = Config(quick=args.quick, compare=args.compare,
                        kems=[k.strip() for k in args.kems.split(",") if k.strip()] if args.kems else None,
                        sizes=parse_sizes(args.sizes) if args.sizes else None,
                        sections=tuple(s.strip() for s in args.sections.split(",")) if args.sections else SECTIONS,
                        repeat=args.repeat, readable=args.readable,
                        rsa_bits=tuple(int(b) for b in args.rsa_bits.split(",")) if args.rsa_bits else None,
                        dh_groups=tuple(args.dh_groups.split(",")) if args.dh_groups else None)
        bad = [s for s in config.sections if s not in SECTIONS]
        if bad:
            raise ValueError(f"unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}")
        bench = Bench(config)
        if config.kems:
            bench.kem_names()     # validate names before measuring anything
        results = bench.run()
    except ValueError as exc:          # a bad KEM name, size or section: a usage error
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    print(render(results))
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(results, f, indent=2)
        except OSError as exc:
            print(f"bench --json: cannot write {args.json!r}: {exc}", file=sys.stderr)
            return 1
        print(f"JSON written to {args.json}", file=sys.stderr)
    if args.plot:
        from .plot import plot_amortization
        plot_amortization(results, args.plot)
        print(f"chart written to {args.plot}", file=sys.stderr)
    return 0


def add_arguments(parser) -> None:
    """The `bench` options (used by refkx/tools/cli.py)."""
    import argparse
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples, a subset of KEMs and sizes (under a minute)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON "
                        "(schema in docs/benchmarks.md)")
    parser.add_argument("--compare", action="store_true",
                        help="measure OpenSSL through `cryptography` side by side")
    parser.add_argument("--plot", metavar="PATH",
                        help="write the amortization chart (.png/.svg; needs matplotlib)")
    parser.add_argument("--kems", metavar="NAMES", help="comma-separated KEM names (kem.KEMS)")
    parser.add_argument("--sizes", metavar="LIST",
                        help="AEAD message sizes, e.g. 64,1K,16K,1M")
    parser.add_argument("--sections", metavar="LIST",
                        help=f"measure only these of {','.join(SECTIONS)}")
    parser.add_argument("--readable", action="store_true",
                        help="measure refkx's readable modules (refkx.impl \"readable\" for every primitive)")
    # Testing knobs (CI smoke tests): not shown in --help.
    parser.add_argument("--repeat", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rsa-bits", help=argparse.SUPPRESS)
    parser.add_argument("--dh-groups", help=argparse.SUPPRESS)
