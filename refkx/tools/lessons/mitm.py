"""Lesson `mitm`: the man in the middle.

The failure: key exchange without authentication. Mallory, on the network between Alice
and the server, runs one key exchange with each of them and relays: both handshakes
succeed, and she reads and may change everything. Diffie and Hellman's own paper ("New
Directions in Cryptography", 1976) leaves authentication to the public file; RFC 8446
§4.4.3 (CertificateVerify) and §C.5 ("unauthenticated operation") say what TLS does.

The weak variant is a client that checks nothing: refkx's session in its anonymous mode
(refkx/session.py: `server_key=None`), kept for exactly this demonstration. Against a
client that pins the server's key, the server must sign the transcript, key shares
included (`_check_server_flight` in refkx/session.py): Mallory answering anonymously, with
her own key, or with the real server's signature over her own handshake is refused.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ... import session
from ...errors import HandshakeError
from ...rsa import generate_private_key
from .narrate import Narrator, Outcome

NAME = "mitm"
SUMMARY = "the man in the middle: anonymous key exchange read, a pinned server key refuses her"

KEM = "x25519"
IDENTITY_BITS = 2048
SECRET = b"my password is hunter2"


def against_anonymous() -> dict:
    """Alice <-> Mallory <-> server, nobody checking who is at the other end."""
    alice = session.Client(kem=KEM)
    server = session.Server(kems=[KEM])
    m_server = session.Server(kems=[KEM])        # Mallory, facing Alice
    m_client = session.Client(kem=KEM)           # Mallory, facing the server
    m_server.complete(alice.finish(m_server.respond(alice.hello())))
    server.complete(m_client.finish(server.respond(m_client.hello())))
    record = alice.seal(SECRET)
    stolen = m_server.open(record)
    relayed = server.open(m_client.seal(stolen))
    return {"record": record, "stolen": stolen, "relayed": relayed,
            "alice_authenticated": alice.authenticated,
            "exporters": (alice.export(b"check", b"", 8), server.export(b"check", b"", 8))}


def against_pinned(identity, mallory_key) -> list[tuple[str, bool]]:
    """Three ways for Mallory to face a client that pins the server's key: (what, refused)."""
    pinned = identity.public_key()
    attempts = [("Mallory answers anonymously", session.Server(kems=[KEM])),
                ("Mallory signs with her own RSA key",
                 session.Server(identity=mallory_key, kems=[KEM]))]
    results = []
    for what, m_server in attempts:
        alice = session.Client(kem=KEM, server_key=pinned)
        try:
            alice.finish(m_server.respond(alice.hello()))
            results.append((what, False))
        except HandshakeError:
            results.append((what, True))
    # The real server's flight, signed over Mallory's own hello, forwarded to Alice.
    alice = session.Client(kem=KEM, server_key=pinned)
    alice.hello()
    real = session.Server(identity=identity, kems=[KEM])
    reply = real.respond(session.Client(kem=KEM).hello())
    try:
        alice.finish(reply)
        results.append(("Mallory forwards the real server's signature", False))
    except HandshakeError:
        results.append(("Mallory forwards the real server's signature", True))
    return results


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("mitm: the man in the middle")
    if full:
        story.point("(--full: this lesson has one size)")
    story.say("Mallory sits on the network between Alice (client) and the server. She runs")
    story.say("a server towards Alice and a client towards the real server, and relays.")

    story.part("The weak variant: nobody checks who is at the other end")
    weak = against_anonymous()
    story.step("Both handshakes succeed; Alice sends a secret")
    story.value("Alice sends (record)", weak["record"])
    story.value("MALLORY READS", weak["stolen"].decode())
    story.value("the server receives", weak["relayed"].decode())
    story.point(f"alice.authenticated = {weak['alice_authenticated']}; only comparing keys out of")
    story.point("band would show it: the two ends' TLS-Exporter values differ")
    story.value("Alice's TLS-Exporter", weak["exporters"][0])
    story.value("the server's TLS-Exporter", weak["exporters"][1])
    weak_broken = (weak["stolen"] == SECRET and weak["relayed"] == SECRET
                   and weak["exporters"][0] != weak["exporters"][1])

    story.part("refkx with the server's key pinned: the server signs the transcript")
    story.step(f"Key pairs for the server and for Mallory (RSA-{IDENTITY_BITS}, fresh)")
    identity = generate_private_key(IDENTITY_BITS)
    mallory_key = generate_private_key(IDENTITY_BITS)
    story.value("pinned fingerprint", session.fingerprint(identity.public_key()))
    story.step("Mallory tries again")
    results = against_pinned(identity, mallory_key)
    for what, refused in results:
        story.point(f"{what}: {'Alice REFUSES (HandshakeError)' if refused else '!! accepted'}")
    story.point("The signature covers the key shares, so a relayed signature over")
    story.point("Mallory's shares does not fit Alice's handshake.")
    refkx_held = len(results) == 3 and all(refused for _, refused in results)

    story.moral("Key exchange alone only stops eavesdroppers: without authentication the",
                "attacker runs one key exchange with each side and reads everything. A",
                "pinned key (or a certificate) makes the server SIGN the transcript, key",
                "shares included, and the relay is refused.")
    return Outcome(weak_broken, refkx_held, "Mallory read and relayed the secret",
                   "all three impersonations refused",
                   facts={"weak": weak, "refkx": results})
