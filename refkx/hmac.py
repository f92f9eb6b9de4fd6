"""HMAC, RFC 2104 §2 (with the hash functions of hashlib).

    HMAC(K, text) = H((K0 XOR opad) || H((K0 XOR ipad) || text))

where K0 is the key padded with zeros to the hash's block size B (after
hashing it first if it is longer than B), ipad is the byte 0x36 repeated B
times and opad the byte 0x5c repeated B times. Variable names follow the RFC.

CPython integers and bytes operations are not constant-time: this module
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import hashlib

from .encoding import require_bytes

IPAD_BYTE = 0x36  # RFC 2104 §2: "ipad = the byte 0x36 repeated B times"
OPAD_BYTE = 0x5C  # RFC 2104 §2: "opad = the byte 0x5C repeated B times"

_IPAD_TABLE = bytes(i ^ IPAD_BYTE for i in range(256))
_OPAD_TABLE = bytes(i ^ OPAD_BYTE for i in range(256))


def new_hash(hash_name: str):
    """A fresh hashlib object for `hash_name`; ValueError for an unknown name."""
    if not isinstance(hash_name, str):
        raise TypeError(f"hash_name must be a str, not {type(hash_name).__name__}")
    try:
        return hashlib.new(hash_name)
    except ValueError:
        raise ValueError(f"unknown hash {hash_name!r}") from None


def _fixed_length_hash(hash_name: str):
    """new_hash(hash_name), refusing XOFs (SHAKE): HMAC needs a block size B and an output length L."""
    h = new_hash(hash_name)
    if h.block_size <= 0 or h.digest_size <= 0 or hash_name.lower().startswith("shake"):
        raise ValueError(f"HMAC needs a fixed-length block hash, not {hash_name!r}")
    return h


def digest_size(hash_name: str) -> int:
    """L, the output length in bytes of `hash_name` (RFC 5869 "HashLen"); ValueError for an XOF."""
    return _fixed_length_hash(hash_name).digest_size


def hmac(key: bytes, message: bytes, hash_name: str = "sha256") -> bytes:
    """HMAC-`hash_name`(key, message) per RFC 2104 §2; returns the full digest."""
    key = require_bytes("key", key)
    message = require_bytes("message", message)
    inner = _fixed_length_hash(hash_name)
    block_size = inner.block_size  # B in RFC 2104

    k0 = _key_block(key, hash_name, block_size)

    # Step (1)-(4): H(K0 XOR ipad || text)
    inner.update(k0.translate(_IPAD_TABLE))
    inner.update(message)
    # Step (5)-(7): H(K0 XOR opad || inner digest)
    outer = new_hash(hash_name)
    outer.update(k0.translate(_OPAD_TABLE))
    outer.update(inner.digest())
    return outer.digest()


def _key_block(key: bytes, hash_name: str, block_size: int) -> bytes:
    """K0: the key hashed if longer than B (RFC 2104 §3), then zero-padded to B bytes (§2 step 1)."""
    if len(key) > block_size:
        h = new_hash(hash_name)
        h.update(key)
        key = h.digest()
    return key + bytes(block_size - len(key))
