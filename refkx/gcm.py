"""Galois/Counter Mode, NIST SP 800-38D (November 2007), with the AES of refkx.aes.

Sections implemented:
  §6.2  inc_32, the counter increment on the rightmost 32 bits
  §6.3  multiplication in GF(2^128), Algorithm 1 (gf_mult)
  §6.4  GHASH_H, Algorithm 2 (ghash)
  §6.5  GCTR_K, Algorithm 3 (gctr)
  §7.1  GCM-AE_K, Algorithm 4 (gcm_ae)
  §7.2  GCM-AD_K, Algorithm 5 (gcm_ad)
  §5.2.1.1  the length limits on IV, P and A (check_lengths)
and AESGCM, the pyca-shaped class on top (the shape of pyca/cryptography's AESGCM).

Names follow the document: H (the hash subkey CIPH_K(0^128)), J_0 (the pre-counter
block), IV, P, A, C, T, S (the GHASH result), u and v (zero-padding lengths),
X_i / Y_i (blocks and GHASH intermediates). A 128-bit block is handled as the
Python int whose big-endian encoding is the block, so the spec's leftmost bit
x_0 is the int's most significant bit and the spec's "rightshift" is `>> 1`.

Tags are always 128 bits (t = 128) here. Decryption checks the tag before it
computes any plaintext and raises InvalidTag on a mismatch, releasing nothing.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets. The readable GHASH does one bit per
loop iteration. AESGCM asks refkx.impl at every call which implementation runs:
the optimised twin (refkx.fast.gcm, tables and whole-message AES) or the steps
below (REFKX_READABLE=1 or refkx.impl.use("readable")).
"""

from __future__ import annotations

import secrets

from .aes import AES, BLOCK_SIZE
from .encoding import constant_time_equal, require_bytes, require_int
from .errors import InvalidTag
from . import impl

TAG_SIZE = 16                     # bytes; t = 128 (§5.2.1.2 allows shorter, refkx does not)
NONCE_SIZE = 12                   # the recommended 96-bit IV (§5.2.1.1), the J_0 = IV || 0^31 || 1 path
R = 0xE1 << 120                   # §6.3: R = 11100001 || 0^120
BLOCK_MASK = (1 << 128) - 1
KEY_BITS = (128, 192, 256)

# §5.2.1.1 "Input Data", in bits
MAX_PLAINTEXT_BITS = 2 ** 39 - 256
MAX_AAD_BITS = 2 ** 64 - 1
MAX_IV_BITS = 2 ** 64 - 1


# --- §6.2 - §6.5: the building blocks -----------------------------------------

def inc_32(block: bytes) -> bytes:
    """§6.2: inc_32(X) = MSB_96(X) || [int(LSB_32(X)) + 1 mod 2^32]_32."""
    block = require_bytes("block", block)
    if len(block) != BLOCK_SIZE:
        raise ValueError(f"inc_32 takes a {BLOCK_SIZE}-byte block, not {len(block)} bytes")
    low = (int.from_bytes(block[12:], "big") + 1) % 2 ** 32
    return block[:12] + low.to_bytes(4, "big")


def gf_mult(X: int, Y: int) -> int:
    """§6.3 Algorithm 1: X • Y in GF(2^128), blocks as ints (bit x_0 = most significant)."""
    Z, V = 0, Y                                    # step 2: Z_0 = 0^128, V_0 = Y
    for i in range(128):                           # step 3
        if (X >> (127 - i)) & 1:                   # x_i = 1: Z_(i+1) = Z_i XOR V_i
            Z ^= V
        if V & 1:                                  # LSB_1(V_i) = 1
            V = (V >> 1) ^ R                       # V_(i+1) = rightshift(V_i) XOR R
        else:
            V >>= 1                                # V_(i+1) = rightshift(V_i)
    return Z                                       # step 4: return Z_128


def ghash(H: bytes, X: bytes, trace: list | None = None) -> bytes:
    """§6.4 Algorithm 2 GHASH_H(X) for X of 16*m bytes.

    Y_0 = 0^128; Y_i = (Y_(i-1) XOR X_i) • H; returns Y_m. If `trace` is a list,
    each Y_i is appended (the X_i of the McGrew–Viega GCM specification).
    """
    H, X = require_bytes("H", H), require_bytes("X", X)
    if len(H) != BLOCK_SIZE:
        raise ValueError(f"the hash subkey H must be {BLOCK_SIZE} bytes, not {len(H)}")
    if len(X) % BLOCK_SIZE:
        raise ValueError("GHASH input must be a whole number of 16-byte blocks")
    return _ghash_int(int.from_bytes(H, "big"), X, trace).to_bytes(BLOCK_SIZE, "big")


def _ghash_int(h: int, X: bytes, trace: list | None = None) -> int:
    Y = 0                                                          # step 2: Y_0 = 0^128
    for i in range(0, len(X), BLOCK_SIZE):                         # step 3
        Y = gf_mult(Y ^ int.from_bytes(X[i:i + BLOCK_SIZE], "big"), h)
        if trace is not None:
            trace.append(Y.to_bytes(BLOCK_SIZE, "big"))
    return Y                                                       # step 4: Y_m


def gctr(encrypt_block, ICB: bytes, X: bytes) -> bytes:
    """§6.5 Algorithm 3 GCTR_K(ICB, X); encrypt_block is CIPH_K."""
    ICB, X = require_bytes("ICB", ICB), require_bytes("X", X)
    if len(ICB) != BLOCK_SIZE:
        raise ValueError(f"the initial counter block ICB must be {BLOCK_SIZE} bytes, not {len(ICB)}")
    if not X:
        return b""                                                 # step 1
    n = -(-len(X) // BLOCK_SIZE)                                   # step 2: n = ceil(len(X)/128)
    Y = bytearray()
    CB = ICB                                                       # step 4: CB_1 = ICB
    for i in range(n):
        X_i = X[BLOCK_SIZE * i: BLOCK_SIZE * (i + 1)]              # step 3 (X*_n may be partial)
        O_i = encrypt_block(CB)
        Y += bytes(x ^ o for x, o in zip(X_i, O_i))                # steps 6-7: Y_i = X_i XOR CIPH_K(CB_i)
        CB = inc_32(CB)                                            # step 5: CB_i = inc_32(CB_(i-1))
    return bytes(Y)                                                # step 8


def _pad_len_block(A: bytes, C: bytes) -> bytes:
    """§7.1 step 5: A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64 (lengths in bits)."""
    v = -len(A) % BLOCK_SIZE
    u = -len(C) % BLOCK_SIZE
    return (A + bytes(v) + C + bytes(u)
            + (8 * len(A)).to_bytes(8, "big") + (8 * len(C)).to_bytes(8, "big"))


def _j0(ghash_fn, H: bytes, IV: bytes) -> bytes:
    """§7.1 step 2: the pre-counter block J_0."""
    if len(IV) == NONCE_SIZE:
        return IV + b"\x00\x00\x00\x01"                            # J_0 = IV || 0^31 || 1
    s = -len(IV) % BLOCK_SIZE                  # s = 128*ceil(len(IV)/128) - len(IV) bits, here in bytes
    # J_0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64)
    return ghash_fn(H, IV + bytes(s + 8) + (8 * len(IV)).to_bytes(8, "big"))


def check_lengths(iv_len: int, text_len: int, aad_len: int) -> None:
    """§5.2.1.1: raise ValueError unless the IV, P (or C) and A byte lengths are allowed."""
    if iv_len == 0:
        raise ValueError("nonce (IV) must not be empty (SP 800-38D §5.2.1.1: len(IV) >= 1)")
    if 8 * iv_len > MAX_IV_BITS:
        raise ValueError("nonce (IV) longer than 2^64 - 1 bits (SP 800-38D §5.2.1.1)")
    if 8 * text_len > MAX_PLAINTEXT_BITS:
        raise ValueError("data longer than 2^39 - 256 bits (SP 800-38D §5.2.1.1)")
    if 8 * aad_len > MAX_AAD_BITS:
        raise ValueError("associated data longer than 2^64 - 1 bits (SP 800-38D §5.2.1.1)")


# --- the class -----------------------------------------------------------------

class AESGCM:
    """AES-GCM with 128-bit tags, in the shape of pyca/cryptography's AESGCM.

    encrypt(nonce, data, associated_data) -> C || T
    decrypt(nonce, data, associated_data) -> P, or raises InvalidTag

    The bulk work goes through three hooks, which a subclass may replace:
    `_cipher_class` (the block cipher), `_ghash(H, X)` and `_gctr(encrypt_block, ICB, X)`.
    While refkx.impl selects the fast "gcm" implementation and no hook is replaced, encrypt and
    decrypt run refkx.fast.gcm instead (same values), with its per-key tables built on first
    use and kept on the object for that twin.
    """

    _cipher_class = AES
    _ghash = staticmethod(ghash)
    _gctr = staticmethod(gctr)

    def __init__(self, key: bytes) -> None:
        key = require_bytes("key", key)
        if 8 * len(key) not in KEY_BITS:
            raise ValueError(f"AESGCM key must be 16, 24 or 32 bytes, not {len(key)}")
        self._key = key
        self._readable = None      # (CIPH_K, H), built on first readable call
        self._fast = None          # (twin module, its per-key state), built on first fast call

    @property
    def _cipher(self):
        """The block cipher CIPH_K (`_cipher_class(key)`), built on first use."""
        return self._readable_state()[0]

    @property
    def _H(self) -> bytes:
        """§7.1 step 1: the hash subkey H = CIPH_K(0^128), computed on first use."""
        return self._readable_state()[1]

    def _readable_state(self):
        if self._readable is None:
            cipher = self._cipher_class(self._key)
            self._readable = (cipher, cipher.encrypt_block(bytes(BLOCK_SIZE)))
        return self._readable

    def _fast_core(self):
        """The fast twin's per-key state if refkx.impl selects it now, else None (readable)."""
        twin = impl.fast("gcm")
        if (twin is None or self._cipher_class is not AES
                or self._ghash is not ghash or self._gctr is not gctr):
            return None
        if self._fast is None or self._fast[0] is not twin:
            self._fast = (twin, twin.FastGCM(self._key))
        return self._fast[1]

    @staticmethod
    def generate_key(bit_length: int) -> bytes:
        """A fresh random key of 128, 192 or 256 bits from `secrets`."""
        bit_length = require_int("bit_length", bit_length)
        if bit_length not in KEY_BITS:
            raise ValueError(f"bit_length must be 128, 192 or 256, not {bit_length}")
        return secrets.token_bytes(bit_length // 8)

    @staticmethod
    def _inputs(nonce, data, associated_data) -> tuple[bytes, bytes, bytes]:
        nonce = require_bytes("nonce", nonce)
        data = require_bytes("data", data)
        A = b"" if associated_data is None else require_bytes("associated_data", associated_data)
        return nonce, data, A

    def _tag(self, J_0: bytes, A: bytes, C: bytes) -> bytes:
        S = self._ghash(self._H, _pad_len_block(A, C))            # §7.1 step 5: S = GHASH_H(...)
        return self._gctr(self._cipher.encrypt_block, J_0, S)[:TAG_SIZE]  # step 6: T = MSB_t(GCTR(J_0, S))

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        """§7.1 Algorithm 4 GCM-AE_K(IV, P, A); returns C || T (T is 16 bytes)."""
        IV, P, A = self._inputs(nonce, data, associated_data)
        check_lengths(len(IV), len(P), len(A))                     # §7.1 "Prerequisites"
        fast = self._fast_core()
        if fast is not None:
            return fast.encrypt(IV, P, A)                          # refkx.fast.gcm, same values
        J_0 = _j0(self._ghash, self._H, IV)                        # step 2
        C = self._gctr(self._cipher.encrypt_block, inc_32(J_0), P)  # step 3: C = GCTR(inc_32(J_0), P)
        return C + self._tag(J_0, A, C)                            # steps 4-7

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        """§7.2 Algorithm 5 GCM-AD_K(IV, C, A, T) on data = C || T.

        Raises InvalidTag if the tag does not verify, and also if `data` is
        shorter than the 16-byte tag (the data comes from the network, so this
        is the attacker-triggerable failure, not caller misuse). The tag is
        checked before any plaintext is computed.
        """
        IV, data, A = self._inputs(nonce, data, associated_data)
        check_lengths(len(IV), max(len(data) - TAG_SIZE, 0), len(A))  # step 1: lengths supported
        if len(data) < TAG_SIZE:
            raise InvalidTag()
        C, T = data[:-TAG_SIZE], data[-TAG_SIZE:]                 # step 1: len(T) = t = 128
        fast = self._fast_core()
        if fast is not None:
            return fast.decrypt(IV, C, T, A)                       # refkx.fast.gcm, same values
        J_0 = _j0(self._ghash, self._H, IV)                        # step 3
        # Steps 5-8 come before step 4 here, so that no plaintext exists when the tag is wrong.
        if not constant_time_equal(self._tag(J_0, A, C), T):      # steps 5-8: compare T' with T
            raise InvalidTag()                                     # "return FAIL"
        return self._gctr(self._cipher.encrypt_block, inc_32(J_0), C)  # step 4: P = GCTR(inc_32(J_0), C)

    def __repr__(self) -> str:
        return f"AESGCM(<{8 * len(self._key)}-bit key>)"


# --- spec-shaped functions -------------------------------------------------------

def gcm_ae(key: bytes, IV: bytes, P: bytes, A: bytes) -> tuple[bytes, bytes]:
    """§7.1 GCM-AE_K(IV, P, A) -> (C, T) with t = 128."""
    out = AESGCM(key).encrypt(IV, P, A)
    return out[:-TAG_SIZE], out[-TAG_SIZE:]


def gcm_ad(key: bytes, IV: bytes, C: bytes, A: bytes, T: bytes) -> bytes:
    """§7.2 GCM-AD_K(IV, C, A, T) -> P, or raises InvalidTag (t = 128; T must be 16 bytes)."""
    T = require_bytes("T", T)
    if len(T) != TAG_SIZE:
        raise ValueError(f"tag must be {TAG_SIZE} bytes")
    return AESGCM(key).decrypt(IV, require_bytes("C", C) + T, A)


def trace_encrypt(key: bytes, iv: bytes, plaintext: bytes, aad: bytes | None) -> list[tuple[str, bytes]]:
    """GCM-AE with its intermediates, named as in the McGrew–Viega GCM specification.

    Rows: ("H", H), ("J0", J_0) (their Y_0), ("X_1", ...) .. ("X_n", ...) the GHASH
    accumulator after each block of A || C || lengths (so X_n equals S),
    ("S", GHASH_H(A, C)), ("C", ciphertext), ("T", tag).
    """
    aead = AESGCM(key)
    IV, P, A = AESGCM._inputs(iv, plaintext, aad)
    check_lengths(len(IV), len(P), len(A))
    J_0 = _j0(ghash, aead._H, IV)
    C = gctr(aead._cipher.encrypt_block, inc_32(J_0), P)
    X_rows: list[bytes] = []
    S = ghash(aead._H, _pad_len_block(A, C), trace=X_rows)
    T = gctr(aead._cipher.encrypt_block, J_0, S)[:TAG_SIZE]
    return ([("H", aead._H), ("J0", J_0)]
            + [(f"X_{i}", x) for i, x in enumerate(X_rows, start=1)]
            + [("S", S), ("C", C), ("T", T)])
