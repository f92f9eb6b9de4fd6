"""X25519, RFC 7748 §4.1 (curve25519), §5 (the X25519 function) and §6.1 (Diffie-Hellman).

Two layers, as everywhere in refkx:

* the RFC function `x25519(k, u)`: 32-byte scalar and u-coordinate in,
  32-byte u-coordinate out, with `decode_scalar` (decodeScalar25519),
  `decode_u_coordinate` and `encode_u_coordinate` of §5, over the Montgomery
  ladder in refkx.montgomery;
* pyca-shaped key classes `X25519PrivateKey` / `X25519PublicKey` whose
  `exchange` performs §6.1 and refuses the all-zero shared secret (the body
  they share with X448 is in refkx.montgomery; here they only name the curve).

Names follow the RFC (k, u, p, A, a24). The curve constants are derived below
rather than pasted. CPython integers are not constant-time: this module
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from . import impl
from .encoding import int_to_le, le_to_int, require_int
from .montgomery import MontgomeryPrivateKey, MontgomeryPublicKey, ladder, require_key_bytes, trace_ladder

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
    """bytes(value) if bytes-like of KEY_SIZE bytes; TypeError / InvalidKey otherwise."""
    return require_key_bytes(name, value, KEY_SIZE)


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
    u = require_int("u", u)
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
# multiplication. It asks refkx.impl at every call: the optimised twin
# refkx.fast.x25519 (a leaner ladder, and a fixed-base Edwards25519 table for
# u = 9) while the fast implementation is selected (the default), else the
# reference `x25519` above (REFKX_READABLE=1 or refkx.impl.use("readable")).


def _scalar_mult(k: bytes, u: bytes) -> bytes:
    """X25519(k, u) for the key classes: refkx.fast.x25519 or the readable `x25519`."""
    twin = impl.fast("x25519")
    if twin is not None:
        return twin.x25519(k, u)
    return x25519(k, u)


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
    rows, result = trace_ladder(k_int, u_int, P, A24, BITS, projective)
    return {"curve": "X25519", "k": bytes(k), "u": bytes(u), "k_clamped": k_int,
            "u_decoded": u_int, "bits": BITS, "rows": rows, "result": encode_u_coordinate(result)}


class X25519PublicKey(MontgomeryPublicKey):
    """An X25519 public key: a 32-byte u-coordinate (RFC 7748 §6.1 K_A / K_B).

    from_public_bytes(b), public_bytes_raw(), ==, hash and repr come from
    refkx.montgomery.MontgomeryPublicKey.
    """

    __slots__ = ()
    _curve = "X25519"
    _key_size = KEY_SIZE


class X25519PrivateKey(MontgomeryPrivateKey):
    """An X25519 private key: 32 random bytes k (RFC 7748 §6.1), clamped when used.

    generate(rng=None), from_private_bytes(b), private_bytes_raw(), public_key()
    (K_A = X25519(a, 9)) and exchange(peer_public_key) (K = X25519(a, K_B), with
    InvalidKey for an all-zero K) come from refkx.montgomery.MontgomeryPrivateKey;
    repr() never shows the private bytes.
    """

    __slots__ = ()
    _curve = "X25519"
    _key_size = KEY_SIZE
    _base_point = BASE_POINT
    _public_key_class = X25519PublicKey

    @staticmethod
    def _scalar_mult(k: bytes, u: bytes) -> bytes:
        return _scalar_mult(k, u)      # the module-level, swappable function above
