"""benchmarks/compare_peers.py still runs: each speed-goal section once, at its smallest size.

Nothing here is timed or compared; the point is that the script the notes quote keeps working
as the library's API moves (a goal section once called refkx with an argument order it no
longer takes). The peers are the optional `peers` extra; without tlslite-ng these tests skip.
"""

import argparse
import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("tlslite.api", reason="the peers extra (tlslite-ng) is not installed")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_peers.py"


@pytest.fixture(scope="module")
def compare_peers():
    spec = importlib.util.spec_from_file_location("compare_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _args(**overrides):
    values = dict(quick=True, repeat=1, goal_rounds=1, keys=2, rsa_sizes="2048")
    values.update(overrides)
    return argparse.Namespace(**values)


@pytest.mark.parametrize("section, rows", [("goals_rsa_keygen", ["RSA-2048 keygen"]),
                                           ("goals_curves", ["X448 exchange", "X25519 exchange"]),
                                           ("goals_gcm", ["AES-GCM seal 64 B, fresh key per message"])])
def test_goal_section_runs_and_records_its_rows(compare_peers, section, rows, capsys):
    compare_peers.RESULTS.clear()
    getattr(compare_peers, section)(_args())
    labels = [row[0] for row in compare_peers.RESULTS]
    for row in rows:
        assert row in labels, (row, labels)
    assert all(result[1] > 0 and result[2] > 0 for result in compare_peers.RESULTS)
    assert "ratio" in capsys.readouterr().out


def test_tlslite_handshake_helper_completes_and_fails_bounded():
    """The tlslite-ng handshake that `bench` and compare_peers time really completes, and a
    server whose key does not match its certificate ends in an exception, not a hang."""
    import time

    import tls_certs
    from refkx.tools.bench.operations import tlslite_socketpair_handshake

    good, stranger = tls_certs.leaf(), tls_certs.leaf("stranger")
    tlslite_socketpair_handshake(good.cert_pem.decode(), good.key_pem.decode(), "x25519")()
    mismatched = tlslite_socketpair_handshake(good.cert_pem.decode(), stranger.key_pem.decode(),
                                              "x25519")
    started = time.monotonic()
    with pytest.raises(Exception):
        mismatched()
    assert time.monotonic() - started < 60
