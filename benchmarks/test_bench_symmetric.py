"""Benchmarks for the symmetric layer: AES block, CTR, AES-GCM, HMAC, HKDF (pure Python).

Run:  python3 -m pytest benchmarks/test_bench_symmetric.py --benchmark-min-rounds=3 -q

Message sizes 64 B, 1 KiB, 16 KiB and 1 MiB. The readable AES and GHASH do one
Python operation per byte (per bit for GHASH), so 1 MiB takes seconds per call: those
cases run a single round (benchmark.pedantic) whatever --benchmark-min-rounds says.
Throughput in MB/s is size / median time. When `cryptography` is installed the same
AES-GCM and CTR work is measured through OpenSSL (groups "...-cryptography") for scale.
These benchmarks measure; nothing asserts on time.
"""

import pytest

from refkx.aes import AES
from refkx.ctr import ctr_encrypt
from refkx.gcm import AESGCM
from refkx.hkdf import hkdf
from refkx.hmac import hmac

SIZES = {"64B": 64, "1KiB": 1024, "16KiB": 16 * 1024, "1MiB": 1024 * 1024}
KEY_BITS = [128, 256]
BIG_ROUNDS = 1                     # rounds for the 1 MiB cases (seconds each in pure Python)


def _run(benchmark, size, fn):
    benchmark.extra_info["bytes"] = size
    if size >= 1024 * 1024:
        return benchmark.pedantic(fn, rounds=BIG_ROUNDS, iterations=1)
    return benchmark(fn)


@pytest.mark.parametrize("bits", [128, 192, 256])
def test_aes_encrypt_block(benchmark, bits):
    benchmark.group = "aes-block"
    cipher, block = AES(bytes(bits // 8)), bytes(range(16))
    benchmark.extra_info["bytes"] = 16
    benchmark(cipher.encrypt_block, block)


@pytest.mark.parametrize("bits", [128, 192, 256])
def test_aes_decrypt_block(benchmark, bits):
    benchmark.group = "aes-block"
    cipher, block = AES(bytes(bits // 8)), bytes(range(16))
    benchmark(cipher.decrypt_block, block)


def test_aes_key_expansion(benchmark):
    benchmark.group = "aes-block"
    benchmark(AES, bytes(16))


@pytest.mark.parametrize("size_name", list(SIZES))
def test_ctr(benchmark, size_name):
    size = SIZES[size_name]
    benchmark.group = f"ctr-aes128-{size_name}"
    cipher, data = AES(bytes(16)), bytes(size)
    _run(benchmark, size, lambda: ctr_encrypt(cipher, bytes(16), data))


@pytest.mark.parametrize("bits", KEY_BITS)
@pytest.mark.parametrize("size_name", list(SIZES))
def test_gcm_encrypt(benchmark, size_name, bits):
    size = SIZES[size_name]
    benchmark.group = f"gcm-{size_name}"
    aead, nonce, data = AESGCM(bytes(bits // 8)), bytes(12), bytes(size)
    _run(benchmark, size, lambda: aead.encrypt(nonce, data, b"header"))


@pytest.mark.parametrize("size_name", list(SIZES))
def test_gcm_decrypt_aes128(benchmark, size_name):
    size = SIZES[size_name]
    benchmark.group = f"gcm-{size_name}"
    aead, nonce = AESGCM(bytes(16)), bytes(12)
    sealed = aead.encrypt(nonce, bytes(size), b"header")
    _run(benchmark, size, lambda: aead.decrypt(nonce, sealed, b"header"))


@pytest.mark.parametrize("size_name", list(SIZES))
def test_gcm_encrypt_cryptography(benchmark, size_name):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as PycaAESGCM

    size = SIZES[size_name]
    benchmark.group = f"gcm-{size_name}-cryptography"
    aead, nonce, data = PycaAESGCM(bytes(16)), bytes(12), bytes(size)
    benchmark.extra_info["bytes"] = size
    benchmark(aead.encrypt, nonce, data, b"header")


@pytest.mark.parametrize("size_name", list(SIZES))
def test_hmac_sha256(benchmark, size_name):
    size = SIZES[size_name]
    benchmark.group = f"hmac-sha256-{size_name}"
    key, data = bytes(32), bytes(size)
    benchmark.extra_info["bytes"] = size
    benchmark(hmac, key, data, "sha256")


@pytest.mark.parametrize("length", [32, 64, 255 * 32])
def test_hkdf_sha256(benchmark, length):
    benchmark.group = "hkdf-sha256"
    benchmark(hkdf, bytes(32), length, b"salt", b"info", "sha256")
