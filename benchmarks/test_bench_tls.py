"""Benchmarks for TLS 1.3 (refkx.tls): a whole handshake per group, client and server in one
process (RSA-2048 certificate, refkx's own self-signed one), then the record layer's
throughput at 1 KiB and 16 KiB per suite.

The server key is generated once, outside the timing. The 6144/8192-bit groups run a fixed
3 rounds. For refkx against tlslite-ng and the stdlib ssl module side by side, run
`python3 benchmarks/compare_peers.py --only tls`.

Run:  python3 -m pytest benchmarks/test_bench_tls.py --benchmark-min-rounds=3 -q
These benchmarks measure; nothing asserts on time.
"""

import functools

import pytest

from refkx.tls import Client, Server
from refkx.tls import groups as tls_groups
from refkx.tools.demo import self_signed
from refkx.tools.net import _new_rsa_key

SLOW_GROUPS = {"ffdhe6144", "ffdhe8192", "modp6144", "modp8192"}
SLOW_ROUNDS = 3
SIZES = {"1KiB": 1024, "16KiB": 16 * 1024}
GROUPS = [name for name in tls_groups.GROUP_CODES
          if tls_groups.available(name) and not tls_groups.is_transport(name)]


@functools.lru_cache(maxsize=None)
def _identity():
    key = _new_rsa_key()
    return key, self_signed(key)


def _handshake(group, suite="TLS_AES_128_GCM_SHA256"):
    key, certificate = _identity()
    client = Client("localhost", pins=[certificate.spki_pin()], groups=[group],
                    cipher_suites=[suite], trace=False)
    server = Server([certificate], key, groups=[group], trace=False)
    client.start()
    server.receive(client.data_to_send())
    client.receive(server.data_to_send())
    server.receive(client.data_to_send())
    return client, server


@pytest.mark.parametrize("group", GROUPS)
def test_handshake(benchmark, group):
    benchmark.group = "TLS 1.3 handshake (RSA-2048 certificate)"
    if group in SLOW_GROUPS:
        benchmark.pedantic(_handshake, args=(group,), rounds=SLOW_ROUNDS, iterations=1)
    else:
        benchmark(_handshake, group)


@pytest.mark.parametrize("suite", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
@pytest.mark.parametrize("size", list(SIZES))
def test_record_send_receive(benchmark, suite, size):
    """Send on one side and receive on the other (the receiver must see records in order)."""
    benchmark.group = f"TLS record send+receive {size}"
    client, server = _handshake("x25519", suite)
    data = bytes(SIZES[size])
    benchmark.extra_info["bytes"] = SIZES[size]

    def one():
        client.send(data)
        server.receive(client.data_to_send())
    benchmark(one)
