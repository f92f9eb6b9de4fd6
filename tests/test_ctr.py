"""CTR mode (SP 800-38A §6.5): the F.5 vectors run in test_aes.py (area "aes");
here: transcription cross-check, the counter definition, bad input, properties."""

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from refkx.aes import AES
from refkx.ctr import counter_blocks, ctr_decrypt, ctr_encrypt
from refkx.encoding import xor_bytes
from refkx.kat.parsers import parse_key_value_blocks, unhex

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "aes"
KEYS = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
BLOCKS = st.binary(min_size=16, max_size=16)


def test_f5_transcription_agrees_with_cryptography():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    records = parse_key_value_blocks(VECTORS / "sp800-38a-f5-ctr.txt")
    assert [r["Section"] for r in records] == [f"F.5.{i}" for i in range(1, 7)]
    for rec in records:
        enc = Cipher(algorithms.AES(unhex(rec["Key"])), modes.CTR(unhex(rec["InitCounter"]))).encryptor()
        assert enc.update(unhex(rec["Input"])) == unhex(rec["Output"]), rec["Section"]


def test_counter_increments_the_whole_block():
    # SP 800-38A B.1 with m = 128: the carry runs through all 16 bytes, and wraps mod 2^128.
    t = counter_blocks(bytes.fromhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), 3)
    assert [x.hex() for x in t] == ["f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                                    "f0f1f2f3f4f5f6f7f8f9fafbfcfdff00",
                                    "f0f1f2f3f4f5f6f7f8f9fafbfcfdff01"]
    assert counter_blocks(b"\xff" * 16, 2) == [b"\xff" * 16, bytes(16)]
    assert counter_blocks(bytes(8) + b"\xff" * 8, 2)[1] == bytes(7) + b"\x01" + bytes(8)


def test_empty_and_partial_blocks():
    key, t_1 = bytes(16), bytes(16)
    assert ctr_encrypt(key, t_1, b"") == b""
    full = ctr_encrypt(key, t_1, bytes(48))
    for n in (1, 15, 16, 17, 47):
        assert ctr_encrypt(key, t_1, bytes(n)) == full[:n]


def test_accepts_an_aes_instance():
    key, t_1, data = bytes(range(32)), bytes(range(16)), b"attack at dawn" * 3
    assert ctr_encrypt(AES(key), t_1, data) == ctr_encrypt(key, t_1, data)


# --- bad input ---

@pytest.mark.parametrize("key_or_cipher", ["k" * 16, None, 7, 1.5, object()])
def test_rejects_bad_key_or_cipher_type(key_or_cipher):
    with pytest.raises(TypeError):
        ctr_encrypt(key_or_cipher, bytes(16), b"data")


@pytest.mark.parametrize("length", [0, 15, 17, 33])
def test_rejects_wrong_key_length(length):
    with pytest.raises(ValueError, match="16, 24 or 32"):
        ctr_encrypt(bytes(length), bytes(16), b"data")


@pytest.mark.parametrize("length", [0, 8, 12, 15, 17, 32])
def test_rejects_wrong_counter_length(length):
    with pytest.raises(ValueError, match="16 bytes"):
        ctr_encrypt(bytes(16), bytes(length), b"data")
    with pytest.raises(ValueError, match="16 bytes"):
        ctr_decrypt(bytes(16), bytes(length), b"data")


def test_rejects_str_arguments():
    with pytest.raises(TypeError):
        ctr_encrypt(bytes(16), "0" * 16, b"data")
    with pytest.raises(TypeError):
        ctr_encrypt(bytes(16), bytes(16), "data")
    with pytest.raises(TypeError):
        ctr_decrypt(bytes(16), bytes(16), "data")


def test_arguments_not_modified():
    key, t_1, data = bytearray(16), bytearray(b"\xff" * 16), bytearray(b"plaintext" * 5)
    out = ctr_encrypt(key, t_1, data)
    assert isinstance(out, bytes)
    assert key == bytearray(16) and t_1 == bytearray(b"\xff" * 16) and data == b"plaintext" * 5


# --- properties ---

@given(key=KEYS, t_1=BLOCKS, data=st.binary(max_size=200))
def test_ctr_is_xor_with_aes_of_counter_blocks(key, t_1, data):
    # §6.5: O_j = CIPH_K(T_j), T_(j+1) = T_j + 1 mod 2^128, C = P XOR MSB_len(P)(O_1 || O_2 || ...).
    cipher = AES(key)
    n = -(-len(data) // 16)
    t = int.from_bytes(t_1, "big")
    keystream = b"".join(cipher.encrypt_block(((t + j) % 2 ** 128).to_bytes(16, "big")) for j in range(n))
    assert ctr_encrypt(key, t_1, data) == xor_bytes(data, keystream[:len(data)])


@given(key=KEYS, t_1=BLOCKS, data=st.binary(max_size=200))
def test_decrypt_inverts_encrypt(key, t_1, data):
    assert ctr_decrypt(key, t_1, ctr_encrypt(key, t_1, data)) == data


@given(key=KEYS, t_1=st.one_of(BLOCKS, st.just(b"\xff" * 15 + b"\xfe")), data=st.binary(max_size=100))
def test_agrees_with_cryptography(key, t_1, data):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    expected = Cipher(algorithms.AES(key), modes.CTR(t_1)).encryptor().update(data)
    assert ctr_encrypt(key, t_1, data) == expected
