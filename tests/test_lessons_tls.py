"""The lessons that run on refkx.tls (refkx/tools/lessons): key facts, not prose.

Each test fails if its attack stops working against the weak variant or starts working
against refkx. The RSA keys are drawn once per role and test process (tlskit.key_for).
"""

import time

import pytest

from refkx.tls import Client
from refkx.tools.lessons import (downgrade, expired_certificate, forward_secrecy, mitm, tlskit,
                                 weak_randomness)


@pytest.fixture(scope="module")
def ca():
    return tlskit.certificate_authority()


@pytest.fixture(scope="module")
def pinned_server():
    return tlskit.server_identity(None)


# --- mitm ----------------------------------------------------------------------------------

def test_mitm_reads_a_client_that_checks_nothing(ca):
    server, mallory = tlskit.server_identity(ca), tlskit.server_identity(
        None, key=tlskit.key_for("mallory"))
    weak = mitm.relay_through_mallory(Client(tlskit.HOST, insecure=True), server, mallory)
    assert weak["completed"] and weak["stolen"] == weak["received"] == mitm.SECRET
    assert weak["alice_authenticated"] is False


@pytest.mark.parametrize("how", ["pin", "ca-self-signed", "ca-other-name"])
def test_mitm_refused_by_a_checking_client(ca, how):
    server = tlskit.server_identity(ca)
    if how == "pin":
        alice = Client(tlskit.HOST, pins=[server.pin])
        mallory = tlskit.server_identity(None, key=tlskit.key_for("mallory"))
    elif how == "ca-self-signed":
        alice = Client(tlskit.HOST, trust=[ca.certificate])
        mallory = tlskit.server_identity(None, key=tlskit.key_for("mallory"))
    else:
        alice = Client(tlskit.HOST, trust=[ca.certificate])
        mallory = tlskit.server_identity(ca, mitm.MALLORY_HOST, key=tlskit.key_for("mallory"))
    result = mitm.relay_through_mallory(alice, server, mallory)
    assert not result["completed"]
    assert result["result"].alert in ("bad_certificate", "unknown_ca")


def test_mitm_passive_relay_sees_ciphertext_only(ca):
    relay = mitm.passive_relay(Client(tlskit.HOST, trust=[ca.certificate]),
                                   tlskit.server_identity(ca))
    assert relay["result"].completed and relay["received"] == mitm.SECRET
    assert not relay["secret_on_the_wire"]


# --- forward-secrecy -------------------------------------------------------------------------

def test_forward_secrecy_on_tls(pinned_server):
    key = pinned_server.key
    weak = forward_secrecy.attempt(forward_secrecy.record_session(
        forward_secrecy.TRANSPORT, pinned_server), key)
    assert [t for d, t in weak["read"] if d == "client->server"] == \
        list(forward_secrecy.MESSAGES)
    ours = forward_secrecy.attempt(forward_secrecy.record_session(
        forward_secrecy.EPHEMERAL, pinned_server), key)
    assert ours["failure"] is not None and ours["read"] == []


# --- weak-randomness -------------------------------------------------------------------------

TEST_CLOCK = (1000, 4)


def test_weak_randomness_on_tls(pinned_server):
    now = time.time()
    weak = weak_randomness.against_weak(pinned_server, now, *TEST_CLOCK)
    assert weak["seed"] == weak["real_seed"]
    assert weak["plaintexts"] == list(weak_randomness.MESSAGES)
    ours = weak_randomness.against_refkx(pinned_server, now, *TEST_CLOCK)
    assert ours["seed"] is None and ours["plaintexts"] == []


# --- downgrade -------------------------------------------------------------------------------

def test_downgrade_weak_handshake_broken(pinned_server):
    weak = downgrade.against_weak(downgrade.DEFAULT_Q_BITS, pinned_server.key)
    assert weak["completed"] and weak["group"] == downgrade.EXPORT
    assert weak["key_matches"] and weak["read"] == downgrade.MESSAGE
    assert downgrade.against_weak_baseline(downgrade.DEFAULT_Q_BITS, pinned_server.key) \
        == downgrade.STRONG


def test_downgrade_refused_by_refkx_tls(pinned_server):
    ours = downgrade.against_refkx_tls(pinned_server.key)
    assert ours["honest"].completed and ours["honest_group"] != downgrade.TLS_WEAK_GROUP
    assert ours["server_group"] == downgrade.TLS_WEAK_GROUP        # the edit did reach it
    assert not ours["result"].completed and not ours["client_connected"]


def test_discrete_log_in_the_export_group():
    p, q, g = downgrade.export_group(downgrade.DEFAULT_Q_BITS)
    assert pow(g, q, p) == 1 and q.bit_length() == downgrade.DEFAULT_Q_BITS
    x = 123456789 % q
    assert downgrade.discrete_log(p, q, g, pow(g, x, p)) == x


# --- expired-certificate ---------------------------------------------------------------------

def test_expired_certificate(ca):
    expired = tlskit.server_identity(ca, not_before=tlskit.now() - 90 * tlskit.DAY,
                                     not_after=tlskit.now() - tlskit.DAY)
    refused = tlskit.run_handshake(Client(tlskit.HOST, trust=[ca.certificate]),
                                   tlskit.server(expired))
    assert not refused.completed and refused.alert == "certificate_expired"
    lax = Client(tlskit.HOST, insecure=True)
    assert tlskit.run_handshake(lax, tlskit.server(expired)).completed
    assert lax.authenticated is False
    renewed = tlskit.server_identity(ca)
    alice = Client(tlskit.HOST, trust=[ca.certificate])
    assert tlskit.run_handshake(alice, tlskit.server(renewed)).completed and alice.authenticated


def test_forward_secrecy_needs_the_right_key(pinned_server):
    recording = forward_secrecy.record_session(forward_secrecy.TRANSPORT, pinned_server)
    other = tlskit.key_for("mallory")
    assert forward_secrecy.attempt(recording, other)["failure"] == "DecryptionError"
