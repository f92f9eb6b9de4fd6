"""Vectors for the TLS 1.3 key schedule and record protection: RFC 8448 §3.

RFC 8448 §3 ("Simple 1-RTT Handshake") traces a TLS_AES_128_GCM_SHA256 / X25519
handshake with every intermediate value. vectors/tls13/rfc8448-section3.json holds
the values transcribed from the RFC, each with the trace line it comes from. Every
case below recomputes a value from the trace's INPUTS (the X25519 keys and the
handshake messages, hashed here) through refkx.tls.keyschedule, refkx.x25519,
refkx.gcm and refkx.tls.record, and compares it with the trace.
"""

from __future__ import annotations

import json
from functools import lru_cache

from ..tls import keyschedule as ks
from . import Case, vector_path

SOURCE = "RFC 8448 §3 (TLS 1.3 key schedule, simple 1-RTT)"
HASH = "sha256"          # TLS_AES_128_GCM_SHA256
KEY_LENGTH = 16
IV_LENGTH = 12


@lru_cache(maxsize=None)
def trace() -> dict[str, bytes]:
    """name -> bytes, from the transcribed trace."""
    with open(vector_path("tls13", "rfc8448-section3.json"), encoding="utf-8") as f:
        raw = json.load(f)
    return {name: bytes.fromhex(entry["hex"]) for name, entry in raw.items()
            if not name.startswith("_")}


def _hash(*names: str) -> bytes:
    t = trace()
    return ks.transcript_hash(*(t[n] for n in names), hash_name=HASH)


# The handshake messages in transcript order (RFC 8446 §4.4.1).
HELLOS = ("client_hello", "server_hello")
SERVER_FLIGHT = ("encrypted_extensions", "certificate", "certificate_verify")


def _schedule(shared_secret: bytes | None = None) -> ks.KeySchedule:
    """The whole schedule, driven by the trace's hashed messages and its shared secret (or the
    one given)."""
    t = trace()
    schedule = ks.KeySchedule(HASH)
    schedule.handshake(t["shared_secret"] if shared_secret is None else shared_secret,
                       _hash(*HELLOS))
    schedule.master(_hash(*HELLOS, *SERVER_FLIGHT, "server_finished"))
    schedule.resumption(_hash(*HELLOS, *SERVER_FLIGHT, "server_finished", "client_finished"))
    return schedule


def _equal(case_id: str, got: bytes, want_name: str) -> None:
    want = trace()[want_name]
    assert got == want, f"{case_id}: {want_name} {got.hex()} != {want.hex()}"


def _check(case_id: str, compute, want_name: str) -> Case:
    def run() -> None:
        _equal(case_id, compute(), want_name)
    return Case(SOURCE, case_id, run)


def _x25519_shared_secret() -> bytes:
    from ..x25519 import X25519PrivateKey, X25519PublicKey

    t = trace()
    client = X25519PrivateKey.from_private_bytes(t["client_private_key"])
    server = X25519PrivateKey.from_private_bytes(t["server_private_key"])
    assert client.public_key().public_bytes_raw() == t["client_public_key"]
    assert server.public_key().public_bytes_raw() == t["server_public_key"]
    # Both directions give the same secret (RFC 7748 §6.1).
    from_server = server.exchange(X25519PublicKey.from_public_bytes(t["client_public_key"]))
    from_client = client.exchange(X25519PublicKey.from_public_bytes(t["server_public_key"]))
    assert from_server == from_client
    return from_client


# Traffic secrets whose write key and IV RFC 8448 §3 prints, in the order it prints them.
TRAFFIC_SECRETS = (("server handshake", "server_handshake_traffic_secret"),
                   ("client handshake", "client_handshake_traffic_secret"),
                   ("server application", "server_application_traffic_secret_0"),
                   ("client application", "client_application_traffic_secret_0"))


def schedule_trace() -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """The RFC 8446 §7.1 key schedule on RFC 8448 §3's inputs, as `python -m refkx trace
    session` prints it: (every value in the order the schedule derives it, the traffic keys and
    IVs). The shared secret is computed with refkx.x25519 from the RFC's private keys."""
    schedule = _schedule(_x25519_shared_secret())
    values = list(schedule.values)
    # resumption() does not record its transcript hash; show it before the secret
    values.insert(len(values) - 1, ("transcript_hash_client_hello..client_finished",
                                    _hash(*HELLOS, *SERVER_FLIGHT, "server_finished",
                                          "client_finished")))
    keys = []
    for who, name in TRAFFIC_SECRETS:
        key, iv = ks.traffic_key_and_iv(getattr(schedule, name), KEY_LENGTH, IV_LENGTH, HASH)
        keys += [(f"{who} write key", key), (f"{who} write iv", iv)]
    return values, keys


def _keys(secret_name: str, part: int):
    return lambda: ks.traffic_key_and_iv(trace()[secret_name], KEY_LENGTH, IV_LENGTH, HASH)[part]


def _decrypt_server_flight() -> None:
    """Open the server's first protected record with refkx.gcm.AESGCM directly."""
    from ..gcm import AESGCM

    t = trace()
    key, iv = ks.traffic_key_and_iv(t["server_handshake_traffic_secret"], KEY_LENGTH,
                                    IV_LENGTH, HASH)
    record = t["server_handshake_record"]
    header, ciphertext = record[:5], record[5:]
    assert header == bytes([23, 3, 3]) + len(ciphertext).to_bytes(2, "big")
    nonce = bytes(a ^ b for a, b in zip(iv, (0).to_bytes(IV_LENGTH, "big")))  # seq 0, §5.3
    inner = AESGCM(key).decrypt(nonce, ciphertext, header)                    # AAD = header
    # TLSInnerPlaintext: EncryptedExtensions..Finished || ContentType handshake (22).
    expected = b"".join(t[n] for n in (*SERVER_FLIGHT, "server_finished")) + bytes([22])
    assert inner == expected, "rfc8448-3-server-flight-decrypt: plaintext differs"
    # ... and a changed byte of the header (the AAD) must fail.
    from ..errors import InvalidTag
    try:
        AESGCM(key).decrypt(nonce, ciphertext, bytes([23, 3, 1]) + header[3:])
    except InvalidTag:
        pass
    else:
        raise AssertionError("tampered AAD was accepted")


def _record_layer_round_trip() -> None:
    """The same record through refkx.tls.record: it opens, and sealing the plaintext again
    (sequence number 0, no padding) reproduces the trace's record byte for byte."""
    from ..tls.record import CONTENT_HANDSHAKE, TLS_AES_128_GCM_SHA256, RecordProtection

    t = trace()
    secret = t["server_handshake_traffic_secret"]
    content_type, content = RecordProtection(secret, TLS_AES_128_GCM_SHA256).open(
        t["server_handshake_record"])
    assert content_type == CONTENT_HANDSHAKE
    assert content == b"".join(t[n] for n in (*SERVER_FLIGHT, "server_finished"))
    resealed = RecordProtection(secret, TLS_AES_128_GCM_SHA256).seal(CONTENT_HANDSHAKE, content)
    assert resealed == t["server_handshake_record"], "re-sealed record differs"


# The protected records RFC 8448 §3 prints after the server's first flight, per traffic
# secret in the order each sender sends them (sequence numbers 0, 1, 2, ...; RFC 8446 §5.3):
# (case id, record, inner content type, plaintext).
LATER_RECORDS = (
    ("client_handshake_traffic_secret",
     (("client-finished", "client_finished_record", 22, "client_finished"),)),
    ("server_application_traffic_secret_0",
     (("new-session-ticket", "new_session_ticket_record", 22, "new_session_ticket"),
      ("server-application-data", "server_application_data_record", 23, "application_data"),
      ("server-close-notify", "server_alert_record", 21, "close_notify_alert"))),
    ("client_application_traffic_secret_0",
     (("client-application-data", "client_application_data_record", 23, "application_data"),
      ("client-close-notify", "client_alert_record", 21, "close_notify_alert"))),
)


def _later_record(secret_name: str, index: int) -> None:
    """Record `index` of one sender (LATER_RECORDS) through refkx.tls.record: after the
    sender's earlier records it opens to the trace's plaintext and content type, sealing that
    plaintext again at the same sequence number reproduces the record byte for byte, and the
    record with one ciphertext byte changed is refused first, without moving the reader on."""
    from ..tls.record import TLS_AES_128_GCM_SHA256, RecordError, RecordProtection

    t = trace()
    records = dict(LATER_RECORDS)[secret_name]
    reader = RecordProtection(t[secret_name], TLS_AES_128_GCM_SHA256)
    writer = RecordProtection(t[secret_name], TLS_AES_128_GCM_SHA256)
    for _, record_name, content_type, plaintext_name in records[:index + 1]:
        record, plaintext = t[record_name], t[plaintext_name]
        tampered = bytearray(record)
        tampered[-20] ^= 0x01
        try:
            reader.open(bytes(tampered))
        except RecordError:
            pass
        else:
            raise AssertionError(f"{record_name}: a changed ciphertext byte was accepted")
        # the refusal left the reader's sequence number alone: the real record still opens
        assert reader.open(record) == (content_type, plaintext), f"{record_name}: opens wrong"
        assert writer.seal(content_type, plaintext) == record, f"{record_name}: reseal differs"


def cases():
    t = trace

    yield _check("rfc8448-3-x25519-shared-secret", _x25519_shared_secret, "shared_secret")
    yield _check("rfc8448-3-early-secret", lambda: _schedule().early_secret, "early_secret")
    yield _check("rfc8448-3-empty-hash", lambda: ks.empty_hash(HASH), "empty_hash")
    yield _check("rfc8448-3-derived-for-handshake",
                 lambda: dict(_schedule().values)["derived_from_early_secret"],
                 "derived_for_handshake")
    yield _check("rfc8448-3-handshake-secret", lambda: _schedule().handshake_secret,
                 "handshake_secret")
    yield _check("rfc8448-3-transcript-hash-ch-sh", lambda: _hash(*HELLOS),
                 "hash_client_hello_server_hello")
    yield _check("rfc8448-3-hkdf-label-c-hs-traffic",
                 lambda: ks.hkdf_label(ks.LABEL_C_HS_TRAFFIC, _hash(*HELLOS), 32),
                 "c_hs_traffic_info")
    yield _check("rfc8448-3-hkdf-label-key", lambda: ks.hkdf_label(ks.LABEL_KEY, b"", 16),
                 "key_info")
    yield _check("rfc8448-3-hkdf-label-iv", lambda: ks.hkdf_label(ks.LABEL_IV, b"", 12),
                 "iv_info")
    yield _check("rfc8448-3-c-hs-traffic",
                 lambda: ks.derive_secret(t()["handshake_secret"], ks.LABEL_C_HS_TRAFFIC,
                                          _hash(*HELLOS), HASH),
                 "client_handshake_traffic_secret")
    yield _check("rfc8448-3-s-hs-traffic",
                 lambda: _schedule().server_handshake_traffic_secret,
                 "server_handshake_traffic_secret")
    yield _check("rfc8448-3-derived-for-master",
                 lambda: dict(_schedule().values)["derived_from_handshake_secret"],
                 "derived_for_master")
    yield _check("rfc8448-3-master-secret", lambda: _schedule().master_secret, "master_secret")
    yield _check("rfc8448-3-server-handshake-write-key",
                 _keys("server_handshake_traffic_secret", 0), "server_handshake_write_key")
    yield _check("rfc8448-3-server-handshake-write-iv",
                 _keys("server_handshake_traffic_secret", 1), "server_handshake_write_iv")
    yield _check("rfc8448-3-client-handshake-write-key",
                 _keys("client_handshake_traffic_secret", 0), "client_handshake_write_key")
    yield _check("rfc8448-3-client-handshake-write-iv",
                 _keys("client_handshake_traffic_secret", 1), "client_handshake_write_iv")
    yield _check("rfc8448-3-server-finished-key",
                 lambda: ks.finished_key(t()["server_handshake_traffic_secret"], HASH),
                 "server_finished_key")
    yield _check("rfc8448-3-server-finished",
                 lambda: ks.finished_verify_data(t()["server_handshake_traffic_secret"],
                                                 _hash(*HELLOS, *SERVER_FLIGHT), HASH),
                 "server_finished_verify_data")
    yield _check("rfc8448-3-transcript-hash-ch-sf",
                 lambda: _hash(*HELLOS, *SERVER_FLIGHT, "server_finished"),
                 "hash_client_hello_server_finished")
    yield _check("rfc8448-3-c-ap-traffic",
                 lambda: _schedule().client_application_traffic_secret_0,
                 "client_application_traffic_secret_0")
    yield _check("rfc8448-3-s-ap-traffic",
                 lambda: _schedule().server_application_traffic_secret_0,
                 "server_application_traffic_secret_0")
    yield _check("rfc8448-3-exp-master", lambda: _schedule().exporter_master_secret,
                 "exporter_master_secret")
    yield _check("rfc8448-3-server-application-write-key",
                 _keys("server_application_traffic_secret_0", 0), "server_application_write_key")
    yield _check("rfc8448-3-server-application-write-iv",
                 _keys("server_application_traffic_secret_0", 1), "server_application_write_iv")
    yield _check("rfc8448-3-client-finished-key",
                 lambda: ks.finished_key(t()["client_handshake_traffic_secret"], HASH),
                 "client_finished_key")
    yield _check("rfc8448-3-client-finished",
                 lambda: ks.finished_verify_data(
                     t()["client_handshake_traffic_secret"],
                     _hash(*HELLOS, *SERVER_FLIGHT, "server_finished"), HASH),
                 "client_finished_verify_data")
    yield _check("rfc8448-3-client-application-write-key",
                 _keys("client_application_traffic_secret_0", 0), "client_application_write_key")
    yield _check("rfc8448-3-client-application-write-iv",
                 _keys("client_application_traffic_secret_0", 1), "client_application_write_iv")
    yield _check("rfc8448-3-res-master", lambda: _schedule().resumption_master_secret,
                 "resumption_master_secret")
    yield Case(SOURCE, "rfc8448-3-server-flight-decrypt", _decrypt_server_flight)
    yield Case(SOURCE, "rfc8448-3-server-flight-record-layer", _record_layer_round_trip)
    for secret_name, records in LATER_RECORDS:
        for index, (case_id, *_rest) in enumerate(records):
            yield Case(SOURCE, f"rfc8448-3-{case_id}-record",
                       lambda s=secret_name, i=index: _later_record(s, i))
