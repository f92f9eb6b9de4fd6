"""Lesson `expired-certificate`: an expired certificate, and the "fix" that disables checks.

The failures: "expired certificates that break trust chains" and "configuration errors
that disable validation". A server's certificate expires; a validating client refuses it
with the certificate_expired alert (RFC 5280 §6.1.3 step (a)(2): the validity period;
RFC 8446 §6.2). The tempting fix is on the client: switch validation off so that "it works
again". It does, and from then on the client also accepts a man in the middle's
certificate, and she reads the traffic. (Fahl et al., "Why Eve and Mallory love Android",
CCS 2012, and Georgiev et al., "The most dangerous code in the world", CCS 2012, found
such clients by the thousand.)

The weak variant is refkx.tls's `insecure=True` (the `connect --insecure` option: it says
"not authenticated"), i.e. the configuration error itself. refkx as it is validates the
chain (refkx/x509.py `verify_chain`, called from refkx/tls/trust.py `TrustPolicy.check`):
the expired certificate and Mallory's are refused; the renewed one is accepted.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ...tls import Client
from . import tlskit
from .mitm import SECRET, relay_through_mallory
from .narrate import Narrator, Outcome

NAME = "expired-certificate"
SUMMARY = "an expired certificate refused; the client that skips validation accepts Mallory too"

EXPIRED_DAYS_AGO = 3


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("expired-certificate: and the fix that switches validation off")
    if full:
        story.point("(--full: this lesson has one size)")
    story.step("A CA; the server's certificate for bank.example expired "
               f"{EXPIRED_DAYS_AGO} days ago; Mallory's key (RSA-2048, fresh)")
    ca = tlskit.certificate_authority()
    expired = tlskit.server_identity(
        ca, not_before=tlskit.now() - 90 * tlskit.DAY,
        not_after=tlskit.now() - EXPIRED_DAYS_AGO * tlskit.DAY)
    mallory = tlskit.server_identity(None, key=tlskit.key_for("mallory"))
    story.value("server certificate notAfter", expired.certificate.not_valid_after.isoformat())

    story.part("refkx as it is: the chain is validated (RFC 5280 §6.1)")
    story.step("Alice connects, trusting the CA")
    alice = Client(tlskit.HOST, trust=[ca.certificate])
    refused_expired = tlskit.run_handshake(alice, tlskit.server(expired))
    story.point(("Alice REFUSES: alert " + f"{refused_expired.alert} ({refused_expired.reason})")
                if not refused_expired.completed else "!! accepted")

    story.part("The weak variant: validation switched off to make it work (insecure=True)")
    story.step("Alice's client is reconfigured with insecure=True")
    lax = Client(tlskit.HOST, insecure=True)
    works_again = tlskit.run_handshake(lax, tlskit.server(expired))
    story.point(f"the expired server is accepted: {works_again.completed}; "
                f"authenticated = {lax.authenticated}")
    story.step("Mallory, on the network, answers with her own self-signed certificate")
    weak = relay_through_mallory(Client(tlskit.HOST, insecure=True), expired, mallory)
    if weak["completed"]:
        story.point("Alice's client accepts it too: nothing is checked any more")
        story.value("MALLORY READS", weak["stolen"].decode())
        story.value("the server receives", weak["received"].decode())
    weak_broken = works_again.completed and weak["completed"] and weak["stolen"] == SECRET

    story.part("refkx as it is, after the server renews its certificate")
    renewed = tlskit.server_identity(ca)
    alice = Client(tlskit.HOST, trust=[ca.certificate])
    accepted = tlskit.run_handshake(alice, tlskit.server(renewed))
    story.step("Alice, still validating, connects to the renewed server")
    story.point(f"accepted: {accepted.completed}; authenticated = {alice.authenticated}")
    story.step("Mallory tries her certificate on the validating client")
    ours = relay_through_mallory(Client(tlskit.HOST, trust=[ca.certificate]), renewed,
                                 mallory)
    story.point(f"Alice REFUSES: alert {ours['result'].alert} ({ours['result'].reason})"
                if not ours["completed"] else "!! accepted")
    refkx_held = (not refused_expired.completed
                  and refused_expired.alert == "certificate_expired"
                  and accepted.completed and alice.authenticated and not ours["completed"])

    story.moral("An expired certificate is a problem for the server to fix (renew it). A",
                "client that stops validating to get around it trusts every certificate,",
                "Mallory's included: one configuration line turns TLS into an",
                "unauthenticated key exchange.")
    return Outcome(weak_broken, refkx_held,
                   "insecure client accepted the expired and Mallory's certificates; "
                   "she read the traffic",
                   f"expired certificate refused ({refused_expired.alert}), Mallory refused "
                   f"({ours['result'].alert}), renewed one accepted",
                   facts={"expired": refused_expired, "works_again": works_again,
                          "weak": weak, "accepted": accepted, "refkx": ours})
