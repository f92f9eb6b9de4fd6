"""Benchmarks: X25519 and X448 key generation and exchange (RFC 7748), pure Python.

Run: python3 -m pytest benchmarks/test_bench_x25519.py --benchmark-min-rounds=3 -q
Key generation includes computing the public key (one ladder over the base
point), since that is what a fresh ephemeral key costs. `exchange` is one
ladder plus the all-zero check. When `cryptography` is installed the same
operations are measured through OpenSSL in the group "...-cryptography" for
comparison. These benchmarks measure; nothing asserts on time.
"""

import pytest

from refkx import x448, x25519

CURVES = {
    "x25519": (x25519.X25519PrivateKey, x25519.X25519PublicKey),
    "x448": (x448.X448PrivateKey, x448.X448PublicKey),
}


@pytest.mark.parametrize("curve", list(CURVES))
def test_keygen(benchmark, curve):
    private_cls, _ = CURVES[curve]
    benchmark.group = f"{curve}-keygen"
    key = benchmark(lambda: private_cls.generate().public_key())
    assert key.public_bytes_raw()


@pytest.mark.parametrize("curve", list(CURVES))
def test_exchange(benchmark, curve):
    private_cls, _ = CURVES[curve]
    benchmark.group = f"{curve}-exchange"
    alice, bob = private_cls.generate(), private_cls.generate()
    peer = bob.public_key()
    shared = benchmark(alice.exchange, peer)
    assert shared == bob.exchange(alice.public_key())


@pytest.mark.parametrize("curve", list(CURVES))
def test_raw_function(benchmark, curve):
    # The RFC function itself, x25519(k, u) / x448(k, u): decode, ladder, encode.
    benchmark.group = f"{curve}-raw"
    module = x25519 if curve == "x25519" else x448
    function = module.x25519 if curve == "x25519" else module.x448
    k = bytes(range(1, module.KEY_SIZE + 1))
    benchmark(function, k, module.BASE_POINT)


@pytest.mark.parametrize("curve", list(CURVES))
def test_exchange_cryptography(benchmark, curve):
    # Same operation through pyca/cryptography (OpenSSL), for scale.
    crypto = pytest.importorskip(f"cryptography.hazmat.primitives.asymmetric.{curve}")
    private_cls = getattr(crypto, f"{curve.upper()}PrivateKey")
    benchmark.group = f"{curve}-exchange-cryptography"
    alice, bob = private_cls.generate(), private_cls.generate()
    peer = bob.public_key()
    benchmark(alice.exchange, peer)
