"""Fast X448: RFC 7748 (January 2016) §5, the Montgomery ladder on curve448, written for CPython.

The optimised twin of refkx.x448 (readable: refkx.x448 over refkx.montgomery.ladder), selected
through refkx.impl as "x448". Same function, same results; names are the RFC's (k, u, x_1, x_2,
z_2, x_3, z_3, A, AA, B, BB, E, C, D, DA, CB, a24).

What makes it faster than the readable ladder (where CPython spends its time: a 448 x 448-bit
product costs about as much as the `% p` that reduces it, and each extra bytecode costs ~30 ns):

* Solinas reduction instead of `% p`. p = 2^448 - 2^224 - 1, so 2^448 = 2^224 + 1 (mod p) and

      fold(x) = (x mod 2^448) + h + h * 2^224,   h = floor(x / 2^448),

  is congruent to x modulo p and about 224 bits shorter (a shift, a mask, a shift and two
  additions: under a third of the price of `% p`). Products of two ~449-bit values are ~900
  bits: two folds bring them under 2^455 (enough for the inner values AA, BB, DA, CB and
  (DA - CB)^2, which feed one more multiplication each), three folds under 2^448 + 2^246 (the
  four values that leave a step, so every step starts from operands of the same size).
  tests/test_fast_x448.py follows these bounds through one step and checks that they close.
  Only the result is reduced with `% p`.
* Sums and differences are not reduced at all (negative values are harmless: fold works on
  Python's floor shifts, and the final `% p` returns a value in [0, p)).
* The conditional swap is a branch on the precomputed swap bit (a tuple exchange), and the
  inversion is pow(z, -1, p) (CPython's extended Euclid) instead of Fermat's z^(p - 2).

Variable time, on purpose (read before using this for anything but learning): the swap branches
on a secret bit, CPython integer arithmetic takes time that depends on the operands' sizes, and
pow(z, -1, p) runs a data-dependent number of steps. This code teaches and cross-checks; it does
not protect production secrets.
"""

from __future__ import annotations

from .ladder import swap_bits

__all__ = ["ladder", "x448", "P", "A24", "BITS"]

P = 2**448 - 2**224 - 1              # RFC 7748 §4.2, the "Goldilocks" prime
A24 = 39081                          # RFC 7748 §5: a24 = (156326 - 2) / 4
BITS = 448                           # RFC 7748 §5: bits of the ladder
HALF = 224                           # p = 2^(2 * HALF) - 2^HALF - 1
_LOW = (1 << BITS) - 1               # x mod 2^448 as x & _LOW


def ladder(k: int, u: int) -> int:
    """RFC 7748 §5: the u-coordinate of [k](u, ...) on curve448, in [0, p).

    k is the decoded (clamped) scalar, u the decoded u-coordinate. Each `h = v >> 448; v = ...`
    line below is one fold (module docstring).
    """
    p, m, a24 = P, _LOW, A24
    x_1 = u % p
    x_2, z_2, x_3, z_3 = 1, 0, x_1, 1
    # step t swaps when k_t differs from k_(t+1) (RFC 7748 §5, computed for all steps up front)
    for exchange in swap_bits(k, BITS):
        if exchange:                               # cswap(swap, x_2, x_3), cswap(swap, z_2, z_3)
            x_2, x_3 = x_3, x_2
            z_2, z_3 = z_3, z_2
        A = x_2 + z_2
        B = x_2 - z_2
        AA = A * A                                 # AA = A^2, two folds
        h = AA >> 448; AA = (AA & m) + h + (h << 224)
        h = AA >> 448; AA = (AA & m) + h + (h << 224)
        BB = B * B                                 # BB = B^2, two folds
        h = BB >> 448; BB = (BB & m) + h + (h << 224)
        h = BB >> 448; BB = (BB & m) + h + (h << 224)
        DA = (x_3 - z_3) * A                       # DA = D * A, D = x_3 - z_3, two folds
        h = DA >> 448; DA = (DA & m) + h + (h << 224)
        h = DA >> 448; DA = (DA & m) + h + (h << 224)
        CB = (x_3 + z_3) * B                       # CB = C * B, C = x_3 + z_3, two folds
        h = CB >> 448; CB = (CB & m) + h + (h << 224)
        h = CB >> 448; CB = (CB & m) + h + (h << 224)
        x_3 = DA + CB                              # x_3 = (DA + CB)^2, three folds
        x_3 *= x_3
        h = x_3 >> 448; x_3 = (x_3 & m) + h + (h << 224)
        h = x_3 >> 448; x_3 = (x_3 & m) + h + (h << 224)
        h = x_3 >> 448; x_3 = (x_3 & m) + h + (h << 224)
        z_3 = DA - CB                              # z_3 = x_1 * (DA - CB)^2: two folds, ...
        z_3 *= z_3
        h = z_3 >> 448; z_3 = (z_3 & m) + h + (h << 224)
        h = z_3 >> 448; z_3 = (z_3 & m) + h + (h << 224)
        z_3 *= x_1                                 # ... then three
        h = z_3 >> 448; z_3 = (z_3 & m) + h + (h << 224)
        h = z_3 >> 448; z_3 = (z_3 & m) + h + (h << 224)
        h = z_3 >> 448; z_3 = (z_3 & m) + h + (h << 224)
        E = AA - BB
        x_2 = AA * BB                              # x_2 = AA * BB, three folds
        h = x_2 >> 448; x_2 = (x_2 & m) + h + (h << 224)
        h = x_2 >> 448; x_2 = (x_2 & m) + h + (h << 224)
        h = x_2 >> 448; x_2 = (x_2 & m) + h + (h << 224)
        z_2 = (AA + a24 * E) * E                   # z_2 = E * (AA + a24 * E), three folds
        h = z_2 >> 448; z_2 = (z_2 & m) + h + (h << 224)
        h = z_2 >> 448; z_2 = (z_2 & m) + h + (h << 224)
        h = z_2 >> 448; z_2 = (z_2 & m) + h + (h << 224)
    if k & 1:                                      # the final cswap(swap, ...): swap = k_0
        x_2, x_3 = x_3, x_2
        z_2, z_3 = z_3, z_2
    z_2 %= p
    # x_2 * z_2^(-1); the point at infinity (z_2 = 0) encodes as 0, like 0^(p - 2) = 0 in the RFC
    return x_2 * pow(z_2, -1, p) % p if z_2 else 0


def decode_scalar(k: bytes) -> int:
    """RFC 7748 §5 decodeScalar448: clear bits 0 and 1, set bit 447."""
    k_list = bytearray(k)
    k_list[0] &= 252
    k_list[55] |= 128
    return int.from_bytes(k_list, "little")


def x448(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5 X448(k, u) on 56-byte strings (callers check types and lengths)."""
    return ladder(decode_scalar(k), int.from_bytes(u, "little")).to_bytes(56, "little")
