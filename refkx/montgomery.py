"""The Montgomery ladder of RFC 7748 §5 ("The X25519 and X448 Functions").

One function, `ladder`, computes the u-coordinate of k * P from the
u-coordinate of P on a Montgomery curve v^2 = u^3 + A*u^2 + u over GF(p),
using only u (x-only arithmetic in projective coordinates X:Z). X25519
(refkx.x25519) and X448 (refkx.x448) are this ladder with their own
(p, a24, bits); the byte encodings and scalar clamping live in those modules.

Variable names follow the RFC's pseudocode exactly: x_1, x_2, z_2, x_3, z_3,
swap, k_t, A, AA, B, BB, E, C, D, DA, CB, a24. The pair (x_2 : z_2) holds
[m]P and (x_3 : z_3) holds [m + 1]P, where m is the part of k processed so
far; each step doubles one and adds the two (a differential addition whose
difference is P, hence x_1). The constant a24 = (A - 2) / 4 is the curve's
only input besides p. (Inside the ladder, A is the RFC's temporary x_2 + z_2,
not the curve coefficient A: the RFC reuses the letter, and so do we.)

The conditional swap is written in the RFC's mask form (an XOR with a mask
that is all ones or all zeros) rather than as an `if` on the secret bit, and
the ladder always runs `bits` steps whatever k is. That removes the obvious
branches on secret data, nothing more: CPython integers are not constant-time
(their arithmetic takes time that depends on the size of the values), so this
code teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from typing import Callable, Optional

# Called after every ladder step with (t, k_t, x_2, z_2, x_3, z_3); see `ladder`.
StepObserver = Callable[[int, int, int, int, int, int], None]


def cswap(swap: int, x_2: int, x_3: int) -> tuple[int, int]:
    """RFC 7748 §5 cswap: (x_3, x_2) if swap == 1, else (x_2, x_3), without a branch.

        dummy = mask(swap) AND (x_2 XOR x_3)
        x_2 = x_2 XOR dummy
        x_3 = x_3 XOR dummy

    mask(swap) is all ones for swap = 1 and all zeros for swap = 0. In Python,
    -1 is an integer with infinitely many one bits (two's complement), so
    mask(swap) is simply -swap.
    """
    dummy = -swap & (x_2 ^ x_3)
    x_2 = x_2 ^ dummy
    x_3 = x_3 ^ dummy
    return x_2, x_3


def ladder(k: int, u: int, p: int, a24: int, bits: int,
           observe: Optional[StepObserver] = None) -> int:
    """RFC 7748 §5: the u-coordinate of k * (u, ...), as an integer in [0, p).

    k is the (already decoded and clamped) scalar, u the (already decoded)
    u-coordinate, bits the number of ladder steps (255 for X25519, 448 for
    X448; bits k_{bits-1} .. k_0 are used). If `observe` is given it is called
    after each step t with (t, k_t, x_2, z_2, x_3, z_3) as they stand at the
    end of that step, i.e. before the swap still pending (swap == k_t): when
    k_t == 1 the roles are exchanged and (x_3 : z_3) holds [m]P. Used by the
    trace tool only.
    """
    x_1 = u % p
    x_2 = 1
    z_2 = 0
    x_3 = x_1
    z_3 = 1
    swap = 0

    for t in reversed(range(bits)):   # "For t = bits-1 down to 0:"
        k_t = (k >> t) & 1
        swap ^= k_t
        # Conditional swap (RFC 7748 §5): puts the point to double in (x_2 : z_2).
        x_2, x_3 = cswap(swap, x_2, x_3)
        z_2, z_3 = cswap(swap, z_2, z_3)
        swap = k_t

        A = (x_2 + z_2) % p
        AA = A * A % p
        B = (x_2 - z_2) % p
        BB = B * B % p
        E = (AA - BB) % p
        C = (x_3 + z_3) % p
        D = (x_3 - z_3) % p
        DA = D * A % p
        CB = C * B % p
        # Differential addition: [m]P + [m+1]P = [2m+1]P, with difference x_1 = u(P).
        x_3 = (DA + CB) ** 2 % p
        z_3 = x_1 * (DA - CB) ** 2 % p
        # Doubling: 2 * [m]P.
        x_2 = AA * BB % p
        z_2 = E * (AA + a24 * E) % p

        if observe is not None:
            observe(t, k_t, x_2, z_2, x_3, z_3)

    # Conditional swap (RFC 7748 §5): undo the last pending swap.
    x_2, x_3 = cswap(swap, x_2, x_3)
    z_2, z_3 = cswap(swap, z_2, z_3)
    # Return x_2 * (z_2^(p - 2)): inversion by Fermat's little theorem, z^(p-2) = z^-1
    # for z != 0. For the point at infinity z_2 = 0, and 0^(p-2) = 0 gives u = 0.
    return x_2 * pow(z_2, p - 2, p) % p
