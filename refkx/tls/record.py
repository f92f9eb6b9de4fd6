"""Record protection as in TLS 1.3: RFC 8446 §5.1 (record header), §5.2 (TLSCiphertext,
TLSInnerPlaintext), §5.3 (per-record nonce), §5.4 (padding), §5.5 (key usage limits),
§7.3 (traffic key and IV) and §7.2 (key update), over refkx.gcm.AESGCM.

One `RecordProtection` protects ONE direction with ONE traffic secret:

    write_key, write_iv = HKDF-Expand-Label(secret, "key"/"iv", "", ...)   # §7.3
    nonce  = write_iv XOR (64-bit sequence number, left-padded to iv_length) # §5.3
    header = opaque_type (23) || legacy_record_version (0x0303) || length    # §5.2
    TLSInnerPlaintext = content || ContentType || zeros (padding, §5.4)
    record = header || AEAD-Encrypt(write_key, nonce, additional_data = header,
                                    plaintext = TLSInnerPlaintext)

The real content type travels inside the encryption (§5.2), so an observer sees
only "application_data" records of some length. The sequence number is never
sent: both sides count records, so a dropped, replayed or reordered record
uses the wrong nonce and fails authentication.

This is exactly the TLS 1.3 record format, so the protected records of the
RFC 8448 traces open with this code (refkx/kat/tls13.py checks that); the
handshake of refkx.tls (client.py, server.py) runs inside these records.

CPython integers and bytes are not constant-time, and Python cannot reliably
erase key material (`erase()` drops and overwrites what it can): this module
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import keyschedule
from ..encoding import require_bytes, require_int
from ..errors import InvalidTag
from ..gcm import TAG_SIZE, AESGCM

# RFC 8446 §5.1 / §B.1 ContentType values.
CONTENT_ALERT = 21
CONTENT_HANDSHAKE = 22
CONTENT_APPLICATION_DATA = 23
CONTENT_TYPES = (CONTENT_ALERT, CONTENT_HANDSHAKE, CONTENT_APPLICATION_DATA)

LEGACY_RECORD_VERSION = b"\x03\x03"        # RFC 8446 §5.1: legacy_record_version = 0x0303
HEADER_SIZE = 5                            # type(1) || version(2) || length(2)
MAX_PLAINTEXT = 2 ** 14                    # RFC 8446 §5.1: fragment <= 2^14 bytes
MAX_CIPHERTEXT = MAX_PLAINTEXT + 256       # RFC 8446 §5.2: length <= 2^14 + 256
SEQUENCE_BITS = 64                         # RFC 8446 §5.3: 64-bit sequence number
# RFC 8446 §5.5: AES-GCM may protect at most 2^24.5 full-size records per key.
# refkx refuses at 2^24 records and requires a key update before that: far from
# both that limit and from the 2^64 wrap of the sequence number.
RECORD_LIMIT = 2 ** 24


@dataclass(frozen=True)
class CipherSuite:
    """An AEAD + hash pair as in RFC 8446 §B.4."""
    name: str
    code: int              # the TLS 1.3 CipherSuite value
    key_length: int        # bytes of [sender]_write_key
    iv_length: int         # bytes of [sender]_write_iv (iv_length = 12 for AES-GCM, §5.3)
    hash_name: str         # the HKDF / transcript hash


TLS_AES_128_GCM_SHA256 = CipherSuite("TLS_AES_128_GCM_SHA256", 0x1301, 16, 12, "sha256")
TLS_AES_256_GCM_SHA384 = CipherSuite("TLS_AES_256_GCM_SHA384", 0x1302, 32, 12, "sha384")
CIPHER_SUITES = {"aes128gcm": TLS_AES_128_GCM_SHA256, "aes256gcm": TLS_AES_256_GCM_SHA384}
SUITES_BY_CODE = {suite.code: suite for suite in CIPHER_SUITES.values()}


class RecordError(InvalidTag):
    """A protected record failed to open (bad tag, bad framing, or limits)."""


MAX_CONTENT_TYPE = 255                     # ContentType is a uint8 (RFC 8446 §5.1)
MAX_LENGTH_FIELD = 2 ** 16 - 1             # the length is a uint16 (RFC 8446 §5.1)


def record_header(content_type: int, length: int) -> bytes:
    """RFC 8446 §5.1/§5.2: ContentType || legacy_record_version || uint16 length."""
    content_type = require_int("content_type", content_type)
    length = require_int("length", length)
    if not 0 <= content_type <= MAX_CONTENT_TYPE:
        raise ValueError(f"content_type must be a uint8 (0..255), got {content_type}")
    if not 0 <= length <= MAX_LENGTH_FIELD:
        raise ValueError(f"record length must be a uint16 (0..65535), got {length}")
    return bytes([content_type]) + LEGACY_RECORD_VERSION + length.to_bytes(2, "big")


def split_records(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """Cut a byte string into whole records: a list of (type, header, fragment).

    Raises RecordError on a truncated record, a wrong version or an oversize
    length; an empty input gives an empty list.
    """
    data = require_bytes("data", data)
    records = []
    offset = 0
    while offset < len(data):
        header = data[offset:offset + HEADER_SIZE]
        if len(header) < HEADER_SIZE or header[1:3] != LEGACY_RECORD_VERSION:
            raise RecordError("bad record")
        length = int.from_bytes(header[3:5], "big")
        if length > MAX_CIPHERTEXT:
            raise RecordError("bad record")
        fragment = data[offset + HEADER_SIZE:offset + HEADER_SIZE + length]
        if len(fragment) != length:
            raise RecordError("bad record")
        records.append((header[0], header, fragment))
        offset += HEADER_SIZE + length
    return records


class RecordProtection:
    """One direction of protected records under one traffic secret (RFC 8446 §5.2, §7.3)."""

    def __init__(self, traffic_secret: bytes, suite: CipherSuite = TLS_AES_128_GCM_SHA256,
                 record_limit: int = RECORD_LIMIT) -> None:
        traffic_secret = require_bytes("traffic_secret", traffic_secret)
        if not isinstance(suite, CipherSuite):
            raise TypeError("suite must be a CipherSuite")
        self.suite = suite
        self.record_limit = require_int("record_limit", record_limit)
        if not 0 < self.record_limit <= 2 ** SEQUENCE_BITS - 1:
            raise ValueError("record_limit must be in 1..2^64-1")
        # Kept in bytearrays so that erase() can overwrite them (best effort).
        self._secret = bytearray(traffic_secret)
        # Key, IV and cipher are derived on first use: a connection sets up protections it
        # may never use (an in-process handshake sends nothing under the application keys).
        self._key = bytearray()
        self._iv = bytearray()
        self._aead_instance: AESGCM | None = None
        self._erased = False
        self.sequence_number = 0       # RFC 8446 §5.3: starts at 0 for each key

    def _derive(self) -> None:
        if not self._key and not self._erased:
            # RFC 8446 §7.3: [sender]_write_key and [sender]_write_iv from the secret.
            key, iv = keyschedule.traffic_key_and_iv(bytes(self._secret), self.suite.key_length,
                                                     self.suite.iv_length, self.suite.hash_name)
            self._key[:] = key
            self._iv[:] = iv

    @property
    def _aead(self) -> AESGCM:
        if self._aead_instance is None:
            self._derive()
            self._aead_instance = AESGCM(bytes(self._key))
        return self._aead_instance

    # -- values for tracing -------------------------------------------------------------
    @property
    def key(self) -> bytes:
        self._derive()
        return bytes(self._key)

    @property
    def iv(self) -> bytes:
        self._derive()
        return bytes(self._iv)

    @property
    def traffic_secret(self) -> bytes:
        return bytes(self._secret)

    # -- the per-record nonce -----------------------------------------------------------
    def nonce(self, sequence_number: int) -> bytes:
        """RFC 8446 §5.3: the 64-bit sequence number, left-padded with zeros to iv_length,
        XORed with the static write_iv."""
        sequence_number = require_int("sequence_number", sequence_number)
        if not 0 <= sequence_number < 2 ** SEQUENCE_BITS:
            raise ValueError(f"sequence_number must be in 0..2^64-1, got {sequence_number}")
        self._derive()
        padded = sequence_number.to_bytes(self.suite.iv_length, "big")
        return bytes(a ^ b for a, b in zip(self._iv, padded))

    def _next_sequence(self) -> int:
        if self._erased:
            raise RecordError("key erased")
        if self.sequence_number >= self.record_limit:
            # RFC 8446 §5.3: "the sequence number MUST NOT wrap"; §5.5: rekey first.
            raise RecordError("record limit reached: key update required")
        seq = self.sequence_number
        self.sequence_number += 1
        return seq

    @property
    def exhausted(self) -> bool:
        """True when no further record may be protected with this key (key update required)."""
        return self.sequence_number >= self.record_limit

    # -- seal / open --------------------------------------------------------------------
    def seal(self, content_type: int, content: bytes, padding: int = 0) -> bytes:
        """Protect one record: header || AEAD(TLSInnerPlaintext) (RFC 8446 §5.2)."""
        content = require_bytes("content", content)
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"unknown content type {content_type}")
        padding = require_int("padding", padding)
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        if len(content) + padding > MAX_PLAINTEXT:
            raise ValueError(f"record content plus padding too long: {len(content)} + "
                             f"{padding} > {MAX_PLAINTEXT} bytes")
        if self.exhausted:
            raise RecordError("record limit reached: key update required")
        seq = self._next_sequence()
        # RFC 8446 §5.2: TLSInnerPlaintext = content || type || zeros[length_of_padding]
        inner = content + bytes([content_type]) + bytes(padding)
        # RFC 8446 §5.2: the outer length counts the AEAD tag; additional_data = header.
        header = record_header(CONTENT_APPLICATION_DATA, len(inner) + TAG_SIZE)
        return header + self._aead.encrypt(self.nonce(seq), inner, header)

    def open(self, record: bytes) -> tuple[int, bytes]:
        """Open exactly one protected record; returns (content_type, content).

        Any defect (framing, tag, empty inner plaintext) raises RecordError and
        releases nothing; the sequence number advances only on success.
        """
        record = require_bytes("record", record)
        records = split_records(record)
        if len(records) != 1:
            raise RecordError("bad record")
        opaque_type, header, fragment = records[0]
        # RFC 8446 §5.2: the outer opaque_type is always application_data (23).
        if opaque_type != CONTENT_APPLICATION_DATA or len(fragment) < TAG_SIZE + 1:
            raise RecordError("bad record")
        if self._erased:
            raise RecordError("key erased")
        if self.exhausted:
            raise RecordError("record limit reached: key update required")
        try:
            inner = self._aead.decrypt(self.nonce(self.sequence_number), fragment, header)
        except InvalidTag:
            raise RecordError("bad record") from None
        # RFC 8446 §5.4: strip zero padding; the last non-zero byte is the content type.
        end = len(inner)
        while end > 0 and inner[end - 1] == 0:
            end -= 1
        if end == 0 or inner[end - 1] not in CONTENT_TYPES:
            raise RecordError("bad record")  # §5.4: all-zero plaintext is unexpected_message
        if len(inner) - 1 > MAX_PLAINTEXT:
            raise RecordError("bad record")  # §5.2: inner plaintext too long (record_overflow)
        self.sequence_number += 1
        return inner[end - 1], inner[:end - 1]

    # -- key update ---------------------------------------------------------------------
    def updated(self) -> "RecordProtection":
        """RFC 8446 §7.2: the next generation, from HKDF-Expand-Label(secret, "traffic upd",
        "", Hash.length); this one is erased."""
        if self._erased:
            raise RecordError("key erased")
        successor = RecordProtection(
            keyschedule.next_traffic_secret(bytes(self._secret), self.suite.hash_name),
            self.suite, self.record_limit)
        self.erase()
        return successor

    def erase(self) -> None:
        """Overwrite the secret, key and IV held here and drop the cipher (best effort:
        CPython may hold other copies; see the module docstring)."""
        for buffer in (self._secret, self._key, self._iv):
            buffer[:] = bytes(len(buffer))
        self._aead_instance = None
        self._erased = True

    def __repr__(self) -> str:
        state = "erased" if self._erased else f"seq={self.sequence_number}"
        return f"<RecordProtection {self.suite.name} {state}>"
