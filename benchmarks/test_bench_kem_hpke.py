"""Benchmarks for the KEM interface (refkx.kem) and HPKE (refkx.hpke, RFC 9180).

* Every KEM in `KEMS`: keygen, encapsulate, decapsulate. RSA keygen is a prime search
  and the 6144/8192-bit FFDH groups take around a second per operation, so those run a
  fixed few rounds (benchmark.pedantic) whatever --benchmark-min-rounds says.
* Every HPKE suite (2 KEMs x 3 KDFs x 3 AEADs): base-mode setup on the sender
  (ephemeral DeriveKeyPair + Encap + key schedule) and on the receiver (Decap + key
  schedule). Their sum is the cost of establishing one HPKE context.
* Seal and Open at 64 B and 16 KiB for each AEAD: they use only the AEAD key and
  nonce, so the KEM and KDF of the suite do not matter (measured with X25519 and
  HKDF-SHA256); the time is refkx's pure-Python AES-GCM plus a nonce XOR.

Run:  python3 -m pytest benchmarks/test_bench_kem_hpke.py --benchmark-min-rounds=3 -q
These benchmarks measure; nothing asserts on time.
"""

import functools

import pytest

from refkx import hpke
from refkx.kem import KEMS

SLOW_KEMS = {"ffdhe6144", "ffdhe8192", "modp6144", "modp8192",
             "rsa2048-oaep", "rsa3072-oaep", "rsa4096-oaep"}
SLOW_ROUNDS = 3
SIZES = {"64B": 64, "16KiB": 16 * 1024}
SUITES = [hpke.Suite(k, f, a) for k in hpke.KEMS for f in hpke.KDFS for a in hpke.AEADS]


def _suite_id(suite):
    return f"kem{suite.kem_id:04x}-kdf{suite.kdf_id:04x}-aead{suite.aead_id:04x}"


@functools.lru_cache(maxsize=None)
def _keypair(name):
    return KEMS[name].generate_keypair()


def _measure(benchmark, name, fn):
    if name in SLOW_KEMS:
        benchmark.pedantic(fn, rounds=SLOW_ROUNDS, iterations=1)
    else:
        benchmark(fn)


# --- KEMs ---

@pytest.mark.parametrize("name", [n for n in KEMS if not n.startswith("rsa")])
def test_kem_keygen(benchmark, name):
    benchmark.group = f"kem {name}"
    _measure(benchmark, name, KEMS[name].generate_keypair)


@pytest.mark.parametrize("name", [n for n in KEMS if n.startswith("rsa")])
def test_kem_keygen_rsa(benchmark, name):
    """RSA keygen: a random prime search, so its time varies widely round to round."""
    benchmark.group = f"kem {name}"
    benchmark.pedantic(KEMS[name].generate_keypair, rounds=2, iterations=1)


@pytest.mark.parametrize("name", list(KEMS))
def test_kem_encapsulate(benchmark, name):
    benchmark.group = f"kem {name}"
    _, public_bytes = _keypair(name)
    _measure(benchmark, name, lambda: KEMS[name].encapsulate(public_bytes))


@pytest.mark.parametrize("name", list(KEMS))
def test_kem_decapsulate(benchmark, name):
    benchmark.group = f"kem {name}"
    private_key, public_bytes = _keypair(name)
    _, enc = KEMS[name].encapsulate(public_bytes)
    _measure(benchmark, name, lambda: KEMS[name].decapsulate(enc, private_key))


# --- HPKE setup, per suite ---

@pytest.mark.parametrize("suite", SUITES, ids=_suite_id)
def test_hpke_setup_base_sender(benchmark, suite):
    benchmark.group = f"hpke setup {_suite_id(suite)}"
    _, pk_r = hpke.generate_key_pair(suite.kem_id)
    benchmark(lambda: hpke.setup_base_sender(pk_r, b"bench info", suite))


@pytest.mark.parametrize("suite", SUITES, ids=_suite_id)
def test_hpke_setup_base_receiver(benchmark, suite):
    benchmark.group = f"hpke setup {_suite_id(suite)}"
    sk_r, pk_r = hpke.generate_key_pair(suite.kem_id)
    enc, _ = hpke.setup_base_sender(pk_r, b"bench info", suite)
    benchmark(lambda: hpke.setup_base_receiver(enc, sk_r, b"bench info", suite))


# --- HPKE seal/open, per AEAD ---

def _contexts(aead_id):
    suite = hpke.Suite(hpke.KEM_DHKEM_X25519_HKDF_SHA256, hpke.KDF_HKDF_SHA256, aead_id)
    sk_r, pk_r = hpke.generate_key_pair(suite.kem_id)
    enc, sender = hpke.setup_base_sender(pk_r, b"", suite)
    return sender, hpke.setup_base_receiver(enc, sk_r, b"", suite)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("aead_id", [hpke.AEAD_AES_128_GCM, hpke.AEAD_AES_256_GCM])
def test_hpke_seal(benchmark, aead_id, size):
    benchmark.group = f"hpke seal/open aead{aead_id:04x} {size}"
    benchmark.extra_info["bytes"] = SIZES[size]
    sender, _ = _contexts(aead_id)
    plaintext = bytes(SIZES[size])
    benchmark(lambda: sender.seal(plaintext, b"aad"))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("aead_id", [hpke.AEAD_AES_128_GCM, hpke.AEAD_AES_256_GCM])
def test_hpke_open(benchmark, aead_id, size):
    benchmark.group = f"hpke seal/open aead{aead_id:04x} {size}"
    benchmark.extra_info["bytes"] = SIZES[size]
    sender, receiver = _contexts(aead_id)
    ciphertext = sender.seal(bytes(SIZES[size]), b"aad")   # sealed at seq 0

    def rewind():
        receiver._set_seq(0)        # every round opens the seq-0 ciphertext afresh

    rounds = 20 if SIZES[size] <= 1024 else 5
    benchmark.pedantic(lambda: receiver.open(ciphertext, b"aad"), setup=rewind,
                       rounds=rounds, iterations=1)
