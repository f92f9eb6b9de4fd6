"""Statistics of timings: the per-call summary of repeated samples, and the timing harness.

The method (docs/benchmarks.md): every figure is the median of repeated samples, reported with
min-max and the interquartile range; a sample times `number` back-to-back calls (chosen so a
sample lasts at least `min_sample_time`) and is divided by `number`; one warm-up call precedes
the samples, except for operations slower than SLOW_OPERATION seconds, whose first call counts
as a sample; a measurement stops after `repeat` samples or once `max_time` has elapsed.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

SLOW_OPERATION = 0.25            # seconds: above this the first call counts as a sample


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
