"""What the fast Montgomery ladders (refkx.fast.x25519, refkx.fast.x448) share: the RFC 7748
§5 swap bits, computed for every step before the ladder runs, so that the ladder's loop holds
only field arithmetic.

Variable time, on purpose: the ladders branch on these (secret) bits. CPython is not
constant-time; this code teaches and cross-checks, it does not protect production secrets.
"""

from __future__ import annotations

__all__ = ["swap_bits"]

_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")     # the digits "0", "1" -> the bytes 0, 1


def swap_bits(k: int, bits: int) -> bytes:
    """RFC 7748 §5, "swap ^= k_t; cswap(swap, ...); swap = k_t" for t = bits-1 down to 0:
    the `swap` values the ladder's steps see, most significant step first, one byte (0 or 1)
    each.

    Step t sees k_t XOR k_(t+1) (k_bits = 0: swap starts at 0), which is bit t of
    k XOR (k >> 1); its binary digits, most significant first, are the whole list (one C-level
    conversion instead of a Python loop over the bits).
    """
    k &= (1 << bits) - 1                              # the ladder reads bits k_(bits-1) .. k_0
    return format(k ^ (k >> 1), f"0{bits}b").encode("ascii").translate(_ZERO_ONE)
