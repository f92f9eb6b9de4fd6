"""The cost model: least-squares fits of timings, and what bulk data and a session cost.

Bulk data travels in records of at most RECORD_SIZE bytes (RFC 8446 §5.1: 2^14), each record
costs the fitted fixed cost a plus b per byte, and a session costs one handshake plus its
records. Break-even is the smallest number of bytes whose records cost as much as the handshake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

RECORD_SIZE = 2 ** 14            # RFC 8446 §5.1: a record carries at most 2^14 bytes


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
