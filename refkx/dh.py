"""Finite-field Diffie–Hellman key agreement over the groups of refkx.dh_groups.

Documents and sections implemented:

* NIST SP 800-56A Rev. 3 (April 2018):
  §5.6.1.1.4 key-pair generation by testing candidates (private x, public y = g^x mod p),
  §5.6.2.3.1 FFC full public-key validation (2 <= y <= p - 2 and y^q = 1 mod p),
  §5.7.1.1 the FFC DH primitive (z = y^x mod p, z = 1 is an error),
  §5.6.2.1.4 owner assurance of pair-wise consistency (used by the CAVP vectors).
* RFC 7919 §5.1 (peer check 1 < Y < p - 1), §5.2 (short exponents), Appendix A.
* The shared secret Z is z as a big-endian string left-padded to the byte length of p
  (SP 800-56A §5.7.1.1: the field element z as a byte string of ceil(len(p)/8) bytes, by the
  integer-to-byte-string conversion of Appendix C.1; RFC 8446 §7.4.1 "left-padded with
  zeros up to the size of the prime"). TLS 1.2 stripped leading zeros (RFC 5246 §8.1.2).

Validation choices (see also DHPublicKey):

* The range check 2 <= y <= p - 2 is always made.
* The subgroup check y^q = 1 (mod p) is always made when the group is not a safe-prime
  group (RFC 5114: skipping it is CVE-2016-0701, small-subgroup key recovery).
* For the safe-prime groups (RFC 3526, RFC 7919) the subgroup check is ON by default
  (`full_validation=True`, SP 800-56A full validation). Without it an element of order
  2q passes the range check and the Legendre symbol of Z then reveals x mod 2, one bit
  of the private exponent (RFC 7919 §5.1 settles for the range check). The check costs
  an exponentiation by the full-size q, 10-25 times the short-exponent keygen
  (2048-8192 bits; see benchmarks/test_bench_dh.py); `full_validation=False` turns it off explicitly.
* Z = 1 or Z = p - 1 is refused (SP 800-56A §5.7.1.1 step 2 refuses 1; p - 1 is the
  other element of the order-2 subgroup). Every failure an attacker can cause raises
  refkx.errors.InvalidKey; nothing is ever returned for failure.

Private exponents are drawn from `secrets` (or an injected `rng(n) -> n random bytes`)
in [2, M - 1] with M = min(2^N, q), N = group.exponent_bits by default (the table in
refkx.dh_groups), or any N in [2 * security strength, len(q)], or "full" (M = q). SP
800-56A allows x = 1; we never use 0 or 1 (x = 1 would publish y = g).

Variable names follow SP 800-56A (p, q, g, x, y, z, Z, N, M, c). All exponentiations go
through `_public_value` (fixed base g), `_shared_value` (variable base) and
`_in_order_q_subgroup` (y^q); each asks refkx.impl at every call whether the optimised twin
refkx.fast.dh runs instead (a fixed-base table for g^x; the Jacobi symbol for the safe-prime
subgroup check). CPython integers are not constant-time: this module teaches and
cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import secrets
from typing import Callable, Optional, Union

from .dh_groups import (FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, GROUPS,
                        MODP1536, MODP2048, MODP3072, MODP4096, MODP6144, MODP8192,
                        RFC5114_1024_160, RFC5114_2048_224, RFC5114_2048_256, DHGroup)
from .encoding import i2osp, os2ip, require_bytes, require_int
from .errors import InvalidKey
from . import impl

__all__ = [
    "DHGroup", "GROUPS", "DHPrivateKey", "DHPublicKey", "FULL_EXPONENT",
    "generate_private_value", "public_value", "validate_public_value", "shared_secret",
    "FFDHE2048", "FFDHE3072", "FFDHE4096", "FFDHE6144", "FFDHE8192",
    "MODP1536", "MODP2048", "MODP3072", "MODP4096", "MODP6144", "MODP8192",
    "RFC5114_1024_160", "RFC5114_2048_224", "RFC5114_2048_256",
]

FULL_EXPONENT = "full"  # exponent_bits="full": x drawn from the whole of [2, q - 1]
MAX_CANDIDATE_DRAWS = 1000  # guards generate_private_value against a broken injected rng

Rng = Callable[[int], bytes]
ExponentBits = Union[None, int, str]


# --- the exponentiations (one place each; each asks refkx.impl whether the twin
# refkx.fast.dh runs instead, at every call) ---

def _public_value(group: DHGroup, x: int) -> int:
    """y = g^x mod p (SP 800-56A §5.6.1.1.4, the step after x = c + 1): fixed base g."""
    twin = impl.fast("dh")
    if twin is not None:   # refkx.fast.dh: a table of g^(d * 2^(6i)) mod p, built per group
        return twin.fixed_base_pow(group.g, group.p, x, group.exponent_bits)
    return pow(group.g, x, group.p)


def _shared_value(group: DHGroup, x: int, y: int) -> int:
    """z = y^x mod p (SP 800-56A §5.7.1.1 step 1): variable base y."""
    return pow(y, x, group.p)


def _in_order_q_subgroup(group: DHGroup, y: int) -> bool:
    """y^q = 1 (mod p) (SP 800-56A §5.6.2.3.1 step 2)."""
    twin = impl.fast("dh")
    if twin is not None and group.is_safe_prime:  # refkx.fast.dh: Euler's criterion, (y/p) = 1
        return twin.in_safe_prime_subgroup(y, group.p)
    return pow(y, group.q, group.p) == 1


# --- spec-shaped functions ---

def _require_group(group: object) -> DHGroup:
    if not isinstance(group, DHGroup):
        raise TypeError(f"group must be a DHGroup, not {type(group).__name__}")
    return group


def _exponent_range(group: DHGroup, exponent_bits: ExponentBits) -> int:
    """M, the exclusive upper bound of x (SP 800-56A §5.6.1.1.4 step 2: M = min(2^N, q))."""
    if exponent_bits is None:
        n_bits = group.exponent_bits
    elif isinstance(exponent_bits, str):
        if exponent_bits != FULL_EXPONENT:
            raise ValueError(f"exponent_bits must be None, an int or {FULL_EXPONENT!r}")
        return group.q
    else:
        n_bits = require_int("exponent_bits", exponent_bits)
        if not group.min_exponent_bits <= n_bits <= group.q.bit_length():
            raise ValueError(f"exponent_bits for {group.name} must be in "
                             f"[{group.min_exponent_bits}, {group.q.bit_length()}] "
                             f"(at least twice the security strength, at most len(q))")
    return min(1 << n_bits, group.q)


def generate_private_value(group: DHGroup, exponent_bits: ExponentBits = None,
                           rng: Optional[Rng] = None) -> int:
    """A private exponent x in [2, M - 1] (SP 800-56A §5.6.1.1.4, testing candidates).

    `rng(n)` returns n random bytes (default secrets.token_bytes).
    """
    group = _require_group(group)
    if rng is not None and not callable(rng):
        raise TypeError("rng must be a callable taking a byte count, or None")
    rng = secrets.token_bytes if rng is None else rng
    M = _exponent_range(group, exponent_bits)
    N = (M - 1).bit_length()
    n_octets = (N + 7) // 8
    # Each draw is accepted with probability > 1/2, so a working rng never needs
    # MAX_CANDIDATE_DRAWS draws; the bound stops a broken injected rng from looping forever.
    for _ in range(MAX_CANDIDATE_DRAWS):
        returned_bits = rng(n_octets)
        if not isinstance(returned_bits, (bytes, bytearray, memoryview)) \
                or len(returned_bits) != n_octets:
            raise ValueError(f"rng must return exactly {n_octets} bytes")
        # Step 5-6: c is N bits from the RBG, as a non-negative integer.
        c = os2ip(bytes(returned_bits)) & ((1 << N) - 1)
        # Step 7 ("if c > M - 2, go to step 5"), shifted by one so that x >= 2.
        if c <= M - 3:
            return c + 2  # Step 8 (x = c + 1 in the standard; we skip x = 1).
    raise RuntimeError("the rng gave no private value in range")


def _check_private_value(group: DHGroup, x: object) -> int:
    x = require_int("x", x)
    # SP 800-56A §5.6.2.1.2 (owner assurance of private-key validity): 1 <= x <= q - 1;
    # we also refuse x = 1, whose public value is g itself.
    if not 2 <= x <= group.q - 1:
        raise InvalidKey("private value out of range")
    return x


def public_value(group: DHGroup, x: int) -> int:
    """y = g^x mod p for a private value x in [2, q - 1] (SP 800-56A §5.6.1.1.4)."""
    group = _require_group(group)
    return _public_value(group, _check_private_value(group, x))


def validate_public_value(group: DHGroup, y: object, *, full_validation: bool = True) -> int:
    """SP 800-56A Rev. 3 §5.6.2.3.1 FFC full public-key validation; returns y or raises.

    Step 1: 2 <= y <= p - 2. Step 2: y^q = 1 (mod p), made for every group that is
    not a safe-prime group and, unless full_validation=False, for safe-prime groups too.
    """
    group = _require_group(group)
    y = require_int("y", y)
    if not isinstance(full_validation, bool):
        raise TypeError("full_validation must be a bool")
    if not full_validation and not group.is_safe_prime:
        raise ValueError(f"{group.name} is not a safe-prime group: the subgroup check "
                         "y^q = 1 mod p is mandatory (CVE-2016-0701)")
    if not 2 <= y <= group.p - 2:                                 # step 1
        raise InvalidKey("invalid DH public value")
    if full_validation and not _in_order_q_subgroup(group, y):    # step 2
        raise InvalidKey("invalid DH public value")
    return y


def shared_secret(group: DHGroup, x: int, y: int) -> bytes:
    """Z for our private x and the peer's already-validated public y (SP 800-56A §5.7.1.1).

    Z is z left-padded to the byte length of p. z = 1 or p - 1 raises InvalidKey.
    """
    group = _require_group(group)
    x = _check_private_value(group, x)
    if not 2 <= require_int("y", y) <= group.p - 2:  # cheap re-check; full check is the caller's
        raise InvalidKey("invalid DH public value")
    z = _shared_value(group, x, y)                               # step 1
    if z == 1 or z == group.p - 1:                               # step 2 (and z = p - 1)
        raise InvalidKey("degenerate DH shared secret")
    return i2osp(z, group.byte_length)                           # step 3: Z = z as len(p) bytes


# --- pyca-shaped classes ---

class DHPublicKey:
    """A validated public value y of a DHGroup.

    DHPublicKey(group, y) validates y on construction (validate_public_value) and
    raises InvalidKey for a bad value, TypeError for a y that is not an int.
    full_validation=False skips the y^q = 1 check, for safe-prime groups only.
    """

    __slots__ = ("_group", "_y", "_fully_validated")

    def __init__(self, group: DHGroup, y: int, *, full_validation: bool = True) -> None:
        self._group = _require_group(group)
        self._y = validate_public_value(group, y, full_validation=full_validation)
        self._fully_validated = full_validation

    @classmethod
    def _trusted(cls, group: DHGroup, y: int) -> "DHPublicKey":
        """Our own y = g^x: in the subgroup by construction, so no validation."""
        key = cls.__new__(cls)
        key._group, key._y, key._fully_validated = group, y, True
        return key

    @classmethod
    def from_public_bytes(cls, group: DHGroup, data: bytes, *,
                          full_validation: bool = True) -> "DHPublicKey":
        """Decode y from exactly group.byte_length big-endian bytes, then validate it."""
        group = _require_group(group)
        octets = require_bytes("data", data)
        if len(octets) != group.byte_length:
            raise InvalidKey("invalid DH public value")
        return cls(group, os2ip(octets), full_validation=full_validation)

    def public_bytes(self) -> bytes:
        """y as group.byte_length big-endian bytes (left-padded with zeros)."""
        return i2osp(self._y, self._group.byte_length)

    @property
    def y(self) -> int:
        return self._y

    @property
    def group(self) -> DHGroup:
        return self._group

    @property
    def fully_validated(self) -> bool:
        """True when y^q = 1 (mod p) was checked (or y is our own g^x)."""
        return self._fully_validated

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DHPublicKey):
            return NotImplemented
        return _same_group(self._group, other._group) and self._y == other._y

    def __hash__(self) -> int:
        return hash((self._group.p, self._group.g, self._y))

    def __repr__(self) -> str:
        return f"DHPublicKey({self._group.name}, y=0x{self._y:x})"


def _same_group(a: DHGroup, b: DHGroup) -> bool:
    return (a.p, a.g, a.q) == (b.p, b.g, b.q)


class DHPrivateKey:
    """A private exponent x of a DHGroup, with its public key and the exchange.

    DHPrivateKey(group, x) checks 2 <= x <= q - 1 (InvalidKey otherwise);
    DHPrivateKey.generate(group) draws x with `secrets`.
    """

    __slots__ = ("_group", "_x", "_public_key")

    def __init__(self, group: DHGroup, x: int) -> None:
        self._group = _require_group(group)
        self._x = _check_private_value(group, x)
        self._public_key: Optional[DHPublicKey] = None

    @classmethod
    def generate(cls, group: DHGroup, exponent_bits: ExponentBits = None, *,
                 rng: Optional[Rng] = None) -> "DHPrivateKey":
        """A fresh key: exponent_bits None (the group's default N), an int N, or "full"."""
        return cls(group, generate_private_value(group, exponent_bits, rng))

    @property
    def group(self) -> DHGroup:
        return self._group

    @property
    def x(self) -> int:
        """The private exponent (secret!)."""
        return self._x

    def public_key(self) -> DHPublicKey:
        """y = g^x mod p, computed once."""
        if self._public_key is None:
            self._public_key = DHPublicKey._trusted(self._group,
                                                    _public_value(self._group, self._x))
        return self._public_key

    def exchange(self, peer_public_key: DHPublicKey) -> bytes:
        """Z = (y_peer)^x mod p, left-padded to the byte length of p.

        The peer key was validated when it was constructed; a degenerate Z raises
        InvalidKey. A key from another group is caller misuse (ValueError).
        """
        if not isinstance(peer_public_key, DHPublicKey):
            raise TypeError("peer_public_key must be a DHPublicKey, not "
                            f"{type(peer_public_key).__name__}")
        if not _same_group(self._group, peer_public_key.group):
            raise ValueError(f"peer public key is in group {peer_public_key.group.name}, "
                             f"not {self._group.name}")
        return shared_secret(self._group, self._x, peer_public_key.y)

    def __repr__(self) -> str:
        return f"DHPrivateKey({self._group.name}, x=<secret>)"
