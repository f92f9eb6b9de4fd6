"""Finite-field Diffie–Hellman (refkx.dh): published vectors, bad input, properties.

Most tests use the small groups (RFC 5114 1024/160, MODP1536, FFDHE2048): an
exponentiation in CPython costs ~2 ms at 2048 bits with a short exponent but ~20 ms
with a full-size one (the subgroup check), and about a second at 8192 bits.
"""

import pytest
from hypothesis import given, settings, strategies as st

from refkx import dh
from refkx.dh import (FFDHE2048, GROUPS, MODP1536, MODP2048, RFC5114_1024_160,
                      RFC5114_2048_224, DHGroup, DHPrivateKey, DHPublicKey)
from refkx.errors import InvalidKey
from kat_params import kat_parametrize

SMALL_GROUPS = [RFC5114_1024_160, MODP1536, FFDHE2048, RFC5114_2048_224]
TOY = DHGroup("toy", 31, 2, 5)   # p - 1 = 2 * 3 * 5: elements of order 2, 3, 5, 6, ...


# --- against published vectors (RFC 5114 App. A, NIST CAVP KAS FFC, RFC 3526/7919) ---

@kat_parametrize("dh")
def test_published_vector(case, implementation):
    case.run()


def test_cavp_failures_need_the_subgroup_check(monkeypatch):
    """Without y^q = 1 the CAVP 'public key fails PKV' cases no longer reproduce."""
    from refkx.kat import area_cases
    cases = [c for c in area_cases("dh") if c.id.startswith("cavp-kasffc-zzonly-init-FA")]
    monkeypatch.setattr(dh, "_in_order_q_subgroup", lambda group, y: True)
    failed = []
    for case in cases:
        try:
            case.run()
        except AssertionError:
            failed.append(case.id)
    # FA init holds two code-1 (CAVS key) and two code-3 (IUT key) cases: without the
    # check they turn into "Z changed" and "private key changed" respectively.
    assert len(failed) == 4


# --- agreement (DH commutativity) ---

def _exponent(draw, group):
    return draw(st.integers(min_value=2, max_value=min(2**group.exponent_bits, group.q) - 1))


@settings(max_examples=10)
@given(data=st.data())
def test_agreement_for_random_key_pairs(data):
    group = data.draw(st.sampled_from(SMALL_GROUPS))
    alice = DHPrivateKey(group, _exponent(data.draw, group))
    bob = DHPrivateKey(group, _exponent(data.draw, group))
    bob_public = DHPublicKey.from_public_bytes(group, bob.public_key().public_bytes())
    alice_public = DHPublicKey.from_public_bytes(group, alice.public_key().public_bytes())
    z = alice.exchange(bob_public)
    assert z == bob.exchange(alice_public)
    assert len(z) == group.byte_length
    assert int.from_bytes(z, "big") == pow(group.g, alice.x * bob.x, group.p)


@pytest.mark.parametrize("group", SMALL_GROUPS, ids=lambda g: g.name)
def test_agreement_at_the_exponent_edges(group):
    for x_a, x_b in ((2, 3), (2, group.q - 1), (group.q - 1, group.q - 2)):
        a, b = DHPrivateKey(group, x_a), DHPrivateKey(group, x_b)
        assert a.exchange(b.public_key()) == b.exchange(a.public_key())


@pytest.mark.parametrize("name", ["ffdhe3072", "modp3072", "rfc5114_2048_256"])
def test_generated_keys_agree(name):
    group = GROUPS[name]
    a, b = DHPrivateKey.generate(group), DHPrivateKey.generate(group)
    assert a.exchange(b.public_key()) == b.exchange(a.public_key())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ffdhe4096", "ffdhe6144", "ffdhe8192", "modp8192"])
def test_generated_keys_agree_large_groups(name):
    group = GROUPS[name]
    a, b = DHPrivateKey.generate(group), DHPrivateKey.generate(group)
    a_pub = DHPublicKey.from_public_bytes(group, a.public_key().public_bytes())
    b_pub = DHPublicKey.from_public_bytes(group, b.public_key().public_bytes())
    assert a.exchange(b_pub) == b.exchange(a_pub)


# --- encodings: left padding of y and Z ---

def test_public_bytes_and_z_are_left_padded():
    group = FFDHE2048
    small = DHPrivateKey(group, 300)        # y = 2^300: 218 leading zero bytes
    encoded = small.public_key().public_bytes()
    assert len(encoded) == 256 and encoded[:200] == bytes(200)
    assert DHPublicKey.from_public_bytes(group, encoded) == small.public_key()
    z = DHPrivateKey(group, 2).exchange(small.public_key())   # 2^600
    assert len(z) == 256 and int.from_bytes(z, "big") == 2**600


def test_bytes_like_inputs_accepted_and_not_modified():
    key = DHPrivateKey(RFC5114_1024_160, 12345)
    encoded = bytearray(key.public_key().public_bytes())
    before = bytes(encoded)
    assert DHPublicKey.from_public_bytes(RFC5114_1024_160, encoded).y == key.public_key().y
    assert DHPublicKey.from_public_bytes(RFC5114_1024_160, memoryview(encoded)).y == key.public_key().y
    assert encoded == before
    assert isinstance(key.exchange(key.public_key()), bytes)


# --- private exponents ---

@pytest.mark.parametrize("group", SMALL_GROUPS + [GROUPS["ffdhe8192"]], ids=lambda g: g.name)
def test_generated_exponent_sizes(group):
    for _ in range(20):
        x = DHPrivateKey.generate(group).x
        assert 2 <= x < min(2**group.exponent_bits, group.q)
    full = DHPrivateKey.generate(group, "full").x
    assert 2 <= full < group.q
    n = group.min_exponent_bits
    assert DHPrivateKey.generate(group, n).x < 2**n


def test_generated_exponents_use_the_whole_size():
    # 40 draws of a 225-bit x: the top bit is set in about half of them.
    tops = sum(DHPrivateKey.generate(FFDHE2048).x >> 224 for _ in range(40))
    assert 5 <= tops <= 35


def test_injected_rng_is_used_and_candidates_rejected():
    calls = []

    def rng(n):
        calls.append(n)
        # First an all-ones candidate (>= M - 2, rejected), then zero (x = 2).
        return b"\xff" * n if len(calls) == 1 else bytes(n)

    key = DHPrivateKey.generate(RFC5114_1024_160, rng=rng)
    assert key.x == 2 and calls == [20, 20]
    seeded = DHPrivateKey.generate(FFDHE2048, rng=lambda n: bytes(range(n)))
    assert seeded.x == DHPrivateKey.generate(FFDHE2048, rng=lambda n: bytes(range(n))).x
    assert seeded.x.bit_length() <= 225


@pytest.mark.parametrize("bits, error", [
    (223, ValueError),           # below 2 * 112
    (2048, ValueError),          # above len(q)
    (0, ValueError), (-1, ValueError),
    ("half", ValueError),
    (True, TypeError), (225.0, TypeError), (b"full", TypeError),
])
def test_generate_rejects_bad_exponent_bits(bits, error):
    with pytest.raises(error):
        DHPrivateKey.generate(FFDHE2048, bits)


@pytest.mark.parametrize("x_of", [lambda q: 0, lambda q: 1, lambda q: q, lambda q: q + 1,
                                  lambda q: -1, lambda q: -q])
def test_private_value_out_of_range(x_of):
    with pytest.raises(InvalidKey):
        DHPrivateKey(RFC5114_1024_160, x_of(RFC5114_1024_160.q))


@pytest.mark.parametrize("x", ["5", 5.0, True, None, b"\x05"])
def test_private_value_type(x):
    with pytest.raises(TypeError):
        DHPrivateKey(FFDHE2048, x)


def test_private_key_repr_hides_x():
    key = DHPrivateKey(FFDHE2048, 0x1234567)
    assert "1234567" not in repr(key) and "secret" in repr(key)


# --- bad peers ---

def _bad_values(p):
    return {"0": 0, "1": 1, "p-1": p - 1, "p": p, "p+1": p + 1, "-1": -1, "-2": -2,
            "oversized": 2**(p.bit_length() + 8) + 2, "2p+2": 2 * p + 2}


@pytest.mark.parametrize("group", [FFDHE2048, MODP1536, RFC5114_1024_160], ids=lambda g: g.name)
@pytest.mark.parametrize("label", list(_bad_values(3)))
def test_bad_peer_values_rejected(group, label):
    y = _bad_values(group.p)[label]
    with pytest.raises(InvalidKey):
        DHPublicKey(group, y)
    with pytest.raises(InvalidKey):
        DHPublicKey(group, y, full_validation=False) if group.is_safe_prime else DHPublicKey(group, y)


@pytest.mark.parametrize("group", [FFDHE2048, RFC5114_1024_160], ids=lambda g: g.name)
@pytest.mark.parametrize("y_of", [lambda p: 0, lambda p: 1, lambda p: p - 1, lambda p: p,
                                  lambda p: p + 1, lambda p: 2**(8 * ((p.bit_length() + 7) // 8)) - 1])
def test_bad_peer_encodings_rejected(group, y_of):
    y = y_of(group.p)
    with pytest.raises(InvalidKey):
        DHPublicKey.from_public_bytes(group, y.to_bytes(group.byte_length, "big"))


@pytest.mark.parametrize("length_of", [lambda n: 0, lambda n: 1, lambda n: n - 1,
                                       lambda n: n + 1, lambda n: 2 * n])
def test_wrong_byte_length_rejected(length_of):
    good = DHPrivateKey(FFDHE2048, 99).public_key().public_bytes()
    n = len(good)
    bad = (bytes(max(0, length_of(n) - n)) + good)[-length_of(n):] if length_of(n) else b""
    assert len(bad) == length_of(n)
    with pytest.raises(InvalidKey):
        DHPublicKey.from_public_bytes(FFDHE2048, bad)


@settings(max_examples=25)
@given(y=st.one_of(st.integers(max_value=1), st.integers(min_value=FFDHE2048.p - 1)))
def test_out_of_range_peers_rejected_property(y):
    with pytest.raises(InvalidKey):
        DHPublicKey(FFDHE2048, y, full_validation=False)


@settings(max_examples=25)
@given(data=st.binary(max_size=300).filter(lambda b: len(b) != 128))
def test_wrong_byte_length_rejected_property(data):
    with pytest.raises(InvalidKey):
        DHPublicKey.from_public_bytes(RFC5114_1024_160, data)


@pytest.mark.parametrize("y", ["5", 5.0, True, False, None, b"\x05", bytearray(b"\x05")])
def test_public_value_type(y):
    with pytest.raises(TypeError):
        DHPublicKey(FFDHE2048, y)


@pytest.mark.parametrize("data", ["00" * 256, None, 5, [0] * 256])
def test_public_bytes_type(data):
    with pytest.raises(TypeError):
        DHPublicKey.from_public_bytes(FFDHE2048, data)


def test_group_type():
    for bad in ("ffdhe2048", None, 2048):
        with pytest.raises(TypeError):
            DHPublicKey(bad, 5)
        with pytest.raises(TypeError):
            DHPrivateKey(bad, 5)
        with pytest.raises(TypeError):
            DHPrivateKey.generate(bad)


def test_tampered_public_key_gives_different_secret():
    a, b = DHPrivateKey(FFDHE2048, 1000003), DHPrivateKey(FFDHE2048, 777777)
    encoded = bytearray(b.public_key().public_bytes())
    z = a.exchange(b.public_key())
    assert a.exchange(DHPublicKey.from_public_bytes(FFDHE2048, bytes(encoded))) == z  # control
    exchanged = 0
    for i in (0, 100, 255):
        tampered = bytearray(encoded)
        tampered[i] ^= 0x01
        try:
            other = DHPublicKey.from_public_bytes(FFDHE2048, tampered, full_validation=False)
        except InvalidKey:
            continue
        assert a.exchange(other) != z
        exchanged += 1
    # With the range check only, a flipped low-order byte stays in [2, p - 2]: the exchange
    # path ran at least there (byte 255 is the last, least significant byte of y).
    assert exchanged >= 1


# --- the order-q subgroup (CVE-2016-0701) ---

@pytest.mark.parametrize("group", [RFC5114_1024_160, RFC5114_2048_224], ids=lambda g: g.name)
def test_rfc5114_element_outside_subgroup_rejected(group):
    # p - g = (-1) * g has order 2q: in range, not in the subgroup of order q.
    y = group.p - group.g
    assert 2 <= y <= group.p - 2 and pow(y, group.q, group.p) != 1
    with pytest.raises(InvalidKey):
        DHPublicKey(group, y)
    # So does (almost) every random element of Z_p^*: here 3 and 5.
    for y in (3, 5):
        assert pow(y, group.q, group.p) != 1
        with pytest.raises(InvalidKey):
            DHPublicKey.from_public_bytes(group, y.to_bytes(group.byte_length, "big"))


def test_rfc5114_subgroup_check_cannot_be_turned_off():
    with pytest.raises(ValueError, match="CVE-2016-0701"):
        DHPublicKey(RFC5114_1024_160, RFC5114_1024_160.g, full_validation=False)


def test_small_subgroup_attack_that_the_check_prevents():
    """Why y^q = 1 matters when p - 1 has small factors (the RFC 5114 situation).

    In TOY (p = 31, q = 5) an element of order 3 forces Z into {1, 5, 25}: an attacker
    learns x mod 3 from Z. Validation refuses the element; Z = 1 itself is refused.
    """
    element_of_order_3 = 5
    assert pow(element_of_order_3, 3, 31) == 1
    with pytest.raises(InvalidKey):
        DHPublicKey(TOY, element_of_order_3)
    with pytest.raises(InvalidKey):                      # x = 3: z = 5^3 = 1
        dh.shared_secret(TOY, 3, element_of_order_3)
    with pytest.raises(InvalidKey):                      # 6 has order 6: 6^3 = 30 = p - 1
        dh.shared_secret(TOY, 3, 6)


def test_safe_prime_full_validation_is_the_default():
    group = FFDHE2048
    y = group.p - 2          # -2: a non-residue (p = 7 mod 8), so of order 2q
    assert pow(y, group.q, group.p) == group.p - 1
    with pytest.raises(InvalidKey):
        DHPublicKey(group, y)
    key = DHPublicKey(group, y, full_validation=False)
    assert not key.fully_validated
    assert DHPrivateKey(group, 3).public_key().fully_validated


def test_range_only_validation_leaks_the_exponent_parity():
    """With the subgroup check off, the Legendre symbol of Z gives away x mod 2."""
    group = FFDHE2048
    peer = DHPublicKey(group, group.p - 2, full_validation=False)
    for x in (1000, 1001, 123456, 654321):
        z = int.from_bytes(DHPrivateKey(group, x).exchange(peer), "big")
        is_residue = pow(z, group.q, group.p) == 1      # Euler's criterion
        assert is_residue == (x % 2 == 0)


def test_full_validation_flag_type():
    with pytest.raises(TypeError):
        DHPublicKey(FFDHE2048, 4, full_validation=1)


# --- misuse of exchange ---

def test_exchange_with_wrong_type():
    key = DHPrivateKey(FFDHE2048, 5)
    for bad in (key.public_key().public_bytes(), key.public_key().y, key, None):
        with pytest.raises(TypeError):
            key.exchange(bad)


def test_exchange_across_groups():
    with pytest.raises(ValueError, match="group"):
        DHPrivateKey(FFDHE2048, 5).exchange(DHPrivateKey(MODP2048, 5).public_key())


def test_public_key_equality_and_hash():
    a = DHPrivateKey(FFDHE2048, 77).public_key()
    b = DHPublicKey(FFDHE2048, a.y)
    assert a == b and hash(a) == hash(b) and a != DHPrivateKey(FFDHE2048, 78).public_key()
    assert a != DHPublicKey(MODP2048, 4)
    assert "ffdhe2048" in repr(a)


def test_spec_shaped_functions():
    x = 123456789
    y = dh.public_value(FFDHE2048, x)
    assert y == pow(2, x, FFDHE2048.p)
    assert dh.validate_public_value(FFDHE2048, y) == y
    z = dh.shared_secret(FFDHE2048, 987654321, y)
    assert z == DHPrivateKey(FFDHE2048, 987654321).exchange(DHPublicKey(FFDHE2048, y))
    with pytest.raises(InvalidKey):
        dh.public_value(FFDHE2048, 1)
    with pytest.raises(InvalidKey):
        dh.shared_secret(FFDHE2048, 5, 1)


# --- differential: OpenSSL via `cryptography` ---

@pytest.mark.parametrize("group", [FFDHE2048, MODP2048], ids=lambda g: g.name)
def test_agrees_with_openssl(group):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import dh as pyca_dh

    params = pyca_dh.DHParameterNumbers(group.p, group.g, group.q).parameters()
    theirs = params.generate_private_key()
    their_y = theirs.public_key().public_numbers().y
    ours = DHPrivateKey.generate(group)

    z_ours = ours.exchange(DHPublicKey(group, their_y))
    our_public_for_them = pyca_dh.DHPublicNumbers(ours.public_key().y,
                                                  params.parameter_numbers()).public_key()
    z_theirs = theirs.exchange(our_public_for_them)
    assert z_ours == z_theirs.rjust(group.byte_length, b"\x00")
    assert len(z_ours) == group.byte_length

    # OpenSSL computes the same public value from our private exponent.
    mirrored = pyca_dh.DHPrivateNumbers(
        ours.x, pyca_dh.DHPublicNumbers(ours.public_key().y, params.parameter_numbers())
    ).private_key()
    assert mirrored.public_key().public_numbers().y == ours.public_key().y


def test_broken_injected_rng_is_refused_not_looped_on():
    # Review fix: an rng that never yields a candidate below M used to loop forever.
    with pytest.raises(RuntimeError):
        DHPrivateKey.generate(FFDHE2048, rng=lambda n: b"\xff" * n)
    for bad in (lambda n: b"", lambda n: bytes(n + 1), lambda n: "x" * n, lambda n: None):
        with pytest.raises(ValueError):
            DHPrivateKey.generate(FFDHE2048, rng=bad)
    with pytest.raises(TypeError):
        DHPrivateKey.generate(FFDHE2048, rng=b"not callable")
    assert DHPrivateKey.generate(FFDHE2048, rng=lambda n: bytearray(n)).x == 2
