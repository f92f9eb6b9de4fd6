"""The report: units (seconds, bytes, rates, ratios), aligned tables, and the text that
`python -m refkx bench` prints."""

from __future__ import annotations

import math
from typing import Sequence

from .config import AMORTIZATION_SIZES, BREAK_EVEN_CIPHER, SCHEMA
from .environment import implementation_lines
from .model import RECORD_SIZE
from .operations import PURE
from .stats import Stats


def _three_digits(value: float) -> str:
    """Three significant digits without exponent notation (1.23, 12.3, 123)."""
    if value == 0:
        return "0"
    value = float(f"{value:.3g}")          # round first: 0.9996 -> 1.0 (then "1.00")
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}"


def format_seconds(seconds: float) -> str:
    """812 ns, 12.3 µs, 4.56 ms, 1.23 s, 2.50 min, 5.80 h."""
    if seconds < 0:
        return "-" + format_seconds(-seconds)
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3)):
        if seconds < scale * 999.5:
            return f"{_three_digits(seconds / scale)} {unit}"
    if seconds < 60:
        return f"{_three_digits(seconds)} s"
    if seconds < 3600:
        return f"{_three_digits(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{_three_digits(seconds / 3600)} h"
    return f"{_three_digits(seconds / 86400)} d"


def format_bytes(nbytes: float) -> str:
    """64 B, 1 KiB, 1.5 MiB, 16 KiB, 3.21 GiB (binary prefixes)."""
    value = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1023.5 or unit == "TiB":
            if value == int(value):
                return f"{int(value)} {unit}"
            return f"{_three_digits(value)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_rate(bytes_per_second: float) -> str:
    """Throughput, e.g. '52.3 KiB/s' or '1.80 GiB/s'."""
    value = float(bytes_per_second)
    for unit in ("B/s", "KiB/s", "MiB/s", "GiB/s"):
        if value < 1023.5 or unit == "GiB/s":
            return f"{_three_digits(value)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_ratio(ratio: float) -> str:
    """How many times slower: 'x1.50', 'x85.2', 'x1230'."""
    if ratio >= 1000:
        return f"x{ratio:.0f}"
    return f"x{_three_digits(ratio)}"


def format_spread(stats: Stats) -> str:
    """'1.23 ms (1.20-1.31 ms, n=7)': median with the min-max range."""
    return (f"{format_seconds(stats.median)} "
            f"({format_seconds(stats.min).split()[0]}-{format_seconds(stats.max)}, n={stats.n})")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 align: str | None = None) -> str:
    """Plain-text table; align is one char per column ('l' or 'r'), default l then r."""
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]

    def line(cells):
        out = []
        for cell, width, a in zip(cells, widths, align):
            out.append(str(cell).ljust(width) if a == "l" else str(cell).rjust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def _stats(d: dict) -> Stats:
    return Stats(d["median_s"], d["q1_s"], d["q3_s"], d["min_s"], d["max_s"], d["samples"],
                 d["calls_per_sample"])


def render(results: dict) -> str:
    """The tables, as text (what `python -m refkx bench` prints on stdout)."""
    env = results["environment"]
    out = [f"refkx {env['refkx']} benchmark  ({SCHEMA})",
           f"Python {env['python']} ({env['implementation']}) on {env['platform']}",
           f"CPU: {env['cpu']} ({env['cpu_count']} logical)"]
    if env.get("refkx_implementation"):
        out += implementation_lines(env["refkx_implementation"])
    if "openssl" in env:
        out.append(f"Native: cryptography {env['cryptography']}, {env['openssl']}")
    out.append(f"Figures: median (min-max, n samples); {'quick run' if results['config']['quick'] else 'full run'}. "
               "Shared or busy machines make them noisy.")

    if results["kems"]:
        out += ["", "KEM cost per operation (handshake = encapsulate + decapsulate "
                "+ keygen unless the key is long-term)"]
        rows = [[r["kem"], r["impl"], format_spread(_stats(r["keygen"])),
                 format_spread(_stats(r["encapsulate"])), format_spread(_stats(r["decapsulate"])),
                 format_seconds(r["handshake_s"]) + (" *" if r["static_key"] else "")]
                for r in results["kems"]]
        out.append(format_table(["KEM", "impl", "keygen", "encapsulate", "decapsulate",
                                 "handshake"], rows, "llrrrr"))
        if any(r["static_key"] for r in results["kems"]):
            out.append("* RSA key transport: the server's long-term key is generated once, "
                       "so keygen is not part of a handshake.")

    if results["sessions"]:
        out += ["", "Full TLS 1.3 handshake (client and server in one process, "
                "TLS_AES_128_GCM_SHA256)"]
        rows = [[r["kem"], r.get("impl", PURE), r["mode"], format_spread(_stats(r["handshake"])),
                 format_seconds(r["asymmetric_s"]) if r["asymmetric_s"] else "-",
                 f"{100 * r['asymmetric_share']:.0f} %" if r["asymmetric_s"] else "-"]
                for r in results["sessions"]]
        out.append(format_table(["group", "impl", "server auth", "handshake", "asymmetric ops",
                                 "asymmetric share"], rows, "lllrrr"))

    if results["aead"]:
        out += ["", "AEAD seal (encrypt + tag) per message"]
        rows = [[r["cipher"], r["impl"], format_bytes(r["size"]), format_spread(_stats(r["seal"])),
                 format_rate(r["bytes_per_s"])] for r in results["aead"]]
        out.append(format_table(["cipher", "impl", "size", "time", "throughput"], rows, "llrrr"))
    if results["aead_fits"]:
        out += ["", "AEAD cost model t(n) = a + b*n (least squares on relative error)"]
        rows = [[r["cipher"], r["impl"], format_seconds(r["per_message_s"]),
                 format_seconds(r["per_byte_s"]) + "/B",
                 format_rate(1 / r["per_byte_s"]) if r["per_byte_s"] > 0 else "-",
                 f"{r['r2']:.4f}"] for r in results["aead_fits"]]
        out.append(format_table(["cipher", "impl", "a (per message)", "b (per byte)",
                                 "1/b", "R^2"], rows, "llrrrr"))

    if results["break_even"]:
        out += ["", f"Break-even: bytes of {BREAK_EVEN_CIPHER} (in {format_bytes(RECORD_SIZE)} "
                "records) that cost as much as one handshake"]
        rows = [[r["kem"], r["impl"], format_seconds(r["handshake_s"]), format_bytes(r["bytes"])]
                for r in results["break_even"]]
        out.append(format_table(["KEM", "impl", "handshake", "break-even"], rows, "llrr"))
        out += ["", "Total session cost (handshake + records) vs bytes sent; "
                "the handshake's share in brackets"]
        table = {(r["impl"], r["kem"], r["bytes"]): r for r in results["amortization"]}
        rows = []
        for r in results["break_even"]:
            row = [r["kem"], r["impl"]]
            for size in AMORTIZATION_SIZES:
                cell = table[(r["impl"], r["kem"], size)]
                row.append(f"{format_seconds(cell['total_s'])} ({100 * cell['handshake_share']:.0f}%)")
            rows.append(row)
        headers = ["KEM", "impl"] + [format_bytes(size) for size in AMORTIZATION_SIZES]
        out.append(format_table(headers, rows, "ll" + "r" * len(AMORTIZATION_SIZES)))

    if results["scaling"]:
        out += ["", "Scaling with key size"]
        rows = [[("FFDH " if r["family"] == "ffdh" else "RSA ") + r["op"], r["impl"],
                 str(r["bits"]), format_spread(_stats(r["stats"]))] for r in results["scaling"]]
        out.append(format_table(["operation", "impl", "bits", "time"], rows, "llrr"))
    if results["scaling_fits"]:
        out += ["", "Growth exponent k in time ~ bits^k (log-log least squares)"]
        rows = [[("FFDH " if r["family"] == "ffdh" else "RSA ") + r["op"], r["impl"],
                 f"{r['exponent']:.2f}", f"{r['r2']:.3f}"] for r in results["scaling_fits"]]
        out.append(format_table(["operation", "impl", "k", "R^2"], rows, "llrr"))

    if results["ratios"]:
        out += ["", "Pure Python vs OpenSSL (how many times slower refkx is)"]
        rows = [[r["op"], format_seconds(r["refkx_s"]), format_seconds(r["openssl_s"]),
                 format_ratio(r["ratio"])] for r in results["ratios"]]
        out.append(format_table(["operation", "refkx", "openssl", "ratio"], rows, "lrrr"))
    if results["notes"]:
        out += ["", "Notes:"] + [f"- {n}" for n in results["notes"]]
    out.append("")
    out.append(f"({format_seconds(results.get('elapsed_s', 0.0))} in total)")
    return "\n".join(out)
