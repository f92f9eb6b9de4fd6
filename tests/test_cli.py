"""`python -m refkx ...` as a user runs it: each command via subprocess, exit codes.

0 success, 1 a failed check, 2 a usage error. Kept fast: the slow options are left to
their own test files (test_bench.py runs the bench smoke tests).
"""

import importlib.util
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


@pytest.mark.skipif(importlib.util.find_spec("refkx.x509") is None,
                    reason="the demo's certificate needs refkx.x509")
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
