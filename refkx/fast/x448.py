"""Fast X448: RFC 7748 (January 2016) §5, the Montgomery ladder on curve448, written for CPython,
and fixed-base multiplication on a twisted Edwards curve birational to curve448.

The optimised twin of refkx.x448 (readable: refkx.x448 over refkx.montgomery.ladder), selected
through refkx.impl as "x448". Same function, same results. The curve constants (P, A, A24,
BITS, BASE_U) come from refkx.x448. Scalars arrive decoded and clamped, u decoded.

1. `ladder(k, u)` is RFC 7748 §5's ladder with the RFC's names (k, u, x_1, x_2, z_2, x_3, z_3,
   A, AA, B, BB, E, C, D, DA, CB, a24). Where CPython spends its time: a 448 x 448-bit product
   costs about as much as the `% p` that would reduce it, and each extra operation ~25 ns.
   * Solinas reduction instead of `% p`. With t = 2^224, p = t^2 - t - 1, so t^2 = t + 1 and
     t^3 = 2t + 1 (mod p). A product (~900 bits) is split as x = l + c t^2 + h t^3
     (0 <= l < t^2, 0 <= c < t, h = floor(x / t^3)), and

         reduce(x) = l + s + (s + h) t,   s = c + h,

     is congruent to x modulo p and, for the products of a step, under 2^458: nine shifts,
     masks and additions, about a third of the price of `% p` on 900 bits (two plain folds
     x -> (x mod t^2) + h' + h' t, h' = floor(x / t^2), take ten and measured ~4% slower).
     The four values that leave a step (x_2, z_2, x_3, z_3) then get `% p`, which on a
     ~470-bit value costs less than one more fold and makes every step start from values in
     [0, p). tests/test_fast_x448.py follows the bounds through one step.
   * Sums and differences are not reduced at all (negative values are harmless: the
     reduction works on Python's floor shifts, and `% p` returns a value in [0, p)).
   * The swap bits of all 448 steps come from refkx.fast.ladder before the loop; the swap is a
     tuple exchange under an `if`; the inversion is pow(z, -1, p) (CPython's extended Euclid,
     ~10x faster than Fermat's z^(p - 2) here).
2. `base_mult(k)` = X448(k, 5) on the twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2 with
   a = A + 2, d = A - 2, birational to curve448 (v^2 = u^3 + A u^2 + u) by x = u / v,
   y = (u - 1) / (u + 1) and back u = (1 + y) / (1 - y) (Bernstein, Birkner, Joye, Lange and
   Peters, "Twisted Edwards Curves", AFRICACRYPT 2008, §3; RFC 7748 §4.2 gives an equivalent
   map to its "edwards448"). The base point (u = 5) maps to E_B. As in refkx.fast.x25519, the
   scalar is cut into WINDOW-bit digits, k = sum_i d_i 2^(WINDOW*i), and [k]E_B is the sum of
   the table entries [d_i](2^(WINDOW*i) E_B) (fixed-base windowing; the table is built in
   steps of ROWS_PER_CALL rows, one step per public key, the ladder answering until it is
   complete): ceil(448 / WINDOW) mixed additions, no doublings. Entries are affine
   (x, y, x + y, d x y); the accumulator is in extended coordinates (X : Y : Z : T) with the
   addition of Hisil, Wong, Carter and Dawson, "Twisted Edwards Curves Revisited",
   ASIACRYPT 2008, §3.1 (any a: 8 multiplications and one by the small a). This curve's
   addition law is not complete (a is not a square mod p), but it fails only on sums that
   involve points of even order, and every point here is a multiple of E_B, whose order is
   the odd prime ORDER; the neutral element (0, 1) is digit 0's entry.

Variable time and secret-dependent memory access, on purpose (read before using this for
anything but learning): the swap branches on a secret bit, base_mult reads table[i][d_i] at an
address that depends on the secret digit d_i, CPython integer arithmetic takes time that
depends on the operands' sizes, and pow(z, -1, p) runs a data-dependent number of steps. This
code teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from ..x448 import A, A24, BASE_U, BITS, P
from .fixed_base import SteppedTable
from .ladder import swap_bits

__all__ = ["ladder", "base_mult", "x448_int", "x448", "P", "A24", "BITS", "WINDOW"]

HALF = 224                           # p = t^2 - t - 1 with t = 2^HALF
_LOW = (1 << BITS) - 1               # the low part l of x below, x & _LOW
_MID = (1 << HALF) - 1               # the middle part c of x below, (x >> 448) & _MID


def ladder(k: int, u: int) -> int:
    """RFC 7748 §5: the u-coordinate of [k](u, ...) on curve448, in [0, p).

    k is the decoded (clamped) scalar, u the decoded u-coordinate. Each `h = v >> 672; ...`
    line and the line after it are one reduce(v) (module docstring: h, then s = c + h, then
    l + s + (s + h) t).
    """
    p, low, mid, a24 = P, _LOW, _MID, A24
    x_1 = u % p
    x_2, z_2, x_3, z_3 = 1, 0, x_1, 1
    # step t swaps when k_t differs from k_(t+1) (RFC 7748 §5, computed for all steps up front)
    for exchange in swap_bits(k, BITS):
        if exchange:                               # cswap(swap, x_2, x_3), cswap(swap, z_2, z_3)
            x_2, x_3 = x_3, x_2
            z_2, z_3 = z_3, z_2
        A = x_2 + z_2
        B = x_2 - z_2
        AA = A * A                                 # AA = A^2
        h = AA >> 672; s = ((AA >> 448) & mid) + h
        AA = (AA & low) + s + ((s + h) << 224)
        BB = B * B                                 # BB = B^2
        h = BB >> 672; s = ((BB >> 448) & mid) + h
        BB = (BB & low) + s + ((s + h) << 224)
        DA = (x_3 - z_3) * A                       # DA = D * A, D = x_3 - z_3
        h = DA >> 672; s = ((DA >> 448) & mid) + h
        DA = (DA & low) + s + ((s + h) << 224)
        CB = (x_3 + z_3) * B                       # CB = C * B, C = x_3 + z_3
        h = CB >> 672; s = ((CB >> 448) & mid) + h
        CB = (CB & low) + s + ((s + h) << 224)
        x_3 = DA + CB                              # x_3 = (DA + CB)^2, then % p
        x_3 *= x_3
        h = x_3 >> 672; s = ((x_3 >> 448) & mid) + h
        x_3 = ((x_3 & low) + s + ((s + h) << 224)) % p
        z_3 = DA - CB                              # z_3 = x_1 * (DA - CB)^2: (DA - CB)^2, ...
        z_3 *= z_3
        h = z_3 >> 672; s = ((z_3 >> 448) & mid) + h
        z_3 = (z_3 & low) + s + ((s + h) << 224)
        z_3 *= x_1                                 # ... then times x_1, then % p
        h = z_3 >> 672; s = ((z_3 >> 448) & mid) + h
        z_3 = ((z_3 & low) + s + ((s + h) << 224)) % p
        E = AA - BB
        x_2 = AA * BB                              # x_2 = AA * BB, then % p
        h = x_2 >> 672; s = ((x_2 >> 448) & mid) + h
        x_2 = ((x_2 & low) + s + ((s + h) << 224)) % p
        z_2 = (AA + a24 * E) * E                   # z_2 = E * (AA + a24 * E), then % p
        h = z_2 >> 672; s = ((z_2 >> 448) & mid) + h
        z_2 = ((z_2 & low) + s + ((s + h) << 224)) % p
    if k & 1:                                      # the final cswap(swap, ...): swap = k_0
        x_2, x_3 = x_3, x_2
        z_2, z_3 = z_3, z_2
    # x_2 * z_2^(-1); the point at infinity (z_2 = 0) encodes as 0, like 0^(p - 2) = 0 in the RFC
    return x_2 * pow(z_2, -1, p) % p if z_2 else 0


# --- the twisted Edwards curve a x^2 + y^2 = 1 + d x^2 y^2 birational to curve448 -------------

a = A + 2                            # BBJLP 2008 §3: a = (A + 2) / B, d = (A - 2) / B, B = 1
d = A - 2

WINDOW = 4                           # bits per digit of the fixed-base table
_WINDOWS = -(-BITS // WINDOW)


def _edwards_base_point() -> tuple[int, int]:
    """E_B = (u / v, (u - 1) / (u + 1)) for the base point u = 5, v = sqrt(u^3 + A u^2 + u)."""
    u = BASE_U
    v2 = (u * u * u + A * u * u + u) % P
    v = pow(v2, (P + 1) // 4, P)                          # a square root, as p = 3 (mod 4)
    assert v * v % P == v2
    return u * pow(v, -1, P) % P, (u - 1) * pow(u + 1, -1, P) % P


def _add(P1, P2):
    """Extended-coordinates addition, HWCD 2008 §3.1 (any a); also doubles (P1 = P2)."""
    X1, Y1, Z1, T1 = P1
    X2, Y2, Z2, T2 = P2
    A_ = X1 * X2 % P
    B_ = Y1 * Y2 % P
    C = d * T1 * T2 % P
    D = Z1 * Z2 % P
    E = ((X1 + Y1) * (X2 + Y2) - A_ - B_) % P
    F, G, H = D - C, D + C, B_ - a * A_
    return E * F % P, G * H % P, F * G % P, E * H % P


# The table is built in steps of ROWS_PER_CALL rows, one step per public key, so no single call
# pays the whole build: until the last row exists, public keys use the ladder and add one step;
# afterwards each costs 112 mixed additions. Threads share it (refkx.fast.fixed_base: each step
# under one lock, the table published complete).
ROWS_PER_CALL = 8


def _double(P1):
    """HWCD 2008 §3.1's addition is unified: doubling adds a point to itself."""
    return _add(P1, P1)


def _table_entry(x: int, y: int) -> tuple[int, int, int, int]:
    """The affine entry (x, y, x + y, d x y) that base_mult's mixed addition reads."""
    return x, y, (x + y) % P, d * x * y % P


def _fixed_base_table() -> SteppedTable:
    """A new, empty table (tests build their own to watch it grow)."""
    return SteppedTable(p=P, window=WINDOW, windows=_WINDOWS, rows_per_step=ROWS_PER_CALL,
                        base_point=_edwards_base_point, add=_add, double=_double,
                        entry=_table_entry)


_FIXED = _fixed_base_table()


def base_mult(k: int) -> int:
    """X448(k, 5) as an int: u of [k]E_B via the fixed-base table."""
    table = _FIXED.table_or_step()
    if table is None:                              # still growing: this key uses the ladder
        return ladder(k, BASE_U)
    p, a_ = P, a                                   # locals: LOAD_FAST in the loop
    window_mask = (1 << WINDOW) - 1
    X, Y, Z, T = 0, 1, 1, 0                        # accumulator: the neutral element
    for row in table:
        x2, y2, s2, t2 = row[k & window_mask]      # secret-indexed look-up
        k >>= WINDOW
        # HWCD 2008 §3.1 mixed addition (Z2 = 1, T2 = x2 y2, so C = T1 * d x2 y2)
        A_ = X * x2 % p
        B_ = Y * y2 % p
        C = T * t2 % p
        E = ((X + Y) * s2 - A_ - B_) % p
        F = Z - C
        G = Z + C
        H = B_ - a_ * A_
        X = E * F % p
        Y = G * H % p
        Z = F * G % p
        T = E * H % p
    # u = (1 + y) / (1 - y) with y = Y / Z
    den = (Z - Y) % p
    return (Z + Y) * pow(den, -1, p) % p if den else 0


def x448_int(k: int, u: int) -> int:
    """X448 on decoded integers (u in [0, p)): the fixed-base path for u = 5, else the ladder."""
    if u == BASE_U:
        return base_mult(k)
    return ladder(k, u)


def decode_scalar(k: bytes) -> int:
    """RFC 7748 §5 decodeScalar448: clear bits 0 and 1, set bit 447."""
    k_list = bytearray(k)
    k_list[0] &= 252
    k_list[55] |= 128
    return int.from_bytes(k_list, "little")


def x448(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5 X448(k, u) on 56-byte strings (callers check types and lengths)."""
    return x448_int(decode_scalar(k), int.from_bytes(u, "little") % P).to_bytes(56, "little")
