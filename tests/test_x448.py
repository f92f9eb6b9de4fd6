"""X448 (RFC 7748): published vectors, low-order points, bad input, properties, differential."""

import pytest
from hypothesis import given, settings, strategies as st

from kat_params import kat_parametrize
from refkx import x448, x25519
from refkx.errors import InvalidKey
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, unhex
from refkx.montgomery import ladder
from refkx.x448 import (BASE_POINT, KEY_SIZE, P, X448PrivateKey, X448PublicKey,
                        decode_scalar, decode_u_coordinate, encode_u_coordinate, trace_x448)

keys = st.binary(min_size=56, max_size=56)
RFC_A = bytes.fromhex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
                      "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b")
RFC_B_PUBLIC = bytes.fromhex("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
                             "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609")
RFC_K = bytes.fromhex("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
                      "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d")


# --- against published vectors (RFC 7748 §5.2, §6.2) and the derived low-order points ---

@kat_parametrize("rfc7748", where=lambda case: "-x448-" in case.id)
def test_published_vector(case, implementation):
    case.run()


def test_constants():
    assert P == int("ff" * 27 + "fe" + "ff" * 28, 16)   # 2^448 - 2^224 - 1, the "Goldilocks" prime
    assert x448.A24 == 39081                           # RFC 7748 §5: "a24 = 39081"
    assert BASE_POINT == bytes([5]) + bytes(55)
    assert KEY_SIZE == 56 and x448.BITS == 448


# --- low-order points ---

def test_low_order_file_is_complete_and_correct():
    # Cofactor 4 on curve and twist, and (0, 0) the only point of order 2 (A^2 - 4 is
    # not a square): the small-order u are 0 and the u with u(2Q) = 0, namely 1 and -1.
    assert pow(x448.A**2 - 4, (P - 1) // 2, P) == P - 1
    canonical = {0, 1, P - 1}
    for u in canonical:
        assert ladder(2, u, P, x448.A24, 2) == 0
    expected = {value for u in canonical for value in (u, u + P) if value < 2**448}
    records = parse_key_value_blocks(vector_path("rfc7748", "x448-low-order.txt"))
    assert {int(r["VALUE"]) for r in records} == expected
    for r in records:
        assert decode_u_coordinate(unhex(r["U"])) in canonical


@settings(max_examples=3)
@given(k=keys)
def test_low_order_points_give_zero_for_every_key(k):
    for r in parse_key_value_blocks(vector_path("rfc7748", "x448-low-order.txt")):
        assert x448.x448(k, unhex(r["U"])) == bytes(56)
        with pytest.raises(InvalidKey):
            X448PrivateKey.from_private_bytes(k).exchange(X448PublicKey(unhex(r["U"])))


# --- bad input ---

BAD_TYPES = ["00" * 56, None, 5, [0] * 56, object()]


@pytest.mark.parametrize("bad", BAD_TYPES)
def test_rejects_non_bytes(bad):
    with pytest.raises(TypeError, match="bytes-like"):
        x448.x448(bad, BASE_POINT)
    with pytest.raises(TypeError, match="bytes-like"):
        x448.x448(RFC_A, bad)
    with pytest.raises(TypeError, match="bytes-like"):
        X448PrivateKey.from_private_bytes(bad)
    with pytest.raises(TypeError, match="bytes-like"):
        X448PublicKey.from_public_bytes(bad)


@pytest.mark.parametrize("bad", BAD_TYPES)
def test_decoders_and_trace_reject_non_bytes(bad):
    for call in (lambda: decode_scalar(bad), lambda: decode_u_coordinate(bad),
                 lambda: trace_x448(bad, BASE_POINT), lambda: trace_x448(RFC_A, bad),
                 lambda: X448PrivateKey.generate(rng=lambda n: bad)):
        with pytest.raises(TypeError, match="bytes-like"):
            call()


def test_wrong_length_is_invalid_key_and_value_error():
    # The error contract: InvalidKey (a ValueError) for keys that fail validation, wrong length included.
    for call in (lambda: X448PublicKey.from_public_bytes(bytes(55)),
                 lambda: X448PrivateKey.from_private_bytes(bytes(57)),
                 lambda: X448PrivateKey.generate(rng=lambda n: bytes(n - 1)),
                 lambda: x448.x448(bytes(55), BASE_POINT),
                 lambda: trace_x448(RFC_A, bytes(57))):
        with pytest.raises(InvalidKey, match="must be 56 bytes"):
            call()


@pytest.mark.parametrize("length", [0, 32, 55, 57, 64])
def test_rejects_wrong_lengths(length):
    data = bytes(range(length))
    msg = rf"must be 56 bytes, got {length}"
    with pytest.raises(ValueError, match="X448 scalar k " + msg):
        x448.x448(data, BASE_POINT)
    with pytest.raises(ValueError, match="X448 u-coordinate " + msg):
        x448.x448(RFC_A, data)
    with pytest.raises(ValueError, match="X448 private key " + msg):
        X448PrivateKey.from_private_bytes(data)
    with pytest.raises(ValueError, match="X448 public key " + msg):
        X448PublicKey.from_public_bytes(data)


@pytest.mark.parametrize("peer", [RFC_B_PUBLIC, None, x25519.X25519PrivateKey.generate().public_key()])
def test_exchange_rejects_wrong_peer_class(peer):
    with pytest.raises(TypeError, match="X448PublicKey"):
        X448PrivateKey.from_private_bytes(RFC_A).exchange(peer)


def test_exchange_rejects_private_key_as_peer():
    with pytest.raises(TypeError, match="X448PrivateKey"):
        X448PrivateKey.from_private_bytes(RFC_A).exchange(X448PrivateKey.generate())


def test_public_key_equality_and_hash():
    a = X448PublicKey(RFC_B_PUBLIC)
    assert a == X448PublicKey(bytearray(RFC_B_PUBLIC)) and hash(a) == hash(X448PublicKey(RFC_B_PUBLIC))
    assert a != X448PublicKey(bytes(56)) and a != RFC_B_PUBLIC
    assert RFC_B_PUBLIC.hex() in repr(a)


def test_accepts_bytes_like_and_does_not_modify_inputs():
    k, u = bytearray(RFC_A), memoryview(bytearray(RFC_B_PUBLIC))
    assert x448.x448(k, u) == RFC_K
    assert k == RFC_A and bytes(u) == RFC_B_PUBLIC
    key = X448PrivateKey.from_private_bytes(k)
    k[0] ^= 1
    assert key.private_bytes_raw() == RFC_A
    assert key.exchange(X448PublicKey.from_public_bytes(u)) == RFC_K


def test_repr_hides_private_bytes():
    key = X448PrivateKey.from_private_bytes(RFC_A)
    assert RFC_A.hex()[:8] not in repr(key).lower() and RFC_A.hex()[:8] not in str(key).lower()
    assert "X448PrivateKey" in repr(key)


def test_generate_uses_injected_rng():
    assert X448PrivateKey.generate(rng=lambda n: RFC_A[:n]).private_bytes_raw() == RFC_A
    assert X448PrivateKey.generate().private_bytes_raw() != X448PrivateKey.generate().private_bytes_raw()


# --- tampering: X448 masks nothing, so every bit of the peer's u matters ---

@pytest.mark.parametrize("bit", [0, 1, 100, 300, 446, 447])
def test_tampered_public_key_changes_shared_secret(bit):
    tampered = (int.from_bytes(RFC_B_PUBLIC, "little") ^ (1 << bit)).to_bytes(56, "little")
    assert X448PrivateKey.from_private_bytes(RFC_A).exchange(X448PublicKey(tampered)) != RFC_K


# --- encodings ---

@given(st.integers(0, 2**448 - 1))
def test_decode_u_coordinate_reduces_without_masking(value):
    assert decode_u_coordinate(value.to_bytes(56, "little")) == value % P


@given(st.integers(0, P - 1))
def test_encode_decode_round_trip(u):
    assert decode_u_coordinate(encode_u_coordinate(u)) == u


@given(keys)
def test_decode_scalar_clamps(k):
    scalar = decode_scalar(k)
    assert scalar % 4 == 0 and 2**447 <= scalar < 2**448


# --- properties ---

@settings(max_examples=3)
@given(a=keys, b=keys)
def test_exchange_is_commutative(a, b):
    alice, bob = X448PrivateKey.from_private_bytes(a), X448PrivateKey.from_private_bytes(b)
    assert alice.exchange(bob.public_key()) == bob.exchange(alice.public_key())


@settings(max_examples=3)
@given(k=keys)
def test_public_key_is_x448_of_base_point(k):
    assert X448PrivateKey.from_private_bytes(k).public_key().public_bytes_raw() == \
        x448.x448(k, bytes([5]) + bytes(55))


@settings(max_examples=5)
@given(k=keys, u=keys, cleared=st.integers(0, 3), top=st.booleans())
def test_clamping_makes_result_independent_of_cleared_bits(k, u, cleared, top):
    changed = bytearray(k)
    changed[0] ^= cleared
    changed[55] ^= 0x80 if top else 0
    assert x448.x448(bytes(changed), u) == x448.x448(k, u)


@settings(max_examples=3)
@given(k=keys, small=st.integers(0, 2**224))
def test_non_canonical_u_is_reduced(k, small):
    assert x448.x448(k, (P + small).to_bytes(56, "little")) == x448.x448(k, small.to_bytes(56, "little"))


def test_trace_matches_function():
    trace = trace_x448(RFC_A, RFC_B_PUBLIC, projective=True)
    assert trace["result"] == RFC_K
    assert [row["t"] for row in trace["rows"]] == list(range(447, -1, -1))
    last = trace["rows"][-1]                        # k_0 = 0 after clamping: no swap pending
    assert last["x_2"] * pow(last["z_2"], P - 2, P) % P == decode_u_coordinate(RFC_K)


def test_key_classes_route_through_one_internal_function(monkeypatch):
    calls = []
    monkeypatch.setattr(x448, "_scalar_mult", lambda k, u: calls.append((k, u)) or x448.x448(k, u))
    X448PrivateKey.from_private_bytes(RFC_A).exchange(X448PublicKey(RFC_B_PUBLIC))
    assert calls == [(RFC_A, RFC_B_PUBLIC)]


# --- differential: against pyca/cryptography (OpenSSL) ---

@settings(max_examples=5)
@given(a=keys, b=keys, u=keys)
def test_agrees_with_cryptography(a, b, u):
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.x448")
    theirs = crypto.X448PrivateKey.from_private_bytes(a)
    peer = crypto.X448PrivateKey.from_private_bytes(b).public_key().public_bytes_raw()
    assert X448PrivateKey.from_private_bytes(a).exchange(X448PublicKey(peer)) == \
        theirs.exchange(crypto.X448PublicKey.from_public_bytes(peer))
    try:
        expected = theirs.exchange(crypto.X448PublicKey.from_public_bytes(u))
    except ValueError:
        expected = bytes(56)
    assert x448.x448(a, u) == expected
