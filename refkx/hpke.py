"""Hybrid Public Key Encryption, RFC 9180 (February 2022).

What is implemented, by section:

* §4    LabeledExtract / LabeledExpand with the "HPKE-v1" label and suite ids
        ("KEM" || I2OSP(kem_id, 2) inside the KEM, "HPKE" || kem_id || kdf_id
        || aead_id everywhere else);
* §4.1  DHKEM: ExtractAndExpand, Encap/Decap, AuthEncap/AuthDecap, over
        DHKEM(X25519, HKDF-SHA256) (kem_id 0x0020) and DHKEM(X448, HKDF-SHA512)
        (kem_id 0x0021), with DeriveKeyPair (§7.1.3) and the all-zero check of
        §7.1.4;
* §5.1  the key schedule for the four modes base, psk, auth and auth_psk, with
        VerifyPSKInputs;
* §5.2  encryption contexts (Seal/Open, ComputeNonce, IncrementSeq) and §5.3
        the secret export interface (Export);
* §6.1  the single-shot APIs SealBase / OpenBase (seal_base, open_base);
* §7.2  KDFs HKDF-SHA256 (0x0001), HKDF-SHA384 (0x0002), HKDF-SHA512 (0x0003);
* §7.3  AEADs AES-128-GCM (0x0001), AES-256-GCM (0x0002) and export-only (0xFFFF);
* draft-ietf-hpke-pq-05 §3: the ML-KEM KEMs ML-KEM-512 (0x0040), ML-KEM-768
        (0x0041) and ML-KEM-1024 (0x0042) of FIPS 203, with the 64-byte seed d || z
        as the private key, DeriveKeyPair through SHAKE256 LabeledDerive, and no
        Auth modes (§7.2 of the draft).

Names follow the RFC in Python form: pk_r is pkR, sk_s is skS, ikm_e is ikmE,
n_secret is Nsecret, n_h is Nh, and so on. Keys cross the API as raw bytes
(the RFC's SerializePublicKey/SerializePrivateKey output, which for X25519 and
X448 is the RFC 7748 encoding, §7.1.1 and §7.1.2).

Errors: unknown suite ids, a psk without psk_id (or the reverse) and other
caller misuse raise ValueError/TypeError; keys or an `enc` of the wrong length,
and an `enc` (or peer key) whose Diffie-Hellman output is all zero, raise
refkx.errors.InvalidKey; a failed Open raises refkx.errors.InvalidTag and leaves
the sequence number where it was; a context that has used its last nonce
raises MessageLimitReachedError.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Optional

from . import hkdf, mlkem
from .encoding import i2osp, require_bytes, require_int, xor_bytes
from .errors import InvalidKey, RefkxError
from .gcm import AESGCM
from .hmac import digest_size
from .x25519 import X25519PrivateKey, X25519PublicKey
from .x448 import X448PrivateKey, X448PublicKey

# §5 Table 1: the four modes, each one octet in key_schedule_context.
MODE_BASE = 0x00
MODE_PSK = 0x01
MODE_AUTH = 0x02
MODE_AUTH_PSK = 0x03
MODES = (MODE_BASE, MODE_PSK, MODE_AUTH, MODE_AUTH_PSK)

# §7.1 Table 2, §7.2 Table 3, §7.3 Table 5: the algorithm identifiers we implement.
KEM_DHKEM_X25519_HKDF_SHA256 = 0x0020
KEM_DHKEM_X448_HKDF_SHA512 = 0x0021
KEM_ML_KEM_512 = 0x0040          # draft-ietf-hpke-pq-05 §8.1 Table 2
KEM_ML_KEM_768 = 0x0041
KEM_ML_KEM_1024 = 0x0042
KDF_HKDF_SHA256 = 0x0001
KDF_HKDF_SHA384 = 0x0002
KDF_HKDF_SHA512 = 0x0003
AEAD_AES_128_GCM = 0x0001
AEAD_AES_256_GCM = 0x0002
AEAD_EXPORT_ONLY = 0xFFFF

VERSION_LABEL = b"HPKE-v1"   # §4: the prefix of every labeled input
DEFAULT_PSK = b""            # §5.1: default_psk
DEFAULT_PSK_ID = b""         # §5.1: default_psk_id
MIN_PSK_SIZE = 32            # §5.1.2: "The psk MUST have at least 32 bytes of entropy"


class MessageLimitReachedError(RefkxError):
    """§5.2: the context's sequence number has reached its last value; no more Seal/Open."""


# --- §4: the labeled KDF calls, parametrised by suite_id and the KDF's hash ---

def labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes,
                    hash_name: str) -> bytes:
    """§4 LabeledExtract(salt, label, ikm).

    labeled_ikm = concat("HPKE-v1", suite_id, label, ikm); return Extract(salt, labeled_ikm)
    """
    suite_id, label, ikm = (require_bytes(name, value) for name, value in
                            (("suite_id", suite_id), ("label", label), ("ikm", ikm)))
    labeled_ikm = VERSION_LABEL + suite_id + label + ikm
    return hkdf.extract(salt, labeled_ikm, hash_name)


def labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int,
                   hash_name: str) -> bytes:
    """§4 LabeledExpand(prk, label, info, L).

    labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id, label, info)
    return Expand(prk, labeled_info, L)
    """
    suite_id, label, info = (require_bytes(name, value) for name, value in
                             (("suite_id", suite_id), ("label", label), ("info", info)))
    length = require_int("length", length)
    if not 0 <= length < 1 << 16:
        raise ValueError(f"L must fit in I2OSP(L, 2): 0 <= L < 65536, got {length}")
    labeled_info = i2osp(length, 2) + VERSION_LABEL + suite_id + label + info
    return hkdf.expand(prk, labeled_info, length, hash_name)


# --- §7.2 and §7.3: KDF and AEAD parameters ---

@dataclass(frozen=True)
class KDF:
    """An HKDF instance of §7.2 (Table 3): kdf_id, the hash, and Nh = its digest size."""
    kdf_id: int
    name: str
    hash_name: str

    @property
    def n_h(self) -> int:
        return digest_size(self.hash_name)


@dataclass(frozen=True)
class AEAD:
    """An AEAD of §7.3 (Table 5): Nk, Nn, Nt in bytes (all 0 for export-only)."""
    aead_id: int
    name: str
    n_k: int
    n_n: int
    n_t: int

    @property
    def export_only(self) -> bool:
        return self.aead_id == AEAD_EXPORT_ONLY


KDFS = {
    KDF_HKDF_SHA256: KDF(KDF_HKDF_SHA256, "HKDF-SHA256", "sha256"),
    KDF_HKDF_SHA384: KDF(KDF_HKDF_SHA384, "HKDF-SHA384", "sha384"),
    KDF_HKDF_SHA512: KDF(KDF_HKDF_SHA512, "HKDF-SHA512", "sha512"),
}
AEADS = {
    AEAD_AES_128_GCM: AEAD(AEAD_AES_128_GCM, "AES-128-GCM", 16, 12, 16),
    AEAD_AES_256_GCM: AEAD(AEAD_AES_256_GCM, "AES-256-GCM", 32, 12, 16),
    AEAD_EXPORT_ONLY: AEAD(AEAD_EXPORT_ONLY, "Export-only", 0, 0, 0),
}


# --- §4.1: DHKEM over X25519 / X448 ---

class DHKEM:
    """DHKEM(Group, KDF) of §4.1 for a Montgomery curve of RFC 7748.

    Keys are raw bytes: sk is the Nsk-byte scalar (clamped inside X25519/X448,
    §7.1.2), pk the Npk-byte u-coordinate (§7.1.1). The KEM uses its own KDF
    (`hash_name`) and its own suite_id "KEM" || I2OSP(kem_id, 2), whatever
    KDF the HPKE suite uses for the key schedule.
    """

    def __init__(self, kem_id: int, name: str, hash_name: str, n_secret: int, n_key: int,
                 private_key_class, public_key_class) -> None:
        self.kem_id = kem_id
        self.name = name
        self.hash_name = hash_name
        self.n_secret = n_secret          # Nsecret: length of the KEM shared secret
        self.n_enc = n_key                # Nenc: an encapsulated key is a public key
        self.n_pk = n_key                 # Npk
        self.n_sk = n_key                 # Nsk
        self._private_key_class = private_key_class
        self._public_key_class = public_key_class
        # §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2))
        self.suite_id = b"KEM" + i2osp(kem_id, 2)

    def __repr__(self) -> str:
        return f"<DHKEM {self.name} 0x{self.kem_id:04x}>"

    # -- key handling (§7.1.1 - §7.1.3) --

    def _check_length(self, what: str, data: object, length: int) -> bytes:
        data = require_bytes(what, data)
        if len(data) != length:
            raise InvalidKey(f"{self.name}: {what} must be {length} bytes, got {len(data)}")
        return data

    def public_key(self, sk: bytes) -> bytes:
        """pk(skX): the serialized public key of a serialized private key."""
        sk = self._check_length("private key", sk, self.n_sk)
        return self._private_key_class.from_private_bytes(sk).public_key().public_bytes_raw()

    def derive_key_pair(self, ikm: bytes) -> tuple[bytes, bytes]:
        """§7.1.3 DeriveKeyPair(ikm) for X25519 and X448: (sk, pk) as raw bytes.

        dkp_prk = LabeledExtract("", "dkp_prk", ikm)
        sk = LabeledExpand(dkp_prk, "sk", "", Nsk)
        """
        ikm = require_bytes("ikm", ikm)
        dkp_prk = labeled_extract(self.suite_id, b"", b"dkp_prk", ikm, self.hash_name)
        sk = labeled_expand(self.suite_id, dkp_prk, b"sk", b"", self.n_sk, self.hash_name)
        return sk, self.public_key(sk)

    def generate_key_pair(self) -> tuple[bytes, bytes]:
        """§4 GenerateKeyPair(): DeriveKeyPair of Nsk fresh random bytes (§7.1.3)."""
        return self.derive_key_pair(secrets.token_bytes(self.n_sk))

    def dh(self, sk: bytes, pk: bytes) -> bytes:
        """§4.1 DH(skX, pkY); §7.1.4: an all-zero output raises InvalidKey.

        The check is the key class's `exchange` (RFC 7748 §6), so a low-order
        pk (or enc) is refused before anything is derived from it.
        """
        sk = self._check_length("private key", sk, self.n_sk)
        pk = self._check_length("public key", pk, self.n_pk)
        private_key = self._private_key_class.from_private_bytes(sk)
        return private_key.exchange(self._public_key_class.from_public_bytes(pk))

    # -- §4.1 --

    def extract_and_expand(self, dh: bytes, kem_context: bytes) -> bytes:
        """§4.1 ExtractAndExpand(dh, kem_context) -> shared_secret (Nsecret bytes)."""
        eae_prk = labeled_extract(self.suite_id, b"", b"eae_prk", dh, self.hash_name)
        return labeled_expand(self.suite_id, eae_prk, b"shared_secret", kem_context,
                              self.n_secret, self.hash_name)

    def _ephemeral(self, ikm_e: Optional[bytes]) -> tuple[bytes, bytes]:
        """(skE, pkE): GenerateKeyPair(), or DeriveKeyPair(ikm_e) when the caller fixes it."""
        if ikm_e is None:
            return self.generate_key_pair()
        return self.derive_key_pair(ikm_e)

    def encap(self, pk_r: bytes, ikm_e: Optional[bytes] = None) -> tuple[bytes, bytes]:
        """§4.1 Encap(pkR) -> (shared_secret, enc)."""
        pk_r = self._check_length("recipient public key pk_r", pk_r, self.n_pk)
        sk_e, pk_e = self._ephemeral(ikm_e)
        dh = self.dh(sk_e, pk_r)
        enc = pk_e                                   # SerializePublicKey(pkE)
        kem_context = enc + pk_r                     # concat(enc, pkRm)
        return self.extract_and_expand(dh, kem_context), enc

    def decap(self, enc: bytes, sk_r: bytes) -> bytes:
        """§4.1 Decap(enc, skR) -> shared_secret."""
        enc = self._check_length("enc", enc, self.n_enc)   # DeserializePublicKey(enc)
        sk_r = self._check_length("recipient private key sk_r", sk_r, self.n_sk)
        dh = self.dh(sk_r, enc)
        pk_rm = self.public_key(sk_r)                # SerializePublicKey(pk(skR))
        kem_context = enc + pk_rm
        return self.extract_and_expand(dh, kem_context)

    def auth_encap(self, pk_r: bytes, sk_s: bytes,
                   ikm_e: Optional[bytes] = None) -> tuple[bytes, bytes]:
        """§4.1 AuthEncap(pkR, skS) -> (shared_secret, enc)."""
        pk_r = self._check_length("recipient public key pk_r", pk_r, self.n_pk)
        sk_s = self._check_length("sender private key sk_s", sk_s, self.n_sk)
        sk_e, pk_e = self._ephemeral(ikm_e)
        dh = self.dh(sk_e, pk_r) + self.dh(sk_s, pk_r)   # concat(DH(skE, pkR), DH(skS, pkR))
        enc = pk_e
        pk_sm = self.public_key(sk_s)
        kem_context = enc + pk_r + pk_sm             # concat(enc, pkRm, pkSm)
        return self.extract_and_expand(dh, kem_context), enc

    def auth_decap(self, enc: bytes, sk_r: bytes, pk_s: bytes) -> bytes:
        """§4.1 AuthDecap(enc, skR, pkS) -> shared_secret."""
        enc = self._check_length("enc", enc, self.n_enc)
        sk_r = self._check_length("recipient private key sk_r", sk_r, self.n_sk)
        pk_s = self._check_length("sender public key pk_s", pk_s, self.n_pk)
        dh = self.dh(sk_r, enc) + self.dh(sk_r, pk_s)    # concat(DH(skR, pkE), DH(skR, pkS))
        pk_rm = self.public_key(sk_r)
        kem_context = enc + pk_rm + pk_s
        return self.extract_and_expand(dh, kem_context)


class MLKEMHPKE:
    """An ML-KEM KEM for HPKE, draft-ietf-hpke-pq-05 §3 (FIPS 203 underneath).

    skR is the 64-byte seed d || z (Nsk = 64), pkR the encapsulation key ek,
    enc the ciphertext c, and the shared secret ML-KEM's K (Nsecret = 32): no
    ExtractAndExpand, since K is already a uniform key. Encap runs the §7.2 check
    of ek (InvalidKey); Decap expands the seed and runs ML-KEM.Decaps with its
    §7.3 checks. A fixed `ikm_e` is used as Encaps's 32 random bytes m, as the
    draft's test vectors do. There is no AuthEncap/AuthDecap (draft §7.2).
    """

    n_secret = mlkem.SHARED_SECRET_SIZE
    n_sk = mlkem.SEED_SIZE

    def __init__(self, kem_id: int, params: mlkem.Params) -> None:
        self.kem_id = kem_id
        self.name = params.name
        self.params = params
        self.n_enc = params.ciphertext_size
        self.n_pk = params.ek_size
        self.suite_id = b"KEM" + i2osp(kem_id, 2)      # §3: "KEM" || I2OSP(kem_id, 2)

    def __repr__(self) -> str:
        return f"<ML-KEM HPKE KEM {self.name} 0x{self.kem_id:04x}>"

    def _check_length(self, what: str, data: object, length: int) -> bytes:
        data = require_bytes(what, data)
        if len(data) != length:
            raise InvalidKey(f"{self.name}: {what} must be {length} bytes, got {len(data)}")
        return data

    def _expand(self, dk: bytes) -> tuple[bytes, bytes]:
        """§3 expandDecapsKey(dk) -> (expanded_dk, ek), by ML-KEM.KeyGen_internal(d, z)."""
        dk = self._check_length("private key", dk, self.n_sk)
        ek, expanded_dk = mlkem.keygen_internal(dk[:32], dk[32:], self.params)
        return expanded_dk, ek

    def public_key(self, sk: bytes) -> bytes:
        return self._expand(sk)[1]

    def labeled_derive(self, ikm: bytes, label: bytes, context: bytes, length: int) -> bytes:
        """SHAKE256.LabeledDerive (draft-ietf-hpke-hpke §4, with SHAKE256.Derive of §5):

        labeled_ikm = ikm || "HPKE-v1" || suite_id || I2OSP(len(label), 2) || label
                      || I2OSP(L, 2) || context;  Derive = SHAKE256(labeled_ikm, 8 L)
        """
        labeled_ikm = (ikm + VERSION_LABEL + self.suite_id + i2osp(len(label), 2) + label
                       + i2osp(length, 2) + context)
        return hashlib.shake_256(labeled_ikm).digest(length)

    def derive_key_pair(self, ikm: bytes) -> tuple[bytes, bytes]:
        """§3 DeriveKeyPair(ikm): dk = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 64)."""
        ikm = require_bytes("ikm", ikm)
        dk = self.labeled_derive(ikm, b"DeriveKeyPair", b"", self.n_sk)
        return dk, self.public_key(dk)

    def generate_key_pair(self) -> tuple[bytes, bytes]:
        """§3 GenerateKeyPair(): dk = random(64), ek from expandDecapsKey."""
        dk = secrets.token_bytes(self.n_sk)
        return dk, self.public_key(dk)

    def encap(self, pk_r: bytes, ikm_e: Optional[bytes] = None) -> tuple[bytes, bytes]:
        """§3 Encap(pkR) = ML-KEM.Encaps(ek): (shared_secret, enc = c)."""
        pk_r = self._check_length("recipient public key pk_r", pk_r, self.n_pk)
        if ikm_e is None:
            return mlkem.encaps(pk_r, self.params)
        m = self._check_length("ikm_e (ML-KEM's m)", ikm_e, mlkem.SYMMETRIC_SIZE)
        return mlkem.encaps_internal(pk_r, m, self.params)

    def decap(self, enc: bytes, sk_r: bytes) -> bytes:
        """§3 Decap(enc, skR) = ML-KEM.Decaps(expandDecapsKey(skR), enc)."""
        enc = self._check_length("enc", enc, self.n_enc)
        expanded_dk, _ = self._expand(sk_r)
        return mlkem.decaps(expanded_dk, enc, self.params)

    def auth_encap(self, pk_r, sk_s, ikm_e=None):
        raise ValueError(f"{self.name} has no AuthEncap: the auth modes need a DHKEM "
                         "(draft-ietf-hpke-pq §7.2)")

    def auth_decap(self, enc, sk_r, pk_s):
        raise ValueError(f"{self.name} has no AuthDecap: the auth modes need a DHKEM "
                         "(draft-ietf-hpke-pq §7.2)")


KEMS = {
    # §7.1 Table 2: Nsecret, Nenc, Npk, Nsk = 32, 32, 32, 32 and 64, 56, 56, 56.
    KEM_DHKEM_X25519_HKDF_SHA256: DHKEM(KEM_DHKEM_X25519_HKDF_SHA256, "DHKEM(X25519, HKDF-SHA256)",
                                        "sha256", 32, 32, X25519PrivateKey, X25519PublicKey),
    KEM_DHKEM_X448_HKDF_SHA512: DHKEM(KEM_DHKEM_X448_HKDF_SHA512, "DHKEM(X448, HKDF-SHA512)",
                                      "sha512", 64, 56, X448PrivateKey, X448PublicKey),
    KEM_ML_KEM_512: MLKEMHPKE(KEM_ML_KEM_512, mlkem.ML_KEM_512),
    KEM_ML_KEM_768: MLKEMHPKE(KEM_ML_KEM_768, mlkem.ML_KEM_768),
    KEM_ML_KEM_1024: MLKEMHPKE(KEM_ML_KEM_1024, mlkem.ML_KEM_1024),
}


def _lookup(table: dict, kind: str, value: object):
    value = require_int(kind, value)
    try:
        return table[value]
    except KeyError:
        known = ", ".join(f"0x{k:04x}" for k in table)
        raise ValueError(f"unsupported {kind} 0x{value:04x} (known: {known})") from None


def derive_key_pair(kem_id: int, ikm: bytes) -> tuple[bytes, bytes]:
    """§7.1.3 DeriveKeyPair(ikm) of the KEM `kem_id`: (sk_bytes, pk_bytes)."""
    return _lookup(KEMS, "kem_id", kem_id).derive_key_pair(ikm)


def generate_key_pair(kem_id: int) -> tuple[bytes, bytes]:
    """§4 GenerateKeyPair() of the KEM `kem_id`: a fresh (sk_bytes, pk_bytes)."""
    return _lookup(KEMS, "kem_id", kem_id).generate_key_pair()


# --- §5: a suite, and the key schedule ---

@dataclass(frozen=True)
class Suite:
    """An HPKE ciphersuite (kem_id, kdf_id, aead_id); unknown ids raise ValueError."""
    kem_id: int
    kdf_id: int
    aead_id: int

    def __post_init__(self) -> None:
        _lookup(KEMS, "kem_id", self.kem_id)
        _lookup(KDFS, "kdf_id", self.kdf_id)
        _lookup(AEADS, "aead_id", self.aead_id)

    @property
    def kem(self) -> "DHKEM | MLKEMHPKE":
        return KEMS[self.kem_id]

    @property
    def kdf(self) -> KDF:
        return KDFS[self.kdf_id]

    @property
    def aead(self) -> AEAD:
        return AEADS[self.aead_id]

    @property
    def suite_id(self) -> bytes:
        """§5.1: concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2))."""
        return b"HPKE" + i2osp(self.kem_id, 2) + i2osp(self.kdf_id, 2) + i2osp(self.aead_id, 2)

    def __str__(self) -> str:
        return f"{self.kem.name}, {self.kdf.name}, {self.aead.name}"


def verify_psk_inputs(mode: int, psk: bytes, psk_id: bytes) -> None:
    """§5.1 VerifyPSKInputs(mode, psk, psk_id); ValueError on any inconsistency.

    Also refuses a psk shorter than 32 bytes (§5.1.2: "The psk MUST have at
    least 32 bytes of entropy"; fewer bytes cannot hold that much).
    """
    mode = require_int("mode", mode)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(f'0x{m:02x}' for m in MODES)} "
                         f"(RFC 9180 §5 Table 1), not {mode!r}")
    psk, psk_id = require_bytes("psk", psk), require_bytes("psk_id", psk_id)
    got_psk = psk != DEFAULT_PSK
    got_psk_id = psk_id != DEFAULT_PSK_ID
    if got_psk != got_psk_id:
        raise ValueError("inconsistent PSK inputs: psk and psk_id must be given together")
    if got_psk and mode in (MODE_BASE, MODE_AUTH):
        raise ValueError("PSK input provided when not needed")
    if not got_psk and mode in (MODE_PSK, MODE_AUTH_PSK):
        raise ValueError("missing required PSK input")
    if got_psk and len(psk) < MIN_PSK_SIZE:
        raise ValueError(f"psk must be at least {MIN_PSK_SIZE} bytes (RFC 9180 §5.1.2)")


def key_schedule(role: str, mode: int, shared_secret: bytes, info: bytes, psk: bytes,
                 psk_id: bytes, suite: Suite) -> "Context":
    """§5.1 KeySchedule<ROLE>(mode, shared_secret, info, psk, psk_id) -> Context<ROLE>."""
    verify_psk_inputs(mode, psk, psk_id)
    suite_id, hash_name = suite.suite_id, suite.kdf.hash_name
    aead = suite.aead

    psk_id_hash = labeled_extract(suite_id, b"", b"psk_id_hash", psk_id, hash_name)
    info_hash = labeled_extract(suite_id, b"", b"info_hash", info, hash_name)
    key_schedule_context = bytes([mode]) + psk_id_hash + info_hash

    secret = labeled_extract(suite_id, shared_secret, b"secret", psk, hash_name)

    key = labeled_expand(suite_id, secret, b"key", key_schedule_context, aead.n_k, hash_name)
    base_nonce = labeled_expand(suite_id, secret, b"base_nonce", key_schedule_context,
                                aead.n_n, hash_name)
    exporter_secret = labeled_expand(suite_id, secret, b"exp", key_schedule_context,
                                     suite.kdf.n_h, hash_name)

    context_class = SenderContext if role == "S" else ReceiverContext
    return context_class(suite, mode, shared_secret, key_schedule_context, secret,
                         key, base_nonce, exporter_secret)


# --- §5.2, §5.3: contexts ---

class Context:
    """The state of §5.1 "Context<ROLE>(key, base_nonce, seq, exporter_secret)".

    The key schedule values are attributes for vector checks and traces:
    `shared_secret`, `key_schedule_context`, `secret`, `key`, `base_nonce`,
    `exporter_secret` (bytes), plus `suite`, `mode` and the read-only `seq`.
    """

    def __init__(self, suite: Suite, mode: int, shared_secret: bytes,
                 key_schedule_context: bytes, secret: bytes, key: bytes,
                 base_nonce: bytes, exporter_secret: bytes) -> None:
        self.suite = suite
        self.mode = mode
        self.shared_secret = shared_secret
        self.key_schedule_context = key_schedule_context
        self.secret = secret
        self.key = key
        self.base_nonce = base_nonce
        self.exporter_secret = exporter_secret
        self._seq = 0
        self._aead = None if suite.aead.export_only else AESGCM(key)

    @property
    def seq(self) -> int:
        """The sequence number of the next Seal/Open (§5.2)."""
        return self._seq

    @property
    def max_seq(self) -> int:
        """(1 << (8*Nn)) - 1: §5.2 IncrementSeq refuses to go past it, so it is never used."""
        return (1 << (8 * self.suite.aead.n_n)) - 1

    def _set_seq(self, seq: int) -> None:
        """Internal (tests, vector replays): start the context at sequence number `seq`."""
        seq = require_int("seq", seq)
        if not 0 <= seq <= self.max_seq:
            raise ValueError(f"seq must be in [0, {self.max_seq}]")
        self._seq = seq

    def compute_nonce(self, seq: int) -> bytes:
        """§5.2 ComputeNonce(seq) = xor(base_nonce, I2OSP(seq, Nn))."""
        seq = require_int("seq", seq)
        if not 0 <= seq <= self.max_seq:
            raise ValueError(f"seq must be in [0, {self.max_seq}], got {seq}")
        seq_bytes = i2osp(seq, self.suite.aead.n_n)
        return xor_bytes(self.base_nonce, seq_bytes)

    def _next_nonce(self) -> bytes:
        """The nonce for `seq`, after the §5.2 limit check.

        The RFC's IncrementSeq raises once seq reaches (1 << 8*Nn) - 1, after
        the Seal/Open that used it, so no result is ever released under the
        last nonce. Checking first gives the same outcome without the wasted
        AEAD call, and the nonce sequence can never wrap.
        """
        if self._aead is None:
            raise ValueError("this suite's AEAD is export-only (0xFFFF): "
                             "Seal and Open are not available, only Export")
        if self._seq >= self.max_seq:
            raise MessageLimitReachedError("HPKE context has used its last sequence number")
        return self.compute_nonce(self._seq)

    def _increment_seq(self) -> None:
        """§5.2 IncrementSeq (the limit was checked in `_next_nonce`)."""
        self._seq += 1

    def export(self, exporter_context: bytes, length: int) -> bytes:
        """§5.3 Export: LabeledExpand(exporter_secret, "sec", exporter_context, L).

        L may be 0 .. 255*Nh; anything else raises ValueError.
        """
        exporter_context = require_bytes("exporter_context", exporter_context)
        length = require_int("length", length)
        limit = 255 * self.suite.kdf.n_h
        if not 0 <= length <= limit:
            raise ValueError(f"export length must be in [0, {limit}] (255*Nh), got {length}")
        return labeled_expand(self.suite.suite_id, self.exporter_secret, b"sec",
                              exporter_context, length, self.suite.kdf.hash_name)

    def key_schedule_values(self) -> dict:
        """The §5.1 values by their RFC names (for traces)."""
        return {"mode": self.mode, "shared_secret": self.shared_secret,
                "key_schedule_context": self.key_schedule_context, "secret": self.secret,
                "key": self.key, "base_nonce": self.base_nonce,
                "exporter_secret": self.exporter_secret, "seq": self._seq}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.suite} mode={self.mode} seq={self._seq}>"


class SenderContext(Context):
    """§5.2 ContextS: Seal and Export."""

    def seal(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        """§5.2 ContextS.Seal(aad, pt): ciphertext || tag, then IncrementSeq."""
        plaintext = require_bytes("plaintext", plaintext)
        aad = require_bytes("aad", aad)
        nonce = self._next_nonce()
        ct = self._aead.encrypt(nonce, plaintext, aad)
        self._increment_seq()
        return ct


class ReceiverContext(Context):
    """§5.2 ContextR: Open and Export."""

    def open(self, ciphertext: bytes, aad: bytes = b"") -> bytes:
        """§5.2 ContextR.Open(aad, ct): plaintext, or InvalidTag with seq unchanged."""
        ciphertext = require_bytes("ciphertext", ciphertext)
        aad = require_bytes("aad", aad)
        nonce = self._next_nonce()
        pt = self._aead.decrypt(nonce, ciphertext, aad)   # raises InvalidTag; seq not advanced
        self._increment_seq()
        return pt


# --- §5.1.1 - §5.1.4: the setup functions ---

def _require_suite(suite: object) -> Suite:
    if not isinstance(suite, Suite):
        raise TypeError(f"suite must be a refkx.hpke.Suite, not {type(suite).__name__}")
    return suite


def _sender(mode: int, pk_r, info, suite, psk, psk_id, sk_s, ikm_e):
    suite = _require_suite(suite)
    info = require_bytes("info", info)
    psk = require_bytes("psk", psk)
    psk_id = require_bytes("psk_id", psk_id)
    verify_psk_inputs(mode, psk, psk_id)          # fail before any public-key work
    if ikm_e is not None:
        ikm_e = require_bytes("ikm_e", ikm_e)
    if sk_s is None:
        shared_secret, enc = suite.kem.encap(pk_r, ikm_e)
    else:
        shared_secret, enc = suite.kem.auth_encap(pk_r, sk_s, ikm_e)
    return enc, key_schedule("S", mode, shared_secret, info, psk, psk_id, suite)


def _receiver(mode: int, enc, sk_r, info, suite, psk, psk_id, pk_s):
    suite = _require_suite(suite)
    info = require_bytes("info", info)
    psk = require_bytes("psk", psk)
    psk_id = require_bytes("psk_id", psk_id)
    verify_psk_inputs(mode, psk, psk_id)
    if pk_s is None:
        shared_secret = suite.kem.decap(enc, sk_r)
    else:
        shared_secret = suite.kem.auth_decap(enc, sk_r, pk_s)
    return key_schedule("R", mode, shared_secret, info, psk, psk_id, suite)


def setup_base_sender(pk_r: bytes, info: bytes, suite: Suite,
                      ikm_e: Optional[bytes] = None) -> tuple[bytes, SenderContext]:
    """§5.1.1 SetupBaseS(pkR, info) -> (enc, ctx). `ikm_e` fixes skE via DeriveKeyPair."""
    return _sender(MODE_BASE, pk_r, info, suite, DEFAULT_PSK, DEFAULT_PSK_ID, None, ikm_e)


def setup_base_receiver(enc: bytes, sk_r: bytes, info: bytes, suite: Suite) -> ReceiverContext:
    """§5.1.1 SetupBaseR(enc, skR, info) -> ctx."""
    return _receiver(MODE_BASE, enc, sk_r, info, suite, DEFAULT_PSK, DEFAULT_PSK_ID, None)


def setup_psk_sender(pk_r: bytes, info: bytes, suite: Suite, psk: bytes, psk_id: bytes,
                     ikm_e: Optional[bytes] = None) -> tuple[bytes, SenderContext]:
    """§5.1.2 SetupPSKS(pkR, info, psk, psk_id) -> (enc, ctx)."""
    return _sender(MODE_PSK, pk_r, info, suite, psk, psk_id, None, ikm_e)


def setup_psk_receiver(enc: bytes, sk_r: bytes, info: bytes, suite: Suite, psk: bytes,
                       psk_id: bytes) -> ReceiverContext:
    """§5.1.2 SetupPSKR(enc, skR, info, psk, psk_id) -> ctx."""
    return _receiver(MODE_PSK, enc, sk_r, info, suite, psk, psk_id, None)


def setup_auth_sender(pk_r: bytes, info: bytes, suite: Suite, sk_s: bytes,
                      ikm_e: Optional[bytes] = None) -> tuple[bytes, SenderContext]:
    """§5.1.3 SetupAuthS(pkR, info, skS) -> (enc, ctx)."""
    return _sender(MODE_AUTH, pk_r, info, suite, DEFAULT_PSK, DEFAULT_PSK_ID,
                   _require_key("sk_s", sk_s), ikm_e)


def setup_auth_receiver(enc: bytes, sk_r: bytes, info: bytes, suite: Suite,
                        pk_s: bytes) -> ReceiverContext:
    """§5.1.3 SetupAuthR(enc, skR, info, pkS) -> ctx."""
    return _receiver(MODE_AUTH, enc, sk_r, info, suite, DEFAULT_PSK, DEFAULT_PSK_ID,
                     _require_key("pk_s", pk_s))


def setup_auth_psk_sender(pk_r: bytes, info: bytes, suite: Suite, psk: bytes, psk_id: bytes,
                          sk_s: bytes, ikm_e: Optional[bytes] = None
                          ) -> tuple[bytes, SenderContext]:
    """§5.1.4 SetupAuthPSKS(pkR, info, psk, psk_id, skS) -> (enc, ctx)."""
    return _sender(MODE_AUTH_PSK, pk_r, info, suite, psk, psk_id,
                   _require_key("sk_s", sk_s), ikm_e)


def setup_auth_psk_receiver(enc: bytes, sk_r: bytes, info: bytes, suite: Suite, psk: bytes,
                            psk_id: bytes, pk_s: bytes) -> ReceiverContext:
    """§5.1.4 SetupAuthPSKR(enc, skR, info, psk, psk_id, pkS) -> ctx."""
    return _receiver(MODE_AUTH_PSK, enc, sk_r, info, suite, psk, psk_id,
                     _require_key("pk_s", pk_s))


def _require_key(name: str, value: object) -> bytes:
    """The auth modes need the sender's key; None (or a str) is a TypeError, not "no key"."""
    return require_bytes(name, value)


# --- intermediates, for `python -m refkx trace` and readers ---

def trace_base_setup(ikm_r: bytes, ikm_e: bytes, info: bytes,
                     suite: Suite) -> list[tuple[str, bytes]]:
    """Every intermediate of a base-mode setup, in RFC 9180 order and names.

    The recipient and ephemeral keys come from DeriveKeyPair(ikm_r) and
    DeriveKeyPair(ikm_e), so RFC 9180 Appendix A.1.1 (ikmR, ikmE, info of the
    vector) reproduces exactly. The steps are recomputed one by one with the
    module's own functions and then checked against setup_base_sender /
    setup_base_receiver, so the trace cannot drift from the code it explains.
    """
    suite = _require_suite(suite)
    kem, kdf = suite.kem, suite.kdf
    sk_r, pk_r = kem.derive_key_pair(ikm_r)
    sk_e, pk_e = kem.derive_key_pair(ikm_e)
    dh = kem.dh(sk_e, pk_r)
    enc = pk_e
    kem_context = enc + pk_r
    eae_prk = labeled_extract(kem.suite_id, b"", b"eae_prk", dh, kem.hash_name)
    shared_secret = kem.extract_and_expand(dh, kem_context)
    psk_id_hash = labeled_extract(suite.suite_id, b"", b"psk_id_hash", DEFAULT_PSK_ID,
                                  kdf.hash_name)
    info_hash = labeled_extract(suite.suite_id, b"", b"info_hash", require_bytes("info", info),
                                kdf.hash_name)
    enc_check, sender = setup_base_sender(pk_r, info, suite, ikm_e)
    receiver = setup_base_receiver(enc, sk_r, info, suite)
    assert enc_check == enc and sender.shared_secret == receiver.shared_secret == shared_secret
    assert sender.key_schedule_context == bytes([MODE_BASE]) + psk_id_hash + info_hash
    return [
        ("suite", suite.suite_id), ("kem suite_id", kem.suite_id),
        ("skR", sk_r), ("pkR", pk_r), ("skE", sk_e), ("pkE = enc", enc),
        ("dh = DH(skE, pkR)", dh), ("kem_context = enc || pkR", kem_context),
        ("eae_prk", eae_prk), ("shared_secret", shared_secret),
        ("psk_id_hash", psk_id_hash), ("info_hash", info_hash),
        ("key_schedule_context", sender.key_schedule_context), ("secret", sender.secret),
        ("key", sender.key), ("base_nonce", sender.base_nonce),
        ("exporter_secret", sender.exporter_secret),
    ]


# --- §6: single-shot APIs ---

def seal_base(pk_r: bytes, info: bytes, aad: bytes, plaintext: bytes, suite: Suite,
              ikm_e: Optional[bytes] = None) -> tuple[bytes, bytes]:
    """§6.1 SealBase(pkR, info, aad, pt) -> (enc, ct)."""
    enc, context = setup_base_sender(pk_r, info, suite, ikm_e)
    return enc, context.seal(plaintext, aad)


def open_base(enc: bytes, sk_r: bytes, info: bytes, aad: bytes, ciphertext: bytes,
              suite: Suite) -> bytes:
    """§6.1 OpenBase(enc, skR, info, aad, ct) -> pt (InvalidTag on failure)."""
    return setup_base_receiver(enc, sk_r, info, suite).open(ciphertext, aad)
