"""Miller-Rabin and random probable primes (FIPS 186-5 Appendix B.3 / A.1.3).

Every test runs under each implementation (the readable refkx.primes and its fast twin); the
twin's own internals (sieve stages, base-2 filter) are tested in test_fast_primes.py.
"""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from refkx import primes
from refkx.primes import (
    generate_probable_prime_pair,
    is_probable_prime,
    miller_rabin,
    miller_rabin_rounds,
    sqrt2_lower_bound,
)

# Known primes of cryptographic sizes: Mersenne primes and the field primes of RFC 7748.
KNOWN_PRIMES = [
    2**127 - 1, 2**521 - 1, 2**607 - 1, 2**1279 - 1,
    2**255 - 19, 2**448 - 2**224 - 1,
    2**64 - 59, 2**89 - 1,
]
# Composites that fool weaker tests: Carmichael numbers (Fermat liars for every
# coprime base), strong pseudoprimes to several small bases, products of large
# primes, Mersenne composites.
KNOWN_COMPOSITES = [
    561, 1105, 41041, 825265, 321197185, 5394826801, 232250619601, 9746347772161,
    3215031751,  # strong pseudoprime to bases 2, 3, 5 and 7
    3825123056546413051,  # strong pseudoprime to the first nine prime bases
    (2**127 - 1) * (2**89 - 1),
    (2**64 - 59) ** 2,
    2**1279 - 3, 2**523 - 1, 2**2048 + 1,
]


pytestmark = pytest.mark.usefixtures("implementation")    # tests/conftest.py: each in turn


def _seeded_rng(seed):
    r = random.Random(seed)
    return r.randbytes


def _naive_is_prime(w):
    return w >= 2 and all(w % f for f in range(2, math.isqrt(w) + 1))


# --- against known values ---

@pytest.mark.parametrize("w", KNOWN_PRIMES, ids=lambda w: f"{w.bit_length()}bit")
def test_known_primes(w):
    assert is_probable_prime(w)
    assert is_probable_prime(w, rounds=40)


@pytest.mark.parametrize("w", KNOWN_COMPOSITES, ids=str)
def test_known_composites(w):
    assert not is_probable_prime(w)
    assert not is_probable_prime(w, rounds=40)


def test_matches_trial_division_below_5000():
    assert [w for w in range(-5, 5000) if is_probable_prime(w)] == \
        [w for w in range(-5, 5000) if _naive_is_prime(w)]


def test_miller_rabin_alone_on_carmichael_numbers():
    # Bypass trial division: Miller-Rabin itself must reject Carmichael numbers.
    for w in (561, 41041, 825265, 321197185, 5394826801):
        assert not miller_rabin(w, 20)


def test_small_primes_table_is_derived_correctly():
    assert primes.SMALL_PRIMES[:10] == (2, 3, 5, 7, 11, 13, 17, 19, 23, 29)
    assert all(_naive_is_prime(p) for p in primes.SMALL_PRIMES)
    assert len(primes.SMALL_PRIMES) == sum(1 for w in range(primes.SMALL_PRIME_LIMIT)
                                           if _naive_is_prime(w))


def test_round_counts_follow_table_b1():
    # FIPS 186-5 Table B.1 (p, q without auxiliary primes): 1024-bit 5, 1536-bit 4, 2048-bit 4.
    assert miller_rabin_rounds(1024) == 5
    assert miller_rabin_rounds(1536) == 4
    assert miller_rabin_rounds(2048) == 4
    assert miller_rabin_rounds(3000) == 4
    assert miller_rabin_rounds(512) == 7
    assert miller_rabin_rounds(100) == primes.MR_ROUNDS_FALLBACK


def test_sqrt2_lower_bound_is_the_ceiling():
    for k in (8, 64, 512, 1024, 1536, 2048):
        bound = sqrt2_lower_bound(k)
        assert bound * bound > 2 ** (2 * k - 1) >= (bound - 1) ** 2
        assert bound.bit_length() == k


# --- prime generation (FIPS 186-5 A.1.3) ---

@pytest.mark.parametrize("nlen", [512, 1024])
def test_generated_pair_meets_a13(nlen):
    e = 65537
    p, q = generate_probable_prime_pair(nlen, e)
    half = nlen // 2
    for x in (p, q):
        assert x.bit_length() == half
        assert x >= sqrt2_lower_bound(half)
        assert math.gcd(x - 1, e) == 1
        assert is_probable_prime(x, rounds=40)  # extra rounds beyond Table B.1
    assert abs(p - q) > 2 ** (half - 100)
    assert (p * q).bit_length() == nlen


def test_injected_rng_is_deterministic():
    a = generate_probable_prime_pair(512, 65537, rng=_seeded_rng(7))
    b = generate_probable_prime_pair(512, 65537, rng=_seeded_rng(7))
    c = generate_probable_prime_pair(512, 65537, rng=_seeded_rng(8))
    assert a == b != c


def test_gcd_with_e_is_enforced():
    # e = 3: p - 1 must not be divisible by 3, i.e. p = 2 mod 3.
    for _ in range(3):
        p, q = generate_probable_prime_pair(512, 3)
        assert p % 3 == 2 and q % 3 == 2


def test_generation_fails_after_the_try_limit():
    # All-ones candidates pass the size checks but 2^256 - 1 is composite: 5 * 256 tries, then FAILURE.
    with pytest.raises(RuntimeError, match="A.1.3"):
        generate_probable_prime_pair(512, 65537, rng=lambda n: b"\xff" * n)
    # An rng that only yields zeros never passes the sqrt(2) bound: the draw guard stops it.
    with pytest.raises(RuntimeError, match="A.1.3"):
        generate_probable_prime_pair(512, 65537, rng=lambda n: bytes(n))


@settings(max_examples=5)
@given(half=st.integers(min_value=100, max_value=200))
def test_generated_pairs_have_exact_modulus_size(half):
    p, q = generate_probable_prime_pair(2 * half, 65537)
    assert (p * q).bit_length() == 2 * half


@settings(max_examples=30)
@given(a=st.sampled_from(KNOWN_PRIMES[:6] + [1009, 65537]), b=st.sampled_from(KNOWN_PRIMES[:6] + [1009, 65537]))
def test_products_are_composite(a, b):
    assert not is_probable_prime(a * b)


@given(w=st.integers(min_value=-10**6, max_value=1))
def test_below_two_is_not_prime(w):
    assert not is_probable_prime(w)


# --- bad input ---

@pytest.mark.parametrize("w", ["7", 7.0, None, True, b"\x07"])
def test_is_probable_prime_rejects_non_int(w):
    with pytest.raises(TypeError):
        is_probable_prime(w)


@pytest.mark.parametrize("rounds", [0, -1])
def test_is_probable_prime_rejects_bad_rounds(rounds):
    with pytest.raises(ValueError):
        is_probable_prime(2**127 - 1, rounds=rounds)
    with pytest.raises(TypeError):
        is_probable_prime(2**127 - 1, rounds=2.0)


@pytest.mark.parametrize("nlen, e", [(511, 65537), (100, 65537), (512, 65536), (512, 1)])
def test_generate_pair_rejects_bad_arguments(nlen, e):
    with pytest.raises(ValueError):
        generate_probable_prime_pair(nlen, e)


def test_generate_pair_rejects_non_int():
    with pytest.raises(TypeError):
        generate_probable_prime_pair(512.0, 65537)
    with pytest.raises(TypeError):
        generate_probable_prime_pair(512, "65537")


def test_random_int_below():
    assert primes.random_int_below(1) == 0
    values = {primes.random_int_below(5, rng=_seeded_rng(1)) for _ in range(50)}
    assert values <= set(range(5))
    with pytest.raises(ValueError):
        primes.random_int_below(0)


def test_broken_rng_for_bases_is_reported():
    with pytest.raises(RuntimeError, match="base"):
        miller_rabin(2**127 - 1, 1, rng=lambda n: b"\xff" * n)
