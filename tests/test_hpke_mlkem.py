"""HPKE with the ML-KEM KEMs of draft-ietf-hpke-pq (0x0040-0x0042): sizes, the missing
Auth modes, bad input and tampering. The published vectors run, under each implementation,
with the other HPKE vectors in tests/test_hpke.py (ids hpke-pq-...)."""

import pytest

from refkx import hpke
from refkx.errors import InvalidKey, InvalidTag
from refkx.kat import area_cases

PQ_CASES = [case for case in area_cases("hpke") if case.id.startswith("hpke-pq")]
ML_KEM_IDS = [hpke.KEM_ML_KEM_512, hpke.KEM_ML_KEM_768, hpke.KEM_ML_KEM_1024]


def test_the_three_suites_are_vendored():
    assert [c.id for c in PQ_CASES] == ["hpke-pq-mlkem512-sha256-aes128gcm-base",
                                        "hpke-pq-mlkem768-sha256-aes128gcm-base",
                                        "hpke-pq-mlkem1024-sha384-aes256gcm-base"]


@pytest.mark.parametrize("kem_id", ML_KEM_IDS)
def test_sizes_are_table_2(kem_id):
    kem = hpke.KEMS[kem_id]
    expected = {0x40: (768, 800), 0x41: (1088, 1184), 0x42: (1568, 1568)}[kem_id]
    assert (kem.n_enc, kem.n_pk, kem.n_sk, kem.n_secret) == expected + (64, 32)
    assert kem.suite_id == b"KEM" + kem_id.to_bytes(2, "big")


@pytest.mark.parametrize("kem_id", ML_KEM_IDS)
def test_round_trip_and_tampering(kem_id):
    suite = hpke.Suite(kem_id, hpke.KDF_HKDF_SHA256, hpke.AEAD_AES_128_GCM)
    sk_r, pk_r = hpke.generate_key_pair(kem_id)
    enc, sender = hpke.setup_base_sender(pk_r, b"info", suite)
    ct = sender.seal(b"hello", b"aad")
    receiver = hpke.setup_base_receiver(enc, sk_r, b"info", suite)
    assert receiver.open(ct, b"aad") == b"hello"                      # untampered
    bad_enc = bytes([enc[0] ^ 1]) + enc[1:]
    rejecting = hpke.setup_base_receiver(bad_enc, sk_r, b"info", suite)   # implicit rejection
    assert rejecting.shared_secret != receiver.shared_secret
    with pytest.raises(InvalidTag):
        rejecting.open(ct, b"aad")


@pytest.mark.parametrize("kem_id", ML_KEM_IDS)
def test_auth_modes_are_refused(kem_id):
    suite = hpke.Suite(kem_id, hpke.KDF_HKDF_SHA256, hpke.AEAD_AES_128_GCM)
    sk, pk = hpke.derive_key_pair(kem_id, bytes(32))
    with pytest.raises(ValueError, match="no AuthEncap"):
        hpke.setup_auth_sender(pk, b"", suite, sk)
    enc, _ = hpke.setup_base_sender(pk, b"", suite)
    with pytest.raises(ValueError, match="no AuthDecap"):
        hpke.setup_auth_receiver(enc, sk, b"", suite, pk)


@pytest.mark.parametrize("kem_id", ML_KEM_IDS)
def test_bad_lengths_and_keys(kem_id):
    suite = hpke.Suite(kem_id, hpke.KDF_HKDF_SHA256, hpke.AEAD_AES_128_GCM)
    kem = hpke.KEMS[kem_id]
    sk, pk = hpke.derive_key_pair(kem_id, b"k" * 32)
    enc, _ = hpke.setup_base_sender(pk, b"", suite)
    for n in (0, kem.n_pk - 1, kem.n_pk + 1):
        with pytest.raises(InvalidKey):
            hpke.setup_base_sender((pk * 2)[:n], b"", suite)
    for n in (0, kem.n_enc - 1, kem.n_enc + 1):
        with pytest.raises(InvalidKey):
            hpke.setup_base_receiver((enc * 2)[:n], sk, b"", suite)
    for n in (0, 32, 63, 65):
        with pytest.raises(InvalidKey):
            hpke.setup_base_receiver(enc, (sk * 2)[:n], b"", suite)
    with pytest.raises(InvalidKey):
        hpke.setup_base_sender(b"\xff\xff\xff" + pk[3:], b"", suite)   # §7.2 modulus check
    with pytest.raises(InvalidKey):
        hpke.setup_base_sender(pk, b"", suite, ikm_e=bytes(31))         # m must be 32 bytes
    with pytest.raises(TypeError):
        hpke.setup_base_sender(pk.hex(), b"", suite)


def test_derive_key_pair_is_deterministic_and_label_bound():
    sk1, pk1 = hpke.derive_key_pair(hpke.KEM_ML_KEM_768, b"seed" * 8)
    sk2, pk2 = hpke.derive_key_pair(hpke.KEM_ML_KEM_768, b"seed" * 8)
    sk3, _ = hpke.derive_key_pair(hpke.KEM_ML_KEM_1024, b"seed" * 8)
    assert (sk1, pk1) == (sk2, pk2) and len(sk1) == 64 and sk3 != sk1
