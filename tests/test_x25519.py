"""X25519 (RFC 7748): published vectors, low-order points, bad input, properties, differential."""

import pytest
from hypothesis import given, settings, strategies as st

from kat_params import kat_parametrize
from refkx import x448, x25519
from refkx.errors import InvalidKey
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, unhex
from refkx.montgomery import ladder
from refkx.x25519 import (BASE_POINT, KEY_SIZE, P, X25519PrivateKey, X25519PublicKey,
                          decode_scalar, decode_u_coordinate, encode_u_coordinate,
                          trace_x25519)

keys = st.binary(min_size=32, max_size=32)
RFC_A = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
RFC_B_PUBLIC = bytes.fromhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
RFC_K = bytes.fromhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
ORDER_8 = {325606250916557431795983626356110631294008115727848805560023387167927233504,
           39382357235489614581723060781553021112529911719440698176882885853963445705823}


# --- against published vectors (RFC 7748 §5.2, §6.1) and the derived low-order points ---

@kat_parametrize("rfc7748", where=lambda case: "-x25519-" in case.id)
def test_published_vector(case, implementation):
    case.run()


# --- constants, derived in code, against the RFC's numbers ---

def test_constants():
    assert P == 57896044618658097711785492504343953926634992332820282019728792003956564819949
    assert x25519.A24 == 121665                        # RFC 7748 §5: "a24 = 121665"
    assert BASE_POINT == bytes([9]) + bytes(31)
    assert KEY_SIZE == 32 and x25519.BITS == 255


# --- low-order points: re-derive the vector file ---

def _small_order(u: int) -> int:
    """The order (2, 4 or 8) of a point with u-coordinate u if it divides 8, else 0.

    The only point of order 2 (on the curve or the twist) has u = 0, because A^2 - 4
    is not a square mod p; so n*Q is O or (0, 0) exactly when the ladder gives u = 0.
    """
    if u == 0:
        return 2
    for n, order in ((1, 2), (2, 4), (4, 8)):
        if ladder(n, u, P, x25519.A24, 3) == 0:
            return order
    return 0


def _canonical_small_order_points() -> set:
    """Every u < p of order dividing 8, found without the vector file.

    The order-8 points are u(ORDER * Q) for points Q on the curve (Q's component in
    the prime-order subgroup is killed by ORDER); curve and twist contribute 0, 1, -1.
    """
    found = {0, 1, P - 1}
    u = 2
    while len(found) < 5:
        if pow(u**3 + x25519.A * u * u + u, (P - 1) // 2, P) == 1:     # Q = (u, v) on the curve
            w = ladder(x25519.ORDER, u, P, x25519.A24, 253)
            if _small_order(w) == 8:
                found.add(w)
        u += 1
    return found


def _low_order_records():
    return parse_key_value_blocks(vector_path("rfc7748", "x25519-low-order.txt"))


def test_low_order_file_is_complete_and_correct():
    canonical = _canonical_small_order_points()
    assert canonical - {0, 1, P - 1} == ORDER_8
    assert len(canonical) == 5
    # Every 32-byte string that decodes to one of them: u, u + p (if < 2^255), each with bit 255 set.
    expected = set()
    for u in canonical:
        for value in (u, u + P):
            if value < 2**255:
                expected |= {value, value + 2**255}
    records = _low_order_records()
    assert {int(r["VALUE"]) for r in records} == expected
    for r in records:
        u = decode_u_coordinate(unhex(r["U"]))
        assert u in canonical
        assert _small_order(u) == int(r["ORDER"]), r["NAME"]


def test_values_that_need_bit_255_are_not_low_order():
    # p + c8, 2p - 1, 2p, 2p + 1 do appear in some lists, but bit 255 is masked first.
    key = X25519PrivateKey.from_private_bytes(RFC_A)
    for value in [P + u for u in ORDER_8] + [2 * P - 1, 2 * P, 2 * P + 1]:
        encoded = value.to_bytes(32, "little")
        masked = (value - 2**255).to_bytes(32, "little")
        assert key.exchange(X25519PublicKey.from_public_bytes(encoded)) == \
            key.exchange(X25519PublicKey.from_public_bytes(masked))


@settings(max_examples=5)
@given(k=keys)
def test_low_order_points_give_zero_for_every_key(k):
    for r in _low_order_records():
        assert x25519.x25519(k, unhex(r["U"])) == bytes(32)
        with pytest.raises(InvalidKey):
            X25519PrivateKey.from_private_bytes(k).exchange(X25519PublicKey(unhex(r["U"])))


def test_invalid_key_is_a_value_error():
    with pytest.raises(ValueError, match="all zero"):
        X25519PrivateKey.generate().exchange(X25519PublicKey(bytes(32)))


# --- bad input ---

BAD_TYPES = ["00" * 32, None, 9, 9.0, [0] * 32, object()]


@pytest.mark.parametrize("bad", BAD_TYPES)
def test_rejects_non_bytes(bad):
    with pytest.raises(TypeError, match="bytes-like"):
        x25519.x25519(bad, BASE_POINT)
    with pytest.raises(TypeError, match="bytes-like"):
        x25519.x25519(RFC_A, bad)
    with pytest.raises(TypeError, match="bytes-like"):
        X25519PrivateKey.from_private_bytes(bad)
    with pytest.raises(TypeError, match="bytes-like"):
        X25519PublicKey.from_public_bytes(bad)
    with pytest.raises(TypeError):
        decode_scalar(bad)
    with pytest.raises(TypeError):
        decode_u_coordinate(bad)


@pytest.mark.parametrize("length", [0, 1, 31, 33, 56, 64])
def test_rejects_wrong_lengths(length):
    data = bytes(range(length))
    msg = rf"must be 32 bytes, got {length}"
    with pytest.raises(ValueError, match="X25519 scalar k " + msg):
        x25519.x25519(data, BASE_POINT)
    with pytest.raises(ValueError, match="X25519 u-coordinate " + msg):
        x25519.x25519(RFC_A, data)
    with pytest.raises(ValueError, match="X25519 private key " + msg):
        X25519PrivateKey.from_private_bytes(data)
    with pytest.raises(ValueError, match="X25519 public key " + msg):
        X25519PublicKey.from_public_bytes(data)
    with pytest.raises(ValueError):
        X25519PrivateKey.generate(rng=lambda n: bytes(length))


def test_wrong_length_is_invalid_key_and_value_error():
    # The error contract: InvalidKey (a ValueError) for keys that fail validation, wrong length included.
    for call in (lambda: X25519PublicKey.from_public_bytes(bytes(31)),
                 lambda: X25519PrivateKey.from_private_bytes(bytes(33)),
                 lambda: x25519.x25519(bytes(31), BASE_POINT)):
        with pytest.raises(InvalidKey, match="must be 32 bytes"):
            call()
    assert issubclass(InvalidKey, ValueError)


@pytest.mark.parametrize("peer", [RFC_B_PUBLIC, bytearray(RFC_B_PUBLIC), None,
                                  x448.X448PrivateKey.generate().public_key()])
def test_exchange_rejects_wrong_peer_class(peer):
    with pytest.raises(TypeError, match="X25519PublicKey"):
        X25519PrivateKey.from_private_bytes(RFC_A).exchange(peer)


def test_exchange_rejects_private_key_as_peer():
    with pytest.raises(TypeError, match="X25519PrivateKey"):
        X25519PrivateKey.from_private_bytes(RFC_A).exchange(X25519PrivateKey.generate())


def test_accepts_bytes_like_and_does_not_modify_inputs():
    k, u = bytearray(RFC_A), memoryview(bytearray(RFC_B_PUBLIC))
    assert x25519.x25519(k, u) == RFC_K
    assert k == RFC_A and bytes(u) == RFC_B_PUBLIC
    key = X25519PrivateKey.from_private_bytes(k)
    k[0] ^= 1                                              # later changes to the buffer don't leak in
    assert key.private_bytes_raw() == RFC_A
    assert type(key.private_bytes_raw()) is bytes
    assert key.exchange(X25519PublicKey.from_public_bytes(u)) == RFC_K


def test_repr_hides_private_bytes():
    key = X25519PrivateKey.from_private_bytes(RFC_A)
    for text in (repr(key), str(key), f"{key}"):
        assert RFC_A.hex() not in text.lower()
        assert RFC_A.hex()[:8] not in text.lower()
    assert "X25519PrivateKey" in repr(key)
    assert RFC_B_PUBLIC.hex() in repr(X25519PublicKey(RFC_B_PUBLIC))


def test_generate_uses_injected_rng_and_default_is_random():
    fixed = X25519PrivateKey.generate(rng=lambda n: RFC_A[:n])
    assert fixed.private_bytes_raw() == RFC_A
    assert X25519PrivateKey.generate().private_bytes_raw() != X25519PrivateKey.generate().private_bytes_raw()


def test_public_key_equality_and_hash():
    a = X25519PublicKey(RFC_B_PUBLIC)
    assert a == X25519PublicKey(bytearray(RFC_B_PUBLIC)) and hash(a) == hash(X25519PublicKey(RFC_B_PUBLIC))
    assert a != X25519PublicKey(bytes(32))
    assert a != RFC_B_PUBLIC


# --- tampering: any change to the peer's u (except the masked bit 255) changes K ---

@pytest.mark.parametrize("bit", [0, 1, 7, 100, 200, 254])
def test_tampered_public_key_changes_shared_secret(bit):
    tampered = (int.from_bytes(RFC_B_PUBLIC, "little") ^ (1 << bit)).to_bytes(32, "little")
    key = X25519PrivateKey.from_private_bytes(RFC_A)
    assert key.exchange(X25519PublicKey(tampered)) != RFC_K


def test_bit_255_of_peer_key_is_ignored():
    flipped = bytearray(RFC_B_PUBLIC)
    flipped[31] ^= 0x80
    assert X25519PrivateKey.from_private_bytes(RFC_A).exchange(X25519PublicKey(flipped)) == RFC_K


# --- encodings (RFC 7748 §5) ---

@given(st.integers(0, 2**256 - 1))
def test_decode_u_coordinate_masks_and_reduces(value):
    assert decode_u_coordinate(value.to_bytes(32, "little")) == (value % 2**255) % P


@given(st.integers(0, P - 1))
def test_encode_decode_round_trip(u):
    assert decode_u_coordinate(encode_u_coordinate(u)) == u
    assert encode_u_coordinate(u + P) == encode_u_coordinate(u)      # output always canonical


@given(keys)
def test_decode_scalar_clamps(k):
    scalar = decode_scalar(k)
    assert scalar % 8 == 0 and 2**254 <= scalar < 2**255


# --- properties ---

@settings(max_examples=5)
@given(a=keys, b=keys)
def test_exchange_is_commutative(a, b):
    alice, bob = X25519PrivateKey.from_private_bytes(a), X25519PrivateKey.from_private_bytes(b)
    assert alice.exchange(bob.public_key()) == bob.exchange(alice.public_key())


@settings(max_examples=5)
@given(k=keys)
def test_public_key_is_x25519_of_base_point(k):
    key = X25519PrivateKey.from_private_bytes(k)
    assert key.public_key().public_bytes_raw() == x25519.x25519(k, bytes([9]) + bytes(31))
    assert key.public_key() is key.public_key()                     # computed once


@settings(max_examples=10)
@given(k=keys, u=keys, cleared=st.integers(0, 7), top=st.booleans(), bit254=st.booleans())
def test_clamping_makes_result_independent_of_cleared_bits(k, u, cleared, top, bit254):
    # decodeScalar25519 overwrites bits 0-2, 255 and 254; flipping them changes nothing.
    changed = bytearray(k)
    changed[0] ^= cleared
    changed[31] ^= (0x80 if top else 0) | (0x40 if bit254 else 0)
    assert x25519.x25519(bytes(changed), u) == x25519.x25519(k, u)


@settings(max_examples=10)
@given(k=keys, u=keys)
def test_high_bit_of_u_is_ignored(k, u):
    flipped = bytearray(u)
    flipped[31] ^= 0x80
    assert x25519.x25519(k, bytes(flipped)) == x25519.x25519(k, u)


@settings(max_examples=5)
@given(k=keys, small=st.integers(0, 18))
def test_non_canonical_u_is_reduced(k, small):
    # p + small < 2^255 for small <= 18: the only non-canonical encodings without bit 255.
    assert x25519.x25519(k, (P + small).to_bytes(32, "little")) == \
        x25519.x25519(k, small.to_bytes(32, "little"))


def test_output_is_canonical_for_u_equal_p_minus_one_neighbourhood():
    out = x25519.x25519(RFC_A, (2**255 - 1).to_bytes(32, "little"))      # 2^255 - 1 = p + 18
    assert int.from_bytes(out, "little") < P


# --- the trace hook (python -m refkx trace x25519) ---

def test_trace_matches_function_and_ladder_invariant():
    u = RFC_B_PUBLIC
    trace = trace_x25519(RFC_A, u, projective=True)
    assert trace["result"] == x25519.x25519(RFC_A, u)
    assert trace["k_clamped"] == decode_scalar(RFC_A)
    assert trace["u_decoded"] == decode_u_coordinate(u)
    rows = trace["rows"]
    assert [row["t"] for row in rows] == list(range(254, -1, -1))
    assert [row["k_t"] for row in rows] == [(trace["k_clamped"] >> t) & 1 for t in range(254, -1, -1)]
    # After step t the pair not swapped holds [m]P with m = k >> t (swap pending = k_t).
    for row in rows[::37] + rows[-1:]:
        m = trace["k_clamped"] >> row["t"]
        x, z = (row["x_3"], row["z_3"]) if row["k_t"] else (row["x_2"], row["z_2"])
        assert x * pow(z, P - 2, P) % P == ladder(m, trace["u_decoded"], P, x25519.A24, 255)
    plain = trace_x25519(RFC_A, u)
    assert set(plain["rows"][0]) == {"t", "k_t"} and plain["result"] == trace["result"]


def test_trace_rejects_bad_input():
    with pytest.raises(ValueError, match="32 bytes"):
        trace_x25519(bytes(31), BASE_POINT)
    with pytest.raises(TypeError):
        trace_x25519("k", BASE_POINT)


# --- the swappable internal function ---

def test_key_classes_route_through_one_internal_function(monkeypatch):
    calls = []

    def spy(k, u):
        calls.append((k, u))
        return x25519.x25519(k, u)

    monkeypatch.setattr(x25519, "_scalar_mult", spy)
    key = X25519PrivateKey.from_private_bytes(RFC_A)
    key.exchange(X25519PublicKey(RFC_B_PUBLIC))
    key.public_key()
    assert calls == [(RFC_A, RFC_B_PUBLIC), (RFC_A, BASE_POINT)]


# --- differential: against pyca/cryptography (OpenSSL) ---

@settings(max_examples=10)
@given(a=keys, b=keys, u=keys)
def test_agrees_with_cryptography(a, b, u):
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.x25519")
    theirs = crypto.X25519PrivateKey.from_private_bytes(a)
    assert X25519PrivateKey.from_private_bytes(a).public_key().public_bytes_raw() == \
        theirs.public_key().public_bytes_raw()
    peer = crypto.X25519PrivateKey.from_private_bytes(b).public_key().public_bytes_raw()
    assert X25519PrivateKey.from_private_bytes(a).exchange(X25519PublicKey(peer)) == \
        theirs.exchange(crypto.X25519PublicKey.from_public_bytes(peer))
    # Arbitrary 32 bytes as u (bit 255 set, non-canonical, on the twist): same raw function.
    try:
        expected = theirs.exchange(crypto.X25519PublicKey.from_public_bytes(u))
    except ValueError:                           # OpenSSL refuses an all-zero result
        expected = bytes(32)
    assert x25519.x25519(a, u) == expected
