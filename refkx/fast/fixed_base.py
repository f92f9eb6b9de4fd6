"""What the fixed-base tables of refkx.fast.x25519 and refkx.fast.x448 share: a table of every
[j](2^(window*i) B) on a twisted Edwards curve, built a few rows per public key and shared by
threads.

Fixed-base windowing (Bernstein, Duif, Lange, Schwabe & Yang, CHES 2011, §4; Hankerson,
Menezes & Vanstone, Guide to ECC, Algorithm 3.41): with k = sum_i d_i 2^(window*i), [k]B is the
sum of the entries table[i][d_i], one addition per digit and no doublings. Building the whole
table at once would make one call slow (~18 ms for X25519), so `SteppedTable.step` appends a
few rows per public key while the callers keep using their ladder; `table` is None until every
row exists. One lock makes each step whole (two threads must not extend the rows from the same
next base point), and `table` is published only once complete, so a reader never sees a
partial table.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

__all__ = ["batch_inverses", "SteppedTable"]

Point = tuple[int, int, int, int]                  # extended coordinates (X : Y : Z : T)


def batch_inverses(values: list[int], p: int) -> list[int]:
    """Every v^(-1) mod p with one inversion (Montgomery's trick: invert the product of all,
    then peel each inverse off). No value may be 0 mod p."""
    prefix = [1]
    for v in values:
        prefix.append(prefix[-1] * v % p)
    inv = pow(prefix[-1], -1, p)
    inverses = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        inverses[i] = inv * prefix[i] % p
        inv = inv * values[i] % p
    return inverses


class SteppedTable:
    """table[i][j] = entry([j](2^(window*i) B)) for i < windows and j < 2^window.

    base_point() gives B in affine (x, y), add and double work on extended coordinates, and
    entry(x, y) is what a row stores for the affine point (x, y) (each curve keeps the form
    its mixed addition wants). `step()` appends rows_per_step rows; `table` is the finished
    table or None."""

    def __init__(self, *, p: int, window: int, windows: int, rows_per_step: int,
                 base_point: Callable[[], tuple[int, int]], add: Callable[[Point, Point], Point],
                 double: Callable[[Point], Point], entry: Callable[[int, int], tuple]) -> None:
        self.p, self.window, self.windows, self.rows_per_step = p, window, windows, rows_per_step
        self._base_point, self._add, self._double, self._entry = base_point, add, double, entry
        self._lock = threading.Lock()
        self.table: Optional[list] = None          # the finished table, published once
        self.rows: list = []                       # rows built so far
        self._next_base: Optional[Point] = None    # 2^(window * len(rows)) B

    def step(self, count: Optional[int] = None) -> None:
        """Append up to `count` (default rows_per_step) rows, under the lock."""
        with self._lock:
            if self.table is None:
                self._extend(self.rows_per_step if count is None else count)

    def table_or_step(self) -> Optional[list]:
        """The finished table, or None after one more build step (the caller then uses its
        ladder): how a public key pays for its share of the table."""
        table = self.table
        if table is None:
            self.step()
        return table

    def complete(self) -> list:
        """The whole table (built now if not yet)."""
        while self.table is None:
            self.step(self.windows)
        return self.table

    def _extend(self, count: int) -> None:
        p = self.p
        if self._next_base is None:
            x, y = self._base_point()
            self._next_base = (x, y, 1, x * y % p)
        base = self._next_base
        points = []                                # extended coordinates, row by row
        for _ in range(min(count, self.windows - len(self.rows))):
            row = [(0, 1, 1, 0)]                   # j = 0: the neutral element
            acc = base
            for _ in range(1, 1 << self.window):
                row.append(acc)
                acc = self._add(acc, base)
            points.append(row)
            for _ in range(self.window):
                base = self._double(base)
        self._next_base = base
        flat = [pt for row in points for pt in row]
        inverses = batch_inverses([pt[2] for pt in flat], p)
        size = 1 << self.window
        for r in range(len(points)):
            self.rows.append(tuple(
                self._entry(X * zi % p, Y * zi % p)
                for (X, Y, _, _), zi in zip(flat[r * size:(r + 1) * size],
                                            inverses[r * size:(r + 1) * size])))
        if len(self.rows) == self.windows:
            self.table = list(self.rows)
