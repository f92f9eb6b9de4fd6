"""refkx.encoding: the little-endian helpers of RFC 7748 §5, xor_bytes, constant_time_equal."""

import pytest
from hypothesis import given, strategies as st

from refkx.encoding import constant_time_equal, int_to_le, le_to_int, require_bytes, require_int, xor_bytes


def test_little_endian_examples():
    assert int_to_le(9, 32) == b"\x09" + bytes(31)
    assert int_to_le(0x0102, 2) == b"\x02\x01"
    assert le_to_int(b"\x02\x01") == 0x0102 and le_to_int(b"") == 0


@pytest.mark.parametrize("x, length", [(-1, 4), (2**32, 4), (1, 0)])
def test_int_to_le_out_of_range_is_value_error(x, length):
    with pytest.raises(ValueError, match="too large"):
        int_to_le(x, length)


@given(st.integers(0, 2**448 - 1))
def test_little_endian_round_trip(x):
    assert le_to_int(int_to_le(x, 56)) == x


def test_require_bytes_and_int():
    assert require_bytes("v", memoryview(b"ab")) == b"ab"
    for bad in ("ab", None, 3, [1]):
        with pytest.raises(TypeError, match="v must be bytes-like"):
            require_bytes("v", bad)
    for bad in (True, 1.0, "1", None):
        with pytest.raises(TypeError, match="n must be an int"):
            require_int("n", bad)


def test_xor_bytes():
    assert xor_bytes(b"\x0f\xf0", b"\xff\xff") == b"\xf0\x0f"
    assert xor_bytes(b"", b"") == b""
    with pytest.raises(ValueError, match="equal lengths"):
        xor_bytes(b"a", b"ab")


def test_constant_time_equal():
    assert constant_time_equal(b"abc", b"abc")
    assert not constant_time_equal(b"abc", b"abd")
    assert not constant_time_equal(b"abc", b"ab")
    assert constant_time_equal(b"", b"")
