"""What the TLS lessons share: certificates made on the spot, an in-memory network between
refkx.tls Clients and Servers (sans-I/O: the lesson carries the bytes, and a man in the
middle may edit them), and record parsing for what an attacker sees on the wire.

The keys are fresh RSA-2048 keys from refkx.rsa (one per role and process) and the
certificates come from refkx.x509.issue_certificate; nothing is read from or written to
disk. CPython integers are
not constant-time: refkx teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from ... import x509
from ...errors import HandshakeError
from ...rsa import RSAPrivateKey, generate_private_key
from ...tls import Client, Server
from ...tls.keyschedule import KeySchedule, transcript_hash
from ...tls.messages import CLIENT_HELLO, FINISHED, SERVER_HELLO, ClientHello, ServerHello
from ...tls.record import (CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE, HEADER_SIZE,
                           SUITES_BY_CODE, RecordProtection)

IDENTITY_BITS = 2048
HOST = "bank.example"
DAY = datetime.timedelta(days=1)
HANDSHAKE_HEADER = 4                  # msg_type || uint24 length (RFC 8446 §4)
MAX_FLIGHTS = 10                      # a handshake needs 3 or 4; this bounds the loop


@dataclass
class Identity:
    key: RSAPrivateKey
    certificate: x509.Certificate

    @property
    def pin(self) -> str:
        return self.certificate.spki_pin()


@lru_cache(maxsize=None)
def key_for(role: str) -> RSAPrivateKey:
    """One fresh RSA-2048 key per role ("ca", "server", "mallory") and process: lessons
    that run in one process (the tests) share them; every new process draws new ones."""
    return generate_private_key(key_size=IDENTITY_BITS)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def certificate_authority(name: str = "CN=Lesson Root CA") -> Identity:
    key = key_for("ca")
    return Identity(key, x509.issue_certificate(key, key, name, ca=True,
                                                not_before=now() - 365 * DAY,
                                                not_after=now() + 3650 * DAY))


def server_identity(ca: Identity | None, host: str = HOST, *, not_before=None,
                    not_after=None, key: RSAPrivateKey | None = None) -> Identity:
    """A leaf for `host`, issued by `ca` (self-signed when ca is None); the key defaults to
    the server's."""
    key = key or key_for("server")
    certificate = x509.issue_certificate(
        key, ca.key if ca else key, f"CN={host}",
        issuer_certificate=ca.certificate if ca else None, dns_names=[host],
        not_before=not_before or now() - DAY, not_after=not_after or now() + 90 * DAY)
    return Identity(key, certificate)


def server(identity: Identity, **options) -> Server:
    return Server([identity.certificate.der], identity.key, **options)


@dataclass
class Handshake:
    """How a handshake over the in-memory network ended."""
    completed: bool
    failed_side: str | None = None        # "client" or "server"
    alert: str | None = None
    reason: str | None = None


def run_handshake(client: Client, server: Server, *, edit_to_server=None,
                  edit_to_client=None) -> Handshake:
    """Carry the flights between client and server until both are connected or one side
    fails; `edit_to_server(bytes) -> bytes` / `edit_to_client` play a man in the middle."""
    client.start()
    to_server = client.data_to_send()
    for _ in range(MAX_FLIGHTS):
        if edit_to_server:
            to_server = edit_to_server(to_server)
        try:
            server.receive(to_server)
        except HandshakeError as exc:
            return Handshake(False, "server", exc.alert, str(exc))
        if client.handshake_complete and server.handshake_complete:
            return Handshake(True)
        to_client = server.data_to_send()
        if edit_to_client:
            to_client = edit_to_client(to_client)
        try:
            client.receive(to_client)
        except HandshakeError as exc:
            return Handshake(False, "client", exc.alert, str(exc))
        to_server = client.data_to_send()
    return Handshake(False, None, None, f"no result after {MAX_FLIGHTS} flights")


def application_data(receiver, data: bytes) -> bytes:
    """Feed records to a connected endpoint; the application bytes it releases."""
    events = receiver.receive(data)
    return b"".join(e.data for e in events if hasattr(e, "data"))


def split_records(data: bytes) -> list[tuple[int, bytes]]:
    """(content type, whole record) for each TLS record in `data`."""
    records, offset = [], 0
    while offset + HEADER_SIZE <= len(data):
        length = int.from_bytes(data[offset + 3:offset + 5], "big")
        records.append((data[offset], data[offset:offset + HEADER_SIZE + length]))
        offset += HEADER_SIZE + length
    return records


def plaintext_record(content_type: int, fragment: bytes, version: bytes) -> bytes:
    """A record in the clear: ContentType || legacy_record_version || length || fragment."""
    return bytes([content_type]) + version + len(fragment).to_bytes(2, "big") + fragment


# --- what a passive attacker does with a recording and the shared secret ---------------------

@dataclass
class RecordedHellos:
    client_message: bytes                 # the whole ClientHello handshake message
    server_message: bytes
    client: ClientHello
    server: ServerHello


def _records(recording):
    return [(direction, content_type, record) for direction, data in recording
            for content_type, record in split_records(data)]


def recorded_hellos(recording) -> RecordedHellos:
    """The ClientHello and ServerHello of a recording [(direction, bytes)] (no HRR)."""
    plain = [(d, r[HEADER_SIZE:]) for d, t, r in _records(recording) if t == CONTENT_HANDSHAKE]
    client = next(f for d, f in plain if d == "client->server" and f[0] == CLIENT_HELLO)
    server = next(f for d, f in plain if d == "server->client" and f[0] == SERVER_HELLO)
    return RecordedHellos(client, server, ClientHello.decode(client[HANDSHAKE_HEADER:]),
                          ServerHello.decode(server[HANDSHAKE_HEADER:]))


def _messages(data: bytes) -> list[bytes]:
    """Whole handshake messages (header included) in concatenated handshake data."""
    out, offset = [], 0
    while offset + HANDSHAKE_HEADER <= len(data):
        length = int.from_bytes(data[offset + 1:offset + 4], "big")
        out.append(data[offset:offset + HANDSHAKE_HEADER + length])
        offset += HANDSHAKE_HEADER + length
    return out


def decrypt_recording(recording, shared_secret: bytes) -> list[tuple[str, bytes]]:
    """RFC 8446 §7.1 replayed from recorded bytes: with the (EC)DHE/KEM shared secret, the
    handshake keys over Transcript-Hash(ClientHello, ServerHello), the server's encrypted
    flight opened and hashed up to its Finished, the application keys, and every
    application record: [(direction, plaintext)]."""
    hellos = recorded_hellos(recording)
    suite = SUITES_BY_CODE[hellos.server.cipher_suite]
    schedule = KeySchedule(suite.hash_name)
    transcript = [hellos.client_message, hellos.server_message]
    schedule.handshake(shared_secret, transcript_hash(*transcript, hash_name=suite.hash_name))
    readers = {"server->client": RecordProtection(schedule.server_handshake_traffic_secret,
                                                  suite),
               "client->server": RecordProtection(schedule.client_handshake_traffic_secret,
                                                  suite)}
    in_handshake = {"server->client": True, "client->server": True}
    plaintexts = []
    for direction, content_type, record in _records(recording):
        if content_type != CONTENT_APPLICATION_DATA:
            continue                      # hellos, change_cipher_spec (Appendix D.4)
        inner_type, content = readers[direction].open(record)
        if in_handshake[direction] and inner_type == CONTENT_HANDSHAKE:
            for message in _messages(content):
                if direction == "server->client":
                    transcript.append(message)
                if message[0] != FINISHED:
                    continue
                in_handshake[direction] = False
                if direction == "server->client":
                    schedule.master(transcript_hash(*transcript, hash_name=suite.hash_name))
                readers[direction] = RecordProtection(
                    schedule.server_application_traffic_secret_0
                    if direction == "server->client"
                    else schedule.client_application_traffic_secret_0, suite)
        elif inner_type == CONTENT_APPLICATION_DATA:
            plaintexts.append((direction, content))
    return plaintexts


class Recorder:
    """Edit functions for run_handshake that keep a copy of every flight."""

    def __init__(self) -> None:
        self.recording: list[tuple[str, bytes]] = []

    def to_server(self, data: bytes) -> bytes:
        self.recording.append(("client->server", data))
        return data

    def to_client(self, data: bytes) -> bytes:
        self.recording.append(("server->client", data))
        return data
