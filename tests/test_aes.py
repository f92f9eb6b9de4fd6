"""AES (FIPS 197): published vectors, derived tables, trace, bad input, properties."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from refkx import aes
from refkx.aes import AES, INV_SBOX, RCON, SBOX, key_expansion, trace_cipher
from refkx.kat.parsers import parse_key_value_blocks, unhex
from kat_params import kat_parametrize

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "aes"
KEY_SIZES = [16, 24, 32]


# --- against published vectors (FIPS 197 A/B/C and tables, CAVP AESAVS ECB, SP 800-38A F.5) ---

@kat_parametrize("aes")
def test_published_vector(case, implementation):
    case.run()


# --- the derived constants ---

def test_sbox_is_a_permutation_and_inv_sbox_inverts_it():
    assert sorted(SBOX) == list(range(256))
    assert all(INV_SBOX[SBOX[x]] == x for x in range(256))


def test_sbox_has_no_fixed_points():
    # A design property of the affine constant {63} (no x with SBOX(x) = x or its complement).
    assert all(SBOX[x] != x and SBOX[x] != x ^ 0xFF for x in range(256))


def test_gf_inverse():
    assert aes.gf_inverse(0) == 0
    assert all(aes.gf_mul(x, aes.gf_inverse(x)) == 1 for x in range(1, 256))


def test_xtime_and_gf_mul_examples_from_fips197_4_2():
    # §4.2: {57} * {83} = {c1}; {57} * {13} = {fe}; xtime chain of {57}.
    assert aes.gf_mul(0x57, 0x83) == 0xC1
    assert aes.gf_mul(0x57, 0x13) == 0xFE
    chain = [0x57]
    for _ in range(3):
        chain.append(aes.xtime(chain[-1]))
    assert chain == [0x57, 0xAE, 0x47, 0x8E]


def test_rcon_by_repeated_xtime():
    assert RCON == (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)


# --- the trace hook (Appendix B is checked in the vectors) ---

@pytest.mark.parametrize("size", KEY_SIZES)
def test_trace_cipher_shape(size):
    key, block = bytes(range(size)), bytes(range(16))
    rows = trace_cipher(key, block)
    nr = {16: 10, 24: 12, 32: 14}[size]
    assert rows[0] == (0, "input", block)
    assert rows[1][:2] == (0, "k_sch")
    assert rows[-1] == (nr, "output", AES(key).encrypt_block(block))
    names = [name for rnd, name, _ in rows if rnd == nr]
    assert names == ["start", "s_box", "s_row", "k_sch", "output"]
    middle = [name for rnd, name, _ in rows if rnd == 1]
    assert middle == ["start", "s_box", "s_row", "m_col", "k_sch"]
    assert all(len(value) == 16 for _, _, value in rows)


def test_appendix_b_output_agrees_with_cryptography():
    # Cross-check of the transcription: the document's output is what OpenSSL computes.
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    (rec,) = parse_key_value_blocks(VECTORS / "fips197-appendix-b-cipher-example.txt")
    enc = Cipher(algorithms.AES(unhex(rec["Key"])), modes.ECB()).encryptor()
    assert enc.update(unhex(rec["Input"])) == unhex(rec["round[10].output"])


def test_appendix_c_transcription_agrees_with_cryptography():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    for rec in parse_key_value_blocks(VECTORS / "fips197-appendix-c-example-vectors.txt"):
        enc = Cipher(algorithms.AES(unhex(rec["KEY"])), modes.ECB()).encryptor()
        assert enc.update(unhex(rec["PLAINTEXT"])) == unhex(rec["CIPHERTEXT"]), rec["Section"]


# --- bad input ---

@pytest.mark.parametrize("key", ["0123456789abcdef", None, 16, [0] * 16])
def test_aes_rejects_non_bytes_key(key):
    with pytest.raises(TypeError):
        AES(key)


@pytest.mark.parametrize("length", [0, 1, 15, 17, 20, 23, 25, 31, 33, 64])
def test_aes_rejects_wrong_key_length(length):
    with pytest.raises(ValueError, match="16, 24 or 32"):
        AES(bytes(length))
    with pytest.raises(ValueError, match="16, 24 or 32"):
        key_expansion(bytes(length))
    with pytest.raises(ValueError, match="16, 24 or 32"):
        trace_cipher(bytes(length), bytes(16))


@pytest.mark.parametrize("length", [0, 15, 17, 32])
def test_blocks_must_be_16_bytes(length):
    cipher = AES(bytes(16))
    with pytest.raises(ValueError, match="16 bytes"):
        cipher.encrypt_block(bytes(length))
    with pytest.raises(ValueError, match="16 bytes"):
        cipher.decrypt_block(bytes(length))
    with pytest.raises(ValueError, match="16 bytes"):
        trace_cipher(bytes(16), bytes(length))


@pytest.mark.parametrize("block", ["0123456789abcdef", None, 0, list(range(16))])
def test_blocks_must_be_bytes(block):
    cipher = AES(bytes(16))
    with pytest.raises(TypeError):
        cipher.encrypt_block(block)
    with pytest.raises(TypeError):
        cipher.decrypt_block(block)
    with pytest.raises(TypeError):
        trace_cipher(bytes(16), block)


def test_bytes_like_inputs_accepted_and_not_modified():
    key = bytearray(range(16))
    block = bytearray(b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff")
    cipher = AES(key)
    out = cipher.encrypt_block(memoryview(block))
    assert isinstance(out, bytes)
    assert out.hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
    assert cipher.decrypt_block(bytearray(out)) == bytes(block)
    assert key == bytearray(range(16)) and block[0] == 0x00 and block[-1] == 0xFF
    key[0] ^= 1                        # changing the caller's buffer later has no effect
    assert cipher.encrypt_block(bytes(block)) == out


def test_repr_hides_key():
    assert "00" not in repr(AES(bytes(16))) and "128" in repr(AES(bytes(16)))


# --- properties ---

@given(key=st.sampled_from(KEY_SIZES).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
       block=st.binary(min_size=16, max_size=16))
def test_decrypt_inverts_encrypt(key, block):
    cipher = AES(key)
    assert cipher.decrypt_block(cipher.encrypt_block(block)) == block


@given(key=st.sampled_from(KEY_SIZES).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
       block=st.binary(min_size=16, max_size=16))
def test_agrees_with_cryptography(key, block):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    expected = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(block)
    assert AES(key).encrypt_block(block) == expected


@settings(max_examples=20)
@given(state=st.lists(st.integers(0, 255), min_size=16, max_size=16))
def test_round_steps_invert(state):
    assert aes.inv_shift_rows(aes.shift_rows(state)) == state
    assert aes.inv_sub_bytes(aes.sub_bytes(state)) == state
    assert aes.inv_mix_columns(aes.mix_columns(state)) == state
