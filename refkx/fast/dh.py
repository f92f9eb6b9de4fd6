"""Fast fixed-base exponentiation g^x mod p for finite-field Diffie-Hellman key generation.

The optimised twin of refkx.dh's `_public_value` (NIST SP 800-56A Rev. 3 §5.6.1.1.4, the
step after x = c + 1: y = g^x mod p). The shared-secret exponentiation y_peer^x has a
different base every time, so nothing can be precomputed for it: refkx.dh keeps CPython's
pow() for that, which is as fast as pure Python gets.

The idea (fixed-base windowing; Brickell, Gordon, McCurley & Wilson, "Fast exponentiation with
precomputation", EUROCRYPT 1992; Menezes, van Oorschot & Vanstone, Handbook of Applied
Cryptography, §14.6.3, Algorithm 14.109): write the exponent in base 2^w,
x = sum_i d_i 2^(w*i), so

    g^x = prod_i (g^(2^(w*i)))^(d_i).

With a table of every g^(d * 2^(w*i)) mod p (built per group in steps, see ROWS_PER_CALL) the
exponentiation is one table look-up and one modular multiplication per w-bit digit - no
squarings at all. pow() needs one squaring per bit plus a multiplication every few bits, so for
the default 225-bit ffdhe2048 exponents this is 38 multiplications instead of ~270. A zero digit
still costs a multiplication by the table's entry 1 (no branch on the digit). Exponents longer
than the table (e.g. exponent_bits="full") fall back to pow().

Table size: ceil(bits / w) * (2^w - 1) residues; for ffdhe2048 with the default 225-bit
exponents and w = 6: 38 * 63 = 2394 residues of 256 bytes (~0.7 MB), built in ~25-30 ms
(ffdhe8192, 400-bit exponents: 67 * 63 residues of 1 KiB, ~0.5 s).

Secret-dependent memory access (read before using this for anything but learning)
--------------------------------------------------------------------------------
* Every digit of the secret exponent selects a table entry: table[i][d_i] is a memory access at
  a secret-dependent address (the cache-timing channel of windowed exponentiation, Percival
  2005; Yarom, Genkin & Heninger, "CacheBleed", 2016). Constant-time code would read every
  entry of the row and select with masks.
* Python's multiplication and % take time that depends on the operands.
This code teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import threading
__all__ = ["FixedBaseTable", "fixed_base_pow", "WINDOW"]

WINDOW = 6


class FixedBaseTable:
    """g^(d * 2^(w*i)) mod p for i < ceil(bits / w), 0 <= d < 2^w."""

    __slots__ = ("g", "p", "bits", "window", "rows")

    def __init__(self, g: int, p: int, bits: int, window: int = WINDOW) -> None:
        self.g, self.p, self.bits, self.window = g, p, bits, window
        rows = []
        base = g % p                                   # g^(2^(w*i)), starting at i = 0
        for _ in range(-(-bits // window)):
            row = [1]
            acc = 1
            for _ in range((1 << window) - 1):
                acc = acc * base % p
                row.append(acc)
            rows.append(tuple(row))
            base = acc * base % p                      # g^(2^w * 2^(w*i)) = row[2^w - 1] * base
        self.rows = tuple(rows)

    def pow(self, x: int) -> int:
        """g^x mod p for 0 <= x (pow() beyond the table's range)."""
        if x < 0 or x.bit_length() > self.bits:
            return pow(self.g, x, self.p)
        p = self.p
        w = self.window
        mask = (1 << w) - 1
        y = 1
        for row in self.rows:
            y = y * row[x & mask] % p                  # secret-indexed look-up
            x >>= w
        return y


# A whole table costs about as much as 10-17 exponentiations to build (ffdhe2048: 38 rows of
# 63 multiplications). Building it at once would put that cost on one call, so it grows by
# ROWS_PER_CALL rows per call instead, and every call already uses the rows it has: with rows
# 0 .. r-1 built, g^x = (table product over the low r*w bits of x) * base_r^(x >> r*w), where
# base_r = g^(2^(r*w)) is where the next row starts, so pow() runs only on the remaining high
# bits. No call costs much more than one pow() plus a step, and after ceil(rows / ROWS_PER_CALL)
# calls the table is complete.
ROWS_PER_CALL = 4


class _GrowingTable:
    """The rows of FixedBaseTable(g, p, bits) built so far, and the base of the next row."""

    __slots__ = ("g", "p", "bits", "rows", "base", "total")

    def __init__(self, g: int, p: int, bits: int) -> None:
        self.g, self.p, self.bits = g, p, bits
        self.rows: list[tuple[int, ...]] = []
        self.base = g % p                              # g^(2^(w*r)) for r = len(rows)
        self.total = -(-bits // WINDOW)

    def grow(self, count: int) -> None:
        p, base = self.p, self.base
        for _ in range(min(count, self.total - len(self.rows))):
            row = [1]
            acc = 1
            for _ in range((1 << WINDOW) - 1):
                acc = acc * base % p
                row.append(acc)
            self.rows.append(tuple(row))
            base = acc * base % p
        self.base = base

    def pow(self, x: int) -> int:
        """g^x mod p for 0 <= x < 2^bits: table rows for the low digits, pow() for the rest."""
        p = self.p
        mask = (1 << WINDOW) - 1
        y = 1
        for row in self.rows:
            y = y * row[x & mask] % p                  # secret-indexed look-up
            x >>= WINDOW
        return y * pow(self.base, x, p) % p if x else y


_TABLES: dict[tuple[int, int, int], FixedBaseTable] = {}
_GROWING: dict[tuple[int, int, int], _GrowingTable] = {}
# Threads share the tables: a growing table's rows and base change together, so growing it and
# reading it happen under one lock; a finished FixedBaseTable is immutable and read freely.
_grow_lock = threading.Lock()


def fixed_base_pow(g: int, p: int, x: int, bits: int) -> int:
    """g^x mod p, with a table for (g, p, bits) that grows by ROWS_PER_CALL rows per call
    (exponents longer than `bits` bits go to pow())."""
    key = (g, p, bits)
    table = _TABLES.get(key)
    if table is not None:
        return table.pow(x)
    if x < 0 or x.bit_length() > bits:
        return pow(g, x, p)
    with _grow_lock:
        table = _TABLES.get(key)                       # another thread may have finished it
        if table is not None:
            return table.pow(x)
        growing = _GROWING.get(key)
        if growing is None:
            growing = _GROWING[key] = _GrowingTable(g, p, bits)
        growing.grow(ROWS_PER_CALL)
        if len(growing.rows) == growing.total:         # complete: the plain table from now on
            table = FixedBaseTable.__new__(FixedBaseTable)
            table.g, table.p, table.bits, table.window = g, p, bits, WINDOW
            table.rows = tuple(growing.rows)
            _TABLES[key] = table
            del _GROWING[key]
            return table.pow(x)
        return growing.pow(x)


# --- the subgroup check for safe primes, by the Jacobi symbol ---
#
# SP 800-56A §5.6.2.3.1 step 2 asks for y^q = 1 (mod p). For a safe prime p = 2q + 1 the
# order-q subgroup is exactly the set of squares mod p, and Euler's criterion says
# y^((p-1)/2) = y^q = (y/p) (mod p), the Legendre symbol. So the check is "(y/p) = 1", and the
# Legendre symbol of a prime p equals the Jacobi symbol, which a gcd-like loop computes with
# quadratic reciprocity instead of a 2048-bit exponentiation: ~1 ms instead of ~20 ms at 2048
# bits. It touches no table; its running time depends on y (public) and p (public) only.

def jacobi(a: int, n: int) -> int:
    """The Jacobi symbol (a/n) for odd n > 0: 1, -1, or 0 when gcd(a, n) > 1.

    The binary algorithm (Cohen, "A Course in Computational Algebraic Number Theory",
    Algorithm 1.4.10): pull out factors of two using (2/n) = -1 exactly when n = 3, 5 (mod 8),
    then swap a and n by quadratic reciprocity, which flips the sign exactly when
    a = n = 3 (mod 4).
    """
    if n <= 0 or not n & 1:
        raise ValueError("the Jacobi symbol needs an odd positive n")
    a %= n
    result = 1
    while a:
        twos = (a & -a).bit_length() - 1      # a = 2^twos * (odd)
        a >>= twos
        if twos & 1 and n & 7 in (3, 5):      # (2/n)^twos
            result = -result
        if a & n & 2:                          # a = n = 3 (mod 4): reciprocity flips the sign
            result = -result
        a, n = n % a, a
    return result if n == 1 else 0


def in_safe_prime_subgroup(y: int, p: int) -> bool:
    """y^q = 1 (mod p) for a safe prime p = 2q + 1 and 1 <= y < p, as (y/p) = 1 (see above)."""
    return jacobi(y, p) == 1
