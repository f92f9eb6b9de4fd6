"""Lesson `mitm`: the man in the middle (on refkx.tls).

The failure: key exchange without authentication. Mallory, on the network between Alice
and the server, runs one TLS handshake with each of them and relays: both handshakes
succeed, and she reads and may change everything. Diffie and Hellman ("New Directions in
Cryptography", 1976) left authentication to a trusted public file; RFC 8446 §4.4.2-§4.4.3
(Certificate, CertificateVerify) and §C.5 ("unauthenticated operation") say what TLS does,
RFC 5280 §6 and RFC 6125 how the client decides that a certificate names its server.

The weak variant is a client that checks nothing: refkx.tls's `insecure=True` (the
`connect --insecure` option, which says "not authenticated"). refkx as it is checks the
chain: against a pin (refkx/tls/trust.py `TrustPolicy.check`) or a CA and the host name
(refkx/x509.py `verify_chain`). Mallory's own certificate, a CA-issued certificate for her
own name, and an untouched relay (which completes, but leaves her ciphertext only) all
fail her.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ...tls import Client
from . import tlskit
from .narrate import Narrator, Outcome

NAME = "mitm"
SUMMARY = "the man in the middle: a client that checks nothing is read, a checking one refuses"

SECRET = b"my password is hunter2"
MALLORY_HOST = "mallory.example"


def relay_through_mallory(alice: Client, server_identity, mallory_identity) -> dict:
    """Alice <-> Mallory (her certificate) | Mallory <-> the server (Mallory does not care
    which certificate the server shows)."""
    m_server = tlskit.server(mallory_identity)
    facing_alice = tlskit.run_handshake(alice, m_server)
    if not facing_alice.completed:
        return {"completed": False, "result": facing_alice}
    m_client = Client(tlskit.HOST, insecure=True)
    real = tlskit.server(server_identity)
    facing_server = tlskit.run_handshake(m_client, real)
    if not facing_server.completed:
        raise RuntimeError(f"Mallory could not reach the server: {facing_server}")
    alice.send(SECRET)
    record = alice.data_to_send()
    stolen = tlskit.application_data(m_server, record)
    m_client.send(stolen)
    received = tlskit.application_data(real, m_client.data_to_send())
    return {"completed": facing_alice.completed and facing_server.completed,
            "result": facing_alice, "record": record, "stolen": stolen, "received": received,
            "alice_authenticated": alice.authenticated}


def passive_relay(alice: Client, server_identity) -> dict:
    """Mallory forwards every byte untouched and keeps a copy."""
    seen: list[bytes] = []

    def copy(data: bytes) -> bytes:
        seen.append(data)
        return data

    real = tlskit.server(server_identity)
    result = tlskit.run_handshake(alice, real, edit_to_server=copy, edit_to_client=copy)
    alice.send(SECRET)
    record = copy(alice.data_to_send())
    received = tlskit.application_data(real, record)
    return {"result": result, "received": received,
            "secret_on_the_wire": any(SECRET in data for data in seen)}


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("mitm: the man in the middle (TLS 1.3)")
    if full:
        story.point("(--full: this lesson has one size)")
    story.step("A CA, the server's certificate for bank.example, and Mallory's key "
               "(RSA-2048, fresh)")
    ca = tlskit.certificate_authority()
    server_identity = tlskit.server_identity(ca)
    mallory_key = tlskit.key_for("mallory")
    mallory_self = tlskit.server_identity(None, key=mallory_key)          # "CN=bank.example"
    mallory_own_name = tlskit.server_identity(ca, MALLORY_HOST, key=mallory_key)
    story.value("the server's pin", server_identity.pin)
    story.value("Mallory's pin", mallory_self.pin)
    story.say("Mallory sits on the network between Alice and the server: a TLS server")
    story.say("towards Alice, a TLS client towards the real server, relaying.")

    story.part("The weak variant: Alice's client checks nothing (insecure=True)")
    weak = relay_through_mallory(Client(tlskit.HOST, insecure=True), server_identity,
                                 mallory_self)
    story.step("Both handshakes complete; Alice sends a secret")
    if weak["completed"]:
        story.value("Alice sends (record)", weak["record"])
        story.value("MALLORY READS", weak["stolen"].decode())
        story.value("the server receives", weak["received"].decode())
        story.point(f"alice.authenticated = {weak['alice_authenticated']}")
    weak_broken = weak["completed"] and weak["stolen"] == SECRET and weak["received"] == SECRET

    story.part("refkx as it is: the client checks the certificate")
    attempts = [
        ("Alice pins the server's key; Mallory shows her own certificate",
         relay_through_mallory(Client(tlskit.HOST, pins=[server_identity.pin]),
                               server_identity, mallory_self)),
        ("Alice trusts the CA; Mallory's certificate is self-signed",
         relay_through_mallory(Client(tlskit.HOST, trust=[ca.certificate]),
                               server_identity, mallory_self)),
        (f"Alice trusts the CA; Mallory shows a CA-issued one for {MALLORY_HOST}",
         relay_through_mallory(Client(tlskit.HOST, trust=[ca.certificate]),
                               server_identity, mallory_own_name)),
    ]
    refused = []
    for what, result in attempts:
        story.step(what)
        outcome = result["result"]
        if result["completed"]:
            story.point("!! accepted")
        else:
            story.point(f"Alice REFUSES: alert {outcome.alert} ({outcome.reason})")
        refused.append(not result["completed"])
    story.step("Mallory gives up and relays every byte untouched")
    relay = passive_relay(Client(tlskit.HOST, trust=[ca.certificate]), server_identity)
    story.point(f"the handshake completes: {relay['result'].completed}; the server "
                f"receives {relay['received'].decode()!r}")
    story.point("the secret appears in Mallory's copy of the wire: "
                f"{relay['secret_on_the_wire']} (she has ciphertext only)")
    refkx_held = (all(refused) and relay["result"].completed and relay["received"] == SECRET
                  and not relay["secret_on_the_wire"])

    story.moral("Key exchange alone only stops eavesdroppers: without authentication the",
                "attacker runs one key exchange with each side and reads everything. A",
                "checked certificate or pin makes the server SIGN the transcript, key",
                "shares included, with a key bound to its name; a man in the middle can",
                "then only relay ciphertext.")
    return Outcome(weak_broken, refkx_held, "Mallory read and relayed the secret",
                   "her three certificates refused; relaying gives her ciphertext only",
                   facts={"weak": weak, "refkx": attempts, "relay": relay})
