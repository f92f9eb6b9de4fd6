"""Lesson `forward-secrecy`: record now, steal the server's key later (on refkx.tls).

The failure: "reused keys that expand the blast radius". With RSA key transport the
session's secret is encrypted to the server's long-term key, so whoever obtains that key
later (a stolen backup, a subpoena) decrypts every recorded session. With an ephemeral key
exchange the long-term key only signs; the secret came from key pairs that were erased when
the handshake ended. RFC 8446 §1.2 (static RSA and DH cipher suites removed) and §E.1
(forward secrecy); Diffie, van Oorschot, Wiener, "Authentication and authenticated key
exchanges" (1992), who named the property.

Both sessions are real TLS 1.3 handshakes between refkx.tls peers. The weak one negotiates
rsa2048-oaep, refkx's key transport under a private-use code point (refkx/tls/groups.py:
the design TLS 1.3 removed, kept to show this); the strong one negotiates x25519. Eve's
decryption is a passive replay of RFC 8446 §7.1 from the recorded bytes alone: the key
share, Transcript-Hash(ClientHello, ServerHello), the server's encrypted flight opened
with the server handshake key, Transcript-Hash(..Finished), the application keys.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ...errors import DecryptionError, InvalidKey, RefkxError
from ...kem import KEMS
from ...tls import Client
from ...tls import extensions as ext
from ...tls.groups import GROUP_NAMES
from . import tlskit
from .narrate import Narrator, Outcome, short

NAME = "forward-secrecy"
SUMMARY = "record now, steal the key later: RSA key transport vs an ephemeral exchange"

TRANSPORT, EPHEMERAL = "rsa2048-oaep", "x25519"
MESSAGES = (b"launch code: 0000", b"meet at the usual place")


def record_session(group: str, identity: tlskit.Identity) -> list[tuple[str, bytes]]:
    """A TLS 1.3 session over `group`, as Eve records it: [(direction, bytes)]."""
    tap = tlskit.Recorder()
    to_server, to_client = tap.to_server, tap.to_client
    transport = {"server_transport_key": identity.key.public_key()} if group == TRANSPORT else {}
    client = Client(tlskit.HOST, groups=[group], pins=[identity.pin], **transport)
    server = tlskit.server(identity, groups=[group], **(
        {"transport_keys": {TRANSPORT: identity.key}} if group == TRANSPORT else {}))
    result = tlskit.run_handshake(client, server, edit_to_server=to_server,
                                  edit_to_client=to_client)
    if not result.completed:
        raise RuntimeError(f"the recorded handshake failed: {result}")
    for message in MESSAGES:
        client.send(message)
        tlskit.application_data(server, to_server(client.data_to_send()))
        server.send(b"ok: " + message)
        tlskit.application_data(client, to_client(server.data_to_send()))
    return tap.recording


def decrypt_recording(recording, leaked_key, say=None) -> list[tuple[str, bytes]]:
    """Eve, with the recording and the server's leaked RSA key. Raises where it fails."""
    say = say or (lambda text: None)
    hellos = tlskit.recorded_hellos(recording)
    (group_code, key_share), = ext.decode_client_shares(
        ext.find(hellos.client.extensions, ext.KEY_SHARE))
    say(f"recorded ClientHello: group {GROUP_NAMES.get(group_code, hex(group_code))}, "
        f"key share {short(key_share)}")
    say("step 1: the shared secret from the key share, with the leaked RSA key")
    shared = KEMS[TRANSPORT].decapsulate(key_share, leaked_key)      # fails for a DH share
    say(f"  -> shared secret {short(shared)}")
    say("step 2: RFC 8446 §7.1 over the recorded handshake; open the application records")
    return tlskit.decrypt_recording(recording, shared)


def attempt(recording, leaked_key, say=None) -> dict:
    try:
        return {"read": decrypt_recording(recording, leaked_key, say), "failure": None}
    except (DecryptionError, InvalidKey, RefkxError, ValueError) as exc:
        return {"read": [], "failure": type(exc).__name__}


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("forward-secrecy: record now, steal the key later (TLS 1.3)")
    if full:
        story.point("(--full: this lesson has one size)")
    story.step("The server's long-term RSA-2048 key and certificate (fresh, pinned)")
    identity = tlskit.server_identity(None)
    story.value("pin", identity.pin)
    recordings = {}
    for group in (TRANSPORT, EPHEMERAL):
        story.step(f"Eve records a TLS 1.3 session that negotiates {group}")
        recordings[group] = record_session(group, identity)
        total = sum(len(d) for _, d in recordings[group])
        story.point(f"{len(recordings[group])} flights, {total} bytes, all ciphertext to Eve "
                    "for now.")
    story.say()
    story.say("Years later the server's RSA private key leaks (a stolen backup, a subpoena).")

    story.part(f"The weak variant: {TRANSPORT} key transport")
    story.step(f"Eve decrypts the {TRANSPORT} recording with the leaked key")
    weak = attempt(recordings[TRANSPORT], identity.key, story.point)
    for direction, text in weak["read"]:
        story.point(f"EVE READS ({direction}): {text.decode()}")
    weak_broken = [t for d, t in weak["read"] if d == "client->server"] == list(MESSAGES)

    story.part(f"refkx as it is: an ephemeral {EPHEMERAL} exchange, the RSA key only signs")
    story.step(f"Eve decrypts the {EPHEMERAL} recording with the leaked key")
    ours = attempt(recordings[EPHEMERAL], identity.key, story.point)
    if ours["failure"]:
        story.point(f"-> FAILS ({ours['failure']}). The key share is an ephemeral {EPHEMERAL} "
                    "public key;")
        story.point("   the RSA key only ever SIGNED (CertificateVerify). The private halves")
        story.point("   that could rebuild the shared secret were erased with the handshake.")
    refkx_held = ours["failure"] is not None and not ours["read"]

    story.moral("RSA key transport encrypts the session secret to the server's long-term",
                "key: whoever gets that key later decrypts every recorded session. With an",
                "ephemeral exchange the long-term key only signs; the secret came from key",
                "pairs that no longer exist. That is forward secrecy, and why TLS 1.3",
                "dropped RSA key transport.")
    return Outcome(weak_broken, refkx_held, "the recorded session decrypted with the leaked key",
                   f"{ours['failure'] or 'nothing'}: the leaked key opens nothing",
                   facts={"weak": weak, "refkx": ours})
