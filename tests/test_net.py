"""refkx.tools.net: framing, the session over real loopback sockets, and bad peers.

Servers run in threads on 127.0.0.1 with an ephemeral port (port 0); every socket has a
short timeout so that a broken test fails instead of hanging.
"""

import socket
import struct
import threading
import time

import pytest

from refkx import session
from refkx.tools import net
from refkx.errors import HandshakeError
from rsa_keys import cached_key

TIMEOUT = 5.0


@pytest.fixture(scope="module")
def identity():
    return cached_key(2048)                # shared with the other test files


@pytest.fixture
def server(identity):
    srv = net.EchoServer(0, identity, timeout=TIMEOUT, max_frame=64 * 1024).start()
    yield srv
    srv.close()


# --- framing ---

class FakeSocket:
    """recv() hands out scripted chunks; sendall() collects."""

    def __init__(self, chunks=()):
        self.chunks = list(chunks)
        self.sent = b""

    def recv(self, n):
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if isinstance(chunk, Exception):
            raise chunk
        if len(chunk) > n:
            self.chunks.insert(0, chunk[n:])
            chunk = chunk[:n]
        return chunk

    def sendall(self, data):
        self.sent += data


def test_frame_round_trip_in_small_pieces():
    frame = net.encode_frame(b"hello")
    assert frame == b"\x00\x00\x00\x05hello"
    sock = FakeSocket([frame[i:i + 1] for i in range(len(frame))])
    assert net.recv_frame(sock) == b"hello"


def test_send_frame():
    sock = FakeSocket()
    net.send_frame(sock, bytearray(b"abc"))
    assert sock.sent == b"\x00\x00\x00\x03abc"


@pytest.mark.parametrize("payload", [b"", b"x" * 11])
def test_encode_frame_refuses_bad_sizes(payload):
    with pytest.raises(ValueError):
        net.encode_frame(payload, max_frame=10)


def test_encode_frame_refuses_str():
    with pytest.raises(TypeError):
        net.encode_frame("text")


def test_clean_eof_between_frames():
    with pytest.raises(net.ConnectionClosed):
        net.recv_frame(FakeSocket([]))


@pytest.mark.parametrize("chunks", [[b"\x00\x00"], [b"\x00\x00\x00\x05he"]])
def test_eof_mid_frame(chunks):
    with pytest.raises(net.NetError) as info:
        net.recv_frame(FakeSocket(chunks))
    assert not isinstance(info.value, net.ConnectionClosed)


@pytest.mark.parametrize("length", [0, 1 << 20 + 1, 0xFFFFFFFF])
def test_bad_lengths_refused_before_reading_body(length):
    sock = FakeSocket([struct.pack(">I", length)])
    with pytest.raises(net.NetError, match="bad frame length"):
        net.recv_frame(sock)


def test_timeout_is_a_net_error():
    with pytest.raises(net.NetError, match="timed out"):
        net.recv_frame(FakeSocket([socket.timeout()]))


def test_only_loopback():
    with pytest.raises(ValueError):
        net.EchoServer(0, host="0.0.0.0")
    with pytest.raises(ValueError):
        net.connect_and_echo(1, [], host="192.0.2.1")


# --- a real session over loopback ---

def test_echo_with_pinned_key(server, identity):
    messages = [b"first line", b"second line", b"x" * 40000]
    replies = net.connect_and_echo(server.port, messages, server_key=identity.public_key(),
                                   timeout=TIMEOUT, key_update_every=1)
    assert replies == messages
    _wait_for(lambda: server.sessions_done == 1)
    assert server.errors == []


def test_echo_with_fingerprint(server, identity):
    fp = session.fingerprint(identity.public_key())
    assert net.connect_and_echo(server.port, [b"hi"], fingerprint=fp, timeout=TIMEOUT) == [b"hi"]


def test_wrong_fingerprint_refused_before_any_data(server):
    with pytest.raises(net.PinningError):
        net.connect_and_echo(server.port, [b"secret"], fingerprint="00" * 32, timeout=TIMEOUT)
    _wait_for(lambda: server.errors)
    assert server.sessions_done == 0


def test_wrong_pinned_key_refused(server):
    other = cached_key(1024).public_key()
    with pytest.raises(HandshakeError):
        net.connect_and_echo(server.port, [b"secret"], server_key=other, timeout=TIMEOUT)


def test_anonymous_server():
    with net.EchoServer(0, None, timeout=TIMEOUT).start() as srv:
        assert net.connect_and_echo(srv.port, [b"a", b"b"], timeout=TIMEOUT) == [b"a", b"b"]
        with pytest.raises(net.PinningError):
            net.connect_and_echo(srv.port, [b"a"], fingerprint="11" * 32, timeout=TIMEOUT)


def test_other_kem(server):
    assert net.connect_and_echo(server.port, [b"dh"], kem="ffdhe2048",
                                timeout=TIMEOUT) == [b"dh"]


# --- bad peers: a clean error on the server, and it keeps serving ---

def _raw(port):
    sock = socket.create_connection((net.LOOPBACK, port), timeout=TIMEOUT)
    sock.settimeout(TIMEOUT)
    return sock


def _wait_for(condition, limit=TIMEOUT):
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


def _still_serves(server, identity):
    assert net.connect_and_echo(server.port, [b"still here"], server_key=identity.public_key(),
                                timeout=TIMEOUT) == [b"still here"]


def test_garbage_bytes(server, identity):
    with _raw(server.port) as sock:
        sock.sendall(b"\x00\x00\x00\x10" + b"\xde\xad\xbe\xef" * 4)
        assert sock.recv(10) == b""             # the server hangs up
    _wait_for(lambda: server.errors)
    assert "HandshakeError" in server.errors[0]
    _still_serves(server, identity)


def test_oversized_frame(server, identity):
    with _raw(server.port) as sock:
        sock.sendall(struct.pack(">I", 10 * 1024 * 1024))
        assert sock.recv(10) == b""
    _wait_for(lambda: server.errors)
    assert "bad frame length" in server.errors[0]
    _still_serves(server, identity)


def test_early_disconnect_mid_frame(server, identity):
    with _raw(server.port) as sock:
        sock.sendall(b"\x00\x00\x01\x00abc")
    _wait_for(lambda: server.errors)
    assert "mid-frame" in server.errors[0]
    _still_serves(server, identity)


def test_disconnect_after_handshake(server, identity):
    client = session.Client(server_key=identity.public_key())
    with _raw(server.port) as sock:
        net.send_frame(sock, client.hello())
        net.send_frame(sock, client.finish(net.recv_frame(sock)))
        net.send_frame(sock, client.seal(b"one"))
        assert client.open(net.recv_frame(sock)) == b"one"
    # no close record: the server notices the plain EOF, without an error
    _still_serves(server, identity)
    assert server.errors == []


def test_tampered_record(server, identity):
    client = session.Client(server_key=identity.public_key())
    with _raw(server.port) as sock:
        net.send_frame(sock, client.hello())
        net.send_frame(sock, client.finish(net.recv_frame(sock)))
        record = bytearray(client.seal(b"pay 10"))
        record[-1] ^= 1
        net.send_frame(sock, bytes(record))
        assert sock.recv(10) == b""
    _wait_for(lambda: server.errors)
    _still_serves(server, identity)


def test_silent_peer_times_out(identity):
    with net.EchoServer(0, identity, timeout=0.3).start() as srv:
        with _raw(srv.port) as sock:
            _wait_for(lambda: srv.errors, limit=3)
            assert "timed out" in srv.errors[0]
            assert sock.recv(10) == b""


def test_client_times_out_on_silent_server():
    listener = socket.create_server((net.LOOPBACK, 0))
    try:
        with pytest.raises(net.NetError, match="timed out"):
            net.connect_and_echo(listener.getsockname()[1], [b"x"], timeout=0.3)
    finally:
        listener.close()


def test_many_clients_at_once(server, identity):
    results = []

    def one(i):
        results.append(net.connect_and_echo(server.port, [f"client {i}".encode()],
                                            server_key=identity.public_key(), timeout=TIMEOUT))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert sorted(r[0] for r in results) == [f"client {i}".encode() for i in range(4)]
