"""Fast GHASH and AES-GCM: per-key tables, many blocks per interpreter step.

The optimised twin of refkx.gcm (NIST SP 800-38D, November 2007: §6.3 multiplication in
GF(2^128), §6.4 GHASH, §6.5 GCTR, §7.1 GCM-AE, §7.2 GCM-AD). Same functions, same results;
refkx.gcm.AESGCM runs this module while refkx.impl selects the fast implementation of "gcm" (the
default; docs/reading-guide.md says how to switch to the readable code). Blocks are handled as
in refkx.gcm: the int whose big-endian encoding is the block, so the spec's x_0 is the most
significant bit. The constants (BLOCK_SIZE, TAG_SIZE, NONCE_SIZE, R) and the bit-by-bit
gf_mult come from refkx.gcm.

The ideas
---------
1. Multiplying by a fixed element G is linear over GF(2), so X • G is the XOR of 16 table
   entries, one per byte of X:  X • G = T_0[x_0] ^ T_1[x_1] ^ ... ^ T_15[x_15], where
   T_j[b] = (b placed at byte j) • G. Sixteen 256-entry tables per G ("8-bit tables"; the
   per-byte-position variant of Shoup's method, see McGrew & Viega, "The Galois/Counter Mode of
   Operation", 2005, §4.1, and Shoup, "On fast and provably secure message authentication based
   on universal hashing", CRYPTO 1996). The tables need no reduction step at run time: the
   reduction by R (§6.3) is already inside every entry. They are built from the 128 values
   x^i • G (a right shift with conditional XOR of R each) by doubling.
   `ghash_scalar` runs Algorithm 2 (Y_i = (Y_(i-1) XOR X_i) • H) with these tables: 16 look-ups
   per block.
2. For long inputs (>= CHAIN_MIN_BLOCKS), k interleaved Horner chains advanced together. Write
   GHASH_H(X_1..X_m) = sum_i X_i • H^(m+1-i). Split the m blocks into chunks of k; chain l
   collects every k-th block:  S_l = sum_c X_(ck+l) • (H^k)^(q-1-c). Then
   GHASH = sum_l S_l • H^(k-l), which is just GHASH_H(S_0 .. S_(k-1)), one more scalar pass over
   k blocks. Advancing all k chains ("S = S • H^k XOR next chunk") is done per byte position j
   for all chains at once: `b"".join(map(T_j.__getitem__, Sb[j::16]))` looks up the 16-byte
   entries of the k bytes in C and lays them out as one 16k-byte string, which becomes one big
   integer; 16 of those are XORed. Leading zero blocks do not change GHASH (Y_0 = 0), so m is
   padded at the front to a multiple of k. On CPython 3.11 this saves only ~15-20% per block
   over the scalar loop (a C-level look-up still costs ~25 ns), so it is used for long inputs
   only, where the ~1 ms to compute H^k (by squaring) and its tables is repaid.
   (Measured and rejected: the same step with 256 `bytes.translate` calls, one per (input byte,
   output byte) pair - each translate call costs ~0.5 us of fixed overhead.)
3. AES-GCM: the keystream for the whole message (and the tag mask CIPH_K(J_0)) comes from
   refkx.fast.aes in one pass and is XORed with the message as one big integer.
4. Tables that grow with use. A key's tables cost more than a short record can repay, so
   GHashKey starts cheap: one 256-entry table of unreduced products M[b] = b(x) * H(x) in
   "polynomial order" (bit i of an int = coefficient of x^i: every byte's bits reversed, the
   bytes read little-endian). In that order multiplying by x^8 is a left shift that loses
   nothing, so (Y XOR X_i) * H = XOR_j (M[a_j] << 8j) over the 16 bytes a_j, and the 255-bit
   sum is reduced once per block with x^128 = x^7 + x^2 + x + 1 (`ghash_products`; ~11 us to
   build, ~1.4 us a block on CPython 3.11). Once BYTE_TABLES_AFTER bytes have been hashed
   under the key, the 8-bit tables of idea 1 (~0.75 us a block, ~170 us to build).
   (Measured and replaced: 32 per-nibble tables of 16 entries, ~58 us to build and ~1.3 us a
   block; Shoup's one-table Horner step with a reduction per byte, ~1.8 us a block.)
5. FastGCM computes nothing up front. The first message under a key expands the key once
   (refkx.fast.aes.expand_key), builds the cipher its length needs - the T-table BlockAES below
   PIPELINE_MIN_BLOCKS blocks, the FastAES lane pipeline from there on - and encrypts H =
   CIPH_K(0^128) (§7.1 step 1) in the same pass as J_0 and the keystream.

Secret-dependent memory access (read before using this for anything but learning)
----------------------------------------------------------------------------------
* Every GHASH table look-up (the list indexing in ghash_scalar and ghash_products
  and in the chained path's map(T_j.__getitem__, ...)) is indexed by bytes of Y_(i-1) XOR X_i,
  which depend on the secret H; the tables are derived from H. This is the cache-timing channel of table-driven GHASH
  (Käsper & Schwabe, CHES 2009, discuss it and the bitsliced alternative).
* AES inside refkx.fast.aes indexes S-box tables with secret bytes (see its docstring).
* The tag comparison uses refkx.encoding.constant_time_equal; CPython ints are still not
  constant-time. This code teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

from ..encoding import constant_time_equal
from ..errors import InvalidTag
from ..gcm import BLOCK_SIZE, NONCE_SIZE, R, TAG_SIZE, gf_mult
from .aes import BlockAES, FastAES, expand_key

__all__ = ["GHashKey", "FastGCM", "ghash", "ghash_products", "product_table", "to_poly_order",
           "from_poly_order", "CHAIN_COUNT", "CHAIN_MIN_BLOCKS", "BYTE_TABLES_AFTER",
           "PIPELINE_MIN_BLOCKS"]

# A key starts with one product table (256 entries, ~11 us to build, ~1.4 us a block) and
# builds the 8-bit tables (16 x 256 entries, ~170 us, ~0.75 us a block) once this many bytes
# have been hashed under it (CPython 3.11): a 1 KiB record never pays for tables it cannot
# amortise.
BYTE_TABLES_AFTER = 4096
# Passes of fewer blocks (J_0, the message's blocks, and H on a key's first message) are
# encrypted a block at a time by the T-table BlockAES (~10 us a block); longer ones by the lane
# pipeline FastAES (~45 us for a few blocks, ~12 us to build per key; measured on CPython 3.11).
PIPELINE_MIN_BLOCKS = 5

# Below this many blocks (256 KiB) the chained path does not pay for its tables of H^k
# (it saves ~0.1 us per block, and H^k and its tables cost ~1 ms per key; CPython 3.11).
CHAIN_MIN_BLOCKS = 16384
# The number k of interleaved chains (a power of 2; the final scalar pass costs k blocks).
CHAIN_COUNT = 512


def _powers_of_x_times(G: int) -> list[int]:
    """[x^0 • G, x^1 • G, ..., x^127 • G]: §6.3 Algorithm 1's V_i sequence (V_0 = G)."""
    V = [G]
    v = G
    for _ in range(127):
        v = (v >> 1) ^ R if v & 1 else v >> 1
        V.append(v)
    return V


def mul_tables(G: int) -> list[list[int]]:
    """T_j[b] = (b at byte j) • G for j = 0..15 (byte 0 = most significant = x_0..x_7)."""
    V = _powers_of_x_times(G)
    tables = []
    for j in range(16):
        # bit (7 - s) of byte j is the spec's x_(8j + s)
        t = [0]
        for s in range(7, -1, -1):                 # bit values 1, 2, 4, ... of the byte
            v = V[8 * j + s]
            t += [e ^ v for e in t]
        tables.append(t)
    return tables


def ghash_scalar(tables: list[list[int]], X: bytes, Y: int = 0) -> int:
    """§6.4 Algorithm 2 with 8-bit tables of H: Y_i = (Y_(i-1) XOR X_i) • H. len(X) % 16 == 0."""
    (T0, T1, T2, T3, T4, T5, T6, T7,
     T8, T9, T10, T11, T12, T13, T14, T15) = tables
    from_bytes = int.from_bytes
    for i in range(0, len(X), 16):
        (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15
         ) = (Y ^ from_bytes(X[i:i + 16], "big")).to_bytes(16, "big")
        Y = (T0[a0] ^ T1[a1] ^ T2[a2] ^ T3[a3] ^ T4[a4] ^ T5[a5] ^ T6[a6] ^ T7[a7]
             ^ T8[a8] ^ T9[a9] ^ T10[a10] ^ T11[a11] ^ T12[a12] ^ T13[a13] ^ T14[a14]
             ^ T15[a15])
    return Y


# --- Idea 4: one 256-entry table, products in polynomial bit order, one reduction a block ----
# GCM's block bits are the coefficients x^0 .. x^127 from the most significant bit down
# (§6.3). With the bits of every byte reversed and the bytes read little-endian, the block
# becomes the int whose bit i is the coefficient of x^i ("polynomial order"): multiplication
# by x is then a left shift that loses nothing, and reduction can wait until the end.

_REVERSE_BITS = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))   # translate table
_LOW_128 = (1 << 128) - 1
_LOW_120 = (1 << 120) - 1


def _fold_x128(z: int) -> int:
    """z mod P in polynomial order, P = x^128 + x^7 + x^2 + x + 1 (the R of §6.3)."""
    while z >> 128:
        h = z >> 128
        z = (z & _LOW_128) ^ h ^ (h << 1) ^ (h << 2) ^ (h << 7)     # x^128 = x^7 + x^2 + x + 1
    return z


# _FOLD_TOP[t] = (t x^248) mod P for the top byte t of a 255-bit product (t < 128).
_FOLD_TOP = tuple(_fold_x128(t << 248) for t in range(128))


def to_poly_order(block: bytes) -> int:
    """A block (§6.3 bit order) as the int whose bit i is the coefficient of x^i."""
    return int.from_bytes(block.translate(_REVERSE_BITS), "little")


def from_poly_order(z: int) -> bytes:
    """The inverse of to_poly_order (z < 2^128)."""
    return z.to_bytes(BLOCK_SIZE, "little").translate(_REVERSE_BITS)


def product_table(G: int) -> list[int]:
    """M[b] = b(x) * G(x) without reduction (polynomial order, < 2^135), by doubling."""
    g = to_poly_order(G.to_bytes(BLOCK_SIZE, "big"))
    M = [0]
    for s in range(8):                             # bit s of b is the coefficient of x^s
        v = g << s
        M += [e ^ v for e in M]
    return M


def ghash_products(M: list[int], X: bytes, Y: int = 0) -> int:
    """§6.4 Algorithm 2 with one product table M = product_table(H), in polynomial order
    (Y and the result too). Byte j of Y XOR X_i holds the coefficients of x^(8j) .. x^(8j+7),
    so (Y XOR X_i) * H = XOR_j (M[a_j] << 8j), a 255-bit product reduced once: its bits from
    128 up, h, fold back as h * (x^7 + x^2 + x + 1), the top byte of h by table.
    len(X) % 16 == 0."""
    from_bytes = int.from_bytes
    fold_top = _FOLD_TOP
    low128, low120 = _LOW_128, _LOW_120
    X = X.translate(_REVERSE_BITS)
    for i in range(0, len(X), 16):
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 = (
            Y ^ from_bytes(X[i:i + 16], "little")).to_bytes(16, "little")
        Z = (M[a0] ^ M[a1] << 8 ^ M[a2] << 16 ^ M[a3] << 24 ^ M[a4] << 32 ^ M[a5] << 40
             ^ M[a6] << 48 ^ M[a7] << 56 ^ M[a8] << 64 ^ M[a9] << 72 ^ M[a10] << 80
             ^ M[a11] << 88 ^ M[a12] << 96 ^ M[a13] << 104 ^ M[a14] << 112 ^ M[a15] << 120)
        h = Z >> 128
        g = h & low120                             # g * (x^7 + x^2 + x + 1) stays below x^128
        Y = (Z & low128) ^ g ^ g << 1 ^ g << 2 ^ g << 7 ^ fold_top[h >> 120]
    return Y


def _entry_tables(tables: list[list[int]]) -> list[list[bytes]]:
    """The same tables with 16-byte `bytes` entries, for b"".join(map(...)) look-ups."""
    return [[e.to_bytes(16, "big") for e in t_j] for t_j in tables]


class GHashKey:
    """GHASH_H with tables derived from the hash subkey H (an int), each built on first need:
    one product table first, 8-bit tables after BYTE_TABLES_AFTER bytes, chain tables for
    long inputs."""

    __slots__ = ("H", "_products", "_tables", "_hashed", "_chain")

    def __init__(self, H: int) -> None:
        self.H = H
        self._products = None
        self._tables = None
        self._hashed = 0                       # bytes hashed so far with the product table
        self._chain = {}                       # k -> tables of H^k with bytes entries

    @property
    def tables(self) -> list[list[int]]:
        """The 8-bit tables mul_tables(H) (built now if not yet)."""
        if self._tables is None:
            self._tables = mul_tables(self.H)
        return self._tables

    def _chain_tables(self, k: int) -> list[list[bytes]]:
        tab = self._chain.get(k)
        if tab is None:
            if k & (k - 1):
                raise ValueError("the number of chains must be a power of 2")
            Hk = self.H
            for _ in range(k.bit_length() - 1):     # H^k by squaring (k = 2^j), §6.3 Algorithm 1
                Hk = gf_mult(Hk, Hk)
            tab = self._chain[k] = _entry_tables(mul_tables(Hk))
        return tab

    def digest(self, X: bytes) -> int:
        """GHASH_H(X) as an int; len(X) must be a multiple of 16."""
        m = len(X) // BLOCK_SIZE
        if self._tables is None and self._hashed + len(X) < BYTE_TABLES_AFTER:
            self._hashed += len(X)
            if self._products is None:
                self._products = product_table(self.H)
            Y = ghash_products(self._products, X)
            return int.from_bytes(from_poly_order(Y), "big")
        if m < CHAIN_MIN_BLOCKS:
            return ghash_scalar(self.tables, X)
        k = CHAIN_COUNT
        pad = -m % k
        if pad:
            X = bytes(BLOCK_SIZE * pad) + X     # leading zero blocks leave GHASH unchanged
            m += pad
        return ghash_scalar(self.tables, _chains(self._chain_tables(k), X, m, k))


def _chains(tab: list[list[bytes]], X: bytes, m: int, k: int) -> bytes:
    """The k chain values S_0 .. S_(k-1) (16k bytes, block order) for m = q*k blocks:
    S = X_chunk_0; for each further chunk: S = S • H^k XOR X_chunk."""
    from_bytes = int.from_bytes
    chunk = BLOCK_SIZE * k
    S = from_bytes(X[:chunk], "big")
    for start in range(chunk, len(X), chunk):
        Sb = S.to_bytes(chunk, "big")
        S = from_bytes(X[start:start + chunk], "big")
        for j, tab_j in enumerate(tab):
            # byte j of every chain value -> its 16-byte contribution T_j[b], all k at once
            S ^= from_bytes(b"".join(map(tab_j.__getitem__, Sb[j::16])), "big")
    return S.to_bytes(chunk, "big")


def ghash(H: bytes, X: bytes) -> bytes:
    """GHASH_H(X) (§6.4), same signature as refkx.gcm.ghash (tables are rebuilt per call)."""
    if len(X) % BLOCK_SIZE:
        raise ValueError("GHASH input must be a whole number of 16-byte blocks")
    return GHashKey(int.from_bytes(H, "big")).digest(X).to_bytes(BLOCK_SIZE, "big")


def _len_block(a_len: int, c_len: int) -> bytes:
    return (8 * a_len).to_bytes(8, "big") + (8 * c_len).to_bytes(8, "big")


class FastGCM:
    """The AES-GCM core (GCM-AE / GCM-AD, 128-bit tags) for one key.

    Inputs are assumed validated (types, lengths) by the caller, refkx.gcm.AESGCM. Nothing is
    computed up front: the first message under the key expands the key (FIPS 197 §5.2) and
    builds the cipher its length needs (BlockAES for short messages, FastAES for long ones);
    H = CIPH_K(0^128) is then encrypted in the same pass as that message's keystream.
    """

    __slots__ = ("_key", "_schedule", "_block", "_aes", "_ghash")

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._schedule = None                                      # expand_key(key)
        self._block = None                                         # BlockAES, for short messages
        self._aes = None                                           # FastAES, for long messages
        self._ghash = None                                         # GHashKey(H)

    def _key_schedule(self) -> list[int]:
        if self._schedule is None:
            self._schedule = expand_key(self._key)
        return self._schedule

    def _block_cipher(self) -> BlockAES:
        if self._block is None:
            self._block = BlockAES(self._key, self._key_schedule())
        return self._block

    def _lane_cipher(self) -> FastAES:
        if self._aes is None:
            self._aes = FastAES(self._key, self._key_schedule())
        return self._aes

    def _hash_key(self) -> GHashKey:
        if self._ghash is None:                                    # §7.1 step 1: H = CIPH_K(0^128)
            H = self._block_cipher().encrypt_block(bytes(BLOCK_SIZE))
            self._ghash = GHashKey(int.from_bytes(H, "big"))
        return self._ghash

    def _j0(self, IV: bytes) -> bytes:
        if len(IV) == NONCE_SIZE:                                  # §7.1 step 2
            return IV + b"\x00\x00\x00\x01"                        # J_0 = IV || 0^31 || 1
        s = -len(IV) % BLOCK_SIZE
        return self._hash_key().digest(IV + bytes(s + 8) + (8 * len(IV)).to_bytes(8, "big")
                                       ).to_bytes(BLOCK_SIZE, "big")

    def _s(self, A: bytes, C: bytes) -> int:
        """§7.1 step 5: S = GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64)."""
        return self._ghash.digest(A + bytes(-len(A) % BLOCK_SIZE) + C
                                  + bytes(-len(C) % BLOCK_SIZE) + _len_block(len(A), len(C)))

    def _keystream(self, IV: bytes, length: int) -> tuple[int, bytes]:
        """CIPH_K(J_0) (as an int) and the GCTR keystream for inc_32(J_0), one AES pass; H is
        known afterwards (computed in the same pass when this is the key's first message)."""
        n = -(-length // BLOCK_SIZE) + 1                           # J_0 and the message's blocks
        lead = b""
        if self._ghash is None and len(IV) == NONCE_SIZE:
            lead = bytes(BLOCK_SIZE)                               # H = CIPH_K(0^128) rides along
        J_0 = self._j0(IV)
        if n + len(lead) // BLOCK_SIZE < PIPELINE_MIN_BLOCKS:
            block = self._block_cipher()
            stream = block.keystream(J_0, n)                       # J_0, inc_32(J_0), ...
            if lead:
                stream = block.encrypt_block(lead) + stream
        else:
            stream = self._lane_cipher().keystream(J_0, n, counter_bits=32, lead=lead)
        if lead:
            self._ghash = GHashKey(int.from_bytes(stream[:BLOCK_SIZE], "big"))
            stream = stream[BLOCK_SIZE:]
        return int.from_bytes(stream[:BLOCK_SIZE], "big"), stream[BLOCK_SIZE:BLOCK_SIZE + length]

    def encrypt(self, IV: bytes, P: bytes, A: bytes) -> bytes:
        """§7.1 GCM-AE_K(IV, P, A) -> C || T."""
        mask, stream = self._keystream(IV, len(P))                # steps 1-2 and GCTR's blocks
        n = len(P)
        C = ((int.from_bytes(P, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
             if n else b"")                                        # step 3: C = GCTR(inc_32(J_0), P)
        T = (self._s(A, C) ^ mask).to_bytes(TAG_SIZE, "big")       # step 6: T = GCTR(J_0, S)
        return C + T

    def decrypt(self, IV: bytes, C: bytes, T: bytes, A: bytes) -> bytes:
        """§7.2 GCM-AD_K(IV, C, A, T) -> P, or InvalidTag (no plaintext is computed first)."""
        mask, stream = self._keystream(IV, len(C))
        expected = (self._s(A, C) ^ mask).to_bytes(TAG_SIZE, "big")
        if not constant_time_equal(expected, T):                   # steps 7-8
            raise InvalidTag()
        n = len(C)
        return ((int.from_bytes(C, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
                if n else b"")                                     # step 4: P = GCTR(inc_32(J_0), C)
