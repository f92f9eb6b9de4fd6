"""The TLS 1.3 echo server (refkx.tools.net.EchoServer) under load and faults, on loopback,
bounded to a few seconds: concurrent good clients, slow and silent peers, huge announced
lengths, abrupt disconnects, more peers than --max-connections. The server keeps serving
good clients and its memory stays bounded (tracemalloc). Also `connect` end to end."""

from __future__ import annotations

import argparse
import io
import socket
import ssl
import threading
import time
import tracemalloc

import pytest

from refkx.tls import connect
from refkx.tls.record import record_header
from refkx.tools import net

import tls_certs

TIMEOUT = 1.5


@pytest.fixture
def server():
    identity = tls_certs.leaf()
    lines = []
    with net.EchoServer([identity.cert_der, tls_certs.ca().cert_der], identity.key,
                        groups=["x25519", "ffdhe2048"], timeout=TIMEOUT, max_connections=8,
                        log=lines.append) as echo:
        echo.lines = lines
        yield echo


def good_client(port, payload=b"ping\n"):
    identity = tls_certs.leaf()
    with connect("127.0.0.1", port, server_name="localhost", pins=[identity.pin],
                 groups=["x25519"], timeout=10) as conn:
        conn.sendall(payload)
        received = b""
        while len(received) < len(payload):
            chunk = conn.recv()
            assert chunk
            received += chunk
        return received


def test_echo_with_refkx_and_stdlib_clients(server):
    assert good_client(server.port, b"x" * 20000) == b"x" * 20000
    context = ssl.create_default_context(cafile=tls_certs.ca().certfile)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"hello")
            assert tls.recv(100) == b"hello"
            assert tls.version() == "TLSv1.3"


def test_one_log_line_per_event(server):
    good_client(server.port)
    deadline = time.monotonic() + 5
    while len(server.lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all("\n" not in line for line in server.lines)
    assert any("handshake done: group x25519" in line for line in server.lines)


def test_slow_silent_huge_and_abrupt_peers_do_not_stop_good_clients(server):
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    bad = []
    try:
        # Huge announced lengths: refused from the header (record_overflow).
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"\x16\x03\x01\xff\xff")
            bad.append(s)
        # Half-sent maximum records, then silence: one record buffered each, at most.
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(record_header(22, 2 ** 14) + bytes(2 ** 14 - 1))
            bad.append(s)
        # A slow peer: one byte at a time for longer than the deadline.
        slow = socket.create_connection(("127.0.0.1", server.port))
        bad.append(slow)
        stop = threading.Event()

        def drip():
            for byte in record_header(22, 200):
                if stop.is_set():
                    return
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(TIMEOUT / 3)
        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        # Abrupt disconnects in the middle of a handshake.
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"\x16\x03\x01\x00\x40" + bytes(10))
            s.close()
        # The good clients are served meanwhile.
        results = []
        threads = [threading.Thread(target=lambda: results.append(good_client(server.port)))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert results == [b"ping\n", b"ping\n"]
        peak = tracemalloc.get_traced_memory()[1] - baseline
        # The slow peer is cut off by the deadline, not by its own pace.
        slow.settimeout(4 * TIMEOUT)
        started = time.monotonic()
        try:
            data = slow.recv(100)
        except ConnectionResetError:
            data = b""
        assert data == b""                 # the server hung up on it
        assert time.monotonic() - started < 4 * TIMEOUT
        stop.set()
    finally:
        tracemalloc.stop()
        for s in bad:
            s.close()
    # 6 hostile peers with at most one record (16.6 KB) each, plus two handshakes.
    assert peak < 4 * 2 ** 20, f"peak {peak} bytes"
    print(f"load test: peak traced memory {peak / 1024:.0f} KiB, stats {server.stats}")
    assert server.stats["failed"] >= 7


def test_peers_past_the_cap_are_closed_at_once():
    identity = tls_certs.leaf()
    lines = []
    with net.EchoServer([identity.cert_der], identity.key, groups=["x25519"], timeout=TIMEOUT,
                        max_connections=2, log=lines.append) as echo:
        holders = [socket.create_connection(("127.0.0.1", echo.port)) for _ in range(2)]
        time.sleep(0.3)
        extra = socket.create_connection(("127.0.0.1", echo.port))
        extra.settimeout(2)
        started = time.monotonic()
        assert extra.recv(10) == b""                      # closed, not queued
        assert time.monotonic() - started < 1.5
        assert any("refused" in line for line in lines)
        for s in holders + [extra]:
            s.close()
        time.sleep(TIMEOUT + 0.5)                          # the holders time out
        assert good_client(echo.port) == b"ping\n"


def _connect_args(*argv):
    parser = argparse.ArgumentParser()
    net.add_connect_arguments(parser)
    return parser.parse_args(argv)


def _run_connect(address, *options, stdin=b"x\n"):
    """`connect ADDRESS OPTIONS...` in this process: (exit status, stdout bytes, stderr text)."""
    out, err = io.BytesIO(), io.StringIO()
    code = net.run_connect(_connect_args(address, *options), stdin=io.BytesIO(stdin),
                           stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_connect_command_against_the_server(server):
    identity = tls_certs.leaf()
    code, out, err = _run_connect(f"127.0.0.1:{server.port}", "--pin", identity.pin,
                                  "--servername", "localhost", "--groups", "x25519",
                                  stdin=b"one\ntwo\n")
    assert code == 0
    assert out == b"one\ntwo\n"
    lines = err.splitlines()
    assert "group: x25519" in lines
    assert "suite: TLS_AES_128_GCM_SHA256" in lines
    assert f"pin: {identity.pin}" in lines
    assert any(line.startswith("subject: ") for line in lines)


def test_connect_hello_retry_request(server):
    """connect shares ffdhe2048 first... the server prefers x25519: HelloRetryRequest."""
    identity = tls_certs.leaf()
    code, _, err = _run_connect(f"127.0.0.1:{server.port}", "--pin", identity.pin,
                                "--servername", "localhost", "--groups", "ffdhe2048,x25519",
                                stdin=b"hi\n")
    assert code == 0
    assert "group: x25519" in err.splitlines()


def test_connect_wrong_pin_exits_1(server):
    code, _, err = _run_connect(f"127.0.0.1:{server.port}", "--pin",
                                tls_certs.leaf("stranger").pin)
    assert code == 1
    assert "bad_certificate" in err


def test_connect_insecure_warns(server):
    code, _, err = _run_connect(f"127.0.0.1:{server.port}", "--insecure")
    assert code == 0
    assert any("WARNING" in line and "not authenticated" in line for line in err.splitlines())


def test_connect_without_trust_is_a_usage_error():
    code, _, err = _run_connect("127.0.0.1:9", stdin=b"")
    assert code == 2
    assert all(option in err for option in ("--pin", "--cafile", "--insecure"))


@pytest.mark.parametrize("argv", [["--timeout", "-1"], ["--timeout", "0"], ["--timeout", "nan"],
                                  ["--timeout", "inf"], ["--max-connections", "0"],
                                  ["--port", "70000"], ["--groups", "x25519,bogus"],
                                  ["--groups", ""]])
def test_serve_options_are_range_checked_at_parse(argv):
    parser = argparse.ArgumentParser()
    net.add_serve_arguments(parser)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--port", "0", *argv])
    assert caught.value.code == 2


@pytest.mark.parametrize("argv", [["localhost"], ["localhost:0"], ["x:1", "--pin", "md5//x"],
                                  ["x:1", "--timeout", "-3"], ["x:1", "--groups", "rsa9-oaep"],
                                  ["x:1", "--groups", "rsa2048-oaep"]])
def test_connect_options_are_checked_at_parse(argv):
    parser = argparse.ArgumentParser()
    net.add_connect_arguments(parser)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(argv)
    assert caught.value.code == 2


# -- the commands as a user runs them (two processes on 127.0.0.1) --------------------------
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
try:
    import refkx.x509  # noqa: F401
    import refkx.serialization  # noqa: F401
    HAVE_X509 = True
except ImportError:
    HAVE_X509 = False
needs_x509 = pytest.mark.skipif(not HAVE_X509, reason="refkx.x509 not available")


def refkx_command(*args, stdin=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "refkx", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=timeout)


class ServeProcess:
    def __init__(self, *extra):
        self.proc = subprocess.Popen([sys.executable, "-m", "refkx", "serve", "--port", "0",
                                      "--timeout", "3", *extra], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = self.proc.stderr.readline()
        second = self.proc.stderr.readline()
        assert first.startswith("listening on "), first
        assert second.startswith("pin: sha256//"), second
        self.port = int(first.rsplit(":", 1)[1])
        self.pin = second.split(" ", 1)[1].strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def serve_process():
    identity = tls_certs.leaf()
    process = ServeProcess("--cert", identity.certfile, "--key", identity.keyfile,
                           "--groups", "x25519,ffdhe2048")
    yield process
    process.stop()


@needs_x509
def test_cli_serve_and_connect_with_pin_and_cafile(serve_process):
    result = refkx_command("connect", f"127.0.0.1:{serve_process.port}", "--pin",
                           serve_process.pin, stdin=b"hello there\nsecond line\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"hello there\nsecond line\n"
    err = result.stderr.decode().splitlines()
    assert "group: x25519" in err and "suite: TLS_AES_128_GCM_SHA256" in err
    assert f"pin: {serve_process.pin}" in err
    assert any(line.startswith("subject: ") and "localhost" in line for line in err)
    result = refkx_command("connect", f"127.0.0.1:{serve_process.port}", "--servername",
                           "localhost", "--cafile", tls_certs.ca().certfile, stdin=b"ca\n")
    assert result.returncode == 0 and result.stdout == b"ca\n", result.stderr
    result = refkx_command("connect", f"127.0.0.1:{serve_process.port}", "--servername",
                           "other.example", "--cafile", tls_certs.ca().certfile, stdin=b"x\n")
    assert result.returncode == 1 and b"bad_certificate" in result.stderr
    assert result.stdout == b""


@needs_x509
def test_cli_serve_self_signed_prints_a_pin_that_connect_accepts():
    process = ServeProcess()
    try:
        result = refkx_command("connect", f"127.0.0.1:{process.port}", "--pin", process.pin,
                               stdin=b"self-signed\n")
        assert result.returncode == 0 and result.stdout == b"self-signed\n", result.stderr
    finally:
        process.stop()


@needs_x509
def test_cli_openssl_s_client_and_python_ssl_against_serve(serve_process):
    import shutil
    context = ssl.create_default_context(cafile=tls_certs.ca().certfile)
    with socket.create_connection(("127.0.0.1", serve_process.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"python ssl")
            assert tls.recv(100) == b"python ssl"
    if shutil.which("openssl") is None:
        return
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{serve_process.port}",
                             "-tls1_3", "-CAfile", tls_certs.ca().certfile, "-servername",
                             "localhost", "-verify_return_error", "-quiet"],
                            input=b"openssl s_client\n", capture_output=True, timeout=30)
    assert result.stdout == b"openssl s_client\n", result.stderr


@needs_x509
def test_cli_serve_port_in_use_is_a_clean_failure():
    identity = tls_certs.leaf()
    with socket.create_server(("127.0.0.1", 0)) as busy:
        result = refkx_command("serve", "--port", str(busy.getsockname()[1]), "--cert",
                               identity.certfile, "--key", identity.keyfile)
    assert result.returncode == 1 and b"cannot listen" in result.stderr
    assert b"Traceback" not in result.stderr


def test_cli_connect_to_openssl_s_server():
    """`connect` against `openssl s_server -rev` (system OpenSSL 3), with a pin."""
    import shutil
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    identity = tls_certs.leaf()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-tls1_3",
                               "-cert", identity.certfile, "-key", identity.keyfile, "-rev"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:          # until s_server listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        result = refkx_command("connect", f"127.0.0.1:{port}", "--pin", identity.pin,
                               "--timeout", "5", stdin=b"hello\n")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"olleh\n"
        assert b"group: x25519" in result.stderr
    finally:
        server.kill()
        server.wait()


def test_cli_connect_without_trust_exits_2():
    result = refkx_command("connect", "127.0.0.1:9", stdin=b"")
    assert result.returncode == 2
    assert all(word in result.stderr for word in (b"--pin", b"--cafile", b"--insecure"))
