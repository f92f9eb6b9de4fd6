"""AES-GCM (SP 800-38D): published vectors, trace, tampering, bad input, properties."""

import pytest
from hypothesis import given, settings, strategies as st

from refkx import gcm
from refkx.errors import InvalidTag
from refkx.gcm import AESGCM, TAG_SIZE, gcm_ad, gcm_ae, ghash, gf_mult, inc_32, trace_encrypt
from kat_params import kat_parametrize

KEYS = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))

# McGrew–Viega test case 4 (GCM specification, Appendix B).
TC4_K = bytes.fromhex("feffe9928665731c6d6a8f9467308308")
TC4_P = bytes.fromhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
TC4_A = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
TC4_IV = bytes.fromhex("cafebabefacedbaddecaf888")
TC4_C = bytes.fromhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091")
TC4_T = bytes.fromhex("5bc94fbc3221a5db94fae95ae7121a47")


# --- against published vectors (McGrew–Viega 1-18, CAVP gcmEncryptExtIV / gcmDecrypt) ---

@kat_parametrize("gcm")
def test_published_vector(case, implementation):
    case.run()


def test_trace_encrypt_matches_test_case_4_intermediates():
    # The document lists H, Y0, X1..X6, GHASH(H, A, C), C and T for test case 4.
    rows = trace_encrypt(TC4_K, TC4_IV, TC4_P, TC4_A)
    assert [name for name, _ in rows] == ["H", "J0"] + [f"X_{i}" for i in range(1, 8)] + ["S", "C", "T"]
    got = {name: value.hex() for name, value in rows}
    assert got["H"] == "b83b533708bf535d0aa6e52980d53b78"
    assert got["J0"] == "cafebabefacedbaddecaf88800000001"
    assert [got[f"X_{i}"] for i in range(1, 7)] == [
        "ed56aaf8a72d67049fdb9228edba1322", "cd47221ccef0554ee4bb044c88150352",
        "54f5e1b2b5a8f9525c23924751a3ca51", "324f585c6ffc1359ab371565d6c45f93",
        "ca7dd446af4aa70cc3c0cd5abba6aa1c", "1590df9b2eb6768289e57d56274c8570"]
    assert got["S"] == got["X_7"] == "698e57f70e6ecc7fd9463b7260a9ae5f"
    assert got["C"] == TC4_C.hex() and got["T"] == TC4_T.hex()


def test_spec_shaped_functions():
    assert gcm_ae(TC4_K, TC4_IV, TC4_P, TC4_A) == (TC4_C, TC4_T)
    assert gcm_ad(TC4_K, TC4_IV, TC4_C, TC4_A, TC4_T) == TC4_P
    with pytest.raises(InvalidTag):
        gcm_ad(TC4_K, TC4_IV, TC4_C, TC4_A, bytes(16))
    with pytest.raises(ValueError):
        gcm_ad(TC4_K, TC4_IV, TC4_C, TC4_A, TC4_T[:12])


def test_mcgrew_viega_transcription_agrees_with_cryptography():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as PycaAESGCM
    from refkx.kat import vector_path
    from refkx.kat.parsers import parse_key_value_blocks, unhex

    records = parse_key_value_blocks(vector_path("gcm", "mcgrew-viega-gcm-spec-appendix-b.txt"))
    assert [int(r["TestCase"]) for r in records] == list(range(1, 19))
    for r in records:
        expected = unhex(r["C"]) + unhex(r["T"])
        assert PycaAESGCM(unhex(r["K"])).encrypt(unhex(r["IV"]), unhex(r["P"]), unhex(r["A"])) == expected


# --- tamper tests: any single flipped bit makes decryption fail ---

def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(out)


@pytest.fixture(scope="module")
def sealed():
    aead = AESGCM(TC4_K)
    return aead, aead.encrypt(TC4_IV, TC4_P, TC4_A)


def test_flipping_any_nonce_bit_fails(sealed):
    aead, sealed_data = sealed
    for bit in range(8 * len(TC4_IV)):
        with pytest.raises(InvalidTag):
            aead.decrypt(_flip(TC4_IV, bit), sealed_data, TC4_A)


def test_flipping_any_aad_bit_fails(sealed):
    aead, sealed_data = sealed
    for bit in range(8 * len(TC4_A)):
        with pytest.raises(InvalidTag):
            aead.decrypt(TC4_IV, sealed_data, _flip(TC4_A, bit))


def test_flipping_any_ciphertext_or_tag_bit_fails(sealed):
    aead, sealed_data = sealed
    for bit in range(8 * len(sealed_data)):          # 480 ciphertext bits, then 128 tag bits
        with pytest.raises(InvalidTag):
            aead.decrypt(TC4_IV, _flip(sealed_data, bit), TC4_A)


def test_truncation_extension_and_wrong_context_fail(sealed):
    aead, sealed_data = sealed
    bad_inputs = [
        (TC4_IV, sealed_data[:-1], TC4_A),
        (TC4_IV, sealed_data + b"\x00", TC4_A),
        (TC4_IV, sealed_data[1:], TC4_A),
        (TC4_IV, sealed_data, None),
        (TC4_IV, sealed_data, TC4_A + b"\x00"),
        (TC4_IV + b"\x00", sealed_data, TC4_A),
        (TC4_IV[:-1], sealed_data, TC4_A),
    ]
    for nonce, data, aad in bad_inputs:
        with pytest.raises(InvalidTag):
            aead.decrypt(nonce, data, aad)
    with pytest.raises(InvalidTag):
        AESGCM(bytes(16)).decrypt(TC4_IV, sealed_data, TC4_A)


@pytest.mark.parametrize("length", range(TAG_SIZE))
def test_data_shorter_than_a_tag_is_invalid_tag(length):
    with pytest.raises(InvalidTag):
        AESGCM(bytes(16)).decrypt(bytes(12), bytes(length), None)


def test_no_plaintext_computed_before_the_tag_verifies(monkeypatch, sealed):
    # GCTR runs once for the tag (on J_0) and must not run on the ciphertext if the tag is wrong.
    aead, sealed_data = sealed
    calls = []
    real_gctr = gcm.gctr

    def spy(encrypt_block, icb, x):
        calls.append((icb, len(x)))
        return real_gctr(encrypt_block, icb, x)

    monkeypatch.setattr(AESGCM, "_gctr", staticmethod(spy))
    with pytest.raises(InvalidTag):
        aead.decrypt(TC4_IV, _flip(sealed_data, 3), TC4_A)
    assert calls == [(TC4_IV + b"\x00\x00\x00\x01", 16)]
    calls.clear()
    assert aead.decrypt(TC4_IV, sealed_data, TC4_A) == TC4_P
    assert [length for _, length in calls] == [16, len(TC4_P)]


# --- bad input ---

@pytest.mark.parametrize("key", ["k" * 16, None, 16, bytearray(15), bytes(0), bytes(20), bytes(33)])
def test_bad_keys(key):
    with pytest.raises((TypeError, ValueError)):
        AESGCM(key)


def test_bad_key_error_kinds():
    with pytest.raises(TypeError):
        AESGCM("0123456789abcdef")
    with pytest.raises(ValueError, match="16, 24 or 32"):
        AESGCM(bytes(17))


def test_empty_nonce_is_value_error():
    aead = AESGCM(bytes(16))
    with pytest.raises(ValueError, match="empty"):
        aead.encrypt(b"", b"data", None)
    with pytest.raises(ValueError, match="empty"):
        aead.decrypt(b"", bytes(32), None)
    with pytest.raises(ValueError, match="empty"):         # caller misuse is reported first
        aead.decrypt(b"", bytes(3), None)
    with pytest.raises(ValueError, match="empty"):
        trace_encrypt(bytes(16), b"", b"data", None)


@pytest.mark.parametrize("method", ["encrypt", "decrypt"])
def test_str_arguments_are_type_errors(method):
    aead = AESGCM(bytes(16))
    fn = getattr(aead, method)
    for args in [("n" * 12, bytes(32), None), (bytes(12), "d" * 32, None),
                 (bytes(12), bytes(32), "aad"), (None, bytes(32), None),
                 (bytes(12), None, None), (bytes(12), bytes(32), 5)]:
        with pytest.raises(TypeError):
            fn(*args)


def test_generate_key():
    for bits in (128, 192, 256):
        key = AESGCM.generate_key(bits)
        assert isinstance(key, bytes) and len(key) == bits // 8
        AESGCM(key)
    assert AESGCM.generate_key(128) != AESGCM.generate_key(128)
    for bad in (0, 64, 127, 512, -128):
        with pytest.raises(ValueError):
            AESGCM.generate_key(bad)
    for bad in ("128", 128.0, None, True):
        with pytest.raises(TypeError):
            AESGCM.generate_key(bad)


def test_length_limits_of_sp800_38d_5_2_1_1():
    gcm.check_lengths(1, 0, 0)
    gcm.check_lengths(12, (2 ** 39 - 256) // 8, (2 ** 64 - 1) // 8)
    with pytest.raises(ValueError, match="2\\^39"):
        gcm.check_lengths(12, (2 ** 39 - 256) // 8 + 1, 0)
    with pytest.raises(ValueError, match="associated data"):
        gcm.check_lengths(12, 0, (2 ** 64 - 1) // 8 + 1)
    with pytest.raises(ValueError, match="nonce"):
        gcm.check_lengths((2 ** 64 - 1) // 8 + 1, 0, 0)
    with pytest.raises(ValueError, match="empty"):
        gcm.check_lengths(0, 0, 0)


def test_encrypt_and_decrypt_enforce_the_plaintext_limit(monkeypatch):
    # The real limit is 64 GiB; lower it to show that both directions check it.
    monkeypatch.setattr(gcm, "MAX_PLAINTEXT_BITS", 8 * 32)
    aead = AESGCM(bytes(16))
    sealed_data = aead.encrypt(bytes(12), bytes(32), None)
    with pytest.raises(ValueError, match="2\\^39"):
        aead.encrypt(bytes(12), bytes(33), None)
    with pytest.raises(ValueError, match="2\\^39"):
        aead.decrypt(bytes(12), bytes(33) + bytes(16), None)
    assert aead.decrypt(bytes(12), sealed_data, None) == bytes(32)


def test_ghash_and_gctr_reject_bad_input():
    with pytest.raises(ValueError, match="whole number"):
        ghash(bytes(16), bytes(15))
    with pytest.raises(ValueError, match="H must be 16 bytes"):
        ghash(bytes(3), bytes(16))
    with pytest.raises(TypeError):
        ghash("h" * 16, bytes(16))
    with pytest.raises(TypeError):
        ghash(bytes(16), "x" * 16)
    encrypt_block = AESGCM(bytes(16))._cipher.encrypt_block
    with pytest.raises(ValueError, match="ICB must be 16 bytes"):
        gcm.gctr(encrypt_block, bytes(12), b"data")
    with pytest.raises(TypeError):
        gcm.gctr(encrypt_block, bytes(16), "data")


def test_arguments_not_modified():
    key, nonce = bytearray(range(16)), bytearray(range(12))
    data, aad = bytearray(b"secret message"), bytearray(b"header")
    aead = AESGCM(key)
    sealed_data = aead.encrypt(nonce, data, aad)
    assert isinstance(sealed_data, bytes)
    sealed_buf = bytearray(sealed_data)
    assert aead.decrypt(memoryview(nonce), sealed_buf, aad) == bytes(data)
    assert key == bytearray(range(16)) and nonce == bytearray(range(12))
    assert data == b"secret message" and aad == b"header" and sealed_buf == sealed_data


def test_none_and_empty_aad_are_the_same():
    aead = AESGCM(bytes(16))
    assert aead.encrypt(bytes(12), b"m", None) == aead.encrypt(bytes(12), b"m", b"")
    assert aead.decrypt(bytes(12), aead.encrypt(bytes(12), b"m", b""), None) == b"m"


def test_inc_32_wraps_only_the_low_32_bits():
    assert inc_32(bytes(12) + b"\xff" * 4) == bytes(16)
    assert inc_32(b"\xff" * 16) == b"\xff" * 12 + bytes(4)
    assert inc_32(bytes(15) + b"\x01") == bytes(15) + b"\x02"


# --- properties ---

ONE = 1 << 127          # the field's 1 in the spec's bit order: the leftmost bit set
ELEMENTS = st.integers(0, 2 ** 128 - 1)


@given(x=ELEMENTS, y=ELEMENTS, z=ELEMENTS)
def test_gf_mult_is_a_commutative_ring_product(x, y, z):
    assert gf_mult(x, y) == gf_mult(y, x)
    assert gf_mult(x, y ^ z) == gf_mult(x, y) ^ gf_mult(x, z)
    assert gf_mult(x, ONE) == x
    assert gf_mult(x, 0) == 0


@settings(max_examples=10)
@given(x=ELEMENTS, y=ELEMENTS, z=ELEMENTS)
def test_gf_mult_is_associative(x, y, z):
    assert gf_mult(gf_mult(x, y), z) == gf_mult(x, gf_mult(y, z))


@given(key=KEYS, nonce=st.binary(min_size=1, max_size=64), data=st.binary(max_size=1000),
       aad=st.binary(max_size=100))
def test_round_trip(key, nonce, data, aad):
    aead = AESGCM(key)
    sealed_data = aead.encrypt(nonce, data, aad)
    assert len(sealed_data) == len(data) + TAG_SIZE
    assert aead.decrypt(nonce, sealed_data, aad) == data


@given(key=KEYS, nonce=st.binary(min_size=8, max_size=64), data=st.binary(max_size=300),
       aad=st.one_of(st.none(), st.binary(max_size=100)))
def test_agrees_with_cryptography(key, nonce, data, aad):
    # pyca/cryptography accepts nonces of 8..128 bytes; shorter ones are covered by the CAVP 8-bit IVs.
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as PycaAESGCM

    expected = PycaAESGCM(key).encrypt(nonce, data, aad)
    assert AESGCM(key).encrypt(nonce, data, aad) == expected
    assert AESGCM(key).decrypt(nonce, expected, aad) == data


@settings(max_examples=20)
@given(key=KEYS, nonce=st.binary(min_size=1, max_size=32), data=st.binary(min_size=1, max_size=64),
       bit=st.integers(0, 8 * (64 + TAG_SIZE) - 1))
def test_random_bit_flip_fails(key, nonce, data, bit):
    aead = AESGCM(key)
    sealed_data = aead.encrypt(nonce, data, b"ad")
    with pytest.raises(InvalidTag):
        aead.decrypt(nonce, _flip(sealed_data, bit % (8 * len(sealed_data))), b"ad")
