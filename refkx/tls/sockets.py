"""The socket adapter: a refkx.tls Client or Server driven over a TCP socket, with a
socket-like API (sendall, recv, close), in the manner of ssl.SSLSocket over SSLObject.

    with refkx.tls.connect("localhost", 8443, pins=["sha256//..."]) as conn:
        conn.sendall(b"hello\\n")
        print(conn.recv(4096), conn.group, conn.cipher_suite, conn.authenticated)

Time bounds are deadlines, not per-recv timeouts: the whole handshake must finish within
`timeout` seconds, and so must each record after it (a peer sending one byte a second
cannot keep a half-sent record alive). A deadline that passes raises TimeoutError.

When the TLS layer fails, the alert it queued is sent before the exception propagates,
so the peer learns why (bad_certificate, bad_record_mac, ...).

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from typing import Optional, Union

from ..errors import HandshakeError
from .client import Client
from .connection import ApplicationData, ConnectionClosed
from .record import HEADER_SIZE, MAX_CIPHERTEXT
from .server import Server

DEFAULT_TIMEOUT = 10.0
RECV_SIZE = HEADER_SIZE + MAX_CIPHERTEXT       # one record at most per recv()


def check_timeout(timeout) -> float:
    """A finite, positive number of seconds (ValueError otherwise)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be a finite number of seconds > 0, got {timeout}")
    return float(timeout)


class TLSConnection:
    """A TLS 1.3 connection over a connected socket (client or server side)."""

    def __init__(self, sock: socket.socket, tls: Union[Client, Server],
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.sock = sock
        self.tls = tls
        self.timeout = check_timeout(timeout)
        self._application = bytearray()
        self._eof = False
        self.events: list = []
        # One thread may read while another writes (connect's stdin and stdout): the TLS
        # state is touched under this lock only.
        self._lock = threading.RLock()

    # -- what the connection reports ---------------------------------------------------
    @property
    def group(self) -> Optional[str]:
        return self.tls.group

    @property
    def cipher_suite(self) -> Optional[str]:
        return self.tls.cipher_suite

    @property
    def peer_certificate(self):
        return getattr(self.tls, "peer_certificate", None)

    @property
    def authenticated(self) -> bool:
        return bool(getattr(self.tls, "authenticated", False))

    def key_schedule_trace(self):
        return self.tls.key_schedule_trace()

    # -- I/O ---------------------------------------------------------------------------
    def _flush(self) -> None:
        with self._lock:
            data = self.tls.data_to_send()
            if data:
                self.sock.settimeout(self.timeout)
                self.sock.sendall(data)

    def _pump(self, deadline: float) -> bool:
        """Read once from the socket (bounded by the deadline) and feed the TLS layer.
        Returns False at EOF."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("TLS deadline passed")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(RECV_SIZE)
        except socket.timeout:
            raise TimeoutError("TLS deadline passed") from None
        if not data:
            return False
        with self._lock:
            try:
                events = self.tls.receive(data)
            except HandshakeError:
                self._send_failure_alert()
                raise
        self.events += events
        for event in events:
            if isinstance(event, ApplicationData):
                self._application += event.data
            elif isinstance(event, ConnectionClosed):
                self._eof = True
        self._flush()
        return True

    def _send_failure_alert(self) -> None:
        try:
            self._flush()
        except OSError:
            pass

    def do_handshake(self) -> None:
        """Run the handshake to completion within one `timeout` deadline."""
        deadline = time.monotonic() + self.timeout
        if isinstance(self.tls, Client) and self.tls.state.name == "START":
            self.tls.start()
        self._flush()
        while not self.tls.handshake_complete:
            if not self._pump(deadline):
                raise HandshakeError("connection closed during the handshake")

    def sendall(self, data: bytes) -> None:
        with self._lock:
            self.tls.send(data)
            self._flush()

    send = sendall

    def recv(self, bufsize: int = 2 ** 14, timeout: Optional[float] = None) -> bytes:
        """Up to `bufsize` bytes of application data; b"" after close_notify or EOF.
        Waiting for one record is bounded by `timeout` (default: the connection's)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not self._application and not self._eof:
            if not self._pump(deadline):
                self._eof = True
        data = bytes(self._application[:bufsize])
        del self._application[:bufsize]
        return data

    def key_update(self, update_requested: bool = False) -> None:
        with self._lock:
            self.tls.key_update(update_requested)
            self._flush()

    def shutdown_write(self) -> None:
        """Send close_notify but keep reading (TLS 1.3 allows the half-close, §6.1)."""
        with self._lock:
            self.tls.close()
            self._flush()

    @property
    def peer_closed(self) -> bool:
        return self._eof

    def close(self) -> None:
        """Send close_notify (if the connection is alive) and close the socket."""
        try:
            if self.tls.state.name != "FAILED":
                with self._lock:
                    self.tls.close()
                    self._flush()
        except (OSError, ValueError):
            pass
        finally:
            self.sock.close()

    def read_until_close(self) -> bytes:
        """Everything the peer sends until its close_notify or EOF (each record bounded)."""
        chunks = []
        while True:
            data = self.recv()
            if not data:
                return b"".join(chunks)
            chunks.append(data)

    def __enter__(self) -> "TLSConnection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<TLSConnection {self.tls.state.value} group={self.group} "
                f"suite={self.cipher_suite}>")


def connect(host: str, port: int, *, timeout: float = DEFAULT_TIMEOUT,
            server_name: Optional[str] = None, **options) -> TLSConnection:
    """Open a TCP connection and run a TLS 1.3 handshake as a client.

    `server_name` defaults to `host` (sent as SNI unless it is an IP address, and checked
    against the certificate with cafile=); every other option goes to refkx.tls.Client
    (groups, cipher_suites, pins, cafile, trust, insecure, keylog, random, session_id,
    ephemeral_keys, ...). Raises HandshakeError / CertificateError (after sending the
    alert) or TimeoutError.
    """
    timeout = check_timeout(timeout)
    client = Client(server_name if server_name is not None else host, **options)
    sock = socket.create_connection((host, port), timeout=timeout)
    conn = TLSConnection(sock, client, timeout)
    try:
        conn.do_handshake()
    except BaseException:
        sock.close()
        raise
    return conn


def accept(sock: socket.socket, server: Server, timeout: float = DEFAULT_TIMEOUT
           ) -> TLSConnection:
    """Run the server side of the handshake on an accepted socket."""
    conn = TLSConnection(sock, server, timeout)
    conn.do_handshake()
    return conn


__all__ = ["TLSConnection", "connect", "accept", "check_timeout"]
