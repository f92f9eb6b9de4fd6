"""Probable primes for RSA: FIPS 186-5 (February 2023) Appendix A.1.3 and B.3.

* `is_probable_prime(w, rounds=None)`: trial division by the small primes,
  then the Miller-Rabin test of FIPS 186-5 Appendix B.3.1 with the round
  counts of Table B.1 (`miller_rabin_rounds`).
* `generate_probable_prime_pair(nlen, e)`: FIPS 186-5 Appendix A.1.3,
  "Generation of Random Primes that are Probably Prime": p and q of nlen/2
  bits each, both at least sqrt(2) * 2^(nlen/2 - 1) (so n = pq has exactly
  nlen bits), gcd(e, p - 1) = gcd(e, q - 1) = 1 and |p - q| > 2^(nlen/2 - 100).

Variable names follow FIPS 186-5 (w is the number under test, a and m with
w - 1 = 2^a * m, b the base, z the running value). Randomness comes from
`secrets` unless an `rng` (a callable taking a byte count and returning that
many bytes) is injected.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import math
import secrets
from typing import Callable, Optional

from . import impl
from .encoding import require_int

Rng = Callable[[int], bytes]

SMALL_PRIME_LIMIT = 2000  # trial-divide by every prime below this bound
MAX_BASE_DRAWS = 1000  # a good rng needs about 1.3 draws per base on average (guards a broken one)
MAX_DRAWS_PER_TRY = 20  # raw RBG draws allowed per counted A.1.3 try (guards a broken rng)


def _sieve(limit: int) -> tuple[int, ...]:
    """The primes below `limit`, by the sieve of Eratosthenes."""
    is_prime = bytearray([1]) * limit
    is_prime[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(limit - 1) + 1):
        if is_prime[i]:
            is_prime[i * i::i] = bytes(len(range(i * i, limit, i)))
    return tuple(i for i in range(limit) if is_prime[i])


SMALL_PRIMES = _sieve(SMALL_PRIME_LIMIT)
# One big product so that trial division is a single gcd, not 300 divisions.
_SMALL_PRIMES_PRODUCT = math.prod(SMALL_PRIMES)

# FIPS 186-5 Table B.1, "Minimum number of rounds of M-R testing when generating
# primes", probable primes p and q (no auxiliary primes), the column whose error
# probability matches the security strength of the modulus:
#   p, q of 1024 bits (nlen 2048): 5 rounds, error 2^-112
#   p, q of 1536 bits (nlen 3072): 4 rounds, error 2^-128
#   p, q of 2048 bits (nlen 4096): 4 rounds, error 2^-144
# Table B.1 starts at 1024-bit primes. For the 512-bit primes of 1024-bit test
# keys we use 7 rounds (FIPS 186-4 Table C.3, error 2^-100), and for anything
# smaller 40 rounds, which bounds the error by 4^-40 = 2^-80 even for numbers
# chosen by an adversary (the table assumes random candidates; pass `rounds`
# explicitly to test numbers you did not generate).
MR_ROUNDS_TABLE_B1 = ((2048, 4), (1536, 4), (1024, 5), (512, 7))
MR_ROUNDS_FALLBACK = 40


def miller_rabin_rounds(prime_bits: int) -> int:
    """Rounds of Miller-Rabin for a random candidate of `prime_bits` bits (Table B.1)."""
    for min_bits, rounds in MR_ROUNDS_TABLE_B1:
        if prime_bits >= min_bits:
            return rounds
    return MR_ROUNDS_FALLBACK


def random_int_below(limit: int, rng: Optional[Rng] = None) -> int:
    """A uniform integer in [0, limit), by rejection sampling from rng bytes."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    if rng is None:
        return secrets.randbelow(limit)
    bits = (limit - 1).bit_length()
    while True:
        x = int.from_bytes(rng((bits + 7) // 8), "big") >> (-bits % 8)
        if x < limit:
            return x


def _random_bits(bits: int, rng: Optional[Rng]) -> int:
    """A uniform integer of at most `bits` bits ("obtain a string of bits from an RBG")."""
    if rng is None:
        return secrets.randbits(bits)
    return int.from_bytes(rng((bits + 7) // 8), "big") >> (-bits % 8)


def miller_rabin(w: int, iterations: int, rng: Optional[Rng] = None) -> bool:
    """FIPS 186-5 Appendix B.3.1, the Miller-Rabin probabilistic primality test.

    Returns True for PROBABLY PRIME, False for COMPOSITE. `w` must be odd and > 3.
    """
    # Step 1: let a be the largest integer such that 2^a divides w - 1.
    a = ((w - 1) & -(w - 1)).bit_length() - 1
    # Step 2: m = (w - 1) / 2^a.
    m = (w - 1) >> a
    # Step 3: wlen = len(w).
    wlen = w.bit_length()
    # Step 4: for i = 1 to iterations do
    for _ in range(iterations):
        # 4.1-4.2: obtain a string b of wlen bits; if b <= 1 or b >= w - 1, go to 4.1.
        for _ in range(MAX_BASE_DRAWS):
            b = _random_bits(wlen, rng)
            if 1 < b < w - 1:
                break
        else:
            raise RuntimeError("the rng gave no usable Miller-Rabin base")
        # 4.3: z = b^m mod w.
        z = pow(b, m, w)
        # 4.4: if z = 1 or z = w - 1, continue with the next iteration.
        if z == 1 or z == w - 1:
            continue
        # 4.5: for j = 1 to a - 1: z = z^2 mod w; if z = w - 1, go to the next
        # iteration; if z = 1, go to 4.7 (composite).
        for _ in range(a - 1):
            z = pow(z, 2, w)
            if z == w - 1:
                break
            if z == 1:
                return False
        else:
            # 4.6-4.7: no square root of 1 other than +-1 reached w - 1: COMPOSITE.
            return False
    # Step 5: return PROBABLY PRIME.
    return True


def is_probable_prime(w: int, rounds: Optional[int] = None, rng: Optional[Rng] = None) -> bool:
    """True if `w` is (probably) prime: trial division, then Miller-Rabin.

    `rounds` defaults to `miller_rabin_rounds(w.bit_length())` (Table B.1),
    which is meant for randomly generated candidates; for a number an
    adversary may have chosen, pass more rounds (e.g. 40 or 64).
    """
    w = require_int("w", w)
    if rounds is not None:
        rounds = require_int("rounds", rounds)
        if rounds < 1:
            raise ValueError("rounds must be at least 1")
    if w < 2:
        return False
    if w < SMALL_PRIME_LIMIT:
        return w in SMALL_PRIMES
    # Trial division first: a common factor with the product of the small primes
    # rejects about 85% of random odd candidates before any exponentiation.
    if math.gcd(w, _SMALL_PRIMES_PRODUCT) != 1:
        return False
    twin = impl.fast("primes")
    if twin is not None:
        return twin.is_probable_prime(w, rounds, rng)
    if rounds is None:
        rounds = miller_rabin_rounds(w.bit_length())
    return miller_rabin(w, rounds, rng)


def sqrt2_lower_bound(half_bits: int) -> int:
    """ceil(sqrt(2) * 2^(half_bits - 1)), the smallest value A.1.3 accepts for p and q.

    sqrt(2) * 2^(k - 1) = sqrt(2^(2k - 1)); 2^(2k - 1) is never a perfect square,
    so the ceiling is isqrt(2^(2k - 1)) + 1. Two such numbers multiply to at
    least 2^(2k - 1), so n = pq has exactly 2k bits.
    """
    return math.isqrt(1 << (2 * half_bits - 1)) + 1


def _generate_prime(
    half_bits: int, e: int, rng: Optional[Rng], max_tries: int, p: Optional[int] = None
) -> int:
    """A.1.3 step 4 (when p is None) or step 5 (q, kept far from p).

    As in the standard, only candidates that pass the size checks (4.3, 5.3-5.4)
    count towards the limit i of 4.5 / 5.6; about 71% of random strings fail the
    sqrt(2) bound and are redrawn without counting. A second, generous limit on
    the raw draws stops a broken injected rng from looping forever.
    """
    lower = sqrt2_lower_bound(half_bits)
    min_distance = 1 << (half_bits - 100) if half_bits > 100 else 0
    rounds = miller_rabin_rounds(half_bits)
    i = 0
    for _ in range(MAX_DRAWS_PER_TRY * max_tries):
        # 4.1 / 5.1: obtain a string of nlen/2 bits from an RBG.
        candidate = _random_bits(half_bits, rng)
        # 4.2 / 5.2: if it is not odd, add 1.
        candidate |= 1
        # 5.3: if |p - q| <= 2^(nlen/2 - 100), go to 5.1.
        if p is not None and abs(p - candidate) <= min_distance:
            continue
        # 4.3 / 5.4: if it is below sqrt(2) * 2^(nlen/2 - 1), go to 4.1 / 5.1.
        if candidate < lower:
            continue
        # 4.4 / 5.5: if GCD(candidate - 1, e) = 1, test it for primality (B.3);
        # if PROBABLY PRIME, done.
        if math.gcd(candidate - 1, e) == 1 and is_probable_prime(candidate, rounds, rng):
            return candidate
        # 4.5 / 5.6: i = i + 1; if i >= 5(nlen/2) (10(nlen/2) for q), FAILURE.
        i += 1
        if i >= max_tries:
            break
    raise RuntimeError("prime generation failed after the FIPS 186-5 A.1.3 limit of tries")


def generate_probable_prime_pair(nlen: int, e: int, rng: Optional[Rng] = None) -> tuple[int, int]:
    """FIPS 186-5 Appendix A.1.3: the primes p, q for an nlen-bit modulus with exponent e.

    Checks only what A.1.3 needs to run (nlen even and >= 200, e odd and > 1);
    the key-size and exponent policy lives in refkx.rsa.generate_private_key.
    """
    nlen = require_int("nlen", nlen)
    e = require_int("e", e)
    if nlen < 200 or nlen % 2:
        raise ValueError("nlen must be even and at least 200 bits")
    if e < 3 or e % 2 == 0:
        raise ValueError("e must be odd and at least 3")
    twin = impl.fast("primes")
    if twin is not None:
        return twin.generate_probable_prime_pair(nlen, e, rng)
    half_bits = nlen // 2
    # Step 4: generate p (at most 5 * nlen/2 candidates).
    p = _generate_prime(half_bits, e, rng, 5 * half_bits)
    # Step 5: generate q (at most 10 * nlen/2 candidates), far enough from p.
    q = _generate_prime(half_bits, e, rng, 10 * half_bits, p=p)
    # Step 6: return SUCCESS, p and q.
    return p, q
