"""refkx.tls against OpenSSL: the stdlib `ssl` module (system OpenSSL) and pyOpenSSL (the
OpenSSL bundled with cryptography), in both directions, over memory BIOs (plus one real
loopback socket through refkx.tls.connect). Every exchange is bounded (tls_peers.pump).

Each negative case shows the alert on both sides: refkx raises with `.alert`, and the
OpenSSL peer reports the alert it received."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest

from refkx import kem
from refkx.errors import CertificateError, HandshakeError
from refkx.tls import ApplicationData, Client, ConnectionClosed, HandshakeComplete, \
    KeyUpdated, Server

import tls_certs
from tls_peers import PyOpenSSLPeer, StdlibPeer, pump, pyopenssl_context, stdlib_context

HAVE_PYOPENSSL = True
try:
    import OpenSSL  # noqa: F401
except ImportError:
    HAVE_PYOPENSSL = False
needs_pyopenssl = pytest.mark.skipif(not HAVE_PYOPENSSL, reason="pyOpenSSL not installed")
needs_mlkem = pytest.mark.skipif("x25519mlkem768" not in kem.KEMS,
                                 reason="refkx.kem has no x25519mlkem768 yet")
try:
    import refkx.x509  # noqa: F401
    HAVE_X509 = True
except ImportError:
    HAVE_X509 = False
needs_x509 = pytest.mark.skipif(not HAVE_X509, reason="refkx.x509 not available")

ECHO = bytes(range(256)) * 80          # 20 KiB: two records each way


def _keylog_set(lines):
    return {line for line in lines if line and not line.startswith("#")}


def refkx_client(identity=None, **options):
    identity = identity or tls_certs.leaf()
    options.setdefault("pins", [identity.pin])
    lines = []
    return Client("localhost", keylog=lines.append, **options), lines


def refkx_server(identity=None, **options):
    identity = identity or tls_certs.leaf()
    lines = []
    return Server([identity.cert_der, tls_certs.ca().cert_der], identity.key,
                  keylog=lines.append, **options), lines


def openssl_server(kind, *, groups=None, suite=None, identity=None, keylog=None):
    identity = identity or tls_certs.leaf()
    if kind == "stdlib":
        context = stdlib_context(True, certfile=identity.certfile, keyfile=identity.keyfile,
                                 group=groups[0] if groups else None, keylog=keylog)
        return StdlibPeer(context, True)
    context = pyopenssl_context(True, certfile=identity.certfile, keyfile=identity.keyfile,
                                groups=groups, suite=suite, keylog_lines=keylog)
    return PyOpenSSLPeer(context, True)


def openssl_client(kind, *, groups=None, suite=None, keylog=None):
    cafile = tls_certs.ca().certfile
    if kind == "stdlib":
        context = stdlib_context(False, cafile=cafile, group=groups[0] if groups else None,
                                 keylog=keylog)
        return StdlibPeer(context, False, server_hostname="localhost")
    context = pyopenssl_context(False, cafile=cafile, groups=groups, suite=suite,
                                keylog_lines=keylog)
    return PyOpenSSLPeer(context, False, server_hostname="localhost")


PEERS = ["stdlib", pytest.param("pyopenssl", marks=needs_pyopenssl)]


def _client_echo(client, peer):
    client.start()
    events = pump(client, peer)
    assert any(isinstance(e, HandshakeComplete) for e in events)
    client.send(ECHO)
    pump(client, peer)
    assert bytes(peer.received) == ECHO
    peer.send(bytes(peer.received))
    events = pump(client, peer)
    assert b"".join(e.data for e in events if isinstance(e, ApplicationData)) == ECHO


def _server_echo(server, peer):
    events = pump(server, peer, start_with_peer=True)
    assert any(isinstance(e, HandshakeComplete) for e in events)
    peer.send(ECHO)
    events = pump(server, peer)
    data = b"".join(e.data for e in events if isinstance(e, ApplicationData))
    assert data == ECHO
    server.send(data)
    pump(server, peer)
    assert bytes(peer.received) == ECHO


# -- refkx client -> OpenSSL server ------------------------------------------------------
@pytest.mark.parametrize("kind", PEERS)
@pytest.mark.parametrize("group", ["x25519", "ffdhe2048"])
def test_refkx_client_to_openssl_server(kind, group):
    keylog = [] if kind == "pyopenssl" else None
    peer = openssl_server(kind, groups=[group], keylog=keylog)
    client, lines = refkx_client(groups=[group])
    _client_echo(client, peer)
    assert client.group == group and client.authenticated
    assert client.peer_certificate.der == tls_certs.leaf().cert_der
    if keylog is not None:
        assert _keylog_set(keylog) == _keylog_set(lines)
        assert len(_keylog_set(lines)) == 5


@needs_pyopenssl
@needs_mlkem
def test_refkx_client_to_openssl_server_x25519mlkem768():
    peer = openssl_server("pyopenssl", groups=["x25519mlkem768"])
    client, _ = refkx_client(groups=["x25519mlkem768"])
    _client_echo(client, peer)
    assert client.group == "x25519mlkem768" and peer.group == "X25519MLKEM768"


@needs_pyopenssl
@pytest.mark.parametrize("suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
def test_exporter_equals_openssl(suite):
    """RFC 8446 §7.5: refkx's exporter equals OpenSSL's SSL_export_keying_material."""
    peer = openssl_server("pyopenssl", suite=suite)
    client, _ = refkx_client(groups=["x25519"])
    _client_echo(client, peer)
    ours = client.export(b"EXPERIMENTAL refkx", b"context", 32)
    assert ours == peer.conn.export_keying_material(b"EXPERIMENTAL refkx", 32, b"context")


@needs_pyopenssl
@pytest.mark.parametrize("suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
def test_both_suites_refkx_client(suite):
    peer = openssl_server("pyopenssl", suite=suite)
    client, _ = refkx_client(groups=["x25519"])
    _client_echo(client, peer)
    assert client.cipher_suite == suite == peer.cipher


def test_stdlib_keylog_file_equals_refkx(tmp_path):
    path = tmp_path / "openssl.keylog"
    peer = openssl_server("stdlib", keylog=str(path))
    client, lines = refkx_client(groups=["x25519"])
    _client_echo(client, peer)
    assert _keylog_set(path.read_text().splitlines()) == _keylog_set(lines)


@pytest.mark.parametrize("kind", PEERS)
def test_hello_retry_request_from_openssl(kind):
    """The refkx client shares x25519 only; the server accepts only ffdhe2048: HRR."""
    peer = openssl_server(kind, groups=["ffdhe2048"])
    client, _ = refkx_client(groups=["x25519", "ffdhe2048"])
    _client_echo(client, peer)
    assert client.group == "ffdhe2048"
    names = [name for _, name, _ in client.transcript_messages]
    assert names[:3] == ["ClientHello", "HelloRetryRequest", "ClientHello"]
    assert client._transcript[0][0] == 254      # §4.4.1: message_hash replaces ClientHello1


@pytest.mark.parametrize("kind", PEERS)
def test_key_update_with_openssl_server(kind):
    peer = openssl_server(kind)
    client, _ = refkx_client(groups=["x25519"])
    _client_echo(client, peer)
    client.key_update(update_requested=True)
    client.send(b"after update")                 # under the new key
    pump(client, peer)
    assert bytes(peer.received).endswith(b"after update")
    # §4.6.3: OpenSSL answers with its own KeyUpdate before its next application data.
    peer.send(b"reply")
    events = pump(client, peer)
    assert events == [KeyUpdated(update_requested=False), ApplicationData(b"reply")]


@pytest.mark.parametrize("kind", PEERS)
def test_close_notify_with_openssl_server(kind):
    peer = openssl_server(kind)
    client, _ = refkx_client(groups=["x25519"])
    _client_echo(client, peer)
    client.close()
    pump(client, peer)
    peer.close()
    events = pump(client, peer)
    assert ConnectionClosed() in events


# -- OpenSSL client -> refkx server ------------------------------------------------------
@pytest.mark.parametrize("kind", PEERS)
@pytest.mark.parametrize("group", ["x25519", "ffdhe2048"])
def test_openssl_client_to_refkx_server(kind, group):
    keylog = [] if kind == "pyopenssl" else None
    peer = openssl_client(kind, groups=[group], keylog=keylog)
    server, lines = refkx_server(groups=[group])
    _server_echo(server, peer)
    assert server.group == group and not server.hello_retried
    if keylog is not None:
        assert _keylog_set(keylog) == _keylog_set(lines)


@needs_pyopenssl
@needs_mlkem
def test_openssl_client_to_refkx_server_x25519mlkem768():
    peer = openssl_client("pyopenssl", groups=["x25519mlkem768", "x25519"])
    server, _ = refkx_server()
    _server_echo(server, peer)
    assert server.group == "x25519mlkem768"


@needs_pyopenssl
@pytest.mark.parametrize("suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
def test_both_suites_refkx_server(suite):
    peer = openssl_client("pyopenssl", suite=suite)
    server, _ = refkx_server(groups=["x25519"])
    _server_echo(server, peer)
    assert server.cipher_suite == suite == peer.cipher


@pytest.mark.parametrize("kind", PEERS)
def test_refkx_server_sends_hello_retry_request(kind):
    """OpenSSL shares X25519 first; the refkx server prefers ffdhe2048 and asks for it."""
    peer = openssl_client(kind, groups=["x25519", "ffdhe2048"] if kind == "pyopenssl" else None)
    server, _ = refkx_server(groups=["ffdhe2048", "x25519"])
    _server_echo(server, peer)
    assert server.hello_retried and server.group == "ffdhe2048"


@needs_pyopenssl
def test_key_update_from_openssl_client_request():
    """refkx server asks the OpenSSL client to update; both directions move on."""
    peer = openssl_client("pyopenssl")
    server, _ = refkx_server(groups=["x25519"])
    _server_echo(server, peer)
    server.key_update(update_requested=True)
    pump(server, peer)
    peer.send(b"still here")
    events = pump(server, peer)
    assert events == [KeyUpdated(update_requested=False), ApplicationData(b"still here")]


# -- refusals ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", PEERS)
def test_wrong_pin_is_bad_certificate(kind):
    peer = openssl_server(kind)
    client, _ = refkx_client(pins=[tls_certs.leaf("stranger").pin])
    client.start()
    with pytest.raises(CertificateError) as caught:
        pump(client, peer)
    assert caught.value.alert == "bad_certificate"
    assert "bad certificate" in str(peer.error).lower() or "bad_certificate" in str(peer.error)
    # ... and the right pin succeeds.
    _client_echo(refkx_client()[0], openssl_server(kind))


@pytest.mark.parametrize("kind", PEERS)
def test_tampered_record_is_bad_record_mac(kind):
    peer = openssl_server(kind)
    client, _ = refkx_client()
    _client_echo(client, peer)
    peer.send(b"secret")
    peer.step()
    record = bytearray(peer.output())
    record[-1] ^= 1
    with pytest.raises(HandshakeError) as caught:
        client.receive(bytes(record))
    assert caught.value.alert == "bad_record_mac"
    peer.feed(client.data_to_send())
    peer.step()
    assert "bad record mac" in str(peer.error).lower()


@pytest.mark.parametrize("kind", PEERS)
def test_refkx_server_refuses_tampered_record(kind):
    peer = openssl_client(kind)
    server, _ = refkx_server(groups=["x25519"])
    _server_echo(server, peer)
    peer.send(b"secret")
    record = bytearray(peer.output())
    record[7] ^= 0x80
    with pytest.raises(HandshakeError) as caught:
        server.receive(bytes(record))
    assert caught.value.alert == "bad_record_mac"


@needs_x509
@pytest.mark.parametrize("case, alert", [("expired", "certificate_expired"),
                                         ("stranger", "unknown_ca"),
                                         ("hostname", "bad_certificate")])
def test_ca_file_refusals(case, alert):
    kind_stdlib = "stdlib"
    identity = tls_certs.leaf("good" if case == "hostname" else case)
    peer = openssl_server(kind_stdlib, identity=identity)
    name = "not-localhost.example" if case == "hostname" else "localhost"
    client = Client(name, cafile=tls_certs.ca().certfile)
    client.start()
    with pytest.raises(CertificateError) as caught:
        pump(client, peer)
    assert caught.value.alert == alert
    good = Client("localhost", cafile=tls_certs.ca().certfile)
    _client_echo(good, openssl_server(kind_stdlib))
    assert good.authenticated


# -- one real loopback socket ------------------------------------------------------------
def test_connect_over_a_socket_to_stdlib_server(tmp_path):
    import refkx.tls
    identity = tls_certs.leaf()
    context = stdlib_context(True, certfile=identity.certfile, keyfile=identity.keyfile)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    errors = []

    def serve_one():
        try:
            raw, _ = listener.accept()
            raw.settimeout(10)
            with context.wrap_socket(raw, server_side=True) as tls_socket:
                data = b""
                while not data.endswith(b"\n"):
                    chunk = tls_socket.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                tls_socket.sendall(data)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            listener.close()

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    with refkx.tls.connect("127.0.0.1", port, server_name="localhost", pins=[identity.pin],
                           groups=["x25519"], timeout=10) as conn:
        conn.sendall(ECHO + b"\n")
        received = b""
        while len(received) < len(ECHO) + 1:
            received += conn.recv()
        assert received == ECHO + b"\n"
        assert conn.group == "x25519" and conn.authenticated
        assert conn.cipher_suite in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")
        assert any(name == "server_handshake_traffic_secret"
                   for name, _ in conn.key_schedule_trace())
    thread.join(10)
    assert not errors
