"""`python -m refkx serve` and `connect`: TLS 1.3 over TCP, on top of refkx.tls.

serve: a TLS 1.3 echo server. Every application byte a client sends comes back to it.
    --cert/--key PEM files (the key PKCS#8 or PKCS#1, the certificate file may hold a chain,
    leaf first), or without them a fresh self-signed certificate for localhost whose pin
    is printed. --groups is the server's preference order. Robustness: each handshake and
    each record must complete within --timeout seconds (a deadline, not a per-recv timer);
    at most --max-connections peers are served at once and the next ones are closed at
    once; no peer ever has more than one record (5 + 2^14 + 256 bytes) buffered; one log
    line per event on stderr.

connect HOST:PORT: sends each stdin line as application data, writes what comes back to
    stdout, then sends close_notify and reads until the server's close_notify or EOF.
    Trust is explicit: --pin sha256//..., --cafile PEM (with host name checks), or
    --insecure (loudly not authenticated); none of them is a usage error (exit 2).

Exit codes: 0 success, 1 failed check or refused peer, 2 usage error.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import sys
import threading
import time

from ..errors import HandshakeError, RefkxError
from ..tls import groups as tls_groups
from ..tls.connection import check_cipher_suites
from ..tls.keylog import KeyLogFile
from ..tls.server import Server
from ..tls.sockets import DEFAULT_TIMEOUT, TLSConnection, connect

LOOPBACK = "127.0.0.1"
DEFAULT_MAX_CONNECTIONS = 64
MAX_CONNECTIONS_LIMIT = 4096
MAX_TIMEOUT = 3600.0
ACCEPT_POLL = 0.2                    # seconds between checks for stop() while accepting
SELF_SIGNED_DAYS = 30
IDENTITY_BITS = 2048


# -- argument types: every number range-checked at parse time (exit 2) --------------------
def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be in 0..65535, not {port}")
    return port


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"timeout must be a finite number of seconds in (0, {MAX_TIMEOUT:g}], not {text}")
    return value


def connection_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_CONNECTIONS_LIMIT:
        raise argparse.ArgumentTypeError(
            f"--max-connections must be in 1..{MAX_CONNECTIONS_LIMIT}, not {value}")
    return value


def group_list(text: str) -> tuple[str, ...]:
    """Groups the command line can run: RSA key transport needs the server's RSA key in
    advance (a library option, refkx.tls.Client(server_transport_key=...)), so it is refused."""
    try:
        names = tls_groups.check_groups(text)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    transport = [name for name in names if tls_groups.is_transport(name)]
    if transport:
        raise argparse.ArgumentTypeError(
            f"{transport[0]} is refkx-only RSA key transport; the command line offers only "
            "key-exchange groups")
    return names


def host_port(text: str) -> tuple[str, int]:
    """HOST:PORT or [IPv6]:PORT."""
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    number = port_number(port)
    if number == 0:
        raise argparse.ArgumentTypeError("port 0 cannot be connected to")
    return host, number


def pin_value(text: str) -> str:
    from ..tls.trust import check_pin
    try:
        return check_pin(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def suite_list(text: str):
    try:
        return check_cipher_suites([s.strip() for s in text.split(",") if s.strip()])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_serve_arguments(parser) -> None:
    parser.add_argument("--host", default=LOOPBACK, help=f"address to listen on ({LOOPBACK})")
    parser.add_argument("--port", type=port_number, required=True,
                        help="TCP port (0: pick a free one and print it)")
    parser.add_argument("--cert", help="PEM certificate file (a chain, leaf first)")
    parser.add_argument("--key", help="PEM private key (PKCS#8 or PKCS#1) for --cert")
    parser.add_argument("--groups", type=group_list, default=None,
                        help="groups in preference order (default: "
                             f"{','.join(tls_groups.DEFAULT_SERVER_GROUPS)})")
    parser.add_argument("--ciphers", type=suite_list, default=None,
                        help="TLS 1.3 suites in preference order")
    parser.add_argument("--keylog", help="append the key log (SSLKEYLOGFILE format) here")
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT,
                        help="deadline in seconds for each handshake and each record (10)")
    parser.add_argument("--max-connections", type=connection_count,
                        default=DEFAULT_MAX_CONNECTIONS,
                        help="peers served at once; more are closed at once (64)")


def add_connect_arguments(parser) -> None:
    parser.add_argument("target", type=host_port, metavar="HOST:PORT")
    parser.add_argument("--servername", help="server name for SNI and the certificate check "
                                             "(default: HOST)")
    parser.add_argument("--groups", type=group_list, default=None,
                        help="groups; a key share is sent for the first only (default: "
                             f"{','.join(tls_groups.DEFAULT_CLIENT_GROUPS)})")
    parser.add_argument("--ciphers", type=suite_list, default=None,
                        help="TLS 1.3 suites to offer")
    parser.add_argument("--pin", type=pin_value, action="append", default=[],
                        help="trust the server whose key has this sha256//BASE64 pin")
    parser.add_argument("--cafile", help="trust certificates issued by the CAs in this PEM file")
    parser.add_argument("--insecure", action="store_true",
                        help="trust anything: the connection is NOT authenticated")
    parser.add_argument("--keylog", help="append the key log (SSLKEYLOGFILE format) here")
    parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT,
                        help="deadline in seconds for the handshake and each read (10)")


# -- the log ------------------------------------------------------------------------------
_log_lock = threading.Lock()


def log(text: str, stream=None) -> None:
    """One whole line per event, never interleaved with another thread's."""
    stream = stream or sys.stderr
    with _log_lock:
        stream.write(f"[serve {time.strftime('%H:%M:%S')}] {text}\n")
        stream.flush()


# -- the server's identity ----------------------------------------------------------------
def _new_rsa_key(bits: int = IDENTITY_BITS):
    from .. import rsa
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def self_signed_identity(hostname: str = "localhost"):
    """(certificate chain, private key) for a fresh self-signed certificate for hostname."""
    import datetime

    from .. import x509
    key = _new_rsa_key()
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = x509.issue_certificate(
        key, key, f"CN={hostname}", dns_names=(hostname,),
        not_before=now - datetime.timedelta(minutes=5),
        not_after=now + datetime.timedelta(days=SELF_SIGNED_DAYS))
    return [certificate], key


def load_identity(cert_path: str, key_path: str):
    """(certificate chain, RSA private key) from PEM files; ValueError if unusable."""
    from .. import rsa, serialization, x509
    with open(cert_path, "rb") as f:
        chain = x509.load_pem_x509_certificates(f.read())
    if not chain:
        raise ValueError(f"{cert_path}: no certificate")
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path}: not an RSA private key (refkx signs with RSA-PSS)")
    if chain[0].public_key() != key.public_key():
        raise ValueError(f"{key_path} does not match the leaf certificate of {cert_path}")
    return chain, key


# -- the echo server ------------------------------------------------------------------------
class EchoServer:
    """A TLS 1.3 echo server: one thread per peer, at most `max_connections` at once."""

    def __init__(self, chain, private_key, *, host: str = LOOPBACK, port: int = 0,
                 groups=None, cipher_suites=None, keylog=None, timeout: float = DEFAULT_TIMEOUT,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, log=log) -> None:
        self.chain = [c.der if hasattr(c, "der") else bytes(c) for c in chain]
        self.private_key = private_key
        self.groups = tls_groups.check_groups(groups) if groups else \
            tls_groups.default_groups(tls_groups.DEFAULT_SERVER_GROUPS)
        self.cipher_suites = cipher_suites
        self.keylog = KeyLogFile(keylog) if isinstance(keylog, str) else keylog
        self.timeout = timeout
        self.max_connections = max_connections
        self.log = log
        # Built once here, so that bad options fail now rather than on the first peer.
        Server(self.chain, private_key, **self._server_options())
        self.sock = socket.create_server((host, port))
        self.sock.settimeout(ACCEPT_POLL)
        self.host, self.port = self.sock.getsockname()[:2]
        self._slots = threading.BoundedSemaphore(max_connections)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.stats = {"accepted": 0, "refused": 0, "completed": 0, "failed": 0}
        self._stats_lock = threading.Lock()

    def _server_options(self) -> dict:
        options = {"groups": self.groups, "keylog": self.keylog, "trace": False}
        if self.cipher_suites:
            options["cipher_suites"] = self.cipher_suites
        return options

    def _count(self, what: str) -> None:
        with self._stats_lock:
            self.stats[what] += 1

    def serve_forever(self) -> None:
        while not self._stop.is_set():
            try:
                peer, address = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                if self._stop.is_set():
                    break
                raise
            name = f"{address[0]}:{address[1]}"
            if not self._slots.acquire(blocking=False):
                self._count("refused")
                self.log(f"{name}: refused (already {self.max_connections} connections)")
                peer.close()
                continue
            self._count("accepted")
            thread = threading.Thread(target=self._handle, args=(peer, name), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def start(self) -> "EchoServer":
        """serve_forever in a background thread (tests)."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        self._accept_thread = thread
        return self

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        accept = getattr(self, "_accept_thread", None)
        if accept is not None:
            accept.join(wait)
        self.sock.close()
        deadline = time.monotonic() + wait
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "EchoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handle(self, peer: socket.socket, name: str) -> None:
        tls = conn = None
        try:
            tls = Server(self.chain, self.private_key, **self._server_options())
            conn = TLSConnection(peer, tls, self.timeout)
            conn.do_handshake()
            sni = f", server_name {tls.server_name}" if tls.server_name else ""
            retry = ", after HelloRetryRequest" if tls.hello_retried else ""
            self.log(f"{name}: handshake done: group {tls.group}, {tls.cipher_suite}{sni}{retry}")
            echoed = 0
            while True:
                data = conn.recv()
                if not data:
                    break
                conn.sendall(data)
                echoed += len(data)
            conn.close()
            self._count("completed")
            self.log(f"{name}: closed after echoing {echoed} bytes")
        except HandshakeError as exc:
            self._count("failed")
            alert = f" (alert {exc.alert})" if exc.alert else ""
            self.log(f"{name}: TLS failure: {exc}{alert}")
        except TimeoutError:
            self._count("failed")
            self.log(f"{name}: deadline of {self.timeout:g} s passed; closing")
            if conn is not None and tls.handshake_complete:
                conn.close()                 # close_notify: a clean end for an idle peer
        except (OSError, RefkxError, ValueError) as exc:
            self._count("failed")
            self.log(f"{name}: connection error: {type(exc).__name__}: {exc}")
        finally:
            try:
                peer.close()
            finally:
                self._slots.release()


def run_serve(args) -> int:
    if (args.cert is None) != (args.key is None):
        print("serve: --cert and --key go together", file=sys.stderr)
        return 2
    try:
        if args.cert:
            chain, key = load_identity(args.cert, args.key)
        else:
            chain, key = self_signed_identity()
    except (OSError, ValueError, RefkxError) as exc:
        print(f"serve: cannot load the certificate or key: {exc}", file=sys.stderr)
        return 2
    try:
        server = EchoServer(chain, key, host=args.host, port=args.port, groups=args.groups,
                            cipher_suites=args.ciphers, keylog=args.keylog,
                            timeout=args.timeout, max_connections=args.max_connections)
    except OSError as exc:
        print(f"serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    print(f"listening on {server.host}:{server.port}", file=sys.stderr, flush=True)
    print(f"pin: {chain[0].spki_pin()}", file=sys.stderr, flush=True)
    print(f"groups: {','.join(server.groups)}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


# -- connect ---------------------------------------------------------------------------------
def run_connect(args, stdin=None, stdout=None, stderr=None) -> int:
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    stderr = stderr or sys.stderr
    if not (args.pin or args.cafile or args.insecure):
        print("connect: say how to trust the server: --pin sha256//..., --cafile PEM or "
              "--insecure", file=stderr)
        return 2
    if args.cafile and not os.path.isfile(args.cafile):
        print(f"connect: --cafile {args.cafile}: no such file", file=stderr)
        return 2
    host, port = args.target
    options = {"pins": args.pin, "insecure": args.insecure, "keylog": args.keylog}
    if args.cafile:
        options["cafile"] = args.cafile
    if args.groups:
        options["groups"] = args.groups
    if args.ciphers:
        options["cipher_suites"] = args.ciphers
    try:
        conn = connect(host, port, timeout=args.timeout,
                       server_name=args.servername or host, **options)
    except HandshakeError as exc:
        alert = f" (alert {exc.alert})" if exc.alert else ""
        print(f"connect: TLS handshake failed: {exc}{alert}", file=stderr)
        return 1
    except TimeoutError:
        print(f"connect: no handshake within {args.timeout:g} s", file=stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"connect: {type(exc).__name__}: {exc}", file=stderr)
        return 2 if isinstance(exc, ValueError) else 1
    certificate = conn.peer_certificate
    print(f"group: {conn.group}", file=stderr)
    print(f"suite: {conn.cipher_suite}", file=stderr)
    print(f"pin: {certificate.spki_pin()}", file=stderr)
    print(f"subject: {certificate.subject}", file=stderr)
    if not conn.authenticated:
        print("WARNING: --insecure: the server is not authenticated; anyone in the middle can "
              "read and change this connection", file=stderr)
    stderr.flush()
    return _echo_loop(conn, stdin, stdout, stderr, args.timeout)


def _echo_loop(conn: TLSConnection, stdin, stdout, stderr, timeout: float) -> int:
    """Send stdin lines while a reader thread writes what comes back to stdout."""
    failure: list[BaseException] = []
    sending_done = threading.Event()
    deadline = [math.inf]

    def reader() -> None:
        try:
            while True:
                wait = min(timeout, max(0.0, deadline[0] - time.monotonic()))
                if wait <= 0:
                    raise TimeoutError
                try:
                    data = conn.recv(timeout=wait)
                except TimeoutError:
                    if sending_done.is_set() and time.monotonic() >= deadline[0]:
                        raise
                    continue            # still sending: waiting for the server is fine
                if not data:
                    return
                stdout.write(data)
                stdout.flush()
        except BaseException as exc:    # reported by the main thread
            failure.append(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for line in iter(stdin.readline, b""):
            if failure:
                break
            conn.sendall(line)
        if not failure:
            conn.shutdown_write()       # close_notify, then read until the server's
    except (OSError, HandshakeError, ValueError) as exc:
        failure.append(exc)
    deadline[0] = time.monotonic() + timeout
    sending_done.set()
    thread.join(timeout + 1)
    conn.sock.close()
    if failure:
        exc = failure[0]
        if isinstance(exc, TimeoutError):
            # Everything was sent and our close_notify too; the wait for the peer's is bounded
            # by --timeout, and a peer that stays silent after that is not a failure.
            print(f"connect: no close_notify from the peer within {timeout:g} s; closing",
                  file=stderr)
            return 0
        alert = f" (alert {exc.alert})" if getattr(exc, "alert", None) else ""
        print(f"connect: {type(exc).__name__}: {exc}{alert}", file=stderr)
        return 1
    return 0


__all__ = ["EchoServer", "run_serve", "run_connect", "add_serve_arguments",
           "add_connect_arguments", "self_signed_identity", "load_identity"]
