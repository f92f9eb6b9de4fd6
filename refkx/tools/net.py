"""A thin TCP adapter around the sans-I/O session: `python -m refkx serve` / `connect`.

refkx.session never touches a socket: it turns bytes into bytes. This module moves
those bytes over TCP on the loopback interface, one session message per frame:

    frame = length (4 bytes, big-endian, 1 .. max_frame) || message

Wire order: client hello -> server respond -> client finish; then records both
ways (the server echoes each application record back); the client ends with the
session's close record and both sides close the socket.

Every socket has a timeout; a frame longer than `max_frame` is refused before its
body is read; a peer that sends garbage, stops half-way or disappears gets a clean
`NetError` on our side and the server goes on serving others. Only 127.0.0.1 is
used: this is a teaching tool, not a network service.

CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time

from ..errors import RefkxError

LOOPBACK = "127.0.0.1"
LENGTH = struct.Struct(">I")         # the 4-byte big-endian frame length
MAX_FRAME = 1 << 20                  # 1 MiB: larger than any session message refkx sends
DEFAULT_TIMEOUT = 10.0               # seconds for any single read or write


class NetError(RefkxError):
    """The peer broke the framing, went silent, or disconnected mid-frame."""


class ConnectionClosed(NetError):
    """The peer closed the connection cleanly between frames."""


# --------------------------------------------------------------------------
# Framing
# --------------------------------------------------------------------------

def encode_frame(payload: bytes, max_frame: int = MAX_FRAME) -> bytes:
    if not isinstance(payload, (bytes, bytearray, memoryview)):
        raise TypeError(f"payload must be bytes-like, not {type(payload).__name__}")
    if not 1 <= len(payload) <= max_frame:
        raise ValueError(f"frame payload must be 1..{max_frame} bytes, not {len(payload)}")
    return LENGTH.pack(len(payload)) + bytes(payload)


def send_frame(sock: socket.socket, payload: bytes, max_frame: int = MAX_FRAME) -> None:
    try:
        sock.sendall(encode_frame(payload, max_frame))
    except (socket.timeout, OSError) as exc:
        raise NetError(f"send failed: {exc}") from None


def _recv_exactly(sock: socket.socket, n: int, at_boundary: bool) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except socket.timeout:
            raise NetError("timed out waiting for the peer") from None
        except OSError as exc:
            raise NetError(f"receive failed: {exc}") from None
        if not chunk:
            if at_boundary and not buf:
                raise ConnectionClosed("peer closed the connection")
            raise NetError(f"peer disconnected mid-frame ({len(buf)} of {n} bytes)")
        buf += chunk
    return bytes(buf)


def recv_frame(sock: socket.socket, max_frame: int = MAX_FRAME) -> bytes:
    """One frame's payload; ConnectionClosed at a clean end, NetError on anything else."""
    (length,) = LENGTH.unpack(_recv_exactly(sock, LENGTH.size, at_boundary=True))
    if length == 0 or length > max_frame:
        raise NetError(f"bad frame length {length} (allowed 1..{max_frame})")
    return _recv_exactly(sock, length, at_boundary=False)


def _require_loopback(host: str) -> str:
    if host != LOOPBACK:
        raise ValueError(f"refkx only listens and connects on {LOOPBACK}, not {host!r}")
    return host


# --------------------------------------------------------------------------
# The session over a socket (adapts to refkx.session's sans-I/O parties)
# --------------------------------------------------------------------------

class EchoServer:
    """Accepts connections on 127.0.0.1:port and echoes every record of each session.

    One thread per connection; `close()` stops accepting. `identity` is the server's
    RSA private key (None: anonymous mode).
    """

    def __init__(self, port: int = 0, identity=None, kems=None, *, host: str = LOOPBACK,
                 timeout: float = DEFAULT_TIMEOUT, max_frame: int = MAX_FRAME, log=None):
        self.identity, self.kems = identity, kems
        self.timeout, self.max_frame = timeout, max_frame
        self.log = log or (lambda text: None)
        self.errors: list[str] = []
        self.sessions_done = 0
        self._sock = socket.create_server((_require_loopback(host), port))
        self._sock.settimeout(0.2)               # so the accept loop notices close()
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def serve_forever(self, max_connections: int | None = None) -> None:
        served = 0
        while not self._stop.is_set() and (max_connections is None or served < max_connections):
            try:
                conn, addr = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            served += 1
            t = threading.Thread(target=self._handle, args=(conn, addr), daemon=True)
            t.start()
            self._threads.append(t)
        for t in self._threads:
            t.join(self.timeout + 1)

    def start(self) -> "EchoServer":
        """serve_forever in a background thread (for tests and the demo)."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self, conn: socket.socket, addr) -> None:
        from .. import session
        peer = f"{addr[0]}:{addr[1]}"
        conn.settimeout(self.timeout)
        try:
            server = session.Server(identity=self.identity, kems=self.kems)
            hello = recv_frame(conn, self.max_frame)
            send_frame(conn, server.respond(hello), self.max_frame)
            server.complete(recv_frame(conn, self.max_frame))
            self.log(f"{peer}: handshake complete")
            while True:
                try:
                    record = recv_frame(conn, self.max_frame)
                except ConnectionClosed:
                    self.log(f"{peer}: closed without a close record")
                    break
                plaintext = server.open(record)
                if server.peer_closed:
                    self.log(f"{peer}: close record received")
                    break
                if plaintext:                     # key updates open to nothing: no echo
                    send_frame(conn, server.seal(plaintext), self.max_frame)
            self.sessions_done += 1
        except (RefkxError, ValueError) as exc:   # a bad peer: report, drop it, keep serving
            message = f"{peer}: {type(exc).__name__}: {exc}"
            self.errors.append(message)
            self.log(message)
        except Exception as exc:                  # a bug of ours: still only this connection
            message = f"{peer}: internal error {type(exc).__name__}: {exc}"
            self.errors.append(message)
            self.log(message)
        finally:
            conn.close()


class PinningError(NetError):
    """The server's key is not the one whose fingerprint we pinned."""


def connect_and_echo(port: int, messages, *, server_key=None, fingerprint: str | None = None,
                     kem: str = "x25519", host: str = LOOPBACK,
                     timeout: float = DEFAULT_TIMEOUT, max_frame: int = MAX_FRAME,
                     key_update_every: int | None = None) -> list[bytes]:
    """Run a client session: send each message, return the echoed plaintexts in order.

    Pin the server with `server_key` (its RSAPublicKey) or with `fingerprint` (the hex
    SHA-256 printed by `serve`). With a fingerprint the client checks the key the
    server signed with against it BEFORE sending its Finished or any data.
    """
    from .. import session
    replies = []
    with socket.create_connection((_require_loopback(host), port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        client = session.Client(kem=kem, server_key=server_key)
        send_frame(sock, client.hello(), max_frame)
        finished = client.finish(recv_frame(sock, max_frame))
        if fingerprint is not None:
            expected = fingerprint.lower().replace(":", "")
            if client.peer_fingerprint is None or client.peer_fingerprint != expected:
                raise PinningError(f"server key fingerprint {client.peer_fingerprint or '(none: anonymous server)'}"
                                   f" does not match the pinned {expected}")
        send_frame(sock, finished, max_frame)
        for i, message in enumerate(messages, start=1):
            send_frame(sock, client.seal(message), max_frame)
            replies.append(client.open(recv_frame(sock, max_frame)))
            if key_update_every and i % key_update_every == 0:
                send_frame(sock, client.key_update(), max_frame)
        send_frame(sock, client.close(), max_frame)
    return replies


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _port(text: str) -> int:
    """argparse type for --port: a TCP port number (a bad one is a usage error, exit 2)."""
    import argparse
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be in 0..65535, not {port}")
    return port


def add_serve_arguments(parser) -> None:
    parser.add_argument("--port", type=_port, default=0,
                        help="TCP port on 127.0.0.1 (0: pick a free one and print it)")
    parser.add_argument("--anonymous", action="store_true",
                        help="no server identity (the man-in-the-middle-able mode)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per read")
    parser.add_argument("--max-connections", type=int, default=None,
                        help="stop after this many connections (default: run until Ctrl-C)")


def add_connect_arguments(parser) -> None:
    parser.add_argument("--port", type=_port, required=True,
                        help="the server's port on 127.0.0.1")
    parser.add_argument("--fingerprint", help="the server key fingerprint printed by `serve` "
                        "(hex); without it the session is anonymous")
    parser.add_argument("--file", help="send this file (in records) instead of stdin lines")
    parser.add_argument("--kem", default="x25519", help="key establishment mechanism (kem.KEMS)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per read")


def _log(text: str) -> None:
    print(f"[serve {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_serve(args) -> int:
    from .. import rsa, session
    identity = None
    if not args.anonymous:
        started = time.perf_counter()
        print("generating the server's RSA-2048 identity key ...", file=sys.stderr, flush=True)
        identity = rsa.generate_private_key(2048)
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    try:
        server = EchoServer(args.port, identity, timeout=args.timeout, log=_log)
    except OSError as exc:                   # e.g. the port is already in use
        print(f"serve: cannot listen on {LOOPBACK}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"listening on {LOOPBACK}:{server.port}", flush=True)
    if identity is not None:
        fp = session.fingerprint(identity.public_key())
        print(f"server key fingerprint: {fp}", flush=True)
        print(f"try: echo hello | python -m refkx connect --port {server.port} --fingerprint {fp}",
              file=sys.stderr, flush=True)
    else:
        print("anonymous mode: no server key, nothing to pin", flush=True)
    try:
        server.serve_forever(args.max_connections)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _file_chunks(path: str, size: int = 16 * 1024):
    with open(path, "rb") as f:
        while chunk := f.read(size):
            yield chunk


def run_connect(args) -> int:
    from ..kem import get_kem
    try:
        get_kem(args.kem)                    # an unknown name is a usage error: exit 2
    except ValueError as exc:
        print(f"connect: {exc}", file=sys.stderr)
        return 2
    pinned = None
    if args.fingerprint is not None:
        pinned = args.fingerprint.strip().lower().replace(":", "")
        if len(pinned) != 64 or any(c not in "0123456789abcdef" for c in pinned):
            print("connect: --fingerprint must be the 64 hex digits printed by `serve`",
                  file=sys.stderr)
            return 2
    if args.file:
        try:
            messages = list(_file_chunks(args.file))
        except OSError as exc:
            print(f"connect: cannot read --file: {exc}", file=sys.stderr)
            return 2
    else:
        messages = [line.rstrip("\n").encode() for line in sys.stdin if line.rstrip("\n")]
    if pinned is None:                       # said before anything is sent
        print("warning: no --fingerprint given: the server is not authenticated "
              "(anyone in the middle can read what is sent)", file=sys.stderr, flush=True)
    try:
        replies = connect_and_echo(args.port, messages, fingerprint=pinned, kem=args.kem,
                                   timeout=args.timeout)
    except (RefkxError, OSError, ValueError) as exc:
        print(f"connect: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for sent, reply in zip(messages, replies):
        if args.file:
            continue
        print(f"echo: {reply.decode(errors='replace')}")
    if args.file:
        total = sum(len(m) for m in messages)
        same = b"".join(replies) == b"".join(messages)
        print(f"sent {total} bytes in {len(messages)} records; echo identical: {same}")
        return 0 if same else 1
    return 0
