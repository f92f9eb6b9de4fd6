"""The Montgomery ladder of RFC 7748 §5 (refkx.montgomery), independent of the curves' encodings."""

import ast
import inspect
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from refkx import montgomery, x448, x25519
from refkx.errors import InvalidKey
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, unhex
from refkx.kat.rfc7748 import iterate
from refkx.montgomery import cswap, is_all_zero, ladder, require_key_bytes

CURVES = [
    pytest.param((x25519.P, x25519.A, x25519.A24, x25519.BASE_U, x25519.ORDER), id="curve25519"),
    pytest.param((x448.P, x448.A, x448.A24, x448.BASE_U, x448.ORDER), id="curve448"),
]


# --- the conditional swap ---

@given(st.integers(0, 2**448), st.integers(0, 2**448))
def test_cswap_swaps_exactly_when_swap_is_one(x_2, x_3):
    assert cswap(0, x_2, x_3) == (x_2, x_3)
    assert cswap(1, x_2, x_3) == (x_3, x_2)


def _function_ast(function):
    return ast.parse(textwrap.dedent(inspect.getsource(function)))


def test_cswap_has_no_branch():
    # The mask form of RFC 7748 §5: no `if`, no conditional expression, no boolean short-circuit.
    tree = _function_ast(cswap)
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.If, ast.IfExp, ast.BoolOp))]


def test_ladder_branches_only_on_the_trace_hook():
    # The only `if` in the ladder tests whether a trace observer was passed, never a bit of k.
    ifs = [node for node in ast.walk(_function_ast(ladder)) if isinstance(node, (ast.If, ast.IfExp))]
    assert len(ifs) == 1
    assert ast.unparse(ifs[0].test) == "observe is not None"


# --- the ladder computes scalar multiples ---

def _affine_add_u(p, A, u1, v1, u2, v2):
    """u of (u1, v1) + (u2, v2) on v^2 = u^3 + A u^2 + u (distinct points): a textbook check."""
    lam = (v2 - v1) * pow(u2 - u1, p - 2, p) % p
    return (lam * lam - A - u1 - u2) % p


def _sqrt_candidates(p, a):
    """Square roots of a mod p for p = 2^255 - 19 (p = 5 mod 8) or p = 3 mod 4, or None."""
    if p % 4 == 3:
        r = pow(a, (p + 1) // 4, p)
        return r if r * r % p == a % p else None
    r = pow(a, (p + 3) // 8, p)
    if r * r % p == a % p:
        return r
    r = r * pow(2, (p - 1) // 4, p) % p
    return r if r * r % p == a % p else None


@pytest.mark.parametrize("curve", CURVES)
def test_ladder_small_multiples_agree_with_affine_addition(curve):
    # [2]P computed by the ladder vs. the tangent rule; [3]P vs. the chord rule on P and [2]P.
    p, A, a24, u, _ = curve
    rhs = (u**3 + A * u * u + u) % p
    v = _sqrt_candidates(p, rhs)
    assert v is not None, "the base point lies on the curve"
    lam = (3 * u * u + 2 * A * u + 1) * pow(2 * v, p - 2, p) % p      # tangent slope
    u2 = (lam * lam - A - 2 * u) % p
    v2 = (lam * (u - u2) - v) % p
    assert ladder(2, u, p, a24, 2) == u2
    assert ladder(3, u, p, a24, 2) == _affine_add_u(p, A, u, v, u2, v2)


@pytest.mark.parametrize("curve", CURVES)
def test_order_times_base_point_is_infinity(curve):
    # RFC 7748 §4.1 / §4.2: the base point generates the subgroup of prime order "order".
    p, _, a24, u, order = curve
    assert ladder(order, u, p, a24, order.bit_length()) == 0
    assert ladder(order - 1, u, p, a24, order.bit_length()) == u      # [order - 1]P = -P, same u
    assert pow(2, order - 1, order) == 1                              # Fermat: order is (probably) prime


@pytest.mark.parametrize("curve", CURVES)
@settings(max_examples=10)
@given(m=st.integers(1, 2**64), n=st.integers(1, 2**64))
def test_ladder_composes(curve, m, n):
    # u([m][n]P) = u([m n]P): the ladder really multiplies.
    p, _, a24, u, _ = curve
    inner = ladder(n, u, p, a24, n.bit_length())
    assert ladder(m, inner, p, a24, m.bit_length()) == ladder(m * n, u, p, a24, (m * n).bit_length())


@pytest.mark.parametrize("curve", CURVES)
def test_leading_zero_steps_change_nothing(curve):
    # Extra ladder steps over leading zero bits keep (x_2 : z_2) at the point at infinity.
    p, _, a24, u, _ = curve
    assert ladder(12345, u, p, a24, 14) == ladder(12345, u, p, a24, 64)


def test_observer_sees_every_step():
    seen = []
    ladder(0b1011, 9, x25519.P, x25519.A24, 6, lambda t, k_t, *rest: seen.append((t, k_t)))
    assert seen == [(5, 0), (4, 0), (3, 1), (2, 0), (1, 1), (0, 1)]


def test_module_docstring_states_the_timing_caveat():
    assert "not constant-time" in montgomery.__doc__
    assert "RFC 7748" in montgomery.__doc__


# --- the §6 pieces both curves share ---

def test_is_all_zero_visits_every_byte():
    assert is_all_zero(bytes(32)) and is_all_zero(b"")
    for i in range(32):
        assert not is_all_zero(bytes(i) + b"\x01" + bytes(31 - i))
    assert ast.unparse(_function_ast(is_all_zero)).count("return") == 1     # no early exit


def test_require_key_bytes():
    assert require_key_bytes("k", bytearray(3), 3) == bytes(3)
    with pytest.raises(InvalidKey, match="k must be 3 bytes, got 4"):
        require_key_bytes("k", bytes(4), 3)
    with pytest.raises(TypeError, match="k must be bytes-like"):
        require_key_bytes("k", "abc", 3)


def test_keys_of_the_two_curves_never_mix():
    u25519, u448 = x25519.X25519PublicKey(bytes(32)), x448.X448PublicKey(bytes(56))
    assert u25519 != u448 and u448 != u25519
    with pytest.raises(TypeError, match="X448PublicKey"):
        x448.X448PrivateKey.generate().exchange(u25519)
    assert type(x25519.X25519PrivateKey.generate().public_key()) is x25519.X25519PublicKey
    assert type(x448.X448PrivateKey.generate().public_key()) is x448.X448PublicKey
    assert not hasattr(x25519.X25519PrivateKey.generate(), "__dict__")      # __slots__ all the way


@pytest.mark.parametrize("curve", ["X25519", "X448"])
def test_transcribed_vectors_agree_with_cryptography(curve):
    # Our RFC 7748 §5.2 and §6 transcriptions, recomputed by OpenSSL (not by refkx).
    crypto = pytest.importorskip(f"cryptography.hazmat.primitives.asymmetric.{curve.lower()}")
    private_class = getattr(crypto, f"{curve}PrivateKey")
    public_class = getattr(crypto, f"{curve}PublicKey")
    base_point = {"X25519": x25519.BASE_POINT, "X448": x448.BASE_POINT}[curve]

    def theirs(k, u):
        return private_class.from_private_bytes(k).exchange(public_class.from_public_bytes(u))

    for rec in parse_key_value_blocks(vector_path("rfc7748", "rfc7748-5.2-iterated.txt")):
        if rec["CURVE"] == curve and int(rec["ITERATIONS"]) <= 1000:
            assert iterate(theirs, base_point, int(rec["ITERATIONS"])) == unhex(rec["OUTPUT"])
    for rec in parse_key_value_blocks(vector_path("rfc7748", "rfc7748-6-dh.txt")):
        if rec["CURVE"] == curve:
            a, b = unhex(rec["ALICE_PRIVATE"]), unhex(rec["BOB_PRIVATE"])
            assert theirs(a, base_point) == unhex(rec["ALICE_PUBLIC"])
            assert theirs(b, base_point) == unhex(rec["BOB_PUBLIC"])
            assert theirs(a, unhex(rec["BOB_PUBLIC"])) == unhex(rec["SHARED"])
