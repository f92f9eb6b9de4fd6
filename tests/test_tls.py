"""refkx.tls in-process: the RFC 8448 §3 messages byte for byte, refkx client against
refkx server (groups, HRR with cookie, middlebox CCS, fragmentation, padding, tickets,
KeyUpdate, close), attacker bytes (each with the alert RFC 8446 §6.2 names, next to the
untampered case succeeding), caller misuse (precise ValueError/TypeError, no state change)
and hypothesis round trips of the wire structures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refkx import kem
from refkx.errors import CertificateError, HandshakeError
from refkx.kat.tls13 import trace as rfc8448
from refkx.tls import (ApplicationData, Client, ConnectionClosed, HandshakeComplete,
                       KeyUpdated, Server, SessionTicketReceived, State)
from refkx.tls import extensions as ext
from refkx.tls import keyschedule as ks
from refkx.tls import messages as m
from refkx.tls import signatures
from refkx.tls.alerts import ALERT_CODES, decode_alert, encode_alert
from refkx.tls.record import (CONTENT_HANDSHAKE, MAX_PLAINTEXT, TLS_AES_128_GCM_SHA256,
                              RecordError, RecordProtection, record_header, split_records)
from refkx.tls.trust import load_certificate
from refkx.tls.wire import Reader

import tls_certs


def make_pair(client_options=None, server_options=None):
    identity = tls_certs.leaf()
    client_options = {"pins": [identity.pin], **(client_options or {})}
    client = Client("localhost", **client_options)
    server = Server([identity.cert_der, tls_certs.ca().cert_der], identity.key,
                    **(server_options or {}))
    return client, server


def run(client, server, rounds=6, tamper=None):
    """Drive the handshake; `tamper(direction, bytes) -> bytes` may change the wire."""
    tamper = tamper or (lambda direction, data: data)
    if client.state == State.START:
        client.start()
    events = {"client": [], "server": []}
    for _ in range(rounds):
        to_server = tamper("to_server", client.data_to_send())
        if to_server:
            events["server"] += server.receive(to_server)
        to_client = tamper("to_client", server.data_to_send())
        if to_client:
            events["client"] += client.receive(to_client)
        if not to_server and not to_client:
            break
    return events


def connected_pair(**kwargs):
    client, server = make_pair(**kwargs)
    events = run(client, server)
    assert HandshakeComplete() in events["client"] and HandshakeComplete() in events["server"]
    return client, server


# -- RFC 8448 §3: every handshake message parses and re-encodes byte for byte --------------
RFC8448_MESSAGES = [("client_hello", m.ClientHello), ("server_hello", m.ServerHello),
                    ("encrypted_extensions", m.EncryptedExtensions),
                    ("certificate", m.Certificate), ("certificate_verify", m.CertificateVerify),
                    ("new_session_ticket", m.NewSessionTicket)]


@pytest.mark.parametrize("name, cls", RFC8448_MESSAGES, ids=[f"rfc8448-3-{n}" for n, _ in
                                                             RFC8448_MESSAGES])
def test_rfc8448_message_round_trip(name, cls):
    raw = rfc8448()[name]
    assert raw[0] == cls.msg_type and int.from_bytes(raw[1:4], "big") == len(raw) - 4
    assert cls.decode(raw[4:]).encode() == raw


@pytest.mark.parametrize("name", ["server_finished", "client_finished"])
def test_rfc8448_finished_round_trip(name):
    raw = rfc8448()[name]
    assert m.Finished.decode(raw[4:], 32).encode() == raw


def test_rfc8448_certificate_verify_verifies_with_refkx_pss():
    t = rfc8448()
    certificate = m.Certificate.decode(t["certificate"][4:])
    public_key = load_certificate(certificate.certificate_list[0].cert_data).public_key()
    verify = m.CertificateVerify.decode(t["certificate_verify"][4:])
    assert verify.algorithm == signatures.RSA_PSS_RSAE_SHA256
    th = ks.transcript_hash(t["client_hello"], t["server_hello"], t["encrypted_extensions"],
                            t["certificate"])
    signatures.verify(public_key, verify.algorithm, verify.signature, th)
    tampered = bytearray(verify.signature)
    tampered[10] ^= 1
    with pytest.raises(HandshakeError) as caught:
        signatures.verify(public_key, verify.algorithm, bytes(tampered), th)
    assert caught.value.alert == "decrypt_error"


def test_rfc8448_finished_values_and_record_recompute():
    t = rfc8448()
    flight = ("client_hello", "server_hello", "encrypted_extensions", "certificate",
              "certificate_verify")
    server_verify = ks.finished_verify_data(t["server_handshake_traffic_secret"],
                                            ks.transcript_hash(*(t[n] for n in flight)))
    assert m.Finished(server_verify).encode() == t["server_finished"]
    client_verify = ks.finished_verify_data(
        t["client_handshake_traffic_secret"],
        ks.transcript_hash(*(t[n] for n in flight), t["server_finished"]))
    assert m.Finished(client_verify).encode() == t["client_finished"]
    content = b"".join(t[n] for n in flight[2:]) + t["server_finished"]
    protection = RecordProtection(t["server_handshake_traffic_secret"], TLS_AES_128_GCM_SHA256)
    assert protection.seal(CONTENT_HANDSHAKE, content) == t["server_handshake_record"]


def test_rfc8448_client_hello_reproduced_key_share():
    """With the trace's X25519 private key injected, refkx's key share is the trace's."""
    t = rfc8448()
    client = Client("server", insecure=True, groups=["x25519"],
                    random=m.ClientHello.decode(t["client_hello"][4:]).random, session_id=b"",
                    ephemeral_keys={"x25519": t["client_private_key"]})
    client.start()
    hello = m.ClientHello.decode(client.data_to_send()[5 + 4:])
    shares = ext.decode_client_shares(ext.find(hello.extensions, ext.KEY_SHARE))
    assert shares == [(0x001D, t["client_public_key"])]
    original = m.ClientHello.decode(t["client_hello"][4:])
    assert hello.random == original.random


# -- refkx <-> refkx -------------------------------------------------------------------------
@pytest.mark.parametrize("group", ["x25519", "x448", "ffdhe2048", "modp2048", "mlkem768",
                                   "x25519mlkem768"])
def test_handshake_and_echo_per_group(group):
    client, server = connected_pair(client_options={"groups": [group]},
                                    server_options={"groups": [group]})
    assert client.group == server.group == group
    client.send(b"ping")
    assert server.receive(client.data_to_send()) == [ApplicationData(b"ping")]
    assert client.authenticated and client.peer_certificate.der == tls_certs.leaf().cert_der


def test_client_and_server_agree_on_every_secret():
    client, server = connected_pair()
    names = dict(client.key_schedule_trace())
    assert names["client_application_traffic_secret_0"] == \
        dict(server.key_schedule_trace())["client_application_traffic_secret_0"]
    assert dict(client.key_schedule_trace()) == dict(server.key_schedule_trace())


def test_server_hello_retry_request_with_cookie():
    client, server = connected_pair(client_options={"groups": ["x25519", "ffdhe2048"]},
                                    server_options={"groups": ["ffdhe2048", "x25519"]})
    assert server.hello_retried and client.group == "ffdhe2048"
    sent = [name for sender, name, _ in client.transcript_messages if sender == "client"]
    assert sent[:2] == ["ClientHello", "ClientHello"]
    second = m.ClientHello.decode(client.transcript_messages[2][2][4:])
    assert ext.find(second.extensions, ext.COOKIE) is not None


def test_second_client_hello_must_echo_the_cookie():
    client, server = make_pair(client_options={"groups": ["x25519", "ffdhe2048"]},
                               server_options={"groups": ["ffdhe2048"]})
    client.start()
    server.receive(client.data_to_send())
    client.receive(server.data_to_send())
    wire = bytearray(client.data_to_send())
    cookie = server._cookie
    where = bytes(wire).find(cookie)
    wire[where] ^= 1
    with pytest.raises(HandshakeError) as caught:
        server.receive(bytes(wire))
    assert caught.value.alert == "illegal_parameter"


def test_middlebox_compatibility_change_cipher_spec_both_ways():
    client, server = make_pair()
    seen = []
    run(client, server, tamper=lambda d, data: seen.append((d, data)) or data)
    assert any(b"\x14\x03\x03\x00\x01\x01" in data for d, data in seen if d == "to_client")
    assert any(b"\x14\x03\x03\x00\x01\x01" in data for d, data in seen if d == "to_server")


def test_no_session_id_means_no_change_cipher_spec():
    client, server = make_pair(client_options={"session_id": b""})
    seen = []
    run(client, server, tamper=lambda d, data: seen.append(data) or data)
    assert not any(b"\x14\x03\x03\x00\x01\x01" in data for data in seen)
    assert client.state == State.CONNECTED


def test_handshake_messages_split_one_byte_per_record():
    """§5.1: a message may span records; here every plaintext record carries one byte."""
    client, server = make_pair(client_options={"session_id": b""})
    client.start()
    hello_record = client.data_to_send()
    body = hello_record[5:]
    split = b"".join(record_header(22, 1) + body[i:i + 1] for i in range(len(body)))
    assert server.receive(split) == []
    events = client.receive(server.data_to_send())
    assert HandshakeComplete() in events


def test_bytes_arrive_one_at_a_time():
    client, server = make_pair()
    client.start()
    for byte in client.data_to_send():
        server.receive(bytes([byte]))
    reply = server.data_to_send()
    events = []
    for byte in reply:
        events += client.receive(bytes([byte]))
    assert HandshakeComplete() in events


def test_inner_padding_and_empty_application_data_are_accepted():
    client, server = connected_pair()
    record = client._write.seal(23, b"padded", padding=100)
    empty = client._write.seal(23, b"")
    assert server.receive(record + empty) == [ApplicationData(b"padded")]


def test_new_session_ticket_is_parsed_and_set_aside():
    client, server = connected_pair()
    ticket = m.NewSessionTicket(7200, 1234, b"\x00", b"ticket-bytes").encode()
    server._seal(CONTENT_HANDSHAKE, ticket)
    events = client.receive(server.data_to_send())
    assert isinstance(events[0], SessionTicketReceived)
    assert client.tickets[0].ticket == b"ticket-bytes"


def test_server_refuses_a_ticket_from_a_client():
    client, server = connected_pair()
    client._seal(CONTENT_HANDSHAKE, m.NewSessionTicket(1, 2, b"", b"t").encode())
    with pytest.raises(HandshakeError) as caught:
        server.receive(client.data_to_send())
    assert caught.value.alert == "unexpected_message"


@pytest.mark.parametrize("requested", [False, True])
def test_key_update_both_directions(requested):
    client, server = connected_pair()
    server.key_update(update_requested=requested)
    assert client.receive(server.data_to_send()) == [KeyUpdated(requested)]
    answer = client.data_to_send()
    if requested:
        assert server.receive(answer) == [KeyUpdated(False)]
    else:
        assert answer == b""
    client.send(b"a")
    server.send(b"b")
    assert server.receive(client.data_to_send()) == [ApplicationData(b"a")]
    assert client.receive(server.data_to_send()) == [ApplicationData(b"b")]


def test_close_notify():
    client, server = connected_pair()
    client.close()
    assert server.receive(client.data_to_send()) == [ConnectionClosed()]
    with pytest.raises(ValueError, match="after close"):
        client.send(b"x")
    server.send(b"half-closed: the server may still talk")
    assert client.receive(server.data_to_send())[0].data.startswith(b"half-closed")


def test_unknown_and_tls12_extensions_are_ignored_by_the_server():
    client, server = make_pair()
    extra = [(0xFAFA, b""), (0xFF01, b"\x00"), (11, b"\x01\x00"), (23, b""), (35, b""),
             (22, b""), (5, b"\x01\x00\x00\x00\x00"), (16, b"\x00\x03\x02h2")]
    original = client._client_hello

    def with_extras(*args, **kwargs):
        hello = original(*args, **kwargs)
        hello.extensions = extra[:4] + hello.extensions + extra[4:]
        return hello
    client._client_hello = with_extras
    run(client, server)
    assert client.state == server.state == State.CONNECTED


def test_downgrade_sentinel_is_refused():
    """§4.1.3: a ServerHello without supported_versions whose random ends in DOWNGRD."""
    client, _ = make_pair()
    client.start()
    client.data_to_send()
    random = bytes(24) + m.DOWNGRADE_TLS12
    hello = m.ServerHello(random, client._session_id, 0x1301, [(0xFF01, b"\x00\x00")]).encode()
    with pytest.raises(HandshakeError) as caught:
        client.receive(record_header(22, len(hello)) + hello)
    assert caught.value.alert == "illegal_parameter"
    client2, _ = make_pair()
    client2.start()
    hello = m.ServerHello(bytes(32), client2._session_id, 0x1301, [(0xFF01, b"\x00\x00")]).encode()
    with pytest.raises(HandshakeError) as caught:
        client2.receive(record_header(22, len(hello)) + hello)
    assert caught.value.alert == "protocol_version"


def test_certificate_request_is_answered_with_an_empty_certificate():
    """Client certificates are refused cleanly: a CertificateRequest gets an empty
    Certificate (§4.4.2), and the refkx server, which never asks, refuses that message."""
    client, server = make_pair()
    request = m.CertificateRequest(b"", [(ext.SIGNATURE_ALGORITHMS,
                                          ext.encode_code_list([0x0804]))]).encode()
    add, send = server._add_to_transcript, server._send_handshake

    def add_with_request(sender, message):
        if sender == "server" and message[0] == m.CERTIFICATE:
            add(sender, request)
        add(sender, message)

    def send_with_request(messages):
        if len(messages) == 4:         # EE, Certificate, CertificateVerify, Finished
            messages = messages[:1] + [request] + messages[1:]
        send(messages)
    server._add_to_transcript, server._send_handshake = add_with_request, send_with_request
    client.start()
    server.receive(client.data_to_send())
    assert HandshakeComplete() in client.receive(server.data_to_send())
    assert [n for s, n, _ in client.transcript_messages if s == "client"][-2:] == \
        ["Certificate", "Finished"]
    with pytest.raises(HandshakeError) as caught:
        server.receive(client.data_to_send())
    assert caught.value.alert == "unexpected_message"


# -- attacker bytes: the alert, and no application data --------------------------------
def test_wrong_pin_is_bad_certificate_and_untampered_succeeds():
    connected_pair()
    client, server = make_pair(client_options={"pins": [tls_certs.leaf("stranger").pin]})
    with pytest.raises(CertificateError) as caught:
        run(client, server)
    assert caught.value.alert == "bad_certificate"
    with pytest.raises(HandshakeError) as caught:
        server.receive(client.data_to_send())
    assert caught.value.alert == "bad_certificate"       # the peer's alert, received


def test_insecure_is_not_authenticated():
    client, server = make_pair()
    client = Client("localhost", insecure=True)
    run(client, server)
    assert client.state == State.CONNECTED and client.authenticated is False


@pytest.mark.parametrize("where", range(0, 60, 7))
def test_flipped_bit_in_server_flight_fails(where):
    client, server = make_pair(client_options={"session_id": b""})
    client.start()
    server.receive(client.data_to_send())
    flight = bytearray(server.data_to_send())
    offset = len(flight) - 1 - where
    flight[offset] ^= 0x01
    with pytest.raises(HandshakeError) as caught:
        client.receive(bytes(flight))
    assert caught.value.alert in ("bad_record_mac", "decode_error", "illegal_parameter")
    assert client.state == State.FAILED
    with pytest.raises(ValueError, match="failed"):
        client.send(b"x")


def test_tampered_application_record_releases_nothing():
    client, server = connected_pair()
    client.send(b"secret")
    record = bytearray(client.data_to_send())
    record[-3] ^= 4
    with pytest.raises(HandshakeError) as caught:
        server.receive(bytes(record))
    assert caught.value.alert == "bad_record_mac"
    assert server.data_to_send()[:1] == b"\x17"         # the alert, protected


def test_replayed_record_fails():
    client, server = connected_pair()
    client.send(b"once")
    record = client.data_to_send()
    assert server.receive(record) == [ApplicationData(b"once")]
    with pytest.raises(HandshakeError):
        server.receive(record)


@pytest.mark.parametrize("header, alert", [
    (b"\x17\x03\x03\xff\xff", "record_overflow"),
    (b"\x63\x03\x03\x00\x01", "unexpected_message"),
    (b"\x16\x09\x03\x00\x01", "unexpected_message"),
    (b"\x16\x03\x01\x00\x00", "unexpected_message"),
])
def test_bad_record_headers(header, alert):
    _, server = make_pair()
    with pytest.raises(HandshakeError) as caught:
        server.receive(header)
    assert caught.value.alert == alert
    assert len(server._in) == 0


def test_huge_handshake_message_is_refused_from_its_header():
    _, server = make_pair()
    header = b"\x01\xff\xff\xff"
    with pytest.raises(HandshakeError) as caught:
        server.receive(record_header(22, len(header)) + header)
    assert caught.value.alert == "decode_error"


def test_server_never_holds_more_than_one_record():
    _, server = make_pair()
    server.receive(record_header(22, MAX_PLAINTEXT) + bytes(100))
    assert len(server._in) == 105
    server.receive(bytes(MAX_PLAINTEXT - 100 - 10))
    assert len(server._in) <= 5 + MAX_PLAINTEXT


@pytest.mark.parametrize("mutate, alert", [
    (lambda h: setattr(h, "legacy_compression_methods", b"\x01"), "illegal_parameter"),
    (lambda h: setattr(h, "cipher_suites", [0x1303]), "handshake_failure"),
    (lambda h: h.extensions.__setitem__(
        [t for t, _ in h.extensions].index(ext.SUPPORTED_VERSIONS),
        (ext.SUPPORTED_VERSIONS, ext.encode_client_versions([0x0303]))), "protocol_version"),
    (lambda h: h.extensions.append((ext.SUPPORTED_VERSIONS, b"\x02\x03\x04")),
     "illegal_parameter"),
])
def test_server_refuses_bad_client_hellos(mutate, alert):
    client, server = make_pair()
    original = client._client_hello

    def bad(*args, **kwargs):
        hello = original(*args, **kwargs)
        mutate(hello)
        return hello
    client._client_hello = bad
    client.start()
    with pytest.raises(HandshakeError) as caught:
        server.receive(client.data_to_send())
    assert caught.value.alert == alert


def test_client_hello_garbage_is_decode_error():
    _, server = make_pair()
    body = b"\x03\x03" + bytes(32) + b"\x20" + bytes(5)
    message = m.handshake_message(1, body)
    with pytest.raises(HandshakeError) as caught:
        server.receive(record_header(22, len(message)) + message)
    assert caught.value.alert == "decode_error"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_client_hello_bodies_raise_only_handshake_error(body):
    _, server = make_pair()
    message = m.handshake_message(1, body)
    try:
        server.receive(record_header(22, len(message)) + message)
    except HandshakeError as exc:
        assert exc.alert in ALERT_CODES


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_server_bytes_raise_only_handshake_error(data):
    client, _ = make_pair()
    client.start()
    try:
        client.receive(data)
    except HandshakeError as exc:
        assert exc.alert in ALERT_CODES


def test_parse_server_name_non_ascii_is_decode_error():
    data = ext.encode_server_name("localhost").replace(b"localhost", b"l\xffcalhost")
    with pytest.raises(HandshakeError) as caught:
        ext.decode_server_name(data)
    assert caught.value.alert == "decode_error"


# -- caller misuse: precise exceptions, nothing changed ---------------------------------
def test_send_before_the_handshake_is_a_precise_value_error():
    client, server = make_pair()
    with pytest.raises(ValueError, match="before the handshake completed"):
        client.send(b"x")
    with pytest.raises(ValueError, match="before the handshake completed"):
        server.key_update()
    assert client.state == State.START and client.data_to_send() == b""


def test_bad_rng_is_type_error_before_any_state():
    identity = tls_certs.leaf()
    with pytest.raises(TypeError, match="rng"):
        Client("localhost", pins=[identity.pin], rng=lambda n: bytearray(n))
    client = Client("localhost", pins=[identity.pin], session_id=b"",
                    rng=lambda n: bytearray(n))
    with pytest.raises(TypeError, match="rng"):
        client.start()
    assert client.state == State.START and client.data_to_send() == b""
    server = Server([identity.cert_der], identity.key, rng=lambda n: "x" * n)
    good, _ = make_pair()
    good.start()
    with pytest.raises(TypeError, match="rng"):
        server.receive(good.data_to_send())


def test_injected_rng_stream_is_used_exactly():
    """Nothing is drawn to check the rng: a seeded stream's first 32 bytes are the session
    id, the next 32 the random (the injection point the lessons rely on)."""
    import random
    identity = tls_certs.leaf()
    stream = random.Random(7)
    client = Client("localhost", pins=[identity.pin], groups=["x25519"],
                    rng=stream.randbytes)
    client.start()
    expected = random.Random(7).randbytes(64)
    assert client._session_id == expected[:32] and client.client_random == expected[32:]


@pytest.mark.parametrize("options, error", [
    ({}, ValueError),                                          # no pins / cafile / insecure
    ({"insecure": True, "groups": ["nope"]}, ValueError),
    ({"insecure": True, "groups": "x25519,x25519"}, ValueError),
    ({"insecure": True, "cipher_suites": ["TLS_CHACHA20_POLY1305_SHA256"]}, ValueError),
    ({"pins": ["md5//abc"]}, ValueError),
    ({"insecure": "yes"}, TypeError),
    ({"insecure": True, "random": b"short"}, ValueError),
    ({"insecure": True, "session_id": bytes(33)}, ValueError),
    ({"insecure": True, "groups": ["rsa2048-oaep"]}, ValueError),
])
def test_client_option_errors(options, error):
    with pytest.raises(error):
        Client("localhost", **options)


def test_server_option_errors():
    identity = tls_certs.leaf()
    with pytest.raises(TypeError):
        Server([identity.cert_der], b"not a key")
    with pytest.raises(ValueError):
        Server([], identity.key)
    with pytest.raises(ValueError):
        Server([identity.cert_der], identity.key, groups=["x25519", "bogus"])


def test_start_twice_and_receive_after_failure():
    client, _ = make_pair()
    client.start()
    with pytest.raises(ValueError, match="already"):
        client.start()
    with pytest.raises(HandshakeError):
        client.receive(b"\x63\x03\x03\x00\x01")
    with pytest.raises(ValueError, match="failed"):
        client.receive(b"")


# -- the record layer's caller checks --------------------------------------------------
def test_record_layer_misuse():
    protection = RecordProtection(bytes(32))
    with pytest.raises(ValueError, match="sequence_number"):
        protection.nonce(-1)
    with pytest.raises(ValueError, match="uint16"):
        record_header(23, 70000)
    with pytest.raises(TypeError):
        split_records("abc")
    with pytest.raises(ValueError, match="padding must be >= 0"):
        protection.seal(23, b"x", padding=-1)
    with pytest.raises(RecordError):
        split_records(b"\x17\x03\x03\x00\x05abc")
    assert protection.sequence_number == 0


# -- wire structures: round trips and bounds --------------------------------------------
@given(st.lists(st.tuples(st.integers(0, 2 ** 16 - 1), st.binary(max_size=40)), max_size=6,
                unique_by=lambda e: e[0]))
def test_extensions_round_trip(extensions):
    encoded = ext.encode_extensions(extensions)
    reader = Reader(encoded)
    assert ext.decode_extensions(reader) == extensions and reader.at_end()


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=32),
       st.lists(st.integers(0, 2 ** 16 - 1), min_size=1, max_size=5))
def test_client_hello_round_trip(random, session_id, suites):
    hello = m.ClientHello(random, session_id, suites,
                          [(ext.SUPPORTED_VERSIONS, ext.encode_client_versions([ext.TLS13])),
                           (ext.SERVER_NAME, ext.encode_server_name("example.com"))])
    encoded = hello.encode()
    assert m.ClientHello.decode(encoded[4:]) == hello


@given(st.integers(0, 2 ** 32 - 1), st.integers(0, 2 ** 32 - 1), st.binary(max_size=255),
       st.binary(min_size=1, max_size=100))
def test_new_session_ticket_round_trip(lifetime, age_add, nonce, ticket):
    message = m.NewSessionTicket(lifetime, age_add, nonce, ticket)
    assert m.NewSessionTicket.decode(message.encode()[4:]) == message


def test_duplicate_extension_is_illegal_parameter():
    encoded = ext.encode_extensions([(1, b""), (1, b"")])
    with pytest.raises(HandshakeError) as caught:
        ext.decode_extensions(Reader(encoded))
    assert caught.value.alert == "illegal_parameter"


def test_key_update_value_out_of_range():
    with pytest.raises(HandshakeError) as caught:
        m.KeyUpdate.decode(b"\x02")
    assert caught.value.alert == "illegal_parameter"


@pytest.mark.parametrize("name", sorted(ALERT_CODES))
def test_alert_round_trip(name):
    assert decode_alert(encode_alert(name))[1] == name


def test_group_table_matches_kem_layer():
    from refkx.tls import groups
    for name in ("x25519", "x448", "ffdhe2048", "ffdhe8192", "modp1536", "rsa2048-oaep"):
        assert groups.available(name) and name in kem.KEMS
    assert groups.available("x25519mlkem768") == ("x25519mlkem768" in kem.KEMS)
    assert all(0xFE00 <= code <= 0xFEFF for code in groups.REFKX_ONLY_GROUPS.values())


# -- the dissector used by `trace session` ----------------------------------------------
@pytest.mark.parametrize("name", [n for n, _ in RFC8448_MESSAGES] + ["server_finished"])
def test_dissector_rows_cover_rfc8448_messages(name):
    from refkx.tls.dissect import handshake_rows
    raw = rfc8448()[name]
    rows = handshake_rows(raw)
    assert rows[0][0] == 0 and rows[0][2] == raw[:1]
    for offset, field, data, meaning in rows:
        assert raw[offset:offset + len(data)] == data, field
    assert "unknown" not in " ".join(meaning for *_, meaning in rows)


def test_refkx_only_rsa_key_transport_between_refkx_peers():
    """Private-use group 0xFE20: the client encapsulates to the server's RSA key."""
    key = tls_certs.leaf().key
    client, server = connected_pair(
        client_options={"groups": ["rsa2048-oaep"], "server_transport_key": key.public_key()},
        server_options={"groups": ["rsa2048-oaep"], "transport_keys": {"rsa2048-oaep": key}})
    assert client.group == server.group == "rsa2048-oaep"
    client.send(b"no forward secrecy")
    assert server.receive(client.data_to_send()) == [ApplicationData(b"no forward secrecy")]


@pytest.mark.parametrize("scheme", [signatures.RSA_PSS_RSAE_SHA384,
                                    signatures.RSA_PSS_RSAE_SHA512])
def test_certificate_verify_with_each_pss_scheme(scheme):
    """The server signs with the first rsa_pss_rsae_* scheme the client offers (§4.2.3)."""
    client, server = make_pair()
    original = client._client_hello

    def only(*args, **kwargs):
        hello = original(*args, **kwargs)
        at = [t for t, _ in hello.extensions].index(ext.SIGNATURE_ALGORITHMS)
        hello.extensions[at] = (ext.SIGNATURE_ALGORITHMS, ext.encode_code_list([scheme]))
        return hello
    client._client_hello = only
    run(client, server)
    assert client.state == State.CONNECTED
    assert server.signature_scheme == signatures.SCHEME_NAMES[scheme] == client.signature_scheme


def test_sslkeylogfile_environment_is_honoured(tmp_path, monkeypatch):
    path = tmp_path / "env.keys"
    monkeypatch.setenv("SSLKEYLOGFILE", str(path))
    client, server = connected_pair()
    lines = path.read_text().splitlines()
    # both endpoints of this in-process connection write the same five lines
    assert len(lines) == 10 and len(set(lines)) == 5
    assert all(line.split()[1] == client.client_random.hex() for line in lines)


def test_no_signature_scheme_in_common_is_handshake_failure():
    client, server = make_pair()
    original = client._client_hello

    def ecdsa_only(*args, **kwargs):
        hello = original(*args, **kwargs)
        at = [t for t, _ in hello.extensions].index(ext.SIGNATURE_ALGORITHMS)
        hello.extensions[at] = (ext.SIGNATURE_ALGORITHMS, ext.encode_code_list([0x0403]))
        return hello
    client._client_hello = ecdsa_only
    client.start()
    with pytest.raises(HandshakeError) as caught:
        server.receive(client.data_to_send())
    assert caught.value.alert == "handshake_failure"
