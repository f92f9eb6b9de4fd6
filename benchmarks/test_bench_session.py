"""Benchmarks for the hybrid session (refkx.session): what a whole handshake costs per KEM,
anonymous and authenticated, and how that cost splits between asymmetric work (KEM
keygen/encapsulate/decapsulate, RSA-PSS sign and verify) and everything else (HKDF key
schedule, transcript hashing, AES-GCM of the handshake flight, message framing); then the
record layer's throughput at 1 KiB and 16 KiB (pure-Python AES-GCM).

Each handshake benchmark stores the split in `extra_info` (see --benchmark-json):
asymmetric_s and other_s are per-handshake means over all rounds, measured by the
session's own `timings` counters (time.perf_counter around the asymmetric calls).

The authenticated runs use a 2048-bit RSA identity (rsa3072/4096-oaep need a key of
their own size: the key transport encrypts to the identity). Keys are generated once,
outside the timing. The 6144/8192-bit groups and rsa4096 run a fixed 3 rounds.

Run:  python3 -m pytest benchmarks/test_bench_session.py --benchmark-min-rounds=3 -q
These benchmarks measure; nothing asserts on time.
"""

import functools

import pytest

from refkx import rsa
from refkx.kem import KEMS
from refkx.session import Client, Server

SLOW_KEMS = {"ffdhe6144", "ffdhe8192", "modp6144", "modp8192", "rsa4096-oaep"}
SLOW_ROUNDS = 3
SIZES = {"1KiB": 1024, "16KiB": 16 * 1024}


@functools.lru_cache(maxsize=None)
def _identity(bits=2048):
    return rsa.generate_private_key(key_size=bits)


def _identity_for(kem_name):
    kem = KEMS[kem_name]
    return _identity(2048 if kem.forward_secrecy else kem.bits)


def _handshake_runner(kem_name, authenticated, totals):
    identity = _identity_for(kem_name) if authenticated else None
    server_key = identity.public_key() if identity else None

    def run():
        client = Client(kem_name, server_key=server_key, trace=False)
        server = Server(identity=identity, trace=False)
        server.complete(client.finish(server.respond(client.hello())))
        for endpoint in (client, server):
            totals["asymmetric"] += endpoint.timings["asymmetric"]
            totals["handshake"] += endpoint.timings["handshake"]
        totals["runs"] += 1
    return run


def _bench_handshake(benchmark, kem_name, authenticated):
    mode = "authenticated" if authenticated else "anonymous"
    benchmark.group = f"session handshake {mode}"
    totals = {"asymmetric": 0.0, "handshake": 0.0, "runs": 0}
    run = _handshake_runner(kem_name, authenticated, totals)
    if kem_name in SLOW_KEMS:
        benchmark.pedantic(run, rounds=SLOW_ROUNDS, iterations=1)
    else:
        benchmark(run)
    runs = max(totals["runs"], 1)
    benchmark.extra_info["asymmetric_s"] = totals["asymmetric"] / runs
    benchmark.extra_info["other_s"] = (totals["handshake"] - totals["asymmetric"]) / runs
    benchmark.extra_info["asymmetric_share"] = totals["asymmetric"] / max(totals["handshake"], 1e-12)


@pytest.mark.parametrize("kem_name", [n for n, k in KEMS.items() if k.forward_secrecy])
def test_handshake_anonymous(benchmark, kem_name):
    _bench_handshake(benchmark, kem_name, authenticated=False)


@pytest.mark.parametrize("kem_name", list(KEMS))
def test_handshake_authenticated(benchmark, kem_name):
    _bench_handshake(benchmark, kem_name, authenticated=True)


def _connected(cipher):
    """A fresh connected pair (a pair's sequence numbers must stay in step, so none is shared)."""
    client, server = Client("x25519", cipher=cipher, trace=False), Server(trace=False)
    server.complete(client.finish(server.respond(client.hello())))
    return client, server


@pytest.mark.parametrize("cipher", ["aes128gcm", "aes256gcm"])
@pytest.mark.parametrize("size", list(SIZES))
def test_record_seal(benchmark, cipher, size):
    benchmark.group = f"session record seal {size}"
    client, _ = _connected(cipher)
    data = bytes(SIZES[size])
    benchmark.extra_info["bytes"] = SIZES[size]
    benchmark(client.seal, data)


@pytest.mark.parametrize("cipher", ["aes128gcm", "aes256gcm"])
@pytest.mark.parametrize("size", list(SIZES))
def test_record_seal_open(benchmark, cipher, size):
    """Seal on one side and open on the other (the receiver must see records in order)."""
    benchmark.group = f"session record seal+open {size}"
    client, server = _connected(cipher)
    data = bytes(SIZES[size])
    benchmark.extra_info["bytes"] = SIZES[size]
    benchmark(lambda: server.open(client.seal(data)))
