"""Project Wycheproof vectors (C2SP/wycheproof, "testvectors_v1" JSON) for what refkx implements.

Wycheproof is the adversarial vector set: next to ordinary known answers it holds
ciphertexts with broken padding, tags with one bit flipped, low-order and
non-canonical public keys, counters that wrap. Each test has a `result`:

* "valid": the operation must succeed and give the stated output;
* "invalid": it must fail (here: raise the documented refkx exception);
* "acceptable": either is allowed ("the library may reject it"), but if it
  succeeds the output must be right, and if it fails it must fail for the
  reason the flags give (e.g. an all-zero X25519 shared secret).

Files (vectors/wycheproof/*.json.gz, gzipped, otherwise unchanged; provenance in
vectors/SOURCES.md), by the `type` of their test groups:

  XdhComp            x25519_test, x448_test                   RFC 7748 §5, §6
  AeadTest           aes_gcm_test                             SP 800-38D §7
  HkdfTest           hkdf_sha{1,256,384,512}_test             RFC 5869 §2
  RsaesOaepDecrypt   rsa_oaep_*_test                          RFC 8017 §7.1.2
  RsaesPkcs1Decrypt  rsa_pkcs1_{2048,3072,4096}_test          RFC 8017 §7.2.2
  RsassaPssVerify    rsa_pss_*_test (the *_params_test files  RFC 8017 §8.1.2
                     carry the same keys with RSASSA-PSS parameters in the SPKI;
                     refkx takes n and e, so the parameters are not read)

The PKCS #1 v1.5 decryption files expect explicit rejection ("invalid" for a bad
padding), which is refkx's default; each of their cases is also run with
`PKCS1v15(implicit_rejection=True)`, under which a valid ciphertext must still
give its message and a bad padding must give a deterministic synthetic message
instead of an exception (a bad length or c >= n still raises).

Decryption tests with keys above SLOW_KEY_BITS (the 8192-bit keys of rsa_oaep_misc)
are marked slow: `vectors --slow` and `pytest --slow` run them.

A case id names the file and the tcId: `wycheproof-x25519_test-tc33`. Its source
is the file (`Wycheproof x25519_test.json`), so `python -m refkx vectors` prints
one result line per file. Tests refkx cannot run (an unsupported hash, mask
generation function or tag size) are not silently dropped: `skipped()` lists
each with its reason.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from typing import Callable, Iterator

from .. import hkdf as hkdf_module
from .. import pkcs1
from .. import x448 as x448_module
from .. import x25519 as x25519_module
from ..errors import DecryptionError, InvalidKey, InvalidSignature, InvalidTag
from ..gcm import AESGCM, TAG_SIZE
from ..rsa import OAEP, PSS, PKCS1v15, RSAPrivateKey, RSAPublicKey
from . import Case, VECTORS_DIR, vector_path
from .parsers import hash_name_from_label, unhex

DIRECTORY = "wycheproof"
VALID, INVALID, ACCEPTABLE = "valid", "invalid", "acceptable"
RESULTS = (VALID, INVALID, ACCEPTABLE)
SLOW_KEY_BITS = 4096  # decryption tests with larger keys are marked slow (about 1 s each here)

# Skipped tests of the last cases() call: (file, tcId, reason).
_skipped: list[tuple[str, int, str]] = []


def files() -> list[str]:
    """The vendored Wycheproof files, sorted (names without .gz)."""
    return sorted(path.name[:-len(".gz")] for path in (VECTORS_DIR / DIRECTORY).glob("*.json.gz"))


def load(name: str) -> dict:
    """The parsed JSON of one vendored file, e.g. load("x25519_test.json")."""
    with gzip.open(vector_path(DIRECTORY, name + ".gz"), "rt", encoding="utf-8") as f:
        return json.load(f)


def skipped() -> list[tuple[str, int, str]]:
    """(file, tcId, reason) of every test the last cases() could not run."""
    return list(_skipped)


def skipped_reasons() -> Counter:
    """How many tests were skipped for each reason."""
    return Counter(reason for _, _, reason in _skipped)


def _expect_failure(case_id: str, errors: tuple[type, ...], action: Callable[[], object]) -> BaseException:
    """Run `action`; it must raise one of `errors` (returned). Anything else is a failure."""
    try:
        out = action()
    except errors as exc:
        return exc
    raise AssertionError(f"{case_id}: expected {'/'.join(e.__name__ for e in errors)}, "
                         f"got a result {out!r:.80}")


def _hash_or_none(label: str) -> str | None:
    """hashlib name for a Wycheproof hash label ("SHA-512/224" -> "sha512_224"), None if unusable."""
    name = hash_name_from_label(label)
    if name.startswith("shake") or name not in hashlib.algorithms_available:
        return None
    return name


# --- XdhComp: X25519, X448 (RFC 7748) ---------------------------------------------------

_CURVES = {
    "curve25519": (x25519_module, x25519_module.x25519, x25519_module.X25519PrivateKey,
                   x25519_module.X25519PublicKey),
    "curve448": (x448_module, x448_module.x448, x448_module.X448PrivateKey,
                 x448_module.X448PublicKey),
}


def _xdh_case(source: str, case_id: str, group: dict, test: dict) -> Case:
    module, function, private_cls, public_cls = _CURVES[group["curve"]]
    k, u, shared = unhex(test["private"]), unhex(test["public"]), unhex(test["shared"])
    result = test["result"]
    zero = bytes(module.KEY_SIZE)

    def run() -> None:
        if result == INVALID:
            # The only invalid XdhComp tests are public keys of the wrong length.
            _expect_failure(case_id, (InvalidKey,), lambda: public_cls.from_public_bytes(u))
            _expect_failure(case_id, (ValueError,), lambda: function(k, u))
            return
        # The RFC 7748 §5 function is defined for every u: it must give `shared` ...
        got = function(k, u)
        assert got == shared, f"{case_id}: X({k.hex()}, u) = {got.hex()} != {shared.hex()}"
        # ... and the key class either agrees or refuses an all-zero secret (§6.1, §6.2).
        private_key = private_cls.from_private_bytes(k)
        try:
            agreed = private_key.exchange(public_cls.from_public_bytes(u))
        except InvalidKey:
            assert result == ACCEPTABLE and shared == zero, \
                f"{case_id}: exchange refused a {result} public key with a non-zero secret"
            return
        assert agreed == shared, f"{case_id}: exchange() = {agreed.hex()} != {shared.hex()}"

    return Case(source, case_id, run)


# --- AeadTest: AES-GCM (SP 800-38D) -------------------------------------------------------

def _aead_case(source: str, case_id: str, group: dict, test: dict) -> Case:
    key, iv, aad = unhex(test["key"]), unhex(test["iv"]), unhex(test["aad"])
    msg, ct, tag = unhex(test["msg"]), unhex(test["ct"]), unhex(test["tag"])
    result = test["result"]

    def run() -> None:
        aead = AESGCM(key)
        if not iv:
            # SP 800-38D §5.2.1.1: len(IV) >= 1; refkx refuses the empty IV as caller misuse.
            assert result != VALID, f"{case_id}: a valid test with an empty IV"
            _expect_failure(case_id, (ValueError,), lambda: aead.encrypt(iv, msg, aad))
            _expect_failure(case_id, (ValueError,), lambda: aead.decrypt(iv, ct + tag, aad))
            return
        if result == INVALID:
            _expect_failure(case_id, (InvalidTag,), lambda: aead.decrypt(iv, ct + tag, aad))
            return
        sealed = aead.encrypt(iv, msg, aad)
        assert sealed == ct + tag, f"{case_id}: encrypt() = {sealed.hex()} != {(ct + tag).hex()}"
        opened = aead.decrypt(iv, ct + tag, aad)
        assert opened == msg, f"{case_id}: decrypt() = {opened.hex()} != {msg.hex()}"

    return Case(source, case_id, run)


def _aead_unsupported(group: dict, test: dict) -> str | None:
    if group["tagSize"] != 8 * TAG_SIZE:
        return f"tag of {group['tagSize']} bits (refkx: 128 only)"
    return None


# --- HkdfTest: HKDF (RFC 5869) ------------------------------------------------------------

def _hkdf_hash(source_file: str) -> str:
    # The hash is in the file's name: hkdf_sha256_test.json -> sha256.
    return source_file.split("_")[1]


def _hkdf_case(source: str, case_id: str, group: dict, test: dict, hash_name: str) -> Case:
    ikm, salt, info = unhex(test["ikm"]), unhex(test["salt"]), unhex(test["info"])
    size, okm = test["size"], unhex(test["okm"])
    result = test["result"]

    def run() -> None:
        if result == INVALID:
            # The invalid tests ask for more than 255 * HashLen octets (RFC 5869 §2.3).
            _expect_failure(case_id, (ValueError,),
                            lambda: hkdf_module.hkdf(ikm, size, salt, info, hash_name))
            return
        got = hkdf_module.hkdf(ikm, size, salt, info, hash_name)
        assert got == okm, f"{case_id}: OKM {got.hex()} != {okm.hex()}"

    return Case(source, case_id, run)


# --- RSA keys from a test group ---------------------------------------------------------

def _private_key(group: dict) -> RSAPrivateKey:
    numbers = group["privateKey"]
    n, e, d = (int(numbers[name], 16) for name in ("modulus", "publicExponent", "privateExponent"))
    p, q = int(numbers["prime1"], 16), int(numbers["prime2"], 16)
    return RSAPrivateKey(n, e, d, p, q)


def _public_key(group: dict) -> RSAPublicKey:
    numbers = group["publicKey"]
    return RSAPublicKey(int(numbers["modulus"], 16), int(numbers["publicExponent"], 16))


class _KeyCache:
    """Build each group's key once, when its first case runs (keys check themselves)."""

    def __init__(self, build: Callable[[dict], object], group: dict) -> None:
        self._build, self._group, self._key = build, group, None

    def __call__(self):
        if self._key is None:
            self._key = self._build(self._group)
        return self._key


def _is_slow(group: dict) -> bool:
    """Decryption with a key above SLOW_KEY_BITS (rsa_oaep_misc has 8192-bit keys) is slow."""
    return group["keySize"] > SLOW_KEY_BITS


def _rsa_unsupported(group: dict, test: dict) -> str | None:
    for field in ("sha", "mgfSha"):
        if field in group and _hash_or_none(group[field]) is None:
            return f"hash {group[field]} not in hashlib (or an XOF)"
    if group.get("mgf", "MGF1") != "MGF1":
        return f"mask generation function {group['mgf']} (refkx: MGF1 only)"
    return None


# --- RsaesOaepDecrypt (RFC 8017 §7.1.2) --------------------------------------------------

def _oaep_case(source: str, case_id: str, group: dict, test: dict, key: _KeyCache) -> Case:
    padding = OAEP(_hash_or_none(group["sha"]), _hash_or_none(group["mgfSha"]),
                   unhex(test["label"]))
    ct, msg, result = unhex(test["ct"]), unhex(test["msg"]), test["result"]

    def run() -> None:
        private_key = key()
        if result == INVALID:
            exc = _expect_failure(case_id, (DecryptionError,),
                                  lambda: private_key.decrypt(ct, padding))
            # One message for every cause (RFC 8017 §7.1.2 note, Manger's attack).
            assert str(exc) == pkcs1.DECRYPTION_ERROR, f"{case_id}: message {str(exc)!r}"
            return
        try:
            got = private_key.decrypt(ct, padding)
        except DecryptionError:
            assert result == ACCEPTABLE, f"{case_id}: a valid ciphertext was refused"
            return
        assert got == msg, f"{case_id}: decrypt() = {got.hex()} != {msg.hex()}"

    return Case(source, case_id, run, slow=_is_slow(group))


# --- RsaesPkcs1Decrypt (RFC 8017 §7.2.2, and implicit rejection) ------------------------

_EXPLICIT = PKCS1v15()
_IMPLICIT = PKCS1v15(implicit_rejection=True)


def _pkcs1_case(source: str, case_id: str, group: dict, test: dict, key: _KeyCache) -> Case:
    ct, msg, result = unhex(test["ct"]), unhex(test["msg"]), test["result"]
    flags = set(test["flags"])

    def run() -> None:
        private_key = key()
        k = (private_key.n.bit_length() + 7) // 8
        if result == INVALID:
            exc = _expect_failure(case_id, (DecryptionError,),
                                  lambda: private_key.decrypt(ct, _EXPLICIT))
            assert str(exc) == pkcs1.DECRYPTION_ERROR, f"{case_id}: message {str(exc)!r}"
            if len(ct) != k or int.from_bytes(ct, "big") >= private_key.n:
                # A malformed ciphertext (public values) is still refused under implicit rejection.
                _expect_failure(case_id, (DecryptionError,),
                                lambda: private_key.decrypt(ct, _IMPLICIT))
                return
            assert "InvalidPkcs1Padding" in flags, f"{case_id}: unexpected flags {sorted(flags)}"
            synthetic = private_key.decrypt(ct, _IMPLICIT)
            # Deterministic: a function of d and C only, the same for every decryption of C.
            assert synthetic == pkcs1.implicit_rejection_message(private_key, ct), \
                f"{case_id}: the synthetic message is not the one derived from d and C"
            assert len(synthetic) <= k - pkcs1.PKCS1_V1_5_OVERHEAD, \
                f"{case_id}: synthetic message of {len(synthetic)} octets"
            return
        for padding in (_EXPLICIT, _IMPLICIT):
            got = private_key.decrypt(ct, padding)
            assert got == msg, f"{case_id}: decrypt({padding!r}) = {got.hex()} != {msg.hex()}"

    return Case(source, case_id, run, slow=_is_slow(group))


# --- RsassaPssVerify (RFC 8017 §8.1.2) ---------------------------------------------------

def _pss_case(source: str, case_id: str, group: dict, test: dict, key: _KeyCache) -> Case:
    padding = PSS(_hash_or_none(group["sha"]), group["sLen"], _hash_or_none(group["mgfSha"]))
    msg, sig, result = unhex(test["msg"]), unhex(test["sig"]), test["result"]

    def run() -> None:
        public_key = key()
        if result == INVALID:
            _expect_failure(case_id, (InvalidSignature,),
                            lambda: public_key.verify(sig, msg, padding))
            return
        try:
            public_key.verify(sig, msg, padding)
        except InvalidSignature:
            assert result == ACCEPTABLE, f"{case_id}: a valid signature was refused"

    return Case(source, case_id, run)


# --- dispatch by test-group type -----------------------------------------------------------

# The test-group types this module runs, with the document each checks.
GROUP_TYPES = {
    "XdhComp": "RFC 7748 §5-6",
    "AeadTest": "SP 800-38D §7",
    "HkdfTest": "RFC 5869 §2",
    "RsaesOaepDecrypt": "RFC 8017 §7.1.2",
    "RsaesPkcs1Decrypt": "RFC 8017 §7.2.2",
    "RsassaPssVerify": "RFC 8017 §8.1.2",
    "RsassaPssWithParametersVerify": "RFC 8017 §8.1.2",
}


def _file_cases(name: str) -> Iterator[Case]:
    data = load(name)
    stem = name[:-len(".json")]
    source = f"Wycheproof {name}"
    for group in data["testGroups"]:
        kind = group["type"]
        if kind not in GROUP_TYPES:
            for test in group["tests"]:
                _skipped.append((name, test["tcId"], f"test group type {kind}"))
            continue
        key = None
        if kind in ("RsaesOaepDecrypt", "RsaesPkcs1Decrypt"):
            key = _KeyCache(_private_key, group)
        elif kind.startswith("RsassaPss"):
            key = _KeyCache(_public_key, group)
        for test in group["tests"]:
            if test["result"] not in RESULTS:
                raise ValueError(f"{name} tc{test['tcId']}: unknown result {test['result']!r}")
            case_id = f"wycheproof-{stem}-tc{test['tcId']}"
            reason = None
            if kind == "AeadTest":
                reason = _aead_unsupported(group, test)
            elif kind.startswith("Rsa"):
                reason = _rsa_unsupported(group, test)
            if reason:
                _skipped.append((name, test["tcId"], reason))
                continue
            if kind == "XdhComp":
                yield _xdh_case(source, case_id, group, test)
            elif kind == "AeadTest":
                yield _aead_case(source, case_id, group, test)
            elif kind == "HkdfTest":
                yield _hkdf_case(source, case_id, group, test, _hkdf_hash(name))
            elif kind == "RsaesOaepDecrypt":
                yield _oaep_case(source, case_id, group, test, key)
            elif kind == "RsaesPkcs1Decrypt":
                yield _pkcs1_case(source, case_id, group, test, key)
            else:
                yield _pss_case(source, case_id, group, test, key)


def cases() -> Iterator[Case]:
    _skipped.clear()
    for name in files():
        yield from _file_cases(name)
