"""Benchmarks for the twins in refkx/fast/, each beside the readable path or the bare primitive.

Run:  python3 -m pytest benchmarks/test_bench_fast.py --benchmark-min-rounds=3 -q

Groups: "fast-gcm-<size>" (FastGCM encrypt/decrypt, fresh key per message), "fast-ctr-<size>",
"fast-aes-ecb-16KiB", "fast-ghash-<size>", "fast-x25519" (ladder, fixed base, readable ladder),
"fast-dh-ffdhe2048" (fixed-base table vs bare pow), "fast-rsa-2048" (fast private operation vs
the readable one vs the bare CRT exponentiations). Throughput in MB/s = size / median time.
For ratios against the pure-Python peers (tlslite-ng, pyaes, ...) run
benchmarks/compare_peers.py. These benchmarks measure; nothing asserts on time.
"""

import secrets

import pytest

from refkx.fast.aes import FastAES, ctr_xor
from refkx.fast.gcm import FastGCM, GHashKey

SIZES = {"1KiB": 1024, "16KiB": 16 * 1024, "1MiB": 1024 * 1024}


def _run(benchmark, size, fn):
    benchmark.extra_info["bytes"] = size
    if size >= 1024 * 1024:
        return benchmark.pedantic(fn, rounds=3, iterations=1)
    return benchmark(fn)


@pytest.mark.parametrize("size_name", list(SIZES))
@pytest.mark.parametrize("operation", ["encrypt", "decrypt", "encrypt-fresh-key"])
def test_fast_gcm(benchmark, size_name, operation):
    size = SIZES[size_name]
    benchmark.group = f"fast-gcm-{size_name}"
    key, nonce, data = secrets.token_bytes(16), secrets.token_bytes(12), secrets.token_bytes(size)
    aead = FastGCM(key)
    sealed = aead.encrypt(nonce, data, b"")
    if operation == "encrypt":
        _run(benchmark, size, lambda: aead.encrypt(nonce, data, b""))
    elif operation == "decrypt":
        _run(benchmark, size, lambda: aead.decrypt(nonce, sealed[:-16], sealed[-16:], b""))
    else:
        _run(benchmark, size, lambda: FastGCM(key).encrypt(nonce, data, b""))


@pytest.mark.parametrize("size_name", list(SIZES))
def test_fast_ctr(benchmark, size_name):
    size = SIZES[size_name]
    benchmark.group = f"fast-ctr-{size_name}"
    key, icb, data = secrets.token_bytes(16), secrets.token_bytes(16), secrets.token_bytes(size)
    _run(benchmark, size, lambda: ctr_xor(FastAES(key), icb, data))


@pytest.mark.parametrize("bits", [128, 256])
def test_fast_aes_ecb_16KiB(benchmark, bits):
    benchmark.group = "fast-aes-ecb-16KiB"
    aes, data = FastAES(secrets.token_bytes(bits // 8)), secrets.token_bytes(16 * 1024)
    _run(benchmark, len(data), lambda: aes.encrypt_blocks(data))


def test_fast_aes_key_setup(benchmark):
    benchmark.group = "fast-aes-key-setup"
    key = secrets.token_bytes(16)
    benchmark(FastAES, key)


@pytest.mark.parametrize("size_name", list(SIZES))
def test_fast_ghash(benchmark, size_name):
    size = SIZES[size_name]
    benchmark.group = f"fast-ghash-{size_name}"
    ghash_key, data = GHashKey(secrets.randbits(128)), secrets.token_bytes(size)
    _run(benchmark, size, lambda: ghash_key.digest(data))


@pytest.mark.parametrize("path", ["fast-ladder", "fast-fixed-base", "readable-ladder"])
def test_fast_x25519(benchmark, path):
    from refkx import x25519
    from refkx.fast import x25519 as x25519_fast
    benchmark.group = "fast-x25519"
    k, u = secrets.token_bytes(32), x25519.x25519(secrets.token_bytes(32), x25519.BASE_POINT)
    if path == "fast-ladder":
        benchmark(x25519_fast.x25519, k, u)
    elif path == "fast-fixed-base":
        x25519_fast.x25519(k, x25519.BASE_POINT)                   # table built once
        benchmark(x25519_fast.x25519, k, x25519.BASE_POINT)
    else:
        benchmark(x25519.x25519, k, u)


@pytest.mark.parametrize("path", ["fixed-base-table", "bare-pow"])
def test_fast_dh_keygen(benchmark, path):
    from refkx.fast.dh import FixedBaseTable
    from refkx.dh_groups import FFDHE2048 as group
    benchmark.group = "fast-dh-ffdhe2048-keygen"
    bits = group.exponent_bits
    x = secrets.randbits(bits)
    if path == "fixed-base-table":
        table = FixedBaseTable(group.g, group.p, bits)          # steady state: table built
        benchmark(table.pow, x)
    else:
        benchmark(pow, group.g, x, group.p)


@pytest.fixture(scope="module")
def rsa_2048():
    from refkx.rsa import RSAPrivateKey, generate_private_key
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa as pyca_rsa
    except ImportError:
        return generate_private_key(key_size=2048)
    nums = pyca_rsa.generate_private_key(65537, 2048).private_numbers()
    return RSAPrivateKey(nums.public_numbers.n, 65537, nums.d, nums.p, nums.q)


@pytest.mark.parametrize("path", ["fast-fresh-r", "readable", "bare-crt"])
def test_fast_rsa_private_operation(benchmark, rsa_2048, path):
    from refkx import rsa_primitives
    from refkx.fast import rsa as rsa_fast
    benchmark.group = "fast-rsa-2048"
    key, c = rsa_2048, secrets.randbelow(rsa_2048.n)
    if path == "fast-fresh-r":
        benchmark(rsa_fast.private_operation_fresh_r, key, c)
    elif path == "readable":
        benchmark(rsa_primitives.private_operation, key, c)   # always the readable function
    else:
        benchmark(rsa_primitives.crt_exponentiation, key.p, key.q, key.dP, key.dQ, key.qInv, c)
