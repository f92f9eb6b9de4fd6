"""The *_fast modules compute exactly what the readable modules compute.

For each fast path: every published vector of its area run through the fast functions
directly (and, where the public class uses the fast path by default, the area's refkx.kat cases
with the fast path on and off), then hypothesis equality against the readable module, then
edges (chunk boundaries, counter wrap-around, chained GHASH). Tests never assert on time.
"""

from __future__ import annotations

import contextlib
import secrets

import pytest
from hypothesis import given, settings, strategies as st

from refkx import aes_fast, gcm_fast
from refkx.aes import AES
from refkx.aes_fast import FastAES, counter_lanes, ctr_xor
from refkx.errors import InvalidTag
from refkx.gcm_fast import FastGCM, GHashKey, ghash_scalar
from refkx.kat import area_cases, vector_path
from refkx.kat.parsers import parse_key_value_blocks, parse_records_by_key, unhex

KEYS = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
DATA = st.binary(min_size=0, max_size=2000)
IVS = st.one_of(st.binary(min_size=12, max_size=12), st.binary(min_size=1, max_size=80))


@contextlib.contextmanager
def readable(*modules):
    """Run with the readable code path of each module (its USE_FAST switch off), if it has one."""
    saved = [(m, m.__dict__.get("USE_FAST")) for m in modules]
    try:
        for m, _ in saved:
            if hasattr(m, "USE_FAST"):
                m.USE_FAST = False
        yield
    finally:
        for m, value in saved:
            if value is not None:
                m.USE_FAST = value


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


# --- AES (FIPS 197 / CAVP AESAVS) and CTR (SP 800-38A F.5): published vectors ------------------

def _cavp_ecb_records():
    for kind in ("GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT"):
        for bits in (128, 192, 256):
            name = f"ECB{kind}{bits}"
            for rec in parse_key_value_blocks(vector_path("aes", f"{name}.rsp")):
                yield pytest.param(unhex(rec["KEY"]), unhex(rec["PLAINTEXT"]),
                                   unhex(rec["CIPHERTEXT"]),
                                   id=f"cavp-{name}-{rec['section'].lower()}-count{rec['COUNT']}")


@pytest.mark.parametrize("key, pt, ct", list(_cavp_ecb_records()))
def test_aes_fast_cavp_ecb(key, pt, ct):
    # every (KEY, PLAINTEXT, CIPHERTEXT) triple, from both [ENCRYPT] and [DECRYPT] sections
    assert FastAES(key).encrypt_blocks(pt) == ct


FIPS197_C = [  # FIPS 197 Appendix C.1-C.3: plaintext 00112233..ff, key 000102..
    (16, "69c4e0d86a7b0430d8cdb78070b4c55a"),
    (24, "dda97ca4864cdfe06eaf70a0ec0d7191"),
    (32, "8ea2b7ca516745bfeafc49904b496089"),
]


@pytest.mark.parametrize("key_size, ct", FIPS197_C, ids=["fips197-C.1", "fips197-C.2", "fips197-C.3"])
def test_aes_fast_fips197_appendix_c(key_size, ct):
    pt = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert FastAES(bytes(range(key_size))).encrypt_block(pt).hex() == ct


def _ctr_records():
    for rec in parse_key_value_blocks(vector_path("aes", "sp800-38a-f5-ctr.txt")):
        yield pytest.param(unhex(rec["Key"]), unhex(rec["InitCounter"]), unhex(rec["Input"]),
                           unhex(rec["Output"]), id=f"sp800-38a-{rec['Section']}")


@pytest.mark.parametrize("key, t_1, data_in, data_out", list(_ctr_records()))
def test_ctr_fast_sp800_38a_f5(key, t_1, data_in, data_out):
    assert ctr_xor(FastAES(key), t_1, data_in) == data_out
    for cut in (1, 15, 17, 63):                       # partial last block: MSB_u(O_n)
        assert ctr_xor(FastAES(key), t_1, data_in[:cut]) == data_out[:cut]


# --- AES / CTR: equality with the readable modules ------------------------------------------

@given(key=KEYS, blocks=st.integers(0, 40), data=st.data())
def test_aes_fast_equals_readable(key, blocks, data):
    pt = data.draw(st.binary(min_size=16 * blocks, max_size=16 * blocks))
    assert FastAES(key).encrypt_blocks(pt) == readable_ecb(key, pt)


@given(key=KEYS, icb=st.binary(min_size=16, max_size=16), data=DATA,
       chunk=st.sampled_from([1, 3, 7, 2048]))
def test_ctr_fast_equals_readable(key, icb, data, chunk):
    from refkx import ctr
    with patched(aes_fast, CHUNK_BLOCKS=chunk), readable(ctr):
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

def _gcm_encrypt_records():
    for bits in (128, 192, 256):
        name = f"gcmEncryptExtIV{bits}"
        for rec in parse_key_value_blocks(vector_path("gcm", f"{name}.rsp")):
            yield pytest.param(unhex(rec["Key"]), unhex(rec["IV"]), unhex(rec["PT"]),
                               unhex(rec["AAD"]), unhex(rec["CT"]) + unhex(rec["Tag"]),
                               id=f"cavp-{name}-iv{rec['IVlen']}-pt{rec['PTlen']}"
                                  f"-aad{rec['AADlen']}-count{rec['Count']}")


def _gcm_decrypt_records():
    for bits in (128, 192, 256):
        name = f"gcmDecrypt{bits}"
        for rec in parse_key_value_blocks(vector_path("gcm", f"{name}.rsp")):
            fail = "FAIL" in rec.get("flags", "")
            yield pytest.param(unhex(rec["Key"]), unhex(rec["IV"]), unhex(rec["CT"]),
                               unhex(rec["Tag"]), unhex(rec["AAD"]),
                               None if fail else unhex(rec["PT"]),
                               id=f"cavp-{name}-iv{rec['IVlen']}-pt{rec['PTlen']}"
                                  f"-aad{rec['AADlen']}-count{rec['Count']}" + ("-fail" if fail else ""))


@pytest.mark.parametrize("key, iv, pt, aad, expected", list(_gcm_encrypt_records()))
def test_gcm_fast_cavp_encrypt(key, iv, pt, aad, expected):
    assert FastGCM(key).encrypt(iv, pt, aad) == expected


@pytest.mark.parametrize("key, iv, ct, tag, aad, pt", list(_gcm_decrypt_records()))
def test_gcm_fast_cavp_decrypt(key, iv, ct, tag, aad, pt):
    if pt is None:
        with pytest.raises(InvalidTag):
            FastGCM(key).decrypt(iv, ct, tag, aad)
    else:
        assert FastGCM(key).decrypt(iv, ct, tag, aad) == pt


def _mcgrew_viega_records():
    for rec in parse_key_value_blocks(vector_path("gcm", "mcgrew-viega-gcm-spec-appendix-b.txt")):
        K, P, A, IV, C, T, H, S = (unhex(rec[k]) for k in ("K", "P", "A", "IV", "C", "T", "H", "GHASH"))
        yield pytest.param(K, P, A, IV, C, T, H, S, id=f"mcgrew-viega-tc{rec['TestCase']}")


@pytest.mark.parametrize("K, P, A, IV, C, T, H, S", list(_mcgrew_viega_records()))
def test_gcm_fast_mcgrew_viega(K, P, A, IV, C, T, H, S):
    aead = FastGCM(K)
    assert aead.encrypt(IV, P, A) == C + T
    assert aead.decrypt(IV, C, T, A) == P
    assert aead._ghash.H.to_bytes(16, "big") == H
    assert aead._s(A, C).to_bytes(16, "big") == S


@pytest.mark.parametrize("case", [c for c in area_cases("gcm") if not c.slow], ids=lambda c: c.id)
def test_gcm_kat_cases_through_public_class(case):
    # the public AESGCM, fast path by default once wired; also with the readable path
    case.run()


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
    with patched(gcm_fast, CHAIN_MIN_BLOCKS=1, _chain_count=lambda m: k):
        chained = key.digest(X)
    assert chained == ghash_scalar(key.tables, X)


def test_ghash_chained_default_size_equals_readable():
    from refkx.gcm import ghash
    h = secrets.token_bytes(16)
    X = secrets.token_bytes(16 * (gcm_fast.CHAIN_MIN_BLOCKS + 7))
    assert gcm_fast.ghash(h, X) == ghash(h, X)


def test_gcm_fast_gf_mult_equals_readable():
    from refkx.gcm import gf_mult as readable_gf_mult
    for _ in range(20):
        X, Y = secrets.randbits(128), secrets.randbits(128)
        assert gcm_fast.gf_mult(X, Y) == readable_gf_mult(X, Y)


def test_ghash_fast_rejects_partial_blocks():
    with pytest.raises(ValueError):
        gcm_fast.ghash(bytes(16), bytes(17))


@given(key=KEYS, iv=IVS, data=DATA, aad=st.binary(max_size=100), chunk=st.sampled_from([1, 2, 2048]))
def test_gcm_fast_equals_readable(key, iv, data, aad, chunk):
    from refkx import gcm
    with readable(gcm):
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


def test_gcm_fast_against_cryptography_long():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM as PycaAESGCM
    key = secrets.token_bytes(16)
    for length in (16 * 4096, 70_000, 16 * gcm_fast.CHAIN_MIN_BLOCKS + 5):
        iv, data = secrets.token_bytes(12), secrets.token_bytes(length)
        assert FastGCM(key).encrypt(iv, data, b"ad") == PycaAESGCM(key).encrypt(iv, data, b"ad")


# --- X25519 (RFC 7748) -----------------------------------------------------------------------

from refkx import x25519_fast  # noqa: E402


def _x25519_records(name):
    return list(parse_key_value_blocks(vector_path("rfc7748", name)))


@pytest.mark.parametrize("rec", [r for r in _x25519_records("x25519-rfc7748.txt")],
                         ids=lambda r: f"rfc7748-5.2-count{r['COUNT']}")
def test_x25519_fast_rfc7748_5_2(rec):
    got = x25519_fast.x25519(unhex(rec["INPUT_SCALAR"]), unhex(rec["INPUT_U"]))
    assert got == unhex(rec["OUTPUT_U"])


def _iterate_fast(iterations: int) -> bytes:
    k = u = (9).to_bytes(32, "little")
    for _ in range(iterations):
        k, u = x25519_fast.x25519(k, u), k
    return k


@pytest.mark.parametrize(
    "rec",
    [pytest.param(r, id=f"rfc7748-5.2-iter{r['ITERATIONS']}",
                  marks=[pytest.mark.slow] if int(r["ITERATIONS"]) > 1000 else [])
     for r in _x25519_records("rfc7748-5.2-iterated.txt") if r["CURVE"] == "X25519"])
def test_x25519_fast_rfc7748_iterated(rec):
    assert _iterate_fast(int(rec["ITERATIONS"])) == unhex(rec["OUTPUT"])


@pytest.mark.parametrize("rec", [r for r in _x25519_records("rfc7748-6-dh.txt") if r["CURVE"] == "X25519"],
                         ids=lambda r: f"rfc7748-{r['SECTION']}")
def test_x25519_fast_rfc7748_6_1(rec):
    base = (9).to_bytes(32, "little")
    a, b = unhex(rec["ALICE_PRIVATE"]), unhex(rec["BOB_PRIVATE"])
    assert x25519_fast.x25519(a, base) == unhex(rec["ALICE_PUBLIC"])        # fixed-base table
    assert x25519_fast.x25519(b, base) == unhex(rec["BOB_PUBLIC"])
    K = unhex(rec["SHARED"])
    assert x25519_fast.x25519(a, unhex(rec["BOB_PUBLIC"])) == K              # ladder
    assert x25519_fast.x25519(b, unhex(rec["ALICE_PUBLIC"])) == K
    assert x25519_fast.ladder(x25519_fast.decode_scalar(a), 9) == int.from_bytes(
        unhex(rec["ALICE_PUBLIC"]), "little")                                # ladder on u = 9 too


@pytest.mark.parametrize("rec", _x25519_records("x25519-low-order.txt"), ids=lambda r: f"low-order-{r['NAME']}")
def test_x25519_fast_low_order_points_give_zero(rec):
    assert x25519_fast.x25519(secrets.token_bytes(32), unhex(rec["U"])) == bytes(32)


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


def test_x25519_fast_edwards_constants():
    # the Edwards base point maps to u = 9, and d is -121665/121666 (RFC 7748 §4.1)
    x, y = x25519_fast._edwards_base_point()
    p = x25519_fast.p
    assert (1 + y) * pow(1 - y, -1, p) % p == 9
    assert (-x * x + y * y - 1 - x25519_fast.d * x * x * y * y) % p == 0
    assert x25519_fast.d * 121666 % p == -121665 % p


# --- FFDH fixed-base exponentiation ----------------------------------------------------------

from refkx import dh, dh_fast  # noqa: E402


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
def test_dh_fast_published_public_values(rec):
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


def test_dh_fast_table_built_after_uses():
    from refkx.dh_groups import FFDHE3072 as group
    bits = 200
    key = (group.g, group.p, bits)
    dh_fast._TABLES.pop(key, None)
    dh_fast._USES.pop(key, None)
    for i in range(dh_fast.BUILD_AFTER + 2):
        x = secrets.randbits(bits)
        assert dh_fast.fixed_base_pow(group.g, group.p, x, bits) == pow(group.g, x, group.p)
        assert (key in dh_fast._TABLES) == (i + 1 >= dh_fast.BUILD_AFTER)
    x = secrets.randbits(bits + 50)                      # longer than the table: pow() fallback
    assert dh_fast.fixed_base_pow(group.g, group.p, x, bits) == pow(group.g, x, group.p)


# --- RSA private operation ---------------------------------------------------------------------

from refkx import rsa_fast  # noqa: E402
from refkx.rsa_primitives import FaultDetected  # noqa: E402


@pytest.fixture(scope="module")
def rsa_key():
    from rsa_keys import cached_key
    return cached_key(1024)


FAST_RSA_FUNCTIONS = [rsa_fast.private_operation, rsa_fast.private_operation_fresh_r]


@pytest.mark.parametrize("private_operation", FAST_RSA_FUNCTIONS, ids=lambda f: f.__name__)
def test_rsa_fast_equals_plain_exponentiation(rsa_key, private_operation):
    from refkx.rsa_primitives import private_operation as readable_private_operation
    n, d = rsa_key.n, rsa_key.d
    # more than REFRESH_EVERY operations, so a reused pair is squared and then redrawn
    for _ in range(rsa_fast.REFRESH_EVERY + 5):
        x = secrets.randbelow(n)
        y = private_operation(rsa_key, x)
        assert y == pow(x, d, n)
        assert y == readable_private_operation(rsa_key, x)
    for x in (0, 1, n - 1):
        assert private_operation(rsa_key, x) == pow(x, d, n)


def test_rsa_fast_pair_is_redrawn_every_refresh_every_uses(rsa_key):
    from refkx import rsa_primitives
    from refkx.rsa import RSAPrivateKey
    key = RSAPrivateKey(rsa_key.n, rsa_key.e, rsa_key.d, rsa_key.p, rsa_key.q)
    seen = []
    real = rsa_primitives._blinding_factor
    with patched(rsa_primitives, _blinding_factor=lambda n: seen.append(real(n)) or seen[-1]):
        for _ in range(2 * rsa_fast.REFRESH_EVERY + 1):
            rsa_fast.private_operation(key, 7)
    assert len(seen) == 3 and len(set(seen)) == 3


def test_rsa_fast_blinding_pair_is_consistent(rsa_key):
    rsa_fast.private_operation(rsa_key, 5)
    A, A_inv, left, n = getattr(rsa_key, "_refkx_blinding_pair")
    assert n == rsa_key.n and 0 <= left < rsa_fast.REFRESH_EVERY
    assert A * pow(A_inv, rsa_key.e, n) % n == 1          # A = r^e and A_inv = r^-1 for one r


def test_rsa_fast_fresh_r_variant_draws_a_value_per_operation(rsa_key):
    from refkx import rsa_primitives
    seen = []
    real = rsa_primitives._blinding_factor
    with patched(rsa_primitives, _blinding_factor=lambda n: seen.append(real(n)) or seen[-1]):
        rsa_fast.private_operation_fresh_r(rsa_key, 7)
        rsa_fast.private_operation_fresh_r(rsa_key, 7)
    assert len(seen) == 2 and seen[0] != seen[1]


@pytest.mark.parametrize("private_operation", FAST_RSA_FUNCTIONS, ids=lambda f: f.__name__)
def test_rsa_fast_fault_check(private_operation):
    from rsa_keys import cached_key
    from refkx.rsa import RSAPrivateKey
    good = cached_key(1024)
    key = RSAPrivateKey(good.n, good.e, good.d, good.p, good.q)
    key.dP ^= 2                                           # a "fault" in one CRT half
    with pytest.raises(FaultDetected):
        private_operation(key, secrets.randbelow(key.n))


def test_rsa_fast_kat_cases_through_public_class():
    # the published RSA vectors (OAEP / PSS / v1.5) run through refkx.rsa, which uses the
    # fast private operation by default once wired; results are deterministic either way
    for case in area_cases("rsa"):
        if not case.slow:
            case.run()


# --- the public classes give the same results on both paths (refkx.fast_paths) ----------------

from refkx import fast_paths  # noqa: E402


@given(key=KEYS, iv=IVS, data=st.binary(max_size=600), aad=st.binary(max_size=40))
@settings(max_examples=20)
def test_public_aesgcm_same_on_both_paths(key, iv, data, aad):
    from refkx import gcm
    sealed = gcm.AESGCM(key).encrypt(iv, data, aad)
    with readable(gcm):
        assert gcm.AESGCM(key).encrypt(iv, data, aad) == sealed
        assert gcm.AESGCM(key).decrypt(iv, sealed, aad) == data
    assert gcm.AESGCM(key).decrypt(iv, sealed, aad) == data


@given(key=KEYS, icb=st.binary(min_size=16, max_size=16), data=st.binary(max_size=600))
@settings(max_examples=20)
def test_public_ctr_same_on_both_paths(key, icb, data):
    from refkx import ctr
    fast = ctr.ctr_encrypt(key, icb, data)
    assert ctr.ctr_decrypt(bytearray(key), memoryview(icb), bytearray(fast)) == data
    with readable(ctr):
        assert ctr.ctr_encrypt(key, icb, data) == fast


@given(a=st.binary(min_size=32, max_size=32), b=st.binary(min_size=32, max_size=32))
@settings(max_examples=10)
def test_public_x25519_same_on_both_paths(a, b):
    from refkx import x25519
    alice, bob = x25519.X25519PrivateKey.from_private_bytes(a), x25519.X25519PrivateKey.from_private_bytes(b)
    shared = alice.exchange(bob.public_key())
    with readable(x25519):
        alice2, bob2 = (x25519.X25519PrivateKey.from_private_bytes(a),
                        x25519.X25519PrivateKey.from_private_bytes(b))
        assert alice2.public_key() == alice.public_key()
        assert bob2.exchange(alice2.public_key()) == shared


def test_public_dh_same_on_both_paths():
    from refkx import dh
    group = dh.FFDHE2048
    keys = [dh.DHPrivateKey.generate(group) for _ in range(dh_fast.BUILD_AFTER + 3)]
    publics = [k.public_key().y for k in keys]                 # the table is built on the way
    assert publics == [pow(group.g, k.x, group.p) for k in keys]
    with readable(dh):
        assert dh.DHPrivateKey(group, keys[0].x).public_key().y == publics[0]


def test_public_rsa_same_on_both_paths():
    from rsa_keys import cached_key
    from refkx import rsa_primitives
    from refkx.rsa import OAEP
    key = cached_key(1024)
    ciphertext = key.public_key().encrypt(b"message", OAEP())
    assert key.decrypt(ciphertext, OAEP()) == b"message"
    with readable(rsa_primitives):
        assert key.decrypt(ciphertext, OAEP()) == b"message"


def test_fast_paths_switch(monkeypatch):
    before = fast_paths.fast_enabled()
    try:
        fast_paths.set_fast(False)
        assert not any(fast_paths.fast_enabled().values())
        fast_paths.set_fast(True)
        wired = [name for name in fast_paths.MODULES
                 if hasattr(__import__(name, fromlist=["_"]), "USE_FAST")]
        assert all(fast_paths.fast_enabled()[name] for name in wired)
    finally:
        for name, value in before.items():
            module = __import__(name, fromlist=["_"])
            if hasattr(module, "USE_FAST"):
                module.USE_FAST = value
    with pytest.raises(TypeError):
        fast_paths.set_fast(1)
    monkeypatch.setenv("REFKX_READABLE", "1")
    assert fast_paths.use_fast_default() is False
    monkeypatch.setenv("REFKX_READABLE", "0")
    assert fast_paths.use_fast_default() is True
    monkeypatch.delenv("REFKX_READABLE")
    assert fast_paths.use_fast_default() is True


# --- dh_fast.jacobi: the safe-prime subgroup check by Euler's criterion ---

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
