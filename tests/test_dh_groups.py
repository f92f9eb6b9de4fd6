"""The named DH groups (refkx.dh_groups): nothing up our sleeve, primality, structure.

refkx.dh_groups derives every RFC 3526 prime from the binary digits of pi and every
RFC 7919 prime from those of e (integer arithmetic: Machin's formula, the series for e).
Here the digits are checked against known values, every derived prime against the
published hexadecimal tables (vectors/dh/), and p and q = (p - 1) / 2 are checked to be
probable primes with g generating the order-q subgroup. Exponentiations by a 6144- or
8192-bit number take about a second each in CPython, so the primality checks of the two
largest sizes run only with --slow.
"""

import pytest

from refkx import dh_groups
from refkx.dh_groups import GROUPS, DHGroup
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, parse_records_by_key


def _published_primes() -> dict[str, int]:
    """name -> p from the RFC 3526 and RFC 7919 tables as published (vectors/dh/)."""
    out = {}
    for rec in parse_records_by_key(vector_path("dh", "rfc3526.txt"), "COUNT"):
        p = int(rec["P"], 16)
        out[f"modp{p.bit_length()}"] = p
    for rec in parse_key_value_blocks(vector_path("dh", "rfc7919-appendix-a.txt")):
        out[f"ffdhe{rec['b']}"] = int("".join(rec["P"].split()), 16)
    return out


PUBLISHED = _published_primes()


# --- a small Miller-Rabin (independent of refkx.primes) ---

def is_probable_prime(w: int, bases=(2, 3)) -> bool:
    if w < 4:
        return w in (2, 3)
    if w % 2 == 0:
        return False
    m, a = w - 1, 0
    while m % 2 == 0:
        m //= 2
        a += 1
    for b in bases:
        z = pow(b, m, w)
        if z in (1, w - 1):
            continue
        for _ in range(a - 1):
            z = z * z % w
            if z == w - 1:
                break
        else:
            return False
    return True


def test_digits_of_pi_and_e():
    assert dh_groups.floor_pi_times_2_to(0) == 3 and dh_groups.floor_e_times_2_to(0) == 2
    assert dh_groups.floor_pi_times_2_to(8) == 804          # 3.14159... * 256
    assert dh_groups.floor_e_times_2_to(8) == 695           # 2.71828... * 256
    # The first 64 bits after the leading ones of every MODP prime are those of pi:
    # 0xC90FDAA22168C234 = [2^62 pi]; of every FFDHE prime, those of e.
    assert dh_groups.floor_pi_times_2_to(62) == 0xC90FDAA22168C234
    assert dh_groups.floor_e_times_2_to(62) == 0xADF85458A2BB4A9A
    for bad in (-1, 8063):
        with pytest.raises(ValueError):
            dh_groups.floor_pi_times_2_to(bad)
        with pytest.raises(ValueError):
            dh_groups.floor_e_times_2_to(bad)


def test_the_miller_rabin_of_this_file():
    assert is_probable_prime(2**127 - 1) and not is_probable_prime(2**128 + 1)
    # 2047 = 23 * 89 is a strong pseudoprime to base 2 but not to base 3.
    assert is_probable_prime(2047, bases=(2,)) and not is_probable_prime(2047, bases=(2, 3))


# --- nothing up our sleeve: the derived primes are the published ones ---

def test_every_published_prime_is_compared():
    assert sorted(PUBLISHED) == sorted(name for name, g in GROUPS.items() if g.is_safe_prime)


@pytest.mark.parametrize("bits", sorted(dh_groups.RFC3526_K))
def test_rfc3526_prime_from_pi(bits):
    assert dh_groups.rfc3526_prime(bits) == PUBLISHED[f"modp{bits}"]
    assert GROUPS[f"modp{bits}"].p == PUBLISHED[f"modp{bits}"]


@pytest.mark.parametrize("bits", sorted(dh_groups.RFC7919_X))
def test_rfc7919_prime_from_e(bits):
    assert dh_groups.rfc7919_prime(bits) == PUBLISHED[f"ffdhe{bits}"]
    assert GROUPS[f"ffdhe{bits}"].p == PUBLISHED[f"ffdhe{bits}"]


def test_safe_primes_have_64_one_bits_at_both_ends():
    for group in GROUPS.values():
        if group.is_safe_prime:
            n = group.bit_length
            assert group.p >> (n - 64) == 2**64 - 1
            assert group.p % 2**64 == 2**64 - 1


# --- primality and subgroup structure ---

SAFE_PRIME_NAMES = [name for name, group in GROUPS.items() if group.is_safe_prime]


def _size_marks(name):
    return [pytest.mark.slow] if GROUPS[name].bit_length > 4096 else []


@pytest.mark.parametrize("name", [pytest.param(n, marks=_size_marks(n)) for n in SAFE_PRIME_NAMES])
def test_safe_prime_p_and_q_are_probable_primes(name):
    group = GROUPS[name]
    assert group.q == (group.p - 1) // 2
    assert is_probable_prime(group.q, bases=(2,))
    assert is_probable_prime(group.p, bases=(2,))


@pytest.mark.parametrize("name", [pytest.param(n, marks=_size_marks(n)) for n in SAFE_PRIME_NAMES])
def test_safe_prime_g_generates_order_q_subgroup(name):
    group = GROUPS[name]
    assert group.g == 2
    assert pow(group.g, group.q, group.p) == 1   # order divides q, a prime, and g != 1


def test_two_is_a_quadratic_residue_for_every_safe_prime():
    # Why g = 2 lies in the order-q subgroup, without an exponentiation: for a safe
    # prime the order-q subgroup is the quadratic residues, and 2 is a residue mod p
    # exactly when p = +-1 mod 8 (the second supplement to quadratic reciprocity).
    for name in SAFE_PRIME_NAMES:
        assert GROUPS[name].p % 8 == 7


@pytest.mark.parametrize("name", ["rfc5114_1024_160", "rfc5114_2048_224", "rfc5114_2048_256"])
def test_rfc5114_groups(name):
    group = GROUPS[name]
    assert not group.is_safe_prime
    assert (group.p - 1) % group.q == 0
    assert is_probable_prime(group.q, bases=(2, 3, 5, 7, 11))
    assert is_probable_prime(group.p, bases=(2, 3))
    assert group.g != 1 and pow(group.g, group.q, group.p) == 1
    assert group.q.bit_length() == int(name.rsplit("_", 1)[1])
    assert group.bit_length == int(name.split("_")[1])


# --- the registry and the exponent table ---

def test_groups_registry():
    assert set(GROUPS) == {
        "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
        "modp1536", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192",
        "rfc5114_1024_160", "rfc5114_2048_224", "rfc5114_2048_256"}
    for name, group in GROUPS.items():
        assert group.name == name
        assert getattr(dh_groups, name.upper()) is group
        assert group.byte_length == (group.bit_length + 7) // 8


EXPECTED_EXPONENT_BITS = {1536: 240, 2048: 225, 3072: 275, 4096: 325, 6144: 375, 8192: 400}


def test_exponent_sizes():
    for group in GROUPS.values():
        if group.is_safe_prime:
            assert group.exponent_bits == EXPECTED_EXPONENT_BITS[group.bit_length]
            # at least twice the security strength (SP 800-56A §5.6.1.1.1)
            assert group.exponent_bits >= 2 * group.security_strength
        else:
            assert group.exponent_bits == group.q.bit_length()
        assert group.min_exponent_bits == 2 * group.security_strength


def test_dh_module_reexports_the_groups():
    from refkx import dh
    assert dh.GROUPS is GROUPS and dh.DHGroup is DHGroup
    for name in GROUPS:
        assert getattr(dh, name.upper()) is GROUPS[name]


# --- DHGroup construction ---

def test_custom_group_defaults_to_full_exponent():
    group = DHGroup("toy", 31, 2, 5)       # 2 has order 5 mod 31; 30 = 2 * 3 * 5
    assert group.exponent_bits == 3 and group.byte_length == 1
    assert group.min_exponent_bits == 2 and not group.is_safe_prime
    assert "toy" in repr(group)


@pytest.mark.parametrize("kwargs, error", [
    (dict(name=b"toy", p=23, g=4, q=11), TypeError),
    (dict(name="toy", p=23.0, g=4, q=11), TypeError),
    (dict(name="toy", p=23, g=True, q=11), TypeError),
    (dict(name="toy", p="23", g=4, q=11), TypeError),
    (dict(name="toy", p=22, g=4, q=11), ValueError),          # even p
    (dict(name="toy", p=3, g=2, q=1), ValueError),             # too small
    (dict(name="toy", p=23, g=4, q=7), ValueError),            # q does not divide p - 1
    (dict(name="toy", p=23, g=1, q=11), ValueError),           # g out of range
    (dict(name="toy", p=23, g=22, q=11), ValueError),          # g = p - 1
    (dict(name="toy", p=23, g=4, q=11, security_strength=-1), ValueError),
    (dict(name="toy", p=23, g=4, q=11, exponent_bits=5), ValueError),   # > len(q)
    (dict(name="toy", p=23, g=4, q=11, security_strength=3), ValueError),  # 2s > len(q)
])
def test_bad_group_parameters(kwargs, error):
    with pytest.raises(error):
        DHGroup(**kwargs)


def test_groups_are_immutable():
    with pytest.raises(AttributeError):
        GROUPS["ffdhe2048"].p = 23
