"""Lesson `forward-secrecy`: record now, steal the server's key later.

The failure: "reused keys that expand the blast radius". With RSA key transport the
session's secret is encrypted to the server's long-term key, so whoever obtains that key
later (a stolen backup, a subpoena) decrypts every recorded session. With an ephemeral key
exchange the long-term key only signs; the secret came from key pairs that were erased when
the handshake ended. RFC 8446 §1.2 (static RSA and DH cipher suites removed) and §E.1
(forward secrecy); Diffie, van Oorschot, Wiener, "Authentication and authenticated key
exchanges" (1992), who named the property.

The weak variant is refkx's session over rsa2048-oaep key transport (refkx/session.py keeps
it to show exactly this; `forward_secrecy` is False for it in refkx.kem); refkx as it is
runs an ephemeral x25519 exchange, and the same stolen key opens nothing
(`decrypt_recorded` in refkx/session.py raises).

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ... import session
from ...errors import DecryptionError, InvalidKey, RefkxError
from ...kem import KEMS
from ...record import CONTENT_APPLICATION_DATA, RecordProtection, split_records
from ...rsa import generate_private_key
from .narrate import Narrator, Outcome, short

NAME = "forward-secrecy"
SUMMARY = "record now, steal the key later: RSA key transport vs an ephemeral exchange"

TRANSPORT, EPHEMERAL = "rsa2048-oaep", "x25519"
IDENTITY_BITS = 2048
MESSAGES = (b"launch code: 0000", b"meet at the usual place")


def record_session(kem_name: str, identity) -> list[tuple[str, bytes]]:
    """Run a session and return the wire recording: [(direction, bytes)] in order."""
    client = session.Client(kem=kem_name, server_key=identity.public_key())
    server = session.Server(identity=identity, kems=[kem_name])
    server.complete(client.finish(server.respond(client.hello())))
    for message in MESSAGES:
        server.open(client.seal(message))
        client.open(server.seal(b"ok: " + message))
    server.open(client.close())
    return [("client->server" if direction == "sent" else "server->client", data)
            for direction, _, data in client.wire]


def decrypt_recording(recording, leaked_key, say=None) -> list[tuple[str, bytes]]:
    """What Eve does with a recording and the server's leaked RSA private key.

    Raises (DecryptionError / InvalidKey) at the step where the attack fails."""
    say = say or (lambda text: None)
    client_hello = recording[0][1]
    (_, _, hello_message), = split_records(client_hello)
    _, _, kem_name, key_share = session.parse_hello(hello_message)
    say(f"recorded ClientHello: KEM {kem_name}, key share {short(key_share)}")
    say("step 1: recover the shared secret from the key share with the leaked RSA key")
    shared = KEMS[TRANSPORT].decapsulate(key_share, leaked_key)     # fails for a DH share
    say(f"  -> shared secret {short(shared)}")
    say("step 2: rerun the key schedule; open the server's encrypted flight")
    suite, schedule = session.recorded_key_schedule(client_hello, recording[1][1], shared)
    say(f"  -> client_application_traffic_secret_0 "
        f"{short(schedule.client_application_traffic_secret_0)}")
    say("step 3: decrypt every recorded application record")
    readers = {"client->server": RecordProtection(schedule.client_application_traffic_secret_0,
                                                  suite),
               "server->client": RecordProtection(schedule.server_application_traffic_secret_0,
                                                  suite)}
    plaintexts = []
    for direction, data in recording[3:]:          # after ClientHello, server flight, Finished
        for _, header, fragment in split_records(data):
            content_type, content = readers[direction].open(header + fragment)
            if content_type == CONTENT_APPLICATION_DATA:
                plaintexts.append((direction, content))
    return plaintexts


def attempt(recording, leaked_key, say=None) -> dict:
    try:
        return {"read": decrypt_recording(recording, leaked_key, say), "failure": None}
    except (DecryptionError, InvalidKey, RefkxError, ValueError) as exc:
        return {"read": [], "failure": type(exc).__name__}


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("forward-secrecy: record now, steal the key later")
    if full:
        story.point("(--full: this lesson has one size)")
    story.step(f"The server's long-term identity (RSA-{IDENTITY_BITS}, fresh)")
    identity = generate_private_key(IDENTITY_BITS)
    recordings = {}
    for kem_name in (TRANSPORT, EPHEMERAL):
        story.step(f"Eve records a session that uses {kem_name}")
        recordings[kem_name] = record_session(kem_name, identity)
        total = sum(len(d) for _, d in recordings[kem_name])
        story.point(f"{len(recordings[kem_name])} wire messages, {total} bytes, all ciphertext "
                    "to Eve for now.")
    story.say()
    story.say("Years later the server's RSA private key leaks (a stolen backup, a subpoena).")

    story.part(f"The weak variant: {TRANSPORT} key transport")
    story.step(f"Eve decrypts the {TRANSPORT} recording with the leaked key")
    weak = attempt(recordings[TRANSPORT], identity, story.point)
    for direction, text in weak["read"]:
        story.point(f"EVE READS ({direction}): {text.decode()}")
    weak_broken = [t for d, t in weak["read"] if d == "client->server"] == list(MESSAGES)

    story.part(f"refkx as it is: an ephemeral {EPHEMERAL} exchange, the RSA key only signs")
    story.step(f"Eve decrypts the {EPHEMERAL} recording with the leaked key")
    ours = attempt(recordings[EPHEMERAL], identity, story.point)
    if ours["failure"]:
        story.point(f"-> FAILS ({ours['failure']}). The key share is an ephemeral {EPHEMERAL} "
                    "public key;")
        story.point("   the RSA key only ever SIGNED. The private halves that could rebuild")
        story.point("   the shared secret were erased when the handshake ended.")
    refkx_held = ours["failure"] is not None and not ours["read"] \
        and KEMS[EPHEMERAL].forward_secrecy

    story.moral("RSA key transport encrypts the session secret to the server's long-term",
                "key: whoever gets that key later decrypts every recorded session. With an",
                "ephemeral exchange the long-term key only signs; the secret came from key",
                "pairs that no longer exist. That is forward secrecy, and why TLS 1.3",
                "dropped RSA key transport.")
    return Outcome(weak_broken, refkx_held, "the recorded session decrypted with the leaked key",
                   f"{ours['failure'] or 'nothing'}: the leaked key opens nothing",
                   facts={"weak": weak, "refkx": ours})
