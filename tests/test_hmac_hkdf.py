"""HMAC (RFC 2104) and HKDF (RFC 5869): published vectors, bad input, properties."""

import hashlib
import hmac as std_hmac

import pytest
from hypothesis import given, strategies as st

from refkx import hkdf
from refkx.hmac import hmac
from kat_params import kat_parametrize

HASHES = ["sha1", "sha224", "sha256", "sha384", "sha512"]


# --- against published vectors (RFC 4231, RFC 5869 Appendix A) ---

@kat_parametrize("hmac")
def test_published_vector(case, implementation):
    case.run()


# --- bad input ---

@pytest.mark.parametrize("key, message", [("key", b"m"), (b"k", "message"), (None, b"m"), (b"k", 5)])
def test_hmac_rejects_non_bytes(key, message):
    with pytest.raises(TypeError):
        hmac(key, message)


def test_hmac_rejects_unknown_hash():
    with pytest.raises(ValueError, match="unknown hash"):
        hmac(b"k", b"m", "sha999")


@pytest.mark.parametrize("xof", ["shake_128", "shake_256"])
def test_xof_hashes_are_refused_everywhere(xof):
    # An XOF has no fixed L: HMAC, Extract and Expand (even with L = 0) refuse it with ValueError.
    with pytest.raises(ValueError, match="fixed-length"):
        hmac(b"k", b"m", xof)
    with pytest.raises(ValueError, match="fixed-length"):
        hkdf.expand(bytes(64), b"", 0, xof)
    with pytest.raises(ValueError, match="fixed-length"):
        hkdf.hkdf(b"ikm", 16, hash_name=xof)


@pytest.mark.parametrize("hash_name", [None, b"sha256", 256])
def test_hash_name_must_be_a_str(hash_name):
    with pytest.raises(TypeError, match="hash_name"):
        hmac(b"k", b"m", hash_name)
    with pytest.raises(TypeError, match="hash_name"):
        hkdf.hkdf(b"ikm", 16, hash_name=hash_name)


def test_hkdf_rejects_unknown_hash():
    with pytest.raises(ValueError, match="unknown hash"):
        hkdf.expand(bytes(32), b"", 16, "sha999")


def test_hkdf_length_limit():
    prk = hkdf.extract(b"salt", b"ikm")
    assert len(hkdf.expand(prk, b"", 255 * 32)) == 255 * 32
    with pytest.raises(ValueError, match="255"):
        hkdf.expand(prk, b"", 255 * 32 + 1)
    with pytest.raises(ValueError, match="255"):
        hkdf.hkdf(b"ikm", 255 * 64 + 1, hash_name="sha512")


def test_hkdf_rejects_bad_arguments():
    prk = bytes(32)
    with pytest.raises(ValueError):
        hkdf.expand(prk, b"", -1)
    with pytest.raises(ValueError, match="HashLen"):
        hkdf.expand(bytes(31), b"", 16)
    with pytest.raises(TypeError):
        hkdf.expand(prk, b"", 16.0)
    with pytest.raises(TypeError):
        hkdf.expand(prk, "info", 16)
    with pytest.raises(TypeError):
        hkdf.extract("salt", b"ikm")
    with pytest.raises(TypeError):
        hkdf.hkdf(b"ikm", True)
    with pytest.raises(TypeError):
        hkdf.hkdf("ikm", 16)
    with pytest.raises(TypeError):
        hkdf.expand("prk" * 11, b"", 16)


def test_hkdf_empty_salt_means_hashlen_zeros():
    assert hkdf.extract(b"", b"ikm") == hkdf.extract(bytes(32), b"ikm")
    assert hkdf.extract(b"", b"ikm", "sha512") == hkdf.extract(bytes(64), b"ikm", "sha512")


def test_inputs_not_modified():
    key = bytearray(b"key")
    msg = bytearray(b"message")
    out = hmac(key, memoryview(msg))
    assert isinstance(out, bytes)
    assert key == b"key" and msg == b"message"
    salt, ikm, info = bytearray(b"salt"), bytearray(b"ikm"), bytearray(b"info")
    okm = hkdf.hkdf(ikm, 42, salt, info)
    assert isinstance(okm, bytes) and okm == hkdf.hkdf(b"ikm", 42, b"salt", b"info")
    assert salt == b"salt" and ikm == b"ikm" and info == b"info"


# --- properties ---

@given(key=st.binary(max_size=300), message=st.binary(max_size=500), hash_name=st.sampled_from(HASHES))
def test_hmac_agrees_with_stdlib(key, message, hash_name):
    assert hmac(key, message, hash_name) == std_hmac.new(key, message, hash_name).digest()


@given(salt=st.binary(max_size=100), ikm=st.binary(max_size=100), info=st.binary(max_size=100),
       length=st.integers(0, 255 * 20), hash_name=st.sampled_from(HASHES))
def test_hkdf_agrees_with_stdlib_construction(salt, ikm, info, length, hash_name):
    hash_len = hashlib.new(hash_name).digest_size
    length = min(length, 255 * hash_len)
    prk = std_hmac.new(salt or bytes(hash_len), ikm, hash_name).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = std_hmac.new(prk, t + info + bytes([i]), hash_name).digest()
        okm += t
        i += 1
    assert hkdf.hkdf(ikm, length, salt, info, hash_name) == okm[:length]


@given(st.integers(1, 200))
def test_hkdf_output_prefixes_agree(length):
    # Expand is a stream: a shorter output is a prefix of a longer one.
    prk = hkdf.extract(b"s", b"k")
    assert hkdf.expand(prk, b"i", length) == hkdf.expand(prk, b"i", 255 * 32)[:length]
