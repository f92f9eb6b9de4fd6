"""Counter (CTR) mode, NIST SP 800-38A (2001) §6.5, with the AES of refkx.aes.

    CTR Encryption:  O_j = CIPH_K(T_j)         for j = 1, 2, ..., n
                     C_j = P_j XOR O_j          for j = 1, 2, ..., n-1
                     C*_n = P*_n XOR MSB_u(O_n)
    CTR Decryption is the same computation with P and C exchanged.

T_1 is the caller's explicit 128-bit initial counter block. The counter blocks
that follow are produced by the "standard incrementing function" of
SP 800-38A Appendix B.1 applied to ALL m = 128 bits of the block:
T_(j+1) = T_j + 1 mod 2^128 (big-endian). This is the choice made by the F.5
example vectors. (GCM's GCTR increments only the low 32 bits, inc_32; that
lives in refkx.gcm.) A partial last block uses the leftmost u bytes of O_n.
Names follow the document (T_j, O_j, P_j, C_j).

ctr_encrypt asks refkx.impl at every call: while the fast "aes" implementation is
selected and the caller passes a key, the keystream comes from refkx.fast.aes in
one pass (same values); otherwise the readable loop `_ctr` below runs, block by
block, with refkx.aes.AES (or the block cipher object the caller passes).

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets. CTR gives no integrity: use GCM.
"""

from __future__ import annotations

from .aes import AES, BLOCK_SIZE
from .encoding import require_bytes, require_int
from . import impl

COUNTER_MODULUS = 1 << (8 * BLOCK_SIZE)   # B.1 with m = 128: the whole block counts


def _block_cipher(key_or_cipher: object):
    """An object with encrypt_block(): an AES instance (or look-alike) as given, or AES(key)."""
    if isinstance(key_or_cipher, (bytes, bytearray, memoryview)):
        return AES(key_or_cipher)
    if callable(getattr(key_or_cipher, "encrypt_block", None)):
        return key_or_cipher
    raise TypeError("key_or_cipher must be an AES key (bytes-like) or an object with "
                    f"encrypt_block(), not {type(key_or_cipher).__name__}")


def counter_blocks(initial_counter_block: bytes, n: int) -> list[bytes]:
    """T_1 .. T_n: T_1 given, T_(j+1) = T_j + 1 mod 2^128 (SP 800-38A B.1, m = 128)."""
    initial_counter_block = require_bytes("initial_counter_block", initial_counter_block)
    if len(initial_counter_block) != BLOCK_SIZE:
        raise ValueError(f"initial_counter_block must be {BLOCK_SIZE} bytes, "
                         f"not {len(initial_counter_block)}")
    n = require_int("n", n)
    # B.1: the counters must be distinct, so at most 2^128 of them.
    if not 0 <= n <= COUNTER_MODULUS:
        raise ValueError(f"n must be in [0, 2^128], got {n}")
    t_1 = int.from_bytes(initial_counter_block, "big")
    return [((t_1 + j) % COUNTER_MODULUS).to_bytes(BLOCK_SIZE, "big") for j in range(n)]


def _ctr(cipher, initial_counter_block: bytes, data: bytes) -> bytes:
    """§6.5 for both directions (the heavy loop; a fast path may replace it)."""
    n = -(-len(data) // BLOCK_SIZE)                   # number of blocks, last may be partial
    out = bytearray()
    for j, t_j in enumerate(counter_blocks(initial_counter_block, n)):
        o_j = cipher.encrypt_block(t_j)               # O_j = CIPH_K(T_j)
        p_j = data[BLOCK_SIZE * j: BLOCK_SIZE * (j + 1)]
        out += bytes(p ^ o for p, o in zip(p_j, o_j))  # C_j = P_j XOR O_j (MSB_u(O_n) for the last)
    return bytes(out)


def ctr_encrypt(key_or_cipher, initial_counter_block: bytes, data: bytes) -> bytes:
    """SP 800-38A §6.5 CTR encryption of `data` (any length) from counter block T_1.

    key_or_cipher: a 16/24/32-byte AES key, or an object with encrypt_block()
    (e.g. an existing refkx.aes.AES). initial_counter_block: exactly 16 bytes.
    """
    twin = impl.fast("aes")
    fast = twin is not None and isinstance(key_or_cipher, (bytes, bytearray, memoryview,
                                                           twin.FastAES))
    cipher = None if fast else _block_cipher(key_or_cipher)
    initial_counter_block = require_bytes("initial_counter_block", initial_counter_block)
    if len(initial_counter_block) != BLOCK_SIZE:
        raise ValueError(f"initial_counter_block must be {BLOCK_SIZE} bytes, "
                         f"not {len(initial_counter_block)}")
    data = require_bytes("data", data)
    if fast:   # refkx.fast.aes: the whole keystream in one pass (same values as _ctr)
        if not isinstance(key_or_cipher, twin.FastAES):
            key_or_cipher = twin.FastAES(key_or_cipher)
        return twin.ctr_xor(key_or_cipher, initial_counter_block, data)
    return _ctr(cipher, initial_counter_block, data)


def ctr_decrypt(key_or_cipher, initial_counter_block: bytes, data: bytes) -> bytes:
    """SP 800-38A §6.5 CTR decryption: the same keystream XOR as encryption."""
    return ctr_encrypt(key_or_cipher, initial_counter_block, data)
