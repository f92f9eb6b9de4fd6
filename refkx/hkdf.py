"""HKDF, RFC 5869 §2 (HMAC-based Extract-and-Expand Key Derivation Function).

Variable names follow the RFC: IKM, PRK, OKM, L, N, T(i). HashLen is the
digest size of the chosen hash.

CPython integers and bytes operations are not constant-time: this module
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from .encoding import require_bytes, require_int
from .hmac import digest_size, hmac

MAX_BLOCKS = 255  # RFC 5869 §2.3: L <= 255*HashLen


def extract(salt: bytes, ikm: bytes, hash_name: str = "sha256") -> bytes:
    """RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM).

    An empty salt means "a string of HashLen zeros" (§2.2, "if not provided").
    """
    salt = require_bytes("salt", salt)
    ikm = require_bytes("ikm", ikm)
    if not salt:
        salt = bytes(digest_size(hash_name))
    return hmac(salt, ikm, hash_name)


def expand(prk: bytes, info: bytes, length: int, hash_name: str = "sha256") -> bytes:
    """RFC 5869 §2.3: OKM, the first L = `length` octets of T(1) || T(2) || ... .

    T(0) = empty; T(i) = HMAC-Hash(PRK, T(i-1) || info || i) with i one octet.
    Raises ValueError when L > 255*HashLen or L < 0, and when PRK is shorter
    than HashLen (§2.3: "PRK: a pseudorandom key of at least HashLen octets").
    """
    prk = require_bytes("prk", prk)
    info = require_bytes("info", info)
    length = require_int("length", length)
    hash_len = digest_size(hash_name)
    if length < 0:
        raise ValueError("length must be non-negative")
    if length > MAX_BLOCKS * hash_len:
        raise ValueError(f"length {length} exceeds 255*HashLen = {MAX_BLOCKS * hash_len}")
    if len(prk) < hash_len:
        raise ValueError(f"prk must be at least HashLen = {hash_len} bytes")
    n = -(-length // hash_len)  # N = ceil(L/HashLen)
    t = b""
    okm = bytearray()
    for i in range(1, n + 1):
        t = hmac(prk, t + info + bytes([i]), hash_name)
        okm += t
    return bytes(okm[:length])


def hkdf(ikm: bytes, length: int, salt: bytes = b"", info: bytes = b"",
         hash_name: str = "sha256") -> bytes:
    """RFC 5869 §2: Expand(Extract(salt, IKM), info, L)."""
    return expand(extract(salt, ikm, hash_name), info, length, hash_name)
