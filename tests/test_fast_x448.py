"""The fast X448 twin (refkx.fast.x448) computes exactly what refkx.x448 computes.

Every RFC 7748 vector runs under both implementations in test_x448.py (the vector cases go
through the key classes' `_scalar_mult`, which asks refkx.impl). Here: the twin called
directly on the §5.2 single-shot, §6.2 Diffie-Hellman and low-order vectors; the fold bounds of
one ladder step; hypothesis equality with the readable ladder, extreme inputs included. Tests
never assert on time.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from refkx import impl, x448
from refkx.errors import InvalidKey
from refkx.fast.ladder import swap_bits
from refkx.fast import x448 as fast_x448
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, unhex

keys = st.binary(min_size=56, max_size=56)
def test_twin_is_registered_and_selected():
    assert impl.TWINS["x448"] == "refkx.fast.x448"
    with impl.using("fast", "x448"):
        assert impl.fast("x448") is fast_x448
    with impl.using("readable", "x448"):
        assert impl.fast("x448") is None


def _records(name):
    return parse_key_value_blocks(vector_path("rfc7748", name))


@pytest.mark.parametrize("rec", [r for r in _records("x448-rfc7748.txt")],
                         ids=lambda r: f"rfc7748-5.2-x448-count{r.get('COUNT', '?')}")
def test_single_shot_vectors_through_twin(rec):
    k, u = unhex(rec["INPUT_SCALAR"]), unhex(rec["INPUT_U"])
    assert fast_x448.x448(k, u) == unhex(rec["OUTPUT_U"])


def test_dh_vectors_through_twin():
    rec = next(r for r in _records("rfc7748-6-dh.txt") if r["CURVE"] == "X448")
    a, b = unhex(rec["ALICE_PRIVATE"]), unhex(rec["BOB_PRIVATE"])
    assert fast_x448.x448(a, x448.BASE_POINT) == unhex(rec["ALICE_PUBLIC"])
    assert fast_x448.x448(b, x448.BASE_POINT) == unhex(rec["BOB_PUBLIC"])
    assert fast_x448.x448(a, unhex(rec["BOB_PUBLIC"])) == unhex(rec["SHARED"])


def test_low_order_points_through_twin():
    k = bytes(range(1, 57))
    for rec in _records("x448-low-order.txt"):
        assert fast_x448.x448(k, unhex(rec["U"])) == bytes(56), rec["NAME"]


# --- the reduction bounds (module docstring): they must close over one ladder step ---

def _reduce_bound(magnitude: int) -> int:
    """A bound on |reduce(x)| for |x| <= magnitude: l < 2^448 and c < 2^224 are masks, and
    h = x >> 672 floors, so |h| <= |x| / 2^672 + 1."""
    h = magnitude // 2**672 + 1
    return 2**448 + (2**224 + h) + (2**224 + 2 * h) * 2**224


def test_reduction_bounds_close_over_one_step():
    # Every step starts from x_2, z_2, x_3, z_3 in [0, p) (each leaves the step through % p);
    # follow the step's data flow on magnitudes: the values that feed one more product stay
    # under 2^458 (16 CPython digits), and the four values that leave the step are small
    # enough that their `% p` is cheap (under 2^474).
    R = _reduce_bound
    x_1 = fast_x448.P
    A = B = C = D = 2 * fast_x448.P
    AA, BB, DA, CB = R(A * A), R(B * B), R(D * A), R(C * B)
    square = R((DA + CB) ** 2)
    E = AA + BB
    assert max(AA, BB, DA, CB) < 2**452 and square < 2**458
    leaving = [R((DA + CB) ** 2), R(square * x_1), R(AA * BB), R((AA + fast_x448.A24 * E) * E)]
    assert max(leaving) < 2**474


@given(x=st.integers(-(2**920), 2**920))
def test_reduction_is_congruent_including_negative_values(x):
    p = fast_x448.P
    h = x >> 672
    s = ((x >> 448) & (2**224 - 1)) + h
    assert ((x & (2**448 - 1)) + s + ((s + h) << 224) - x) % p == 0


def test_fold_is_congruent_including_negative_values():
    p, m = fast_x448.P, (1 << 448) - 1
    for x in (0, 1, -1, p, -p, 2**900 - 1, -(2**917) + 12345, 3 * p * p):
        h = x >> 448
        assert ((x & m) + h + (h << 224) - x) % p == 0


# --- against the readable ladder ---

@settings(max_examples=10)
@given(k=keys, u=keys)
def test_agrees_with_readable(k, u):
    assert fast_x448.x448(k, u) == x448.x448(k, u)


@pytest.mark.parametrize("u", [0, 1, 5, 2**224, fast_x448.P - 1, fast_x448.P, fast_x448.P + 1,
                               2**448 - 1], ids=lambda u: f"u={u:#x}"[:24])
@pytest.mark.parametrize("k", [bytes(56), b"\xff" * 56, bytes([0xaa]) * 56],
                         ids=["k=00", "k=ff", "k=aa"])
def test_extreme_inputs_agree_with_readable(k, u):
    u_bytes = u.to_bytes(56, "little")
    assert fast_x448.x448(k, u_bytes) == x448.x448(k, u_bytes)


@settings(max_examples=5)
@given(k=keys)
def test_key_classes_agree_under_each_implementation(k):
    results = []
    for mode in impl.IMPLEMENTATIONS:
        with impl.using(mode, "x448"):
            results.append(x448.X448PrivateKey.from_private_bytes(k).public_key())
    assert results[0] == results[1]


@settings(max_examples=20)
@given(k=keys, small=st.integers(0, 2**448 - 1 - fast_x448.P))
def test_non_canonical_u_is_reduced_like_readable(k, small):
    # RFC 7748 §5: u >= p (every 56-byte value from p to 2^448 - 1) is reduced modulo p
    u = (fast_x448.P + small).to_bytes(56, "little")
    assert fast_x448.x448(k, u) == x448.x448(k, u)
    assert fast_x448.x448(k, u) == fast_x448.x448(k, small.to_bytes(56, "little"))


@settings(max_examples=10)
@given(k=keys, u=st.sampled_from([0, 1, fast_x448.P - 1, fast_x448.P, fast_x448.P + 1]))
def test_low_order_u_gives_zero_under_both_and_exchange_refuses(k, u):
    u_bytes = u.to_bytes(56, "little")
    assert fast_x448.x448(k, u_bytes) == x448.x448(k, u_bytes) == bytes(56)
    for mode in impl.IMPLEMENTATIONS:
        with impl.using(mode, "x448"):
            private = x448.X448PrivateKey.from_private_bytes(k)
            with pytest.raises(InvalidKey):
                private.exchange(x448.X448PublicKey.from_public_bytes(u_bytes))


# --- the swap bits shared with X25519 (refkx.fast.ladder) ---

def _rfc_swaps(k: int, bits: int) -> list[int]:
    """RFC 7748 §5's swap sequence, step by step: swap ^= k_t; (cswap); swap = k_t."""
    swaps, swap = [], 0
    for t in range(bits - 1, -1, -1):
        k_t = (k >> t) & 1
        swaps.append(swap ^ k_t)
        swap = k_t
    return swaps


@given(k=st.integers(0, 2**460), bits=st.sampled_from([255, 448]))
def test_swap_bits_are_the_rfc_sequence(k, bits):
    assert list(swap_bits(k, bits)) == _rfc_swaps(k, bits)


# --- fixed base: the twisted Edwards curve birational to curve448 ---

def test_edwards_constants_and_base_point():
    p = fast_x448.P
    x, y = fast_x448._edwards_base_point()
    a, d = fast_x448.a, fast_x448.d
    assert (a * x * x + y * y - 1 - d * x * x * y * y) % p == 0    # on the curve
    assert (1 + y) * pow(1 - y, -1, p) % p == x448.BASE_U          # maps back to u = 5
    assert pow(a, (p - 1) // 2, p) == p - 1                        # a is not a square (docstring)


def test_table_built_in_steps_then_used():
    table = fast_x448._FIXED.complete()
    assert len(table) == fast_x448._WINDOWS and len(table[0]) == 1 << fast_x448.WINDOW
    rec = next(r for r in _records("rfc7748-6-dh.txt") if r["CURVE"] == "X448")
    for private, public in (("ALICE_PRIVATE", "ALICE_PUBLIC"), ("BOB_PRIVATE", "BOB_PUBLIC")):
        k = fast_x448.decode_scalar(unhex(rec[private]))
        assert fast_x448.base_mult(k).to_bytes(56, "little") == unhex(rec[public])


@settings(max_examples=25)
@given(k=keys)
def test_base_mult_agrees_with_readable(k):
    fast_x448._FIXED.complete()
    expected = x448.x448(k, x448.BASE_POINT)
    assert fast_x448.base_mult(fast_x448.decode_scalar(k)).to_bytes(56, "little") == expected
    assert fast_x448.x448(k, x448.BASE_POINT) == expected
    assert fast_x448.x448(k, (5 + fast_x448.P).to_bytes(56, "little")) == expected


def test_table_built_by_several_threads_at_once(monkeypatch):
    # As for X25519 (tests/test_fast.py): while the shared table grows, every public key must
    # still be right, and the finished table must hold each row once.
    from test_fast import _race
    monkeypatch.setattr(fast_x448, "_FIXED", fast_x448._fixed_base_table())   # empty, shared
    steps = -(-fast_x448._WINDOWS // fast_x448.ROWS_PER_CALL)

    def work(i):
        wrong = 0
        for j in range(steps + 2):
            k = fast_x448.decode_scalar(bytes([i + 1, j + 1]) * 28)
            wrong += fast_x448.base_mult(k) != fast_x448.ladder(k, 5)
        return wrong
    assert _race(work) == [0, 0, 0, 0]
    table = fast_x448._FIXED.table
    assert table is not None and len(table) == fast_x448._WINDOWS
    k = fast_x448.decode_scalar(bytes(range(56)))
    assert fast_x448.base_mult(k) == fast_x448.ladder(k, 5)
