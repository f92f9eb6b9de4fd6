"""What the fast Montgomery ladders (refkx.fast.x25519, refkx.fast.x448) share: the RFC 7748
§5 swap bits, computed for every step before the ladder runs, so that the ladder's loop holds
only field arithmetic.

Variable time, on purpose: the ladders branch on these (secret) bits. CPython is not
constant-time; this code teaches and cross-checks, it does not protect production secrets.
"""

from __future__ import annotations

__all__ = ["swap_bits"]


def swap_bits(k: int, bits: int) -> list[int]:
    """RFC 7748 §5, "swap ^= k_t; cswap(swap, ...); swap = k_t" for t = bits-1 down to 0:
    the list of the `swap` values the ladder's steps see, most significant step first."""
    swaps = []
    swap = 0
    for t in range(bits - 1, -1, -1):
        k_t = (k >> t) & 1
        swaps.append(swap ^ k_t)
        swap = k_t
    return swaps
