"""TLS 1.3 handshake messages: RFC 8446 §4 (framing §4, hellos §4.1.2-§4.1.4,
EncryptedExtensions §4.3.1, CertificateRequest §4.3.2, Certificate §4.4.2,
CertificateVerify §4.4.3, Finished §4.4.4, NewSessionTicket §4.6.1, KeyUpdate §4.6.3).

    struct {
        HandshakeType msg_type;    /* handshake type */
        uint24 length;             /* remaining bytes in message */
        select (Handshake.msg_type) { ... };
    } Handshake;

Every message is a dataclass whose fields carry the RFC's names, with `encode()` (the
whole Handshake struct, header included) and `decode(body)` side by side. `decode` takes
attacker bytes: lengths are checked before use and every defect is one HandshakeError
(decode_error unless the RFC names another alert). Decoding then encoding a message gives
back the same bytes (extensions are kept in wire order), which is how the RFC 8448 trace
is checked byte for byte.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..errors import HandshakeError
from .extensions import Extensions, decode_extensions, encode_extensions
from .wire import Reader, uint, vector

# RFC 8446 §4 / §B.3 HandshakeType.
CLIENT_HELLO = 1
SERVER_HELLO = 2
NEW_SESSION_TICKET = 4
END_OF_EARLY_DATA = 5
ENCRYPTED_EXTENSIONS = 8
CERTIFICATE = 11
CERTIFICATE_REQUEST = 13
CERTIFICATE_VERIFY = 15
FINISHED = 20
KEY_UPDATE = 24
MESSAGE_HASH = 254
MESSAGE_NAMES = {
    CLIENT_HELLO: "ClientHello", SERVER_HELLO: "ServerHello",
    NEW_SESSION_TICKET: "NewSessionTicket", END_OF_EARLY_DATA: "EndOfEarlyData",
    ENCRYPTED_EXTENSIONS: "EncryptedExtensions", CERTIFICATE: "Certificate",
    CERTIFICATE_REQUEST: "CertificateRequest", CERTIFICATE_VERIFY: "CertificateVerify",
    FINISHED: "Finished", KEY_UPDATE: "KeyUpdate", MESSAGE_HASH: "message_hash",
}

HEADER_SIZE = 4                            # msg_type (1) || uint24 length
MAX_MESSAGE_LENGTH = 2 ** 24 - 1           # uint24
RANDOM_SIZE = 32                           # opaque Random[32] (§4.1.2)
LEGACY_VERSION = 0x0303                    # §4.1.2: legacy_version = 0x0303 (TLS 1.2)
NULL_COMPRESSION = 0                       # §4.1.2: legacy_compression_methods = [0]
MAX_SESSION_ID = 32                        # opaque legacy_session_id<0..32>

# §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest").
HELLO_RETRY_REQUEST_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()
# §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 / below.
DOWNGRADE_TLS12 = b"DOWNGRD\x01"
DOWNGRADE_TLS11 = b"DOWNGRD\x00"

# §4.6.3 KeyUpdateRequest.
UPDATE_NOT_REQUESTED = 0
UPDATE_REQUESTED = 1


def handshake_message(msg_type: int, body: bytes) -> bytes:
    """Handshake = msg_type || uint24 length || body (RFC 8446 §4)."""
    return bytes([msg_type]) + uint(len(body), 3) + body


def message_hash(hash_name: str, client_hello_1: bytes) -> bytes:
    """RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced in the transcript
    by message_hash || 00 00 Hash.length || Hash(ClientHello1)."""
    digest = hashlib.new(hash_name, client_hello_1).digest()
    return handshake_message(MESSAGE_HASH, digest)


@dataclass
class ClientHello:
    """RFC 8446 §4.1.2."""
    random: bytes
    legacy_session_id: bytes
    cipher_suites: list[int]
    extensions: Extensions
    legacy_version: int = LEGACY_VERSION
    legacy_compression_methods: bytes = bytes([NULL_COMPRESSION])
    msg_type = CLIENT_HELLO

    def encode(self) -> bytes:
        body = (uint(self.legacy_version, 2) + self.random
                + vector(self.legacy_session_id, 0, MAX_SESSION_ID)
                + vector(b"".join(uint(c, 2) for c in self.cipher_suites), 2, 2 ** 16 - 2)
                + vector(self.legacy_compression_methods, 1, 2 ** 8 - 1)
                + encode_extensions(self.extensions, 8))
        return handshake_message(CLIENT_HELLO, body)

    @classmethod
    def decode(cls, body: bytes) -> "ClientHello":
        reader = Reader(body, "ClientHello")
        legacy_version = reader.uint(2)
        random = reader.take(RANDOM_SIZE)
        legacy_session_id = reader.vector(0, MAX_SESSION_ID)
        cipher_suites = reader.uint16_list(2, 2 ** 16 - 2)
        compression = reader.vector(1, 2 ** 8 - 1)
        # §4.1.2: a TLS 1.3 ClientHello always has extensions (supported_versions at least);
        # a pre-TLS 1.2 hello without them is refused as protocol_version by the server.
        extensions = decode_extensions(reader, 0) if not reader.at_end() else []
        reader.end()
        return cls(random, legacy_session_id, cipher_suites, extensions, legacy_version,
                   compression)


@dataclass
class ServerHello:
    """RFC 8446 §4.1.3 (also the HelloRetryRequest, told apart by its random)."""
    random: bytes
    legacy_session_id_echo: bytes
    cipher_suite: int
    extensions: Extensions
    legacy_version: int = LEGACY_VERSION
    legacy_compression_method: int = NULL_COMPRESSION
    msg_type = SERVER_HELLO

    @property
    def is_hello_retry_request(self) -> bool:
        return self.random == HELLO_RETRY_REQUEST_RANDOM

    def encode(self) -> bytes:
        body = (uint(self.legacy_version, 2) + self.random
                + vector(self.legacy_session_id_echo, 0, MAX_SESSION_ID)
                + uint(self.cipher_suite, 2) + uint(self.legacy_compression_method, 1)
                + encode_extensions(self.extensions, 6))
        return handshake_message(SERVER_HELLO, body)

    @classmethod
    def decode(cls, body: bytes) -> "ServerHello":
        reader = Reader(body, "ServerHello")
        legacy_version = reader.uint(2)
        random = reader.take(RANDOM_SIZE)
        session_id = reader.vector(0, MAX_SESSION_ID)
        cipher_suite = reader.uint(2)
        compression = reader.uint(1)
        # A TLS 1.2 ServerHello may have no extensions at all; the client then sees no
        # supported_versions and refuses it as protocol_version.
        extensions = decode_extensions(reader, 0) if not reader.at_end() else []
        reader.end()
        return cls(random, session_id, cipher_suite, extensions, legacy_version, compression)


@dataclass
class EncryptedExtensions:
    """RFC 8446 §4.3.1: Extension extensions<0..2^16-1>."""
    extensions: Extensions = field(default_factory=list)
    msg_type = ENCRYPTED_EXTENSIONS

    def encode(self) -> bytes:
        return handshake_message(ENCRYPTED_EXTENSIONS, encode_extensions(self.extensions))

    @classmethod
    def decode(cls, body: bytes) -> "EncryptedExtensions":
        reader = Reader(body, "EncryptedExtensions")
        extensions = decode_extensions(reader)
        reader.end()
        return cls(extensions)


@dataclass
class CertificateRequest:
    """RFC 8446 §4.3.2 (refkx never sends client certificates; see the client)."""
    certificate_request_context: bytes
    extensions: Extensions
    msg_type = CERTIFICATE_REQUEST

    def encode(self) -> bytes:
        return handshake_message(CERTIFICATE_REQUEST,
                                 vector(self.certificate_request_context, 0, 255)
                                 + encode_extensions(self.extensions, 2))

    @classmethod
    def decode(cls, body: bytes) -> "CertificateRequest":
        reader = Reader(body, "CertificateRequest")
        context = reader.vector(0, 255)
        extensions = decode_extensions(reader, 2)
        reader.end()
        return cls(context, extensions)


@dataclass
class CertificateEntry:
    """RFC 8446 §4.4.2: opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>."""
    cert_data: bytes
    extensions: Extensions = field(default_factory=list)


@dataclass
class Certificate:
    """RFC 8446 §4.4.2: certificate_request_context<0..2^8-1>;
    CertificateEntry certificate_list<0..2^24-1> (X.509 DER, leaf first)."""
    certificate_list: list[CertificateEntry]
    certificate_request_context: bytes = b""
    msg_type = CERTIFICATE

    def encode(self) -> bytes:
        entries = b"".join(vector(e.cert_data, 1, 2 ** 24 - 1) + encode_extensions(e.extensions)
                           for e in self.certificate_list)
        return handshake_message(CERTIFICATE, vector(self.certificate_request_context, 0, 255)
                                 + vector(entries, 0, 2 ** 24 - 1))

    @classmethod
    def decode(cls, body: bytes) -> "Certificate":
        reader = Reader(body, "Certificate")
        context = reader.vector(0, 255)
        entries = Reader(reader.vector(0, 2 ** 24 - 1), "Certificate")
        reader.end()
        certificate_list = []
        while not entries.at_end():
            cert_data = entries.vector(1, 2 ** 24 - 1)
            certificate_list.append(CertificateEntry(cert_data, decode_extensions(entries)))
        return cls(certificate_list, context)


@dataclass
class CertificateVerify:
    """RFC 8446 §4.4.3: SignatureScheme algorithm; opaque signature<0..2^16-1>."""
    algorithm: int
    signature: bytes
    msg_type = CERTIFICATE_VERIFY

    def encode(self) -> bytes:
        return handshake_message(CERTIFICATE_VERIFY,
                                 uint(self.algorithm, 2) + vector(self.signature, 0, 2 ** 16 - 1))

    @classmethod
    def decode(cls, body: bytes) -> "CertificateVerify":
        reader = Reader(body, "CertificateVerify")
        algorithm = reader.uint(2)
        signature = reader.vector(0, 2 ** 16 - 1)
        reader.end()
        return cls(algorithm, signature)


@dataclass
class Finished:
    """RFC 8446 §4.4.4: opaque verify_data[Hash.length]."""
    verify_data: bytes
    msg_type = FINISHED

    def encode(self) -> bytes:
        return handshake_message(FINISHED, self.verify_data)

    @classmethod
    def decode(cls, body: bytes, hash_length: int) -> "Finished":
        if len(body) != hash_length:
            raise HandshakeError("malformed Finished", "decode_error")
        return cls(bytes(body))


@dataclass
class NewSessionTicket:
    """RFC 8446 §4.6.1 (parsed and set aside: refkx does not resume sessions)."""
    ticket_lifetime: int
    ticket_age_add: int
    ticket_nonce: bytes
    ticket: bytes
    extensions: Extensions = field(default_factory=list)
    msg_type = NEW_SESSION_TICKET

    def encode(self) -> bytes:
        return handshake_message(NEW_SESSION_TICKET,
                                 uint(self.ticket_lifetime, 4) + uint(self.ticket_age_add, 4)
                                 + vector(self.ticket_nonce, 0, 255)
                                 + vector(self.ticket, 1, 2 ** 16 - 1)
                                 + encode_extensions(self.extensions))

    @classmethod
    def decode(cls, body: bytes) -> "NewSessionTicket":
        reader = Reader(body, "NewSessionTicket")
        lifetime = reader.uint(4)
        age_add = reader.uint(4)
        nonce = reader.vector(0, 255)
        ticket = reader.vector(1, 2 ** 16 - 1)
        extensions = decode_extensions(reader)
        reader.end()
        return cls(lifetime, age_add, nonce, ticket, extensions)


@dataclass
class KeyUpdate:
    """RFC 8446 §4.6.3: KeyUpdateRequest request_update (0 not requested, 1 requested)."""
    request_update: int = UPDATE_NOT_REQUESTED
    msg_type = KEY_UPDATE

    def encode(self) -> bytes:
        return handshake_message(KEY_UPDATE, uint(self.request_update, 1))

    @classmethod
    def decode(cls, body: bytes) -> "KeyUpdate":
        reader = Reader(body, "KeyUpdate")
        request_update = reader.uint(1)
        reader.end()
        if request_update not in (UPDATE_NOT_REQUESTED, UPDATE_REQUESTED):
            raise HandshakeError("malformed KeyUpdate", "illegal_parameter")  # §4.6.3
        return cls(request_update)


class HandshakeBuffer:
    """Reassembles handshake messages from record fragments (RFC 8446 §5.1: a message may
    span records, and one record may carry several). At most `max_message` bytes of one
    message are ever held: a longer announced length is refused before it is buffered."""

    def __init__(self, max_message: int) -> None:
        self.max_message = max_message
        self._data = bytearray()

    def __len__(self) -> int:
        return len(self._data)

    def add(self, fragment: bytes) -> list[tuple[int, bytes, bytes]]:
        """Append a fragment; return every complete (msg_type, body, whole message)."""
        self._data += fragment
        messages = []
        while len(self._data) >= HEADER_SIZE:
            length = int.from_bytes(self._data[1:HEADER_SIZE], "big")
            if length > self.max_message:
                raise HandshakeError("handshake message too long", "decode_error")
            if len(self._data) < HEADER_SIZE + length:
                break
            whole = bytes(self._data[:HEADER_SIZE + length])
            del self._data[:HEADER_SIZE + length]
            messages.append((whole[0], whole[HEADER_SIZE:], whole))
        if len(self._data) > self.max_message + HEADER_SIZE:
            raise HandshakeError("handshake message too long", "decode_error")
        return messages
