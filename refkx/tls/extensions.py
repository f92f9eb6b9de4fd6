"""TLS 1.3 extensions: RFC 8446 §4.2 (the Extension struct and the ones refkx uses).

    struct {
        ExtensionType extension_type;
        opaque extension_data<0..2^16-1>;
    } Extension;

Each extension's extension_data has its own encode_* / decode_* pair here, side by side.
Decoders take attacker bytes and raise HandshakeError (decode_error) on any bad length.
An extension list is kept as a list of (type, data) pairs in wire order, so that a message
re-encodes byte for byte; `parse_extensions` refuses a type that appears twice (§4.2:
"There MUST NOT be more than one extension of the same type in a given extension block").

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ..errors import HandshakeError
from .wire import Reader, uint, uint16_list, vector

# RFC 8446 §4.2 ExtensionType values (and RFC 6066 server_name).
SERVER_NAME = 0
SUPPORTED_GROUPS = 10
SIGNATURE_ALGORITHMS = 13
PRE_SHARED_KEY = 41
EARLY_DATA = 42
SUPPORTED_VERSIONS = 43
COOKIE = 44
PSK_KEY_EXCHANGE_MODES = 45
SIGNATURE_ALGORITHMS_CERT = 50
KEY_SHARE = 51
EXTENSION_NAMES = {
    SERVER_NAME: "server_name", SUPPORTED_GROUPS: "supported_groups",
    SIGNATURE_ALGORITHMS: "signature_algorithms", PRE_SHARED_KEY: "pre_shared_key",
    EARLY_DATA: "early_data", SUPPORTED_VERSIONS: "supported_versions", COOKIE: "cookie",
    PSK_KEY_EXCHANGE_MODES: "psk_key_exchange_modes",
    SIGNATURE_ALGORITHMS_CERT: "signature_algorithms_cert", KEY_SHARE: "key_share",
}

TLS13 = 0x0304                 # RFC 8446 §4.2.1: supported_versions value of TLS 1.3
TLS12 = 0x0303                 # legacy_version in every TLS 1.3 hello (§4.1.2, §4.1.3)
HOST_NAME = 0                  # RFC 6066 §3 NameType host_name

Extensions = list[tuple[int, bytes]]


def encode_extensions(extensions: Extensions, floor: int = 0) -> bytes:
    """Extension extensions<floor..2^16-1>."""
    body = b"".join(uint(ext_type, 2) + vector(data, 0, 2 ** 16 - 1)
                    for ext_type, data in extensions)
    return vector(body, floor, 2 ** 16 - 1)


def decode_extensions(reader: Reader, floor: int = 0) -> Extensions:
    """The extension block at the reader's position (the whole vector is consumed)."""
    block = Reader(reader.vector(floor, 2 ** 16 - 1), reader.what)
    extensions: Extensions = []
    seen = set()
    while not block.at_end():
        ext_type = block.uint(2)
        data = block.vector(0, 2 ** 16 - 1)
        if ext_type in seen:
            raise HandshakeError(f"duplicate extension in {reader.what}", "illegal_parameter")
        seen.add(ext_type)
        extensions.append((ext_type, data))
    return extensions


def find(extensions: Extensions, ext_type: int) -> bytes | None:
    """The extension_data of `ext_type`, or None when absent."""
    for found_type, data in extensions:
        if found_type == ext_type:
            return data
    return None


def _reader(data: bytes, name: str) -> Reader:
    return Reader(data, f"{name} extension")


# --- server_name (RFC 6066 §3) ---------------------------------------------------------
def encode_server_name(host_name: str) -> bytes:
    """ServerNameList<1..2^16-1> holding one host_name entry (ASCII, RFC 6066 §3)."""
    name = host_name.encode("ascii")
    entry = bytes([HOST_NAME]) + vector(name, 1, 2 ** 16 - 1)
    return vector(entry, 1, 2 ** 16 - 1)


def decode_server_name(data: bytes) -> str | None:
    """The host_name of a ClientHello's server_name (None when no host_name entry).

    Non-ASCII names are a decode_error; other name types are skipped."""
    reader = _reader(data, "server_name")
    names = Reader(reader.vector(1, 2 ** 16 - 1), reader.what)
    reader.end()
    host_name = None
    while not names.at_end():
        name_type = names.uint(1)
        name = names.vector(1, 2 ** 16 - 1)
        if name_type == HOST_NAME:
            if host_name is not None:        # RFC 6066 §3: one name per type
                names.fail("illegal_parameter")
            if not name.isascii():
                names.fail()
            host_name = name.decode("ascii")
    return host_name


# --- supported_groups (§4.2.7), signature_algorithms(_cert) (§4.2.3) ----------------------
def encode_code_list(codes) -> bytes:
    """NamedGroup named_group_list<2..2^16-1> / SignatureScheme list<2..2^16-2>."""
    return uint16_list(codes, 2, 2 ** 16 - 2)


def decode_code_list(data: bytes, name: str) -> list[int]:
    reader = _reader(data, name)
    codes = reader.uint16_list(2, 2 ** 16 - 2)
    reader.end()
    return codes


# --- supported_versions (§4.2.1) ------------------------------------------------------
def encode_client_versions(versions) -> bytes:
    """ProtocolVersion versions<2..254> (ClientHello)."""
    return uint16_list(versions, 2, 254)


def decode_client_versions(data: bytes) -> list[int]:
    reader = _reader(data, "supported_versions")
    versions = reader.uint16_list(2, 254)
    reader.end()
    return versions


def encode_selected_version(version: int = TLS13) -> bytes:
    """ProtocolVersion selected_version (ServerHello, HelloRetryRequest)."""
    return uint(version, 2)


def decode_selected_version(data: bytes) -> int:
    reader = _reader(data, "supported_versions")
    version = reader.uint(2)
    reader.end()
    return version


# --- cookie (§4.2.2) -------------------------------------------------------------------
def encode_cookie(cookie: bytes) -> bytes:
    """opaque cookie<1..2^16-1>."""
    return vector(cookie, 1, 2 ** 16 - 1)


def decode_cookie(data: bytes) -> bytes:
    reader = _reader(data, "cookie")
    cookie = reader.vector(1, 2 ** 16 - 1)
    reader.end()
    return cookie


# --- key_share (§4.2.8) ----------------------------------------------------------------
def encode_key_share_entry(group: int, key_exchange: bytes) -> bytes:
    """KeyShareEntry: NamedGroup group; opaque key_exchange<1..2^16-1>."""
    return uint(group, 2) + vector(key_exchange, 1, 2 ** 16 - 1)


def _decode_entry(reader: Reader) -> tuple[int, bytes]:
    group = reader.uint(2)
    return group, reader.vector(1, 2 ** 16 - 1)


def encode_client_shares(shares: list[tuple[int, bytes]]) -> bytes:
    """KeyShareClientHello: KeyShareEntry client_shares<0..2^16-1>."""
    return vector(b"".join(encode_key_share_entry(g, k) for g, k in shares), 0, 2 ** 16 - 1)


def decode_client_shares(data: bytes) -> list[tuple[int, bytes]]:
    """The client's KeyShareEntry list; a group twice is illegal_parameter (§4.2.8)."""
    reader = _reader(data, "key_share")
    entries = Reader(reader.vector(0, 2 ** 16 - 1), reader.what)
    reader.end()
    shares = []
    while not entries.at_end():
        shares.append(_decode_entry(entries))
    if len({group for group, _ in shares}) != len(shares):
        raise HandshakeError("key_share offers a group twice", "illegal_parameter")
    return shares


def decode_server_share(data: bytes) -> tuple[int, bytes]:
    """KeyShareServerHello: KeyShareEntry server_share."""
    reader = _reader(data, "key_share")
    entry = _decode_entry(reader)
    reader.end()
    return entry


def encode_selected_group(group: int) -> bytes:
    """KeyShareHelloRetryRequest: NamedGroup selected_group."""
    return uint(group, 2)


def decode_selected_group(data: bytes) -> int:
    reader = _reader(data, "key_share")
    group = reader.uint(2)
    reader.end()
    return group
