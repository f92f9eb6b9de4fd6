"""The fast primes twin (refkx.fast.primes): its sieve and base-2 filter, and agreement.

The behaviour it shares with refkx.primes (known primes and composites, A.1.3's conditions on
generated pairs, the try limit) runs under both implementations in test_primes.py. Here: the
sieve stages are the primes they claim, the base-2 filter never rejects a prime, and the twin
answers as the readable code does. Tests never assert on time.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from refkx import impl, primes
from refkx.fast import primes as fast_primes

PRIMES_OF_SIZE = [2**127 - 1, 2**521 - 1, 2**607 - 1, 2**255 - 19, 2**448 - 2**224 - 1,
                  2**64 - 59, 65537, 65521]


def test_twin_is_registered():
    assert impl.TWINS["primes"] == "refkx.fast.primes"
    with impl.using("fast", "primes"):
        assert impl.fast("primes") is fast_primes


def test_sieve_stages_hold_every_odd_prime_below_the_limit():
    word, small, large, below = fast_primes._sieve_stages()
    readable = set(primes.SMALL_PRIMES)
    assert below >= readable and all(q < fast_primes.SIEVE_LIMIT for q in below)
    assert len(below) == 6542                        # pi(2^16), the count of primes below 65536
    odd = sorted(below - {2})
    assert word == math.prod(q for q in odd if q <= fast_primes.WORD_PRIMES_LIMIT) < 2**64
    assert small == math.prod(q for q in odd if fast_primes.WORD_PRIMES_LIMIT < q
                              < primes.SMALL_PRIME_LIMIT)
    assert large == math.prod(q for q in odd if q >= primes.SMALL_PRIME_LIMIT)
    assert all(all(q % r for r in primes.SMALL_PRIMES if r * r <= q) for q in odd)


@pytest.mark.parametrize("w", PRIMES_OF_SIZE, ids=lambda w: f"{w.bit_length()}bit")
def test_base_2_filter_passes_primes(w):
    assert fast_primes.strong_probable_prime_base_2(w)


def test_base_2_filter_rejects_composites_without_small_factors():
    # Products of two primes above the sieve limit pass the sieve; base 2 must reject them.
    for a, b in [(2**127 - 1, 2**89 - 1), (2**64 - 59, 2**61 - 1), (65537, 2**127 - 1)]:
        assert fast_primes.passes_sieve(a * b)
        assert not fast_primes.strong_probable_prime_base_2(a * b)


def test_sieve_rejects_each_small_factor():
    big = 2**127 - 1
    for q in (3, 53, 59, 1999, 2003, 65521):
        assert not fast_primes.passes_sieve(q * big)
    assert fast_primes.passes_sieve(big)


def test_small_range_answered_by_the_table():
    for w in range(primes.SMALL_PRIME_LIMIT, primes.SMALL_PRIME_LIMIT + 3000):
        assert fast_primes.is_probable_prime(w) == all(w % f for f in range(2, math.isqrt(w) + 1))


@settings(max_examples=200)
@given(st.integers(min_value=primes.SMALL_PRIME_LIMIT, max_value=2**200))
def test_agrees_with_readable(w):
    with impl.using("readable", "primes"):
        expected = primes.is_probable_prime(w)
    with impl.using("fast", "primes"):
        assert primes.is_probable_prime(w) == expected


@pytest.mark.parametrize("nlen", [2048])
def test_generated_rsa_size_pair_meets_a13(nlen):
    e = 65537
    with impl.using("fast", "primes"):
        p, q = primes.generate_probable_prime_pair(nlen, e)
    half = nlen // 2
    for x in (p, q):
        assert x.bit_length() == half and x >= primes.sqrt2_lower_bound(half)
        assert math.gcd(x - 1, e) == 1
        with impl.using("readable", "primes"):
            assert primes.is_probable_prime(x, rounds=40)
    assert abs(p - q) > 2 ** (half - 100)
