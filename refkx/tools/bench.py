"""What key establishment costs against bulk encryption, measured: `python -m refkx bench`.

The question this module answers: how many bytes of AES-GCM cost as much as one
handshake? The answer is bytes to kilobytes in pure Python and (with `--compare`) megabytes
with OpenSSL, and the tables show why. Everything here is ordinary arithmetic on
timings; it is kept in small pure functions (`summarize`, `fit_linear`,
`fit_power`, `bulk_cost`, `break_even_bytes`, the `format_*` helpers) so that
tests can check it on synthetic timings.

Method (see docs/benchmarks.md):
- every figure is the median of repeated samples, reported with min-max and the
  interquartile range; a sample times `number` back-to-back calls (chosen so a
  sample lasts at least `min_sample_time`) and is divided by `number`;
- one warm-up call precedes the samples, except for operations slower than
  SLOW_OPERATION seconds, whose first call counts as a sample (warming up a
  2-second RSA key generation teaches the interpreter nothing);
- each measurement stops after `repeat` samples or once `max_time` has elapsed
  (at least one sample is always kept), so `n` differs between rows.

Model: bulk data travels in records of at most RECORD_SIZE bytes (RFC 8446 §5.1:
2^14), each record costs the fitted fixed cost a plus b per byte, and a session
costs one handshake plus its records. Break-even is the smallest number of bytes
whose records cost as much as the handshake.

CPython integers are not constant-time; timings of this code say nothing about
side channels, only about cost.
"""

from __future__ import annotations

import math
import os
import platform
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

SCHEMA = "refkx-bench/1"
RECORD_SIZE = 2 ** 14            # RFC 8446 §5.1: a record carries at most 2^14 bytes
SLOW_OPERATION = 0.25            # seconds: above this the first call counts as a sample
AEAD_SIZES = (64, 1024, 16 * 1024, 1024 * 1024)
AEAD_CIPHERS = (("AES-128-GCM", 16), ("AES-256-GCM", 32))
BREAK_EVEN_CIPHER = "AES-128-GCM"
AMORTIZATION_SIZES = tuple(1024 * 16 ** i for i in range(6))   # 1 KiB, 16 KiB, ... 1 GiB
QUICK_KEMS = ("x25519", "x448", "ffdhe2048", "ffdhe4096", "rsa2048-oaep", "mlkem768",
              "x25519mlkem768")
FFDH_GROUPS = ("ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192")
QUICK_FFDH_GROUPS = ("ffdhe2048", "ffdhe4096", "ffdhe8192")
RSA_BITS = (2048, 3072, 4096)
SECTIONS = ("kem", "session", "aead", "scaling")
PURE, NATIVE = "refkx", "openssl"


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    """Summary of repeated timings of one operation, in seconds per call."""
    median: float
    q1: float
    q3: float
    min: float
    max: float
    n: int           # samples
    number: int = 1  # calls per sample

    def to_json(self) -> dict:
        return {"median_s": self.median, "q1_s": self.q1, "q3_s": self.q3,
                "min_s": self.min, "max_s": self.max, "samples": self.n,
                "calls_per_sample": self.number}


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0 <= q <= 1) by linear interpolation between order statistics."""
    if not sorted_values:
        raise ValueError("quantile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be between 0 and 1")
    position = q * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] * (1 - weight) + sorted_values[upper] * weight


def summarize(samples: Iterable[float], number: int = 1) -> Stats:
    """Median, quartiles and range of per-call times (samples already divided by number)."""
    values = sorted(samples)
    if not values:
        raise ValueError("no samples")
    return Stats(median=statistics.median(values), q1=quantile(values, 0.25),
                 q3=quantile(values, 0.75), min=values[0], max=values[-1],
                 n=len(values), number=number)


# --------------------------------------------------------------------------
# Timing harness
# --------------------------------------------------------------------------

def measure(fn: Callable[[], object], *, repeat: int = 5, max_time: float = 2.0,
            min_sample_time: float = 0.005, number: int | None = None,
            clock: Callable[[], float] = time.perf_counter) -> Stats:
    """Time `fn()`; return per-call statistics (see the module docstring for the method).

    `number` calls per sample is chosen from the warm-up call unless given.
    `clock` is injectable so that tests can drive the harness with synthetic time.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    samples: list[float] = []
    started = clock()
    fn()                                   # warm-up
    first = clock() - started
    if first >= SLOW_OPERATION:
        samples.append(first)              # too slow to waste: the first call counts
        number = 1
    elif number is None:
        number = max(1, math.ceil(min_sample_time / first)) if first > 0 else 1000
    while len(samples) < repeat:
        if samples and clock() - started > max_time:
            break
        t0 = clock()
        for _ in range(number):
            fn()
        samples.append((clock() - t0) / number)
    return summarize(samples, number)


# --------------------------------------------------------------------------
# Fits and the cost model
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class LinearFit:
    """y = intercept + slope * x, fitted by (weighted) least squares; r2 in [0, 1]."""
    intercept: float
    slope: float
    r2: float

    def __call__(self, x: float) -> float:
        return self.intercept + self.slope * x


def fit_linear(xs: Sequence[float], ys: Sequence[float],
               weights: Sequence[float] | None = None) -> LinearFit:
    """Least-squares line through (x, y), minimising sum w_i (y_i - a - b x_i)^2.

    With weights 1/y^2 the fit minimises relative error, so a 64-byte point
    counts as much as a 1 MiB one (used for AEAD timings, which span 4 decades).
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(xs) < 2:
        raise ValueError("a line needs at least two points")
    w = [1.0] * len(xs) if weights is None else list(weights)
    sw = sum(w)
    mean_x = sum(wi * x for wi, x in zip(w, xs)) / sw
    mean_y = sum(wi * y for wi, y in zip(w, ys)) / sw
    sxx = sum(wi * (x - mean_x) ** 2 for wi, x in zip(w, xs))
    if sxx == 0:
        raise ValueError("all x are equal: no slope to fit")
    sxy = sum(wi * (x - mean_x) * (y - mean_y) for wi, x, y in zip(w, xs, ys))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ss_tot = sum(wi * (y - mean_y) ** 2 for wi, y in zip(w, ys))
    ss_res = sum(wi * (y - intercept - slope * x) ** 2 for wi, x, y in zip(w, xs, ys))
    r2 = 1.0 if ss_tot == 0 else max(0.0, 1.0 - ss_res / ss_tot)
    return LinearFit(intercept, slope, r2)


def fit_power(xs: Sequence[float], ys: Sequence[float]) -> LinearFit:
    """Fit y = c * x^k as a line in log-log space: slope k is the growth exponent.

    The result's intercept is ln c. Textbook costs: schoolbook multiplication
    is k = 2, modular exponentiation with an exponent as long as the modulus k = 3.
    """
    if any(v <= 0 for v in list(xs) + list(ys)):
        raise ValueError("a power-law fit needs positive values")
    return fit_linear([math.log(x) for x in xs], [math.log(y) for y in ys])


def fit_aead(sizes: Sequence[int], seconds: Sequence[float]) -> LinearFit:
    """Fixed per-message cost (intercept, s) and per-byte cost (slope, s/byte), relative LSQ.

    A negative intercept (noise when the fixed cost is tiny) is reported as fitted
    but treated as zero by `bulk_cost`.
    """
    return fit_linear(sizes, seconds, weights=[1.0 / (t * t) for t in seconds])


def bulk_cost(nbytes: int, fit: LinearFit, record_size: int = RECORD_SIZE) -> float:
    """Seconds to seal `nbytes` in records of at most `record_size` bytes."""
    if nbytes < 0:
        raise ValueError("nbytes must be non-negative")
    records = -(-nbytes // record_size)
    return records * max(fit.intercept, 0.0) + nbytes * max(fit.slope, 0.0)


def break_even_bytes(handshake_s: float, fit: LinearFit,
                     record_size: int = RECORD_SIZE) -> int:
    """Smallest byte count whose bulk encryption costs at least one handshake.

    bulk_cost is non-decreasing in n, so a doubling search then bisection finds it.
    """
    if handshake_s <= 0:
        return 0
    if max(fit.intercept, 0.0) == 0 and max(fit.slope, 0.0) == 0:
        raise ValueError("bulk encryption with zero cost never breaks even")
    high = 1
    while bulk_cost(high, fit, record_size) < handshake_s:
        high *= 2
    low = high // 2          # bulk_cost(low) < handshake_s (or low == 0)
    while high - low > 1:
        mid = (low + high) // 2
        if bulk_cost(mid, fit, record_size) < handshake_s:
            low = mid
        else:
            high = mid
    return high


def session_cost(handshake_s: float, nbytes: int, fit: LinearFit,
                 record_size: int = RECORD_SIZE) -> tuple[float, float]:
    """(total seconds, handshake share in [0, 1]) of a session moving `nbytes`."""
    total = handshake_s + bulk_cost(nbytes, fit, record_size)
    return total, (handshake_s / total if total > 0 else 0.0)


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------

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


# --sizes guards: pure-Python AES-GCM holds a few copies of the message, and runs at
# kilobytes to a few megabytes per second, so large sizes are refused before measuring.
MAX_AEAD_SIZE = 64 * 1024 ** 2          # bytes per message (about 4 copies are live at once)
MAX_AEAD_SECONDS = 180.0                # estimated seal time of one --sizes run, all samples
RATE_PROBE_SIZE = 16 * 1024


def estimate_seal_rate() -> float:
    """Bytes per second of one refkx AES-128-GCM seal of RATE_PROBE_SIZE bytes, measured now."""
    from ..gcm import AESGCM
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


def parse_sizes(text: str) -> list[int]:
    """Comma-separated sizes, e.g. '64,1K,16K,1M'."""
    sizes = [parse_size(part) for part in text.split(",") if part.strip()]
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


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


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------

def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (Linux), else whatever platform reports."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def implementation_lines(active: dict[str, str]) -> list[str]:
    """`implementation: fast` (or readable) when every primitive runs the same, else one line
    per primitive (`implementation: gcm readable`)."""
    modes = set(active.values())
    if len(modes) == 1:
        return [f"implementation: {modes.pop()}"]
    return [f"implementation: {name} {mode}" for name, mode in active.items()]


def _readable_env() -> bool:
    from .. import impl
    return impl.readable_from_environment()


def environment(native: bool) -> dict:
    from .. import __version__, impl
    env = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "refkx": __version__,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "refkx_implementation": impl.active(),       # refkx.impl: {primitive: readable|fast}
    }
    if native:
        try:
            import cryptography
            from cryptography.hazmat.backends.openssl import backend
            env["cryptography"] = cryptography.__version__
            env["openssl"] = backend.openssl_version_text()
        except Exception:  # pragma: no cover - depends on the installation
            pass
    return env


# --------------------------------------------------------------------------
# The two implementations under test
# --------------------------------------------------------------------------

def _kem_family(name: str) -> tuple[str, int | None]:
    """The family of a KEM name and, for RSA, its modulus size: ('x25519', None),
    ('x448', None), ('rsa', 2048) for 'rsa2048-oaep', ('ffdh', None) for the groups;
    ('mlkem', 768) for 'mlkem768' and ('x25519mlkem', 768) for the hybrid."""
    if name in ("x25519", "x448"):
        return name, None
    if name == "x25519mlkem768":
        return "x25519mlkem", 768
    if name.startswith("mlkem"):
        return "mlkem", int(name[5:])
    if name.startswith("rsa") and name.endswith("-oaep"):
        return "rsa", int(name[3:-5])
    return "ffdh", None


class PureOps:
    """Operations of refkx itself (imports are lazy, so `--help` stays fast)."""
    impl = PURE

    def kem(self, name: str):
        """(keygen, encapsulate, decapsulate, static_key) callables for a KEM of kem.KEMS."""
        from ..kem import KEMS
        kem = KEMS[name]
        private_key, public = kem.generate_keypair()
        _, enc = kem.encapsulate(public)
        # RSA key transport has no forward secrecy: its key is the server's long-term key.
        static = not getattr(kem, "forward_secrecy", _kem_family(name)[0] != "rsa")
        return (kem.generate_keypair, lambda: kem.encapsulate(public),
                lambda: kem.decapsulate(enc, private_key), static)

    def aead(self, key_size: int):
        from ..gcm import AESGCM
        aead = AESGCM(secrets.token_bytes(key_size))
        # One nonce for every call is fine for TIMING; reusing a GCM nonce on real data
        # reveals the XOR of the plaintexts and lets anyone forge tags.
        nonce = secrets.token_bytes(12)
        return lambda data: aead.encrypt(nonce, data, None)

    def dh(self, group_name: str):
        """(keygen, exchange) callables for a finite-field group."""
        from .. import dh
        group = dh.GROUPS[group_name]
        theirs = dh.DHPrivateKey.generate(group).public_key()
        mine = dh.DHPrivateKey.generate(group)
        return (lambda: dh.DHPrivateKey.generate(group).public_key(),
                lambda: mine.exchange(theirs))

    def rsa_generate(self, bits: int):
        from .. import rsa
        # keys below 2048 bits only for the testing knob --rsa-bits (smoke tests)
        return rsa.generate_private_key(key_size=bits, _allow_weak=bits < 2048)

    def rsa_ops(self, key):
        """(sign, verify) callables with RSASSA-PSS/SHA-256."""
        from .. import rsa
        message = b"refkx benchmark message"
        signature = key.sign(message, rsa.PSS())
        public = key.public_key()
        return (lambda: key.sign(message, rsa.PSS()),
                lambda: public.verify(signature, message, rsa.PSS()))


class NativeOps:
    """The same operations through `cryptography` (OpenSSL)."""
    impl = NATIVE

    def __init__(self):
        import cryptography.hazmat.primitives.asymmetric  # noqa: F401  (fail early if absent)

    def kem(self, name: str):
        family, bits = _kem_family(name)
        if family in ("x25519", "x448"):
            if family == "x25519":
                from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as K
            else:
                from cryptography.hazmat.primitives.asymmetric.x448 import X448PrivateKey as K

            def keygen():
                key = K.generate()
                return key, key.public_key()

            private_key, public = keygen()

            def encapsulate():
                eph = K.generate()
                return eph.exchange(public), eph.public_key()

            _, enc = encapsulate()
            return keygen, encapsulate, lambda: private_key.exchange(enc), False
        if family in ("mlkem", "x25519mlkem"):
            return self._mlkem(family, bits)
        if family == "rsa":
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding, rsa as native_rsa
            oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                label=None)

            def keygen():
                key = native_rsa.generate_private_key(65537, bits)
                return key, key.public_key()

            private_key, public = keygen()
            enc = public.encrypt(secrets.token_bytes(32), oaep)
            return (keygen, lambda: public.encrypt(secrets.token_bytes(32), oaep),
                    lambda: private_key.decrypt(enc, oaep), True)
        keygen, exchange, params = self._dh(name)
        peer = params.generate_private_key().public_key()

        def encapsulate():
            eph = params.generate_private_key()
            return eph.exchange(peer), eph.public_key()

        return keygen, encapsulate, exchange, False

    def _mlkem(self, family: str, bits: int):
        """ML-KEM (and X25519MLKEM768: OpenSSL's ML-KEM-768 and X25519 side by side)."""
        from cryptography.hazmat.primitives.asymmetric import mlkem as native_mlkem
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        private_class = getattr(native_mlkem, f"MLKEM{bits}PrivateKey", None)
        if private_class is None:
            raise NotImplementedError(f"cryptography has no ML-KEM-{bits}")
        hybrid = family == "x25519mlkem"

        def keygen():
            key = private_class.generate()
            key.public_key()
            if hybrid:
                X25519PrivateKey.generate().public_key()
            return key

        private_key = private_class.generate()
        public = private_key.public_key()
        x_private = X25519PrivateKey.generate()
        x_public = x_private.public_key()

        def encapsulate():
            result = public.encapsulate()
            if hybrid:
                ephemeral = X25519PrivateKey.generate()
                return result, ephemeral.exchange(x_public), ephemeral.public_key()
            return result

        _, ciphertext = public.encapsulate()
        x_enc = X25519PrivateKey.generate().public_key()

        def decapsulate():
            secret = private_key.decapsulate(ciphertext)
            return secret + x_private.exchange(x_enc) if hybrid else secret

        return keygen, encapsulate, decapsulate, False

    def _dh(self, group_name: str):
        from cryptography.hazmat.primitives.asymmetric import dh as native_dh
        from .. import dh
        group = dh.GROUPS[group_name]
        params = native_dh.DHParameterNumbers(group.p, group.g, group.q).parameters()
        mine = params.generate_private_key()
        theirs = params.generate_private_key().public_key()
        return (lambda: params.generate_private_key().public_key(),
                lambda: mine.exchange(theirs), params)

    def dh(self, group_name: str):
        keygen, exchange, _ = self._dh(group_name)
        return keygen, exchange

    def aead(self, key_size: int):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        aead = AESGCM(secrets.token_bytes(key_size))
        nonce = secrets.token_bytes(12)
        return lambda data: aead.encrypt(nonce, data, None)

    def rsa_generate(self, bits: int):
        from cryptography.hazmat.primitives.asymmetric import rsa as native_rsa
        return native_rsa.generate_private_key(65537, bits)

    def rsa_ops(self, key):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        message = b"refkx benchmark message"
        signature = key.sign(message, pss, hashes.SHA256())
        public = key.public_key()
        return (lambda: key.sign(message, pss, hashes.SHA256()),
                lambda: public.verify(signature, message, pss, hashes.SHA256()))


def native_available() -> bool:
    try:
        NativeOps()
    except ImportError:
        return False
    return True


def refkx_key_from_native(native_key):
    """A refkx RSAPrivateKey with the numbers of a `cryptography` key (fast key generation)."""
    from .. import rsa
    n = native_key.private_numbers()
    return rsa.RSAPrivateKey(n.public_numbers.n, n.public_numbers.e, n.d, n.p, n.q)


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------

@dataclass
class Config:
    quick: bool = False
    compare: bool = False
    kems: list[str] | None = None           # None: every KEM (QUICK_KEMS with --quick)
    sizes: list[int] | None = None          # AEAD sizes
    sections: tuple[str, ...] = SECTIONS
    repeat: int | None = None               # override the samples per measurement
    readable: bool = False                  # refkx.impl "readable" for every primitive
    rsa_bits: tuple[int, ...] | None = None
    dh_groups: tuple[str, ...] | None = None
    progress: object = field(default_factory=lambda: sys.stderr, repr=False)  # stderr at run time

    @property
    def samples(self) -> int:
        return self.repeat if self.repeat is not None else (5 if self.quick else 11)

    @property
    def max_time(self) -> float:
        if self.repeat is not None:
            return math.inf       # exactly `repeat` samples: testing mode
        return 0.6 if self.quick else 4.0

    @property
    def min_sample_time(self) -> float:
        return 0.002 if self.quick or self.repeat is not None else 0.02


class Bench:
    """Runs the measurements for one Config; results are a JSON-ready dict."""

    def __init__(self, config: Config):
        self.config = config
        self.impls = [PureOps()]
        if config.compare:
            self.impls.append(NativeOps())
        self.results: dict = {"schema": SCHEMA, "environment": environment(config.compare),
                              "config": {"quick": config.quick, "compare": config.compare,
                                         "sections": list(config.sections),
                                         "kems": config.kems, "sizes": config.sizes,
                                         "repeat": config.repeat, "readable": config.readable,
                                         # what chose the implementations: --readable, the
                                         # environment (REFKX_READABLE=1), or neither
                                         "readable_from": ("--readable" if config.readable else
                                                           "REFKX_READABLE=1"
                                                           if _readable_env() else None),
                                         "record_size": RECORD_SIZE,
                                         "break_even_cipher": BREAK_EVEN_CIPHER},
                              "kems": [], "sessions": [], "aead": [], "aead_fits": [],
                              "break_even": [], "amortization": [], "scaling": [],
                              "scaling_fits": [], "ratios": [], "notes": []}
        self._rsa_keys: dict[tuple[str, int], object] = {}
        self._started = time.perf_counter()

    # -- plumbing --
    def progress(self, text: str) -> None:
        stream = self.config.progress
        if stream is not None:
            elapsed = time.perf_counter() - self._started
            print(f"[bench {elapsed:6.1f} s] {text}", file=stream, flush=True)

    def note(self, text: str) -> None:
        self.results["notes"].append(text)
        self.progress("note: " + text)

    def time(self, label: str, fn: Callable[[], object], **kw) -> Stats:
        self.progress(label)
        kw.setdefault("repeat", self.config.samples)
        kw.setdefault("max_time", self.config.max_time)
        kw.setdefault("min_sample_time", self.config.min_sample_time)
        return measure(fn, **kw)

    def kem_names(self) -> list[str]:
        from ..kem import KEMS
        if self.config.kems:
            unknown = [k for k in self.config.kems if k not in KEMS]
            if unknown:
                raise ValueError(f"unknown KEM(s) {', '.join(unknown)}; choose from "
                                 f"{', '.join(KEMS)}")
            return list(self.config.kems)
        if self.config.quick:
            return [k for k in QUICK_KEMS if k in KEMS]
        return list(KEMS)

    def rsa_key(self, ops, bits: int, timed: bool = False):
        """An RSA key of `bits` for `ops`, generated once; quick refkx runs borrow OpenSSL's."""
        cache_key = (ops.impl, bits)
        if cache_key not in self._rsa_keys:
            if ops.impl == PURE and bits > 2048 and self.config.quick and native_available():
                self.progress(f"refkx RSA-{bits}: key from OpenSSL (keygen not timed in --quick)")
                self._rsa_keys[cache_key] = refkx_key_from_native(NativeOps().rsa_generate(bits))
            else:
                self.progress(f"{ops.impl} RSA-{bits}: generating a key")
                self._rsa_keys[cache_key] = ops.rsa_generate(bits)
        return self._rsa_keys[cache_key]

    # -- sections --
    def run(self) -> dict:
        """Every configured section, under refkx.impl "readable" when config.readable."""
        from .. import impl

        if not self.config.readable:
            return self._run()
        with impl.using(impl.READABLE):   # the readable modules, as a learner steps through them
            self.results["environment"]["refkx_implementation"] = impl.active()
            return self._run()

    def _run(self) -> dict:
        sections = self.config.sections
        if "kem" in sections or "session" in sections:
            self.bench_kems()
        if "session" in sections:
            self.bench_sessions()
        if "aead" in sections:
            self.bench_aead()
        if "aead" in sections and "kem" in sections:
            self.compute_break_even()
        if "scaling" in sections:
            self.bench_scaling()
        if self.config.compare:
            self.compute_ratios()
        self.results["elapsed_s"] = time.perf_counter() - self._started
        return self.results

    def bench_kems(self) -> None:
        for name in self.kem_names():
            for ops in self.impls:
                try:
                    keygen, encapsulate, decapsulate, static = ops.kem(name)
                except (ImportError, KeyError, ValueError, NotImplementedError) as exc:
                    self.note(f"{ops.impl} {name}: not measured ({type(exc).__name__}: {exc})")
                    continue
                row = {"impl": ops.impl, "kem": name, "static_key": static}
                row["keygen"] = self.time(f"{ops.impl} {name} keygen", keygen).to_json()
                row["encapsulate"] = self.time(f"{ops.impl} {name} encapsulate",
                                               encapsulate).to_json()
                row["decapsulate"] = self.time(f"{ops.impl} {name} decapsulate",
                                               decapsulate).to_json()
                # A static (long-term) key is generated once, not per handshake.
                row["handshake_s"] = (row["encapsulate"]["median_s"] + row["decapsulate"]["median_s"]
                                      + (0.0 if static else row["keygen"]["median_s"]))
                self.results["kems"].append(row)

    def bench_sessions(self) -> None:
        """Whole TLS 1.3 handshakes (refkx.tls Client and Server in this process, RSA-2048
        certificate, TLS_AES_128_GCM_SHA256). The asymmetric share is estimated from the
        KEM table (keygen + encapsulate + decapsulate) plus one RSA-PSS sign and verify."""
        try:
            from .. import kem as kem_module
            from ..tls import Client, Server
            from ..tls import groups as tls_groups
            from .demo import self_signed
            from ..tls import signatures
        except ImportError as exc:
            self.note(f"TLS handshake not measured: {exc}")
            return
        identity = self.rsa_key(PureOps(), 2048)
        certificate = self_signed(identity)
        pin = certificate.spki_pin()
        transcript_hash = bytes(32)
        signature = signatures.sign(identity, signatures.RSA_PSS_RSAE_SHA256, transcript_hash)
        sign = self.time("refkx RSA-2048 PSS sign (CertificateVerify)", lambda: signatures.sign(
            identity, signatures.RSA_PSS_RSAE_SHA256, transcript_hash)).median
        verify = self.time("refkx RSA-2048 PSS verify", lambda: signatures.verify(
            identity.public_key(), signatures.RSA_PSS_RSAE_SHA256, signature,
            transcript_hash)).median
        kem_costs = {r["kem"]: r["handshake_s"] for r in self.results["kems"]
                     if r["impl"] == PURE}
        for name in self.kem_names():
            if not tls_groups.available(name):
                continue
            transport = not kem_module.KEMS[name].forward_secrecy
            if transport and getattr(kem_module.KEMS[name], "bits", 2048) != 2048:
                self.note(f"TLS {name}: not measured (needs a {kem_module.KEMS[name].bits}-bit "
                          "server key)")
                continue
            client_options = {"server_transport_key": identity.public_key()} if transport else {}
            server_options = {"transport_keys": {name: identity}} if transport else {}

            def handshake(name=name, client_options=client_options,
                          server_options=server_options):
                client = Client("localhost", pins=[pin], groups=[name], trace=False,
                                cipher_suites=["TLS_AES_128_GCM_SHA256"], **client_options)
                server = Server([certificate], identity, groups=[name], trace=False,
                                **server_options)
                client.start()
                server.receive(client.data_to_send())
                client.receive(server.data_to_send())
                server.receive(client.data_to_send())
                if not (client.handshake_complete and server.handshake_complete):
                    raise RuntimeError("handshake did not complete")
            stats = self.time(f"refkx TLS 1.3 handshake {name}", handshake)
            asymmetric = kem_costs.get(name, 0.0) + sign + verify
            self.results["sessions"].append({
                "impl": PURE, "kem": name, "mode": "RSA-2048 certificate",
                "handshake": stats.to_json(), "asymmetric_s": asymmetric,
                "asymmetric_share": min(1.0, asymmetric / stats.median) if stats.median else 0.0})
        self._bench_peer_handshakes(identity, certificate)

    def _bench_peer_handshakes(self, identity, certificate) -> None:
        """The same handshake by the stdlib ssl module (OpenSSL in C, memory BIOs), for scale."""
        import ssl
        import tempfile

        from .. import serialization
        with tempfile.TemporaryDirectory() as directory:
            certfile = f"{directory}/cert.pem"
            keyfile = f"{directory}/key.pem"
            with open(certfile, "wb") as f:
                f.write(serialization.pem_encode("CERTIFICATE", certificate.der))
            with open(keyfile, "wb") as f:
                f.write(identity.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
            try:
                server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                server_context.load_cert_chain(certfile, keyfile)
            except (ssl.SSLError, OSError, ValueError) as exc:
                self.note(f"stdlib ssl handshake not measured: {exc}")
                return
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_context.minimum_version = ssl.TLSVersion.TLSv1_3
        client_context.check_hostname = False
        client_context.verify_mode = ssl.CERT_NONE

        def handshake():
            bios = [ssl.MemoryBIO() for _ in range(4)]
            client = client_context.wrap_bio(bios[0], bios[1])
            server = server_context.wrap_bio(bios[2], bios[3], server_side=True)
            for _ in range(4):
                for side in (client, server):
                    try:
                        side.do_handshake()
                    except ssl.SSLWantReadError:
                        pass
                bios[2].write(bios[1].read())
                bios[0].write(bios[3].read())
        stats = self.time("stdlib ssl TLS 1.3 handshake (x25519)", handshake)
        self.results["sessions"].append({
            "impl": "openssl (ssl module)", "kem": "x25519", "mode": "RSA-2048 certificate",
            "handshake": stats.to_json(), "asymmetric_s": 0.0, "asymmetric_share": 0.0})

    def aead_sizes(self, ops) -> list[int]:
        if self.config.sizes:
            return list(self.config.sizes)
        if ops.impl == PURE and self.config.quick:
            return [s for s in AEAD_SIZES if s <= 16 * 1024]   # 1 MiB takes seconds in Python
        return list(AEAD_SIZES)

    def bench_aead(self) -> None:
        for ops in self.impls:
            for cipher, key_size in AEAD_CIPHERS:
                try:
                    seal = ops.aead(key_size)
                except ImportError as exc:
                    self.note(f"{ops.impl} {cipher}: not measured ({exc})")
                    continue
                sizes, medians = [], []
                for size in self.aead_sizes(ops):
                    data = secrets.token_bytes(size)
                    stats = self.time(f"{ops.impl} {cipher} seal {format_bytes(size)}",
                                      lambda data=data: seal(data))
                    self.results["aead"].append({"impl": ops.impl, "cipher": cipher, "size": size,
                                                 "seal": stats.to_json(),
                                                 "bytes_per_s": size / stats.median})
                    sizes.append(size)
                    medians.append(stats.median)
                if len(set(sizes)) < 2:
                    self.note(f"{ops.impl} {cipher}: no AEAD cost model, break-even or "
                              "total-cost tables: a fit t(n) = a + b*n needs at least two "
                              f"different --sizes (got {', '.join(map(format_bytes, set(sizes)))})")
                if len(set(sizes)) >= 2:
                    fit = fit_aead(sizes, medians)
                    self.results["aead_fits"].append({
                        "impl": ops.impl, "cipher": cipher, "per_message_s": fit.intercept,
                        "per_byte_s": fit.slope, "r2": fit.r2, "sizes": sizes})

    def _fit(self, impl: str, cipher: str = BREAK_EVEN_CIPHER) -> LinearFit | None:
        for row in self.results["aead_fits"]:
            if row["impl"] == impl and row["cipher"] == cipher:
                return LinearFit(row["per_message_s"], row["per_byte_s"], row["r2"])
        return None

    def compute_break_even(self) -> None:
        for row in self.results["kems"]:
            fit = self._fit(row["impl"])
            if fit is None:
                continue
            self.results["break_even"].append({
                "impl": row["impl"], "kem": row["kem"], "cipher": BREAK_EVEN_CIPHER,
                "handshake_s": row["handshake_s"],
                "bytes": break_even_bytes(row["handshake_s"], fit)})
            for size in AMORTIZATION_SIZES:
                total, share = session_cost(row["handshake_s"], size, fit)
                self.results["amortization"].append({
                    "impl": row["impl"], "kem": row["kem"], "bytes": size,
                    "total_s": total, "handshake_share": share})

    def bench_scaling(self) -> None:
        groups = self.config.dh_groups or (QUICK_FFDH_GROUPS if self.config.quick else FFDH_GROUPS)
        rsa_bits = self.config.rsa_bits or RSA_BITS
        if self.config.quick and not self.config.rsa_bits and not native_available():
            rsa_bits = (2048, 3072)
            self.note("--quick without `cryptography`: RSA-4096 left out (a pure-Python 4096-bit "
                      "key takes 10-60 s to generate)")
        for ops in self.impls:
            for group in groups:
                try:
                    keygen, exchange = ops.dh(group)
                except (ImportError, KeyError) as exc:
                    self.note(f"{ops.impl} {group}: not measured ({exc})")
                    continue
                bits = int("".join(c for c in group if c.isdigit()))
                for op, fn in (("keygen", keygen), ("exchange", exchange)):
                    stats = self.time(f"{ops.impl} {group} {op}", fn)
                    self.results["scaling"].append({"impl": ops.impl, "family": "ffdh",
                                                    "op": op, "bits": bits, "stats": stats.to_json()})
            for bits in rsa_bits:
                time_keygen = not (self.config.quick and bits > 2048)
                try:
                    if time_keygen:
                        keys = []
                        stats = self.time(f"{ops.impl} RSA-{bits} keygen",
                                          lambda: keys.append(ops.rsa_generate(bits)),
                                          repeat=min(self.config.samples, 3))
                        self._rsa_keys.setdefault((ops.impl, bits), keys[-1])
                        self.results["scaling"].append({"impl": ops.impl, "family": "rsa",
                                                        "op": "keygen", "bits": bits,
                                                        "stats": stats.to_json()})
                    key = self.rsa_key(ops, bits)
                    sign, verify = ops.rsa_ops(key)
                except ImportError as exc:
                    self.note(f"{ops.impl} RSA-{bits}: not measured ({exc})")
                    continue
                for op, fn in (("sign", sign), ("verify", verify)):
                    stats = self.time(f"{ops.impl} RSA-{bits} {op}", fn)
                    self.results["scaling"].append({"impl": ops.impl, "family": "rsa", "op": op,
                                                    "bits": bits, "stats": stats.to_json()})
        series: dict[tuple, list[tuple[int, float]]] = {}
        for row in self.results["scaling"]:
            series.setdefault((row["impl"], row["family"], row["op"]), []).append(
                (row["bits"], row["stats"]["median_s"]))
        for (impl, family, op), points in series.items():
            if len({b for b, _ in points}) >= 2:
                fit = fit_power([b for b, _ in points], [t for _, t in points])
                self.results["scaling_fits"].append({"impl": impl, "family": family, "op": op,
                                                     "exponent": fit.slope, "r2": fit.r2})

    def compute_ratios(self) -> None:
        """refkx median / OpenSSL median for every operation measured by both."""
        pure, native = {}, {}
        for row in self.results["kems"]:
            for op in ("keygen", "encapsulate", "decapsulate"):
                (pure if row["impl"] == PURE else native)[f"{row['kem']} {op}"] = row[op]["median_s"]
        for row in self.results["aead"]:
            (pure if row["impl"] == PURE else native)[
                f"{row['cipher']} seal {format_bytes(row['size'])}"] = row["seal"]["median_s"]
        for row in self.results["scaling"]:
            label = (f"FFDH-{row['bits']} {row['op']}" if row["family"] == "ffdh"
                     else f"RSA-{row['bits']} {row['op']}")
            (pure if row["impl"] == PURE else native)[label] = row["stats"]["median_s"]
        for label, t in pure.items():
            if label in native and native[label] > 0:
                self.results["ratios"].append({"op": label, "refkx_s": t, "openssl_s": native[label],
                                               "ratio": t / native[label]})


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

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


def plot_amortization(results: dict, path: str) -> None:
    """Cost per session against bytes sent, one curve per KEM and implementation."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    sizes = [2 ** e for e in range(6, 31)]
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    kems = list(dict.fromkeys(row["kem"] for row in results["break_even"]))
    color = {kem: palette[i % len(palette)] for i, kem in enumerate(kems)}
    for row in results["break_even"]:
        fit = None
        for f in results["aead_fits"]:
            if f["impl"] == row["impl"] and f["cipher"] == BREAK_EVEN_CIPHER:
                fit = LinearFit(f["per_message_s"], f["per_byte_s"], f["r2"])
        if fit is None:
            continue
        costs = [session_cost(row["handshake_s"], n, fit)[0] for n in sizes]
        style = "-" if row["impl"] == PURE else "--"
        ax.plot(sizes, costs, style, color=color[row["kem"]],
                label=f"{row['kem']} ({'pure Python' if row['impl'] == PURE else 'OpenSSL'})")
        ax.plot([row["bytes"]], [2 * row["handshake_s"]], "o", color=color[row["kem"]])
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(f"bytes sent ({BREAK_EVEN_CIPHER}, {format_bytes(RECORD_SIZE)} records)")
    ax.set_ylabel("seconds per session (handshake + bulk)")
    ax.set_title("Where the handshake stops mattering (dot: break-even, cost = 2 x handshake)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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
    if args.compare and not native_available():
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
    """The `bench` options (used by refkx/cli.py)."""
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


__all__ = ["Stats", "LinearFit", "summarize", "quantile", "measure", "fit_linear", "fit_power",
           "fit_aead", "bulk_cost", "break_even_bytes", "session_cost", "parse_size",
           "parse_sizes", "format_seconds", "format_bytes", "format_rate", "format_ratio",
           "format_table", "Config", "Bench", "render", "run_bench", "RECORD_SIZE", "SCHEMA"]

