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
from ...tls.record import HEADER_SIZE

IDENTITY_BITS = 2048
HOST = "bank.example"
DAY = datetime.timedelta(days=1)
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
    return generate_private_key(IDENTITY_BITS)


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
