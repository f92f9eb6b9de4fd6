"""X25519, RFC 7748 §4.1 (curve25519), §5 (the X25519 function) and §6.1 (Diffie-Hellman).

Two layers, as everywhere in refkx:

* the RFC function `x25519(k, u)`: 32-byte scalar and u-coordinate in,
  32-byte u-coordinate out, with `decode_scalar` (decodeScalar25519),
  `decode_u_coordinate` and `encode_u_coordinate` of §5, over the Montgomery
  ladder in refkx.montgomery;
* pyca-shaped key classes `X25519PrivateKey` / `X25519PublicKey` whose
  `exchange` performs §6.1 and refuses the all-zero shared secret.

Names follow the RFC (k, u, p, A, a24). The curve constants are derived below
rather than pasted. CPython integers are not constant-time: this module
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import secrets
from typing import Callable, Optional

from .encoding import int_to_le, le_to_int, require_bytes
from .errors import InvalidKey
from .montgomery import ladder

__all__ = ["X25519PrivateKey", "X25519PublicKey", "x25519", "decode_scalar", "decode_u_coordinate",
           "encode_u_coordinate", "trace_x25519", "P", "A", "A24", "ORDER", "COFACTOR", "BASE_U",
           "BASE_POINT", "BITS", "KEY_SIZE"]

# --- RFC 7748 §4.1: curve25519, v^2 = u^3 + A*u^2 + u over GF(p) ---
P = 2**255 - 19                      # p
A = 486662                           # A
A24 = (A - 2) // 4                   # §5: a24 = (A - 2) / 4 = 121665 for curve25519
assert (A - 2) % 4 == 0
ORDER = 2**252 + 0x14DEF9DEA2F79CD65812631A5CF5D3ED  # §4.1 "order": the prime-order subgroup
COFACTOR = 8                         # §4.1 "cofactor": #E = 8 * ORDER
BASE_U = 9                           # §4.1 U(P) = 9

BITS = 255                           # §5: "bits" of the ladder, and the u-coordinate's width
KEY_SIZE = (BITS + 7) // 8           # 32 bytes: scalars, u-coordinates, shared secrets


def _require_32(name: str, value: object) -> bytes:
    """bytes(value) if it is bytes-like of KEY_SIZE bytes.

    Not bytes-like: TypeError. Wrong length: InvalidKey (a ValueError, per
    DESIGN.md "keys and public values that fail validation") with the precise
    length in the message; a length is no secret.
    """
    data = require_bytes(name, value)
    if len(data) != KEY_SIZE:
        raise InvalidKey(f"{name} must be {KEY_SIZE} bytes, got {len(data)}")
    return data


def decode_scalar(k: bytes) -> int:
    """RFC 7748 §5 decodeScalar25519: clamp the 32-byte k and read it little-endian.

    Clearing the three low bits makes the scalar a multiple of the cofactor 8
    (so small-order components vanish); clearing bit 255 and setting bit 254
    fixes the ladder's length, so every scalar takes the same number of steps.
    """
    k_list = bytearray(_require_32("X25519 scalar k", k))
    k_list[0] &= 248                     # clear bits 0, 1, 2
    k_list[31] &= 127                    # clear bit 255
    k_list[31] |= 64                     # set bit 254
    return le_to_int(bytes(k_list))


def decode_u_coordinate(u: bytes) -> int:
    """RFC 7748 §5 decodeUCoordinate for X25519, reduced modulo p.

    The most significant bit of the final byte is masked ("implementations of
    X25519 (but not X448) MUST mask the most significant bit"), and values
    >= p (non-canonical) are accepted and reduced modulo p, as §5 requires.
    """
    u_list = bytearray(_require_32("X25519 u-coordinate", u))
    u_list[-1] &= (1 << (BITS % 8)) - 1   # mask bit 255: 0x7f
    return le_to_int(bytes(u_list)) % P


def encode_u_coordinate(u: int) -> bytes:
    """RFC 7748 §5 encodeUCoordinate: u mod p as 32 little-endian bytes."""
    return int_to_le(u % P, KEY_SIZE)


BASE_POINT = encode_u_coordinate(BASE_U)  # the u-coordinate 9 as 32 bytes (§6.1: "X25519(a, 9)")


def x25519(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5: X25519(k, u), the readable reference implementation.

    k and u are 32 bytes each; the result is the 32-byte u-coordinate of
    decodeScalar25519(k) * u. It may be all zero (for a low-order u); this
    raw function returns it, `X25519PrivateKey.exchange` refuses it.
    """
    k_int = decode_scalar(k)
    u_int = decode_u_coordinate(u)
    return encode_u_coordinate(ladder(k_int, u_int, P, A24, BITS))


# The one internal function through which the key classes do their scalar
# multiplication. It is the reference `x25519` here; a faster implementation
# with the same signature (e.g. a future refkx.x25519_fast) can be put in its
# place and tested for equality against `x25519`, which stays the reference.
_scalar_mult: Callable[[bytes, bytes], bytes] = x25519


def trace_x25519(k: bytes, u: bytes, projective: bool = False) -> dict:
    """Intermediate values of X25519(k, u), for `python -m refkx trace x25519`.

    Returns {"curve", "k", "u", "k_clamped", "u_decoded", "bits", "rows",
    "result"}: the clamped scalar and decoded u as integers, and one row per
    ladder step t = 254 down to 0 with the bit k_t; with projective=True each
    row also has x_2, z_2, x_3, z_3 as the RFC's variables stand at the end of
    the step (before the pending swap, so when k_t = 1 it is (x_3 : z_3) that
    holds [m]P, m = k >> t). "result" equals x25519(k, u).
    """
    k_int = decode_scalar(k)
    u_int = decode_u_coordinate(u)
    rows: list[dict] = []

    def observe(t: int, k_t: int, x_2: int, z_2: int, x_3: int, z_3: int) -> None:
        row = {"t": t, "k_t": k_t}
        if projective:
            row.update(x_2=x_2, z_2=z_2, x_3=x_3, z_3=z_3)
        rows.append(row)

    result = encode_u_coordinate(ladder(k_int, u_int, P, A24, BITS, observe))
    return {"curve": "X25519", "k": bytes(k), "u": bytes(u), "k_clamped": k_int,
            "u_decoded": u_int, "bits": BITS, "rows": rows, "result": result}


def _is_all_zero(data: bytes) -> bool:
    """RFC 7748 §6.1: OR all the bytes together and test the result once.

    Every byte is visited whatever its value (no early exit at the first
    non-zero byte), so the loop's length does not depend on the secret.
    """
    acc = 0
    for byte in data:
        acc |= byte
    return acc == 0


class X25519PublicKey:
    """An X25519 public key: a 32-byte u-coordinate (RFC 7748 §6.1 K_A / K_B)."""

    __slots__ = ("_u",)

    def __init__(self, u: bytes) -> None:
        self._u = _require_32("X25519 public key", u)

    @classmethod
    def from_public_bytes(cls, data: bytes) -> "X25519PublicKey":
        """The public key whose 32-byte encoding is `data` (kept as given)."""
        return cls(data)

    def public_bytes_raw(self) -> bytes:
        """The 32-byte u-coordinate, exactly as received or computed."""
        return self._u

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, X25519PublicKey):
            return NotImplemented
        return self._u == other._u

    def __hash__(self) -> int:
        return hash((X25519PublicKey, self._u))

    def __repr__(self) -> str:
        return f"X25519PublicKey({self._u.hex()})"


class X25519PrivateKey:
    """An X25519 private key: 32 random bytes k (RFC 7748 §6.1), clamped when used."""

    __slots__ = ("_k", "_public")

    def __init__(self, k: bytes) -> None:
        self._k = _require_32("X25519 private key", k)
        self._public: Optional[X25519PublicKey] = None

    @classmethod
    def generate(cls, rng: Optional[Callable[[int], bytes]] = None) -> "X25519PrivateKey":
        """A new key from 32 bytes of `rng(32)` (default: secrets.token_bytes)."""
        return cls((rng or secrets.token_bytes)(KEY_SIZE))

    @classmethod
    def from_private_bytes(cls, data: bytes) -> "X25519PrivateKey":
        """The private key whose raw 32 bytes are `data` (unclamped bytes are fine)."""
        return cls(data)

    def private_bytes_raw(self) -> bytes:
        """The 32 private bytes as given (clamping happens inside X25519)."""
        return self._k

    def public_key(self) -> X25519PublicKey:
        """RFC 7748 §6.1: K_A = X25519(a, 9)."""
        if self._public is None:
            self._public = X25519PublicKey(_scalar_mult(self._k, BASE_POINT))
        return self._public

    def exchange(self, peer_public_key: X25519PublicKey) -> bytes:
        """RFC 7748 §6.1: K = X25519(a, K_B); InvalidKey if K is all zero.

        An all-zero K means the peer sent a point of small order (§6.1, §7);
        the check ORs every byte together (see `_is_all_zero`).
        """
        if not isinstance(peer_public_key, X25519PublicKey):
            raise TypeError("peer_public_key must be an X25519PublicKey, not "
                            f"{type(peer_public_key).__name__}")
        shared = _scalar_mult(self._k, peer_public_key.public_bytes_raw())
        if _is_all_zero(shared):
            raise InvalidKey("X25519 shared secret is all zero (peer public key of small order)")
        return shared

    def __repr__(self) -> str:
        return "<X25519PrivateKey (private bytes not shown)>"
