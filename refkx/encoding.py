"""Byte/integer conversions shared by every layer.

I2OSP and OS2IP follow RFC 8017 §4.1 and §4.2 (big-endian). The little-endian
helpers serve RFC 7748, whose scalars and u-coordinates are little-endian.
"""

from __future__ import annotations


def require_bytes(name: str, value: object) -> bytes:
    """Return `value` as bytes if it is bytes-like, else raise TypeError naming it.

    str is refused on purpose: text has no single byte encoding.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes-like, not {type(value).__name__}")


def require_int(name: str, value: object) -> int:
    """Return `value` if it is an int (bool refused), else raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def i2osp(x: int, x_len: int) -> bytes:
    """RFC 8017 §4.1 I2OSP: the x_len-byte big-endian encoding of x.

    Raises ValueError ("integer too large") when x >= 256^x_len (step 1).
    """
    if x < 0 or x >= 256 ** x_len:
        raise ValueError("integer too large")
    return x.to_bytes(x_len, "big")


def os2ip(octets: bytes) -> int:
    """RFC 8017 §4.2 OS2IP: the non-negative integer whose big-endian encoding is octets."""
    return int.from_bytes(octets, "big")


def int_to_le(x: int, length: int) -> bytes:
    """Little-endian encoding of x in exactly `length` bytes (RFC 7748 §5).

    Raises ValueError ("integer too large") unless 0 <= x < 256^length, as i2osp does.
    """
    if x < 0 or x >= 256 ** length:
        raise ValueError("integer too large")
    return x.to_bytes(length, "little")


def le_to_int(octets: bytes) -> int:
    """Integer from little-endian bytes (RFC 7748 §5, decodeLittleEndian)."""
    return int.from_bytes(octets, "little")


def xor_bytes(a: bytes, b: bytes) -> bytes:
    """Bytewise XOR of two equal-length strings, done as one big-integer XOR."""
    if len(a) != len(b):
        raise ValueError("xor_bytes needs equal lengths")
    n = len(a)
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(n, "big")


def constant_time_equal(a: bytes, b: bytes) -> bool:
    """Compare two byte strings without an early exit on the first difference.

    Accumulates the OR of every byte difference. CPython gives no timing
    guarantee, so this removes the obvious leak (a loop that stops early),
    nothing more; the standard library's hmac.compare_digest is the same idea in C.
    """
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0
