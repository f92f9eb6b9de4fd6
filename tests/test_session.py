"""refkx.session and refkx.tls.record: handshakes over every KEM, man in the middle, tampering,
replay, reordering, truncation, random input, key update, close, forward secrecy."""

import copy
import hashlib
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refkx.tls import keyschedule as ks
from refkx import rsa
from refkx.errors import HandshakeError, RefkxError
from refkx.kem import KEMS
from refkx.tls.record import (CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE, MAX_PLAINTEXT,
                          TLS_AES_128_GCM_SHA256, RecordError, RecordProtection, record_header)
from refkx.session import (FINISHED, KEY_UPDATE, Client, KeyUpdateRequired, Server, State,
                           decrypt_recorded, fingerprint, handshake_message, parse_hello,
                           recorded_key_schedule)
from rsa_keys import cached_key


# Pure-Python key generation is slow: one key per size for the whole run, shared with the
# other test files through tests/rsa_keys.py.
def rsa_key(bits=2048):
    return cached_key(bits)


@lru_cache(maxsize=None)
def attacker_key():
    return rsa.generate_private_key(key_size=2048)


SLOW_KEMS = {"ffdhe6144", "ffdhe8192", "modp6144", "modp8192", "rsa4096-oaep"}
EPHEMERAL = [name for name, k in KEMS.items() if k.forward_secrecy]
TRANSPORT = [name for name, k in KEMS.items() if not k.forward_secrecy]


def kem_params(names):
    return [pytest.param(n, marks=[pytest.mark.slow] if n in SLOW_KEMS else []) for n in names]


def identity_for(kem_name):
    """An RSA identity that also fits RSA key transport of that size."""
    kem = KEMS[kem_name]
    return rsa_key(kem.bits if not kem.forward_secrecy else 2048)


def handshake(client, server):
    msg1 = client.hello()
    msg2 = server.respond(msg1)
    msg3 = client.finish(msg2)
    server.complete(msg3)
    return msg1, msg2, msg3


def connected(kem="x25519", pinned=False, **kwargs):
    key = rsa_key() if pinned else None
    client = Client(kem, server_key=key.public_key() if key else None, **kwargs)
    server = Server(identity=key, **{k: v for k, v in kwargs.items() if k != "cipher"})
    handshake(client, server)
    return client, server


def flip(data, index, mask=0x01):
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


def assert_dead(endpoint):
    assert endpoint.state is State.FAILED
    with pytest.raises(HandshakeError):
        endpoint.seal(b"x")
    with pytest.raises(HandshakeError):
        endpoint.open(b"\x17\x03\x03\x00\x00")


def exchange_both_ways(client, server):
    assert server.open(client.seal(b"ping")) == b"ping"
    assert client.open(server.seal(b"pong")) == b"pong"
    assert client.export(b"check", b"", 32) == server.export(b"check", b"", 32)


# -- full handshakes over every KEM -----------------------------------------------------------

@pytest.mark.parametrize("kem", kem_params(EPHEMERAL))
def test_anonymous_handshake(kem):
    client, server = Client(kem), Server()
    handshake(client, server)
    exchange_both_ways(client, server)
    assert not client.authenticated and client.peer_fingerprint is None
    assert client.kem_name == server.kem_name == kem


@pytest.mark.parametrize("kem", kem_params(list(KEMS)))
def test_pinned_handshake(kem):
    identity = identity_for(kem)
    client = Client(kem, server_key=identity.public_key())
    server = Server(identity=identity)
    handshake(client, server)
    exchange_both_ways(client, server)
    assert client.authenticated
    assert client.peer_fingerprint == fingerprint(identity)
    # Both sides hashed the same transcript and derived the same schedule.
    assert client.transcript == server.transcript
    assert [n for n, _ in client.transcript] == ["ClientHello", "ServerHello", "ServerIdentity",
                                                 "CertificateVerify", "Finished", "Finished"]
    assert dict(client.key_schedule_trace())["master_secret"] == \
        dict(server.key_schedule_trace())["master_secret"]


def test_aes256gcm_sha384_suite():
    client, server = connected(pinned=True, cipher="aes256gcm")
    exchange_both_ways(client, server)
    assert client.suite.name == server.suite.name == "TLS_AES_256_GCM_SHA384"
    trace = dict(client.key_schedule_trace())
    assert len(trace["master_secret"]) == 48
    assert len(trace["client_application_write_0_key"]) == 32


def test_unpinned_client_still_checks_a_signature():
    client, server = Client("x25519"), Server(identity=rsa_key())
    handshake(client, server)
    assert not client.authenticated                  # nothing to compare the key with
    assert client.peer_fingerprint == fingerprint(rsa_key().public_key())
    exchange_both_ways(client, server)


def test_pinned_client_refuses_an_anonymous_server():
    client, server = Client("x25519", server_key=rsa_key().public_key()), Server()
    msg2 = server.respond(client.hello())
    with pytest.raises(HandshakeError):
        client.finish(msg2)
    assert_dead(client)


def test_rsa_transport_needs_the_server_key():
    with pytest.raises(ValueError, match="server_key is required"):
        Client("rsa2048-oaep")
    with pytest.raises(ValueError, match="2048-bit"):
        Client("rsa2048-oaep", server_key=rsa_key(3072).public_key())
    # An anonymous server cannot decrypt an RSA key transport.
    client = Client("rsa2048-oaep", server_key=rsa_key().public_key())
    server = Server()
    with pytest.raises(HandshakeError):
        server.respond(client.hello())
    assert_dead(server)


def test_server_kem_policy():
    client, server = Client("x448"), Server(kems=["x25519"])
    with pytest.raises(HandshakeError):
        server.respond(client.hello())
    handshake(Client("x25519"), Server(kems=("x25519", "x448")))


def test_wire_and_trace_for_demos():
    client, server = connected(pinned=True)
    sent = [what for direction, what, _ in client.wire if direction == "sent"]
    assert sent == ["ClientHello", "client Finished (protected)"]
    assert client.wire[0][2] == server.wire[0][2]        # what crossed the wire
    names = [n for n, _ in client.key_schedule_trace()]
    for expected in ("early_secret", "shared_secret", "handshake_secret",
                     "client_handshake_traffic_secret", "server_handshake_write_key",
                     "master_secret", "client_application_traffic_secret_0",
                     "exporter_master_secret", "client_application_write_0_iv"):
        assert expected in names
    assert client.key_schedule_trace() == server.key_schedule_trace()
    assert client.timings["asymmetric"] > 0 and client.timings["handshake"] > 0


def test_trace_false_keeps_nothing():
    client, server = connected(trace=False)
    assert client.key_schedule_trace() == [] == server.key_schedule_trace()
    exchange_both_ways(client, server)


# -- man in the middle -------------------------------------------------------------------------

def test_mitm_with_pinning_is_refused():
    real = rsa_key()
    client = Client("x25519", server_key=real.public_key())
    attacker = Server(identity=attacker_key())          # answers with its own key
    msg2 = attacker.respond(client.hello())
    with pytest.raises(HandshakeError):
        client.finish(msg2)
    assert_dead(client)


def test_mitm_relaying_the_real_servers_answer_is_refused():
    real = rsa_key()
    client = Client("x25519", server_key=real.public_key())
    server = Server(identity=real)
    client.hello()
    attacker = Client("x25519")                         # substitutes its own key share
    msg2 = server.respond(attacker.hello())             # signed over the attacker's hello
    with pytest.raises(HandshakeError):
        client.finish(msg2)
    assert_dead(client)


def test_anonymous_mitm_relays_and_reads():
    """The lesson: without authentication a man in the middle runs one handshake with each
    side, and both think they are connected, while he reads and could change everything."""
    client, server = Client("x25519"), Server()
    to_client, to_server = Server(), Client("x25519")   # the attacker's two halves
    handshake(to_server, server)
    msg1 = client.hello()
    msg2 = to_client.respond(msg1)
    to_client.complete(client.finish(msg2))
    assert client.state is State.CONNECTED and server.state is State.CONNECTED

    stolen = to_client.open(client.seal(b"my password is hunter2"))
    assert stolen == b"my password is hunter2"         # the attacker reads it
    assert server.open(to_server.seal(stolen)) == stolen   # and relays it unnoticed
    assert client.open(to_client.seal(to_server.open(server.seal(b"ok")))) == b"ok"
    # The only trace: the two sides hold different keys (compare exporters out of band).
    assert client.export(b"check", b"", 16) != server.export(b"check", b"", 16)


# -- tampering with the handshake ----------------------------------------------------------------

def test_tampered_client_hello_never_completes():
    client = Client("x25519", server_key=rsa_key().public_key())
    msg1 = client.hello()
    server_template = Server(identity=rsa_key())
    for i in range(len(msg1)):
        attempt, server = copy.deepcopy(client), copy.deepcopy(server_template)
        with pytest.raises(HandshakeError):
            attempt.finish(server.respond(flip(msg1, i)))
        assert State.FAILED in (attempt.state, server.state)


@pytest.mark.parametrize("pinned", [False, True])
def test_tampered_server_reply_is_refused(pinned):
    key = rsa_key() if pinned else None
    client = Client("x25519", server_key=key.public_key() if key else None)
    msg2 = Server(identity=key).respond(client.hello())
    for i in range(len(msg2)):
        attempt = copy.deepcopy(client)
        with pytest.raises(HandshakeError):
            attempt.finish(flip(msg2, i, 0x80 if i % 2 else 0x01))
        assert attempt.state is State.FAILED
    client.finish(msg2)                 # the untampered reply is accepted
    assert client.state is State.CONNECTED


def test_tampered_client_finished_is_refused():
    client, server = Client("x25519"), Server()
    msg3 = client.finish(server.respond(client.hello()))
    for i in range(len(msg3)):
        attempt = copy.deepcopy(server)
        with pytest.raises(HandshakeError):
            attempt.complete(flip(msg3, i))
        assert_dead(attempt)
    server.complete(msg3)


def test_truncated_or_extended_handshake_messages():
    client, server = Client("x25519"), Server()
    msg1 = client.hello()
    for bad in (msg1[:-1], msg1 + b"\x00", msg1[:5], b"", msg1 + msg1):
        with pytest.raises(HandshakeError):
            copy.deepcopy(server).respond(bad)
    msg2 = server.respond(msg1)
    for bad in (msg2[:-1], msg2 + b"\x16", msg2[:len(msg2) // 2]):
        with pytest.raises(HandshakeError):
            copy.deepcopy(client).finish(bad)


def test_messages_in_the_wrong_order():
    client, server = Client("x25519"), Server()
    with pytest.raises(HandshakeError):
        Client().finish(b"")                         # finish before hello
    with pytest.raises(HandshakeError):
        Server().complete(b"")                       # complete before respond
    with pytest.raises(HandshakeError):
        Client().seal(b"early")                      # records before the handshake
    msg1 = client.hello()
    with pytest.raises(HandshakeError):
        copy.deepcopy(client).hello()                # hello twice
    with pytest.raises(HandshakeError):
        copy.deepcopy(server).complete(msg1)         # a hello where Finished belongs
    msg2 = server.respond(msg1)
    with pytest.raises(HandshakeError):
        copy.deepcopy(server).respond(msg1)          # replayed hello
    msg3 = client.finish(msg2)
    with pytest.raises(HandshakeError):
        copy.deepcopy(client).open(msg3)             # own Finished reflected back
    server.complete(msg3)
    with pytest.raises(HandshakeError):
        server.complete(msg3)                        # Finished replayed


# -- records -----------------------------------------------------------------------------------

def test_records_tamper_every_byte():
    client, server = connected()
    record = client.seal(b"attack at dawn")
    for i in range(len(record)):
        receiver = copy.deepcopy(server)
        with pytest.raises(HandshakeError):
            receiver.open(flip(record, i))
        assert_dead(receiver)
    assert server.open(record) == b"attack at dawn"


def test_replay_reorder_drop_truncate():
    client, server = connected()
    r1, r2, r3 = client.seal(b"one"), client.seal(b"two"), client.seal(b"three")
    cases = {
        "reorder": [r2],                       # r2 before r1: wrong nonce
        "truncate": [r1[:-1]],
        "truncate-header": [r1[:3]],
        "empty": [b""],
        "extra-bytes": [r1 + b"\x00"],
    }
    for name, inputs in cases.items():
        receiver = copy.deepcopy(server)
        with pytest.raises(HandshakeError):
            for data in inputs:
                receiver.open(data)
        assert_dead(receiver)
    # replay: the same record twice
    receiver = copy.deepcopy(server)
    assert receiver.open(r1) == b"one"
    with pytest.raises(HandshakeError):
        receiver.open(r1)
    assert_dead(receiver)
    # in order, several records at once, is fine
    assert server.open(r1 + r2) == b"onetwo"
    assert server.open(r3) == b"three"


def test_a_bad_record_in_a_batch_releases_nothing():
    client, server = connected()
    good, bad = client.seal(b"good"), flip(client.seal(b"secret"), -1)
    with pytest.raises(HandshakeError):
        server.open(good + bad)
    assert_dead(server)


def test_large_plaintext_is_split_into_records():
    client, server = connected()
    data = bytes(range(256)) * 100                   # 25,600 bytes: two records
    records = client.seal(data)
    assert records[0] == CONTENT_APPLICATION_DATA
    assert len(records) > len(data) and records.count(b"\x17\x03\x03") >= 2
    assert server.open(records) == data
    assert server.open(client.seal(b"")) == b""


def test_records_hide_the_content_type():
    client, server = connected()
    data_record, update_record, close_record = client.seal(b"x"), client.key_update(), client.close()
    assert {r[0] for r in (data_record, update_record, close_record)} == {CONTENT_APPLICATION_DATA}
    assert server.open(data_record + update_record + close_record) == b"x"
    assert server.peer_closed


# -- key update ----------------------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["client", "server"])
def test_key_update(direction):
    client, server = connected()
    sender, receiver = (client, server) if direction == "client" else (server, client)
    old_secret = dict(sender.key_schedule_trace())[f"{direction}_application_traffic_secret_0"]
    before = sender.seal(b"before")
    update = sender.key_update()
    after = sender.seal(b"after")
    stale = copy.deepcopy(receiver)                  # a receiver that missed the update
    assert receiver.open(before + update) == b"before"
    assert receiver.open(after) == b"after"
    # Records after the update open only with the new keys.
    assert stale.open(before) == b"before"
    with pytest.raises(HandshakeError):
        stale.open(after)
    # §7.2: the new secret is HKDF-Expand-Label(old, "traffic upd", "", Hash.length).
    new_secret = dict(sender.key_schedule_trace())[f"{direction}_application_traffic_secret_1"]
    assert new_secret == ks.next_traffic_secret(old_secret)
    assert dict(receiver.key_schedule_trace())[f"{direction}_application_traffic_secret_1"] == \
        new_secret
    # The other direction is unaffected.
    assert sender.open(receiver.seal(b"reply")) == b"reply"


def test_repeated_key_updates_both_ways():
    client, server = connected()
    for _ in range(3):
        server.open(client.key_update())
        client.open(server.key_update())
    exchange_both_ways(client, server)


def test_key_update_erases_the_old_key():
    protection = RecordProtection(bytes(32))
    old_key = protection.key
    successor = protection.updated()
    assert protection.key == bytes(16) and protection.iv == bytes(12)
    assert successor.key != old_key
    with pytest.raises(RecordError):
        protection.seal(CONTENT_APPLICATION_DATA, b"x")


def test_record_limit_requires_a_key_update():
    client, server = connected(record_limit=4)
    for i in range(3):
        assert server.open(client.seal(b"%d" % i)) == b"%d" % i
    with pytest.raises(KeyUpdateRequired):
        client.seal(b"one too many")
    assert client.state is State.CONNECTED           # refused, not killed
    server.open(client.key_update())                 # the reserved last sequence number
    assert server.open(client.seal(b"fresh key")) == b"fresh key"


def test_peer_beyond_the_record_limit_is_refused():
    server_small = Server(record_limit=2)
    client = Client()
    handshake(client, server_small)
    server_small.open(client.seal(b"1"))
    server_small.open(client.seal(b"2"))
    with pytest.raises(HandshakeError):
        server_small.open(client.seal(b"3"))
    assert_dead(server_small)


@pytest.mark.parametrize("content_type, content", [
    (CONTENT_HANDSHAKE, handshake_message(FINISHED, bytes(32))),        # not a KeyUpdate
    (CONTENT_HANDSHAKE, handshake_message(KEY_UPDATE, b"\x01")),       # update_requested
    (CONTENT_HANDSHAKE, handshake_message(KEY_UPDATE, b"\x00") * 2),   # two at once
    (CONTENT_HANDSHAKE, b""),
    (CONTENT_ALERT, b"\x02\x28"),                                      # fatal alert
    (CONTENT_ALERT, b"\x01"),
])
def test_unexpected_protected_messages(content_type, content):
    """Correctly protected, but not something a connected session may receive."""
    client, server = connected()
    record = client._write.seal(content_type, content)   # forge with the real key
    with pytest.raises(HandshakeError):
        server.open(record)
    assert_dead(server)


# -- close ---------------------------------------------------------------------------------------

def test_close():
    client, server = connected()
    record = client.close()
    assert client.state is State.CLOSED
    for call in (lambda: client.seal(b"x"), lambda: client.open(b""), client.key_update,
                 client.close):
        with pytest.raises(HandshakeError):
            call()
    assert server.open(record) == b""
    assert server.peer_closed
    with pytest.raises(HandshakeError):
        server.open(record)                          # nothing after close_notify
    assert_dead(server)


def test_close_reply_and_data_after_close_in_one_batch():
    client, server = connected()
    close = client.close()
    assert server.open(close) == b""
    reply = server.close()                           # the server may still answer with its close
    with pytest.raises(HandshakeError):
        client.open(reply)                           # ... but the client already closed
    client, server = connected()
    data = client.seal(b"data")
    receiver = copy.deepcopy(server)
    forged_tail = client.close() + data              # a record after close_notify
    with pytest.raises(HandshakeError):
        receiver.open(forged_tail)


# -- random input to every receiving method --------------------------------------------------------

def _record_like():
    """Random bytes, and random bodies behind a plausible record header."""
    framed = st.builds(lambda t, body: record_header(t, len(body)) + body,
                       st.sampled_from([21, 22, 23]), st.binary(max_size=300))
    return st.one_of(st.binary(max_size=400), framed, st.lists(framed, max_size=3).map(b"".join))


@lru_cache(maxsize=None)
def _templates():
    client, server = Client("x25519"), Server()
    msg1 = client.hello()
    after_hello = copy.deepcopy(client)
    msg2 = server.respond(msg1)
    after_respond = copy.deepcopy(server)
    server.complete(client.finish(msg2))
    return after_hello, after_respond, client, server


@settings(max_examples=40)
@given(data=_record_like())
def test_random_input_to_respond(data):
    server = Server()
    with pytest.raises(HandshakeError):
        server.respond(data)
    assert_dead(server)


@settings(max_examples=40)
@given(data=_record_like())
def test_random_input_to_finish(data):
    client = copy.deepcopy(_templates()[0])
    with pytest.raises(HandshakeError):
        client.finish(data)
    assert_dead(client)


@settings(max_examples=40)
@given(data=_record_like())
def test_random_input_to_complete(data):
    server = copy.deepcopy(_templates()[1])
    with pytest.raises(HandshakeError):
        server.complete(data)
    assert_dead(server)


@settings(max_examples=40)
@given(data=_record_like(), side=st.sampled_from([2, 3]))
def test_random_input_to_open(data, side):
    endpoint = copy.deepcopy(_templates()[side])
    with pytest.raises(HandshakeError):
        endpoint.open(data)
    assert_dead(endpoint)


@settings(max_examples=20)
@given(message=st.binary(max_size=3000))
def test_round_trip_property(message):
    _, _, client, server = _templates()
    client, server = copy.deepcopy(client), copy.deepcopy(server)
    assert server.open(client.seal(message)) == message
    assert client.open(server.seal(message)) == message


def test_only_refkx_errors_escape():
    """HandshakeError is a RefkxError; no struct/index/unicode error leaks."""
    assert issubclass(HandshakeError, RefkxError) and issubclass(KeyUpdateRequired, HandshakeError)
    hello_with_bad_name = bytearray(Client().hello())
    hello_with_bad_name[5 + 4 + 2 + 32 + 2 + 1] = 0xFF        # a non-ASCII byte in the KEM name
    with pytest.raises(HandshakeError):
        Server().respond(bytes(hello_with_bad_name))


# -- forward secrecy: the recorded session and the stolen key ----------------------------------------

def test_rsa_transport_has_no_forward_secrecy():
    key = rsa_key()
    client, server = Client("rsa2048-oaep", server_key=key.public_key()), Server(identity=key)
    msg1, msg2, _ = handshake(client, server)
    recorded = client.seal(b"the secret plans") + client.key_update() + client.seal(b" v2")
    assert server.open(recorded) == b"the secret plans v2"
    client.close(), server.close()                    # the session is over, keys erased
    # Years later the server's key is stolen: the recording opens.
    assert decrypt_recorded(msg1, msg2, recorded, key) == b"the secret plans v2"


def test_recorded_key_schedule_and_parse_hello_read_only_public_bytes():
    client, server = Client("x25519"), Server()
    msg1, msg2, _ = handshake(client, server)
    random, suite, kem_name, key_share = parse_hello(client.transcript[0][1])
    assert (suite.name, kem_name, len(random), len(key_share)) == \
        ("TLS_AES_128_GCM_SHA256", "x25519", 32, 32)
    shared_secret = dict(client.key_schedule_trace())["shared_secret"]
    _, schedule = recorded_key_schedule(msg1, msg2, shared_secret)
    assert schedule.server_application_traffic_secret_0 == \
        dict(server.key_schedule_trace())["server_application_traffic_secret_0"]
    for bad in (b"", client.transcript[2][1], client.transcript[0][1] + b"\x00"):
        with pytest.raises(HandshakeError):
            parse_hello(bad)


@pytest.mark.parametrize("kem", ["x25519", "ffdhe2048"])
def test_ephemeral_kems_keep_forward_secrecy(kem):
    key = rsa_key()
    client, server = Client(kem, server_key=key.public_key()), Server(identity=key)
    msg1, msg2, _ = handshake(client, server)
    recorded = client.seal(b"the secret plans")
    with pytest.raises(ValueError, match="ephemeral"):
        decrypt_recorded(msg1, msg2, recorded, key)
    assert client._kem_private is None                # the ephemeral private key is gone


# -- caller mistakes -------------------------------------------------------------------------------

def test_constructor_arguments():
    with pytest.raises(ValueError):
        Client("no-such-kem")
    with pytest.raises(TypeError):
        Client(25519)
    with pytest.raises(TypeError):
        Client("x25519", server_key=rsa_key())          # the private key, not the public
    with pytest.raises(TypeError):
        Client("x25519", server_key=b"pinned bytes")
    with pytest.raises(ValueError):
        Client("x25519", cipher="chacha20")
    with pytest.raises(TypeError):
        Client("x25519", rng="not callable")
    with pytest.raises(ValueError):
        Client("x25519", record_limit=1)
    with pytest.raises(TypeError):
        Server(identity=rsa_key().public_key())
    with pytest.raises(TypeError):
        Server(kems="x25519")
    with pytest.raises(ValueError):
        Server(kems=["x25519", "no-such-kem"])
    with pytest.raises(ValueError):
        Server(kems=[])


@pytest.mark.parametrize("bad", ["text", None, 123])
def test_receiving_methods_refuse_non_bytes_without_dying(bad):
    client, server = Client(), Server()
    with pytest.raises(TypeError):
        server.respond(bad)
    msg2 = server.respond(client.hello())
    with pytest.raises(TypeError):
        client.finish(bad)
    msg3 = client.finish(msg2)
    with pytest.raises(TypeError):
        server.complete(bad)
    server.complete(msg3)
    with pytest.raises(TypeError):
        server.open(bad)
    with pytest.raises(TypeError):
        client.seal(bad)
    exchange_both_ways(client, server)


def test_bytes_like_inputs():
    client, server = Client(), Server()
    msg2 = server.respond(bytearray(client.hello()))
    server.complete(memoryview(client.finish(memoryview(msg2))))
    assert server.open(bytearray(client.seal(bytearray(b"hi")))) == b"hi"


def test_deterministic_with_injected_rng():
    def counter_rng():
        state = [0]

        def rng(n):
            state[0] += 1
            return hashlib.shake_256(state[0].to_bytes(8, "big")).digest(n)
        return rng

    runs = []
    for _ in range(2):
        client, server = Client(rng=counter_rng()), Server(rng=counter_rng())
        runs.append(handshake(client, server))
    assert runs[0] == runs[1]


def test_fingerprint():
    key = rsa_key()
    expected = hashlib.sha256(key.public_key().public_bytes()).hexdigest()
    assert fingerprint(key.public_key()) == fingerprint(key) == expected
    assert fingerprint(key.public_key().public_bytes()) == expected
    with pytest.raises(TypeError):
        fingerprint("ab" * 32)


# -- the record layer on its own ----------------------------------------------------------------

def test_record_nonce_is_iv_xor_sequence_number():
    protection = RecordProtection(bytes(32))
    iv = protection.iv
    assert protection.nonce(0) == iv
    assert protection.nonce(1) == iv[:-1] + bytes([iv[-1] ^ 1])
    assert protection.nonce(2 ** 64 - 1) == iv[:4] + bytes(b ^ 0xFF for b in iv[4:])


def test_record_padding_and_inner_type():
    sender, receiver = RecordProtection(bytes(32)), RecordProtection(bytes(32))
    record = sender.seal(CONTENT_HANDSHAKE, b"msg", padding=10)
    assert receiver.open(record) == (CONTENT_HANDSHAKE, b"msg")
    with pytest.raises(ValueError):
        sender.seal(99, b"")
    with pytest.raises(ValueError):
        sender.seal(CONTENT_APPLICATION_DATA, bytes(MAX_PLAINTEXT + 1))


def test_record_refuses_wrong_outer_type_and_all_zero_inner():
    sender, receiver = RecordProtection(bytes(32)), RecordProtection(bytes(32))
    record = sender.seal(CONTENT_APPLICATION_DATA, b"x")
    with pytest.raises(RecordError):
        copy.deepcopy(receiver).open(b"\x16" + record[1:])
    # An inner plaintext of zeros only has no content type (RFC 8446 §5.4).
    from refkx.gcm import AESGCM
    header = record_header(CONTENT_APPLICATION_DATA, 4 + 16)
    forged = header + AESGCM(receiver.key).encrypt(receiver.nonce(0), bytes(4), header)
    with pytest.raises(RecordError):
        receiver.open(forged)


def test_record_differential_cryptography():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as TheirAESGCM

    protection = RecordProtection(bytes(range(32)), TLS_AES_128_GCM_SHA256)
    key, iv = protection.key, protection.iv
    protection.seal(CONTENT_APPLICATION_DATA, b"first")
    record = protection.seal(CONTENT_APPLICATION_DATA, b"second")
    nonce = iv[:-1] + bytes([iv[-1] ^ 1])
    assert TheirAESGCM(key).decrypt(nonce, record[5:], record[:5]) == b"second\x17"


def test_parse_hello_non_ascii_kem_name_is_handshake_error():
    client = Client("x25519")
    message = bytearray(client.hello()[5:])
    # the kem name follows version(2) random(32) suite(2) and its length byte, after the
    # 4-byte handshake header
    message[4 + 2 + 32 + 2 + 1] = 0xFF
    with pytest.raises(HandshakeError):
        parse_hello(bytes(message))

