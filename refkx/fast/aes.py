"""Fast AES encryption of many blocks at once ("byte-sliced" over bytes and big integers).

This is the optimised twin of refkx.aes (FIPS 197, 2023 update, §5.1 CIPHER and §5.2
KEYEXPANSION, `expand_key`, tested against refkx.aes.key_expansion). It computes exactly the same
function, but for N blocks in one pass, so that the Python interpreter runs a few dozen
operations per ROUND rather than a few hundred per BLOCK. It only encrypts: CTR (SP 800-38A
§6.5) and GCM's GCTR (SP 800-38D §6.5) never need the inverse cipher.

The idea
--------
1. Lane layout. The N blocks are stored as 16 "lanes": lane (r, c) is one bytes object of N bytes
   holding state byte s[r][c] (FIPS 197 §3.4; in[r + 4c]) of every block. The lanes are laid out
   row-major (lane index 4r + c), so one round's state is a single 16N-byte string. Moving bytes
   between the block-major order of messages and the lane layout is a transposition done with
   extended slices (`data[p::16]`), which run in C.
2. AddRoundKey + SubBytes + ShiftRows = one `bytes.translate` per lane. A translate table can
   hold any byte -> byte function, so for round i and lane L the table is
   x -> SBOX[x XOR k[L]] (the round key byte is folded into a permuted S-box; 16 tables of 256
   bytes per round, built per key with two C calls each). ShiftRows (§5.1.2) only says which
   lane feeds which, so it costs nothing but the order of a `b"".join`. In the last round the
   table also XORs in the final round key: x -> SBOX[x XOR k_{Nr-1}[src]] XOR k_Nr[dst].
3. MixColumns (§5.1.3) on the whole state as ONE big integer T (int.from_bytes of the 16N bytes).
   Output row r is  2*T_r + 3*T_(r+1) + T_(r+2) + T_(r+3)  (rows mod 4, "+" = XOR). With
   rot(T) = T rotated by one row (4 lanes) this is
       U = T ^ rot(T);   V = U ^ rot^2(U)   (= T_0 ^ T_1 ^ T_2 ^ T_3 on every row)
       MixColumns(T) = xtime(U) ^ V ^ T,
   and xtime (§4.2, multiply every byte by {02}) is the SWAR expression
       ((U & 0x7f7f..) << 1) ^ (((U >> 7) & 0x0101..) * 0x1b).
   A round is therefore ~16 bytes.translate + 1 join + int.from_bytes + ~15 big-int operations
   + int.to_bytes, each linear in N and running in C.
4. CTR keystream for a whole message at once: the counter blocks are written straight into
   lanes (the counter's low 32 bits come from an `array` of consecutive integers), the keystream
   is produced in one pass and XORed with the message as one big integer.

This is a "vectorised byte-sliced" AES. Bitslicing (Käsper &
Schwabe, CHES 2009; Boyar & Peralta's S-box circuit) is the constant-time relative of the same
idea; byte-slicing is faster in CPython because `bytes.translate` does 256-entry look-ups in C.

Secret-dependent memory access (read this before using it for anything but learning)
-----------------------------------------------------------------------------------
* Every SubBytes is a table look-up indexed by a secret state byte (inside bytes.translate) -
  the classic cache-timing channel of table-based AES (Bernstein 2005; Osvik, Shamir & Tromer
  2006). The per-key translate tables are themselves derived from the key by indexing.
* The big-integer steps (shifts, masks, XOR, the multiplication by 0x1b) touch memory at
  addresses that depend only on N, not on secret values, but CPython integers are not
  constant-time in general (normalisation can shorten a result with leading zero bytes).
So, as everywhere in refkx: this code teaches and cross-checks; it does not protect production
secrets.
"""

from __future__ import annotations

import sys
from array import array
from functools import lru_cache
from operator import itemgetter

from ..aes import BLOCK_SIZE, NR_BY_KEY_SIZE, RCON, SBOX
from ..encoding import require_bytes

__all__ = ["FastAES", "BlockAES", "ctr_xor", "expand_key"]

_SBOX = bytes(SBOX)
# _XOR[k] is the translate table x -> x XOR k (64 KiB in all, built once).
_IDENTITY = int.from_bytes(bytes(range(256)), "big")
_XOR = [(_IDENTITY ^ int.from_bytes(bytes([k]) * 256, "big")).to_bytes(256, "big")
        for k in range(256)]
# _SUB_XOR[k] is the translate table x -> SBOX[x XOR k] (another 64 KiB, built once), so a key's
# round tables are 16 look-ups per round instead of 16 translate calls.
_SUB_XOR = [t.translate(_SBOX) for t in _XOR]

# Lane index L = 4r + c holds s[r][c]; FIPS 197 §3.4 numbers the same byte p = r + 4c.
_P_OF_LANE = tuple((L % 4) * 4 + L // 4 for L in range(16))
# §5.1.2 ShiftRows: s'[r][c] = s[r][(c + r) mod 4], so output lane 4r + c reads lane SRC[.].
_SRC = tuple(4 * (L // 4) + (L % 4 + L // 4) % 4 for L in range(16))

# array typecode for 32-bit unsigned counters
_U32 = "I" if array("I").itemsize == 4 else "L"
_LITTLE = sys.byteorder == "little"

# Blocks per pass: big enough to amortise the ~16 translate calls per round, small enough that
# the 32 KiB working integers stay in cache (measured best at 1024-2048 on CPython 3.11).
CHUNK_BLOCKS = 2048

# _ROUND_KEY_LANES[i](rk) picks k_i[SRC[L]] for L = 0..15 from the schedule bytes rk (round key i
# is rk[16i : 16i + 16] in FIPS byte order p = r + 4c); _ROUND_KEY_OWN_LANES[i] picks k_i[L].
_ROUND_KEY_LANES = tuple(itemgetter(*(16 * i + _P_OF_LANE[s] for s in _SRC)) for i in range(15))
_ROUND_KEY_OWN_LANES = tuple(itemgetter(*(16 * i + _P_OF_LANE[L] for L in range(16)))
                             for i in range(15))


def _schedule_bytes(w: list[int]) -> bytes:
    """The key schedule words w[0..] as bytes, big-endian, one after another."""
    words = array(_U32, w)
    if _LITTLE:
        words.byteswap()
    return words.tobytes()


@lru_cache(maxsize=16)
def _geometry(n: int):
    """Per-N constants: lane slices, the 16N-byte masks used by MixColumns."""
    size = 16 * n
    full = (1 << (8 * size)) - 1
    row = 32 * n                                  # bits in one row of 4 lanes
    m7f = int.from_bytes(b"\x7f" * size, "big")
    m01 = int.from_bytes(b"\x01" * size, "big")
    src_slices = tuple((n * s, n * (s + 1)) for s in _SRC)
    return size, full, row, m7f, m01, src_slices


class FastAES:
    """AES-128/192/256 encryption of many blocks at once, keyed once.

    Same results as refkx.aes.AES(key).encrypt_block applied block by block.
    """

    __slots__ = ("key_size", "Nr", "_round_tables", "_final_tables")

    def __init__(self, key: bytes, schedule: list[int] | None = None) -> None:
        """`schedule`: expand_key(key), if the caller has it already (it is not checked)."""
        key = require_bytes("key", key)
        w = expand_key(key) if schedule is None else schedule     # FIPS 197 §5.2
        self.key_size = len(key)
        self.Nr = Nr = NR_BY_KEY_SIZE[len(key)]
        rk = _schedule_bytes(w)                # round key i = rk[16i : 16i + 16], FIPS byte order
        lane_bytes = _ROUND_KEY_LANES          # [i](rk): round key i's bytes in the order of _SRC
        sub_xor = _SUB_XOR.__getitem__
        # Rounds 1 .. Nr-1: output lane L reads lane SRC[L]; table = SBOX[x ^ k_(i-1)[SRC[L]]]
        self._round_tables = tuple(
            tuple(map(sub_xor, lane_bytes[i - 1](rk))) for i in range(1, Nr))
        # Round Nr: SBOX[x ^ k_(Nr-1)[SRC[L]]] ^ k_Nr[L]   (§5.1: no MixColumns in the last round)
        xor = _XOR
        self._final_tables = tuple(
            _SUB_XOR[a].translate(xor[b])
            for a, b in zip(lane_bytes[Nr - 1](rk), _ROUND_KEY_OWN_LANES[Nr](rk)))

    def encrypt_lanes(self, lanes: bytes, n: int) -> list[bytes]:
        """CIPHER on n blocks given in lane layout (16 lanes of n bytes, lane order 4r + c).

        Returns the 16 output lanes (same order) as a list of bytes.
        """
        size, full, row, m7f, m01, src = _geometry(n)
        top = 8 * size - row
        half = 2 * row                            # two rows = half the state
        B = lanes
        from_bytes = int.from_bytes
        for tables in self._round_tables:
            # AddRoundKey(k_(i-1)), SubBytes, ShiftRows: one translate per lane (§5.1.1-2, §5.1.4)
            T = from_bytes(b"".join([B[a:b].translate(t) for (a, b), t in zip(src, tables)]),
                           "big")
            # MixColumns (§5.1.3) on every column of every block at once
            U = T ^ (((T << row) & full) | (T >> top))
            V = U ^ (((U << half) & full) | (U >> half))
            B = ((((U & m7f) << 1) ^ (((U >> 7) & m01) * 0x1B)) ^ V ^ T).to_bytes(size, "big")
        return [B[a:b].translate(t) for (a, b), t in zip(src, self._final_tables)]

    def encrypt_blocks(self, data: bytes) -> bytes:
        """ECB: CIPHER applied to every 16-byte block of `data` (len a multiple of 16)."""
        data = require_bytes("data", data)
        if len(data) % BLOCK_SIZE:
            raise ValueError(f"data length must be a multiple of {BLOCK_SIZE}, not {len(data)}")
        n = len(data) // BLOCK_SIZE
        if n == 0:
            return b""
        lanes = b"".join([data[p::BLOCK_SIZE] for p in _P_OF_LANE])
        return _blocks_from_lanes(self.encrypt_lanes(lanes, n), n)

    def encrypt_block(self, block: bytes) -> bytes:
        """CIPHER on one block (the per-round overhead dominates: use encrypt_blocks for many)."""
        block = require_bytes("block", block)
        if len(block) != BLOCK_SIZE:
            raise ValueError(f"AES block must be {BLOCK_SIZE} bytes, not {len(block)}")
        return self.encrypt_blocks(block)

    def keystream(self, initial_counter_block: bytes, n: int, counter_bits: int = 128,
                  lead: bytes = b"") -> bytes:
        """CIPHER(T_1) || ... || CIPHER(T_n) in block order.

        T_(j+1) = T_j + 1 mod 2^counter_bits in the low counter_bits bits (SP 800-38A B.1 with
        m = 128 for CTR; m = 32 is GCM's inc_32, SP 800-38D §6.2). Long messages go through in
        chunks of CHUNK_BLOCKS blocks, which keeps the working integers in the CPU caches.
        `lead` (b"" or one block; then n >= 1) is encrypted in the same pass, and CIPHER(lead)
        comes first: GCM's H = CIPHER(0^128) rides along with the first message under a key.
        """
        parts = []
        value = int.from_bytes(initial_counter_block, "big")
        modulus = 1 << counter_bits
        high = value - value % modulus                 # bits above the counter field
        for start in range(0, n, CHUNK_BLOCKS):
            count = min(CHUNK_BLOCKS, n - start)
            icb = (high + (value + start) % modulus).to_bytes(BLOCK_SIZE, "big")
            lanes = counter_lanes(icb, count, counter_bits)
            if lead:                                   # one more block, in front of the first
                lanes = [lead[p:p + 1] + lanes[p] for p in range(BLOCK_SIZE)]
                count += 1
                lead = b""
            lanes = b"".join([lanes[p] for p in _P_OF_LANE])
            parts.append(_blocks_from_lanes(self.encrypt_lanes(lanes, count), count))
        return b"".join(parts)

    def __repr__(self) -> str:
        return f"FastAES(<{8 * self.key_size}-bit key>)"


# --- One block at a time: 32-bit T-tables ----------------------------------------------------
# For one or a few blocks the lane pipeline's per-round overhead (~40 us a block) dominates.
# BlockAES is the classic "T-table" formulation of one round (Daemen & Rijmen, "The Design of
# Rijndael", 2002, §4.2): a column of the state is a 32-bit word, and
#     SubBytes, ShiftRows, MixColumns of column c = T0[s0,c] ^ T1[s1,c+1] ^ T2[s2,c+2] ^ T3[s3,c+3]
# where T0[x] is the MixColumns column of SBOX[x] in row 0, i.e. the word ({02}s, s, s, {03}s)
# with s = SBOX[x], and T1, T2, T3 are T0 rotated by 8, 16, 24 bits (rows 1-3). A round is then
# 16 look-ups and 16 XORs on small ints, all on local variables.

def _xtime(b: int) -> int:
    """§4.2 xtime: b * {02} in GF(2^8)."""
    return ((b << 1) ^ 0x11B) if b & 0x80 else b << 1


def _rotate_right(word: int, bits: int) -> int:
    return ((word >> bits) | (word << (32 - bits))) & 0xFFFFFFFF


_T0 = tuple((_xtime(s) << 24) | (s << 16) | (s << 8) | (_xtime(s) ^ s) for s in SBOX)
_T1 = tuple(_rotate_right(t, 8) for t in _T0)
_T2 = tuple(_rotate_right(t, 16) for t in _T0)
_T3 = tuple(_rotate_right(t, 24) for t in _T0)
# The last round has no MixColumns: the S-box output placed in row 0, 1, 2 or 3 of a word.
_S0 = tuple(s << 24 for s in SBOX)
_S1 = tuple(s << 16 for s in SBOX)
_S2 = tuple(s << 8 for s in SBOX)
_S3 = tuple(SBOX)
# §5.2: the words Rcon[j] = [x^(j-1), {00}, {00}, {00}], j = 1 .. 10
_RCON_WORDS = tuple(r << 24 for r in RCON)


def expand_key(key: bytes) -> list[int]:
    """§5.2 KEYEXPANSION, the same words as refkx.aes.key_expansion (the caller checks the type).

    One pass of the loop makes the Nk words of one "key round": its first word is
    w[i - Nk] ^ SUBWORD(ROTWORD(w[i - 1])) ^ Rcon[i/Nk] (Algorithm 2, lines 9-10; SUBWORD of
    the rotated word is four look-ups in the row-placed S-box tables _S0.._S3), the others
    w[i - Nk] ^ w[i - 1], with SUBWORD once more at i mod Nk = 4 for 256-bit keys (line 12).
    """
    if len(key) not in NR_BY_KEY_SIZE:
        raise ValueError(f"AES key must be 16, 24 or 32 bytes, not {len(key)}")
    Nk = len(key) // 4
    total = 4 * (NR_BY_KEY_SIZE[len(key)] + 1)
    w = [int.from_bytes(key[4 * i:4 * i + 4], "big") for i in range(Nk)]
    A, B, C, D = _S0, _S1, _S2, _S3
    t = w[-1]
    for rcon in _RCON_WORDS:
        if len(w) >= total:
            break
        # ROTWORD([a0, a1, a2, a3]) = [a1, a2, a3, a0], then SUBWORD
        t = (A[(t >> 16) & 255] | B[(t >> 8) & 255] | C[t & 255] | D[t >> 24]) ^ rcon
        for j in range(Nk):
            if j == 4 and Nk > 6:
                t = A[t >> 24] | B[(t >> 16) & 255] | C[(t >> 8) & 255] | D[t & 255]
            t ^= w[-Nk]
            w.append(t)
    del w[total:]
    return w


class BlockAES:
    """AES-128/192/256 encryption of one block at a time (T-tables), keyed once.

    Same results as refkx.aes.AES(key).encrypt_block. Secret-indexed table look-ups, as in
    FastAES (module docstring).
    """

    __slots__ = ("key_size", "_first", "_middle", "_last")

    def __init__(self, key: bytes, schedule: list[int] | None = None) -> None:
        """`schedule`: expand_key(key), if the caller has it already (it is not checked)."""
        w = expand_key(key) if schedule is None else schedule     # FIPS 197 §5.2
        self.key_size = len(key)
        Nr = NR_BY_KEY_SIZE[len(key)]
        self._first = tuple(w[0:4])                     # round key 0
        self._middle = tuple(tuple(w[4 * i:4 * i + 4]) for i in range(1, Nr))
        self._last = tuple(w[4 * Nr:4 * Nr + 4])        # round key Nr

    def encrypt_block(self, block: bytes) -> bytes:
        """§5.1 CIPHER on one 16-byte block (the caller checks type and length)."""
        k0, k1, k2, k3 = self._first
        x = int.from_bytes(block, "big")
        t0 = (x >> 96) ^ k0                             # AddRoundKey(w[0..3]), column 0
        t1 = ((x >> 64) & 0xFFFFFFFF) ^ k1
        t2 = ((x >> 32) & 0xFFFFFFFF) ^ k2
        t3 = (x & 0xFFFFFFFF) ^ k3
        A, B, C, D = _T0, _T1, _T2, _T3
        for k0, k1, k2, k3 in self._middle:             # rounds 1 .. Nr-1
            t0, t1, t2, t3 = (
                A[t0 >> 24] ^ B[(t1 >> 16) & 255] ^ C[(t2 >> 8) & 255] ^ D[t3 & 255] ^ k0,
                A[t1 >> 24] ^ B[(t2 >> 16) & 255] ^ C[(t3 >> 8) & 255] ^ D[t0 & 255] ^ k1,
                A[t2 >> 24] ^ B[(t3 >> 16) & 255] ^ C[(t0 >> 8) & 255] ^ D[t1 & 255] ^ k2,
                A[t3 >> 24] ^ B[(t0 >> 16) & 255] ^ C[(t1 >> 8) & 255] ^ D[t2 & 255] ^ k3)
        k0, k1, k2, k3 = self._last                     # round Nr: SubBytes, ShiftRows, AddRoundKey
        A, B, C, D = _S0, _S1, _S2, _S3
        return ((((A[t0 >> 24] | B[(t1 >> 16) & 255] | C[(t2 >> 8) & 255] | D[t3 & 255]) ^ k0) << 96)
                | (((A[t1 >> 24] | B[(t2 >> 16) & 255] | C[(t3 >> 8) & 255] | D[t0 & 255]) ^ k1) << 64)
                | (((A[t2 >> 24] | B[(t3 >> 16) & 255] | C[(t0 >> 8) & 255] | D[t1 & 255]) ^ k2) << 32)
                | ((A[t3 >> 24] | B[(t0 >> 16) & 255] | C[(t1 >> 8) & 255] | D[t2 & 255]) ^ k3)
                ).to_bytes(16, "big")

    def keystream(self, initial_counter_block: bytes, n: int) -> bytes:
        """CIPHER(T_1) || ... || CIPHER(T_n) with GCM's inc_32 (SP 800-38D §6.2), block by block."""
        value = int.from_bytes(initial_counter_block, "big")
        high = value >> 32 << 32
        low = value & 0xFFFFFFFF
        encrypt = self.encrypt_block
        return b"".join([encrypt((high | ((low + j) & 0xFFFFFFFF)).to_bytes(16, "big"))
                         for j in range(n)])

    def __repr__(self) -> str:
        return f"BlockAES(<{8 * self.key_size}-bit key>)"


def _blocks_from_lanes(out_lanes: list[bytes], n: int) -> bytes:
    """Transpose 16 lanes (order 4r + c) back to n blocks in FIPS byte order."""
    out = bytearray(BLOCK_SIZE * n)
    for p, lane in zip(_P_OF_LANE, out_lanes):
        out[p::BLOCK_SIZE] = lane
    return bytes(out)


def counter_lanes(initial_counter_block: bytes, n: int, counter_bits: int = 128) -> list[bytes]:
    """The n counter blocks T_1.. as 16 lanes in FIPS byte order p = 0..15 (lane p = byte p of
    every block). counter_bits = 128 (SP 800-38A B.1, whole block) or 32 (GCM inc_32)."""
    if counter_bits not in (32, 128):
        raise ValueError("counter_bits must be 32 or 128")
    value = int.from_bytes(initial_counter_block, "big")
    high, low = value >> 32, value & 0xFFFFFFFF
    lanes = [[] for _ in range(BLOCK_SIZE)]
    remaining = n
    while remaining:
        run = min(remaining, (1 << 32) - low)          # until the low 32 bits wrap
        prefix = high.to_bytes(12, "big")
        for p in range(12):
            lanes[p].append(prefix[p:p + 1] * run)
        counters = array(_U32, range(low, low + run))
        if _LITTLE:
            counters.byteswap()                        # big-endian words, as in the block
        raw = counters.tobytes()
        for j in range(4):
            lanes[12 + j].append(raw[j::4])
        remaining -= run
        low = 0
        if counter_bits == 128:
            high = (high + 1) % (1 << 96)
    return [b"".join(parts) for parts in lanes]


def ctr_xor(cipher: FastAES, initial_counter_block: bytes, data: bytes,
            counter_bits: int = 128) -> bytes:
    """CTR (SP 800-38A §6.5) / GCTR (SP 800-38D §6.5 with counter_bits=32): data XOR keystream,
    the whole message as one big integer."""
    length = len(data)
    if length == 0:
        return b""
    n = -(-length // BLOCK_SIZE)
    stream = cipher.keystream(initial_counter_block, n, counter_bits)
    return (int.from_bytes(data, "big")
            ^ int.from_bytes(stream[:length], "big")).to_bytes(length, "big")
