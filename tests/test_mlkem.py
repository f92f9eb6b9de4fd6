"""ML-KEM (FIPS 203): building blocks, published vectors, OpenSSL cross-checks, bad input.

Sections: the Appendix A tables and the integer Compress; the building blocks'
round trips; every vendored vector (refkx.kat.mlkem) under each implementation;
differential tests against `cryptography` (OpenSSL); bad-input and tamper
tests; hypothesis properties.
"""

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

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


# --- every vendored vector (refkx.kat.mlkem), under each implementation ---

READABLE_WYCHEPROOF_STEP = 5


def _in_readable_subset(case) -> bool:
    """The deterministic subset the readable code runs in CI (the fast twin runs everything).

    Every ACVP case and every Wycheproof semi-expanded-decapsulation case; Wycheproof seed
    decapsulation, encapsulation and key generation cases whose tcId is a multiple of 5; the
    KAT records whose count is a multiple of 20 (those refkx.kat does not mark slow).
    `python -m refkx vectors` runs every non-slow case under both implementations.
    """
    if case.id.startswith("kat-"):
        return not case.slow
    if case.id.startswith("wycheproof-") and "decaps-expanded" not in case.id:
        return int(case.id.rsplit("-tc", 1)[1]) % READABLE_WYCHEPROOF_STEP == 0
    return True


def _vector_params():
    """(implementation, case) pairs, ids like `readable-kat-mlkem768-count20` and
    `fast-kat-mlkem768-count17`: the fast twin runs all 4905 cases (the 3000 KAT records
    included), the readable code the subset of `_in_readable_subset`."""
    from refkx.kat import area_cases
    params = []
    for case in area_cases("mlkem"):
        for mode in impl.IMPLEMENTATIONS:
            if mode == impl.READABLE and not _in_readable_subset(case):
                continue
            params.append(pytest.param(mode, case, id=f"{mode}-{case.id}"))
    return params


@pytest.mark.parametrize("mode,case", _vector_params())
def test_published_vector(mode, case):
    with impl.using(mode):
        case.run()


# --- cryptography (OpenSSL) as the differential oracle, both directions ---

def _pyca():
    mlkem_module = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mlkem")
    return mlkem_module


PYCA_SETS = [("768", mlkem.MLKEM768PrivateKey, "MLKEM768PrivateKey", "MLKEM768PublicKey"),
             ("1024", mlkem.MLKEM1024PrivateKey, "MLKEM1024PrivateKey", "MLKEM1024PublicKey")]


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("name,ours,pyca_private,pyca_public", PYCA_SETS,
                         ids=[s[0] for s in PYCA_SETS])
def test_openssl_encapsulates_refkx_decapsulates(mode, name, ours, pyca_private, pyca_public):
    pyca = _pyca()
    seed = hashlib.sha512(b"openssl->refkx " + name.encode()).digest()
    with impl.using(mode):
        key = ours.from_seed_bytes(seed)
        theirs = getattr(pyca, pyca_private).from_seed_bytes(seed)
        assert key.public_key().public_bytes_raw() == theirs.public_key().public_bytes_raw()
        peer = getattr(pyca, pyca_public).from_public_bytes(key.public_key().public_bytes_raw())
        for _ in range(3):
            shared_secret, ciphertext = peer.encapsulate()
            assert key.decapsulate(ciphertext) == shared_secret
        # a modified ciphertext: both sides take the implicit-rejection path and agree
        bad = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
        assert key.decapsulate(bad) == theirs.decapsulate(bad) != shared_secret


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("name,ours,pyca_private,pyca_public", PYCA_SETS,
                         ids=[s[0] for s in PYCA_SETS])
def test_refkx_encapsulates_openssl_decapsulates(mode, name, ours, pyca_private, pyca_public):
    pyca = _pyca()
    theirs = getattr(pyca, pyca_private).generate()
    with impl.using(mode):
        public = ours._public_key_class.from_public_bytes(theirs.public_key().public_bytes_raw())
        for _ in range(3):
            shared_secret, ciphertext = public.encapsulate()
            assert theirs.decapsulate(ciphertext) == shared_secret


# --- bad input: types, lengths, the §7.2 modulus check, the §7.3 hash check, tampering ---

SEED_768 = bytes(range(64))


@pytest.fixture(scope="module")
def key_768():
    return mlkem.MLKEM768PrivateKey.from_seed_bytes(SEED_768)


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
def test_wrong_types_raise_type_error(mode, key_768):
    ek = key_768.public_key().public_bytes_raw()
    dk = key_768.expanded_bytes()
    K, c = key_768.public_key().encapsulate()
    with impl.using(mode):
        for bad in ("text", 17, None, [1, 2]):
            with pytest.raises(TypeError):
                mlkem.keygen_internal(bad, bytes(32), mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.keygen_internal(bytes(32), bad, mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.encaps_internal(bad, bytes(32), mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.encaps_internal(ek, bad, mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.decaps(bad, c, mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.decaps(dk, bad, mlkem.ML_KEM_768)
            with pytest.raises(TypeError):
                mlkem.MLKEM768PrivateKey.from_seed_bytes(bad)
            with pytest.raises(TypeError):
                mlkem.MLKEM768PublicKey.from_public_bytes(bad)
            with pytest.raises(TypeError):
                key_768.decapsulate(bad)
        with pytest.raises(TypeError):
            mlkem.decaps(dk, c, "ML-KEM-768")
        assert mlkem.decaps(bytearray(dk), memoryview(c), mlkem.ML_KEM_768) == K


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("params", ALL_PARAMS, ids=PARAM_IDS)
def test_every_wrong_length_is_refused(mode, params):
    """Every length 0 .. size + 33 except the right one, for ek, dk and c; 0 .. 100 for the
    seeds d, z, m (ValueError, caller misuse) and the 64-byte key seed."""
    with impl.using(mode):
        ek, dk = mlkem.keygen_internal(bytes(32), bytes(range(32)), params)
        K, c = mlkem.encaps_internal(ek, bytes(32), params)
        assert mlkem.decaps(dk, c, params) == K                 # the untampered case
        for size, make in ((params.ek_size, lambda n: mlkem.encaps_internal(
                                (ek * 2)[:n], bytes(32), params)),
                           (params.dk_size, lambda n: mlkem.decaps((dk * 2)[:n], c, params)),
                           (params.ciphertext_size, lambda n: mlkem.decaps(dk, (c * 2)[:n],
                                                                           params))):
            for n in range(0, size + 34):
                if n == size:
                    continue
                with pytest.raises(InvalidKey):
                    make(n)
        for n in range(0, 101):
            if n != 32:
                for call in (lambda: mlkem.keygen_internal(bytes(n), bytes(32), params),
                             lambda: mlkem.keygen_internal(bytes(32), bytes(n), params),
                             lambda: mlkem.encaps_internal(ek, bytes(n), params)):
                    with pytest.raises(ValueError) as info:
                        call()
                    assert not isinstance(info.value, InvalidKey)   # caller misuse, not a key
            if n != 64:
                with pytest.raises(ValueError):
                    mlkem.MLKEM768PrivateKey.from_seed_bytes(bytes(n))


def _set_coefficient(ek: bytes, index: int, value: int) -> bytes:
    """ek with coefficient `index` of t_hat (ByteEncode_12 packing) replaced by `value` < 4096."""
    coefficients = []
    for i in range(0, len(ek) - 32, 3):
        b0, b1, b2 = ek[i:i + 3]
        coefficients += [b0 | (b1 & 0x0F) << 8, b1 >> 4 | b2 << 4]
    coefficients[index] = value
    out = bytearray()
    for i in range(0, len(coefficients), 2):
        a, b = coefficients[i], coefficients[i + 1]
        out += bytes([a & 0xFF, a >> 8 | (b & 0x0F) << 4, b >> 4])
    return bytes(out) + ek[-32:]


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("params", ALL_PARAMS, ids=PARAM_IDS)
def test_modulus_check_at_every_position_class(mode, params):
    """§7.2: a coefficient >= q anywhere in t_hat is refused.

    Position classes: even and odd coefficients (the two nibble layouts of a 3-byte
    group) at the start and the end of every polynomial of t_hat, with values q,
    q + 1 and 4095. Re-encoding the same key unchanged is accepted.
    """
    ek, _ = mlkem.keygen_internal(bytes(32), bytes(32), params)
    with impl.using(mode):
        t_hat = mlkem.byte_decode(12, ek[:384])
        assert _set_coefficient(ek, 7, t_hat[7]) == ek          # the packing helper is exact
        mlkem.encaps_internal(_set_coefficient(ek, 5, mlkem.Q - 1), bytes(32), params)
        for poly in range(params.k):
            for offset, value in ((0, mlkem.Q), (1, mlkem.Q + 1), (254, 4095), (255, mlkem.Q)):
                bad = _set_coefficient(ek, poly * mlkem.N + offset, value)
                with pytest.raises(InvalidKey):
                    mlkem.encaps_internal(bad, bytes(32), params)
        with pytest.raises(InvalidKey):
            public_class = {2: mlkem.MLKEM512PublicKey, 3: mlkem.MLKEM768PublicKey,
                            4: mlkem.MLKEM1024PublicKey}[params.k]
            public_class.from_public_bytes(_set_coefficient(ek, 3, 4095))


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("params", ALL_PARAMS, ids=PARAM_IDS)
def test_hash_check_refuses_corrupted_dk(mode, params):
    """§7.3 hash check: flipping a bit of h = H(ek), or of the ek inside dk, is refused."""
    k = params.k
    ek, dk = mlkem.keygen_internal(bytes(32), bytes(32), params)
    K, c = mlkem.encaps_internal(ek, bytes(32), params)
    with impl.using(mode):
        assert mlkem.decaps(dk, c, params) == K
        h_at = 768 * k + 32
        for position in (h_at, h_at + 31, 384 * k, 768 * k + 31):
            bad = bytearray(dk)
            bad[position] ^= 0x01
            with pytest.raises(InvalidKey):
                mlkem.decaps(bytes(bad), c, params)


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
def test_one_bit_flips_give_implicit_rejection(mode, key_768):
    """A ciphertext with one bit flipped (in c1 and in c2): K_bar = J(z || c'), no exception."""
    params = mlkem.ML_KEM_768
    seed = key_768.private_bytes_raw()
    z = seed[32:]
    with impl.using(mode):
        K, c = key_768.public_key().encapsulate()
        assert key_768.decapsulate(c) == K
        for position in (0, 1, 500, 959, 960, 1000, 1087):
            for bit in (0, 7):
                bad = bytearray(c)
                bad[position] ^= 1 << bit
                got = key_768.decapsulate(bytes(bad))
                assert got == mlkem.J(z + bytes(bad)) != K
                assert mlkem.decaps(key_768.expanded_bytes(), bytes(bad), params) == got


def test_implementations_agree_on_rejection(key_768):
    c = bytes(1088)
    results = set()
    for mode in impl.IMPLEMENTATIONS:
        with impl.using(mode):
            results.add(key_768.decapsulate(c))
    assert len(results) == 1


def test_arguments_are_not_modified(key_768):
    ek = bytearray(key_768.public_key().public_bytes_raw())
    snapshot = bytes(ek)
    mlkem.encaps_internal(ek, bytes(32), mlkem.ML_KEM_768)
    assert bytes(ek) == snapshot


def test_key_classes(key_768):
    assert key_768.private_bytes_raw() == SEED_768
    public = key_768.public_key()
    assert public == mlkem.MLKEM768PublicKey.from_public_bytes(public.public_bytes_raw())
    assert len(key_768.expanded_bytes()) == 2400
    fixed = iter([bytes([1]) * 32, bytes([2]) * 32])
    generated = mlkem.MLKEM512PrivateKey.generate(rng=lambda n: next(fixed))
    assert generated.private_bytes_raw() == bytes([1]) * 32 + bytes([2]) * 32
    same_draws = iter([bytes([1]) * 32, bytes([2]) * 32])
    ek, dk = mlkem.keygen(mlkem.ML_KEM_512, rng=lambda n: next(same_draws))
    assert ek == generated.public_key().public_bytes_raw()
    assert dk == generated.expanded_bytes()


# --- hypothesis properties ---

@given(d=st.binary(min_size=32, max_size=32), z=st.binary(min_size=32, max_size=32),
       m=st.binary(min_size=32, max_size=32), which=st.sampled_from(ALL_PARAMS),
       mode=st.sampled_from(impl.IMPLEMENTATIONS))
def test_round_trip(d, z, m, which, mode):
    with impl.using(mode):
        ek, dk = mlkem.keygen_internal(d, z, which)
        K, c = mlkem.encaps_internal(ek, m, which)
        assert len(K) == 32 and len(c) == which.ciphertext_size
        assert mlkem.decaps(dk, c, which) == K


@given(f=st.lists(st.integers(0, mlkem.Q - 1), min_size=256, max_size=256))
def test_ntt_round_trip_property(f):
    assert mlkem.ntt_inverse(mlkem.ntt(f)) == f


@given(d=st.sampled_from([1, 4, 5, 10, 11]), x=st.integers(0, mlkem.Q - 1))
def test_decompress_compress_error_is_bounded(d, x):
    """§4.2.1: |Decompress(Compress(x)) - x| mod± q <= round(q / 2^(d+1))."""
    y = mlkem.decompress(d, mlkem.compress(d, x))
    error = min((y - x) % mlkem.Q, (x - y) % mlkem.Q)
    assert error <= (mlkem.Q + (1 << d)) >> (d + 1)


# --- the fast twin's building blocks equal the readable ones (hypothesis) ---

def _twin():
    from refkx.fast import mlkem as twin
    return twin


coefficients = st.lists(st.integers(0, mlkem.Q - 1), min_size=256, max_size=256)


@given(f=coefficients)
def test_twin_ntt_and_inverse_equal_readable(f):
    twin = _twin()
    assert twin.ntt(f) == mlkem.ntt(f)
    assert twin.ntt_inverse(f) == mlkem.ntt_inverse(f)


@settings(max_examples=15)          # each example draws up to 2048 coefficients
@given(rows=st.lists(st.tuples(coefficients, coefficients), min_size=2, max_size=4))
def test_twin_inner_product_equals_readable(rows):
    twin = _twin()
    a = [f for f, _ in rows]
    b = [g for _, g in rows]
    assert twin.inner_product([twin.split(f) for f in a], [twin.split(g) for g in b]) == \
        mlkem.inner_product_ntt(a, b)


@given(B=st.binary(min_size=34, max_size=34))
def test_twin_sample_ntt_equals_readable(B):
    assert _twin().sample_ntt(B) == mlkem.sample_ntt(B)


@given(eta=st.sampled_from([2, 3]), data=st.data())
def test_twin_sample_poly_cbd_equals_readable(eta, data):
    B = data.draw(st.binary(min_size=64 * eta, max_size=64 * eta))
    assert _twin().sample_poly_cbd(eta, B) == mlkem.sample_poly_cbd(eta, B)


@given(d=st.sampled_from([1, 4, 5, 10, 11]), data=st.data())
def test_twin_byte_encode_decode_equal_readable(d, data):
    twin = _twin()
    f = data.draw(st.lists(st.integers(0, (1 << d) - 1), min_size=256, max_size=256))
    B = mlkem.byte_encode(d, f)
    assert twin.byte_encode(d, f) == B
    assert twin.byte_decode(d, B) == mlkem.byte_decode(d, B) == f


@given(B=st.binary(min_size=384, max_size=384))
def test_twin_byte_decode_12_keeps_what_readable_reduces(B):
    twin = _twin()
    raw = twin.byte_decode_12(B)                       # no mod q: the §7.2 check needs it
    assert [x % mlkem.Q for x in raw] == mlkem.byte_decode(12, B)
    if max(raw) < mlkem.Q:
        assert twin.byte_encode_12(raw) == B == mlkem.byte_encode(12, raw)


def test_twin_tables_come_from_the_readable_functions():
    twin = _twin()
    for d in (1, 4, 5, 10, 11):
        assert twin.COMPRESS[d] == [mlkem.compress(d, x) for x in range(mlkem.Q)]
        assert twin.DECOMPRESS[d] == [mlkem.decompress(d, y) for y in range(1 << d)]
