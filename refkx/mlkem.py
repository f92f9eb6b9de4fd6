"""ML-KEM, FIPS 203 (August 13, 2024, the final standard): Module-Lattice-Based KEM.

What is implemented, in the order of the document:

* §2.3–§2.4, §4.1: the parameters n = 256, q = 3329, zeta = 17 and the
  functions H, J, G, PRF_eta and XOF built on SHA-3/SHAKE (hashlib, FIPS 202);
* §4.2.1: Compress_d / Decompress_d (equations 4.7 and 4.8), in integer
  arithmetic only: Decompress is a multiply and a shift, and Compress divides
  by 2q with a multiply-and-shift instead of a division (see `_divide_by_2q`);
* §4.2.1 Algorithms 3–6: BitsToBytes, BytesToBits, ByteEncode_d, ByteDecode_d;
* §4.2.2 Algorithms 7–8: SampleNTT (rejection sampling of one NTT-domain
  polynomial from SHAKE128) and SamplePolyCBD_eta (centred binomial noise);
* §4.3 Algorithms 9–12: NTT, NTT^-1, MultiplyNTTs, BaseCaseMultiply, with the
  zeta tables of Appendix A computed here from zeta = 17 and BitRev7;
* §5 Algorithms 13–15: K-PKE.KeyGen, K-PKE.Encrypt, K-PKE.Decrypt;
* §6 Algorithms 16–18: ML-KEM.KeyGen_internal, Encaps_internal, Decaps_internal;
* §7 Algorithms 19–21: ML-KEM.KeyGen, ML-KEM.Encaps, ML-KEM.Decaps, with the
  input checks of §7.2 (encapsulation key: length and modulus check) and
  §7.3 (ciphertext and decapsulation key lengths, hash check);
* §8 Table 2: the parameter sets ML_KEM_512, ML_KEM_768 and ML_KEM_1024.

(Algorithms 1 and 2 of FIPS 203 only illustrate the pseudocode notation and
the incremental SHAKE API; the `XOF` class below is that API.)

Two layers, as everywhere in refkx:

* spec-shaped functions, one per algorithm and named after it (keygen_internal,
  encaps_internal, decaps, k_pke_encrypt, sample_ntt, ...), taking bytes and a
  `Params` and returning bytes;
* pyca-shaped classes MLKEM512/768/1024PrivateKey and ...PublicKey (as in
  cryptography.hazmat.primitives.asymmetric.mlkem): generate, from_seed_bytes
  (the 64-byte seed d || z), private_bytes_raw, public_key, decapsulate;
  from_public_bytes, public_bytes_raw, encapsulate -> (K, c).

Variable names are the standard's in Python form: rho and sigma for the seeds,
A_hat for the matrix Â, s_hat for ŝ, t_hat for t̂, e1 and e2, u and v, c1 and
c2, mu for μ, m_prime for m', K_bar for K̄, N for the PRF counter, eta1, eta2,
du, dv. Polynomials are lists of 256 ints in [0, q); vectors are lists of
polynomials. Errors: bytes of the wrong type raise TypeError; seeds d, z, m of
the wrong length raise ValueError; keys and ciphertexts failing the checks of
§7.2/§7.3 raise refkx.errors.InvalidKey; a ciphertext that fails the
re-encryption test is not an error: decapsulation returns the implicit-
rejection key K̄ = J(z || c) (§6.3 step 9-11).

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Callable, Optional

from . import impl
from .encoding import constant_time_equal, require_bytes
from .errors import InvalidKey

__all__ = ["Params", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024", "PARAMETER_SETS",
           "N", "Q", "ZETA", "ZETAS", "GAMMAS", "SEED_SIZE", "SHARED_SECRET_SIZE",
           "keygen_internal", "encaps_internal", "decaps_internal", "keygen", "encaps",
           "decaps", "check_encapsulation_key", "check_decapsulation_inputs",
           "MLKEM512PrivateKey", "MLKEM512PublicKey", "MLKEM768PrivateKey",
           "MLKEM768PublicKey", "MLKEM1024PrivateKey", "MLKEM1024PublicKey"]

Rng = Callable[[int], bytes]
Poly = list        # 256 coefficients in [0, q)

# --- §2.4 and §4.3: the ring R_q = Z_q[X] / (X^n + 1) and its NTT ---
N = 256                 # n: coefficients per polynomial
Q = 3329                # q = 2^8 * 13 + 1, a prime with a 256-th root of unity
ZETA = 17               # zeta: a primitive 256-th root of unity mod q (§4.3)
assert pow(ZETA, 128, Q) == Q - 1               # zeta^128 = -1: zeta has order exactly 256
BYTE_BITS = 8
COEFFICIENT_BITS = 12   # d = 12 in ByteEncode/ByteDecode: q < 2^12
SYMMETRIC_SIZE = 32     # bytes of d, z, m, rho, sigma, r, K, H(ek)
SEED_SIZE = 2 * SYMMETRIC_SIZE        # d || z, the seed form of a decapsulation key
SHARED_SECRET_SIZE = SYMMETRIC_SIZE   # K
POLY_BYTES = N * COEFFICIENT_BITS // BYTE_BITS   # 384: ByteEncode_12 of one polynomial
NTT_HALF = N // 2       # 128 degree-one factors X^2 - zeta^(2 BitRev7(i) + 1)
INVERSE_SCALE = pow(NTT_HALF, -1, Q)    # Algorithm 10 step 14: 128^-1 = 3303 mod q


@dataclass(frozen=True)
class Params:
    """One parameter set of §8 Table 2: k, eta1, eta2, du, dv (and sizes from Table 3)."""

    name: str
    k: int
    eta1: int
    eta2: int
    du: int
    dv: int

    @property
    def ek_size(self) -> int:          # Table 3: 384k + 32
        return POLY_BYTES * self.k + SYMMETRIC_SIZE

    @property
    def dk_size(self) -> int:          # Table 3: 768k + 96
        return 2 * POLY_BYTES * self.k + 3 * SYMMETRIC_SIZE

    @property
    def ciphertext_size(self) -> int:  # Table 3: 32(du k + dv)
        return N // BYTE_BITS * (self.du * self.k + self.dv)

    def __repr__(self) -> str:
        return f"<{self.name}>"


ML_KEM_512 = Params("ML-KEM-512", k=2, eta1=3, eta2=2, du=10, dv=4)
ML_KEM_768 = Params("ML-KEM-768", k=3, eta1=2, eta2=2, du=10, dv=4)
ML_KEM_1024 = Params("ML-KEM-1024", k=4, eta1=2, eta2=2, du=11, dv=5)
PARAMETER_SETS = {params.name: params for params in (ML_KEM_512, ML_KEM_768, ML_KEM_1024)}


def bit_rev7(r: int) -> int:
    """§2.3 BitRev7(r): the 7-bit number whose bits are those of r in reverse order."""
    result = 0
    for bit in range(7):
        result |= ((r >> bit) & 1) << (6 - bit)
    return result


# Appendix A, computed: zeta^BitRev7(i) for the NTT (Algorithms 9, 10) and
# zeta^(2 BitRev7(i) + 1) for the base-case products (Algorithm 11).
ZETAS = tuple(pow(ZETA, bit_rev7(i), Q) for i in range(NTT_HALF))
GAMMAS = tuple(pow(ZETA, 2 * bit_rev7(i) + 1, Q) for i in range(NTT_HALF))


# --- §4.1: cryptographic functions ---

def PRF(eta: int, s: bytes, b: int) -> bytes:
    """§4.1 eq. 4.3: PRF_eta(s, b) = SHAKE256(s || b, 8 * 64 * eta), 64 * eta bytes."""
    return hashlib.shake_256(s + bytes([b])).digest(64 * eta)


def H(s: bytes) -> bytes:
    """§4.1 eq. 4.4: H(s) = SHA3-256(s)."""
    return hashlib.sha3_256(s).digest()


def J(s: bytes) -> bytes:
    """§4.1 eq. 4.4: J(s) = SHAKE256(s, 8 * 32)."""
    return hashlib.shake_256(s).digest(SYMMETRIC_SIZE)


def G(c: bytes) -> tuple[bytes, bytes]:
    """§4.1 eq. 4.5: G(c) = SHA3-512(c), split into two 32-byte halves (a, b)."""
    digest = hashlib.sha3_512(c).digest()
    return digest[:SYMMETRIC_SIZE], digest[SYMMETRIC_SIZE:]


class XOF:
    """§4.1 eq. 4.6 XOF = SHAKE128 with the incremental API of Algorithm 2.

    `absorb` everything first, then `squeeze` any number of times; each squeeze
    returns the next bytes of the one output stream. hashlib's shake objects
    can only produce a prefix of that stream in one call, so squeeze asks for
    a longer prefix (doubling) when the bytes already produced run out.
    """

    INITIAL_OUTPUT = 3 * 168          # three SHAKE128 blocks (rate 168 bytes)

    def __init__(self) -> None:       # XOF.Init()
        self._absorbed = b""
        self._output = b""
        self._position = 0

    def absorb(self, data: bytes) -> None:     # XOF.Absorb(ctx, str)
        if self._output:
            raise ValueError("XOF: absorb after squeeze")
        self._absorbed += data

    def squeeze(self, length: int) -> bytes:   # XOF.Squeeze(ctx, l), l in bytes here
        needed = self._position + length
        if needed > len(self._output):
            size = max(self.INITIAL_OUTPUT, 2 * len(self._output), needed)
            self._output = hashlib.shake_128(self._absorbed).digest(size)
        out = self._output[self._position:needed]
        self._position = needed
        return out


# --- §4.2.1: Compress and Decompress ---

def _divide_by_2q(n: int) -> int:
    """floor(n / 2q) for 0 <= n < 2^24, by one multiplication and one shift.

    A division instruction takes time that depends on its operands on many
    CPUs, and dividing a secret by q leaked ML-KEM keys in practice
    (KyberSlash, 2024). The fix is the one compilers use: with s = 24 + 13
    and M = ceil(2^s / 2q), floor(n * M / 2^s) = floor(n / 2q) for every
    n < 2^24, because M * 2q - 2^s < 2q <= 2^(s - 24) (Granlund and
    Montgomery, 1994, Theorem 4.2). The test suite checks every n that
    Compress can produce.
    """
    return (n * _COMPRESS_MULTIPLIER) >> _COMPRESS_SHIFT


_COMPRESS_INPUT_BITS = 24                                   # 2^13 * (q - 1) + q < 2^24
_COMPRESS_SHIFT = _COMPRESS_INPUT_BITS + (2 * Q - 1).bit_length()   # s = 24 + 13 = 37
_COMPRESS_MULTIPLIER = -(-(1 << _COMPRESS_SHIFT) // (2 * Q))        # M = ceil(2^s / 2q)
assert _COMPRESS_MULTIPLIER * 2 * Q - (1 << _COMPRESS_SHIFT) <= \
    1 << (_COMPRESS_SHIFT - _COMPRESS_INPUT_BITS)


def compress(d: int, x: int) -> int:
    """§4.2.1 eq. 4.7: Compress_d(x) = round((2^d / q) * x) mod 2^d, for d < 12.

    round(2^d x / q) = floor((2^(d+1) x + q) / 2q): q is odd, so there is never
    an exact half to break a tie on.
    """
    return _divide_by_2q((x << (d + 1)) + Q) & ((1 << d) - 1)


def decompress(d: int, y: int) -> int:
    """§4.2.1 eq. 4.8: Decompress_d(y) = round((q / 2^d) * y) = floor((q y + 2^(d-1)) / 2^d)."""
    return (Q * y + (1 << (d - 1))) >> d


def compress_poly(d: int, f: Poly) -> Poly:
    return [compress(d, x) for x in f]


def decompress_poly(d: int, f: Poly) -> Poly:
    return [decompress(d, y) for y in f]


# --- §4.2.1 Algorithms 3-6: bits, bytes and encodings ---

def bits_to_bytes(b: list[int]) -> bytes:
    """Algorithm 3 BitsToBytes(b): bit array of length 8l -> l bytes, little-endian bit order."""
    B = [0] * (len(b) // BYTE_BITS)                       # step 1
    for i in range(len(b)):                               # step 2
        B[i // BYTE_BITS] += b[i] * (1 << (i % BYTE_BITS))   # step 3
    return bytes(B)                                       # step 5


def bytes_to_bits(B: bytes) -> list[int]:
    """Algorithm 4 BytesToBits(B): l bytes -> bit array of length 8l."""
    C = list(B)                                           # step 1
    b = [0] * (BYTE_BITS * len(B))
    for i in range(len(B)):                               # step 2
        for j in range(BYTE_BITS):                        # step 3
            b[BYTE_BITS * i + j] = C[i] % 2               # step 4
            C[i] //= 2                                    # step 5 (public data)
    return b                                              # step 8


def byte_encode(d: int, F: Poly) -> bytes:
    """Algorithm 5 ByteEncode_d(F): 256 d-bit integers -> 32d bytes (1 <= d <= 12)."""
    b = [0] * (N * d)
    for i in range(N):                                    # step 1
        a = F[i]                                          # step 2
        for j in range(d):                                # step 3
            b[i * d + j] = a % 2                          # step 4
            a = (a - b[i * d + j]) // 2                   # step 5 (exact: a - bit is even)
    return bits_to_bytes(b)                               # step 8


def byte_decode(d: int, B: bytes) -> Poly:
    """Algorithm 6 ByteDecode_d(B): 32d bytes -> 256 integers mod m (m = 2^d, or q if d = 12)."""
    m = Q if d == COEFFICIENT_BITS else 1 << d
    b = bytes_to_bits(B)                                  # step 1
    F = [0] * N
    for i in range(N):                                    # step 2
        F[i] = sum(b[i * d + j] << j for j in range(d)) % m   # step 3
    return F                                              # step 5


def byte_encode_vector(d: int, vector: list[Poly]) -> bytes:
    """ByteEncode_d of each polynomial, concatenated (§5: "applied to each entry")."""
    return b"".join(byte_encode(d, f) for f in vector)


def byte_decode_vector(d: int, B: bytes, k: int) -> list[Poly]:
    size = N * d // BYTE_BITS
    return [byte_decode(d, B[i * size:(i + 1) * size]) for i in range(k)]


# --- §4.2.2 Algorithms 7-8: sampling ---

def sample_ntt(B: bytes) -> Poly:
    """Algorithm 7 SampleNTT(B): a uniform element of T_q from a 34-byte seed rho || j || i."""
    ctx = XOF()                                           # step 1
    ctx.absorb(B)                                         # step 2
    a_hat = [0] * N
    j = 0                                                 # step 3
    while j < N:                                          # step 4
        C = ctx.squeeze(3)                                # step 5
        d1 = C[0] + 256 * (C[1] % 16)                     # step 6
        d2 = C[1] // 16 + 16 * C[2]                       # step 7 (public data)
        if d1 < Q:                                        # step 8
            a_hat[j] = d1                                 # step 9
            j += 1                                        # step 10
        if d2 < Q and j < N:                              # step 12
            a_hat[j] = d2                                 # step 13
            j += 1                                        # step 14
    return a_hat                                          # step 17


def sample_poly_cbd(eta: int, B: bytes) -> Poly:
    """Algorithm 8 SamplePolyCBD_eta(B): a polynomial with coefficients in [-eta, eta] mod q."""
    b = bytes_to_bits(B)                                  # step 1
    f = [0] * N
    for i in range(N):                                    # step 2
        x = sum(b[2 * i * eta + j] for j in range(eta))           # step 3
        y = sum(b[2 * i * eta + eta + j] for j in range(eta))     # step 4
        f[i] = (x - y) % Q                                # step 5
    return f                                              # step 7


# --- §4.3 Algorithms 9-12: the NTT and arithmetic in T_q ---

def ntt(f: Poly) -> Poly:
    """Algorithm 9 NTT(f): coefficients of f in R_q -> its NTT representation f_hat in T_q."""
    f_hat = list(f)                                       # step 1
    i = 1                                                 # step 2
    length = 128
    while length >= 2:                                    # step 3: len = 128, 64, ..., 2
        for start in range(0, N, 2 * length):             # step 4
            zeta = ZETAS[i]                               # step 5: zeta^BitRev7(i) mod q
            i += 1                                        # step 6
            for j in range(start, start + length):        # step 7
                t = zeta * f_hat[j + length] % Q          # step 8
                f_hat[j + length] = (f_hat[j] - t) % Q    # step 9
                f_hat[j] = (f_hat[j] + t) % Q             # step 10
        length //= 2
    return f_hat                                          # step 14


def ntt_inverse(f_hat: Poly) -> Poly:
    """Algorithm 10 NTT^-1(f_hat): NTT representation -> coefficients in R_q."""
    f = list(f_hat)                                       # step 1
    i = 127                                               # step 2
    length = 2
    while length <= 128:                                  # step 3: len = 2, 4, ..., 128
        for start in range(0, N, 2 * length):             # step 4
            zeta = ZETAS[i]                               # step 5
            i -= 1                                        # step 6
            for j in range(start, start + length):        # step 7
                t = f[j]                                  # step 8
                f[j] = (t + f[j + length]) % Q            # step 9
                f[j + length] = zeta * (f[j + length] - t) % Q   # step 10
        length *= 2
    return [x * INVERSE_SCALE % Q for x in f]             # step 14: f = f * 3303 mod q


def base_case_multiply(a0: int, a1: int, b0: int, b1: int, gamma: int) -> tuple[int, int]:
    """Algorithm 12 BaseCaseMultiply: (a0 + a1 X)(b0 + b1 X) mod (X^2 - gamma)."""
    c0 = (a0 * b0 + a1 * b1 * gamma) % Q                  # step 1
    c1 = (a0 * b1 + a1 * b0) % Q                          # step 2
    return c0, c1                                         # step 3


def multiply_ntts(f_hat: Poly, g_hat: Poly) -> Poly:
    """Algorithm 11 MultiplyNTTs(f_hat, g_hat): the product in T_q (128 base-case products)."""
    h_hat = [0] * N
    for i in range(NTT_HALF):                             # step 1
        h_hat[2 * i], h_hat[2 * i + 1] = base_case_multiply(   # step 2
            f_hat[2 * i], f_hat[2 * i + 1], g_hat[2 * i], g_hat[2 * i + 1], GAMMAS[i])
    return h_hat                                          # step 4


def poly_add(f: Poly, g: Poly) -> Poly:
    return [(a + b) % Q for a, b in zip(f, g)]


def poly_sub(f: Poly, g: Poly) -> Poly:
    return [(a - b) % Q for a, b in zip(f, g)]


def inner_product_ntt(u_hat: list[Poly], v_hat: list[Poly]) -> Poly:
    """§2.4.7: the sum over j of u_hat[j] x v_hat[j] (x = MultiplyNTTs), in T_q."""
    total = [0] * N
    for a, b in zip(u_hat, v_hat):
        total = poly_add(total, multiply_ntts(a, b))
    return total


def _note(trace: Optional[dict], name: str, value) -> None:
    """Record an intermediate value for `python -m refkx trace mlkem` (no-op without a trace)."""
    if trace is not None:
        trace[name] = value


def _generate_matrix(rho: bytes, k: int, transpose: bool = False) -> list[list[Poly]]:
    """Algorithm 13 steps 3-7 / Algorithm 14 steps 4-8: A_hat[i][j] = SampleNTT(rho || j || i).

    FIPS 203 (final) puts j before i. `transpose=True` returns A_hat^T, which
    Algorithm 14 step 19 multiplies by r_hat.
    """
    A_hat = [[sample_ntt(rho + bytes([j, i])) for j in range(k)] for i in range(k)]
    if transpose:
        return [[A_hat[j][i] for j in range(k)] for i in range(k)]
    return A_hat


# --- §5 Algorithms 13-15: the K-PKE component scheme ---

def k_pke_keygen(d: bytes, params: Params, trace: Optional[dict] = None) -> tuple[bytes, bytes]:
    """Algorithm 13 K-PKE.KeyGen(d) -> (ek_PKE, dk_PKE)."""
    k, eta1 = params.k, params.eta1
    rho, sigma = G(d + bytes([k]))                        # step 1: G(d || k), the final standard
    _note(trace, "rho", rho)
    _note(trace, "sigma", sigma)
    N_ = 0                                                # step 2 (N, the PRF counter)
    A_hat = _generate_matrix(rho, k)                      # steps 3-7
    _note(trace, "A_hat", A_hat)
    s = []
    for i in range(k):                                    # step 8
        s.append(sample_poly_cbd(eta1, PRF(eta1, sigma, N_)))   # step 9
        N_ += 1                                           # step 10
    e = []
    for i in range(k):                                    # step 12
        e.append(sample_poly_cbd(eta1, PRF(eta1, sigma, N_)))   # step 13
        N_ += 1                                           # step 14
    _note(trace, "s", s)
    _note(trace, "e", e)
    s_hat = [ntt(f) for f in s]                           # step 16
    e_hat = [ntt(f) for f in e]                           # step 17
    _note(trace, "s_hat", s_hat)
    _note(trace, "e_hat", e_hat)
    t_hat = [poly_add(inner_product_ntt(A_hat[i], s_hat), e_hat[i])   # step 18
             for i in range(k)]
    _note(trace, "t_hat", t_hat)
    ek_pke = byte_encode_vector(COEFFICIENT_BITS, t_hat) + rho        # step 19
    dk_pke = byte_encode_vector(COEFFICIENT_BITS, s_hat)             # step 20
    return ek_pke, dk_pke                                 # step 21


def k_pke_encrypt(ek_pke: bytes, m: bytes, r: bytes, params: Params,
                  trace: Optional[dict] = None) -> bytes:
    """Algorithm 14 K-PKE.Encrypt(ek_PKE, m, r) -> c."""
    k, eta1, eta2, du, dv = params.k, params.eta1, params.eta2, params.du, params.dv
    N_ = 0                                                # step 1
    t_hat = byte_decode_vector(COEFFICIENT_BITS, ek_pke[:POLY_BYTES * k], k)   # step 2
    rho = ek_pke[POLY_BYTES * k:POLY_BYTES * k + SYMMETRIC_SIZE]               # step 3
    A_hat_T = _generate_matrix(rho, k, transpose=True)    # steps 4-8
    y = []
    for i in range(k):                                    # step 9
        y.append(sample_poly_cbd(eta1, PRF(eta1, r, N_)))     # step 10
        N_ += 1                                           # step 11
    e1 = []
    for i in range(k):                                    # step 13
        e1.append(sample_poly_cbd(eta2, PRF(eta2, r, N_)))    # step 14
        N_ += 1                                           # step 15
    e2 = sample_poly_cbd(eta2, PRF(eta2, r, N_))          # step 17
    y_hat = [ntt(f) for f in y]                           # step 18
    _note(trace, "y", y)
    _note(trace, "e1", e1)
    _note(trace, "e2", e2)
    _note(trace, "y_hat", y_hat)
    u = [poly_add(ntt_inverse(inner_product_ntt(A_hat_T[i], y_hat)), e1[i])   # step 19
         for i in range(k)]
    mu = decompress_poly(1, byte_decode(1, m))            # step 20
    v = poly_add(poly_add(ntt_inverse(inner_product_ntt(t_hat, y_hat)), e2), mu)   # step 21
    _note(trace, "u", u)
    _note(trace, "mu", mu)
    _note(trace, "v", v)
    c1 = b"".join(byte_encode(du, compress_poly(du, f)) for f in u)   # step 22
    c2 = byte_encode(dv, compress_poly(dv, v))                        # step 23
    _note(trace, "c1", c1)
    _note(trace, "c2", c2)
    return c1 + c2                                        # step 24


def k_pke_decrypt(dk_pke: bytes, c: bytes, params: Params,
                  trace: Optional[dict] = None) -> bytes:
    """Algorithm 15 K-PKE.Decrypt(dk_PKE, c) -> m."""
    k, du, dv = params.k, params.du, params.dv
    c1 = c[:32 * du * k]                                  # step 1
    c2 = c[32 * du * k:32 * (du * k + dv)]                # step 2
    u_prime = [decompress_poly(du, f) for f in byte_decode_vector(du, c1, k)]   # step 3
    v_prime = decompress_poly(dv, byte_decode(dv, c2))    # step 4
    s_hat = byte_decode_vector(COEFFICIENT_BITS, dk_pke, k)   # step 5
    u_hat = [ntt(f) for f in u_prime]
    w = poly_sub(v_prime, ntt_inverse(inner_product_ntt(s_hat, u_hat)))   # step 6
    _note(trace, "u_prime", u_prime)
    _note(trace, "v_prime", v_prime)
    _note(trace, "w", w)
    m = byte_encode(1, compress_poly(1, w))               # step 7
    return m                                              # step 8


# --- §7.2 and §7.3: input checks ---

def _require_params(params: object) -> Params:
    if not isinstance(params, Params):
        raise TypeError(f"params must be one of ML_KEM_512, ML_KEM_768, ML_KEM_1024, "
                        f"not {type(params).__name__}")
    return params


def _require_seed(name: str, value: object, length: int = SYMMETRIC_SIZE) -> bytes:
    value = require_bytes(name, value)
    if len(value) != length:
        raise ValueError(f"{name} must be {length} bytes, got {len(value)}")
    return value


def check_encapsulation_key(ek: object, params: Params) -> bytes:
    """§7.2 encapsulation key check: the type check (length) and the modulus check.

    Returns ek as bytes; raises InvalidKey if it has the wrong length or if a
    coefficient of t_hat is >= q (ByteEncode_12(ByteDecode_12(.)) changes it).
    """
    ek = require_bytes("ek", ek)
    twin = impl.fast("mlkem")
    if twin is not None:
        return twin.check_encapsulation_key(ek, params)
    if len(ek) != params.ek_size:                         # §7.2 check 1 (type check)
        raise InvalidKey(f"{params.name} encapsulation key must be {params.ek_size} bytes, "
                         f"got {len(ek)}")
    encoded = ek[:POLY_BYTES * params.k]                  # §7.2 check 2 (modulus check)
    test = byte_encode_vector(COEFFICIENT_BITS,
                              byte_decode_vector(COEFFICIENT_BITS, encoded, params.k))
    if test != encoded:
        raise InvalidKey(f"{params.name} encapsulation key has a coefficient >= q")
    return ek


def check_decapsulation_inputs(dk: object, c: object, params: Params) -> tuple[bytes, bytes]:
    """§7.3 decapsulation input checks: ciphertext and key lengths, and the hash check.

    Returns (dk, c) as bytes; raises InvalidKey on a failure.
    """
    dk = require_bytes("dk", dk)
    c = require_bytes("c", c)
    k = params.k
    if len(c) != params.ciphertext_size:                  # §7.3 check 1 (ciphertext type)
        raise InvalidKey(f"{params.name} ciphertext must be {params.ciphertext_size} bytes, "
                         f"got {len(c)}")
    if len(dk) != params.dk_size:                         # §7.3 check 2 (key type)
        raise InvalidKey(f"{params.name} decapsulation key must be {params.dk_size} bytes, "
                         f"got {len(dk)}")
    test = H(dk[POLY_BYTES * k:2 * POLY_BYTES * k + SYMMETRIC_SIZE])   # §7.3 check 3 (hash)
    if test != dk[2 * POLY_BYTES * k + SYMMETRIC_SIZE:2 * POLY_BYTES * k + 2 * SYMMETRIC_SIZE]:
        raise InvalidKey(f"{params.name} decapsulation key fails the hash check H(ek) == h")
    return dk, c


# --- §6 Algorithms 16-18: the internal (deterministic) algorithms ---

def keygen_internal(d: bytes, z: bytes, params: Params,
                    trace: Optional[dict] = None) -> tuple[bytes, bytes]:
    """Algorithm 16 ML-KEM.KeyGen_internal(d, z) -> (ek, dk); dk in its 768k+96-byte form."""
    params = _require_params(params)
    d = _require_seed("d", d)
    z = _require_seed("z", z)
    twin = impl.fast("mlkem") if trace is None else None
    if twin is not None:
        return twin.keygen_internal(d, z, params)
    ek_pke, dk_pke = k_pke_keygen(d, params, trace)       # step 1
    ek = ek_pke                                           # step 2
    dk = dk_pke + ek + H(ek) + z                          # step 3
    return ek, dk                                         # step 4


def encaps_internal(ek: bytes, m: bytes, params: Params,
                    trace: Optional[dict] = None) -> tuple[bytes, bytes]:
    """Algorithm 17 ML-KEM.Encaps_internal(ek, m) -> (K, c), after the §7.2 check of ek.

    FIPS 203 leaves the §7.2 check to the caller of the internal algorithm;
    refkx performs it here so that no entry point accepts a bad key.
    """
    params = _require_params(params)
    m = _require_seed("m", m)
    ek = require_bytes("ek", ek)
    twin = impl.fast("mlkem") if trace is None else None
    if twin is not None:
        return twin.encaps_internal(ek, m, params)       # runs the §7.2 check itself
    ek = check_encapsulation_key(ek, params)              # §7.2 (InvalidKey)
    K, r = G(m + H(ek))                                   # step 1
    _note(trace, "K", K)
    _note(trace, "r", r)
    c = k_pke_encrypt(ek, m, r, params, trace)            # step 2
    return K, c                                           # step 3


def decaps_internal(dk: bytes, c: bytes, params: Params, trace: Optional[dict] = None) -> bytes:
    """Algorithm 18 ML-KEM.Decaps_internal(dk, c) -> K (or K_bar on a failed re-encryption).

    Call `decaps` instead: it runs the §7.3 checks first (this function needs
    inputs of the right lengths).
    """
    k = params.k
    dk_pke = dk[:POLY_BYTES * k]                                          # step 1
    ek_pke = dk[POLY_BYTES * k:2 * POLY_BYTES * k + SYMMETRIC_SIZE]       # step 2
    h = dk[2 * POLY_BYTES * k + SYMMETRIC_SIZE:2 * POLY_BYTES * k + 2 * SYMMETRIC_SIZE]   # step 3
    z = dk[2 * POLY_BYTES * k + 2 * SYMMETRIC_SIZE:                       # step 4
           2 * POLY_BYTES * k + 3 * SYMMETRIC_SIZE]
    m_prime = k_pke_decrypt(dk_pke, c, params, trace)     # step 5
    K_prime, r_prime = G(m_prime + h)                     # step 6
    K_bar = J(z + c)                                      # step 7
    reencryption: Optional[dict] = {} if trace is not None else None
    c_prime = k_pke_encrypt(ek_pke, m_prime, r_prime, params, reencryption)   # step 8
    # Steps 9-11: if c != c' then K' <- K_bar. constant_time_equal reads every
    # byte of both ciphertexts (no early exit on the first difference), and
    # both candidate keys were computed before the comparison.
    same = constant_time_equal(c, c_prime)
    if trace is not None:
        trace.update({"m_prime": m_prime, "K_prime": K_prime, "r_prime": r_prime,
                      "K_bar": K_bar, "c_prime": c_prime, "accepted": same})
    return K_prime if same else K_bar                     # step 12


# --- §7 Algorithms 19-21: the external algorithms ---

def keygen(params: Params, rng: Optional[Rng] = None) -> tuple[bytes, bytes]:
    """Algorithm 19 ML-KEM.KeyGen() -> (ek, dk), with d and z drawn from `rng`."""
    rng = rng or secrets.token_bytes
    d = rng(SYMMETRIC_SIZE)                               # step 1
    z = rng(SYMMETRIC_SIZE)                               # step 2
    return keygen_internal(d, z, params)                  # steps 3-6


def encaps(ek: bytes, params: Params, rng: Optional[Rng] = None) -> tuple[bytes, bytes]:
    """Algorithm 20 ML-KEM.Encaps(ek) -> (K, c); ek must pass §7.2 (else InvalidKey)."""
    rng = rng or secrets.token_bytes
    m = rng(SYMMETRIC_SIZE)                               # step 1
    return encaps_internal(ek, m, params)                 # steps 2-5


def decaps(dk: bytes, c: bytes, params: Params) -> bytes:
    """Algorithm 21 ML-KEM.Decaps(dk, c) -> K after the §7.3 checks (InvalidKey on failure).

    A ciphertext of the right length that was not produced for this key is not
    an error: the result is the implicit-rejection key K_bar = J(z || c).
    """
    params = _require_params(params)
    dk, c = check_decapsulation_inputs(dk, c, params)     # §7.3
    twin = impl.fast("mlkem")
    if twin is not None:
        return twin.decaps(dk, c, params)
    return decaps_internal(dk, c, params)                 # step 1


# --- pyca-shaped key classes ---

class _MLKEMPublicKey:
    """An encapsulation key ek that has passed the §7.2 checks."""

    _params: Params

    def __init__(self, ek: bytes) -> None:
        self._ek = check_encapsulation_key(ek, self._params)

    @classmethod
    def from_public_bytes(cls, data: bytes):
        """The key for `data`, 384k + 32 bytes (InvalidKey: wrong length, a coefficient >= q)."""
        return cls(data)

    def public_bytes_raw(self) -> bytes:
        return self._ek

    def public_bytes(self, encoding, format) -> bytes:
        """pyca's public_bytes: SubjectPublicKeyInfo (refkx.serialization) or Raw."""
        from . import serialization   # builds on this module: imported at call time
        return serialization.public_bytes(self, encoding, format)

    def encapsulate(self, rng: Optional[Rng] = None) -> tuple[bytes, bytes]:
        """Algorithm 20: (shared_secret K, ciphertext c)."""
        return encaps(self._ek, self._params, rng)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._ek == self._ek

    def __hash__(self) -> int:
        return hash((type(self), self._ek))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._ek[:8].hex()}...>"


class _MLKEMPrivateKey:
    """A decapsulation key kept as its 64-byte seed d || z (and the expanded dk it gives)."""

    _params: Params
    _public_key_class: type

    def __init__(self, seed: bytes) -> None:
        seed = _require_seed("seed", seed, SEED_SIZE)
        self._seed = seed
        self._ek, self._dk = keygen_internal(seed[:SYMMETRIC_SIZE], seed[SYMMETRIC_SIZE:],
                                             self._params)

    @classmethod
    def generate(cls, rng: Optional[Rng] = None):
        """Algorithm 19 with d and z from `rng` (default secrets.token_bytes)."""
        rng = rng or secrets.token_bytes
        d = rng(SYMMETRIC_SIZE)
        z = rng(SYMMETRIC_SIZE)
        return cls(d + z)

    @classmethod
    def from_seed_bytes(cls, data: bytes):
        """The key whose seed is `data` = d || z (64 bytes; ValueError otherwise)."""
        return cls(data)

    def private_bytes_raw(self) -> bytes:
        """The 64-byte seed d || z."""
        return self._seed

    def private_bytes(self, encoding, format, encryption_algorithm=None) -> bytes:
        """pyca's private_bytes: PKCS #8 with the seed (refkx.serialization) or Raw (the seed)."""
        from . import serialization   # builds on this module: imported at call time
        return serialization.private_bytes(self, encoding, format, encryption_algorithm)

    def expanded_bytes(self) -> bytes:
        """The expanded decapsulation key dk = dk_PKE || ek || H(ek) || z (768k + 96 bytes)."""
        return self._dk

    def public_key(self):
        return self._public_key_class(self._ek)

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """Algorithm 21: the shared secret K (K_bar for a ciphertext made for another key)."""
        return decaps(self._dk, ciphertext, self._params)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class MLKEM512PublicKey(_MLKEMPublicKey):
    _params = ML_KEM_512


class MLKEM768PublicKey(_MLKEMPublicKey):
    _params = ML_KEM_768


class MLKEM1024PublicKey(_MLKEMPublicKey):
    _params = ML_KEM_1024


class MLKEM512PrivateKey(_MLKEMPrivateKey):
    _params = ML_KEM_512
    _public_key_class = MLKEM512PublicKey


class MLKEM768PrivateKey(_MLKEMPrivateKey):
    _params = ML_KEM_768
    _public_key_class = MLKEM768PublicKey


class MLKEM1024PrivateKey(_MLKEMPrivateKey):
    _params = ML_KEM_1024
    _public_key_class = MLKEM1024PublicKey
