"""`python -m refkx ...` as a user runs it: each command via subprocess, exit codes.

0 success, 1 a failed check, 2 a usage error. Kept fast: the slow options are left to
their own test files (test_bench.py runs the bench smoke tests).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from refkx.tools import cli
from refkx.kat import Case

ROOT = Path(__file__).resolve().parents[1]


def run(*args, stdin=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "refkx", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_no_command_is_a_usage_error():
    result = run()
    assert result.returncode == 2 and "usage" in result.stderr


def test_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2 and "usage" in result.stderr


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "vectors", "bench", "trace", "serve", "connect"):
        assert command in result.stdout


def test_demo_runs_from_a_bare_checkout():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-m", "refkx", "demo"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Same shared secret on both sides: True" in result.stdout


def test_demo_unknown_kem():
    result = run("demo", "--kem", "nope")
    assert result.returncode == 2 and "unknown KEM" in result.stderr


def test_vectors_one_area():
    result = run("vectors", "--only", "hmac")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RFC 4231" in result.stdout and "0 failed" in result.stdout


def test_vectors_run_every_implementation():
    env = {k: v for k, v in os.environ.items() if k != "REFKX_READABLE"}
    result = subprocess.run([sys.executable, "-m", "refkx", "vectors", "--only", "sp 800-38a"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] in ("implementation: fast", "implementation: readable")
    assert "implementation: fast" in lines and "implementation: readable" in lines
    counts = [line for line in lines if line.startswith(("total:",))]
    assert counts and "fast" in counts[0] and "readable" in counts[0]


def test_vectors_readable_from_environment():
    env = dict(os.environ, REFKX_READABLE="1")
    result = subprocess.run([sys.executable, "-m", "refkx", "vectors", "--only", "hmac"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == "implementation: readable"
    assert "implementation: fast" not in result.stdout


def test_vectors_by_source_name():
    result = run("vectors", "--only", "rfc 5869")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RFC 5869" in result.stdout and "RFC 4231" not in result.stdout


def test_vectors_unknown_area_is_usage_error():
    result = run("vectors", "--only", "nope")
    assert result.returncode == 2


def test_vectors_failure_exits_1(monkeypatch, capsys):
    def failing():
        raise AssertionError("mismatch")

    monkeypatch.setattr("refkx.kat.area_cases",
                        lambda area: [Case("Test source", "test-1", failing),
                                      Case("Test source", "test-2", lambda: None)])
    assert cli.main(["vectors", "--only", "hmac"]) == 1
    out = capsys.readouterr().out
    assert "FAIL test-1" in out and "1 passed, 1 failed" in out


def test_vectors_slow_cases_skipped_without_flag(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr("refkx.kat.area_cases",
                        lambda area: [Case("S", "slow-1", lambda: ran.append(1), slow=True)])
    assert cli.main(["vectors", "--only", "hmac"]) == 0
    assert ran == []
    assert cli.main(["vectors", "--only", "hmac", "--slow", "--implementation", "both"]) == 0
    assert ran == [1, 1]                     # once per implementation
    assert cli.main(["vectors", "--only", "hmac", "--slow", "--implementation", "fast"]) == 0
    assert ran == [1, 1, 1]


def test_vectors_slow_progress_display(monkeypatch, capsys):
    monkeypatch.setattr(cli, "TICK_SECONDS", 0.05)
    monkeypatch.setattr("refkx.kat.area_cases",
                        lambda area: [Case("S", "slow-1", lambda: time.sleep(0.3), slow=True)])
    assert cli.main(["vectors", "--only", "hmac", "--slow"]) == 0
    err = capsys.readouterr().err
    assert "slow vector 1/1: slow-1" in err and "still running slow-1" in err


@pytest.mark.parametrize("topic, expected", [
    ("aes", "39 02 dc 19"),            # FIPS 197 App. B output 3925841d.., by columns
    ("gcm", "5bc94fbc3221a5db94fae95ae7121a47"),
    ("x25519", "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
    ("dh", "Same Z on both sides: True"),
    ("rsa-oaep", "12 53 e0 4d c0 a5 39 7b"),
    ("rsa-pss", "8d aa 62 7d 3d e7 59 5d"),
    ("session", "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"),
])
def test_trace_topics(topic, expected):
    result = run("trace", topic)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_trace_aes_flat_and_custom_key():
    result = run("trace", "aes", "--flat", "--key", "000102030405060708090a0b0c0d0e0f",
                 "--input", "00112233445566778899aabbccddeeff")
    assert result.returncode == 0
    assert result.stdout.rstrip().endswith("round[10].output = 69c4e0d86a7b0430d8cdb78070b4c55a")


def test_trace_bad_input_is_usage_error():
    result = run("trace", "aes", "--key", "xyz")
    assert result.returncode == 2 and "hex" in result.stderr
    assert run("trace", "dh", "--group", "ffdhe1").returncode == 2


def test_trace_unknown_topic_is_usage_error():
    assert run("trace", "rot13").returncode == 2


def test_bench_bad_option_is_usage_error():
    assert run("bench", "--frobnicate").returncode == 2


# --- serve / connect as two processes on 127.0.0.1 ---

def _start_server(*extra):
    proc = subprocess.Popen([sys.executable, "-m", "refkx", "serve", "--port", "0", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = fingerprint = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (port is None or fingerprint is None):
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("listening on"):
            port = int(line.rsplit(":", 1)[1])
        elif line.startswith("server key fingerprint:"):
            fingerprint = line.split(":", 1)[1].strip()
        elif line.startswith("anonymous mode"):
            fingerprint = ""
    return proc, port, fingerprint


def _stop(proc):
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("serve did not stop after --max-connections")


def test_serve_and_connect(tmp_path):
    proc, port, fingerprint = _start_server("--max-connections", "3")
    try:
        assert port and len(fingerprint) == 64
        result = run("connect", "--port", str(port), "--fingerprint", fingerprint,
                     stdin="hello there\nsecond line\n")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["echo: hello there", "echo: second line"]

        data = tmp_path / "blob.bin"
        data.write_bytes(os.urandom(40000))
        result = run("connect", "--port", str(port), "--fingerprint", fingerprint,
                     "--file", str(data))
        assert result.returncode == 0, result.stderr
        assert "echo identical: True" in result.stdout

        result = run("connect", "--port", str(port), "--fingerprint", "ab" * 32, stdin="secret\n")
        assert result.returncode == 1
        assert "does not match" in result.stderr and "echo" not in result.stdout
    finally:
        _stop(proc)


def test_connect_bad_fingerprint_argument():
    result = run("connect", "--port", "1", "--fingerprint", "nothex")
    assert result.returncode == 2 and "64 hex digits" in result.stderr


def test_connect_refused_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                                     # nothing listens there now
    result = run("connect", "--port", str(port), stdin="x\n")
    assert result.returncode == 1 and "connect:" in result.stderr


def test_serve_anonymous_warns_connect():
    proc, port, fingerprint = _start_server("--anonymous", "--max-connections", "1")
    try:
        assert port and fingerprint == ""
        result = run("connect", "--port", str(port), stdin="hi\n")
        assert result.returncode == 0 and "echo: hi" in result.stdout
        assert "not authenticated" in result.stderr
    finally:
        _stop(proc)


@pytest.mark.parametrize("args", [
    ("connect", "--port", "1", "--kem", "nope"),            # unknown KEM: before connecting
    ("connect", "--port", "1", "--file", "/nonexistent/refkx-input"),
    ("connect", "--port", "70000"),
    ("serve", "--port", "-1", "--anonymous"),
])
def test_serve_connect_usage_errors_exit_2(args):
    result = run(*args, stdin="x\n", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_serve_port_in_use_is_a_clean_failure():
    import socket
    with socket.create_server(("127.0.0.1", 0)) as busy:
        result = run("serve", "--anonymous", "--port", str(busy.getsockname()[1]), timeout=60)
    assert result.returncode == 1 and "cannot listen" in result.stderr
    assert "Traceback" not in result.stderr
