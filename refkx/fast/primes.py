"""Fast probable primes for RSA: FIPS 186-5 (February 2023) Appendix A.1.3 with a deeper sieve.

The optimised twin of refkx.primes, selected through refkx.impl as "primes". It accepts exactly
the candidates A.1.3 accepts: each try is a fresh string of nlen/2 bits from the RBG (steps
4.1 / 5.1), made odd (4.2 / 5.2), kept only if far enough from p (5.3) and at least
sqrt(2) * 2^(nlen/2 - 1) (4.3 / 5.4), with GCD(candidate - 1, e) = 1 and PROBABLY PRIME after
the Miller-Rabin rounds of Table B.1 with random bases (B.3.1), counted against the same limit
of 5(nlen/2) / 10(nlen/2) tries. What is faster is how composites are thrown out before the
rounds that count (random key generation spends nearly all its time in pow() on composites):

1. Trial division by every odd prime below SIEVE_LIMIT = 2^16 instead of 2000, in three gcds
   that grow in price: the primes up to 53 (their product fits one machine word: one short
   division and a word-sized gcd reject 74% of odd candidates), the primes up to 2000, then the
   rest. Of odd candidates, about 14.8% survive primes < 2000 and 10.1% survive primes < 2^16
   (Mertens: the survivors shrink like 1 / ln(limit)), so a third fewer reach pow().
2. One strong-probable-prime test to the fixed base 2 (B.3.1 steps 1-4 with b = 2) as a
   filter before the Table B.1 rounds. Every prime passes it, so it never rejects a prime and
   never changes which candidate is accepted; it only rejects composites more cheaply than a
   random base does (a pow() with base 2 multiplies by small powers of two), about 12-20% less
   work per composite.

Variable time (read before using this for anything but learning): gcd and pow take time that
depends on the candidate; rejected candidates reveal nothing about the accepted one, but CPython
integers are not constant-time. This code teaches and cross-checks; it does not protect
production secrets.
"""

from __future__ import annotations

import math
import secrets
from typing import Optional

from ..primes import (MAX_DRAWS_PER_TRY, SMALL_PRIME_LIMIT, Rng, miller_rabin, miller_rabin_rounds,
                      sqrt2_lower_bound)

__all__ = ["SIEVE_LIMIT", "is_probable_prime", "generate_probable_prime_pair", "passes_sieve",
           "strong_probable_prime_base_2"]

SIEVE_LIMIT = 1 << 16                # trial-divide by every prime below this bound
WORD_PRIMES_LIMIT = 53               # the odd primes <= 53 multiply to less than 2^64

_stages: Optional[tuple[int, int, int, frozenset]] = None


def _primes_below(limit: int) -> list[int]:
    """The primes below `limit`, by the sieve of Eratosthenes."""
    is_prime = bytearray([1]) * limit
    is_prime[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit - 1) + 1):
        if is_prime[i]:
            is_prime[i * i::i] = bytes(len(range(i * i, limit, i)))
    return [i for i in range(limit) if is_prime[i]]


def _product(values: list[int]) -> int:
    """The product of `values`, multiplied pairwise in a balanced tree (quasi-linear, not quadratic)."""
    while len(values) > 1:
        values = [math.prod(values[i:i + 2]) for i in range(0, len(values), 2)]
    return values[0] if values else 1


def _sieve_stages() -> tuple[int, int, int, frozenset]:
    """(product of odd primes <= 53, of those up to 2000, of those up to 2^16, the set of all).

    Built on first use (about 20 ms), then kept.
    """
    global _stages
    if _stages is None:
        odd = _primes_below(SIEVE_LIMIT)[1:]
        word = [q for q in odd if q <= WORD_PRIMES_LIMIT]
        small = [q for q in odd if WORD_PRIMES_LIMIT < q < SMALL_PRIME_LIMIT]
        large = [q for q in odd if q >= SMALL_PRIME_LIMIT]
        _stages = (math.prod(word), _product(small), _product(large), frozenset([2, *odd]))
    return _stages


def passes_sieve(w: int) -> bool:
    """True if the odd w >= SIEVE_LIMIT has no prime factor below SIEVE_LIMIT."""
    word, small, large, _ = _sieve_stages()
    return (math.gcd(w % word, word) == 1 and math.gcd(w, small) == 1
            and math.gcd(w, large) == 1)


def strong_probable_prime_base_2(w: int) -> bool:
    """FIPS 186-5 B.3.1 steps 1-4 for the single base b = 2 (odd w > 3): False means COMPOSITE."""
    a = ((w - 1) & -(w - 1)).bit_length() - 1       # step 1: 2^a divides w - 1
    z = pow(2, (w - 1) >> a, w)                     # steps 2, 4.3: z = b^m mod w
    if z == 1 or z == w - 1:                        # step 4.4
        return True
    for _ in range(a - 1):                          # step 4.5
        z = z * z % w
        if z == w - 1:
            return True
        if z == 1:
            return False
    return False                                    # steps 4.6-4.7


def is_probable_prime(w: int, rounds: Optional[int] = None, rng: Optional[Rng] = None) -> bool:
    """refkx.primes.is_probable_prime for w >= 2000 (the readable code answers smaller w)."""
    _, _, _, small_primes = _sieve_stages()
    if w < SIEVE_LIMIT:
        return w in small_primes
    if w % 2 == 0 or not passes_sieve(w) or not strong_probable_prime_base_2(w):
        return False
    if rounds is None:
        rounds = miller_rabin_rounds(w.bit_length())
    return miller_rabin(w, rounds, rng)


def _random_bits(bits: int, rng: Optional[Rng]) -> int:
    """A uniform integer of at most `bits` bits (as refkx.primes draws it)."""
    if rng is None:
        return secrets.randbits(bits)
    return int.from_bytes(rng((bits + 7) // 8), "big") >> (-bits % 8)


def _generate_prime(half_bits: int, e: int, rng: Optional[Rng], max_tries: int,
                    p: Optional[int] = None) -> int:
    """A.1.3 step 4 (p is None) or step 5 (q, kept far from p); see refkx.primes._generate_prime."""
    lower = sqrt2_lower_bound(half_bits)
    min_distance = 1 << (half_bits - 100) if half_bits > 100 else 0
    rounds = miller_rabin_rounds(half_bits)
    word, small, large, _ = _sieve_stages()
    i = 0
    for _ in range(MAX_DRAWS_PER_TRY * max_tries):
        candidate = _random_bits(half_bits, rng) | 1            # 4.1-4.2 / 5.1-5.2
        if p is not None and abs(p - candidate) <= min_distance:  # 5.3
            continue
        if candidate < lower:                                   # 4.3 / 5.4
            continue
        # 4.4 / 5.5: GCD(candidate - 1, e) = 1 and PROBABLY PRIME (sieve, base-2 filter, B.3.1)
        if (math.gcd(candidate % word, word) == 1 and math.gcd(candidate, small) == 1
                and math.gcd(candidate, large) == 1 and math.gcd(candidate - 1, e) == 1
                and strong_probable_prime_base_2(candidate)
                and miller_rabin(candidate, rounds, rng)):
            return candidate
        i += 1                                                  # 4.5 / 5.6
        if i >= max_tries:
            break
    raise RuntimeError("prime generation failed after the FIPS 186-5 A.1.3 limit of tries")


def generate_probable_prime_pair(nlen: int, e: int, rng: Optional[Rng] = None) -> tuple[int, int]:
    """FIPS 186-5 A.1.3 steps 4-6 (the readable code has checked nlen and e)."""
    half_bits = nlen // 2
    p = _generate_prime(half_bits, e, rng, 5 * half_bits)        # step 4
    q = _generate_prime(half_bits, e, rng, 10 * half_bits, p=p)  # step 5
    return p, q                                                  # step 6
