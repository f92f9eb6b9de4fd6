"""TLS 1.3 bytes explained field by field: (offset, field, bytes, meaning) rows for records
(RFC 8446 §5.1, §5.2) and handshake messages (§4), with the RFC's field names. For
`python -m refkx trace session` and docs/tls.md; it decodes with refkx.tls.messages, so
what it shows is what the state machines read.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from . import extensions as ext
from . import groups
from . import messages as m
from . import signatures
from .alerts import ALERT_NAMES
from .connection import CONTENT_CHANGE_CIPHER_SPEC
from .record import (CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE,
                     SUITES_BY_CODE)

Row = tuple[int, str, bytes, str]

CONTENT_NAMES = {CONTENT_CHANGE_CIPHER_SPEC: "change_cipher_spec", CONTENT_ALERT: "alert",
                 CONTENT_HANDSHAKE: "handshake", CONTENT_APPLICATION_DATA: "application_data"}
# Code points refkx does not implement, named so that a trace of a real peer reads well.
OTHER_GROUP_NAMES = {0x0017: "secp256r1", 0x0018: "secp384r1", 0x0019: "secp521r1"}
GROUP_NAMES = {**OTHER_GROUP_NAMES, **groups.GROUP_NAMES}
# Extensions refkx does not use, named for the trace (RFC 5746, 5077, 8449, 7301, ...).
OTHER_EXTENSION_NAMES = {65281: "renegotiation_info (TLS 1.2)", 35: "session_ticket (TLS 1.2)",
                         28: "record_size_limit", 16: "application_layer_protocol_negotiation",
                         11: "ec_point_formats (TLS 1.2)", 23: "extended_master_secret (TLS 1.2)",
                         22: "encrypt_then_mac (TLS 1.2)", 5: "status_request", 21: "padding",
                         18: "signed_certificate_timestamp"}
EXTENSION_NAMES = {**OTHER_EXTENSION_NAMES, **ext.EXTENSION_NAMES}
OTHER_SUITE_NAMES = {0x1303: "TLS_CHACHA20_POLY1305_SHA256 (not in refkx)",
                     0x1304: "TLS_AES_128_CCM_SHA256 (not in refkx)",
                     0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}
VERSION_NAMES = {0x0301: "TLS 1.0 (legacy)", 0x0303: "TLS 1.2 (legacy_version)",
                 0x0304: "TLS 1.3"}


def _code(value: int, table: dict, fallback: str = "unknown") -> str:
    return table.get(value, f"{fallback} 0x{value:04x}")


def record_rows(record: bytes, offset: int = 0) -> list[Row]:
    """The 5-byte record header (§5.1), then the fragment as one row."""
    content_type = record[0]
    length = int.from_bytes(record[3:5], "big")
    rows = [(offset, "ContentType type", record[:1],
             CONTENT_NAMES.get(content_type, "unknown")
             + (" (outer type of every protected record, §5.2)"
                if content_type == CONTENT_APPLICATION_DATA else "")),
            (offset + 1, "legacy_record_version", record[1:3],
             _code(int.from_bytes(record[1:3], "big"), VERSION_NAMES)),
            (offset + 3, "uint16 length", record[3:5], f"{length} bytes follow")]
    fragment = record[5:5 + length]
    if content_type == CONTENT_APPLICATION_DATA:
        rows.append((offset + 5, "encrypted_record", fragment,
                     f"AEAD(TLSInnerPlaintext), last 16 bytes the tag"))
    elif content_type == CONTENT_CHANGE_CIPHER_SPEC:
        rows.append((offset + 5, "change_cipher_spec", fragment,
                     "middlebox compatibility, ignored (Appendix D.4)"))
    elif content_type == CONTENT_ALERT:
        rows += alert_rows(fragment, offset + 5)
    else:
        rows.append((offset + 5, "fragment", fragment, "handshake message bytes"))
    return rows


def alert_rows(alert: bytes, offset: int = 0) -> list[Row]:
    if len(alert) != 2:
        return [(offset, "alert", alert, "malformed")]
    level = {1: "warning", 2: "fatal"}.get(alert[0], "unknown")
    return [(offset, "AlertLevel level", alert[:1], level),
            (offset + 1, "AlertDescription description", alert[1:],
             ALERT_NAMES.get(alert[1], "unknown"))]


def _extension_meaning(ext_type: int, data: bytes, in_client_hello: bool,
                       hello_retry: bool) -> str:
    try:
        if ext_type == ext.SERVER_NAME and data:
            return f"host_name {ext.decode_server_name(data)!r}"
        if ext_type == ext.SUPPORTED_GROUPS:
            return ", ".join(_code(c, GROUP_NAMES) for c in
                             ext.decode_code_list(data, "supported_groups"))
        if ext_type in (ext.SIGNATURE_ALGORITHMS, ext.SIGNATURE_ALGORITHMS_CERT):
            return ", ".join(_scheme(c) for c in ext.decode_code_list(data, "signatures"))
        if ext_type == ext.SUPPORTED_VERSIONS:
            if in_client_hello:
                return ", ".join(_code(v, VERSION_NAMES) for v in
                                 ext.decode_client_versions(data))
            return _code(ext.decode_selected_version(data), VERSION_NAMES)
        if ext_type == ext.KEY_SHARE:
            if in_client_hello:
                shares = ext.decode_client_shares(data)
                return "; ".join(f"{_code(g, GROUP_NAMES)}: {len(k)}-byte key_exchange"
                                 for g, k in shares) or "no shares (asks for a retry)"
            if hello_retry:
                return f"selected_group {_code(ext.decode_selected_group(data), GROUP_NAMES)}"
            group, key = ext.decode_server_share(data)
            return f"{_code(group, GROUP_NAMES)}: {len(key)}-byte key_exchange"
        if ext_type == ext.COOKIE:
            return f"{len(ext.decode_cookie(data))}-byte cookie, echoed by the client"
    except Exception:                        # a trace never fails on odd input
        return "malformed"
    return "not used by refkx (ignored)"


def _scheme(code: int) -> str:
    names = {**signatures.SCHEME_NAMES, signatures.RSA_PKCS1_SHA256: "rsa_pkcs1_sha256",
             signatures.RSA_PKCS1_SHA384: "rsa_pkcs1_sha384",
             signatures.RSA_PKCS1_SHA512: "rsa_pkcs1_sha512",
             signatures.ECDSA_SECP256R1_SHA256: "ecdsa_secp256r1_sha256",
             signatures.ED25519: "ed25519", signatures.RSA_PSS_PSS_SHA256: "rsa_pss_pss_sha256",
             0x0503: "ecdsa_secp384r1_sha384", 0x0603: "ecdsa_secp521r1_sha512",
             0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0808: "ed448",
             0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512",
             0x0202: "dsa_sha1 (TLS 1.2)", 0x0402: "dsa_sha256 (TLS 1.2)",
             0x0502: "dsa_sha384 (TLS 1.2)", 0x0602: "dsa_sha512 (TLS 1.2)"}
    return _code(code, names)


def _extension_rows(block: bytes, offset: int, in_client_hello: bool,
                    hello_retry: bool = False) -> list[Row]:
    rows = [(offset, "uint16 extensions length", block[:2],
             f"{int.from_bytes(block[:2], 'big')} bytes of extensions")]
    position = 2
    while position + 4 <= len(block):
        ext_type = int.from_bytes(block[position:position + 2], "big")
        length = int.from_bytes(block[position + 2:position + 4], "big")
        data = block[position + 4:position + 4 + length]
        name = EXTENSION_NAMES.get(ext_type, f"extension {ext_type}")
        rows.append((offset + position, f"extension_type {name}", block[position:position + 4],
                     f"type {ext_type}, {length} bytes"))
        rows.append((offset + position + 4, f"  {name} data", data,
                     _extension_meaning(ext_type, data, in_client_hello, hello_retry)))
        position += 4 + length
    return rows


def handshake_rows(message: bytes, offset: int = 0) -> list[Row]:
    """One handshake message (§4): its header, then its body field by field."""
    msg_type, length = message[0], int.from_bytes(message[1:4], "big")
    body = message[4:4 + length]
    name = m.MESSAGE_NAMES.get(msg_type, f"type {msg_type}")
    if msg_type == m.SERVER_HELLO and body[2:34] == m.HELLO_RETRY_REQUEST_RANDOM:
        name = "HelloRetryRequest"
    rows = [(offset, "HandshakeType msg_type", message[:1], name),
            (offset + 1, "uint24 length", message[1:4], f"{length} bytes of {name}")]
    o = offset + 4
    if msg_type in (m.CLIENT_HELLO, m.SERVER_HELLO):
        rows.append((o, "legacy_version", body[:2], _code(int.from_bytes(body[:2], "big"),
                                                            VERSION_NAMES)))
        random = body[2:34]
        meaning = "32 random bytes"
        if name == "HelloRetryRequest":
            meaning = 'SHA-256("HelloRetryRequest"): marks a HelloRetryRequest (§4.1.3)'
        rows.append((o + 2, "Random random", random, meaning))
        sid_len = body[34]
        rows.append((o + 34, "legacy_session_id" + ("" if msg_type == m.CLIENT_HELLO
                                                    else "_echo"), body[34:35 + sid_len],
                     f"{sid_len} bytes" + (": middlebox compatibility mode (Appendix D.4)"
                                           if sid_len else "")))
        p = 35 + sid_len
        if msg_type == m.CLIENT_HELLO:
            n = int.from_bytes(body[p:p + 2], "big")
            suites = [int.from_bytes(body[p + 2 + i:p + 4 + i], "big") for i in range(0, n, 2)]
            rows.append((o + p, "cipher_suites", body[p:p + 2 + n],
                         ", ".join(SUITES_BY_CODE[c].name if c in SUITES_BY_CODE
                                   else OTHER_SUITE_NAMES.get(c, f"0x{c:04x}")
                                   for c in suites)))
            p += 2 + n
            n = body[p]
            rows.append((o + p, "legacy_compression_methods", body[p:p + 1 + n],
                         "null only (§4.1.2)"))
            p += 1 + n
        else:
            code = int.from_bytes(body[p:p + 2], "big")
            rows.append((o + p, "CipherSuite cipher_suite", body[p:p + 2],
                         SUITES_BY_CODE[code].name if code in SUITES_BY_CODE else hex(code)))
            rows.append((o + p + 2, "legacy_compression_method", body[p + 2:p + 3], "null"))
            p += 3
        rows += _extension_rows(body[p:], o + p, msg_type == m.CLIENT_HELLO,
                                name == "HelloRetryRequest")
    elif msg_type == m.ENCRYPTED_EXTENSIONS:
        rows += _extension_rows(body, o, False)
    elif msg_type == m.CERTIFICATE:
        n = body[0]
        rows.append((o, "certificate_request_context", body[:1 + n], "empty (server)"))
        p = 1 + n
        total = int.from_bytes(body[p:p + 3], "big")
        rows.append((o + p, "uint24 certificate_list length", body[p:p + 3], f"{total} bytes"))
        p += 3
        index = 0
        while p < len(body):
            cert_len = int.from_bytes(body[p:p + 3], "big")
            rows.append((o + p, f"cert_data[{index}]", body[p:p + 3 + cert_len],
                         f"{cert_len}-byte X.509 certificate (DER)"
                         + (", the leaf" if index == 0 else "")))
            p += 3 + cert_len
            ext_len = int.from_bytes(body[p:p + 2], "big")
            rows.append((o + p, f"extensions[{index}]", body[p:p + 2 + ext_len],
                         f"{ext_len} bytes"))
            p += 2 + ext_len
            index += 1
    elif msg_type == m.CERTIFICATE_VERIFY:
        code = int.from_bytes(body[:2], "big")
        rows.append((o, "SignatureScheme algorithm", body[:2], _scheme(code)))
        rows.append((o + 2, "signature", body[2:],
                     f"{len(body) - 4}-byte signature over 64 spaces || context || 0 || "
                     "Transcript-Hash (§4.4.3)"))
    elif msg_type == m.FINISHED:
        rows.append((o, "verify_data", body, "HMAC(finished_key, Transcript-Hash) (§4.4.4)"))
    elif msg_type == m.KEY_UPDATE:
        rows.append((o, "KeyUpdateRequest request_update", body,
                     {0: "update_not_requested", 1: "update_requested"}.get(body[0], "?")
                     if body else "?"))
    elif msg_type == m.NEW_SESSION_TICKET:
        rows.append((o, "ticket fields", body, "a resumption ticket (set aside by refkx)"))
    else:
        rows.append((o, "body", body, ""))
    return rows


def split_messages(data: bytes) -> list[bytes]:
    """Consecutive handshake messages in `data` (whole ones only)."""
    out, p = [], 0
    while p + 4 <= len(data):
        n = int.from_bytes(data[p + 1:p + 4], "big")
        out.append(data[p:p + 4 + n])
        p += 4 + n
    return out
