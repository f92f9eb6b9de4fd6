"""RFC 8017 encoding schemes: MGF1, RSAES-OAEP, RSAES-PKCS1-v1_5, RSASSA-PSS.

Published vectors run in test_rsa.py (area "rsa"); here: tamper tests, the
one-error-type rule, each decoding check on its own, length edges, bad input,
round-trip properties and the trace hooks.
"""

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from rsa_keys import cached_key
from refkx import pkcs1
from refkx.encoding import i2osp, os2ip
from refkx.errors import DecryptionError, InvalidSignature
from refkx.kat import vector_path
from refkx.kat.rsa import rsalabs_keys
from refkx.rsa import OAEP, PKCS1v15, PSS, RSAPrivateKey, rsaep


def _flip_bits(data):
    """Every copy of `data` with exactly one bit flipped."""
    for i in range(len(data) * 8):
        changed = bytearray(data)
        changed[i // 8] ^= 0x80 >> (i % 8)
        yield bytes(changed)


def _vector_key_and_example(name, labels, key_index=0, example_index=0):
    key = rsalabs_keys(vector_path("rsa", name), labels)[key_index]
    sk = RSAPrivateKey(key["n"], key["e"], key["d"], key["p"], key["q"])
    return sk, key["examples"][example_index]


# --- MGF1 (§B.2.1) ---

def test_mgf1_definition():
    seed = b"seed"
    expected = hashlib.sha256(seed + bytes(4)).digest() + hashlib.sha256(seed + b"\x00\x00\x00\x01").digest()
    assert pkcs1.mgf1(seed, 64, "sha256") == expected
    assert pkcs1.mgf1(seed, 40, "sha256") == expected[:40]
    assert pkcs1.mgf1(seed, 0, "sha256") == b""


@given(seed=st.binary(max_size=64), a=st.integers(0, 300), b=st.integers(0, 300))
def test_mgf1_outputs_are_prefixes(seed, a, b):
    short, long_ = sorted((a, b))
    assert pkcs1.mgf1(seed, long_, "sha1")[:short] == pkcs1.mgf1(seed, short, "sha1")


def test_mgf1_bad_input():
    with pytest.raises(TypeError):
        pkcs1.mgf1("seed", 10)
    with pytest.raises(TypeError):
        pkcs1.mgf1(b"seed", 10.0)
    with pytest.raises(ValueError, match="mask too long"):
        pkcs1.mgf1(b"seed", -1)
    with pytest.raises(ValueError):
        pkcs1.mgf1(b"seed", 10, "shake_128")
    with pytest.raises(ValueError):
        pkcs1.mgf1(b"seed", 10, "nohash")


# --- RSAES-OAEP: round trips, lengths ---

@pytest.mark.parametrize("bits", [1024, 2048, 3072])
@pytest.mark.parametrize("padding", [OAEP(), OAEP("sha1"), OAEP("sha384", "sha1", b"label"), PKCS1v15(),
                                     PKCS1v15(implicit_rejection=True)], ids=repr)
def test_encryption_round_trip(bits, padding):
    key = cached_key(bits)
    limit = padding.max_message_length(key)
    for message in (b"", b"\x00", b"k" * min(48, limit), b"\xff" * limit):
        ciphertext = key.public_key().encrypt(message, padding)
        assert len(ciphertext) == bits // 8
        assert key.decrypt(ciphertext, padding) == message


@pytest.mark.parametrize("bits", [1024, 2048, 3072])
@pytest.mark.parametrize("padding", [PSS(), PSS("sha1"), PSS("sha512", 0), PSS("sha384", 7, "sha256")],
                         ids=repr)
def test_signature_round_trip(bits, padding):
    key = cached_key(bits)
    for message in (b"", b"transcript hash", bytes(1000)):
        signature = key.sign(message, padding)
        assert len(signature) == bits // 8
        assert key.public_key().verify(signature, message, padding) is None


@settings(max_examples=10)
@given(message=st.binary(max_size=62), label=st.binary(max_size=40))
def test_oaep_round_trip_property(message, label):
    key = cached_key(1024)
    padding = OAEP("sha256", label=label)
    assert key.decrypt(key.public_key().encrypt(message, padding), padding) == message


@settings(max_examples=10)
@given(message=st.binary(max_size=117))
def test_pkcs1v15_round_trip_property(message):
    key = cached_key(1024)
    assert key.decrypt(key.public_key().encrypt(message, PKCS1v15()), PKCS1v15()) == message


@settings(max_examples=10)
@given(message=st.binary(max_size=200), salt_length=st.integers(0, 128 - 32 - 2))
def test_pss_round_trip_property(message, salt_length):
    key = cached_key(1024)
    padding = PSS("sha256", salt_length)
    key.public_key().verify(key.sign(message, padding), message, padding)


def test_oaep_is_randomised_and_seed_injectable():
    pub = cached_key(1024).public_key()
    assert pub.encrypt(b"m", OAEP()) != pub.encrypt(b"m", OAEP())
    fixed = OAEP(rng=lambda n: b"\x42" * n)
    assert pub.encrypt(b"m", fixed) == pub.encrypt(b"m", fixed)


@pytest.mark.parametrize("padding, limit", [(OAEP("sha256"), 128 - 66), (OAEP("sha1"), 128 - 42),
                                            (PKCS1v15(), 128 - 11)], ids=repr)
def test_message_too_long_is_refused_before_arithmetic(monkeypatch, padding, limit):
    pub = cached_key(1024).public_key()
    assert padding.max_message_length(pub) == limit
    pub.encrypt(bytes(limit), padding)

    def no_arithmetic(*args):
        raise AssertionError("RSAEP must not run for an over-long message")

    monkeypatch.setattr(pkcs1, "rsaep", no_arithmetic)
    with pytest.raises(ValueError, match="message too long"):
        pub.encrypt(bytes(limit + 1), padding)


def test_oaep_key_too_small_for_hash():
    key = cached_key(1024)  # k = 128 < 2 * 64 + 2
    with pytest.raises(ValueError, match="too small"):
        key.public_key().encrypt(b"", OAEP("sha512"))
    with pytest.raises(ValueError, match="too small"):
        key.decrypt(bytes(128), OAEP("sha512"))


# --- decryption hygiene: one error type, one message ---

def _decryption_error_message(key, ciphertext, padding):
    with pytest.raises(DecryptionError) as info:
        key.decrypt(ciphertext, padding)
    return str(info.value)


@pytest.mark.parametrize("padding", [OAEP(), PKCS1v15()], ids=repr)
def test_every_decryption_failure_looks_the_same(padding):
    key = cached_key(1024)
    good = key.public_key().encrypt(b"secret", padding)
    failures = [
        good[:-1], good + b"\x00", b"", bytes(129),            # wrong length
        i2osp(key.n, 128), b"\xff" * 128,                      # c >= n
        bytes(128), i2osp(1, 128), i2osp(key.n - 1, 128),      # bad padding
    ]
    messages = {_decryption_error_message(key, c, padding) for c in failures}
    assert messages == {"decryption error"}


def test_oaep_wrong_label_or_hash_fails_alike():
    key = cached_key(1024)
    ciphertext = key.public_key().encrypt(b"secret", OAEP("sha256", label=b"A"))
    for padding in (OAEP("sha256", label=b"B"), OAEP("sha256"), OAEP("sha1", label=b"A"),
                    OAEP("sha256", "sha1", label=b"A")):
        assert _decryption_error_message(key, ciphertext, padding) == "decryption error"


def test_oaep_ciphertext_tamper_every_bit():
    key = cached_key(1024)
    ciphertext = key.public_key().encrypt(b"pre-master secret", OAEP())
    for changed in _flip_bits(ciphertext):
        with pytest.raises(DecryptionError):
            key.decrypt(changed, OAEP())


def test_pkcs1v15_ciphertext_tamper_every_bit():
    # A fixed published key and ciphertext keep this deterministic (a random
    # v1.5 block is well-formed with probability about 2^-16).
    key, example = _vector_key_and_example("pkcs1v15crypt-vectors.txt", ("Message", "Seed", "Encryption"))
    ciphertext = example["Encryption"]
    assert key.decrypt(ciphertext, PKCS1v15()) == example["Message"]
    for changed in _flip_bits(ciphertext):
        with pytest.raises(DecryptionError):
            key.decrypt(changed, PKCS1v15())


def _oaep_em(key, message=b"msg", label=b"", seed=b"\x11" * 20):
    k = 128
    return bytearray(pkcs1.eme_oaep_encode(message, k, label, "sha1", "sha1", seed))


def _encrypt_raw_em(key, EM):
    return i2osp(rsaep(key, os2ip(bytes(EM))), len(EM))


def _unmask_oaep(EM):
    """(seed, DB) of an OAEP EM with SHA-1 (to build blocks with one defect)."""
    maskedSeed, maskedDB = bytes(EM[1:21]), bytes(EM[21:])
    seed = bytes(a ^ b for a, b in zip(maskedSeed, pkcs1.mgf1(maskedDB, 20, "sha1")))
    DB = bytes(a ^ b for a, b in zip(maskedDB, pkcs1.mgf1(seed, len(maskedDB), "sha1")))
    return seed, DB


def _mask_oaep(seed, DB):
    maskedDB = bytes(a ^ b for a, b in zip(DB, pkcs1.mgf1(seed, len(DB), "sha1")))
    maskedSeed = bytes(a ^ b for a, b in zip(seed, pkcs1.mgf1(maskedDB, 20, "sha1")))
    return b"\x00" + maskedSeed + maskedDB


@pytest.mark.parametrize("defect", ["Y", "lHash", "no-separator", "nonzero-PS", "all-three"])
def test_oaep_each_check_of_step_3g(defect):
    key = cached_key(1024)
    padding = OAEP("sha1")
    EM = _oaep_em(key)
    assert key.decrypt(_encrypt_raw_em(key, EM), padding) == b"msg"
    seed, DB = _unmask_oaep(EM)
    DB = bytearray(DB)
    if defect == "Y":
        EM[0] = 0x01
    elif defect == "lHash":
        DB[0] ^= 1
        EM = bytearray(_mask_oaep(seed, DB))
    elif defect == "no-separator":
        DB[DB.index(1, 20)] = 0
        EM = bytearray(_mask_oaep(seed, DB))
    elif defect == "nonzero-PS":
        DB[20] = 0x02
        EM = bytearray(_mask_oaep(seed, DB))
    else:
        DB[0] ^= 1
        DB[DB.index(1, 20)] = 0
        EM = bytearray(_mask_oaep(seed, DB))
        EM[0] = 0x01
    if os2ip(bytes(EM)) < key.n:
        assert _decryption_error_message(key, _encrypt_raw_em(key, EM), padding) == "decryption error"
    with pytest.raises(DecryptionError, match="^decryption error$"):
        pkcs1.eme_oaep_decode(bytes(EM), 128, b"", "sha1", "sha1")


def test_oaep_decoding_evaluates_every_check(monkeypatch):
    # With Y != 0 the lHash comparison still runs: no early exit on the first failure.
    calls = []
    real = pkcs1.constant_time_equal
    monkeypatch.setattr(pkcs1, "constant_time_equal", lambda a, b: calls.append(1) or real(a, b))
    EM = _oaep_em(None)
    EM[0] = 0x01
    with pytest.raises(DecryptionError):
        pkcs1.eme_oaep_decode(bytes(EM), 128, b"", "sha1", "sha1")
    assert calls == [1]


def _v15_em(PS_len, message, k=128, first=0x00, block_type=0x02):
    return bytes([first, block_type]) + b"\x5a" * PS_len + b"\x00" + message


@pytest.mark.parametrize("EM", [
    _v15_em(125 - 10, b"m" * 10, first=0x01),
    _v15_em(125 - 10, b"m" * 10, block_type=0x01),
    _v15_em(7, b"m" * 118),                          # PS of 7 octets
    b"\x00\x02" + b"\x5a" * 126,                      # no separator
    b"\x00\x02" + b"\x00" + b"\x5a" * 125,            # separator right away (PS empty)
    bytes(128),
], ids=["first-octet", "block-type", "short-PS", "no-separator", "empty-PS", "zeros"])
def test_pkcs1v15_each_check_of_step_3(EM):
    assert len(EM) == 128
    with pytest.raises(DecryptionError, match="^decryption error$"):
        pkcs1.eme_pkcs1_v1_5_decode(EM)


def test_pkcs1v15_decoding_edges():
    assert pkcs1.eme_pkcs1_v1_5_decode(_v15_em(8, b"m" * 117)) == b"m" * 117  # PS exactly 8
    assert pkcs1.eme_pkcs1_v1_5_decode(_v15_em(125, b"")) == b""               # empty message
    assert pkcs1.eme_pkcs1_v1_5_decode(_v15_em(20, b"\x00\x00" + b"m")) == b"\x00\x00m"


def test_pkcs1v15_implicit_rejection():
    key = cached_key(1024)
    padding = PKCS1v15(implicit_rejection=True)
    bad = _encrypt_raw_em(key, _v15_em(7, b"m" * 118))
    synthetic = key.decrypt(bad, padding)
    assert synthetic == key.decrypt(bad, padding)  # deterministic in (d, C)
    assert len(synthetic) <= 128 - 11
    other = _encrypt_raw_em(key, _v15_em(6, b"m" * 119))
    assert key.decrypt(other, padding) != synthetic
    # Public checks (length, c >= n) still raise.
    with pytest.raises(DecryptionError):
        key.decrypt(bad[:-1], padding)
    with pytest.raises(DecryptionError):
        key.decrypt(b"\xff" * 128, padding)
    with pytest.raises(TypeError):
        PKCS1v15(implicit_rejection=1)


def test_pkcs1v15_padding_string_is_nonzero_and_injectable():
    key = cached_key(1024)
    draws = iter([b"\x00\x01" * 60, b"\x09" * 60])  # the 60 zero octets get redrawn

    def rng(n):
        return next(draws)[:n]

    ciphertext = key.public_key().encrypt(b"m" * 6, PKCS1v15(rng=rng))
    EM = i2osp(pow(os2ip(ciphertext), key.d, key.n), 128)
    assert EM[:2] == b"\x00\x02" and EM[2:2 + 119] == b"\x01" * 59 + b"\x09" * 60
    assert EM[121] == 0 and EM[122:] == b"m" * 6


def test_injected_rng_must_return_the_right_length():
    pub = cached_key(1024).public_key()
    with pytest.raises(ValueError, match="exactly 20"):
        pub.encrypt(b"m", OAEP("sha1", rng=lambda n: b"\x01" * (n - 1)))
    with pytest.raises(ValueError):
        pub.encrypt(b"m", PKCS1v15(rng=lambda n: "x" * n))
    with pytest.raises(ValueError):
        cached_key(1024).sign(b"m", PSS(rng=lambda n: b""))


# --- RSASSA-PSS ---

def test_pss_signature_tamper_every_bit():
    key = cached_key(1024)
    pub = key.public_key()
    signature = key.sign(b"transcript", PSS())
    for changed in _flip_bits(signature):
        with pytest.raises(InvalidSignature):
            pub.verify(changed, b"transcript", PSS())


def test_pss_message_tamper_every_bit():
    key = cached_key(1024)
    signature = key.sign(b"transcript", PSS())
    for changed in _flip_bits(b"transcript"):
        with pytest.raises(InvalidSignature):
            key.public_key().verify(signature, changed, PSS())


def test_pss_wrong_parameters_fail_verification():
    key = cached_key(1024)
    signature = key.sign(b"m", PSS("sha256", 20))
    for padding in (PSS("sha256", 19), PSS("sha256", 21), PSS("sha384", 20), PSS("sha256", 20, "sha1"),
                    PSS("sha256")):
        with pytest.raises(InvalidSignature):
            key.public_key().verify(signature, b"m", padding)
    other = cached_key(2048)
    with pytest.raises(InvalidSignature):
        other.public_key().verify(signature, b"m", PSS("sha256", 20))


def test_pss_bad_signature_shapes():
    key = cached_key(1024)
    pub = key.public_key()
    for signature in (b"", bytes(127), bytes(129), bytes(128), i2osp(key.n, 128), b"\xff" * 128,
                      i2osp(1, 128)):
        with pytest.raises(InvalidSignature):
            pub.verify(signature, b"m", PSS())


def test_pss_emsa_checks_each_raise():
    em_bits = 1023
    EM = bytearray(pkcs1.emsa_pss_encode(b"m", em_bits, "sha1", "sha1", b"\x01" * 20))
    pkcs1.emsa_pss_verify(b"m", bytes(EM), em_bits, "sha1", "sha1", 20)
    for mutate in ("trailer", "top-bit", "hash"):
        bad = bytearray(EM)
        if mutate == "trailer":
            bad[-1] = 0xBD
        elif mutate == "top-bit":
            bad[0] |= 0x80
        else:
            bad[-2] ^= 1
        with pytest.raises(InvalidSignature):
            pkcs1.emsa_pss_verify(b"m", bytes(bad), em_bits, "sha1", "sha1", 20)


def test_pss_salt_length_edges():
    key = cached_key(1024)  # emLen = 128
    assert key.sign(b"m", PSS("sha256", 0)) == key.sign(b"m", PSS("sha256", 0))  # deterministic
    key.public_key().verify(key.sign(b"m", PSS("sha256", 128 - 32 - 2)), b"m", PSS("sha256", 94))
    with pytest.raises(ValueError, match="salt length"):
        key.sign(b"m", PSS("sha256", 95))
    with pytest.raises(ValueError, match="salt length"):
        key.sign(b"m", PSS("sha512"))  # 64 + 64 + 2 > 128
    with pytest.raises(ValueError, match="salt length"):
        key.public_key().verify(bytes(128), b"m", PSS("sha256", 95))
    assert key.sign(b"m", PSS()) != key.sign(b"m", PSS())  # randomised salt


def test_pss_with_modulus_bits_one_more_than_a_byte_multiple():
    # pss-vect key 2 is 1025 bits: emBits = 1024, emLen = 128 = k - 1.
    key, example = _vector_key_and_example("pss-vect.txt", ("Message to be signed", "Salt", "Signature"), 1)
    assert key.key_size == 1025
    signature = key.sign(b"m", PSS("sha1"))
    assert len(signature) == 129
    key.public_key().verify(signature, b"m", PSS("sha1"))
    with pytest.raises(InvalidSignature):
        key.public_key().verify(bytes([signature[0] ^ 1]) + signature[1:], b"m", PSS("sha1"))


# --- padding objects and bad input ---

@pytest.mark.parametrize("factory", [
    lambda: OAEP("sha999"), lambda: OAEP("shake_256"), lambda: OAEP("sha256", "md999"),
    lambda: PSS("sha999"), lambda: PSS(salt_length=-1), lambda: PSS("sha256", None, "shake_128"),
])
def test_padding_rejects_bad_values(factory):
    with pytest.raises(ValueError):
        factory()


@pytest.mark.parametrize("factory", [
    lambda: OAEP(b"sha256"), lambda: OAEP(label="text"), lambda: OAEP(rng=5), lambda: PSS(salt_length=2.0),
    lambda: PSS(salt_length=True), lambda: PSS(None), lambda: PKCS1v15(rng="secrets"),
])
def test_padding_rejects_bad_types(factory):
    with pytest.raises(TypeError):
        factory()


def test_operations_refuse_str_and_accept_bytes_like():
    key = cached_key(1024)
    pub = key.public_key()
    with pytest.raises(TypeError):
        pub.encrypt("text", OAEP())
    with pytest.raises(TypeError):
        key.decrypt("text", OAEP())
    with pytest.raises(TypeError):
        key.sign("text", PSS())
    with pytest.raises(TypeError):
        pub.verify("sig", b"m", PSS())
    with pytest.raises(TypeError):
        pub.verify(bytes(128), "m", PSS())
    plaintext = bytearray(b"secret")
    ciphertext = pub.encrypt(plaintext, OAEP())
    assert plaintext == bytearray(b"secret")  # arguments are not modified
    assert key.decrypt(memoryview(ciphertext), OAEP()) == b"secret"
    assert isinstance(key.decrypt(bytearray(ciphertext), OAEP()), bytes)
    signature = key.sign(memoryview(b"m"), PSS())
    pub.verify(bytearray(signature), bytearray(b"m"), PSS())


def test_padding_reprs():
    assert "sha256" in repr(OAEP()) and "label" in repr(OAEP())
    assert repr(PKCS1v15()) == "PKCS1v15(hash_name='sha256', implicit_rejection=False)"
    assert "salt_length=32" in repr(PSS())


# --- trace hooks ---

def test_oaep_trace_rows_are_consistent():
    key = cached_key(1024)
    seed = b"\x07" * 32
    rows = pkcs1.oaep_encrypt_trace(key.public_key(), b"hello", seed, b"L", "sha256")
    names = [name for name, _ in rows]
    assert names == ["lHash", "DB", "seed", "dbMask", "maskedDB", "seedMask", "maskedSeed", "EM", "C"]
    values = dict(rows)
    assert values["lHash"] == hashlib.sha256(b"L").digest()
    assert values["C"] == key.public_key().encrypt(b"hello", OAEP("sha256", label=b"L", rng=lambda n: seed))
    assert key.decrypt(values["C"], OAEP("sha256", label=b"L")) == b"hello"
    with pytest.raises(ValueError):
        pkcs1.oaep_encrypt_trace(key.public_key(), b"hello", b"\x07" * 20, hash_name="sha256")


def test_pss_trace_rows_are_consistent():
    key = cached_key(1024)
    rows = pkcs1.pss_sign_trace(key, b"hello", b"\x05" * 10, "sha256")
    assert [name for name, _ in rows] == ["mHash", "M'", "H", "DB", "dbMask", "maskedDB", "EM", "S"]
    values = dict(rows)
    assert values["mHash"] == hashlib.sha256(b"hello").digest()
    assert values["M'"] == bytes(8) + values["mHash"] + b"\x05" * 10
    key.public_key().verify(values["S"], b"hello", PSS("sha256", 10))


def test_spec_shaped_functions_refuse_bad_shapes():
    # Review fix: these raised IndexError / OverflowError for short EM or a negative sLen.
    key = cached_key(1024)
    for EM in (b"", b"\x00", bytes(127), bytes(129)):
        with pytest.raises(DecryptionError, match="^decryption error$"):
            pkcs1.eme_oaep_decode(EM, 128, b"", "sha1", "sha1")
    for EM in (b"", b"\x00\x02", bytes(10)):
        with pytest.raises(DecryptionError, match="^decryption error$"):
            pkcs1.eme_pkcs1_v1_5_decode(EM)
    for s_len, error in ((-1, ValueError), (-2 ** 2000, ValueError), (True, TypeError), (1.0, TypeError)):
        with pytest.raises(error):
            pkcs1.rsassa_pss_sign(key, b"m", "sha256", s_len)
        with pytest.raises(error):
            pkcs1.rsassa_pss_verify(key.public_key(), b"m", bytes(128), "sha256", s_len)
        with pytest.raises(error):
            pkcs1.emsa_pss_verify(b"m", bytes(127), 1023, "sha256", "sha256", s_len)
    for primitive, k in ((pkcs1.rsaep, key.public_key()), (pkcs1.rsadp, key),
                         (pkcs1.rsasp1, key), (pkcs1.rsavp1, key.public_key())):
        for bad in (True, 1.0, "1", b"\x01"):
            with pytest.raises(TypeError):
                primitive(k, bad)
