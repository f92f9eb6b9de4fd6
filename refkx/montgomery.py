"""The Montgomery ladder of RFC 7748 §5 ("The X25519 and X448 Functions") and §6 key classes.

One function, `ladder`, computes the u-coordinate of k * P from the
u-coordinate of P on a Montgomery curve v^2 = u^3 + A*u^2 + u over GF(p),
using only u (x-only arithmetic in projective coordinates X:Z). X25519
(refkx.x25519) and X448 (refkx.x448) are this ladder with their own
(p, a24, bits); the byte encodings and scalar clamping live in those modules.
The §6 Diffie-Hellman key classes are the same for both curves, so their
shared body is here too (MontgomeryPrivateKey, MontgomeryPublicKey), with the
all-zero check on the shared secret; the curve modules subclass them.

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

import secrets
from typing import Callable, Optional

from .encoding import require_bytes
from .errors import InvalidKey

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


# --- RFC 7748 §6: Diffie-Hellman, the same for X25519 and X448 ---------------
# refkx.x25519 and refkx.x448 subclass these two classes, giving only their curve's
# name, byte length, base point and scalar multiplication X25519 / X448.

def require_key_bytes(name: str, value: object, size: int) -> bytes:
    """bytes(value) if it is bytes-like of `size` bytes.

    Not bytes-like: TypeError. Wrong length: InvalidKey (a ValueError: refkx's
    error for keys and public values that fail validation) with the precise
    length in the message; a length is no secret.
    """
    data = require_bytes(name, value)
    if len(data) != size:
        raise InvalidKey(f"{name} must be {size} bytes, got {len(data)}")
    return data


def is_all_zero(data: bytes) -> bool:
    """RFC 7748 §6.1 / §6.2 "check ... whether K is all zero": OR all the bytes, test once.

    Every byte is visited whatever its value (no early exit at the first
    non-zero byte), so the loop's length does not depend on the secret.
    """
    acc = 0
    for byte in data:
        acc |= byte
    return acc == 0


def trace_ladder(k: int, u: int, p: int, a24: int, bits: int,
                 projective: bool = False) -> tuple[list[dict], int]:
    """`ladder` with one row per step t: {"t", "k_t"}, plus x_2, z_2, x_3, z_3 if projective.

    Returns (rows, result); the values are as `ladder` passes them to `observe`.
    """
    rows: list[dict] = []

    def observe(t: int, k_t: int, x_2: int, z_2: int, x_3: int, z_3: int) -> None:
        row = {"t": t, "k_t": k_t}
        if projective:
            row.update(x_2=x_2, z_2=z_2, x_3=x_3, z_3=z_3)
        rows.append(row)

    return rows, ladder(k, u, p, a24, bits, observe)


class MontgomeryPublicKey:
    """A public key of RFC 7748 §6: the encoded u-coordinate, kept exactly as given."""

    __slots__ = ("_u",)
    _curve = ""                     # set by the subclass: "X25519" / "X448"
    _key_size = 0                   # set by the subclass: 32 / 56 bytes

    def __init__(self, u: bytes) -> None:
        self._u = require_key_bytes(f"{self._curve} public key", u, self._key_size)

    @classmethod
    def from_public_bytes(cls, data: bytes):
        """The public key whose encoding is `data` (kept as given)."""
        return cls(data)

    def public_bytes_raw(self) -> bytes:
        """The encoded u-coordinate, exactly as received or computed."""
        return self._u

    def public_bytes(self, encoding, format) -> bytes:
        """pyca's public_bytes: SubjectPublicKeyInfo (RFC 8410) in PEM/DER, or Raw/Raw."""
        from . import serialization   # the key-file layer builds on this module: imported at call time
        return serialization.public_bytes(self, encoding, format)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._u == other._u

    def __hash__(self) -> int:
        return hash((type(self), self._u))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._u.hex()})"


class MontgomeryPrivateKey:
    """A private key of RFC 7748 §6: random bytes k (the function clamps them when used)."""

    __slots__ = ("_k", "_public")
    _curve = ""                     # set by the subclass, as for MontgomeryPublicKey
    _key_size = 0
    _base_point = b""               # the encoded base point: u = 9 (X25519) / u = 5 (X448)
    _public_key_class = MontgomeryPublicKey

    @staticmethod
    def _scalar_mult(k: bytes, u: bytes) -> bytes:
        """X25519(k, u) / X448(k, u): provided by the subclass."""
        raise NotImplementedError

    def __init__(self, k: bytes) -> None:
        self._k = require_key_bytes(f"{self._curve} private key", k, self._key_size)
        self._public: Optional[MontgomeryPublicKey] = None

    @classmethod
    def generate(cls, rng: Optional[Callable[[int], bytes]] = None):
        """A new key from `rng(key size)` bytes (default: secrets.token_bytes)."""
        if rng is not None and not callable(rng):
            raise TypeError(f"rng must be a callable taking a byte count, or None, "
                            f"not {type(rng).__name__}")
        return cls((secrets.token_bytes if rng is None else rng)(cls._key_size))

    @classmethod
    def from_private_bytes(cls, data: bytes):
        """The private key whose raw bytes are `data` (unclamped bytes are fine)."""
        return cls(data)

    def private_bytes_raw(self) -> bytes:
        """The private bytes as given (clamping happens inside X25519 / X448)."""
        return self._k

    def private_bytes(self, encoding, format, encryption_algorithm=None) -> bytes:
        """pyca's private_bytes: PKCS #8 (RFC 8410 §7) in PEM/DER, or Raw/Raw."""
        from . import serialization
        return serialization.private_bytes(self, encoding, format, encryption_algorithm)

    def public_key(self) -> MontgomeryPublicKey:
        """§6.1: K_A = X25519(a, 9); §6.2: K_A = X448(a, 5). Computed once."""
        if self._public is None:
            self._public = self._public_key_class(self._scalar_mult(self._k, self._base_point))
        return self._public

    def exchange(self, peer_public_key: MontgomeryPublicKey) -> bytes:
        """§6.1 / §6.2: K = X25519(a, K_B) / X448(a, K_B); InvalidKey if K is all zero.

        An all-zero K means the peer sent a point of small order (§6.1, §7);
        the check ORs every byte together (see `is_all_zero`).
        """
        if not isinstance(peer_public_key, self._public_key_class):
            raise TypeError(f"peer_public_key must be an {self._public_key_class.__name__}, not "
                            f"{type(peer_public_key).__name__}")
        shared = self._scalar_mult(self._k, peer_public_key.public_bytes_raw())
        if is_all_zero(shared):
            raise InvalidKey(f"{self._curve} shared secret is all zero "
                             "(peer public key of small order)")
        return shared

    def __repr__(self) -> str:
        return f"<{type(self).__name__} (private bytes not shown)>"
