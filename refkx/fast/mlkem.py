"""Fast twin of refkx.mlkem (FIPS 203): the same values, computed with fewer Python steps.

Selected only through refkx.impl ("mlkem"); refkx.mlkem calls `keygen_internal`,
`encaps_internal` and `decaps` here when the fast implementation is active, and
every published vector runs through both. What differs from the readable module
(which follows the standard's pseudocode line by line):

* NTT and NTT^-1 are generated at import as straight-line code: the 896
  butterflies of Algorithms 9 and 10 written out one per line, with the 256
  coefficients in local variables and each zeta as a constant, so no loop,
  index or table look-up runs (the source is built by `_forward_source` and
  `_inverse_source` from the same zeta tables, and compiled once). Reduction
  is lazy: the forward transform reduces only the products zeta * b (sums stay
  below 8q), the inverse only the differences it multiplies (sums stay below
  128q), and one % q per coefficient at the end makes them canonical.
* Polynomials in the NTT domain are kept as (even, odd) halves of 128 elements,
  the shape BaseCaseMultiply consumes. An inner product of k terms (sum of
  MultiplyNTTs, §2.4.7) is one generated function per k: two list
  comprehensions over the 128 indices, summing the k products before a single
  reduction and multiplying gamma once into the sum of the k odd products.
* SampleNTT parses one SHAKE128 output of five blocks (840 bytes, about 560
  candidates for 256 coefficients; it asks for more in the rare case it must);
  SamplePolyCBD reads coefficients from tables indexed by whole bytes (eta = 2)
  or 6-bit groups (eta = 3); Compress and Decompress are table look-ups built
  once from the readable functions.
* ByteEncode/ByteDecode pack 8 coefficients into d bytes with one int per group
  (int.from_bytes / to_bytes), and d = 12 with strided byte slices.

Same inputs, same outputs, same exceptions (the §7.2 and §7.3 checks raise
InvalidKey with the readable module's messages). Memory at secret-dependent
addresses: the CBD tables are indexed by secret PRF bytes, the Compress and
Decompress tables by secret coefficients. CPython integers are not
constant-time: this code teaches and cross-checks; it does not protect
production secrets.
"""

from __future__ import annotations

import array
import hashlib
import sys

from .. import mlkem as readable
from ..encoding import constant_time_equal
from ..errors import InvalidKey

Q = readable.Q
N = readable.N
ZETAS = readable.ZETAS
GAMMAS = readable.GAMMAS
POLY_BYTES = readable.POLY_BYTES
SYMMETRIC_SIZE = readable.SYMMETRIC_SIZE
H = readable.H
J = readable.J
G = readable.G
PRF = readable.PRF
SHAKE128_RATE = 168
SAMPLE_NTT_BLOCKS = 5
HALF = N // 2

# --- tables built once from the readable definitions ---

COMPRESS = {d: [readable.compress(d, x) for x in range(Q)] for d in (1, 4, 5, 10, 11)}
DECOMPRESS = {d: [readable.decompress(d, y) for y in range(1 << d)] for d in (1, 4, 5, 10, 11)}
# SamplePolyCBD_2: each byte holds two coefficients of four bits each.
CBD2 = [((byte & 1) + (byte >> 1 & 1) - (byte >> 2 & 1) - (byte >> 3 & 1)) % Q
        for byte in range(256)]
CBD2_PAIRS = [(CBD2[byte & 0x0F], CBD2[byte >> 4]) for byte in range(256)]
# SamplePolyCBD_3: 6 bits per coefficient (x from the low 3, y from the high 3).
CBD3 = [(bin(v & 7).count("1") - bin(v >> 3).count("1")) % Q for v in range(64)]

# Per NTT layer (butterfly distance len), the zetas it uses in order (Algorithm 9 steps 2-6).
_FORWARD_LAYERS = []
_i = 1
for _length in (128, 64, 32, 16, 8, 4, 2):
    _blocks = N // (2 * _length)
    _FORWARD_LAYERS.append((_length, ZETAS[_i:_i + _blocks]))
    _i += _blocks
_INVERSE_LAYERS = []
_i = 127
for _length in (2, 4, 8, 16, 32, 64, 128):
    _blocks = N // (2 * _length)
    _INVERSE_LAYERS.append((_length, ZETAS[_i - _blocks + 1:_i + 1][::-1]))
    _i -= _blocks
GAMMA_LIST = list(GAMMAS)
INVERSE_SCALE = readable.INVERSE_SCALE


def _forward_source() -> str:
    """Algorithm 9 unrolled: one line per butterfly, the 256 coefficients in local variables."""
    lines = ["def ntt(f):", "    " + ", ".join(f"f{j}" for j in range(N)) + ", = f"]
    for length, zetas in _FORWARD_LAYERS:
        for block, zeta in enumerate(zetas):
            start = block * 2 * length
            for j in range(start, start + length):
                # steps 8-10, with the sums left unreduced (|f| < 8q after 7 layers)
                lines.append(f"    t = {zeta} * f{j + length} % {Q}; "
                             f"f{j + length} = f{j} - t; f{j} = f{j} + t")
    lines.append("    return [" + ", ".join(f"f{j} % {Q}" for j in range(N)) + "]")
    return "\n".join(lines)


def _inverse_source() -> str:
    """Algorithm 10 unrolled, with the scaling by 128^-1 (step 14) folded into the return."""
    lines = ["def ntt_inverse(f):", "    " + ", ".join(f"f{j}" for j in range(N)) + ", = f"]
    for length, zetas in _INVERSE_LAYERS:
        for block, zeta in enumerate(zetas):
            start = block * 2 * length
            for j in range(start, start + length):
                # steps 8-10, sums unreduced (< 128q), differences reduced as they are scaled
                lines.append(f"    t = f{j}; f{j} = t + f{j + length}; "
                             f"f{j + length} = {zeta} * (f{j + length} - t) % {Q}")
    lines.append("    return [" + ", ".join(f"f{j} * {INVERSE_SCALE} % {Q}" for j in range(N))
                 + "]")
    return "\n".join(lines)


def _compile(source: str, name: str):
    namespace: dict = {"GAMMA_LIST": GAMMA_LIST}
    exec(compile(source, f"<refkx.fast.mlkem {name}>", "exec"), namespace)   # our own source
    return namespace[name]


ntt = _compile(_forward_source(), "ntt")
ntt_inverse = _compile(_inverse_source(), "ntt_inverse")


def split(f_hat: list) -> tuple[list, list]:
    """An NTT-domain polynomial as its (even, odd) coefficients: the degree-one factors."""
    return f_hat[0::2], f_hat[1::2]


def _inner_product_source(k: int) -> str:
    """Algorithm 11 summed over j (§2.4.7), unrolled over the k terms, one pass per half.

    With a = rows[j], b = columns[j] split into (even, odd) halves, BaseCaseMultiply
    gives even = a0 b0 + gamma a1 b1 and odd = a0 b1 + a1 b0 at every index; gamma
    depends only on the index, so the k products a1 b1 are summed before the one
    multiplication by gamma.
    """
    rows = ", ".join(f"(a{j}, b{j})" for j in range(k))
    columns = ", ".join(f"(c{j}, d{j})" for j in range(k))
    names = ", ".join(f"x{j}, y{j}, u{j}, w{j}" for j in range(k))
    lists = ", ".join(f"a{j}, b{j}, c{j}, d{j}" for j in range(k))
    plain = " + ".join(f"x{j} * u{j}" for j in range(k))
    twisted = " + ".join(f"y{j} * w{j}" for j in range(k))
    cross = " + ".join(f"x{j} * w{j} + y{j} * u{j}" for j in range(k))
    return "\n".join([
        f"def inner_product_{k}(rows, columns):",
        f"    {rows}, = rows",
        f"    {columns}, = columns",
        "    h = [0] * 256",
        f"    h[0::2] = [({plain} + g * (({twisted}) % {Q})) % {Q}"
        f" for g, {names} in zip(GAMMA_LIST, {lists})]",
        f"    h[1::2] = [({cross}) % {Q} for {names} in zip({lists})]",
        "    return h",
    ])


INNER_PRODUCT = {k: _compile(_inner_product_source(k), f"inner_product_{k}")
                 for k in (2, 3, 4)}


def inner_product(rows: list, columns: list) -> list:
    """Sum over j of MultiplyNTTs(rows[j], columns[j]); split inputs, canonical output."""
    return INNER_PRODUCT[len(rows)](rows, columns)


# --- encodings ---

def byte_encode_12(f: list) -> bytes:
    even, odd = f[0::2], f[1::2]
    out = bytearray(3 * HALF)
    out[0::3] = bytes([a & 0xFF for a in even])
    out[1::3] = bytes([(a >> 8) | (b & 0x0F) << 4 for a, b in zip(even, odd)])
    out[2::3] = bytes([b >> 4 for b in odd])
    return bytes(out)


def byte_decode_12(B: bytes) -> list:
    """ByteDecode_12 without the mod q (callers check or reduce)."""
    f = [0] * N
    b0, b1, b2 = B[0::3], B[1::3], B[2::3]
    f[0::2] = [x | (y & 0x0F) << 8 for x, y in zip(b0, b1)]
    f[1::2] = [y >> 4 | z << 4 for y, z in zip(b1, b2)]
    return f


_GROUP = 8     # coefficients per d-byte group: 8 d-bit values are d whole bytes


def byte_encode(d: int, f: list) -> bytes:
    """ByteEncode_d: each group of 8 coefficients becomes one 8d-bit int, written as d bytes."""
    s1, s2, s3, s4, s5, s6, s7 = range(d, _GROUP * d, d)
    groups = [c0 | c1 << s1 | c2 << s2 | c3 << s3 | c4 << s4 | c5 << s5 | c6 << s6 | c7 << s7
              for c0, c1, c2, c3, c4, c5, c6, c7 in zip(*(f[r::_GROUP] for r in range(_GROUP)))]
    return b"".join([x.to_bytes(d, "little") for x in groups])


def byte_decode(d: int, B: bytes) -> list:
    """ByteDecode_d for d < 12: d bytes -> one int -> 8 coefficients (strided into place)."""
    mask = (1 << d) - 1
    groups = [int.from_bytes(B[i:i + d], "little") for i in range(0, N // _GROUP * d, d)]
    f = [0] * N
    f[0::_GROUP] = [x & mask for x in groups]
    for r in range(1, _GROUP):
        shift = r * d
        f[r::_GROUP] = [x >> shift & mask for x in groups]
    return f


# --- sampling ---

_LOW_NIBBLE = bytes(b & 0x0F for b in range(256))
_LITTLE_ENDIAN = sys.byteorder == "little"


def _uint16s(low: bytes, high: bytes) -> list:
    """[low[i] | high[i] << 8 for every i], done by the array module instead of a loop."""
    pairs = bytearray(2 * len(low))
    pairs[0::2] = low
    pairs[1::2] = high
    values = array.array("H", pairs)
    if not _LITTLE_ENDIAN:
        values.byteswap()
    return values.tolist()


def sample_ntt(B: bytes) -> list:
    """Algorithm 7 on one squeeze of SAMPLE_NTT_BLOCKS blocks (more only if they run short).

    From each 3 bytes C: d1 = C0 + 256 (C1 mod 16) is the 16-bit value of the bytes
    (C0, C1 mod 16), and d2 = floor(C1 / 16) + 16 C2 is that of (C1, C2) shifted right
    by 4 (steps 6-7).
    """
    size = SAMPLE_NTT_BLOCKS * SHAKE128_RATE
    while True:
        C = hashlib.shake_128(B).digest(size)
        C0, C1, C2 = C[0::3], C[1::3], C[2::3]
        candidates = [0] * (2 * len(C0))
        candidates[0::2] = _uint16s(C0, C1.translate(_LOW_NIBBLE))
        candidates[1::2] = [x >> 4 for x in _uint16s(C1, C2)]
        accepted = [c for c in candidates if c < Q]
        if len(accepted) >= N:
            return accepted[:N]
        size += SHAKE128_RATE


def sample_poly_cbd(eta: int, B: bytes) -> list:
    if eta == 2:
        return [c for byte in B for c in CBD2_PAIRS[byte]]
    f = []
    for i in range(0, len(B), 3):
        x = B[i] | B[i + 1] << 8 | B[i + 2] << 16
        f += [CBD3[x & 63], CBD3[x >> 6 & 63], CBD3[x >> 12 & 63], CBD3[x >> 18]]
    return f


def _matrix(rho: bytes, k: int, transpose: bool) -> list:
    """A_hat (or its transpose) as split polynomials: entry [i][j] = SampleNTT(rho || j || i)."""
    if transpose:
        return [[split(sample_ntt(rho + bytes([i, j]))) for j in range(k)] for i in range(k)]
    return [[split(sample_ntt(rho + bytes([j, i]))) for j in range(k)] for i in range(k)]


# --- K-PKE and ML-KEM ---

def _k_pke_keygen(d: bytes, params) -> tuple[bytes, bytes]:
    k, eta1 = params.k, params.eta1
    rho, sigma = G(d + bytes([k]))
    A_hat = _matrix(rho, k, transpose=False)
    s_hat = [ntt(sample_poly_cbd(eta1, PRF(eta1, sigma, n))) for n in range(k)]
    e_hat = [ntt(sample_poly_cbd(eta1, PRF(eta1, sigma, n))) for n in range(k, 2 * k)]
    s_split = [split(f) for f in s_hat]
    t_hat = [[(x + y) % Q for x, y in zip(inner_product(A_hat[i], s_split), e_hat[i])]
             for i in range(k)]
    ek = b"".join(byte_encode_12(f) for f in t_hat) + rho
    dk_pke = b"".join(byte_encode_12(f) for f in s_hat)
    return ek, dk_pke


def _k_pke_encrypt(ek: bytes, m: bytes, r: bytes, params) -> bytes:
    k, eta1, eta2, du, dv = params.k, params.eta1, params.eta2, params.du, params.dv
    t_hat = [split(byte_decode_12(ek[i * POLY_BYTES:(i + 1) * POLY_BYTES])) for i in range(k)]
    rho = ek[k * POLY_BYTES:k * POLY_BYTES + SYMMETRIC_SIZE]
    A_hat_T = _matrix(rho, k, transpose=True)
    y_hat = [split(ntt(sample_poly_cbd(eta1, PRF(eta1, r, n)))) for n in range(k)]
    e1 = [sample_poly_cbd(eta2, PRF(eta2, r, n)) for n in range(k, 2 * k)]
    e2 = sample_poly_cbd(eta2, PRF(eta2, r, 2 * k))
    compress_u, compress_v = COMPRESS[du], COMPRESS[dv]
    c1 = b"".join(
        byte_encode(du, [compress_u[(x + y) % Q]
                         for x, y in zip(ntt_inverse(inner_product(A_hat_T[i], y_hat)), e1[i])])
        for i in range(k))
    mu = [DECOMPRESS[1][bit] for bit in byte_decode(1, m)]
    v = ntt_inverse(inner_product(t_hat, y_hat))
    c2 = byte_encode(dv, [compress_v[(x + y + z) % Q] for x, y, z in zip(v, e2, mu)])
    return c1 + c2


def _k_pke_decrypt(dk_pke: bytes, c: bytes, params) -> bytes:
    k, du, dv = params.k, params.du, params.dv
    size = 32 * du
    decompress_u = DECOMPRESS[du]
    u_hat = [split(ntt([decompress_u[y] for y in byte_decode(du, c[i * size:(i + 1) * size])]))
             for i in range(k)]
    v = [DECOMPRESS[dv][y] for y in byte_decode(dv, c[k * size:k * size + 32 * dv])]
    s_hat = [split(byte_decode_12(dk_pke[i * POLY_BYTES:(i + 1) * POLY_BYTES]))
             for i in range(k)]
    product = ntt_inverse(inner_product(s_hat, u_hat))
    compress_1 = COMPRESS[1]
    return byte_encode(1, [compress_1[(a - b) % Q] for a, b in zip(v, product)])


def check_encapsulation_key(ek: bytes, params) -> bytes:
    """§7.2 on bytes: length, then every 12-bit coefficient < q (same messages as readable)."""
    if len(ek) != params.ek_size:
        raise InvalidKey(f"{params.name} encapsulation key must be {params.ek_size} bytes, "
                         f"got {len(ek)}")
    for i in range(params.k):
        if max(byte_decode_12(ek[i * POLY_BYTES:(i + 1) * POLY_BYTES])) >= Q:
            raise InvalidKey(f"{params.name} encapsulation key has a coefficient >= q")
    return ek


def keygen_internal(d: bytes, z: bytes, params) -> tuple[bytes, bytes]:
    """Algorithm 16 (inputs already type-checked by refkx.mlkem)."""
    ek, dk_pke = _k_pke_keygen(d, params)
    return ek, dk_pke + ek + H(ek) + z


def encaps_internal(ek: bytes, m: bytes, params) -> tuple[bytes, bytes]:
    """§7.2 check, then Algorithm 17."""
    check_encapsulation_key(ek, params)
    K, r = G(m + H(ek))
    return K, _k_pke_encrypt(ek, m, r, params)


def decaps(dk: bytes, c: bytes, params) -> bytes:
    """Algorithm 18 (the §7.3 checks were done by refkx.mlkem.decaps)."""
    k = params.k
    dk_pke = dk[:POLY_BYTES * k]
    ek_pke = dk[POLY_BYTES * k:2 * POLY_BYTES * k + SYMMETRIC_SIZE]
    h = dk[2 * POLY_BYTES * k + SYMMETRIC_SIZE:2 * POLY_BYTES * k + 2 * SYMMETRIC_SIZE]
    z = dk[2 * POLY_BYTES * k + 2 * SYMMETRIC_SIZE:]
    m_prime = _k_pke_decrypt(dk_pke, c, params)
    K_prime, r_prime = G(m_prime + h)
    K_bar = J(z + c)
    c_prime = _k_pke_encrypt(ek_pke, m_prime, r_prime, params)
    return K_prime if constant_time_equal(c, c_prime) else K_bar
