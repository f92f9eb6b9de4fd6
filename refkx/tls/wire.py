"""The TLS presentation language on the wire: RFC 8446 §3 (uint8/16/24/32, vectors).

    opaque mandatory<300..400>;   /* length field of 2 bytes, then 300..400 bytes */
    uint16 longer<0..800>;        /* 0..400 uint16 values                       */

A variable-length vector carries its length in as many bytes as its ceiling needs (§3.4).
`Reader` takes attacker bytes: every length is checked against what remains AND against
the vector's bounds before it is trusted, and every failure is one HandshakeError with
the alert decode_error (§6.2: "a message could not be decoded because some field was out
of the specified range or the length of the message was incorrect"). Encoders check the
caller's values and raise ValueError.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ..errors import HandshakeError


def uint(value: int, size: int) -> bytes:
    """A big-endian unsigned integer of `size` bytes (RFC 8446 §3.3)."""
    if not 0 <= value < 1 << (8 * size):
        raise ValueError(f"{value} does not fit a uint{8 * size}")
    return value.to_bytes(size, "big")


def length_size(ceiling: int) -> int:
    """Bytes of the length field of a vector <floor..ceiling> (RFC 8446 §3.4)."""
    return (ceiling.bit_length() + 7) // 8


def vector(data: bytes, floor: int, ceiling: int) -> bytes:
    """opaque data<floor..ceiling>: the length in length_size(ceiling) bytes, then the data."""
    if not floor <= len(data) <= ceiling:
        raise ValueError(f"vector length {len(data)} outside <{floor}..{ceiling}>")
    return uint(len(data), length_size(ceiling)) + bytes(data)


def uint16_list(values, floor: int, ceiling: int) -> bytes:
    """uint16 values<floor..ceiling> (the bounds count bytes, as in the RFC)."""
    return vector(b"".join(uint(v, 2) for v in values), floor, ceiling)


class Reader:
    """Reads one structure from attacker bytes, checking every length before use."""

    def __init__(self, data: bytes, what: str = "message") -> None:
        self.data = bytes(data)
        self.offset = 0
        self.what = what

    def fail(self, alert: str = "decode_error"):
        raise HandshakeError(f"malformed {self.what}", alert)

    def remaining(self) -> int:
        return len(self.data) - self.offset

    def take(self, n: int) -> bytes:
        if n < 0 or n > self.remaining():
            self.fail()
        chunk = self.data[self.offset:self.offset + n]
        self.offset += n
        return chunk

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def vector(self, floor: int, ceiling: int) -> bytes:
        """opaque <floor..ceiling>: the length is checked against both bounds and the rest."""
        length = self.uint(length_size(ceiling))
        if not floor <= length <= ceiling:
            self.fail()
        return self.take(length)

    def uint16_list(self, floor: int, ceiling: int) -> list[int]:
        body = self.vector(floor, ceiling)
        if len(body) % 2:
            self.fail()
        return [int.from_bytes(body[i:i + 2], "big") for i in range(0, len(body), 2)]

    def at_end(self) -> bool:
        return self.offset == len(self.data)

    def end(self) -> None:
        """The structure must use every byte (no trailing data)."""
        if not self.at_end():
            self.fail()
