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


# --- the fold bounds (module docstring): they must close over one ladder step ---

def _fold_bound(magnitude: int) -> int:
    """A bound on |fold(x)| for |x| <= magnitude (h = x >> 448 floors, so |h| <= |x|/2^448 + 1)."""
    return 2**448 + (magnitude // 2**448 + 1) * (2**224 + 1)


def _folds(magnitude: int, count: int) -> int:
    for _ in range(count):
        magnitude = _fold_bound(magnitude)
    return magnitude


def test_fold_bounds_close_over_one_step():
    # Start from the largest value a step can leave (found by iterating), follow the step's
    # data flow on magnitudes with the same fold counts as fast_x448.ladder, and check that
    # every value leaving the step is again within the start bound.
    start = 2**448 + 2**246
    x_1 = fast_x448.P
    A = B = C = D = 2 * start
    AA, BB = _folds(A * A, 2), _folds(B * B, 2)
    DA, CB = _folds(D * A, 2), _folds(C * B, 2)
    x_3 = _folds((DA + CB) ** 2, 3)
    z_3 = _folds(_folds((DA + CB) ** 2, 2) * x_1, 3)
    E = AA + BB
    x_2 = _folds(AA * BB, 3)
    z_2 = _folds((AA + fast_x448.A24 * E) * E, 3)
    assert max(AA, BB, DA, CB) < 2**451
    assert _folds((DA + CB) ** 2, 2) < 2**455
    assert max(x_3, z_3, x_2, z_2) <= start


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
