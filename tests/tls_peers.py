"""OpenSSL as a TLS 1.3 peer, over memory BIOs (no sockets): the stdlib `ssl` module (the
system OpenSSL) and pyOpenSSL (the OpenSSL that the cryptography wheel bundles, which
speaks X25519MLKEM768). `pump` shuttles bytes between a refkx endpoint and a peer until
neither has anything to say, a bounded number of rounds."""

from __future__ import annotations

import ssl

from refkx.errors import HandshakeError

MAX_ROUNDS = 50

OPENSSL_GROUP_NAMES = {"x25519": "X25519", "x448": "X448", "ffdhe2048": "ffdhe2048",
                       "ffdhe3072": "ffdhe3072", "x25519mlkem768": "X25519MLKEM768",
                       "mlkem768": "MLKEM768"}


class StdlibPeer:
    """An ssl.SSLObject over MemoryBIOs."""

    name = "stdlib-ssl"

    def __init__(self, context: ssl.SSLContext, server_side: bool, server_hostname=None):
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.obj = context.wrap_bio(self.incoming, self.outgoing, server_side=server_side,
                                    server_hostname=server_hostname)
        self.done = False
        self.received = bytearray()
        self.error = None

    def feed(self, data: bytes) -> None:
        if data:
            self.incoming.write(data)

    def step(self) -> None:
        try:
            if not self.done:
                self.obj.do_handshake()
                self.done = True
            while True:
                chunk = self.obj.read(65536)
                if not chunk:
                    break
                self.received += chunk
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        except ssl.SSLZeroReturnError:
            pass
        except ssl.SSLError as exc:
            self.error = exc

    def output(self) -> bytes:
        return self.outgoing.read()

    def send(self, data: bytes) -> None:
        self.obj.write(data)

    def close(self) -> None:
        try:
            self.obj.unwrap()
        except ssl.SSLError:
            pass

    @property
    def group(self):
        return None

    @property
    def cipher(self):
        return self.obj.cipher()[0]


class PyOpenSSLPeer:
    """A pyOpenSSL Connection in memory-BIO mode."""

    name = "pyopenssl"

    def __init__(self, context, server_side: bool, server_hostname=None):
        from OpenSSL import SSL
        self.SSL = SSL
        self.conn = SSL.Connection(context, None)
        if server_side:
            self.conn.set_accept_state()
        else:
            if server_hostname:
                self.conn.set_tlsext_host_name(server_hostname.encode())
            self.conn.set_connect_state()
        self.done = False
        self.received = bytearray()
        self.error = None

    def feed(self, data: bytes) -> None:
        if data:
            self.conn.bio_write(data)

    def step(self) -> None:
        SSL = self.SSL
        try:
            if not self.done:
                self.conn.do_handshake()
                self.done = True
            while True:
                self.received += self.conn.recv(65536)
        except (SSL.WantReadError, SSL.WantWriteError):
            pass
        except SSL.ZeroReturnError:
            pass
        except SSL.Error as exc:
            self.error = exc

    def output(self) -> bytes:
        out = bytearray()
        while True:
            try:
                chunk = self.conn.bio_read(65536)
            except self.SSL.WantReadError:
                break
            if not chunk:
                break
            out += chunk
        return bytes(out)

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def close(self) -> None:
        try:
            self.conn.shutdown()
        except self.SSL.Error:
            pass

    @property
    def group(self):
        return self.conn.get_group_name()

    @property
    def cipher(self):
        return self.conn.get_cipher_name()


def pump(endpoint, peer, events=None, start_with_peer=False) -> list:
    """Exchange bytes until quiet. refkx's events are collected; a refkx HandshakeError
    propagates after its alert has been delivered to the peer."""
    events = [] if events is None else events
    if start_with_peer:
        peer.step()
    for _ in range(MAX_ROUNDS):
        moved = False
        out = endpoint.data_to_send()
        if out:
            peer.feed(out)
            moved = True
        peer.step()
        back = peer.output()
        if back:
            moved = True
            try:
                events += endpoint.receive(back)
            except HandshakeError:
                peer.feed(endpoint.data_to_send())
                peer.step()
                raise
        if not moved:
            return events
    raise AssertionError("the peers did not go quiet")


def stdlib_context(server_side: bool, *, certfile=None, keyfile=None, cafile=None,
                   group=None, suite=None, keylog=None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    if certfile:
        context.load_cert_chain(certfile, keyfile)
    if cafile:
        context.load_verify_locations(cafile)
    elif not server_side:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if group:
        context.set_ecdh_curve(OPENSSL_GROUP_NAMES[group])
    if keylog:
        context.keylog_filename = keylog
    if suite:
        # The stdlib cannot choose TLS 1.3 suites; the tests that need one use pyOpenSSL.
        raise ValueError("stdlib ssl cannot restrict TLS 1.3 suites")
    return context


def pyopenssl_context(server_side: bool, *, certfile=None, keyfile=None, cafile=None,
                      groups=None, suite=None, keylog_lines=None):
    from OpenSSL import SSL
    from OpenSSL._util import lib
    context = SSL.Context(SSL.TLS_SERVER_METHOD if server_side else SSL.TLS_CLIENT_METHOD)
    context.set_min_proto_version(SSL.TLS1_3_VERSION)
    if certfile:
        context.use_certificate_chain_file(certfile)
        context.use_privatekey_file(keyfile)
    if cafile:
        context.load_verify_locations(cafile)
        context.set_verify(SSL.VERIFY_PEER)
    if groups:
        names = ":".join(OPENSSL_GROUP_NAMES[g] for g in groups).encode()
        assert lib.SSL_CTX_set1_curves_list(context._context, names) == 1
    if suite:
        context.set_tls13_ciphersuites(suite.encode())
    if keylog_lines is not None:
        context.set_keylog_callback(lambda conn, line: keylog_lines.append(line.decode()))
    return context
