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
   GHashKey starts cheap: inputs under SHOUP_MAX_BYTES (the first under a key) use one 256-entry
   table of H with Shoup's byte-at-a-time Horner step, Z = (Z >> 8) ^ REDUCE_8[Z & 255] ^ M[a_j]
   (`ghash_shoup`); then 4-bit tables, 32 per-nibble tables of 16 entries (`ghash_nibbles`, the
   nibbles split by two bytes.translate calls); once BYTE_TABLES_AFTER bytes have been hashed
   under the key, the 8-bit tables of idea 1. FastGCM builds only a T-table BlockAES and H up
   front; messages under PIPELINE_MIN_BLOCKS blocks take their keystream from BlockAES, longer
   ones from the FastAES lane pipeline (built once per key).

Secret-dependent memory access (read before using this for anything but learning)
----------------------------------------------------------------------------------
* Every GHASH table look-up (the list indexing in ghash_scalar, ghash_nibbles, ghash_shoup
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
from .aes import BlockAES, FastAES

__all__ = ["GHashKey", "FastGCM", "ghash", "ghash_nibbles", "nibble_tables", "ghash_shoup",
           "top_byte_table", "SHOUP_MAX_BYTES", "CHAIN_COUNT",
           "CHAIN_MIN_BLOCKS", "BYTE_TABLES_AFTER", "PIPELINE_MIN_BLOCKS"]

# Inputs of fewer bytes than this (with nothing hashed before under the key) use one 256-entry
# table of H and Shoup's byte-at-a-time reduction (~12 us to build, ~4 us a block).
SHOUP_MAX_BYTES = 256
# A key starts with the 4-bit tables (32 x 16 entries, ~40 us to build, ~1.7 us a block) and
# builds the 8-bit tables (16 x 256 entries, ~240 us, ~1 us a block) once this many bytes have
# been hashed under it: a TLS record of 64 bytes never pays for tables it cannot amortise.
BYTE_TABLES_AFTER = 8192
# Messages of fewer blocks (keystream blocks, J_0 included) are encrypted a block at a time by
# the T-table BlockAES; longer ones build the lane pipeline FastAES (once per key).
PIPELINE_MIN_BLOCKS = 12

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


def nibble_tables(G: int) -> tuple[list[list[int]], list[list[int]]]:
    """The 4-bit variant of mul_tables: for byte j, (high-nibble table, low-nibble table),
    HI_j[n] = (n at bits x_(8j)..x_(8j+3)) • G and LO_j[n] = (n at x_(8j+4)..x_(8j+7)) • G."""
    V = _powers_of_x_times(G)
    tables = []
    for q in range(32):                            # nibble q holds x_(4q) .. x_(4q+3)
        t = [0]
        for s in range(3, -1, -1):                 # nibble bit values 1, 2, 4, 8
            v = V[4 * q + s]
            t += [e ^ v for e in t]
        tables.append(t)
    return tables[0::2], tables[1::2]


_HIGH_NIBBLE = bytes(b >> 4 for b in range(256))   # translate tables splitting a byte
_LOW_NIBBLE = bytes(b & 15 for b in range(256))


def ghash_nibbles(tables: tuple[list[list[int]], list[list[int]]], X: bytes, Y: int = 0) -> int:
    """§6.4 Algorithm 2 with the 4-bit tables of H: 32 look-ups per block. len(X) % 16 == 0."""
    ((H0, H1, H2, H3, H4, H5, H6, H7, H8, H9, H10, H11, H12, H13, H14, H15),
     (L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15)) = tables
    from_bytes = int.from_bytes
    high, low = _HIGH_NIBBLE, _LOW_NIBBLE
    for i in range(0, len(X), 16):
        a = (Y ^ from_bytes(X[i:i + 16], "big")).to_bytes(16, "big")
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 = a.translate(high)
        b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15 = a.translate(low)
        Y = (H0[a0] ^ L0[b0] ^ H1[a1] ^ L1[b1] ^ H2[a2] ^ L2[b2] ^ H3[a3] ^ L3[b3]
             ^ H4[a4] ^ L4[b4] ^ H5[a5] ^ L5[b5] ^ H6[a6] ^ L6[b6] ^ H7[a7] ^ L7[b7]
             ^ H8[a8] ^ L8[b8] ^ H9[a9] ^ L9[b9] ^ H10[a10] ^ L10[b10] ^ H11[a11] ^ L11[b11]
             ^ H12[a12] ^ L12[b12] ^ H13[a13] ^ L13[b13] ^ H14[a14] ^ L14[b14] ^ H15[a15]
             ^ L15[b15])
    return Y


def _shift_out_table() -> tuple[int, ...]:
    """REDUCE_8[r] = r • x^8 for the 8 low bits r (x_120..x_127) that a right shift by 8 drops."""
    table = []
    for r in range(256):
        z = r
        for _ in range(8):                         # §6.3 Algorithm 1: V = V • x, eight times
            z = (z >> 1) ^ R if z & 1 else z >> 1
        table.append(z)
    return tuple(table)


_REDUCE_8 = _shift_out_table()


def top_byte_table(G: int) -> list[int]:
    """M[b] = (b at byte 0, bits x_0..x_7) • G, from x^0 • G .. x^7 • G."""
    V = [G]
    for _ in range(7):
        G = (G >> 1) ^ R if G & 1 else G >> 1
        V.append(G)
    M = [0]
    for s in range(7, -1, -1):
        v = V[s]
        M += [e ^ v for e in M]
    return M


def ghash_shoup(M: list[int], X: bytes, Y: int = 0) -> int:
    """§6.4 Algorithm 2, each product by Horner over the bytes (Shoup 1996, 8-bit variant):
    A • H = (...((a_15 • H) • x^8 + a_14 • H) • x^8 ...) + a_0 • H, where • x^8 is a right
    shift by 8 with REDUCE_8 for the dropped byte. len(X) % 16 == 0."""
    reduce8 = _REDUCE_8
    from_bytes = int.from_bytes
    for i in range(0, len(X), 16):
        a = (Y ^ from_bytes(X[i:i + 16], "big")).to_bytes(16, "big")
        Z = M[a[15]]
        for j in (14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0):
            Z = (Z >> 8) ^ reduce8[Z & 255] ^ M[a[j]]
        Y = Z
    return Y


def _entry_tables(tables: list[list[int]]) -> list[list[bytes]]:
    """The same tables with 16-byte `bytes` entries, for b"".join(map(...)) look-ups."""
    return [[e.to_bytes(16, "big") for e in t_j] for t_j in tables]


class GHashKey:
    """GHASH_H with tables derived from the hash subkey H (an int), each built on first need:
    4-bit tables first, 8-bit tables after BYTE_TABLES_AFTER bytes, chain tables for long inputs."""

    __slots__ = ("H", "_top", "_nibbles", "_tables", "_hashed", "_chain")

    def __init__(self, H: int) -> None:
        self.H = H
        self._top = None
        self._nibbles = None
        self._tables = None
        self._hashed = 0                       # bytes hashed so far with the 4-bit tables
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
            if self._nibbles is None and self._hashed < SHOUP_MAX_BYTES:
                if self._top is None:
                    self._top = top_byte_table(self.H)
                return ghash_shoup(self._top, X)
            if self._nibbles is None:
                self._nibbles = nibble_tables(self.H)
            return ghash_nibbles(self._nibbles, X)
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

    Inputs are assumed validated (types, lengths) by the caller, refkx.gcm.AESGCM.
    """

    __slots__ = ("_key", "_block", "_aes", "_ghash")

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._block = BlockAES(key)                                # one block at a time
        self._aes = None                                           # FastAES, on first long message
        H = self._block.encrypt_block(bytes(BLOCK_SIZE))           # §7.1 step 1: H = CIPH_K(0^128)
        self._ghash = GHashKey(int.from_bytes(H, "big"))

    def _j0(self, IV: bytes) -> bytes:
        if len(IV) == NONCE_SIZE:                                  # §7.1 step 2
            return IV + b"\x00\x00\x00\x01"                        # J_0 = IV || 0^31 || 1
        s = -len(IV) % BLOCK_SIZE
        return self._ghash.digest(IV + bytes(s + 8) + (8 * len(IV)).to_bytes(8, "big")
                                  ).to_bytes(BLOCK_SIZE, "big")

    def _s(self, A: bytes, C: bytes) -> int:
        """§7.1 step 5: S = GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64)."""
        return self._ghash.digest(A + bytes(-len(A) % BLOCK_SIZE) + C
                                  + bytes(-len(C) % BLOCK_SIZE) + _len_block(len(A), len(C)))

    def _keystream(self, J_0: bytes, length: int) -> tuple[int, bytes]:
        """CIPH_K(J_0) (as an int) and the GCTR keystream for inc_32(J_0), one AES pass."""
        n = -(-length // BLOCK_SIZE)
        if n + 1 < PIPELINE_MIN_BLOCKS:
            stream = self._block.keystream(J_0, n + 1)              # J_0, inc_32(J_0), ...
        else:
            if self._aes is None:
                self._aes = FastAES(self._key)
            stream = self._aes.keystream(J_0, n + 1, counter_bits=32)
        return int.from_bytes(stream[:BLOCK_SIZE], "big"), stream[BLOCK_SIZE:BLOCK_SIZE + length]

    def encrypt(self, IV: bytes, P: bytes, A: bytes) -> bytes:
        """§7.1 GCM-AE_K(IV, P, A) -> C || T."""
        J_0 = self._j0(IV)
        mask, stream = self._keystream(J_0, len(P))
        n = len(P)
        C = ((int.from_bytes(P, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
             if n else b"")                                        # step 3: C = GCTR(inc_32(J_0), P)
        T = (self._s(A, C) ^ mask).to_bytes(TAG_SIZE, "big")       # step 6: T = GCTR(J_0, S)
        return C + T

    def decrypt(self, IV: bytes, C: bytes, T: bytes, A: bytes) -> bytes:
        """§7.2 GCM-AD_K(IV, C, A, T) -> P, or InvalidTag (no plaintext is computed first)."""
        J_0 = self._j0(IV)
        mask, stream = self._keystream(J_0, len(C))
        expected = (self._s(A, C) ^ mask).to_bytes(TAG_SIZE, "big")
        if not constant_time_equal(expected, T):                   # steps 7-8
            raise InvalidTag()
        n = len(C)
        return ((int.from_bytes(C, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")
                if n else b"")                                     # step 4: P = GCTR(inc_32(J_0), C)
