"""Vectors for X25519 and X448 (RFC 7748 §5.2, §6.1, §6.2) and derived low-order points.

Files (vectors/rfc7748/, provenance in vectors/SOURCES.md):
* x25519-rfc7748.txt, x448-rfc7748.txt: the §5.2 single-shot vectors (COUNT 1, 2)
  and k = u = base point (COUNT 3, the same as "after one iteration");
* rfc7748-5.2-decoded.txt: the RFC's base-10 values of the decoded scalar and u;
* rfc7748-5.2-iterated.txt: after 1, 1,000 and 1,000,000 iterations (the last is slow);
* rfc7748-6-dh.txt: the §6.1 / §6.2 Diffie-Hellman examples;
* x25519-low-order.txt, x448-low-order.txt: u-coordinates of small order, which
  the key classes' exchange() must refuse with InvalidKey.
"""

from __future__ import annotations

import sys
import time
from typing import Callable

from .. import x448 as x448_module
from .. import x25519 as x25519_module
from ..errors import InvalidKey
from . import Case, vector_path
from .parsers import parse_key_value_blocks, unhex

SOURCE_FUNCTIONS = "RFC 7748 §5.2 (X25519/X448 functions)"
SOURCE_DH = "RFC 7748 §6.1-6.2 (Diffie-Hellman)"
SOURCE_LOW_ORDER = "RFC 7748 §6-7 low-order points (derived)"

CURVES = {"X25519": x25519_module, "X448": x448_module}
PROGRESS_EVERY = 100_000
ESTIMATE_ITERATIONS = 200   # iterations timed to estimate a slow iterated vector


def _function(module) -> Callable[[bytes, bytes], bytes]:
    """The curve's function as the key classes run it: through the module's `_scalar_mult`,
    which asks refkx.impl at each call (the readable `x25519`/`x448`, or a fast twin)."""
    return lambda k, u: module._scalar_mult(k, u)


def iterate(function: Callable[[bytes, bytes], bytes], start: bytes, iterations: int,
            label: str = "", progress_every: int = 0) -> bytes:
    """RFC 7748 §5.2 iterated test: k = u = start; then k, u = function(k, u), k.

    With progress_every > 0, writes a progress line with an ETA to stderr every that
    many iterations (the 1,000,000-iteration vectors take many minutes in pure Python).
    """
    k = u = start
    started = time.perf_counter()
    for i in range(1, iterations + 1):
        k, u = function(k, u), k
        if progress_every and i % progress_every == 0:
            remaining = (time.perf_counter() - started) / i * (iterations - i)
            print(f"  {label}: {i:,} / {iterations:,} iterations, ETA {format_duration(remaining)}",
                  file=sys.stderr, flush=True)
    return k


def format_duration(seconds: float) -> str:
    """'45 s', '16 min', '1 h 22 min'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes // 60} h {minutes % 60} min"


def estimate_iterations(function: Callable[[bytes, bytes], bytes], start: bytes,
                        iterations: int) -> float:
    """Seconds `iterate(function, start, iterations)` should take: ESTIMATE_ITERATIONS timed."""
    began = time.perf_counter()
    iterate(function, start, ESTIMATE_ITERATIONS)
    return (time.perf_counter() - began) / ESTIMATE_ITERATIONS * iterations


def _single_case(curve: str, count: str, rec: dict[str, str]) -> Case:
    function = _function(CURVES[curve])
    k, u, expected = unhex(rec["INPUT_SCALAR"]), unhex(rec["INPUT_U"]), unhex(rec["OUTPUT_U"])
    name = f"vector{count}" if count in ("1", "2") else "basepoint"
    case_id = f"rfc7748-5.2-{curve.lower()}-{name}"

    def run() -> None:
        got = function(k, u)
        assert got == expected, f"{case_id}: {got.hex()} != {expected.hex()}"

    return Case(SOURCE_FUNCTIONS, case_id, run)


def _decoded_case(rec: dict[str, str], hex_records: dict[str, dict[str, str]]) -> Case:
    curve, count = rec["CURVE"], rec["COUNT"]
    module = CURVES[curve]
    hex_rec = hex_records[f"{curve}-{count}"]
    k, u = unhex(hex_rec["INPUT_SCALAR"]), unhex(hex_rec["INPUT_U"])
    scalar, u_int = int(rec["SCALAR_BASE10"]), int(rec["U_BASE10"])
    case_id = f"rfc7748-5.2-{curve.lower()}-vector{count}-decoded"

    def run() -> None:
        assert module.decode_scalar(k) == scalar, f"{case_id}: decodeScalar"
        assert module.decode_u_coordinate(u) == u_int, f"{case_id}: decodeUCoordinate"

    return Case(SOURCE_FUNCTIONS, case_id, run)


def _iterated_case(rec: dict[str, str]) -> Case:
    curve, iterations = rec["CURVE"], int(rec["ITERATIONS"])
    module = CURVES[curve]
    function = _function(module)
    expected = unhex(rec["OUTPUT"])
    case_id = f"rfc7748-5.2-{curve.lower()}-iter{iterations}"
    slow = iterations > 1000

    def run() -> None:
        got = iterate(function, module.BASE_POINT, iterations, case_id,
                      PROGRESS_EVERY if slow else 0)
        assert got == expected, f"{case_id}: {got.hex()} != {expected.hex()}"

    def estimate() -> float:
        return estimate_iterations(function, module.BASE_POINT, iterations)

    return Case(SOURCE_FUNCTIONS, case_id, run, slow=slow, estimate=estimate if slow else None)


def _dh_case(rec: dict[str, str]) -> Case:
    curve, section = rec["CURVE"], rec["SECTION"]
    module = CURVES[curve]
    private_cls = getattr(module, f"{curve}PrivateKey")
    public_cls = getattr(module, f"{curve}PublicKey")
    function = _function(module)
    a, b = unhex(rec["ALICE_PRIVATE"]), unhex(rec["BOB_PRIVATE"])
    k_a, k_b, k = unhex(rec["ALICE_PUBLIC"]), unhex(rec["BOB_PUBLIC"]), unhex(rec["SHARED"])
    case_id = f"rfc7748-{section}-{curve.lower()}-dh"

    def run() -> None:
        # The RFC function ...
        assert function(a, module.BASE_POINT) == k_a, f"{case_id}: Alice's public key"
        assert function(b, module.BASE_POINT) == k_b, f"{case_id}: Bob's public key"
        assert function(a, k_b) == k, f"{case_id}: X(a, K_B)"
        # ... and the key classes on top of it.
        alice, bob = private_cls.from_private_bytes(a), private_cls.from_private_bytes(b)
        assert alice.public_key().public_bytes_raw() == k_a, f"{case_id}: Alice's public_key()"
        assert bob.public_key().public_bytes_raw() == k_b, f"{case_id}: Bob's public_key()"
        assert alice.exchange(public_cls.from_public_bytes(k_b)) == k, f"{case_id}: Alice's K"
        assert bob.exchange(public_cls.from_public_bytes(k_a)) == k, f"{case_id}: Bob's K"

    return Case(SOURCE_DH, case_id, run)


def _low_order_case(curve: str, rec: dict[str, str]) -> Case:
    module = CURVES[curve]
    private_cls = getattr(module, f"{curve}PrivateKey")
    public_cls = getattr(module, f"{curve}PublicKey")
    u = unhex(rec["U"])
    case_id = f"rfc7748-low-order-{curve.lower()}-{rec['NAME']}"
    # A fixed, arbitrary private key (any clamped scalar sends these u to 0).
    k = bytes(range(1, module.KEY_SIZE + 1))

    def run() -> None:
        assert int.from_bytes(u, "little") == int(rec["VALUE"]), f"{case_id}: VALUE != U"
        assert _function(module)(k, u) == bytes(module.KEY_SIZE), f"{case_id}: not sent to 0"
        try:
            private_cls.from_private_bytes(k).exchange(public_cls.from_public_bytes(u))
        except InvalidKey:
            return
        raise AssertionError(f"{case_id}: exchange accepted a low-order point")

    return Case(SOURCE_LOW_ORDER, case_id, run)


def cases():
    hex_records: dict[str, dict[str, str]] = {}
    for curve, name in (("X25519", "x25519-rfc7748.txt"), ("X448", "x448-rfc7748.txt")):
        for rec in parse_key_value_blocks(vector_path("rfc7748", name)):
            hex_records[f"{curve}-{rec['COUNT']}"] = rec
            yield _single_case(curve, rec["COUNT"], rec)
    for rec in parse_key_value_blocks(vector_path("rfc7748", "rfc7748-5.2-decoded.txt")):
        yield _decoded_case(rec, hex_records)
    for rec in parse_key_value_blocks(vector_path("rfc7748", "rfc7748-5.2-iterated.txt")):
        yield _iterated_case(rec)
    for rec in parse_key_value_blocks(vector_path("rfc7748", "rfc7748-6-dh.txt")):
        yield _dh_case(rec)
    for curve, name in (("X25519", "x25519-low-order.txt"), ("X448", "x448-low-order.txt")):
        for rec in parse_key_value_blocks(vector_path("rfc7748", name)):
            yield _low_order_case(curve, rec)
