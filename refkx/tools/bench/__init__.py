"""What key establishment costs against bulk encryption, measured: `python -m refkx bench`.

The question this module answers: how many bytes of AES-GCM cost as much as one
handshake? The answer is bytes to kilobytes in pure Python and (with `--compare`) megabytes
with OpenSSL, and the tables show why. Everything here is ordinary arithmetic on
timings; it is kept in small pure functions (`summarize`, `fit_linear`,
`fit_power`, `bulk_cost`, `break_even_bytes`, the `format_*` helpers) so that
tests can check it on synthetic timings.

One concern per module:
  stats.py        Stats, summarize, quantile, and the timing harness `measure`
  model.py        the least-squares fits and the cost model (bulk_cost, break_even_bytes, ...)
  environment.py  Python, platform, CPU model, refkx.impl's choice
  operations.py   the implementations under test: PureOps (refkx), NativeOps (OpenSSL)
  config.py       the named constants and Config, the options of one run
  runner.py       Bench: runs the sections into a JSON-ready dict
  render.py       units, tables and the printed report
  plot.py         the amortization chart (matplotlib)
  arguments.py    the command-line options and run_bench

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

from .arguments import add_arguments, parse_size, parse_sizes, run_bench
from .config import (AEAD_CIPHERS, AEAD_SIZES, AMORTIZATION_SIZES, BREAK_EVEN_CIPHER,
                     FFDH_GROUPS, QUICK_FFDH_GROUPS, QUICK_KEMS, RSA_BITS, SCHEMA, SECTIONS,
                     Config)
from .environment import cpu_model, environment, implementation_lines
from .model import (RECORD_SIZE, LinearFit, break_even_bytes, bulk_cost, fit_aead, fit_linear,
                    fit_power, session_cost)
from .operations import NATIVE, PURE, NativeOps, PureOps, native_available
from .render import (format_bytes, format_rate, format_ratio, format_seconds, format_spread,
                     format_table, render)
from .runner import Bench
from .stats import SLOW_OPERATION, Stats, measure, quantile, summarize

__all__ = ["Stats", "LinearFit", "summarize", "quantile", "measure", "fit_linear", "fit_power",
           "fit_aead", "bulk_cost", "break_even_bytes", "session_cost", "parse_size",
           "parse_sizes", "format_seconds", "format_bytes", "format_rate", "format_ratio",
           "format_spread", "format_table", "Config", "Bench", "render", "run_bench",
           "add_arguments", "RECORD_SIZE", "SCHEMA", "SECTIONS", "SLOW_OPERATION",
           "AEAD_SIZES", "AEAD_CIPHERS", "BREAK_EVEN_CIPHER", "AMORTIZATION_SIZES",
           "QUICK_KEMS", "FFDH_GROUPS", "QUICK_FFDH_GROUPS", "RSA_BITS", "PURE", "NATIVE",
           "PureOps", "NativeOps", "native_available", "cpu_model", "environment",
           "implementation_lines"]
