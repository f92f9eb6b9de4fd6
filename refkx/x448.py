"""X448, RFC 7748 §4.2 (curve448), §5 (the X448 function) and §6.2 (Diffie-Hellman).

The mirror of refkx.x25519 for the 224-bit-security curve:

* the RFC function `x448(k, u)`: 56-byte scalar and u-coordinate in, 56-byte
  u-coordinate out, with `decode_scalar` (decodeScalar448),
  `decode_u_coordinate` and `encode_u_coordinate` of §5, over the Montgomery
  ladder in refkx.montgomery;
* pyca-shaped key classes `X448PrivateKey` / `X448PublicKey` whose `exchange`
  performs §6.2 and refuses the all-zero shared secret (their shared body is
  in refkx.montgomery).

Unlike X25519, X448 masks no bit of the u-coordinate: 448 bits fill the 56
bytes exactly. Names follow the RFC (k, u, p, A, a24); the constants are
derived below. CPython integers are not constant-time: this module teaches
and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations


from . import impl
from .encoding import int_to_le, le_to_int, require_int
from .montgomery import MontgomeryPrivateKey, MontgomeryPublicKey, ladder, require_key_bytes, trace_ladder

__all__ = ["X448PrivateKey", "X448PublicKey", "x448", "decode_scalar", "decode_u_coordinate",
           "encode_u_coordinate", "trace_x448", "P", "A", "A24", "ORDER", "COFACTOR", "BASE_U",
           "BASE_POINT", "BITS", "KEY_SIZE"]

# --- RFC 7748 §4.2: curve448, v^2 = u^3 + A*u^2 + u over GF(p) ---
P = 2**448 - 2**224 - 1              # p, the "Goldilocks" prime
A = 156326                           # A
A24 = (A - 2) // 4                   # §5: a24 = (A - 2) / 4 = 39081 for curve448
assert (A - 2) % 4 == 0
ORDER = 2**446 - 0x8335DC163BB124B65129C96FDE933D8D723A70AADC873D6D54A7BB0D  # §4.2 "order"
COFACTOR = 4                         # §4.2 "cofactor": #E = 4 * ORDER
BASE_U = 5                           # §4.2 U(P) = 5

BITS = 448                           # §5: "bits" of the ladder, and the u-coordinate's width
KEY_SIZE = (BITS + 7) // 8           # 56 bytes: scalars, u-coordinates, shared secrets


def _require_56(name: str, value: object) -> bytes:
    """bytes(value) if bytes-like of KEY_SIZE bytes; TypeError / InvalidKey otherwise."""
    return require_key_bytes(name, value, KEY_SIZE)


def decode_scalar(k: bytes) -> int:
    """RFC 7748 §5 decodeScalar448: clamp the 56-byte k and read it little-endian.

    Clearing the two low bits makes the scalar a multiple of the cofactor 4;
    setting bit 447 fixes the ladder's length.
    """
    k_list = bytearray(_require_56("X448 scalar k", k))
    k_list[0] &= 252                     # clear bits 0, 1
    k_list[55] |= 128                    # set bit 447
    return le_to_int(bytes(k_list))


def decode_u_coordinate(u: bytes) -> int:
    """RFC 7748 §5 decodeUCoordinate for X448, reduced modulo p.

    No bit is masked (bits % 8 == 0). Non-canonical values >= p are accepted
    and reduced modulo p, as §5 requires.
    """
    return le_to_int(_require_56("X448 u-coordinate", u)) % P


def encode_u_coordinate(u: int) -> bytes:
    """RFC 7748 §5 encodeUCoordinate: u mod p as 56 little-endian bytes."""
    u = require_int("u", u)
    return int_to_le(u % P, KEY_SIZE)


BASE_POINT = encode_u_coordinate(BASE_U)  # the u-coordinate 5 as 56 bytes (§6.2: "X448(a, 5)")


def x448(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5: X448(k, u), the readable reference implementation.

    k and u are 56 bytes each; the result is the 56-byte u-coordinate of
    decodeScalar448(k) * u. It may be all zero (for a low-order u); this raw
    function returns it, `X448PrivateKey.exchange` refuses it.
    """
    k_int = decode_scalar(k)
    u_int = decode_u_coordinate(u)
    return encode_u_coordinate(ladder(k_int, u_int, P, A24, BITS))


def _scalar_mult(k: bytes, u: bytes) -> bytes:
    """X448(k, u) for the key classes: the fast twin (refkx.impl "x448") if it is selected,
    else the reference `x448` above. k and u are already checked to be 56 bytes each."""
    twin = impl.fast("x448")
    if twin is not None:
        return twin.x448(bytes(k), bytes(u))
    return x448(k, u)


def trace_x448(k: bytes, u: bytes, projective: bool = False) -> dict:
    """Intermediate values of X448(k, u); same layout as refkx.x25519.trace_x25519."""
    k_int = decode_scalar(k)
    u_int = decode_u_coordinate(u)
    rows, result = trace_ladder(k_int, u_int, P, A24, BITS, projective)
    return {"curve": "X448", "k": bytes(k), "u": bytes(u), "k_clamped": k_int,
            "u_decoded": u_int, "bits": BITS, "rows": rows, "result": encode_u_coordinate(result)}


class X448PublicKey(MontgomeryPublicKey):
    """An X448 public key: a 56-byte u-coordinate (RFC 7748 §6.2).

    from_public_bytes(b), public_bytes_raw(), ==, hash and repr come from
    refkx.montgomery.MontgomeryPublicKey.
    """

    __slots__ = ()
    _curve = "X448"
    _key_size = KEY_SIZE


class X448PrivateKey(MontgomeryPrivateKey):
    """An X448 private key: 56 random bytes k (RFC 7748 §6.2), clamped when used.

    generate(rng=None), from_private_bytes(b), private_bytes_raw(), public_key()
    (K_A = X448(a, 5)) and exchange(peer_public_key) (K = X448(a, K_B), with
    InvalidKey for an all-zero K) come from refkx.montgomery.MontgomeryPrivateKey;
    repr() never shows the private bytes.
    """

    __slots__ = ()
    _curve = "X448"
    _key_size = KEY_SIZE
    _base_point = BASE_POINT
    _public_key_class = X448PublicKey

    @staticmethod
    def _scalar_mult(k: bytes, u: bytes) -> bytes:
        return _scalar_mult(k, u)      # the module-level, swappable function above
