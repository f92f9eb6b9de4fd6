"""Lesson `replay`: a recorded protected record sent again.

The failure: a record layer that authenticates each record on its own. Here every record
carries its own random nonce (as TLS 1.2's AES-GCM records carry an explicit nonce), and the
receiver opens whatever authenticates. A recorded record is then as good the second time
as the first: the attacker cannot read or change it, but can make it happen again ("pay
Mallory 10" paid three times). RFC 8446 §5.3 and §8 (0-RTT replay), and in general any
protocol text on "replay protection", describe the attack.

refkx's records (refkx/tls/record.py, RFC 8446 §5.3) have no nonce on the wire: both sides
count records, the receiver's count goes into the nonce, and a record sent again is opened
with the next number's nonce, fails its tag (bad_record_mac) and kills the connection
(refkx/tls/connection.py).

The weak record layer below exists only in this lesson. CPython integers are not
constant-time: refkx teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import secrets

from ...errors import HandshakeError, InvalidTag
from ...gcm import AESGCM, NONCE_SIZE, TAG_SIZE
from ...tls.record import CONTENT_APPLICATION_DATA, HEADER_SIZE, record_header
from ...tls import Client
from . import tlskit
from .narrate import Narrator, Outcome

NAME = "replay"
SUMMARY = "a recorded record sent again: accepted without sequence numbers"

PAYMENT = b"PAY mallory 10 EUR"
REPLAYS = 2                        # how many extra copies Mallory sends


class NoSequenceRecords:
    """The weak layer: record = header || nonce || AES-GCM(content), header as AAD; the
    nonce is random per record and travels with it; the receiver keeps no count."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, content: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_SIZE)
        header = record_header(CONTENT_APPLICATION_DATA, NONCE_SIZE + len(content) + TAG_SIZE)
        return header + nonce + self._aead.encrypt(nonce, content, header)

    def open(self, record: bytes) -> bytes:
        header, nonce = record[:HEADER_SIZE], record[HEADER_SIZE:HEADER_SIZE + NONCE_SIZE]
        return self._aead.decrypt(nonce, record[HEADER_SIZE + NONCE_SIZE:], header)


def against_weak() -> dict:
    """Alice pays once; Mallory sends the recorded record REPLAYS more times."""
    key = AESGCM.generate_key(128)
    alice, bank = NoSequenceRecords(key), NoSequenceRecords(key)
    record = alice.seal(PAYMENT)
    executed = []
    for _ in range(1 + REPLAYS):            # the original, then Mallory's copies
        try:
            executed.append(bank.open(record))
        except InvalidTag:
            break
    return {"record": record, "executed": executed}


def against_refkx() -> dict:
    """The same replay against refkx.tls: a pinned TLS 1.3 connection."""
    identity = tlskit.server_identity(None)
    alice = Client(tlskit.HOST, pins=[identity.pin])
    bank = tlskit.server(identity)
    if not tlskit.run_handshake(alice, bank).completed:
        raise RuntimeError("the honest handshake failed")
    alice.send(PAYMENT)
    record = alice.data_to_send()
    executed, refused, alert = [tlskit.application_data(bank, record)], False, None
    try:
        executed.append(tlskit.application_data(bank, record))    # Mallory's copy
    except HandshakeError as exc:
        refused, alert = True, exc.alert
    # The refusal killed the connection: Alice's next genuine record is not read either.
    try:
        alice.send(b"hello?")
        tlskit.application_data(bank, alice.data_to_send())
        connection_dead = False
    except (HandshakeError, ValueError):
        connection_dead = True
    return {"record": record, "executed": executed, "refused": refused, "alert": alert,
            "connection_dead": connection_dead}


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("replay: a recorded record, sent again")
    if full:
        story.point("(--full: this lesson has one size)")

    story.part("The weak record layer: a random nonce in every record, no count")
    weak = against_weak()
    story.step("Alice pays Mallory once; Mallory, on the network, records the record")
    story.value("the record (header|nonce|C|T)", weak["record"])
    story.step(f"Mallory sends the same bytes {REPLAYS} more times")
    for n, content in enumerate(weak["executed"], start=1):
        story.point(f"the bank opens copy {n}: {content.decode()!r}  -> executed")
    weak_broken = weak["executed"] == [PAYMENT] * (1 + REPLAYS)
    story.point(f"Mallory was paid {len(weak['executed'])} times; she never knew the key.")

    story.part("refkx: the receiver's sequence number is part of the nonce (RFC 8446 §5.3)")
    ours = against_refkx()
    story.step("Alice pays Mallory once over a refkx.tls connection (TLS 1.3, pinned)")
    story.value("the record (header|C|T)", ours["record"])
    story.point(f"the bank opens record 0: {ours['executed'][0].decode()!r}  -> executed")
    story.step("Mallory sends the same bytes again")
    story.point("the bank opens it as record 1: nonce = write_iv XOR 1, not XOR 0;")
    story.point("the tag fails: " + (f"REFUSED (HandshakeError, alert {ours['alert']})"
                                    if ours["refused"] else "!! accepted"))
    dead = ours["connection_dead"]
    story.point("and the connection is dead: " + ("Alice's next record is not read either"
                                                  if dead else "!! still alive"))
    refkx_held = ours["executed"] == [PAYMENT] and ours["refused"] and ours["connection_dead"]

    story.moral("Authenticating each record is not enough: the receiver must also know",
                "which record it expects. TLS 1.3 sends no nonce at all; both ends count",
                "records and the count is in the nonce, so a replayed, dropped or",
                "reordered record fails authentication.")
    return Outcome(weak_broken, refkx_held,
                   f"one payment executed {len(weak['executed'])} times",
                   "the copy refused with bad_record_mac, connection closed",
                   facts={"weak": weak, "refkx": ours})
