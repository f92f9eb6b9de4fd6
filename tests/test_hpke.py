"""HPKE (RFC 9180): published vectors, round trips, tampering, bad input, properties,
and a differential test against `cryptography`'s HPKE."""

import pytest
from hypothesis import given, settings, strategies as st

from refkx import hkdf, hpke
from refkx.errors import InvalidKey, InvalidTag
from refkx.hpke import (AEAD_AES_128_GCM, AEAD_AES_256_GCM, AEAD_EXPORT_ONLY,
                        KDF_HKDF_SHA256, KDF_HKDF_SHA384, KDF_HKDF_SHA512,
                        KEM_DHKEM_X25519_HKDF_SHA256 as X25519_KEM,
                        KEM_DHKEM_X448_HKDF_SHA512 as X448_KEM,
                        MessageLimitReachedError, Suite)
from refkx.kat.hpke import AEAD_NAMES, KDF_NAMES, KEM_NAMES
from refkx.impl import IMPLEMENTATIONS
from kat_params import kat_params, kat_parametrize

KEM_IDS = [X25519_KEM, X448_KEM]
KDF_IDS = [KDF_HKDF_SHA256, KDF_HKDF_SHA384, KDF_HKDF_SHA512]
AEAD_IDS = [AEAD_AES_128_GCM, AEAD_AES_256_GCM, AEAD_EXPORT_ONLY]
ALL_SUITES = [Suite(k, f, a) for k in KEM_IDS for f in KDF_IDS for a in AEAD_IDS]
MODES = ["base", "psk", "auth", "auth_psk"]

BASE = Suite(X25519_KEM, KDF_HKDF_SHA256, AEAD_AES_128_GCM)
INFO = b"refkx test info"
PSK = bytes(range(32))
PSK_ID = b"psk id"

# RFC 7748 points of small order (and non-canonical encodings of them): the DH
# output with any scalar is all zero. X25519: 0, 1, the two u of order 8, p - 1,
# p, p + 1 (the high bit is masked, so also 2^255 + 0). X448: 0, 1, p - 1, p, p + 1.
P25519 = 2**255 - 19
P448 = 2**448 - 2**224 - 1
LOW_ORDER = {
    X25519_KEM: [u.to_bytes(32, "little") for u in (
        0, 1,
        325606250916557431795983626356110631294008115727848805560023387167927233504,
        39382357235489614581723060781553021112529911719440698176882885853963445705823,
        P25519 - 1, P25519, P25519 + 1, 2**255)],
    X448_KEM: [u.to_bytes(56, "little") for u in (0, 1, P448 - 1, P448, P448 + 1)],
}


def suite_name(suite):
    """e.g. "x25519-sha256-aes128gcm", the naming of the vector ids."""
    return "-".join((KEM_NAMES[suite.kem_id], KDF_NAMES[suite.kdf_id], AEAD_NAMES[suite.aead_id]))


def key_pair(kem_id=X25519_KEM, seed=b"r"):
    return hpke.derive_key_pair(kem_id, seed * 32)


def setup_pair(mode, suite=BASE, info=INFO):
    """(enc, sender, receiver) for `mode` with fixed recipient and sender keys."""
    sk_r, pk_r = key_pair(suite.kem_id, b"r")
    sk_s, pk_s = key_pair(suite.kem_id, b"s")
    if mode == "base":
        enc, s = hpke.setup_base_sender(pk_r=pk_r, info=info, suite=suite)
        r = hpke.setup_base_receiver(enc=enc, sk_r=sk_r, info=info, suite=suite)
    elif mode == "psk":
        enc, s = hpke.setup_psk_sender(pk_r=pk_r, info=info, suite=suite, psk=PSK, psk_id=PSK_ID)
        r = hpke.setup_psk_receiver(enc=enc, sk_r=sk_r, info=info, suite=suite, psk=PSK,
                                    psk_id=PSK_ID)
    elif mode == "auth":
        enc, s = hpke.setup_auth_sender(pk_r=pk_r, info=info, suite=suite, sk_s=sk_s)
        r = hpke.setup_auth_receiver(enc=enc, sk_r=sk_r, info=info, suite=suite, pk_s=pk_s)
    else:
        enc, s = hpke.setup_auth_psk_sender(pk_r=pk_r, info=info, suite=suite, psk=PSK,
                                            psk_id=PSK_ID, sk_s=sk_s)
        r = hpke.setup_auth_psk_receiver(enc=enc, sk_r=sk_r, info=info, suite=suite, psk=PSK,
                                         psk_id=PSK_ID, pk_s=pk_s)
    return enc, s, r


# --- against published vectors (RFC 9180 Appendix A, CFRG test-vectors.json) ---

@kat_parametrize("hpke")
def test_published_vector(case, implementation):
    case.run()


def test_vector_selection_is_complete():
    # 2 KEMs x 2 KDFs (the file has no HKDF-SHA384 vectors for these KEMs) x 3 AEADs x 4 modes,
    # plus the 3 ML-KEM suites of draft-ietf-hpke-pq (also in tests/test_hpke_mlkem.py).
    params = kat_params("hpke")
    assert len([p for p in params if "rfc9180-" in p.id]) == 48 * len(IMPLEMENTATIONS)
    assert len(params) == (48 + 3) * len(IMPLEMENTATIONS)


def test_suite_ids_and_labels():
    assert BASE.suite_id == b"HPKE\x00\x20\x00\x01\x00\x01"
    export_only = Suite(X448_KEM, KDF_HKDF_SHA512, AEAD_EXPORT_ONLY)
    assert export_only.suite_id == b"HPKE\x00\x21\x00\x03\xff\xff"
    assert hpke.KEMS[X25519_KEM].suite_id == b"KEM\x00\x20"
    assert hpke.labeled_extract(b"S", b"salt", b"L", b"ikm", "sha256") == \
        hkdf.extract(b"salt", b"HPKE-v1SLikm")
    assert hpke.labeled_expand(b"S", bytes(32), b"L", b"info", 40, "sha256") == \
        hkdf.expand(bytes(32), b"\x00\x28HPKE-v1SLinfo", 40)


# --- self-consistency: every suite, every mode ---

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("suite", ALL_SUITES, ids=suite_name)
def test_round_trip(suite, mode):
    enc, s, r = setup_pair(mode, suite)
    assert len(enc) == suite.kem.n_enc
    for name in ("shared_secret", "key", "base_nonce", "exporter_secret"):
        assert getattr(s, name) == getattr(r, name)
    assert len(s.key) == suite.aead.n_k and len(s.exporter_secret) == suite.kdf.n_h
    if not suite.aead.export_only:
        for i in range(3):
            ct = s.seal(b"message %d" % i, aad=b"aad %d" % i)
            assert len(ct) == len(b"message %d" % i) + suite.aead.n_t
            assert r.open(ct, aad=b"aad %d" % i) == b"message %d" % i
        assert s.seq == r.seq == 3
    assert s.export(b"ctx", 42) == r.export(b"ctx", 42)


def test_modes_give_different_keys():
    keys = {setup_pair(mode)[1].exporter_secret for mode in MODES}
    assert len(keys) == 4


def test_fresh_ephemeral_key_each_setup():
    _, pk_r = key_pair()
    enc1, s1 = hpke.setup_base_sender(pk_r, INFO, BASE)
    enc2, s2 = hpke.setup_base_sender(pk_r, INFO, BASE)
    assert enc1 != enc2 and s1.key != s2.key


def test_ikm_e_fixes_the_ephemeral_key():
    _, pk_r = key_pair()
    enc1, s1 = hpke.setup_base_sender(pk_r, INFO, BASE, ikm_e=b"e" * 32)
    enc2, s2 = hpke.setup_base_sender(pk_r, INFO, BASE, ikm_e=bytearray(b"e" * 32))
    assert enc1 == enc2 == hpke.derive_key_pair(X25519_KEM, b"e" * 32)[1]
    assert s1.seal(b"x") == s2.seal(b"x")


def test_single_shot_api():
    sk_r, pk_r = key_pair()
    enc, ct = hpke.seal_base(pk_r, INFO, b"aad", b"hello", BASE)
    assert hpke.open_base(enc, sk_r, INFO, b"aad", ct, BASE) == b"hello"
    with pytest.raises(InvalidTag):
        hpke.open_base(enc, sk_r, INFO, b"other", ct, BASE)


def test_trace_base_setup_reproduces_rfc9180_a11():
    from refkx.kat.hpke import load_vectors
    v = next(v for v in load_vectors() if (v["kem_id"], v["kdf_id"], v["aead_id"], v["mode"])
             == (X25519_KEM, KDF_HKDF_SHA256, AEAD_AES_128_GCM, hpke.MODE_BASE))
    trace = dict(hpke.trace_base_setup(bytes.fromhex(v["ikmR"]), bytes.fromhex(v["ikmE"]),
                                       bytes.fromhex(v["info"]), BASE))
    for name, key in [("pkR", "pkRm"), ("pkE = enc", "enc"), ("shared_secret", "shared_secret"),
                      ("key_schedule_context", "key_schedule_context"), ("secret", "secret"),
                      ("key", "key"), ("base_nonce", "base_nonce"),
                      ("exporter_secret", "exporter_secret")]:
        assert trace[name].hex() == v[key], name


def test_key_schedule_values_exposed():
    _, s, r = setup_pair("psk")
    values = s.key_schedule_values()
    assert values["mode"] == hpke.MODE_PSK and values["key"] == r.key
    assert values["key_schedule_context"][0] == hpke.MODE_PSK
    assert len(values["key_schedule_context"]) == 1 + 2 * BASE.kdf.n_h


# --- tamper tests: every change makes Open fail, and a failed Open changes nothing ---

@pytest.mark.parametrize("mode", MODES)
def test_tampered_ciphertext_aad_and_order(mode):
    _, s, r = setup_pair(mode)
    ct0 = s.seal(b"first", b"aad")
    ct1 = s.seal(b"second", b"aad")
    for i in range(len(ct0)):           # every byte, ciphertext and tag
        bad = bytearray(ct0)
        bad[i] ^= 0x01
        with pytest.raises(InvalidTag):
            r.open(bytes(bad), b"aad")
    for bad_ct, aad in [(ct0, b"aae"), (ct0, b""), (ct0[:-1], b"aad"), (ct0[:15], b"aad"),
                        (b"", b"aad"), (ct1, b"aad"), (ct0 + b"\x00", b"aad")]:
        with pytest.raises(InvalidTag):
            r.open(bad_ct, aad)
    assert r.seq == 0                   # no failed Open advanced the sequence number
    assert r.open(ct0, b"aad") == b"first"
    assert r.open(ct1, b"aad") == b"second"
    with pytest.raises(InvalidTag):     # replay
        r.open(ct1, b"aad")
    assert r.seq == 2


def _receiver_with(mode, **changes):
    """A receiver for a fresh sender's enc, with one input changed; returns (ct, receiver)."""
    sk_r, pk_r = key_pair(seed=b"r")
    sk_s, pk_s = key_pair(seed=b"s")
    enc, s = hpke.setup_auth_psk_sender(pk_r, INFO, BASE, PSK, PSK_ID, sk_s)
    args = dict(enc=enc, sk_r=sk_r, info=INFO, suite=BASE, psk=PSK, psk_id=PSK_ID, pk_s=pk_s)
    args.update(changes)
    return s.seal(b"secret"), hpke.setup_auth_psk_receiver(**args)


@pytest.mark.parametrize("change", [
    {"info": INFO + b"!"},
    {"psk": bytes(31) + b"\x01"},
    {"psk_id": b"other id"},
    {"pk_s": key_pair(seed=b"t")[1]},
    {"sk_r": key_pair(seed=b"t")[0]},
], ids=["info", "psk", "psk_id", "pk_s", "sk_r"])
def test_wrong_setup_input_fails_open(change):
    ct, r = _receiver_with("auth_psk", **change)
    with pytest.raises(InvalidTag):
        r.open(ct)


@settings(max_examples=20)
@given(bit=st.integers(0, 8 * 32 - 1))
def test_tampered_enc_fails_open(bit):
    # Every bit of enc matters, even X25519's masked bit 255: enc is part of kem_context.
    sk_r, pk_r = key_pair()
    enc, s = hpke.setup_base_sender(pk_r, INFO, BASE)
    ct = s.seal(b"x")
    assert hpke.setup_base_receiver(enc, sk_r, INFO, BASE).open(ct) == b"x"   # the control
    bad = bytearray(enc)
    bad[bit // 8] ^= 1 << (bit % 8)
    try:
        r = hpke.setup_base_receiver(bytes(bad), sk_r, INFO, BASE)
    except InvalidKey:                  # the flip landed on a low-order point
        assert _is_low_order_x25519(bytes(bad)), "InvalidKey for a u that is not low-order"
        return
    with pytest.raises(InvalidTag):
        r.open(ct)


def _is_low_order_x25519(u: bytes) -> bool:
    """True if X25519(k, u) is all zero for a (clamped) k: u is of small order."""
    from refkx.x25519 import x25519
    return x25519(bytes(range(1, 33)), u) == bytes(32)


def test_tampered_enc_reaches_open():
    # Deterministic companion of the property above: flipping the lowest bit of a fresh
    # enc gives a valid X25519 public value, so setup succeeds and Open itself refuses.
    sk_r, pk_r = key_pair()
    enc, s = hpke.setup_base_sender(pk_r, INFO, BASE)
    ct = s.seal(b"x")
    bad = bytes([enc[0] ^ 1]) + enc[1:]
    assert not _is_low_order_x25519(bad)
    r = hpke.setup_base_receiver(bad, sk_r, INFO, BASE)
    with pytest.raises(InvalidTag):
        r.open(ct)


# --- the sequence-number limit (§5.2) ---

@pytest.mark.parametrize("aead_id", [AEAD_AES_128_GCM, AEAD_AES_256_GCM])
def test_sequence_number_limit(aead_id):
    _, s, r = setup_pair("base", Suite(X25519_KEM, KDF_HKDF_SHA256, aead_id))
    last = (1 << 96) - 1
    assert s.max_seq == last
    s._set_seq(last - 1)
    r._set_seq(last - 1)
    assert s.compute_nonce(last - 1) == bytes(a ^ b for a, b in zip(
        s.base_nonce, (last - 1).to_bytes(12, "big")))
    ct = s.seal(b"final message")       # the last permitted nonce
    assert r.open(ct) == b"final message"
    assert s.seq == r.seq == last
    with pytest.raises(MessageLimitReachedError):
        s.seal(b"one too many")
    with pytest.raises(MessageLimitReachedError):
        r.open(ct)
    assert s.seq == r.seq == last       # refused, not wrapped to 0
    with pytest.raises(ValueError):
        s._set_seq(last + 1)
    with pytest.raises(ValueError):
        s._set_seq(-1)


def test_failed_open_near_limit_keeps_seq():
    _, s, r = setup_pair("base")
    s._set_seq(s.max_seq - 1)
    r._set_seq(r.max_seq - 1)
    ct = s.seal(b"m")
    with pytest.raises(InvalidTag):
        r.open(ct, b"wrong aad")
    assert r.seq == r.max_seq - 1
    assert r.open(ct) == b"m"


# --- export-only ---

def test_export_only_suite():
    suite = Suite(X448_KEM, KDF_HKDF_SHA512, AEAD_EXPORT_ONLY)
    _, s, r = setup_pair("auth", suite)
    assert s.key == s.base_nonce == b""
    with pytest.raises(ValueError, match="export-only"):
        s.seal(b"x")
    with pytest.raises(ValueError, match="export-only"):
        r.open(b"x" * 16)
    assert s.export(b"", 64) == r.export(b"", 64)
    assert s.seq == r.seq == 0


# --- bad input ---

@pytest.mark.parametrize("ids, exc", [
    ((0x0010, 1, 1), ValueError),       # DHKEM(P-256): not implemented here
    ((0x0020, 0, 1), ValueError),
    ((0x0020, 4, 1), ValueError),
    ((0x0020, 1, 3), ValueError),       # ChaCha20-Poly1305: not implemented here
    ((0x0020, 1, 0), ValueError),
    ((-1, 1, 1), ValueError),
    (("0x20", 1, 1), TypeError),
    ((0x20, 1.0, 1), TypeError),
    ((0x20, 1, True), TypeError),
    ((0x20, 1, None), TypeError),
])
def test_suite_rejects_unknown_ids(ids, exc):
    with pytest.raises(exc):
        Suite(*ids)


def test_derive_key_pair_bad_input():
    with pytest.raises(ValueError):
        hpke.derive_key_pair(0x0010, b"x" * 32)
    with pytest.raises(TypeError):
        hpke.derive_key_pair(X25519_KEM, "x" * 32)
    with pytest.raises(TypeError):
        hpke.derive_key_pair("x25519", b"x" * 32)


@pytest.mark.parametrize("kem_id", KEM_IDS)
def test_wrong_key_and_enc_lengths(kem_id):
    suite = Suite(kem_id, KDF_HKDF_SHA256, AEAD_AES_128_GCM)
    n = suite.kem.n_pk
    sk_r, pk_r = key_pair(kem_id)
    sk_s, pk_s = key_pair(kem_id, b"s")
    enc, _ = hpke.setup_base_sender(pk_r, INFO, suite)
    for length in (0, n - 1, n + 1, 2 * n):
        short = bytes([9]) * length
        with pytest.raises(InvalidKey):
            hpke.setup_base_sender(short, INFO, suite)
        with pytest.raises(InvalidKey):
            hpke.setup_base_receiver(short, sk_r, INFO, suite)
        with pytest.raises(InvalidKey):
            hpke.setup_base_receiver(enc, short, INFO, suite)
        with pytest.raises(InvalidKey):
            hpke.setup_auth_sender(pk_r, INFO, suite, short)
        with pytest.raises(InvalidKey):
            hpke.setup_auth_receiver(enc, sk_r, INFO, suite, short)
        with pytest.raises(ValueError):     # InvalidKey is a ValueError
            hpke.setup_auth_psk_receiver(enc, sk_r, INFO, suite, PSK, PSK_ID, short)


@pytest.mark.parametrize("kem_id", KEM_IDS)
def test_low_order_points_rejected(kem_id):
    suite = Suite(kem_id, KDF_HKDF_SHA256, AEAD_AES_128_GCM)
    sk_r, pk_r = key_pair(kem_id)
    sk_s, pk_s = key_pair(kem_id, b"s")
    enc, _ = hpke.setup_base_sender(pk_r, INFO, suite)
    for point in LOW_ORDER[kem_id]:
        with pytest.raises(InvalidKey):         # enc decoding to a low-order point
            hpke.setup_base_receiver(point, sk_r, INFO, suite)
        with pytest.raises(InvalidKey):
            hpke.setup_psk_receiver(point, sk_r, INFO, suite, PSK, PSK_ID)
        with pytest.raises(InvalidKey):         # a low-order recipient key
            hpke.setup_base_sender(point, INFO, suite)
        with pytest.raises(InvalidKey):         # a low-order sender key (auth)
            hpke.setup_auth_receiver(enc, sk_r, INFO, suite, point)


@pytest.mark.parametrize("mode, psk, psk_id", [
    ("base", PSK, b""), ("base", b"", PSK_ID), ("base", PSK, PSK_ID),
    ("psk", b"", b""), ("psk", PSK, b""), ("psk", b"", PSK_ID), ("psk", PSK[:31], PSK_ID),
    ("auth", PSK, PSK_ID),
    ("auth_psk", b"", b""), ("auth_psk", PSK, b""), ("auth_psk", b"", PSK_ID),
])
def test_psk_input_checks(mode, psk, psk_id):
    sk_r, pk_r = key_pair()
    sk_s, pk_s = key_pair(seed=b"s")
    mode_id = {"base": 0, "psk": 1, "auth": 2, "auth_psk": 3}[mode]
    with pytest.raises(ValueError):
        hpke.verify_psk_inputs(mode_id, psk, psk_id)
    if mode == "psk":
        with pytest.raises(ValueError):
            hpke.setup_psk_sender(pk_r, INFO, BASE, psk, psk_id)
        with pytest.raises(ValueError):
            hpke.setup_psk_receiver(pk_r, sk_r, INFO, BASE, psk, psk_id)
    if mode == "auth_psk":
        with pytest.raises(ValueError):
            hpke.setup_auth_psk_sender(pk_r, INFO, BASE, psk, psk_id, sk_s)
        with pytest.raises(ValueError):
            hpke.setup_auth_psk_receiver(pk_r, sk_r, INFO, BASE, psk, psk_id, pk_s)


def test_type_errors_on_every_setup_function():
    sk_r, pk_r = key_pair()
    sk_s, pk_s = key_pair(seed=b"s")
    enc, _ = hpke.setup_base_sender(pk_r, INFO, BASE)
    calls = [
        lambda: hpke.setup_base_sender(pk_r.hex(), INFO, BASE),
        lambda: hpke.setup_base_sender(pk_r, "info", BASE),
        lambda: hpke.setup_base_sender(pk_r, INFO, (0x20, 1, 1)),
        lambda: hpke.setup_base_sender(pk_r, INFO, BASE, ikm_e="e" * 32),
        lambda: hpke.setup_base_receiver(enc.hex(), sk_r, INFO, BASE),
        lambda: hpke.setup_base_receiver(enc, None, INFO, BASE),
        lambda: hpke.setup_base_receiver(enc, sk_r, None, BASE),
        lambda: hpke.setup_psk_sender(pk_r, INFO, BASE, "psk" * 11, PSK_ID),
        lambda: hpke.setup_psk_receiver(enc, sk_r, INFO, BASE, PSK, "id"),
        lambda: hpke.setup_auth_sender(pk_r, INFO, BASE, None),
        lambda: hpke.setup_auth_sender(pk_r, INFO, BASE, 12345),
        lambda: hpke.setup_auth_receiver(enc, sk_r, INFO, BASE, None),
        lambda: hpke.setup_auth_psk_sender(pk_r, INFO, BASE, PSK, PSK_ID, "sk"),
        lambda: hpke.setup_auth_psk_receiver(enc, sk_r, INFO, BASE, PSK, PSK_ID, None),
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()


def test_context_bad_input():
    _, s, r = setup_pair("base")
    with pytest.raises(TypeError):
        s.seal("text")
    with pytest.raises(TypeError):
        s.seal(b"x", aad="aad")
    with pytest.raises(TypeError):
        r.open("ct")
    with pytest.raises(TypeError):
        s.export("ctx", 32)
    with pytest.raises(TypeError):
        s.export(b"ctx", 32.0)
    with pytest.raises(ValueError, match="255"):
        s.export(b"ctx", -1)
    with pytest.raises(ValueError, match="255"):
        s.export(b"ctx", 255 * 32 + 1)
    assert len(s.export(b"ctx", 255 * 32)) == 255 * 32
    assert s.seq == r.seq == 0
    assert not hasattr(s, "open") and not hasattr(r, "seal")   # HPKE is one-way (§5.2)


def test_inputs_not_modified_and_bytes_like_accepted():
    sk_r, pk_r = key_pair()
    pk_r_buf, info_buf, ikm = bytearray(pk_r), bytearray(INFO), bytearray(b"e" * 32)
    enc, s = hpke.setup_base_sender(pk_r_buf, memoryview(info_buf), BASE, ikm_e=ikm)
    assert pk_r_buf == pk_r and info_buf == INFO and ikm == b"e" * 32
    r = hpke.setup_base_receiver(bytearray(enc), memoryview(sk_r), bytearray(INFO), BASE)
    pt, aad = bytearray(b"plain"), bytearray(b"aad")
    ct = s.seal(pt, aad)
    assert pt == b"plain" and aad == b"aad"
    assert isinstance(ct, bytes)
    out = r.open(bytearray(ct), memoryview(aad))
    assert out == b"plain" and isinstance(out, bytes)
    assert s.export(bytearray(b"c"), 8) == r.export(memoryview(b"c"), 8)


# --- properties ---

_SUITE_256 = Suite(X25519_KEM, KDF_HKDF_SHA384, AEAD_AES_256_GCM)


@settings(max_examples=25)
@given(plaintext=st.binary(max_size=200), aad=st.binary(max_size=64))
def test_property_round_trip(plaintext, aad):
    _, s, r = setup_pair("base", _SUITE_256)
    s._set_seq(7)
    r._set_seq(7)
    ct = s.seal(plaintext, aad)
    assert len(ct) == len(plaintext) + 16
    assert r.open(ct, aad) == plaintext
    assert s.seq == r.seq == 8


@settings(max_examples=25)
@given(suite=st.sampled_from([s for s in ALL_SUITES if s.kem_id == X25519_KEM]),
       exporter_context=st.binary(max_size=64), data=st.data())
def test_property_export_lengths(suite, exporter_context, data):
    length = data.draw(st.integers(0, 255 * suite.kdf.n_h))
    _, s, r = setup_pair("psk", suite)
    out = s.export(exporter_context, length)
    assert len(out) == length and out == r.export(exporter_context, length)
    if length >= 8:
        # L is part of the labeled info, so a shorter export is NOT a prefix of a longer one.
        assert s.export(exporter_context, length - 1) != out[:-1]


@settings(max_examples=20)
@given(kem_id=st.sampled_from(KEM_IDS), ikm=st.binary(min_size=0, max_size=80))
def test_property_derive_key_pair(kem_id, ikm):
    sk, pk = hpke.derive_key_pair(kem_id, ikm)
    kem = hpke.KEMS[kem_id]
    assert len(sk) == kem.n_sk and len(pk) == kem.n_pk
    assert kem.public_key(sk) == pk
    assert hpke.derive_key_pair(kem_id, bytearray(ikm)) == (sk, pk)


# --- differential: cryptography's HPKE (single-shot base mode, X25519 only) ---

@pytest.mark.parametrize("kdf_id", KDF_IDS)
@pytest.mark.parametrize("aead_id", [AEAD_AES_128_GCM, AEAD_AES_256_GCM])
def test_differential_against_cryptography(kdf_id, aead_id):
    c_hpke = pytest.importorskip("cryptography.hazmat.primitives.hpke")
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    c_kdf = {KDF_HKDF_SHA256: c_hpke.KDF.HKDF_SHA256, KDF_HKDF_SHA384: c_hpke.KDF.HKDF_SHA384,
             KDF_HKDF_SHA512: c_hpke.KDF.HKDF_SHA512}[kdf_id]
    c_aead = {AEAD_AES_128_GCM: c_hpke.AEAD.AES_128_GCM,
              AEAD_AES_256_GCM: c_hpke.AEAD.AES_256_GCM}[aead_id]
    c_suite = c_hpke.Suite(c_hpke.KEM.X25519, c_kdf, c_aead)
    suite = Suite(X25519_KEM, kdf_id, aead_id)
    c_sk = X25519PrivateKey.generate()
    sk_r, pk_r = c_sk.private_bytes_raw(), c_sk.public_key().public_bytes_raw()
    # Their output is enc || ct (seq 0, empty aad).
    message = c_suite.encrypt(b"from OpenSSL", c_sk.public_key(), info=INFO)
    enc, ct = message[:32], message[32:]
    assert hpke.setup_base_receiver(enc, sk_r, INFO, suite).open(ct) == b"from OpenSSL"
    enc, s = hpke.setup_base_sender(pk_r, INFO, suite)
    assert c_suite.decrypt(enc + s.seal(b"from refkx"), c_sk, info=INFO) == b"from refkx"
