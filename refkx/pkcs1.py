"""RSA encoding schemes of RFC 8017 (PKCS #1 v2.2): MGF1, OAEP, PKCS #1 v1.5, PSS.

* MGF1, §B.2.1.
* RSAES-OAEP, §7.1 (EME-OAEP encoding in §7.1.1 step 2, decoding in §7.1.2
  step 3), with independent hashes for the label hash and for MGF1.
* RSAES-PKCS1-v1_5, §7.2 (key transport, block type 2).
* RSASSA-PSS, §8.1, with EMSA-PSS §9.1 and an explicit salt length.
* RSASSA-PKCS1-v1_5, §8.2, with EMSA-PKCS1-v1_5 §9.2 (the DigestInfo
  prefixes of §9.2 note 1).

Variable names are RFC 8017's (M, EM, DB, PS, lHash, maskedDB, mHash, M', H,
k the modulus length in octets), except that the RFC's lengths hLen (the hash
length), sLen (the salt length), mLen and maskLen are spelled h_len, s_len,
len(M) and mask_len; comments beside the code quote the RFC's own spelling.
The padding objects `OAEP`, `PKCS1v15` and `PSS` (re-exported by refkx.rsa) are
what the key classes take; the functions below them are spec-shaped.

Decryption hygiene. Every decryption failure (wrong ciphertext length,
c >= n, any padding error) raises one `DecryptionError` with one message,
"decryption error", as RFC 8017 prescribes. OAEP decoding evaluates all three
checks of §7.1.2 step 3.g (Y = 0, lHash' = lHash, the 0x01 separator) and the
PKCS #1 v1.5 decoding every check of §7.2.2 step 3 before failing once, with no
early exit in the byte loops (Manger 2001, Bleichenbacher 1998). That removes
the obvious oracle, not all of them: CPython's big-integer arithmetic, bytes
slicing and the exception itself take time that depends on the data, and the
v1.5 scheme still reports failure explicitly, so a caller that reacts
differently to DecryptionError (an alert, a shorter path) recreates the
Bleichenbacher oracle. `PKCS1v15(implicit_rejection=True)` removes that
channel: a padding error then returns a synthetic message derived from d and
the ciphertext (draft-irtf-cfrg-rsa-guidance-10 §7, the same bytes OpenSSL 3.2+
returns), and the caller's protocol fails later on it. It is opt-in so that the
default keeps RFC 8017's explicit "decryption error"; new protocols should use
OAEP.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import secrets
from typing import Callable, Optional

from .encoding import constant_time_equal, i2osp, os2ip, require_bytes, require_int, xor_bytes
from .errors import DecryptionError, InvalidSignature
from .hmac import hmac, new_hash
from .rsa_primitives import PRIVATE_FIELDS, require_key_numbers, rsadp, rsaep, rsasp1, rsavp1

Rng = Callable[[int], bytes]
Trace = Optional[list]

DECRYPTION_ERROR = "decryption error"  # RFC 8017 §7.1.2 / §7.2.2: one message for every cause
PKCS1_V1_5_MIN_PS_LEN = 8  # RFC 8017 §7.2.1: PS is at least eight octets
PKCS1_V1_5_OVERHEAD = 3 + PKCS1_V1_5_MIN_PS_LEN  # 0x00 || 0x02 || PS || 0x00
PKCS1_V1_5_SIGNATURE_MIN_PS_LEN = 8  # RFC 8017 §9.2 step 3: PS is at least eight 0xff octets
PSS_TRAILER = 0xBC  # RFC 8017 §9.1.1 step 12
PSS_M_PRIME_PADDING = bytes(8)  # RFC 8017 §9.1.1 step 5: (0x)00 00 00 00 00 00 00 00


# --- hash helpers -------------------------------------------------------------

def _check_hash(hash_name: str) -> int:
    """hLen of a fixed-length hashlib hash; ValueError for unknown names and XOFs."""
    h = new_hash(hash_name)
    if hash_name.lower().startswith("shake") or h.digest_size == 0:
        raise ValueError(f"{hash_name!r} is an extendable-output function, not a fixed-length hash")
    return h.digest_size


def _hash(hash_name: str, data: bytes) -> bytes:
    h = new_hash(hash_name)
    h.update(data)
    return h.digest()


def _random(rng: Optional[Rng], length: int, what: str) -> bytes:
    """`length` random octets from the injected rng (checked) or from `secrets`."""
    if rng is None:
        return secrets.token_bytes(length)
    out = rng(length)
    if not isinstance(out, (bytes, bytearray, memoryview)) or len(out) != length:
        raise ValueError(f"rng must return exactly {length} bytes for the {what}")
    return bytes(out)


def _record(trace: Trace, name: str, value: bytes) -> None:
    if trace is not None:
        trace.append((name, bytes(value)))


def _modulus_octets(key) -> int:
    """k, the length in octets of the modulus n (RFC 8017 §3.1); TypeError if `key` is no key."""
    require_key_numbers("key", key, "n", "e")
    return (key.n.bit_length() + 7) // 8


# --- MGF1 (RFC 8017 §B.2.1) ------------------------------------------------------

def mgf1(mgf_seed: bytes, mask_len: int, hash_name: str = "sha1") -> bytes:
    """RFC 8017 §B.2.1 MGF1(mgfSeed, maskLen) with the hash `hash_name`."""
    mgf_seed = require_bytes("mgf_seed", mgf_seed)
    mask_len = require_int("mask_len", mask_len)
    h_len = _check_hash(hash_name)
    # Step 1: if maskLen > 2^32 hLen, output "mask too long".
    if not 0 <= mask_len <= (1 << 32) * h_len:
        raise ValueError("mask too long")
    # Step 2: let T be the empty octet string.
    T = bytearray()
    # Step 3: for counter from 0 to ceil(maskLen / hLen) - 1:
    for counter in range(-(-mask_len // h_len)):
        # 3.A: C = I2OSP(counter, 4); 3.B: T = T || Hash(mgfSeed || C).
        C = i2osp(counter, 4)
        T += _hash(hash_name, mgf_seed + C)
    # Step 4: output the leading maskLen octets of T as the mask.
    return bytes(T[:mask_len])


# --- RSAES-OAEP (RFC 8017 §7.1) ---------------------------------------------------

def eme_oaep_encode(M: bytes, k: int, L: bytes, hash_name: str, mgf_hash_name: str,
                    seed: bytes, trace: Trace = None) -> bytes:
    """RFC 8017 §7.1.1 step 2, EME-OAEP encoding: EM = 0x00 || maskedSeed || maskedDB."""
    h_len = _check_hash(hash_name)
    # Step 1.b (checked again here for direct callers): mLen > k - 2hLen - 2: "message too long".
    if len(M) > k - 2 * h_len - 2:
        raise ValueError("message too long")
    # 2.a: lHash = Hash(L).
    lHash = _hash(hash_name, L)
    _record(trace, "lHash", lHash)
    # 2.b: PS = k - mLen - 2hLen - 2 zero octets.
    PS = bytes(k - len(M) - 2 * h_len - 2)
    # 2.c: DB = lHash || PS || 0x01 || M.
    DB = lHash + PS + b"\x01" + M
    _record(trace, "DB", DB)
    # 2.d: a random octet string seed of length hLen (given by the caller here).
    _record(trace, "seed", seed)
    # 2.e: dbMask = MGF(seed, k - hLen - 1).
    dbMask = mgf1(seed, k - h_len - 1, mgf_hash_name)
    _record(trace, "dbMask", dbMask)
    # 2.f: maskedDB = DB xor dbMask.
    maskedDB = xor_bytes(DB, dbMask)
    _record(trace, "maskedDB", maskedDB)
    # 2.g: seedMask = MGF(maskedDB, hLen).
    seedMask = mgf1(maskedDB, h_len, mgf_hash_name)
    _record(trace, "seedMask", seedMask)
    # 2.h: maskedSeed = seed xor seedMask.
    maskedSeed = xor_bytes(seed, seedMask)
    _record(trace, "maskedSeed", maskedSeed)
    # 2.i: EM = 0x00 || maskedSeed || maskedDB.
    EM = b"\x00" + maskedSeed + maskedDB
    _record(trace, "EM", EM)
    return EM


def eme_oaep_decode(EM: bytes, k: int, L: bytes, hash_name: str, mgf_hash_name: str) -> bytes:
    """RFC 8017 §7.1.2 step 3, EME-OAEP decoding; one DecryptionError for every failure."""
    h_len = _check_hash(hash_name)
    EM = require_bytes("EM", EM)
    # Step 1 (for direct callers): EM must be k >= 2hLen + 2 octets, else "decryption error".
    if len(EM) != k or k < 2 * h_len + 2:
        raise DecryptionError(DECRYPTION_ERROR)
    # 3.a: lHash = Hash(L).
    lHash = _hash(hash_name, L)
    # 3.b: separate EM = Y || maskedSeed || maskedDB.
    Y = EM[0]
    maskedSeed = EM[1:1 + h_len]
    maskedDB = EM[1 + h_len:]
    # 3.c: seedMask = MGF(maskedDB, hLen).
    seedMask = mgf1(maskedDB, h_len, mgf_hash_name)
    # 3.d: seed = maskedSeed xor seedMask.
    seed = xor_bytes(maskedSeed, seedMask)
    # 3.e: dbMask = MGF(seed, k - hLen - 1).
    dbMask = mgf1(seed, k - h_len - 1, mgf_hash_name)
    # 3.f: DB = maskedDB xor dbMask.
    DB = xor_bytes(maskedDB, dbMask)
    # 3.g: separate DB = lHash' || PS || 0x01 || M. Scan every octet after lHash'
    # without stopping: remember where the first 0x01 is and whether a non-zero
    # octet came before it.
    lHash_prime = DB[:h_len]
    found_separator = 0
    separator_index = 0
    bad_padding = 0
    for i, octet in enumerate(DB[h_len:]):
        is_one = int(octet == 1)
        first_one = is_one & (1 - found_separator)
        separator_index |= i * first_one
        bad_padding |= (1 - found_separator) & int(octet > 1)
        found_separator |= is_one
    # 3.g: "If there is no octet with hexadecimal value 0x01 to separate PS from M,
    # if lHash does not equal lHash', or if Y is nonzero, output 'decryption error'."
    # All three are evaluated above; the decision is made once.
    good = (int(Y == 0) & int(constant_time_equal(lHash, lHash_prime))
            & found_separator & (1 - bad_padding))
    if not good:
        raise DecryptionError(DECRYPTION_ERROR)
    # Step 4: output the message M.
    return DB[h_len + separator_index + 1:]


def _oaep_parameters(key, L: bytes, hash_name: str,
                     mgf_hash_name: Optional[str]) -> tuple[bytes, str, int, int]:
    """(L, MGF1 hash, hLen, k) for OAEP with `key`; ValueError if k < 2hLen + 2."""
    L = require_bytes("label", L)
    mgf_hash_name = hash_name if mgf_hash_name is None else mgf_hash_name
    h_len = _check_hash(hash_name)
    _check_hash(mgf_hash_name)
    k = _modulus_octets(key)
    if k < 2 * h_len + 2:
        raise ValueError(f"a {k * 8}-bit key is too small for OAEP with {hash_name}")
    return L, mgf_hash_name, h_len, k


def rsaes_oaep_encrypt(public_key, M: bytes, L: bytes = b"", hash_name: str = "sha1",
                       mgf_hash_name: Optional[str] = None, rng: Optional[Rng] = None,
                       trace: Trace = None) -> bytes:
    """RFC 8017 §7.1.1 RSAES-OAEP-ENCRYPT((n, e), M, L) -> C."""
    M = require_bytes("plaintext", M)
    L, mgf_hash_name, h_len, k = _oaep_parameters(public_key, L, hash_name, mgf_hash_name)
    # Step 1.a: a label longer than the hash's input limit is impossible with hashlib.
    # Step 1.b: if mLen > k - 2hLen - 2, output "message too long" (before any arithmetic).
    if len(M) > k - 2 * h_len - 2:
        raise ValueError(f"message too long: at most {k - 2 * h_len - 2} bytes for this key "
                         f"and OAEP-{hash_name}, got {len(M)}")
    # Step 2: EME-OAEP encoding (2.d: the random seed).
    seed = _random(rng, h_len, "OAEP seed")
    EM = eme_oaep_encode(M, k, L, hash_name, mgf_hash_name, seed, trace)
    # Step 3.a: m = OS2IP(EM); 3.b: c = RSAEP((n, e), m); 3.c: C = I2OSP(c, k).
    m = os2ip(EM)
    c = rsaep(public_key, m)
    C = i2osp(c, k)
    _record(trace, "C", C)
    # Step 4: output C.
    return C


def rsaes_oaep_decrypt(private_key, C: bytes, L: bytes = b"", hash_name: str = "sha1",
                       mgf_hash_name: Optional[str] = None) -> bytes:
    """RFC 8017 §7.1.2 RSAES-OAEP-DECRYPT(K, C, L) -> M, or DecryptionError."""
    C = require_bytes("ciphertext", C)
    # Step 1.c: k < 2hLen + 2 is a property of the key and hash, not of C: report it precisely.
    L, mgf_hash_name, _, k = _oaep_parameters(private_key, L, hash_name, mgf_hash_name)
    # Step 1.b: if the length of C is not k octets, output "decryption error".
    if len(C) != k:
        raise DecryptionError(DECRYPTION_ERROR)
    # Step 2.a: c = OS2IP(C).
    c = os2ip(C)
    # Step 2.b: m = RSADP(K, c); "ciphertext representative out of range" -> "decryption error".
    if c >= private_key.n:
        raise DecryptionError(DECRYPTION_ERROR)
    m = rsadp(private_key, c)
    # Step 2.c: EM = I2OSP(m, k).
    EM = i2osp(m, k)
    # Step 3: EME-OAEP decoding; step 4: output M.
    return eme_oaep_decode(EM, k, L, hash_name, mgf_hash_name)


# --- RSAES-PKCS1-v1_5 (RFC 8017 §7.2) -----------------------------------------------

def _nonzero_random(rng: Optional[Rng], length: int) -> bytes:
    """§7.2.1 step 2.a: pseudo-randomly generated nonzero octets (zero octets redrawn)."""
    PS = bytearray()
    while len(PS) < length:
        need = length - len(PS)
        PS += bytes(octet for octet in _random(rng, need, "PKCS #1 v1.5 padding") if octet)
    return bytes(PS)


def rsaes_pkcs1_v1_5_encrypt(public_key, M: bytes, rng: Optional[Rng] = None) -> bytes:
    """RFC 8017 §7.2.1 RSAES-PKCS1-V1_5-ENCRYPT((n, e), M) -> C."""
    M = require_bytes("plaintext", M)
    k = _modulus_octets(public_key)
    # Step 1: if mLen > k - 11, output "message too long".
    if len(M) > k - PKCS1_V1_5_OVERHEAD:
        raise ValueError(f"message too long: at most {k - PKCS1_V1_5_OVERHEAD} bytes for this "
                         f"key and PKCS #1 v1.5, got {len(M)}")
    # Step 2.a: PS of length k - mLen - 3 of nonzero random octets.
    PS = _nonzero_random(rng, k - len(M) - 3)
    # Step 2.b: EM = 0x00 || 0x02 || PS || 0x00 || M.
    EM = b"\x00\x02" + PS + b"\x00" + M
    # Step 3: m = OS2IP(EM); c = RSAEP((n, e), m); C = I2OSP(c, k).
    c = rsaep(public_key, os2ip(EM))
    return i2osp(c, k)


def rsaes_pkcs1_v1_5_decrypt(private_key, C: bytes, implicit_rejection: bool = False) -> bytes:
    """RFC 8017 §7.2.2 RSAES-PKCS1-V1_5-DECRYPT(K, C) -> M, or DecryptionError.

    With `implicit_rejection`, a padding error returns the synthetic message of
    `implicit_rejection_message` instead of raising (the length and range
    checks of steps 1-2 still raise: they depend on public values only).
    """
    C = require_bytes("ciphertext", C)
    k = _modulus_octets(private_key)
    # Step 1: if the length of C is not k octets (or if k < 11), output "decryption error".
    if len(C) != k or k < PKCS1_V1_5_OVERHEAD:
        raise DecryptionError(DECRYPTION_ERROR)
    # Step 2: c = OS2IP(C); m = RSADP((n, d), c) (out of range -> "decryption error").
    c = os2ip(C)
    if c >= private_key.n:
        raise DecryptionError(DECRYPTION_ERROR)
    EM = i2osp(rsadp(private_key, c), k)
    # Steps 3-4: EME-PKCS1-v1_5 decoding; output M.
    if not implicit_rejection:
        return eme_pkcs1_v1_5_decode(EM)
    synthetic = implicit_rejection_message(private_key, C)
    try:
        return eme_pkcs1_v1_5_decode(EM)
    except DecryptionError:
        return synthetic


def eme_pkcs1_v1_5_decode(EM: bytes) -> bytes:
    """RFC 8017 §7.2.2 step 3: M from EM = 0x00 || 0x02 || PS || 0x00 || M, or DecryptionError."""
    EM = require_bytes("EM", EM)
    k = len(EM)
    # Step 1 (for direct callers): k >= 11, else "decryption error".
    if k < PKCS1_V1_5_OVERHEAD:
        raise DecryptionError(DECRYPTION_ERROR)
    # Scan every octet after the block type for the first zero, without stopping early.
    found_separator = 0
    separator_index = 0
    for i in range(2, k):
        is_zero = int(EM[i] == 0)
        first_zero = is_zero & (1 - found_separator)
        separator_index |= i * first_zero
        found_separator |= is_zero
    # "If the first octet of EM does not have hexadecimal value 0x00, if the second
    # octet of EM does not have hexadecimal value 0x02, if there is no octet with
    # hexadecimal value 0x00 to separate PS from M, or if the length of PS is less
    # than 8 octets, output 'decryption error'." All four are decided at once.
    ps_long_enough = int(separator_index - 2 >= PKCS1_V1_5_MIN_PS_LEN)
    good = int(EM[0] == 0) & int(EM[1] == 2) & found_separator & ps_long_enough
    if not good:
        raise DecryptionError(DECRYPTION_ERROR)
    # Step 4: output M.
    return EM[separator_index + 1:]


# --- implicit rejection (draft-irtf-cfrg-rsa-guidance-10 §7.1-7.2) -----------------------

IR_HASH = "sha256"  # the draft fixes HMAC-SHA-256 for the KDK and the PRF
IR_LENGTH_CANDIDATES = 128  # 16-bit candidate lengths drawn from the "length" PRF output


def implicit_rejection_prf(kdk: bytes, label: bytes, length: int) -> bytes:
    """The draft's PRF: HMAC-SHA-256(KDK, I2OSP(i, 2) || label || I2OSP(8 * length, 2))
    for i = 0, 1, ..., concatenated and truncated to `length` octets."""
    out = bytearray()
    i = 0
    while len(out) < length:
        out += hmac(kdk, i2osp(i, 2) + label + i2osp(8 * length, 2), IR_HASH)
        i += 1
    return bytes(out[:length])


def implicit_rejection_message(private_key, C: bytes) -> bytes:
    """The deterministic synthetic message returned for a bad PKCS #1 v1.5 padding.

    It depends only on the private exponent d and the ciphertext C, so an
    attacker who sends the same C twice sees the same answer, and cannot tell
    it from a real decryption (OpenSSL 3.2+ returns the same bytes).
    """
    require_key_numbers("private_key", private_key, *PRIVATE_FIELDS)
    C = require_bytes("ciphertext", C)
    k = _modulus_octets(private_key)
    # KDK = HMAC-SHA-256(key = SHA-256(I2OSP(d, k)), message = C).
    kdk = hmac(_hash(IR_HASH, i2osp(private_key.d, k)), C, IR_HASH)
    # 128 candidate lengths, each masked to the bit length of max_sep_offset = k - 2 - 8;
    # the last candidate below max_sep_offset is the synthetic length.
    candidates = implicit_rejection_prf(kdk, b"length", 2 * IR_LENGTH_CANDIDATES)
    max_sep_offset = k - 2 - PKCS1_V1_5_MIN_PS_LEN
    mask = (1 << max_sep_offset.bit_length()) - 1
    synthetic_length = 0
    for i in range(IR_LENGTH_CANDIDATES):
        candidate = int.from_bytes(candidates[2 * i:2 * i + 2], "big") & mask
        below = int(candidate < max_sep_offset)
        synthetic_length = below * candidate + (1 - below) * synthetic_length
    # The synthetic message: the last synthetic_length octets of the k-octet "message" PRF output.
    message = implicit_rejection_prf(kdk, b"message", k)
    return message[k - synthetic_length:]


# --- RSASSA-PSS (RFC 8017 §8.1) with EMSA-PSS (§9.1) --------------------------------

def _salt_length(s_len: Optional[int], h_len: int) -> int:
    """sLen: hLen when None, else a non-negative int (caller misuse otherwise)."""
    if s_len is None:
        return h_len
    s_len = require_int("salt_length", s_len)
    if s_len < 0:
        raise ValueError("salt_length must be >= 0")
    return s_len


def _pss_lengths(em_bits: int, hash_name: str, s_len: int) -> tuple[int, int]:
    """(emLen, hLen), after §9.1.1 step 3 / §9.1.2 step 3 (emLen < hLen + sLen + 2)."""
    h_len = _check_hash(hash_name)
    em_len = -(-em_bits // 8)
    if em_len < h_len + s_len + 2:
        raise ValueError(f"salt length {s_len} is too long for a {em_bits + 1}-bit key with "
                         f"{hash_name} (at most {em_len - h_len - 2})")
    return em_len, h_len


def emsa_pss_encode(M: bytes, em_bits: int, hash_name: str, mgf_hash_name: str,
                    salt: bytes, trace: Trace = None) -> bytes:
    """RFC 8017 §9.1.1 EMSA-PSS-ENCODE(M, emBits) with the given salt."""
    # Step 3: if emLen < hLen + sLen + 2, output "encoding error".
    em_len, h_len = _pss_lengths(em_bits, hash_name, len(salt))
    # Step 1: the hash input limit is out of reach with hashlib.
    # Step 2: mHash = Hash(M).
    mHash = _hash(hash_name, M)
    _record(trace, "mHash", mHash)
    # Step 4: a random octet string salt of length sLen (given by the caller).
    # Step 5: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt.
    M_prime = PSS_M_PRIME_PADDING + mHash + salt
    _record(trace, "M'", M_prime)
    # Step 6: H = Hash(M').
    H = _hash(hash_name, M_prime)
    _record(trace, "H", H)
    # Step 7: PS of emLen - sLen - hLen - 2 zero octets.
    PS = bytes(em_len - len(salt) - h_len - 2)
    # Step 8: DB = PS || 0x01 || salt.
    DB = PS + b"\x01" + salt
    _record(trace, "DB", DB)
    # Step 9: dbMask = MGF(H, emLen - hLen - 1).
    dbMask = mgf1(H, em_len - h_len - 1, mgf_hash_name)
    _record(trace, "dbMask", dbMask)
    # Step 10: maskedDB = DB xor dbMask.
    maskedDB = bytearray(xor_bytes(DB, dbMask))
    # Step 11: set the leftmost 8emLen - emBits bits of the leftmost octet of maskedDB to zero.
    maskedDB[0] &= 0xFF >> (8 * em_len - em_bits)
    _record(trace, "maskedDB", maskedDB)
    # Step 12: EM = maskedDB || H || 0xbc.
    EM = bytes(maskedDB) + H + bytes([PSS_TRAILER])
    _record(trace, "EM", EM)
    return EM


def emsa_pss_verify(M: bytes, EM: bytes, em_bits: int, hash_name: str, mgf_hash_name: str,
                    s_len: int) -> None:
    """RFC 8017 §9.1.2 EMSA-PSS-VERIFY(M, EM, emBits): returns if "consistent",
    raises InvalidSignature if "inconsistent"."""
    # Step 3: if emLen < hLen + sLen + 2 (a key/hash/salt mismatch: ValueError).
    EM = require_bytes("EM", EM)
    s_len = _salt_length(require_int("s_len", s_len), 0)
    em_len, h_len = _pss_lengths(em_bits, hash_name, s_len)
    if len(EM) != em_len:
        raise InvalidSignature("invalid signature")
    # Step 2: mHash = Hash(M).
    mHash = _hash(hash_name, M)
    # Step 4: if the rightmost octet of EM does not have hexadecimal value 0xbc, "inconsistent".
    if EM[-1] != PSS_TRAILER:
        raise InvalidSignature("invalid signature")
    # Step 5: maskedDB = the leftmost emLen - hLen - 1 octets of EM, H the next hLen octets.
    maskedDB = EM[:em_len - h_len - 1]
    H = EM[em_len - h_len - 1:em_len - 1]
    # Step 6: if the leftmost 8emLen - emBits bits of maskedDB are not all zero, "inconsistent".
    top_mask = 0xFF >> (8 * em_len - em_bits)
    if maskedDB[0] & ~top_mask & 0xFF:
        raise InvalidSignature("invalid signature")
    # Step 7: dbMask = MGF(H, emLen - hLen - 1).
    dbMask = mgf1(H, em_len - h_len - 1, mgf_hash_name)
    # Step 8: DB = maskedDB xor dbMask.
    DB = bytearray(xor_bytes(maskedDB, dbMask))
    # Step 9: set the leftmost 8emLen - emBits bits of the leftmost octet in DB to zero.
    DB[0] &= top_mask
    # Step 10: the emLen - hLen - sLen - 2 leftmost octets of DB must be zero and the
    # octet at position emLen - hLen - sLen - 1 must be 0x01.
    ps_len = em_len - h_len - s_len - 2
    if any(DB[:ps_len]) or DB[ps_len] != 0x01:
        raise InvalidSignature("invalid signature")
    # Step 11: salt = the last sLen octets of DB.
    salt = bytes(DB[len(DB) - s_len:]) if s_len else b""
    # Step 12: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt.
    M_prime = PSS_M_PRIME_PADDING + mHash + salt
    # Step 13: H' = Hash(M').
    H_prime = _hash(hash_name, M_prime)
    # Step 14: if H = H', output "consistent"; otherwise "inconsistent".
    if not constant_time_equal(H, H_prime):
        raise InvalidSignature("invalid signature")


def _pss_parameters(key, hash_name: str, s_len: Optional[int],
                    mgf_hash_name: Optional[str]) -> tuple[str, int, int, int]:
    """(MGF1 hash, sLen, modBits, k) for PSS with `key`; ValueError if the salt does not fit."""
    mgf_hash_name = hash_name if mgf_hash_name is None else mgf_hash_name
    h_len = _check_hash(hash_name)
    _check_hash(mgf_hash_name)
    s_len = _salt_length(s_len, h_len)
    k = _modulus_octets(key)
    mod_bits = key.n.bit_length()
    _pss_lengths(mod_bits - 1, hash_name, s_len)
    return mgf_hash_name, s_len, mod_bits, k


def rsassa_pss_sign(private_key, M: bytes, hash_name: str = "sha1", s_len: Optional[int] = None,
                    mgf_hash_name: Optional[str] = None, rng: Optional[Rng] = None,
                    trace: Trace = None) -> bytes:
    """RFC 8017 §8.1.1 RSASSA-PSS-SIGN(K, M) -> S; sLen None means hLen."""
    M = require_bytes("message", M)
    # §9.1.1 step 3 (emLen < hLen + sLen + 2) before any randomness or arithmetic.
    mgf_hash_name, s_len, mod_bits, k = _pss_parameters(private_key, hash_name, s_len,
                                                        mgf_hash_name)
    # §9.1.1 step 4: salt.
    salt = _random(rng, s_len, "PSS salt") if s_len else b""
    # Step 1: EM = EMSA-PSS-ENCODE(M, modBits - 1).
    EM = emsa_pss_encode(M, mod_bits - 1, hash_name, mgf_hash_name, salt, trace)
    # Step 2.a: m = OS2IP(EM); 2.b: s = RSASP1(K, m); 2.c: S = I2OSP(s, k).
    m = os2ip(EM)
    s = rsasp1(private_key, m)
    S = i2osp(s, k)
    _record(trace, "S", S)
    # Step 3: output S.
    return S


def rsassa_pss_verify(public_key, M: bytes, S: bytes, hash_name: str = "sha1",
                      s_len: Optional[int] = None, mgf_hash_name: Optional[str] = None) -> None:
    """RFC 8017 §8.1.2 RSASSA-PSS-VERIFY((n, e), M, S): returns, or raises InvalidSignature."""
    M = require_bytes("message", M)
    S = require_bytes("signature", S)
    mgf_hash_name, s_len, mod_bits, k = _pss_parameters(public_key, hash_name, s_len,
                                                        mgf_hash_name)
    # Step 1: if the length of S is not k octets, output "invalid signature".
    if len(S) != k:
        raise InvalidSignature("invalid signature")
    # Step 2.a: s = OS2IP(S).
    s = os2ip(S)
    # Step 2.b: m = RSAVP1((n, e), s); out of range -> "invalid signature".
    if s >= public_key.n:
        raise InvalidSignature("invalid signature")
    m = rsavp1(public_key, s)
    # Step 2.c: EM = I2OSP(m, emLen), emLen = ceil((modBits - 1) / 8); "integer too large"
    # -> "invalid signature".
    em_len = -(-(mod_bits - 1) // 8)
    if m >= 1 << (8 * em_len):
        raise InvalidSignature("invalid signature")
    EM = i2osp(m, em_len)
    # Step 3: EMSA-PSS verification; step 4: "valid signature" (return) or raise.
    emsa_pss_verify(M, EM, mod_bits - 1, hash_name, mgf_hash_name, s_len)


# --- RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with EMSA-PKCS1-v1_5 (§9.2) ----------------------

# RFC 8017 §9.2 note 1: the DER encoding T of DigestInfo = SEQUENCE { SEQUENCE { hash OID,
# NULL }, OCTET STRING H } is this prefix followed by H. The tests rebuild each prefix
# with refkx.asn1 from the hash's object identifier.
DIGEST_INFO_PREFIXES = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha224": bytes.fromhex("302d300d06096086480165030402040500041c"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
    "sha512_224": bytes.fromhex("302d300d06096086480165030402050500041c"),
    "sha512_256": bytes.fromhex("3031300d060960864801650304020605000420"),
    # The same construction with the SHA-3 object identifiers (NIST CSOR hashAlgs 7-10),
    # which RFC 8017 predates; Wycheproof tests them.
    "sha3_224": bytes.fromhex("302d300d06096086480165030402070500041c"),
    "sha3_256": bytes.fromhex("3031300d060960864801650304020805000420"),
    "sha3_384": bytes.fromhex("3041300d060960864801650304020905000430"),
    "sha3_512": bytes.fromhex("3051300d060960864801650304020a05000440"),
}


def _digest_info_prefix(hash_name: str) -> bytes:
    key = hash_name.lower().replace("-", "_").replace("/", "_")
    if key not in DIGEST_INFO_PREFIXES:
        raise ValueError(f"PKCS #1 v1.5 signatures support {', '.join(DIGEST_INFO_PREFIXES)}, "
                         f"not {hash_name!r}")
    return DIGEST_INFO_PREFIXES[key]


def emsa_pkcs1_v1_5_encode(M: bytes, em_len: int, hash_name: str, trace: Trace = None) -> bytes:
    """RFC 8017 §9.2 EMSA-PKCS1-V1_5-ENCODE(M, emLen) -> EM = 0x00 || 0x01 || PS || 0x00 || T."""
    prefix = _digest_info_prefix(hash_name)
    # Step 1: H = Hash(M).
    H = _hash(hash_name, M)
    _record(trace, "H", H)
    # Step 2: T = DER(DigestInfo) = prefix || H.
    T = prefix + H
    _record(trace, "T", T)
    # Step 3: if emLen < tLen + 11, output "intended encoded message length too short".
    if em_len < len(T) + 3 + PKCS1_V1_5_SIGNATURE_MIN_PS_LEN:
        raise ValueError(f"intended encoded message length too short: a {em_len * 8}-bit key "
                         f"cannot carry a {hash_name} DigestInfo")
    # Step 4: PS = emLen - tLen - 3 octets 0xff.
    PS = b"\xff" * (em_len - len(T) - 3)
    # Step 5: EM = 0x00 || 0x01 || PS || 0x00 || T.
    EM = b"\x00\x01" + PS + b"\x00" + T
    _record(trace, "EM", EM)
    return EM


def rsassa_pkcs1_v1_5_sign(private_key, M: bytes, hash_name: str = "sha256",
                           trace: Trace = None) -> bytes:
    """RFC 8017 §8.2.1 RSASSA-PKCS1-V1_5-SIGN(K, M) -> S."""
    M = require_bytes("message", M)
    k = _modulus_octets(private_key)
    # Step 1: EM = EMSA-PKCS1-V1_5-ENCODE(M, k).
    EM = emsa_pkcs1_v1_5_encode(M, k, hash_name, trace)
    # Step 2.a: m = OS2IP(EM); 2.b: s = RSASP1(K, m); 2.c: S = I2OSP(s, k).
    s = rsasp1(private_key, os2ip(EM))
    S = i2osp(s, k)
    _record(trace, "S", S)
    # Step 3: output S.
    return S


def rsassa_pkcs1_v1_5_verify(public_key, M: bytes, S: bytes, hash_name: str = "sha256",
                             trace: Trace = None) -> None:
    """RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY((n, e), M, S): returns, or InvalidSignature.

    Step 3-4 re-encode and compare (the RFC's method): no DigestInfo parsing, so
    no BER leniency or garbage after the hash can be accepted (Bleichenbacher 2006).
    """
    M = require_bytes("message", M)
    S = require_bytes("signature", S)
    k = _modulus_octets(public_key)
    _digest_info_prefix(hash_name)
    # Step 1: if the length of S is not k octets, output "invalid signature".
    if len(S) != k:
        raise InvalidSignature("invalid signature")
    # Step 2.a: s = OS2IP(S); 2.b: m = RSAVP1((n, e), s) (s out of range: "invalid signature").
    s = os2ip(S)
    if s >= public_key.n:
        raise InvalidSignature("invalid signature")
    m = rsavp1(public_key, s)
    # Step 2.c: EM = I2OSP(m, k).
    EM = i2osp(m, k)
    _record(trace, "EM", EM)
    # Step 3: EM' = EMSA-PKCS1-V1_5-ENCODE(M, k) ("too short": "invalid signature").
    try:
        EM_prime = emsa_pkcs1_v1_5_encode(M, k, hash_name)
    except ValueError:
        raise InvalidSignature("invalid signature") from None
    _record(trace, "EM'", EM_prime)
    # Step 4: compare EM and EM'; "valid signature" if they are the same.
    if not constant_time_equal(EM, EM_prime):
        raise InvalidSignature("invalid signature")


# --- padding objects (the API of refkx.rsa keys) --------------------------------------

def _check_rng(rng) -> Optional[Rng]:
    if rng is not None and not callable(rng):
        raise TypeError("rng must be a callable taking a byte count, or None")
    return rng


def _check_hash_name(name: str, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str such as 'sha256', not {type(name).__name__}")
    _check_hash(name)
    return name


class OAEP:
    """RSAES-OAEP (RFC 8017 §7.1): label hash `hash_name`, MGF1 with `mgf_hash_name`
    (None: the same hash), label L. `rng(n) -> bytes` fixes the seed (tests)."""

    def __init__(self, hash_name: str = "sha256", mgf_hash_name: Optional[str] = None,
                 label: bytes = b"", *, rng: Optional[Rng] = None) -> None:
        self.hash_name = _check_hash_name(hash_name, "hash_name")
        self.mgf_hash_name = _check_hash_name(
            hash_name if mgf_hash_name is None else mgf_hash_name, "mgf_hash_name")
        self.label = require_bytes("label", label)
        self.rng = _check_rng(rng)

    def __repr__(self) -> str:
        return (f"OAEP(hash_name={self.hash_name!r}, mgf_hash_name={self.mgf_hash_name!r}, "
                f"label={self.label!r})")

    def max_message_length(self, key) -> int:
        """mLen limit k - 2hLen - 2 for `key` (negative: the key is too small)."""
        return _modulus_octets(key) - 2 * _check_hash(self.hash_name) - 2

    def _encrypt(self, public_key, plaintext: bytes) -> bytes:
        return rsaes_oaep_encrypt(public_key, plaintext, self.label, self.hash_name,
                                  self.mgf_hash_name, self.rng)

    def _decrypt(self, private_key, ciphertext: bytes) -> bytes:
        return rsaes_oaep_decrypt(private_key, ciphertext, self.label, self.hash_name,
                                  self.mgf_hash_name)


class PKCS1v15:
    """PKCS #1 v1.5: RSAES-PKCS1-v1_5 (RFC 8017 §7.2, key transport; legacy: prefer
    OAEP) and RSASSA-PKCS1-v1_5 signatures (§8.2) with the hash `hash_name`
    (encryption ignores it).

    `implicit_rejection=True`: a padding error returns a deterministic synthetic
    message (draft-irtf-cfrg-rsa-guidance, as OpenSSL 3.2+ does) instead of
    raising DecryptionError. `rng(n) -> bytes` supplies the padding string PS
    (zero octets are redrawn)."""

    def __init__(self, hash_name: str = "sha256", *, implicit_rejection: bool = False,
                 rng: Optional[Rng] = None) -> None:
        self.hash_name = _check_hash_name(hash_name, "hash_name")
        if not isinstance(implicit_rejection, bool):
            raise TypeError("implicit_rejection must be a bool")
        self.implicit_rejection = implicit_rejection
        self.rng = _check_rng(rng)

    def __repr__(self) -> str:
        return (f"PKCS1v15(hash_name={self.hash_name!r}, "
                f"implicit_rejection={self.implicit_rejection})")

    def max_message_length(self, key) -> int:
        return _modulus_octets(key) - PKCS1_V1_5_OVERHEAD

    def _encrypt(self, public_key, plaintext: bytes) -> bytes:
        return rsaes_pkcs1_v1_5_encrypt(public_key, plaintext, self.rng)

    def _decrypt(self, private_key, ciphertext: bytes) -> bytes:
        return rsaes_pkcs1_v1_5_decrypt(private_key, ciphertext, self.implicit_rejection)

    def _sign(self, private_key, message: bytes) -> bytes:
        return rsassa_pkcs1_v1_5_sign(private_key, message, self.hash_name)

    def _verify(self, public_key, signature: bytes, message: bytes) -> None:
        rsassa_pkcs1_v1_5_verify(public_key, message, signature, self.hash_name)


class PSS:
    """RSASSA-PSS (RFC 8017 §8.1): hash `hash_name`, salt of `salt_length` octets
    (None: hLen), MGF1 with `mgf_hash_name` (None: the same hash).
    `rng(n) -> bytes` fixes the salt (tests)."""

    def __init__(self, hash_name: str = "sha256", salt_length: Optional[int] = None,
                 mgf_hash_name: Optional[str] = None, *, rng: Optional[Rng] = None) -> None:
        self.hash_name = _check_hash_name(hash_name, "hash_name")
        self.mgf_hash_name = _check_hash_name(
            hash_name if mgf_hash_name is None else mgf_hash_name, "mgf_hash_name")
        if salt_length is None:
            salt_length = _check_hash(hash_name)
        salt_length = require_int("salt_length", salt_length)
        if salt_length < 0:
            raise ValueError("salt_length must be >= 0")
        self.salt_length = salt_length
        self.rng = _check_rng(rng)

    def __repr__(self) -> str:
        return (f"PSS(hash_name={self.hash_name!r}, salt_length={self.salt_length}, "
                f"mgf_hash_name={self.mgf_hash_name!r})")

    def _sign(self, private_key, message: bytes) -> bytes:
        return rsassa_pss_sign(private_key, message, self.hash_name, self.salt_length,
                               self.mgf_hash_name, self.rng)

    def _verify(self, public_key, signature: bytes, message: bytes) -> None:
        rsassa_pss_verify(public_key, message, signature, self.hash_name, self.salt_length,
                          self.mgf_hash_name)


# --- trace hooks (python -m refkx trace rsa-oaep | rsa-pss) ------------------------------

def oaep_encrypt_trace(public_key, message: bytes, seed: bytes, label: bytes = b"",
                       hash_name: str = "sha1",
                       mgf_hash_name: Optional[str] = None) -> list[tuple[str, bytes]]:
    """The intermediate values of RSAES-OAEP-ENCRYPT with a fixed seed, in order:
    lHash, DB, seed, dbMask, maskedDB, seedMask, maskedSeed, EM (k octets, with
    the leading Y = 0x00 of RFC 8017; PKCS #1 v2.0's oaep-int.txt omits it), C."""
    seed = require_bytes("seed", seed)
    h_len = _check_hash(hash_name)
    if len(seed) != h_len:
        raise ValueError(f"seed must be hLen = {h_len} bytes")
    trace: list[tuple[str, bytes]] = []
    rsaes_oaep_encrypt(public_key, message, label, hash_name, mgf_hash_name,
                       rng=lambda n: seed, trace=trace)
    return trace


def pss_sign_trace(private_key, message: bytes, salt: bytes,
                   hash_name: str = "sha1") -> list[tuple[str, bytes]]:
    """The intermediate values of RSASSA-PSS-SIGN with a fixed salt, in order:
    mHash, M', H, DB, dbMask, maskedDB, EM, S."""
    salt = require_bytes("salt", salt)
    trace: list[tuple[str, bytes]] = []
    rsassa_pss_sign(private_key, message, hash_name, len(salt), hash_name,
                    rng=lambda n: salt, trace=trace)
    return trace
