"""The AES block cipher, FIPS 197 (2023 update, "FIPS 197-upd1").

Sections implemented:
  §4.2   multiplication in GF(2^8): xtime() and gf_mul()
  §4.4   the multiplicative inverse in GF(2^8)
  §5.1   Cipher(): SUBBYTES (§5.1.1), SHIFTROWS (§5.1.2), MIXCOLUMNS (§5.1.3),
         ADDROUNDKEY (§5.1.4)
  §5.2   KEYEXPANSION() with ROTWORD, SUBWORD and Rcon
  §5.3   InvCipher(): INVSHIFTROWS, INVSUBBYTES, INVMIXCOLUMNS
  Appendix B  the round-by-round trace of the Cipher (see trace_cipher()).

Names follow the standard: Nk (key length in words), Nr (number of rounds),
Nb = 4 (block length in words), w (the key schedule words), Rcon, and the
state s[r][c] with r the row and c the column. The state is kept as a list of
16 bytes in input order, so s[r][c] is state[r + 4*c] (§3.4: "in[r + 4c]").

The S-box and Rcon are not pasted in: SBOX is computed from the inverse in
GF(2^8) followed by the affine map of §5.1.1, and Rcon by repeated xtime();
the tests compare both with the published tables (FIPS 197 Table 4, §5.2).

This is the readable implementation. It is slow on purpose (one Python
operation per byte per step). CPython integers and lookups are not
constant-time: the code teaches and cross-checks; it does not protect
production secrets (table lookups indexed by secret bytes leak via caches).
"""

from __future__ import annotations

from . import impl
from .encoding import require_bytes

BLOCK_SIZE = 16                     # bytes; 128-bit blocks (§1)
Nb = 4                              # §2.3: number of 32-bit words in a block
NR_BY_KEY_SIZE = {16: 10, 24: 12, 32: 14}   # Table 3: key bytes -> Nr
AES_POLYNOMIAL = 0x11B              # §4.2: m(x) = x^8 + x^4 + x^3 + x + 1
AFFINE_CONSTANT = 0x63              # §5.1.1: c = {01100011}


# --- §4.2, §4.4: arithmetic in GF(2^8) ---------------------------------------

def xtime(b: int) -> int:
    """§4.2 equation (4.5): multiply b by x ({02}) modulo m(x)."""
    b <<= 1
    if b & 0x100:                   # the x^8 term appeared: subtract (XOR) m(x)
        b ^= AES_POLYNOMIAL
    return b


def gf_mul(a: int, b: int) -> int:
    """§4.2: a * b in GF(2^8), by repeated xtime (one xtime per bit of b)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a = xtime(a)
        b >>= 1
    return product


def gf_inverse(b: int) -> int:
    """§4.4: b^{-1} in GF(2^8), with {00} mapped to {00}.

    The non-zero elements form a group of order 255, so b^254 = b^{-1};
    b^254 is computed by square-and-multiply over the bits of 254.
    """
    if b == 0:
        return 0
    result, power, e = 1, b, 254
    while e:
        if e & 1:
            result = gf_mul(result, power)
        power = gf_mul(power, power)
        e >>= 1
    return result


def affine(b: int) -> int:
    """§5.1.1 equation (5.2): b'_i = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i (indices mod 8)."""
    out = 0
    for i in range(8):
        bit = ((b >> i) ^ (b >> ((i + 4) % 8)) ^ (b >> ((i + 5) % 8))
               ^ (b >> ((i + 6) % 8)) ^ (b >> ((i + 7) % 8)) ^ (AFFINE_CONSTANT >> i)) & 1
        out |= bit << i
    return out


# §5.1.1: SBOX(b) = affine(b^{-1}); Table 4 lists the result.
SBOX = tuple(affine(gf_inverse(x)) for x in range(256))
# §5.3.2: INVSBOX is the inverse permutation (Table 6).
INV_SBOX = tuple(SBOX.index(y) for y in range(256))


def _rcon_table(count: int) -> tuple[int, ...]:
    """§5.2: Rcon[j] = [x^(j-1), {00}, {00}, {00}]; returns the first bytes x^(j-1), j = 1..count."""
    values, x_power = [], 0x01
    for _ in range(count):
        values.append(x_power)
        x_power = xtime(x_power)    # x^j = xtime(x^(j-1))
    return tuple(values)


RCON = _rcon_table(10)              # AES-128 needs the most: 10 values (01 .. 36)


# --- §5.2: KEYEXPANSION -------------------------------------------------------

def _rot_word(word: int) -> int:
    """§5.2 ROTWORD([a0, a1, a2, a3]) = [a1, a2, a3, a0]."""
    return ((word << 8) & 0xFFFFFFFF) | (word >> 24)


def _sub_word(word: int) -> int:
    """§5.2 SUBWORD: SBOX applied to each byte of the word."""
    return int.from_bytes(bytes(SBOX[b] for b in word.to_bytes(4, "big")), "big")


def _check_key(key: object) -> bytes:
    key = require_bytes("key", key)
    if len(key) not in NR_BY_KEY_SIZE:
        raise ValueError(f"AES key must be 16, 24 or 32 bytes, not {len(key)}")
    return key


def key_expansion(key: bytes) -> list[int]:
    """§5.2 Algorithm 2 KEYEXPANSION: the 4*(Nr+1) words w[i] as 32-bit ints.

    A word [a0, a1, a2, a3] is the int a0<<24 | a1<<16 | a2<<8 | a3, so
    f"{w[i]:08x}" prints it as Appendix A does. The "line" comments count as FIPS 197-upd1
    does: line 1 is "procedure KEYEXPANSION(key)".
    """
    key = _check_key(key)
    Nk = len(key) // 4
    Nr = NR_BY_KEY_SIZE[len(key)]
    w = [int.from_bytes(key[4 * i: 4 * i + 4], "big") for i in range(Nk)]  # lines 3-6
    for i in range(Nk, 4 * (Nr + 1)):                                      # line 7
        temp = w[i - 1]                                                    # line 8
        if i % Nk == 0:                                                    # line 9
            temp = _sub_word(_rot_word(temp)) ^ (RCON[i // Nk - 1] << 24)  # line 10
        elif Nk > 6 and i % Nk == 4:                                       # line 11
            temp = _sub_word(temp)                                         # line 12
        w.append(w[i - Nk] ^ temp)                                         # line 14
    return w                                                               # line 17


# --- §5.1 transformations on the state ---------------------------------------
# state[r + 4*c] holds s[r][c]: column c is the four bytes state[4c .. 4c+3].

def sub_bytes(state: list[int]) -> list[int]:
    """§5.1.1 SUBBYTES: s'[r][c] = SBOX(s[r][c])."""
    return [SBOX[b] for b in state]


def inv_sub_bytes(state: list[int]) -> list[int]:
    """§5.3.2 INVSUBBYTES."""
    return [INV_SBOX[b] for b in state]


def shift_rows(state: list[int]) -> list[int]:
    """§5.1.2 SHIFTROWS: s'[r][c] = s[r][(c + r) mod 4]."""
    return [state[r + 4 * ((c + r) % 4)] for c in range(4) for r in range(4)]


def inv_shift_rows(state: list[int]) -> list[int]:
    """§5.3.1 INVSHIFTROWS: s'[r][c] = s[r][(c - r) mod 4]."""
    return [state[r + 4 * ((c - r) % 4)] for c in range(4) for r in range(4)]


def mix_columns(state: list[int]) -> list[int]:
    """§5.1.3 MIXCOLUMNS, equation (5.6), on each column (s0, s1, s2, s3):

        s0' = {02}s0 ^ {03}s1 ^ s2 ^ s3      s1' = s0 ^ {02}s1 ^ {03}s2 ^ s3
        s2' = s0 ^ s1 ^ {02}s2 ^ {03}s3      s3' = {03}s0 ^ s1 ^ s2 ^ {02}s3
    with {02}b = xtime(b) and {03}b = xtime(b) ^ b.
    """
    out = []
    for c in range(4):
        s0, s1, s2, s3 = state[4 * c: 4 * c + 4]
        out += [
            xtime(s0) ^ xtime(s1) ^ s1 ^ s2 ^ s3,
            s0 ^ xtime(s1) ^ xtime(s2) ^ s2 ^ s3,
            s0 ^ s1 ^ xtime(s2) ^ xtime(s3) ^ s3,
            xtime(s0) ^ s0 ^ s1 ^ s2 ^ xtime(s3),
        ]
    return out


def inv_mix_columns(state: list[int]) -> list[int]:
    """§5.3.3 INVMIXCOLUMNS, equation (5.14): the matrix with {0e}, {0b}, {0d}, {09}."""
    out = []
    for c in range(4):
        s0, s1, s2, s3 = state[4 * c: 4 * c + 4]
        out += [
            gf_mul(s0, 0x0E) ^ gf_mul(s1, 0x0B) ^ gf_mul(s2, 0x0D) ^ gf_mul(s3, 0x09),
            gf_mul(s0, 0x09) ^ gf_mul(s1, 0x0E) ^ gf_mul(s2, 0x0B) ^ gf_mul(s3, 0x0D),
            gf_mul(s0, 0x0D) ^ gf_mul(s1, 0x09) ^ gf_mul(s2, 0x0E) ^ gf_mul(s3, 0x0B),
            gf_mul(s0, 0x0B) ^ gf_mul(s1, 0x0D) ^ gf_mul(s2, 0x09) ^ gf_mul(s3, 0x0E),
        ]
    return out


def add_round_key(state: list[int], round_key: bytes) -> list[int]:
    """§5.1.4 ADDROUNDKEY: column c is XORed with w[4*round + c] (given as 16 bytes)."""
    return [s ^ k for s, k in zip(state, round_key)]


def _round_keys(w: list[int]) -> list[bytes]:
    """Group w into the Nr+1 round keys w[4*round .. 4*round+3], each as 16 bytes."""
    return [b"".join(w[4 * rnd + c].to_bytes(4, "big") for c in range(Nb))
            for rnd in range(len(w) // Nb)]


# --- §5.1 Cipher and §5.3 InvCipher -------------------------------------------

def cipher(block: bytes, round_keys: list[bytes], trace: list | None = None) -> bytes:
    """§5.1 Algorithm 1 CIPHER(in, Nr, w); if `trace` is a list, Appendix B rows are appended.

    The "line" comments count as FIPS 197-upd1 does: line 1 is "procedure CIPHER(in, Nr, w)".
    """
    Nr = len(round_keys) - 1

    def log(rnd: int, name: str, value) -> None:
        if trace is not None:
            trace.append((rnd, name, bytes(value)))

    log(0, "input", block)
    state = list(block)                                   # line 2: state <- in
    state = add_round_key(state, round_keys[0])           # line 3: ADDROUNDKEY(state, w[0..3])
    log(0, "k_sch", round_keys[0])
    for rnd in range(1, Nr):                              # line 4
        log(rnd, "start", state)
        state = sub_bytes(state)                          # line 5
        log(rnd, "s_box", state)
        state = shift_rows(state)                         # line 6
        log(rnd, "s_row", state)
        state = mix_columns(state)                        # line 7
        log(rnd, "m_col", state)
        state = add_round_key(state, round_keys[rnd])     # line 8
        log(rnd, "k_sch", round_keys[rnd])
    log(Nr, "start", state)
    state = sub_bytes(state)                              # line 10
    log(Nr, "s_box", state)
    state = shift_rows(state)                             # line 11
    log(Nr, "s_row", state)
    state = add_round_key(state, round_keys[Nr])          # line 12
    log(Nr, "k_sch", round_keys[Nr])
    log(Nr, "output", state)
    return bytes(state)                                   # line 13: return state


def inv_cipher(block: bytes, round_keys: list[bytes]) -> bytes:
    """§5.3 Algorithm 3 INVCIPHER(in, Nr, w) (line 1 is "procedure INVCIPHER(in, Nr, w)")."""
    Nr = len(round_keys) - 1
    state = list(block)                                   # line 2: state <- in
    state = add_round_key(state, round_keys[Nr])          # line 3
    for rnd in range(Nr - 1, 0, -1):                      # line 4
        state = inv_shift_rows(state)                     # line 5
        state = inv_sub_bytes(state)                      # line 6
        state = add_round_key(state, round_keys[rnd])     # line 7
        state = inv_mix_columns(state)                    # line 8
    state = inv_shift_rows(state)                         # line 10
    state = inv_sub_bytes(state)                          # line 11
    state = add_round_key(state, round_keys[0])           # line 12
    return bytes(state)                                   # line 13: return state


def _check_block(block: object) -> bytes:
    block = require_bytes("block", block)
    if len(block) != BLOCK_SIZE:
        raise ValueError(f"AES block must be {BLOCK_SIZE} bytes, not {len(block)}")
    return block


class AES:
    """AES-128/192/256 with a key fixed at construction (the key schedule is computed once).

    >>> AES(bytes(range(16))).encrypt_block(bytes.fromhex("00112233445566778899aabbccddeeff")).hex()
    '69c4e0d86a7b0430d8cdb78070b4c55a'
    """

    def __init__(self, key: bytes) -> None:
        key = _check_key(key)
        self.key_size = len(key)
        self.Nr = NR_BY_KEY_SIZE[len(key)]
        self._key = key
        self._round_keys = _round_keys(key_expansion(key))
        self._fast = None          # (twin module, its one-block cipher), built on first fast call

    def encrypt_block(self, block: bytes) -> bytes:
        """§5.1 CIPHER on one 16-byte block (refkx.fast.aes.BlockAES while refkx.impl selects
        the fast "aes" implementation: same values)."""
        block = _check_block(block)
        twin = impl.fast("aes")
        if twin is not None:
            if self._fast is None or self._fast[0] is not twin:
                self._fast = (twin, twin.BlockAES(self._key))
            return self._fast[1].encrypt_block(block)
        return cipher(block, self._round_keys)

    def decrypt_block(self, block: bytes) -> bytes:
        """§5.3 INVCIPHER on one 16-byte block."""
        return inv_cipher(_check_block(block), self._round_keys)

    def __repr__(self) -> str:
        return f"AES(<{8 * self.key_size}-bit key>)"


def trace_cipher(key: bytes, block: bytes) -> list[tuple[int, str, bytes]]:
    """The Cipher's intermediate states, named as in FIPS 197 Appendix B / C.

    Rows are (round, name, 16 bytes): (0, "input"), (0, "k_sch"), then for each
    round r = 1..Nr "start", "s_box", "s_row", "m_col" (not in round Nr) and
    "k_sch", and finally (Nr, "output", ciphertext).
    """
    key = _check_key(key)
    block = _check_block(block)
    rows: list[tuple[int, str, bytes]] = []
    cipher(block, _round_keys(key_expansion(key)), trace=rows)
    return rows
