"""refkx.tools.demo: the TLS 1.3 story runs and tells the truth (in-process, output captured);
--pcap/--keylog write a capture tshark decrypts; --mitm and --forward-secrecy are aliases of
the lessons (tests/test_lessons.py checks their facts)."""

import argparse
import shutil
import subprocess

import pytest

from refkx.tools import demo

try:
    import refkx.x509  # noqa: F401  (the demo's certificate)
    HAVE_X509 = True
except ImportError:
    HAVE_X509 = False
pytestmark = pytest.mark.skipif(not HAVE_X509, reason="refkx.x509 not available")


def _args(**kw):
    defaults = dict(kem=None, mitm=False, forward_secrecy=False, pcap=None, keylog=None)
    defaults.update(kw)
    return argparse.Namespace(**defaults)


def test_default_story(capsys):
    assert demo.run_demo(_args()) == 0
    out = capsys.readouterr().out
    for phrase in ("RSA-2048", "self-signed X.509 certificate", "pin sha256//",
                   "client ephemeral private key", "client key share (public)",
                   "enc (server's key share)", "Same shared secret on both sides: True",
                   "authenticated = True", "master_secret", "server opens",
                   "Hello, server! The key exchange worked.",
                   "client_application_traffic_secret_1", "same on both sides",
                   "authenticated close_notify: True", "Sending after close is refused",
                   "the server refuses it: HandshakeError, alert bad_record_mac",
                   "Time per phase"):
        assert phrase in out, phrase
    assert "DIFFERENT" not in out and "should never happen" not in out


@pytest.mark.parametrize("kem", ["ffdhe2048", "rsa2048-oaep", "x448"])
def test_other_groups(capsys, kem):
    assert demo.run_demo(_args(kem=kem)) == 0
    out = capsys.readouterr().out
    assert "Same shared secret on both sides: True" in out
    assert "DIFFERENT" not in out


def test_unknown_kem(capsys):
    assert demo.run_demo(_args(kem="nope")) == 2
    assert "unknown KEM" in capsys.readouterr().err


def test_pcap_and_keylog_go_together(capsys, tmp_path):
    assert demo.run_demo(_args(pcap=str(tmp_path / "x.pcap"))) == 2
    assert "go together" in capsys.readouterr().err


def test_pcap_and_keylog_written_and_decrypted(capsys, tmp_path):
    pcap, keylog = tmp_path / "demo.pcap", tmp_path / "demo.keys"
    assert demo.run_demo(_args(pcap=str(pcap), keylog=str(keylog))) == 0
    assert pcap.read_bytes()[:4] == b"\xa1\xb2\xc3\xd4"
    labels = {line.split()[0] for line in keylog.read_text().splitlines()}
    assert labels == {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                      "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"}
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark not installed")
    result = subprocess.run([tshark, "-r", str(pcap), "-o", f"tls.keylog_file:{keylog}", "-x"],
                            capture_output=True, text=True, timeout=60)
    assert "Hello, server! " in result.stdout.replace("\n", " ") or \
        "48 65 6c 6c 6f 2c 20 73" in result.stdout


@pytest.mark.parametrize("flag, phrase", [("mitm", "MALLORY READS"),
                                          ("forward_secrecy", "EVE READS")])
def test_attack_flags_run_the_lessons(capsys, flag, phrase):
    assert demo.run_demo(_args(**{flag: True})) == 0
    out = capsys.readouterr().out
    assert phrase in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: as taught")


def test_short():
    assert demo.short(b"\x01\x02") == "0102 (2 B)"
    assert demo.short(bytes(range(32))) == "0001020304050607..18191a1b1c1d1e1f (32 B)"


def test_a_failed_check_exits_1(capsys, monkeypatch):
    # If the two sides ever disagreed, the demo must say so AND exit 1 (the CLI contract: exit
    # status 1 on a failed check). Simulate a disagreement in the trace lookup.
    real = demo.trace_value

    def disagreeing(party, name):
        value = real(party, name)
        return value + b"!" if party.role == "server" and name == "master_secret" else value

    monkeypatch.setattr(demo, "trace_value", disagreeing)
    assert demo.run_demo(_args()) == 1
    captured = capsys.readouterr()
    assert "DIFFERENT" in captured.out and "a check failed" in captured.err
