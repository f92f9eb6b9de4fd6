"""Module-level cached RSA keys for the RSA tests (pure-Python keygen is slow).

Each size is generated once per test session; 1024-bit keys need the
test-only `_allow_weak=True`.
"""

from functools import lru_cache

from refkx.rsa import generate_private_key


@lru_cache(maxsize=None)
def cached_key(bits: int, public_exponent: int = 65537):
    return generate_private_key(public_exponent, bits, _allow_weak=bits < 2048)
