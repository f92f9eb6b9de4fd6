"""The optimised twins in refkx/fast/ compute exactly what the readable modules compute.

The published vectors run through both implementations in each area's test file (the
`implementation` fixture, tests/conftest.py). Here: hypothesis equality of each twin against
its readable module, the public classes under refkx.impl.using(...) both ways, and the edges
only a twin has (chunk boundaries, counter wrap-around, chained GHASH, the fixed-base tables,
the Jacobi symbol). Tests never assert on time.
"""

from __future__ import annotations

import contextlib
import secrets

import pytest
from hypothesis import given, settings, strategies as st

from refkx import impl
from refkx.aes import AES
from refkx.errors import InvalidTag
from refkx.fast import aes as aes_fast, gcm as gcm_fast
from refkx.fast.aes import FastAES, counter_lanes, ctr_xor
from refkx.fast.gcm import FastGCM, GHashKey, ghash_scalar
from refkx.kat import vector_path
from refkx.kat.parsers import parse_key_value_blocks, parse_records_by_key

KEYS = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
DATA = st.binary(min_size=0, max_size=2000)
IVS = st.one_of(st.binary(min_size=12, max_size=12), st.binary(min_size=1, max_size=80))


@contextlib.contextmanager
def patched(module, **values):
    old = {name: getattr(module, name) for name in values}
    try:
        for name, value in values.items():
            setattr(module, name, value)
        yield
    finally:
        for name, value in old.items():
            setattr(module, name, value)


def readable_ecb(key: bytes, data: bytes) -> bytes:
    aes = AES(key)
    return b"".join(aes.encrypt_block(data[i:i + 16]) for i in range(0, len(data), 16))


def readable_ctr(key: bytes, icb: bytes, data: bytes, counter_bits: int = 128) -> bytes:
    """SP 800-38A §6.5 with the readable AES, block by block (m = counter_bits)."""
    aes = AES(key)
    value = int.from_bytes(icb, "big")
    modulus = 1 << counter_bits
    high = value - value % modulus
    out = bytearray()
    for j in range(0, len(data), 16):
        t_j = (high + (value + j // 16) % modulus).to_bytes(16, "big")
        out += bytes(a ^ b for a, b in zip(data[j:j + 16], aes.encrypt_block(t_j)))
    return bytes(out)


# --- AES / CTR: equality with the readable modules ------------------------------------------

@given(key=KEYS, blocks=st.integers(0, 40), data=st.data())
def test_aes_fast_equals_readable(key, blocks, data):
    pt = data.draw(st.binary(min_size=16 * blocks, max_size=16 * blocks))
    assert FastAES(key).encrypt_blocks(pt) == readable_ecb(key, pt)


@given(key=KEYS, icb=st.binary(min_size=16, max_size=16), data=DATA,
       chunk=st.sampled_from([1, 3, 7, 2048]))
def test_ctr_fast_equals_readable(key, icb, data, chunk):
    from refkx import ctr
    with patched(aes_fast, CHUNK_BLOCKS=chunk), impl.using("readable"):
        assert ctr_xor(FastAES(key), icb, data) == ctr.ctr_encrypt(key, icb, data)


@given(key=KEYS, low=st.integers(0, 40), data=st.binary(min_size=0, max_size=800),
       counter_bits=st.sampled_from([32, 128]), chunk=st.sampled_from([2, 5, 2048]))
def test_ctr_fast_counter_wraps(key, low, data, counter_bits, chunk):
    # counters that wrap: ...fffffff0 + small; for m = 32 the upper 96 bits stay, for m = 128
    # the carry runs through the whole block (and 2^128 - 1 wraps to 0)
    for icb in (secrets.token_bytes(12) + (2**32 - 1 - low).to_bytes(4, "big"),
                b"\xff" * 12 + (2**32 - 1 - low).to_bytes(4, "big")):
        with patched(aes_fast, CHUNK_BLOCKS=chunk):
            got = ctr_xor(FastAES(key), icb, data, counter_bits=counter_bits)
        assert got == readable_ctr(key, icb, data, counter_bits)


def test_ctr_fast_long_message_across_chunks():
    key, icb = secrets.token_bytes(16), secrets.token_bytes(16)
    data = secrets.token_bytes(16 * (aes_fast.CHUNK_BLOCKS + 3) + 5)
    stream = ctr_xor(FastAES(key), icb, data)
    # spot-check blocks on both sides of the chunk boundary against the readable AES
    aes = AES(key)
    for j in (0, aes_fast.CHUNK_BLOCKS - 1, aes_fast.CHUNK_BLOCKS, aes_fast.CHUNK_BLOCKS + 3):
        t_j = ((int.from_bytes(icb, "big") + j) % 2**128).to_bytes(16, "big")
        o_j = aes.encrypt_block(t_j)
        piece = data[16 * j:16 * j + 16]
        assert stream[16 * j:16 * j + 16] == bytes(a ^ b for a, b in zip(piece, o_j))


def test_counter_lanes_rejects_other_widths():
    with pytest.raises(ValueError):
        counter_lanes(bytes(16), 4, counter_bits=64)


def test_aes_fast_input_checks():
    with pytest.raises(TypeError):
        FastAES("0" * 16)
    with pytest.raises(ValueError):
        FastAES(bytes(15))
    aes = FastAES(bytes(16))
    with pytest.raises(ValueError):
        aes.encrypt_blocks(bytes(17))
    with pytest.raises(TypeError):
        aes.encrypt_blocks("x" * 16)
    with pytest.raises(ValueError):
        aes.encrypt_block(bytes(15))
    assert aes.encrypt_blocks(b"") == b""
    data = bytearray(32)
    aes.encrypt_blocks(data)
    assert data == bytearray(32)                      # arguments are not modified
    assert aes.encrypt_blocks(memoryview(bytes(32))) == aes.encrypt_blocks(bytes(32))


# --- GHASH / GCM (SP 800-38D) --------------------------------------------------------------

@given(h=st.binary(min_size=16, max_size=16), blocks=st.integers(0, 60), data=st.data())
def test_ghash_fast_equals_readable(h, blocks, data):
    from refkx.gcm import ghash
    X = data.draw(st.binary(min_size=16 * blocks, max_size=16 * blocks))
    key = GHashKey(int.from_bytes(h, "big"))
    assert key.digest(X).to_bytes(16, "big") == ghash(h, X)
    assert gcm_fast.ghash(h, X) == ghash(h, X)


@given(h=st.binary(min_size=16, max_size=16), blocks=st.integers(0, 70), k=st.sampled_from([1, 2, 8, 16]),
       data=st.data())
@settings(max_examples=25)
def test_ghash_chained_equals_scalar(h, blocks, k, data):
    X = data.draw(st.binary(min_size=16 * blocks, max_size=16 * blocks))
    key = GHashKey(int.from_bytes(h, "big"))
    with patched(gcm_fast, CHAIN_MIN_BLOCKS=1, CHAIN_COUNT=k):
        chained = key.digest(X)
    assert chained == ghash_scalar(key.tables, X)


def test_ghash_chained_default_size_equals_readable():
    from refkx.gcm import ghash
    h = secrets.token_bytes(16)
    X = secrets.token_bytes(16 * (gcm_fast.CHAIN_MIN_BLOCKS + 7))
    assert gcm_fast.ghash(h, X) == ghash(h, X)


def test_ghash_fast_rejects_partial_blocks():
    with pytest.raises(ValueError):
        gcm_fast.ghash(bytes(16), bytes(17))


@given(key=KEYS, iv=IVS, data=DATA, aad=st.binary(max_size=100), chunk=st.sampled_from([1, 2, 2048]))
def test_gcm_fast_equals_readable(key, iv, data, aad, chunk):
    from refkx import gcm
    with impl.using("readable"):
        expected = gcm.AESGCM(key).encrypt(iv, data, aad)
    with patched(aes_fast, CHUNK_BLOCKS=chunk):
        fast = FastGCM(key)
        assert fast.encrypt(iv, data, aad) == expected
        assert fast.decrypt(iv, expected[:-16], expected[-16:], aad) == data


@given(key=KEYS, iv=IVS, data=st.binary(max_size=300), aad=st.binary(max_size=40),
       where=st.integers(0, 10_000), bit=st.integers(0, 7), part=st.sampled_from("CTAN"))
@settings(max_examples=30)
def test_gcm_fast_tampering_fails(key, iv, data, aad, where, bit, part):
    aead = FastGCM(key)
    sealed = aead.encrypt(iv, data, aad)
    C, T = bytearray(sealed[:-16]), bytearray(sealed[-16:])
    A, N = bytearray(aad), bytearray(iv)
    target = {"C": C, "T": T, "A": A, "N": N}[part]
    if not target:
        return
    target[where % len(target)] ^= 1 << bit
    with pytest.raises(InvalidTag):
        aead.decrypt(bytes(N), bytes(C), bytes(T), bytes(A))


# Lengths around the thresholds of refkx.fast.gcm: PIPELINE_MIN_BLOCKS (BlockAES below, lane
# pipeline from there on, with H in the first pass) and 1 KiB records; AAD of 0-3 blocks.
_AROUND_THRESHOLDS = st.one_of(
    st.integers(0, 16 * (gcm_fast.PIPELINE_MIN_BLOCKS + 2)),
    st.integers(1000, 1060), st.integers(0, 2100))


@given(key=KEYS, iv=IVS, n=_AROUND_THRESHOLDS, aad_len=st.integers(0, 50), data=st.data())
@settings(max_examples=60)
def test_gcm_fast_equals_readable_around_thresholds(key, iv, n, aad_len, data):
    """Fast vs readable SP 800-38D §7.1/§7.2, for a key's first message (H computed in the
    same AES pass) and its second (H known), through AESGCM both ways."""
    from refkx import gcm
    P = data.draw(st.binary(min_size=n, max_size=n))
    A = data.draw(st.binary(min_size=aad_len, max_size=aad_len))
    with impl.using("readable"):
        expected = gcm.AESGCM(key).encrypt(iv, P, A)
    fast = FastGCM(key)
    assert fast.encrypt(iv, P, A) == expected                 # first message under the key
    assert fast.encrypt(iv, P, A) == expected                 # second: H and ciphers reused
    assert FastGCM(key).decrypt(iv, expected[:-16], expected[-16:], A) == P
    with impl.using("fast"):
        assert gcm.AESGCM(key).encrypt(iv, P, A) == expected
        assert gcm.AESGCM(key).decrypt(iv, expected, A) == P


@given(key=KEYS, iv=IVS, n=_AROUND_THRESHOLDS, aad=st.binary(max_size=40),
       where=st.integers(0, 10_000), bit=st.integers(0, 7), part=st.sampled_from("CTAN"),
       fresh=st.booleans(), data=st.data())
@settings(max_examples=40)
def test_gcm_fast_tamper_around_thresholds(key, iv, n, aad, where, bit, part, fresh, data):
    """The untampered message opens (with a fresh key object, so decrypt is the key's first
    message, or the sealing one); one flipped bit of C, T, A or the nonce raises InvalidTag."""
    P = data.draw(st.binary(min_size=n, max_size=n))
    aead = FastGCM(key)
    sealed = aead.encrypt(iv, P, aad)
    opener = FastGCM(key) if fresh else aead
    assert opener.decrypt(iv, sealed[:-16], sealed[-16:], aad) == P
    C, T = bytearray(sealed[:-16]), bytearray(sealed[-16:])
    A, N = bytearray(aad), bytearray(iv)
    target = {"C": C, "T": T, "A": A, "N": N}[part]
    if not target:
        return
    target[where % len(target)] ^= 1 << bit
    with pytest.raises(InvalidTag):
        (FastGCM(key) if fresh else aead).decrypt(bytes(N), bytes(C), bytes(T), bytes(A))


@given(h=st.binary(min_size=16, max_size=16), blocks=st.integers(0, 140), data=st.data())
@settings(max_examples=40)
def test_ghash_product_table_equals_readable(h, blocks, data):
    """ghash_products (idea 4 of refkx.fast.gcm) is SP 800-38D §6.4 GHASH, and the bit-order
    conversions are inverses."""
    from refkx.gcm import ghash
    X = data.draw(st.binary(min_size=16 * blocks, max_size=16 * blocks))
    H = int.from_bytes(h, "big")
    Y = gcm_fast.ghash_products(gcm_fast.product_table(H), X)
    assert gcm_fast.from_poly_order(Y) == ghash(h, X)
    assert gcm_fast.to_poly_order(h) < 1 << 128
    assert gcm_fast.from_poly_order(gcm_fast.to_poly_order(h)) == h


@given(key=KEYS)
def test_expand_key_equals_readable(key):
    """FIPS 197 §5.2: the fast key expansion gives the readable module's words."""
    from refkx.aes import key_expansion
    assert aes_fast.expand_key(key) == key_expansion(key)


@given(key=KEYS, icb=st.binary(min_size=16, max_size=16), n=st.integers(1, 40),
       lead=st.binary(min_size=16, max_size=16))
@settings(max_examples=30)
def test_keystream_lead_block_is_encrypted_first(key, icb, n, lead):
    aes = FastAES(key)
    assert (aes.keystream(icb, n, 32, lead=lead)
            == AES(key).encrypt_block(lead) + aes.keystream(icb, n, 32))


def test_gcm_fast_against_cryptography_long():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as PycaAESGCM
    key = secrets.token_bytes(16)
    for length in (16 * 4096, 70_000, 16 * gcm_fast.CHAIN_MIN_BLOCKS + 5):
        iv, data = secrets.token_bytes(12), secrets.token_bytes(length)
        assert FastGCM(key).encrypt(iv, data, b"ad") == PycaAESGCM(key).encrypt(iv, data, b"ad")


# --- X25519 (RFC 7748) -----------------------------------------------------------------------

from refkx.fast import x25519 as x25519_fast  # noqa: E402


@given(k=st.binary(min_size=32, max_size=32), u=st.binary(min_size=32, max_size=32))
@settings(max_examples=30)
def test_x25519_fast_equals_readable(k, u):
    from refkx.x25519 import x25519 as readable_x25519
    assert x25519_fast.x25519(k, u) == readable_x25519(k, u)


@given(k=st.binary(min_size=32, max_size=32))
@settings(max_examples=30)
def test_x25519_fast_base_point_equals_readable(k):
    from refkx.x25519 import x25519 as readable_x25519
    base = (9).to_bytes(32, "little")
    expected = readable_x25519(k, base)
    assert x25519_fast.x25519(k, base) == expected
    assert x25519_fast.base_mult(x25519_fast.decode_scalar(k)).to_bytes(32, "little") == expected


@given(k=st.binary(min_size=32, max_size=32), small=st.integers(0, 40))
@settings(max_examples=20)
def test_x25519_fast_non_canonical_u(k, small):
    # u >= p (2^255 - 19 + small) and u with bit 255 set must be handled like the readable path
    from refkx.x25519 import x25519 as readable_x25519
    for u_int in ((2**255 - 19 + small) % 2**255, small | (1 << 255), 9 + 2**255 - 19):
        u = u_int.to_bytes(32, "little")
        assert x25519_fast.x25519(k, u) == readable_x25519(k, u)


def _x25519_low_order_u() -> list[bytes]:
    from refkx.kat import vector_path
    from refkx.kat.parsers import parse_key_value_blocks, unhex
    records = parse_key_value_blocks(vector_path("rfc7748", "x25519-low-order.txt"))
    return [unhex(r["U"]) for r in records]


@given(k=st.binary(min_size=32, max_size=32), index=st.integers(0, 15))
@settings(max_examples=20)
def test_x25519_fast_low_order_u_all_zero_like_readable(k, index):
    # u = 0, 1, the order-8 points, p - 1, p, p + 1, each also with bit 255 set: X25519 gives all
    # zero under both implementations, and exchange() refuses it (RFC 7748 §6.1)
    from refkx import x25519
    from refkx.errors import InvalidKey
    points = _x25519_low_order_u()
    u = points[index % len(points)]
    assert x25519_fast.x25519(k, u) == x25519.x25519(k, u) == bytes(32)
    for mode in impl.IMPLEMENTATIONS:
        with impl.using(mode, "x25519"):
            private = x25519.X25519PrivateKey.from_private_bytes(k)
            with pytest.raises(InvalidKey):
                private.exchange(x25519.X25519PublicKey.from_public_bytes(u))


def test_x25519_fast_table_built_in_steps_then_used():
    # Each public key before the table is complete adds ROWS_PER_CALL rows (and uses the
    # ladder); the finished table gives the same u as the ladder, RFC 7748 §6.1 vector included.
    from refkx.x25519 import x25519 as readable_x25519
    table = x25519_fast._FIXED.complete()
    assert len(table) == x25519_fast._WINDOWS and len(table[0]) == 1 << x25519_fast.WINDOW
    alice = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    k = x25519_fast.decode_scalar(alice)
    assert x25519_fast.base_mult(k).to_bytes(32, "little").hex() == \
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    for seed in range(5):
        scalar = bytes([seed + 1]) * 32
        assert x25519_fast.base_mult(x25519_fast.decode_scalar(scalar)).to_bytes(32, "little") \
            == readable_x25519(scalar, (9).to_bytes(32, "little"))


def _race(work, threads: int = 4) -> list:
    """Run work(i) in `threads` threads at once, switching between them as often as CPython
    allows, and return every result (an exception in a thread fails the test)."""
    import sys
    import threading
    results, errors = [], []
    start = threading.Barrier(threads)

    def run(i):
        try:
            start.wait(timeout=10)
            results.append(work(i))
        except Exception as exc:        # reported below, in the test's thread
            errors.append(exc)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors
    return results


def test_x25519_fast_table_built_by_several_threads_at_once(monkeypatch):
    # Threads share the stepwise table: while it grows, every public key must still be right,
    # and the finished table must hold each row once (a TLS server computes keys in threads).
    monkeypatch.setattr(x25519_fast, "_FIXED", x25519_fast._fixed_base_table())   # empty, shared
    steps = -(-x25519_fast._WINDOWS // x25519_fast.ROWS_PER_CALL)

    def work(i):
        wrong = 0
        for j in range(steps + 2):
            k = x25519_fast.decode_scalar(bytes([i + 1, j + 1]) * 16)
            wrong += x25519_fast.base_mult(k) != x25519_fast.ladder(k, 9)
        return wrong
    assert _race(work) == [0, 0, 0, 0]
    table = x25519_fast._FIXED.table
    assert table is not None and len(table) == x25519_fast._WINDOWS
    k = x25519_fast.decode_scalar(bytes(range(32)))
    assert x25519_fast.base_mult(k) == x25519_fast.ladder(k, 9)


def test_x25519_fast_ladder_fold_bounds_close():
    # One step on magnitudes (module docstring of ladder): one fold for the inner values, two
    # for the values that leave the step; the start bound must hold again at the end.
    def fold(bound, times):
        for _ in range(times):
            bound = 2**255 + (bound // 2**255 + 1) * 19
        return bound
    start = 2**255 + 2**40
    A = B = C = D = 2 * start
    AA, BB, DA, CB = fold(A * A, 1), fold(B * B, 1), fold(D * A, 1), fold(C * B, 1)
    assert max(AA, BB, DA, CB) < 2**262
    x_3 = fold((DA + CB) ** 2, 2)
    z_3 = fold(fold((DA + CB) ** 2, 1) * x25519_fast.P, 2)
    E = AA + BB
    x_2, z_2 = fold(AA * BB, 2), fold((AA + x25519_fast.A24 * E) * E, 2)
    assert max(x_3, z_3, x_2, z_2) <= start


def test_x25519_fast_edwards_constants():
    # the Edwards base point maps to u = 9, and d is -121665/121666 (RFC 7748 §4.1)
    x, y = x25519_fast._edwards_base_point()
    p = x25519_fast.P
    assert (1 + y) * pow(1 - y, -1, p) % p == 9
    assert (-x * x + y * y - 1 - x25519_fast.d * x * x * y * y) % p == 0
    assert x25519_fast.d * 121666 % p == -121665 % p


# --- FFDH fixed-base exponentiation ----------------------------------------------------------

from refkx import dh  # noqa: E402
from refkx.fast import dh as dh_fast  # noqa: E402


def _dh_records():
    out = []
    for rec in parse_records_by_key(vector_path("dh", "RFC5114.txt"), "COUNT"):
        if "XstatIUT" in rec:
            out.append(pytest.param(rec, id=f"rfc5114-count{rec['COUNT']}"))
    params = {}
    for rec in parse_key_value_blocks(vector_path("dh", "KASValidityTest_FFCStatic_NOKC_ZZOnly_init.fax")):
        if "P" in rec and "COUNT" not in rec:
            params[rec["section"]] = rec
        elif rec.get("Result", "").startswith("P"):
            merged = dict(params[rec["section"]], **rec)
            out.append(pytest.param(merged, id=f"cavp-kas-ffc-{rec['section'][:2]}-count{rec['COUNT']}"))
    return out


@pytest.mark.parametrize("rec", _dh_records())
def test_dh_fast_table_on_published_public_values(rec):
    # The vector tests reach fixed_base_pow while its table is still growing; this
    # runs the published key pairs through the table itself.
    p, q, g = (int(rec[k], 16) for k in ("P", "Q", "G"))
    for who in ("CAVS", "IUT"):
        x, y = int(rec[f"Xstat{who}"], 16), int(rec[f"Ystat{who}"], 16)
        assert _table(g, p, q.bit_length(), dh_fast.WINDOW).pow(x) == y


@given(x=st.integers(0, 2**260), window=st.sampled_from([1, 3, 6]), bits=st.sampled_from([225, 256]))
@settings(max_examples=30)
def test_dh_fast_equals_pow(x, window, bits):
    from refkx.dh_groups import FFDHE2048
    table = _table(FFDHE2048.g, FFDHE2048.p, bits, window)
    assert table.pow(x) == pow(FFDHE2048.g, x, FFDHE2048.p)     # beyond `bits`: pow() fallback


_TABLES = {}


def _table(g, p, bits, window):
    key = (g, p, bits, window)
    if key not in _TABLES:
        _TABLES[key] = dh_fast.FixedBaseTable(g, p, bits, window)
    return _TABLES[key]


@given(x=st.integers(2, 2**224))
@settings(max_examples=20)
def test_dh_fast_non_two_generator(x):
    from refkx.dh_groups import RFC5114_2048_224 as group
    assert _table(group.g, group.p, 224, 5).pow(x) == pow(group.g, x, group.p)


def test_dh_fast_table_grows_in_steps():
    # Every call adds ROWS_PER_CALL rows and already uses them (pow() on the high digits);
    # the table is complete after ceil(rows / ROWS_PER_CALL) calls.
    from refkx.dh_groups import FFDHE3072 as group
    bits = 200
    key = (group.g, group.p, bits)
    dh_fast._TABLES.pop(key, None)
    dh_fast._GROWING.pop(key, None)
    rows = -(-bits // dh_fast.WINDOW)
    calls = -(-rows // dh_fast.ROWS_PER_CALL)
    for i in range(calls + 2):
        x = secrets.randbits(bits) if i % 3 else (0, 1, 2**bits - 1)[i % 9 // 3]
        assert dh_fast.fixed_base_pow(group.g, group.p, x, bits) == pow(group.g, x, group.p)
        if i + 1 < calls:
            assert len(dh_fast._GROWING[key].rows) == (i + 1) * dh_fast.ROWS_PER_CALL
        assert (key in dh_fast._TABLES) == (i + 1 >= calls)
    x = secrets.randbits(bits + 50)                      # longer than the table: pow() fallback
    assert dh_fast.fixed_base_pow(group.g, group.p, x, bits) == pow(group.g, x, group.p)


def test_dh_fast_table_grown_by_several_threads_at_once():
    # rows and base of a growing table change together: readers in other threads must never
    # combine new rows with an old base (or rows built twice from the same base).
    from refkx.dh_groups import FFDHE3072 as group
    bits = 256
    key = (group.g, group.p, bits)
    dh_fast._TABLES.pop(key, None)
    dh_fast._GROWING.pop(key, None)
    calls = -(-(-(-bits // dh_fast.WINDOW)) // dh_fast.ROWS_PER_CALL)

    def work(i):
        wrong = 0
        for j in range(calls + 2):
            x = (i * 7919 + j * 104729 + 1) * 0x9E3779B97F4A7C15 % (1 << bits)
            wrong += dh_fast.fixed_base_pow(group.g, group.p, x, bits) != pow(group.g, x, group.p)
        return wrong
    assert _race(work) == [0, 0, 0, 0]
    assert len(dh_fast._TABLES[key].rows) == -(-bits // dh_fast.WINDOW)


# --- RSA private operation ---------------------------------------------------------------------

from refkx.fast import rsa as rsa_fast  # noqa: E402
from refkx.rsa_primitives import FaultDetected  # noqa: E402


@pytest.fixture(scope="module")
def rsa_key():
    from rsa_keys import cached_key
    return cached_key(1024)


def test_rsa_fast_equals_plain_exponentiation(rsa_key):
    from refkx.rsa_primitives import private_operation as readable_private_operation
    private_operation = rsa_fast.private_operation_fresh_r
    n, d = rsa_key.n, rsa_key.d
    for _ in range(20):
        x = secrets.randbelow(n)
        y = private_operation(rsa_key, x)
        assert y == pow(x, d, n)
        assert y == readable_private_operation(rsa_key, x)
    for x in (0, 1, n - 1):
        assert private_operation(rsa_key, x) == pow(x, d, n)


def test_rsa_fast_fresh_r_variant_draws_a_value_per_operation(rsa_key):
    from refkx import rsa_primitives
    seen = []
    real = rsa_primitives._blinding_factor
    with patched(rsa_primitives, _blinding_factor=lambda n: seen.append(real(n)) or seen[-1]):
        rsa_fast.private_operation_fresh_r(rsa_key, 7)
        rsa_fast.private_operation_fresh_r(rsa_key, 7)
    assert len(seen) == 2 and seen[0] != seen[1]


def test_rsa_fast_fault_check():
    from rsa_keys import cached_key
    from refkx.rsa import RSAPrivateKey
    good = cached_key(1024)
    key = RSAPrivateKey(good.n, good.e, good.d, good.p, good.q)
    key.dP ^= 2                                           # a "fault" in one CRT half
    with pytest.raises(FaultDetected):
        rsa_fast.private_operation_fresh_r(key, secrets.randbelow(key.n))


# --- the public classes give the same results under both implementations (refkx.impl) -------


@given(key=KEYS, iv=IVS, data=st.binary(max_size=600), aad=st.binary(max_size=40))
@settings(max_examples=20)
def test_public_aesgcm_same_on_both_paths(key, iv, data, aad):
    from refkx import gcm
    sealed = gcm.AESGCM(key).encrypt(iv, data, aad)
    with impl.using("readable"):
        assert gcm.AESGCM(key).encrypt(iv, data, aad) == sealed
        assert gcm.AESGCM(key).decrypt(iv, sealed, aad) == data
    assert gcm.AESGCM(key).decrypt(iv, sealed, aad) == data


@given(key=KEYS, icb=st.binary(min_size=16, max_size=16), data=st.binary(max_size=600))
@settings(max_examples=20)
def test_public_ctr_same_on_both_paths(key, icb, data):
    from refkx import ctr
    fast = ctr.ctr_encrypt(key, icb, data)
    assert ctr.ctr_decrypt(bytearray(key), memoryview(icb), bytearray(fast)) == data
    with impl.using("readable"):
        assert ctr.ctr_encrypt(key, icb, data) == fast


@given(a=st.binary(min_size=32, max_size=32), b=st.binary(min_size=32, max_size=32))
@settings(max_examples=10)
def test_public_x25519_same_on_both_paths(a, b):
    from refkx import x25519
    alice, bob = x25519.X25519PrivateKey.from_private_bytes(a), x25519.X25519PrivateKey.from_private_bytes(b)
    shared = alice.exchange(bob.public_key())
    with impl.using("readable"):
        alice2, bob2 = (x25519.X25519PrivateKey.from_private_bytes(a),
                        x25519.X25519PrivateKey.from_private_bytes(b))
        assert alice2.public_key() == alice.public_key()
        assert bob2.exchange(alice2.public_key()) == shared


def test_public_dh_same_on_both_paths():
    from refkx import dh
    group = dh.FFDHE2048
    keys = [dh.DHPrivateKey.generate(group) for _ in range(16)]
    publics = [k.public_key().y for k in keys]                 # the table is built on the way
    assert publics == [pow(group.g, k.x, group.p) for k in keys]
    with impl.using("readable"):
        assert dh.DHPrivateKey(group, keys[0].x).public_key().y == publics[0]


def test_public_rsa_same_on_both_paths():
    from rsa_keys import cached_key
    from refkx import rsa_primitives
    from refkx.rsa import OAEP
    key = cached_key(1024)
    ciphertext = key.public_key().encrypt(b"message", OAEP())
    assert key.decrypt(ciphertext, OAEP()) == b"message"
    with impl.using("readable"):
        assert key.decrypt(ciphertext, OAEP()) == b"message"


# --- refkx.fast.dh.jacobi: the safe-prime subgroup check by Euler's criterion ---

def _jacobi_by_definition(a: int, n: int) -> int:
    """(a/n) as the product of Legendre symbols over n's prime factors (Euler's criterion each)."""
    result, m, f = 1, n, 3
    while m > 1:
        while f * f <= m and m % f:
            f += 2
        if f * f > m:
            f = m
        m //= f
        legendre = pow(a, (f - 1) // 2, f)
        result *= {1: 1, 0: 0}.get(legendre, -1)
    return result


@pytest.mark.parametrize("n", [1, 3, 5, 7, 9, 15, 21, 45, 97, 105, 221, 1001])
def test_dh_fast_jacobi_matches_definition(n):
    for a in range(-3, 2 * n + 3):
        assert dh_fast.jacobi(a, n) == _jacobi_by_definition(a % n, n), (a, n)


def test_dh_fast_jacobi_refuses_even_or_non_positive_n():
    for n in (0, -3, 2, 10):
        with pytest.raises(ValueError):
            dh_fast.jacobi(5, n)


SAFE_PRIME_GROUPS = [g for g in dh.GROUPS.values() if g.is_safe_prime and g.bit_length <= 4096]


@settings(max_examples=40)
@given(group=st.sampled_from(SAFE_PRIME_GROUPS), y=st.integers(min_value=2), square=st.booleans())
def test_dh_fast_subgroup_check_equals_pow(group, y, square):
    y = y % (group.p - 3) + 2                      # 2 <= y <= p - 2
    if square:
        y = y * y % group.p or 4                   # a square: in the order-q subgroup
    assert dh_fast.in_safe_prime_subgroup(y, group.p) == (pow(y, group.q, group.p) == 1)


def test_ghash_product_table_equals_byte_tables_and_readable():
    """Idea 4 of refkx.fast.gcm: a key hashes with one product table first, then 8-bit tables;
    both give the readable GHASH (SP 800-38D §6.4) at every length around the switch."""
    import secrets

    from refkx import gcm
    from refkx.fast.gcm import BYTE_TABLES_AFTER, from_poly_order, ghash_products, product_table
    h = secrets.token_bytes(16)
    H = int.from_bytes(h, "big")
    X = secrets.token_bytes(16 * 40)
    assert (int.from_bytes(from_poly_order(ghash_products(product_table(H), X)), "big")
            == ghash_scalar(GHashKey(H).tables, X))
    key = GHashKey(H)
    for blocks in (1, 3, BYTE_TABLES_AFTER // 16 - 5, 1, 8, 20):    # crosses the switch
        data = secrets.token_bytes(16 * blocks)
        assert key.digest(data).to_bytes(16, "big") == gcm.ghash(h, data)
        if blocks == 3:
            assert key._tables is None and key._products is not None
    assert key._tables is not None
