"""refkx.tools.demo: the story runs and tells the truth (in-process, output captured); --mitm
and --forward-secrecy are aliases of the lessons (tests/test_lessons.py checks their facts)."""

import argparse

import pytest

from refkx import session
from refkx.tools import demo


def _args(**kw):
    defaults = dict(kem=None, mitm=False, forward_secrecy=False)
    defaults.update(kw)
    return argparse.Namespace(**defaults)


def test_default_story(capsys):
    assert demo.run_demo(_args()) == 0
    out = capsys.readouterr().out
    for phrase in ("RSA-2048", "client ephemeral private key", "client key share (public)",
                   "enc (server's key share)", "Same shared secret on both sides: True",
                   "authenticated = True", "master_secret", "server opens",
                   "Hello, server! The key exchange worked.",
                   "client_application_traffic_secret_1", "same on both sides",
                   "peer_closed = True", "Sending after close is refused",
                   "the server refuses it", "Time per phase", "asymmetric operations"):
        assert phrase in out, phrase
    assert "DIFFERENT" not in out and "should never happen" not in out


@pytest.mark.parametrize("kem", ["ffdhe2048", "rsa2048-oaep", "x448"])
def test_other_kems(capsys, kem):
    assert demo.run_demo(_args(kem=kem)) == 0
    out = capsys.readouterr().out
    assert "Same shared secret on both sides: True" in out
    assert "DIFFERENT" not in out


def test_unknown_kem(capsys):
    assert demo.run_demo(_args(kem="nope")) == 2
    assert "unknown KEM" in capsys.readouterr().err


@pytest.mark.parametrize("flag, phrase", [("mitm", "MALLORY READS"),
                                          ("forward_secrecy", "EVE READS")])
def test_attack_flags_run_the_lessons(capsys, flag, phrase):
    assert demo.run_demo(_args(**{flag: True})) == 0
    out = capsys.readouterr().out
    assert phrase in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: as taught")


def test_parse_hello_reads_the_public_fields():
    client = session.Client(kem="x448")
    client.hello()
    random, suite, kem_name, key_share = demo.parse_hello(client.transcript[0][1])
    assert kem_name == "x448" and len(key_share) == 56 and len(random) == 32
    assert suite.name == "TLS_AES_128_GCM_SHA256"


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
