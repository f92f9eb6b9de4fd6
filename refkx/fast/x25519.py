"""Fast X25519: a leaner Montgomery ladder, and fixed-base multiplication on Edwards25519.

The optimised twin of refkx.x25519 / refkx.montgomery (RFC 7748, January 2016: §4.1 the curve
and its birational map to Edwards25519, §5 the X25519 function and the ladder). Same function,
same results; refkx.x25519's key classes run it while refkx.impl selects the fast "x25519"
implementation (the default; docs/reading-guide.md says how to switch). The curve constants
(P, A, A24, BITS) come from refkx.x25519.
Scalars arrive already decoded and clamped (refkx.x25519.decode_scalar), u already decoded.

1. `ladder(k, u)` is RFC 7748 §5's ladder with the RFC's names, written for CPython:
   * every product is only partly reduced, with the special form of p = 2^255 - 19:
     x = (x & (2^255 - 1)) + 19 * (x >> 255)  is congruent to x mod p and about 250 bits
     shorter - cheaper than `%` (a general long division). Values that feed one more product
     are folded once, the four values that leave the step (x_2, z_2, x_3, z_3) twice, which
     keeps every operand bounded; `% p` runs only on the result;
   * sums and differences (A, B, C, D, E) are not reduced at all (negative values are harmless:
     the folds floor, and Python's final % returns a value in [0, p));
   * the swap bits for all 255 steps are computed before the loop, the swap is a tuple exchange
     under an `if`, and every constant is a local variable (LOAD_FAST instead of LOAD_GLOBAL);
   * the final inversion uses pow(z, -1, p) (CPython's extended Euclid, ~6x faster than
     Fermat's z^(p-2) for 255-bit p).
2. `base_mult(k)` = X25519(k, 9) through the twisted Edwards curve Edwards25519
   (-x^2 + y^2 = 1 + d x^2 y^2, d = -121665/121666, RFC 7748 §4.1 and RFC 8032 §5.1), whose
   base point B (y = 4/5) maps to u = 9 under u = (1 + y) / (1 - y). The scalar is cut into
   WINDOW-bit digits k = sum_i d_i 2^(WINDOW*i), and [k]B = sum_i [d_i](2^(WINDOW*i) B), so with
   a table of every [d](2^(WINDOW*i) B) (built in steps of ROWS_PER_CALL rows, one step per public key, the ladder answering until it is complete) a public key costs
   ceil(255 / WINDOW) mixed additions and no doublings ("fixed-base windowing", e.g. Bernstein,
   Duif, Lange, Schwabe & Yang, "High-speed high-security signatures", CHES 2011, §4; Hankerson,
   Menezes & Vanstone, Guide to Elliptic Curve Cryptography, Algorithm 3.41). The Edwards
   addition law is complete, so digit 0 is just the neutral element (no special case). Table
   entries are affine (y + x, y - x, 2d x y), and the accumulator is in extended coordinates
   (X : Y : Z : T), with the mixed addition of Hisil, Wong, Carter & Dawson, "Twisted Edwards
   Curves Revisited", ASIACRYPT 2008, §3.1 (a = -1): 7 multiplications. Finally
   u = (Z + Y) / (Z - Y), because y = Y / Z.

Secret-dependent memory access and timing (read before using this for anything but learning)
-----------------------------------------------------------------------------------------------
* base_mult reads table[i][d_i]: the address depends on the secret digit d_i (the classic
  table-lookup channel; constant-time code scans the whole row instead).
* The ladder's swap branches on a secret bit (the readable refkx.montgomery keeps the RFC's
  mask-and-XOR); CPython integer arithmetic takes time that depends on operand sizes, and
  pow(z, -1, p) (extended Euclid) runs a data-dependent number of steps.
This code teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from ..x25519 import A, A24, BITS, P
from .fixed_base import SteppedTable
from .ladder import swap_bits

__all__ = ["ladder", "base_mult", "x25519_int", "x25519", "WINDOW"]

_MASK255 = (1 << BITS) - 1          # 2^255 - 1: x = (x & _MASK255) + 19 * (x >> 255) (mod P)

# Edwards25519 (RFC 7748 §4.1 "edwards25519", RFC 8032 §5.1): d = -121665 / 121666, which is
# -(A - 2) / (A + 2) for the birational map from curve25519 (A = 486662).
d = -(A - 2) * pow(A + 2, -1, P) % P
_D2 = 2 * d % P

WINDOW = 6                           # bits per digit of the fixed-base table
_WINDOWS = -(-BITS // WINDOW)


def ladder(k: int, u: int) -> int:
    """RFC 7748 §5: the u-coordinate of [k](u, ...) on Curve25519, in [0, p).

    Names are the RFC's (x_1, x_2, z_2, x_3, z_3, A, AA, B, BB, E, C, D, DA, CB, a24). Every
    product is reduced only partly, by the fold  x -> (x mod 2^255) + 19 * floor(x / 2^255)
    (2^255 = 19 mod p): once for the values that feed one more product (AA, BB, DA, CB,
    (DA - CB)^2: under 2^262), twice for the four values that leave the step (under 2^255 +
    2^40; tests/test_fast.py checks that this closes), so `%` runs only on the result. The swap
    is a branch on the precomputed swap bit.
    """
    p = P                                  # locals: LOAD_FAST in the loop
    m = _MASK255
    a24 = A24
    x_1 = u % p
    x_2, z_2, x_3, z_3 = 1, 0, x_1, 1
    # step t swaps when k_t differs from k_(t+1) (RFC 7748 §5, computed for all steps up front)
    for exchange in swap_bits(k, BITS):
        if exchange:                               # cswap(swap, x_2, x_3), cswap(swap, z_2, z_3)
            x_2, x_3 = x_3, x_2
            z_2, z_3 = z_3, z_2
        A = x_2 + z_2
        B = x_2 - z_2
        AA = A * A
        AA = (AA & m) + (AA >> 255) * 19           # fold: 2^255 = 19 (mod p)
        BB = B * B
        BB = (BB & m) + (BB >> 255) * 19
        DA = (x_3 - z_3) * A                       # D * A
        DA = (DA & m) + (DA >> 255) * 19
        CB = (x_3 + z_3) * B                       # C * B
        CB = (CB & m) + (CB >> 255) * 19
        x_3 = DA + CB                              # x_3 = (DA + CB)^2, two folds
        x_3 *= x_3
        x_3 = (x_3 & m) + (x_3 >> 255) * 19
        x_3 = (x_3 & m) + (x_3 >> 255) * 19
        z_3 = DA - CB                              # z_3 = x_1 * (DA - CB)^2: one fold, ...
        z_3 *= z_3
        z_3 = (z_3 & m) + (z_3 >> 255) * 19
        z_3 *= x_1                                 # ... then two
        z_3 = (z_3 & m) + (z_3 >> 255) * 19
        z_3 = (z_3 & m) + (z_3 >> 255) * 19
        E = AA - BB
        x_2 = AA * BB                              # x_2 = AA * BB, two folds
        x_2 = (x_2 & m) + (x_2 >> 255) * 19
        x_2 = (x_2 & m) + (x_2 >> 255) * 19
        z_2 = (AA + a24 * E) * E                   # z_2 = E * (AA + a24 * E), two folds
        z_2 = (z_2 & m) + (z_2 >> 255) * 19
        z_2 = (z_2 & m) + (z_2 >> 255) * 19
    if k & 1:                                      # the final cswap(swap, ...): swap = k_0
        x_2, x_3 = x_3, x_2
        z_2, z_3 = z_3, z_2
    z_2 %= p
    # x_2 * z_2^(-1); the point at infinity (z_2 = 0) encodes as 0, like 0^(p-2) = 0 in the RFC
    return x_2 * pow(z_2, -1, p) % p if z_2 else 0


# --- Edwards25519 fixed-base table ------------------------------------------------------------

def _edwards_base_point() -> tuple[int, int]:
    """B = (x, 4/5) with x recovered from the curve equation (RFC 8032 §5.1.3 square root)."""
    y = 4 * pow(5, -1, P) % P
    x2 = (y * y - 1) * pow(d * y * y + 1, -1, P) % P      # x^2 = (y^2 - 1) / (d y^2 + 1)
    x = pow(x2, (P + 3) // 8, P)
    if x * x % P != x2:
        x = x * pow(2, (P - 1) // 4, P) % P               # times sqrt(-1)
    assert x * x % P == x2
    return x, y


def _add(P1, P2):
    """Extended-coordinates addition, HWCD 2008 §3.1 (a = -1, k = 2d)."""
    X1, Y1, Z1, T1 = P1
    X2, Y2, Z2, T2 = P2
    A = (Y1 - X1) * (Y2 - X2) % P
    B = (Y1 + X1) * (Y2 + X2) % P
    C = T1 * _D2 * T2 % P
    D = Z1 * 2 * Z2 % P
    E, F, G, H = B - A, D - C, D + C, B + A
    return E * F % P, G * H % P, F * G % P, E * H % P


def _double(P1):
    """Extended-coordinates doubling, HWCD 2008 §3.3 (a = -1)."""
    X1, Y1, Z1, _ = P1
    A = X1 * X1 % P
    B = Y1 * Y1 % P
    C = 2 * Z1 * Z1 % P
    H = A + B
    E = H - (X1 + Y1) ** 2 % P
    G = A - B
    F = C + G
    return E * F % P, G * H % P, F * G % P, E * H % P


# The table is built in steps of ROWS_PER_CALL rows, one step per public key, so no single call
# pays the whole build (~18 ms): until the last row exists, public keys use the ladder
# (~1.5 ms) and add one step (~1.5 ms); afterwards each costs 43 mixed additions. Threads
# share it (refkx.fast.fixed_base: each step under one lock, the table published complete).
ROWS_PER_CALL = 4


def _table_entry(x: int, y: int) -> tuple[int, int, int]:
    """The affine entry (y + x, y - x, 2d x y) that base_mult's mixed addition reads."""
    return (y + x) % P, (y - x) % P, _D2 * x * y % P


def _fixed_base_table() -> SteppedTable:
    """A new, empty table (tests build their own to watch it grow)."""
    return SteppedTable(p=P, window=WINDOW, windows=_WINDOWS, rows_per_step=ROWS_PER_CALL,
                        base_point=_edwards_base_point, add=_add, double=_double,
                        entry=_table_entry)


_FIXED = _fixed_base_table()


def base_mult(k: int) -> int:
    """X25519(k, 9) as an int: u of [k]B via the Edwards25519 fixed-base table."""
    table = _FIXED.table_or_step()
    if table is None:                              # still growing: this key uses the ladder
        return ladder(k, 9)
    p = P                                  # a local: LOAD_FAST in the loop
    m = _MASK255
    window_mask = (1 << WINDOW) - 1
    # accumulator: the neutral element (0 : 1 : 1 : 0)
    X, Y, Z, T = 0, 1, 1, 0
    for row in table:
        ypx, ymx, xy2d = row[k & window_mask]       # secret-indexed look-up
        k >>= WINDOW
        # HWCD 2008 §3.1 mixed addition (a = -1), with the same partial reduction as the ladder
        A = (Y - X) * ymx
        A = (A & m) + (A >> 255) * 19
        B = (Y + X) * ypx
        B = (B & m) + (B >> 255) * 19
        C = T * xy2d
        C = (C & m) + (C >> 255) * 19
        D = 2 * Z
        E = B - A
        F = D - C
        G = D + C
        H = B + A
        X = E * F % p
        Y = G * H % p
        Z = F * G % p
        T = E * H % p
    # u = (1 + y) / (1 - y) with y = Y / Z  (RFC 7748 §4.1)
    den = (Z - Y) % p
    return (Z + Y) * pow(den, -1, p) % p if den else 0


def x25519_int(k: int, u: int) -> int:
    """X25519 on decoded integers: the fixed-base path for u = 9, the ladder otherwise."""
    if u == 9:
        return base_mult(k)
    return ladder(k, u)


# The twin's own decoders: refkx.x25519's check their arguments first, which costs about as much
# again as the decoding (~20 us per call on CPython 3.11, measured), i.e. ~10-20% of a fixed-base
# key generation; the key classes have checked the arguments by the time they get here.

def decode_scalar(k: bytes) -> int:
    """RFC 7748 §5 decodeScalar25519: clear bits 0, 1, 2 and 255, set bit 254."""
    k_list = bytearray(k)
    k_list[0] &= 248
    k_list[31] &= 127
    k_list[31] |= 64
    return int.from_bytes(k_list, "little")


def decode_u_coordinate(u: bytes) -> int:
    """RFC 7748 §5 decodeUCoordinate: mask bit 255; values >= p are reduced by the ladder."""
    return int.from_bytes(u, "little") & _MASK255


def x25519(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5 X25519(k, u) on 32-byte strings (callers check types and lengths)."""
    return x25519_int(decode_scalar(k), decode_u_coordinate(u) % P).to_bytes(32, "little")
