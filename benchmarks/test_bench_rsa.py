"""Benchmarks for RSA (refkx.rsa, refkx.pkcs1): what RSA costs in CPython.

* Key generation at 2048, 3072 and 4096 bits (FIPS 186-5 A.1.3 primes). The
  time is random (the prime search is): look at the median and the spread
  (min/max, stddev), not at one run. Few rounds: each one takes seconds.
* Encrypt and decrypt for OAEP-SHA-256 and PKCS #1 v1.5, sign and verify for
  PSS-SHA-256, at 2048 bits.
* The private operation taken apart: the bare CRT exponentiation (RFC 8017
  §5.1.2 step 2.b: two half-size pow() calls), the full `private_operation`
  (blinding with a fresh r: r^e, r^-1 mod n and two multiplications, then the
  CRT, then the fault check y^e mod n), its optimised twin refkx.fast.rsa (the
  default path of decrypt/sign), and plain pow(c, d, n) without the CRT.
  decrypt / bare CRT is the overhead of padding + blinding + fault check;
  `python3 benchmarks/test_bench_rsa.py` prints it from interleaved runs.

Run:  python3 -m pytest benchmarks/test_bench_rsa.py --benchmark-min-rounds=3 -q
Tests never assert on time; these only measure.
"""

import secrets
import statistics
import time

import pytest

from refkx import impl, rsa_primitives
from refkx.rsa import OAEP, PKCS1v15, PSS, generate_private_key

BITS = 2048
_KEYS = {}


def _key(bits=BITS):
    if bits not in _KEYS:
        _KEYS[bits] = generate_private_key(key_size=bits)
    return _KEYS[bits]


KEYGEN_ROUNDS = {2048: 5, 3072: 3, 4096: 3}


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
def test_keygen(benchmark, bits):
    """Random: the statistics (median, min, max, stddev) are the result, not any one round."""
    benchmark.group = "rsa keygen"
    benchmark.pedantic(generate_private_key, kwargs={"key_size": bits}, rounds=KEYGEN_ROUNDS[bits], iterations=1)


PADDINGS = {"oaep-sha256": OAEP("sha256"), "pkcs1v15": PKCS1v15()}


@pytest.mark.parametrize("name", PADDINGS)
def test_encrypt(benchmark, name):
    padding = PADDINGS[name]
    public_key = _key().public_key()
    benchmark.group = f"rsa{BITS} encrypt/decrypt"
    benchmark(public_key.encrypt, b"\x03\x03" + bytes(46), padding)


@pytest.mark.parametrize("name", PADDINGS)
def test_decrypt(benchmark, name):
    padding = PADDINGS[name]
    key = _key()
    ciphertext = key.public_key().encrypt(b"\x03\x03" + bytes(46), padding)
    benchmark.group = f"rsa{BITS} encrypt/decrypt"
    benchmark(key.decrypt, ciphertext, padding)


def test_sign_pss(benchmark):
    key = _key()
    benchmark.group = f"rsa{BITS} sign/verify"
    benchmark(key.sign, b"transcript hash" * 4, PSS("sha256"))


def test_verify_pss(benchmark):
    key = _key()
    signature = key.sign(b"transcript hash" * 4, PSS("sha256"))
    benchmark.group = f"rsa{BITS} sign/verify"
    benchmark(key.public_key().verify, signature, b"transcript hash" * 4, PSS("sha256"))


def test_private_op_bare_crt(benchmark):
    """RFC 8017 §5.1.2 step 2.b alone: m_1 = c^dP mod p, m_2 = c^dQ mod q, recombine."""
    key = _key()
    c = secrets.randbelow(key.n)
    benchmark.group = f"rsa{BITS} private op"
    benchmark(rsa_primitives.crt_exponentiation, key.p, key.q, key.dP, key.dQ, key.qInv, c)


def test_private_op_blinded_checked(benchmark):
    """CRT + blinding (fresh r each time) + fault check: what decrypt and sign run."""
    key = _key()
    c = secrets.randbelow(key.n)
    benchmark.group = f"rsa{BITS} private op"
    benchmark(rsa_primitives.private_operation, key, c)


def test_private_op_fast(benchmark):
    """refkx.fast.rsa.private_operation_fresh_r (the fast twin: r^e and r^-1 mod p and q)."""
    from refkx.fast import rsa as rsa_fast

    key = _key()
    c = secrets.randbelow(key.n)
    benchmark.group = f"rsa{BITS} private op"
    benchmark(rsa_fast.private_operation_fresh_r, key, c)


def test_private_op_no_crt(benchmark):
    """pow(c, d, n) with the full-size d: what the CRT saves."""
    key = _key()
    c = secrets.randbelow(key.n)
    benchmark.group = f"rsa{BITS} private op"
    benchmark(pow, c, key.d, key.n)


def test_public_op(benchmark):
    """RSAEP / RSAVP1: pow(m, 65537, n)."""
    key = _key()
    m = secrets.randbelow(key.n)
    benchmark.group = f"rsa{BITS} private op"
    benchmark(pow, m, key.e, key.n)


def ratio_report(rounds=40):
    """Interleaved medians of decrypt (readable and fast private path) vs the bare CRT step.

    Interleaving the measurements makes the ratios less sensitive to a noisy machine.
    """
    key = _key()
    padding = OAEP("sha256")
    ciphertext = key.public_key().encrypt(b"k" * 32, padding)
    c = int.from_bytes(ciphertext, "big")
    samples = {"bare_crt": [], "private_op": [], "decrypt_readable": [], "decrypt_fast": []}
    for _ in range(rounds):
        t = time.perf_counter()
        rsa_primitives.crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, c)
        samples["bare_crt"].append(time.perf_counter() - t)
        t = time.perf_counter()
        rsa_primitives.private_operation(key, c)
        samples["private_op"].append(time.perf_counter() - t)
        for name, mode in (("decrypt_readable", "readable"), ("decrypt_fast", "fast")):
            with impl.using(mode, "rsa"):
                t = time.perf_counter()
                key.decrypt(ciphertext, padding)
                samples[name].append(time.perf_counter() - t)
    med = {name: statistics.median(values) for name, values in samples.items()}
    report = {f"{name}_ms": value * 1e3 for name, value in med.items()}
    for name in ("private_op", "decrypt_readable", "decrypt_fast"):
        report[f"{name}/bare_crt"] = med[name] / med["bare_crt"]
    return report


if __name__ == "__main__":  # python3 benchmarks/test_bench_rsa.py: the ratio alone
    for name, value in ratio_report().items():
        print(f"{name:>18}: {value:.3f}")
