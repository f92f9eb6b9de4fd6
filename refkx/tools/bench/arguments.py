"""The `bench` command line: its options, size arguments, and run_bench (parse, run, print,
write JSON / the chart)."""

from __future__ import annotations

import os
import sys

import time

from . import operations
from .render import format_bytes, format_rate, format_seconds, render
from .config import AEAD_CIPHERS, SECTIONS, Config
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


# --sizes guards: pure-Python AES-GCM holds a few copies of the message, and runs at
# kilobytes to a few megabytes per second, so large sizes are refused before measuring.
MAX_AEAD_SIZE = 64 * 1024 ** 2          # bytes per message (about 4 copies are live at once)
MAX_AEAD_SECONDS = 180.0                # estimated seal time of one --sizes run, all samples
RATE_PROBE_SIZE = 16 * 1024


def estimate_seal_rate() -> float:
    """Bytes per second of one refkx AES-128-GCM seal of RATE_PROBE_SIZE bytes, measured now."""
    from ...gcm import AESGCM
    aead, data = AESGCM(bytes(16)), bytes(RATE_PROBE_SIZE)
    started = time.perf_counter()
    aead.encrypt(bytes(12), data, b"")
    return RATE_PROBE_SIZE / max(time.perf_counter() - started, 1e-9)


def check_sizes(sizes: list[int], samples: int) -> None:
    """ValueError for --sizes that would need GiBs or take more than a few minutes."""
    big = [s for s in sizes if s > MAX_AEAD_SIZE]
    if big:
        raise ValueError(f"--sizes {', '.join(format_bytes(s) for s in big)}: above "
                         f"{format_bytes(MAX_AEAD_SIZE)} per message (pure-Python AES-GCM keeps "
                         f"several copies in memory: about {format_bytes(4 * max(big))}); "
                         "choose smaller sizes")
    rate = estimate_seal_rate()
    # Each size is sealed for each cipher, `samples` times (at least once).
    seconds = sum(sizes) * len(AEAD_CIPHERS) * samples / rate
    if seconds > MAX_AEAD_SECONDS:
        raise ValueError(f"--sizes {','.join(format_bytes(s) for s in sizes)} would take about "
                         f"{format_seconds(seconds)} here ({format_rate(rate)} measured for "
                         f"AES-GCM); keep the run under {format_seconds(MAX_AEAD_SECONDS)} with "
                         "smaller --sizes")


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
        if not path:
            continue
        folder = os.path.dirname(os.path.abspath(path))
        problem = ("is a directory; give a file name" if os.path.isdir(path) else
                   "has no such directory" if not os.path.isdir(folder) else
                   "is in a directory you cannot write to" if not os.access(folder, os.W_OK) else
                   "exists and cannot be written" if os.path.exists(path)
                   and not os.access(path, os.W_OK) else None)
        if problem:
            print(f"bench {option}: {path!r} {problem}", file=sys.stderr)
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
                        rsa_bits=args.rsa_bits,
                        dh_groups=tuple(args.dh_groups.split(",")) if args.dh_groups else None)
        bad = [s for s in config.sections if s not in SECTIONS]
        if bad:
            raise ValueError(f"unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}")
        if config.sizes and "aead" in config.sections:
            check_sizes(config.sizes, config.samples)
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


def _positive_int(text: str) -> int:
    """--repeat N: an int >= 1 (checked at parse time: exit status 2)."""
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _sizes_text(text: str) -> str:
    """--sizes LIST: checked at parse time (each a positive size, at most MAX_AEAD_SIZE);
    the text is kept, run_bench parses it again and estimates the time."""
    import argparse
    try:
        sizes = parse_sizes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    big = [s for s in sizes if s > MAX_AEAD_SIZE]
    if big:
        raise argparse.ArgumentTypeError(
            f"{', '.join(format_bytes(s) for s in big)} is above {format_bytes(MAX_AEAD_SIZE)} per "
            f"message (pure-Python AES-GCM keeps several copies in memory: about "
            f"{format_bytes(4 * max(big))})")
    return text


def _rsa_bits_list(text: str) -> tuple[int, ...]:
    """--rsa-bits 2048,3072: even key sizes from 1024 to 16384 bits."""
    import argparse
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of key sizes: {text!r}") from None
    if not values or any(v < 1024 or v > 16384 or v % 2 for v in values):
        raise argparse.ArgumentTypeError(f"key sizes must be even, 1024-16384 bits: {text!r}")
    return values


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
    parser.add_argument("--sizes", metavar="LIST", type=_sizes_text,
                        help="AEAD message sizes, e.g. 64,1K,16K,1M (at most 64M each)")
    parser.add_argument("--sections", metavar="LIST",
                        help=f"measure only these of {','.join(SECTIONS)}")
    parser.add_argument("--readable", action="store_true",
                        help="measure refkx's readable modules (refkx.impl \"readable\" for every primitive)")
    # Testing knobs (CI smoke tests): not shown in --help.
    parser.add_argument("--repeat", type=_positive_int, help=argparse.SUPPRESS)
    parser.add_argument("--rsa-bits", type=_rsa_bits_list, help=argparse.SUPPRESS)
    parser.add_argument("--dh-groups", help=argparse.SUPPRESS)
