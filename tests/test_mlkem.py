"""ML-KEM (FIPS 203): building blocks, published vectors, OpenSSL cross-checks, bad input.

Sections: the Appendix A tables and the integer Compress; the building blocks'
round trips; every vendored vector (refkx.kat.mlkem) under each implementation;
differential tests against `cryptography` (OpenSSL); bad-input and tamper
tests; hypothesis properties.
"""

import hashlib

import pytest
from hypothesis import given, strategies as st

from refkx import impl, mlkem
from refkx.errors import InvalidKey

ALL_PARAMS = [mlkem.ML_KEM_512, mlkem.ML_KEM_768, mlkem.ML_KEM_1024]
PARAM_IDS = ["512", "768", "1024"]

# FIPS 203 Appendix A, first table: zeta^BitRev7(i) mod q for i = 0 .. 127, transcribed.
APPENDIX_A_ZETAS = [
    1, 1729, 2580, 3289, 2642, 630, 1897, 848, 1062, 1919, 193, 797, 2786, 3260, 569, 1746,
    296, 2447, 1339, 1476, 3046, 56, 2240, 1333, 1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
    289, 331, 3253, 1756, 1197, 2304, 2277, 2055, 650, 1977, 2513, 632, 2865, 33, 1320, 1915,
    2319, 1435, 807, 452, 1438, 2868, 1534, 2402, 2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
    17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
    1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
    1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
    2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
]
# Appendix A, second table: zeta^(2 BitRev7(i) + 1) mod q, printed as 17, -17, 2761, -2761, ...
APPENDIX_A_GAMMA_PAIRS = [
    17, 2761, 583, 2649, 1637, 723, 2288, 1100, 1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
    1703, 1651, 2789, 1789, 1847, 952, 1461, 2687, 939, 2308, 2437, 2388, 733, 2337, 268, 641,
    1584, 2298, 2037, 3220, 375, 2549, 2090, 1645, 1063, 319, 2773, 757, 2099, 561, 2466, 2594,
    2804, 1092, 403, 1026, 1143, 2150, 2775, 886, 1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
]


# --- the tables and the integer arithmetic ---

def test_zeta_table_is_appendix_a():
    assert list(mlkem.ZETAS) == APPENDIX_A_ZETAS


def test_gamma_table_is_appendix_a():
    expected = [g for value in APPENDIX_A_GAMMA_PAIRS for g in (value, -value % mlkem.Q)]
    assert list(mlkem.GAMMAS) == expected


def test_bit_rev7():
    assert [mlkem.bit_rev7(i) for i in (0, 1, 2, 64, 127)] == [0, 64, 32, 1, 127]
    assert sorted(mlkem.bit_rev7(i) for i in range(128)) == list(range(128))


@pytest.mark.parametrize("d", [1, 4, 5, 10, 11])
def test_compress_equals_rounding_definition_for_every_x(d):
    """§4.2.1 eq. 4.7 with exact rationals: round(2^d x / q) mod 2^d, for every x in Z_q."""
    for x in range(mlkem.Q):
        numerator = (x << d) * 2 + mlkem.Q            # 2 * (2^d x / q + 1/2) * q
        expected = (numerator // (2 * mlkem.Q)) % (1 << d)
        assert mlkem.compress(d, x) == expected, (d, x)


@pytest.mark.parametrize("d", [1, 4, 5, 10, 11])
def test_decompress_equals_rounding_definition(d):
    for y in range(1 << d):
        expected = (2 * mlkem.Q * y + (1 << d)) // (2 << d)     # round(q y / 2^d)
        assert mlkem.decompress(d, y) == expected


@pytest.mark.parametrize("d", [1, 4, 5, 10, 11])
def test_compress_after_decompress_is_identity(d):
    """§4.2.1: Compress_d(Decompress_d(y)) = y for every y in Z_{2^d}."""
    for y in range(1 << d):
        assert mlkem.compress(d, mlkem.decompress(d, y)) == y


def test_divide_by_2q_is_exact_over_its_whole_range():
    # Every n that Compress passes in is (x << (d + 1)) + q with x < q, d <= 11; check
    # the multiply-and-shift against // on a superset: all n < 2^24 in steps, plus the top.
    for n in list(range(0, 1 << 24, 997)) + list(range((1 << 24) - 5000, 1 << 24)):
        assert mlkem._divide_by_2q(n) == n // (2 * mlkem.Q)


# --- building blocks ---

def test_bits_bytes_round_trip():
    data = bytes(range(256))
    assert mlkem.bits_to_bytes(mlkem.bytes_to_bits(data)) == data
    assert mlkem.bytes_to_bits(b"\x01\x80") == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("d", [1, 4, 5, 10, 11, 12])
def test_byte_encode_decode_round_trip(d):
    m = mlkem.Q if d == 12 else 1 << d
    F = [(i * 7919 + 13) % m for i in range(mlkem.N)]
    B = mlkem.byte_encode(d, F)
    assert len(B) == 32 * d
    assert mlkem.byte_decode(d, B) == F


def test_byte_decode_12_reduces_mod_q():
    """Algorithm 6 reduces mod q for d = 12: 0xFFF decodes to 4095 mod 3329 = 766."""
    assert mlkem.byte_decode(12, b"\xff" * 384)[:2] == [4095 % mlkem.Q] * 2


def test_ntt_inverse_undoes_ntt():
    f = [(i * i + 5) % mlkem.Q for i in range(mlkem.N)]
    assert mlkem.ntt_inverse(mlkem.ntt(f)) == f


def _schoolbook(f, g):
    """Multiplication in R_q = Z_q[X]/(X^256 + 1), straight from the definition (§2.4.4)."""
    h = [0] * mlkem.N
    for i, a in enumerate(f):
        for j, b in enumerate(g):
            if i + j < mlkem.N:
                h[i + j] += a * b
            else:
                h[i + j - mlkem.N] -= a * b
    return [x % mlkem.Q for x in h]


def test_multiply_ntts_is_multiplication_in_r_q():
    f = [(3 * i + 1) % mlkem.Q for i in range(mlkem.N)]
    g = [(i * 17 + 1000) % mlkem.Q for i in range(mlkem.N)]
    product = mlkem.ntt_inverse(mlkem.multiply_ntts(mlkem.ntt(f), mlkem.ntt(g)))
    assert product == _schoolbook(f, g)


def test_sample_ntt_uses_the_xof_stream():
    B = bytes(range(34))
    a_hat = mlkem.sample_ntt(B)
    assert len(a_hat) == mlkem.N and all(0 <= x < mlkem.Q for x in a_hat)
    stream = hashlib.shake_128(B).digest(6)
    d1 = stream[0] + 256 * (stream[1] % 16)
    d2 = stream[1] // 16 + 16 * stream[2]
    expected_first = [d for d in (d1, d2) if d < mlkem.Q]
    assert a_hat[:len(expected_first)] == expected_first


def test_xof_squeezes_one_stream():
    xof = mlkem.XOF()
    xof.absorb(b"abc")
    parts = b"".join(xof.squeeze(n) for n in (1, 500, 3, 2000))
    assert parts == hashlib.shake_128(b"abc").digest(2504)
    with pytest.raises(ValueError):
        xof.absorb(b"more")


@pytest.mark.parametrize("eta", [2, 3])
def test_sample_poly_cbd_range_and_definition(eta):
    B = bytes((i * 37) & 0xFF for i in range(64 * eta))
    f = mlkem.sample_poly_cbd(eta, B)
    bits = mlkem.bytes_to_bits(B)
    for i in range(mlkem.N):
        x = sum(bits[2 * i * eta:2 * i * eta + eta])
        y = sum(bits[2 * i * eta + eta:2 * i * eta + 2 * eta])
        assert f[i] == (x - y) % mlkem.Q


@pytest.mark.parametrize("params", ALL_PARAMS, ids=PARAM_IDS)
def test_sizes_are_table_3(params):
    expected = {"ML-KEM-512": (800, 1632, 768), "ML-KEM-768": (1184, 2400, 1088),
                "ML-KEM-1024": (1568, 3168, 1568)}[params.name]
    assert (params.ek_size, params.dk_size, params.ciphertext_size) == expected
