"""Benchmarks for finite-field Diffie–Hellman (refkx.dh): what FFDH costs in CPython.

For every group size: key generation (x from `secrets`, y = g^x mod p), the exchange
(decode and validate the peer's y, then Z = y^x mod p), and the same two
exponentiations as bare `pow()` calls with exponents of the same size, so the overhead
of refkx over the interpreter's limit shows as a ratio. Public-key validation is
measured with and without the subgroup check y^q = 1 (mod p): for the safe-prime groups
that check is an exponentiation by the full-size q and dominates the exchange.

Run:  python3 -m pytest benchmarks/test_bench_dh.py --benchmark-min-rounds=3 -q
Tests never assert on time; these only measure.
"""

import secrets

import pytest

from refkx.dh import GROUPS, DHPrivateKey, DHPublicKey, validate_public_value

# One group per modulus size (MODP and FFDHE groups of a size cost the same), plus
# the RFC 5114 groups whose short q makes both the exponent and the check cheap.
GROUP_NAMES = ["rfc5114_1024_160", "modp1536", "ffdhe2048", "rfc5114_2048_256",
               "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]
SAFE_PRIME_NAMES = [n for n in GROUP_NAMES if GROUPS[n].is_safe_prime]


def _peer(group):
    return DHPrivateKey.generate(group).public_key().public_bytes()


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_keygen(benchmark, name):
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    benchmark(lambda: DHPrivateKey.generate(group).public_key())


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_exchange(benchmark, name):
    """Decode + full validation (y^q = 1) + y^x: what a peer's share costs by default."""
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    ours, theirs = DHPrivateKey.generate(group), _peer(group)
    benchmark(lambda: ours.exchange(DHPublicKey.from_public_bytes(group, theirs)))


@pytest.mark.parametrize("name", SAFE_PRIME_NAMES)
def test_exchange_range_check_only(benchmark, name):
    """The same with full_validation=False (RFC 7919 §5.1's 1 < y < p - 1 only)."""
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    ours, theirs = DHPrivateKey.generate(group), _peer(group)
    benchmark(lambda: ours.exchange(
        DHPublicKey.from_public_bytes(group, theirs, full_validation=False)))


def _bench_handshake(benchmark, name, full_validation):
    """One side of a handshake: generate, publish, receive, validate, exchange."""
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    theirs = _peer(group)

    def handshake():
        ours = DHPrivateKey.generate(group)
        ours.public_key().public_bytes()
        return ours.exchange(DHPublicKey.from_public_bytes(group, theirs,
                                                           full_validation=full_validation))

    benchmark(handshake)


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_keygen_and_exchange(benchmark, name):
    """Full validation (y^q = 1 mod p) of the peer's value."""
    _bench_handshake(benchmark, name, full_validation=True)


@pytest.mark.parametrize("name", SAFE_PRIME_NAMES)
def test_keygen_and_exchange_range_check_only(benchmark, name):
    _bench_handshake(benchmark, name, full_validation=False)


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_bare_pow_pair(benchmark, name):
    """The interpreter's limit: pow(g, x, p) and pow(y, x, p) with the same exponent size."""
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    p, g, bits = group.p, group.g, group.exponent_bits
    y = int.from_bytes(_peer(group), "big")

    def two_pows():
        x = secrets.randbits(bits)
        pow(g, x, p)
        return pow(y, x, p)

    benchmark(two_pows)


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_bare_pow_fixed_base(benchmark, name):
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    p, g, x = group.p, group.g, secrets.randbits(group.exponent_bits)
    benchmark(pow, g, x, p)


@pytest.mark.parametrize("name", GROUP_NAMES)
def test_validate_full(benchmark, name):
    """SP 800-56A §5.6.2.3.1: range check and y^q = 1 (mod p)."""
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    y = int.from_bytes(_peer(group), "big")
    benchmark(validate_public_value, group, y)


@pytest.mark.parametrize("name", SAFE_PRIME_NAMES)
def test_validate_range_only(benchmark, name):
    group = GROUPS[name]
    benchmark.group = f"dh {name}"
    y = int.from_bytes(_peer(group), "big")
    benchmark(lambda: validate_public_value(group, y, full_validation=False))
