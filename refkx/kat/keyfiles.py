"""Key files through refkx.serialization: pyca/cryptography's sample keys and Wycheproof
X25519/X448 key-agreement tests given as PKCS #8 / SPKI (DER and PEM).

* cryptography-vectors `asymmetric/{PKCS8, X25519, X448, MLKEM, Traditional_OpenSSL_Serialization,
  DER_Serialization, PEM_Serialization}`: every file has a declared outcome in
  `EXPECTED` below: "private" / "public" (loads, and writing it back in the
  same format gives the same DER; RSASSA-PSS keys are only loaded, since refkx
  writes rsaEncryption), "encrypted" (UnsupportedAlgorithm "encrypted private
  keys are not supported"), "unsupported-*" (a well-formed DSA or EC key:
  UnsupportedAlgorithm) or "refused-*" (malformed for the loader: DERError or
  InvalidKey).
* Wycheproof `x25519_asn`, `x25519_pem`, `x448_asn`, `x448_pem` (RFC 8410 keys):
  the private key through the PKCS #8 parser, the public key through the SPKI
  parser, then the exchange. valid: the shared secret must match; acceptable
  (twist points, low order, non-canonical u): match or a refkx error (the
  all-zero secret raises InvalidKey); invalid (malformed public key ASN.1): a
  refkx error. One case per file; for X448 the default run exchanges every 8th
  test (all keys are still parsed) and the `slow` case every test.
"""

from __future__ import annotations

import json

from .. import asn1
from ..errors import DERError, InvalidKey, RefkxError, UnsupportedAlgorithm
from ..serialization import (Encoding, PrivateFormat, PublicFormat, load_der_private_key,
                             load_der_public_key, load_pem_private_key, load_pem_public_key,
                             pem_decode)
from . import Case, vector_path
from .parsers import read_bytes

AREA = "keys"
SRC_CV = "pyca/cryptography key files (cryptography-vectors asymmetric/)"
SRC_WYCHEPROOF = "Wycheproof XDH with ASN.1 / PEM keys (x25519_asn, x25519_pem, x448_*)"

_ENCRYPTED = "encrypted"
EXPECTED = {
    "PKCS8": {
        "bad-encryption-oid.pem": _ENCRYPTED, "bad-oid-dsa-key.pem": "unsupported-private",
        "ec-consistent-curve.pem": "unsupported-private",
        "ec-inconsistent-curve.pem": "unsupported-private",
        "ec-inconsistent-curve2.pem": "unsupported-private",
        "ec-invalid-private-scalar.pem": "unsupported-private",
        "ec-invalid-version.pem": "unsupported-private",
        "ec_oid_not_in_reg_private_2.pkcs8.pem": "unsupported-private",
        "ec_private_key.pem": "unsupported-private", "ec_private_key_encrypted.pem": _ENCRYPTED,
        "ecc_private_with_rfc5915_ext.pem": "unsupported-private",
        "ed25519-scrypt.pem": _ENCRYPTED, "enc-ec-sha1-128-rc4.pem": _ENCRYPTED,
        "enc-rsa-3des.pem": _ENCRYPTED, "enc-rsa-pkcs8-pbkdf2-0iter.pem": _ENCRYPTED,
        "enc-rsa-pkcs8.pem": _ENCRYPTED, "enc-unknown-algorithm.pem": _ENCRYPTED,
        "enc-unknown-kdf.pem": _ENCRYPTED, "enc-unknown-pbkdf2-prf.pem": _ENCRYPTED,
        "enc2-rsa-pkcs8.pem": _ENCRYPTED, "invalid-version.der": "unsupported-private",
        "nodompar_private.pkcs8.pem": "unsupported-private",
        **{f"pkcs12_s2k_pem-X_{n}.pem": _ENCRYPTED
           for n in (9607, 9671, 9925, 9926, 9927, 9928, 9929, 9930, 9931, 9932)},
        "private.pem": "unsupported-private", "rsa-40bitrc2.pem": _ENCRYPTED,
        "rsa-aes-192-cbc.pem": _ENCRYPTED, "rsa-pbe-3des-long-salt.pem": _ENCRYPTED,
        "rsa-pbewithmd5anddescbc.pem": _ENCRYPTED,
        "rsa-rc2-cbc-effective-key-length.pem": _ENCRYPTED, "rsa-rc2-cbc.pem": _ENCRYPTED,
        "rsa_pkcs8_pbes2_pbkdf2_2048_3des_sha224.pem": _ENCRYPTED,
        "rsa_pkcs8_pbes2_pbkdf2_2048_3des_sha384.pem": _ENCRYPTED,
        "rsa_pkcs8_pbes2_pbkdf2_2048_3des_sha512.pem": _ENCRYPTED,
        "rsa_pss_2048.pem": "private-pss", "rsa_pss_2048_hash.pem": "private-pss",
        "rsa_pss_2048_hash_mask.pem": "private-pss",
        "rsa_pss_2048_hash_mask_diff.pem": "private-pss",
        "rsa_pss_2048_hash_mask_salt.pem": "private-pss", "rsa_pss_2048_pub.der": "public-pss",
        "unenc-dsa-pkcs8.pem": "unsupported-private",
        "unenc-dsa-pkcs8.pub.pem": "unsupported-public",
        "unenc-rsa-pkcs8.pem": "private", "unenc-rsa-pkcs8.pub.pem": "public",
        "unknown-oid.der": "unsupported-private",
        "withdompar_private.pkcs8.pem": "unsupported-private",
        "wrong-pem-delimiter-rsa.pem": "refused-private",   # PKCS #8 inside "RSA PRIVATE KEY"
    },
    "X25519": {"x25519-pkcs8-enc.der": _ENCRYPTED, "x25519-pkcs8-enc.pem": _ENCRYPTED,
               "x25519-pkcs8.der": "private", "x25519-pkcs8.pem": "private",
               "x25519-pub.der": "public", "x25519-pub.pem": "public"},
    "X448": {"x448-pkcs8-enc.der": _ENCRYPTED, "x448-pkcs8-enc.pem": _ENCRYPTED,
             "x448-pkcs8.der": "private", "x448-pkcs8.pem": "private",
             "x448-pub.der": "public", "x448-pub.pem": "public"},
    "MLKEM": {"mlkem768.der": "private", "mlkem768.pem": "private"},   # the seed form
    "Traditional_OpenSSL_Serialization": {
        "dsa-wrong-version.pem": "unsupported-private", "dsa.1024.pem": "unsupported-private",
        "dsa.2048.pem": "unsupported-private", "dsa.3072.pem": "unsupported-private",
        "key1-malformed-dek-info.pem": _ENCRYPTED, "key1-malformed-iv.pem": _ENCRYPTED,
        "key1-no-dek-info.pem": _ENCRYPTED, "key1-short-iv.pem": _ENCRYPTED,
        "key1.pem": _ENCRYPTED, "key2.pem": _ENCRYPTED, "testrsa-encrypted.pem": _ENCRYPTED,
        "rsa-wrong-version.pem": "refused-private", "testrsa.pem": "private",
    },
    "DER_Serialization": {
        "dsa.1024.der": "refused-private", "dsa.2048.der": "refused-private",   # DSA, no OID
        "dsa.3072.der": "refused-private",
        "dsa_public_key.der": "unsupported-public",
        "dsa_public_key_invalid_bit_string.der": "refused-public",
        "dsa_public_key_no_params.der": "unsupported-public",
        "ec_private_key.der": "refused-private",                                # SEC 1, no OID
        "ec_private_key_encrypted.der": _ENCRYPTED, "ec_public_key.der": "unsupported-public",
        "enc-rsa-pkcs8.der": _ENCRYPTED, "enc2-rsa-pkcs8.der": _ENCRYPTED,
        "rsa_public_key.der": "public", "testrsa.der": "private",
        "unenc-dsa-pkcs8.der": "unsupported-private",
        "unenc-dsa-pkcs8.pub.der": "unsupported-public",
        "unenc-rsa-pkcs8.der": "private", "unenc-rsa-pkcs8.pub.der": "public",
    },
    "PEM_Serialization": {
        "dsa_4096.pem": "unsupported-private", "dsa_private_key.pem": "unsupported-private",
        "dsa_public_key.pem": "unsupported-public", "dsaparam.pem": "refused-private",
        "ec_private_key.pem": "unsupported-private", "ec_private_key_encrypted.pem": _ENCRYPTED,
        "ec_public_key.pem": "unsupported-public",
        "ec_public_key_rsa_delimiter.pem": "refused-public",
        "rsa-bad-1025-q-is-2.pem": "refused-private",          # q = 2: InvalidKey
        "rsa_private_key.pem": _ENCRYPTED, "rsa_public_key.pem": "public",
        "rsa_wrong_delimiter_public_key.pem": "refused-public",
    },
}


def _is_pem(data: bytes) -> bool:
    return b"-----BEGIN" in data


def _load(data: bytes, private: bool):
    if private:
        return (load_pem_private_key if _is_pem(data) else load_der_private_key)(data)
    return (load_pem_public_key if _is_pem(data) else load_der_public_key)(data)


def _der_and_format(data: bytes, private: bool):
    """The file's DER and the format it is in (for writing the key back)."""
    if _is_pem(data):
        labels = (("PRIVATE KEY", "RSA PRIVATE KEY") if private
                  else ("PUBLIC KEY", "RSA PUBLIC KEY"))
        label, der = pem_decode(data, labels)
        pkcs1 = label.startswith("RSA")
    else:
        der = data
        pkcs1 = asn1.parse(der).children()[0].is_tag(asn1.INTEGER) and (
            not private or asn1.parse(der).children()[1].is_tag(asn1.INTEGER))
    if private:
        return der, PrivateFormat.TraditionalOpenSSL if pkcs1 else PrivateFormat.PKCS8
    return der, PublicFormat.PKCS1 if pkcs1 else PublicFormat.SubjectPublicKeyInfo


def _key_file_case(directory: str, name: str, expected: str) -> Case:
    case_id = f"cryptography-vectors-{directory}-{name}"

    def run() -> None:
        data = vector_path(AREA, "cv", directory, name).read_bytes()
        if expected in ("private", "public", "private-pss", "public-pss"):
            private = expected.startswith("private")
            key = _load(data, private)
            if expected.endswith("pss"):
                return
            der, fmt = _der_and_format(data, private)
            written = (key.private_bytes(Encoding.DER, fmt) if private
                       else key.public_bytes(Encoding.DER, fmt))
            assert written == der, f"{case_id}: written back as different DER"
            return
        private = expected == _ENCRYPTED or expected.endswith("private")
        try:
            _load(data, private)
        except UnsupportedAlgorithm as exc:
            if expected == _ENCRYPTED:
                assert "not supported" in str(exc) and "encrypted" in str(exc), \
                    f"{case_id}: {exc}"
            else:
                assert expected.startswith("unsupported"), f"{case_id}: unsupported: {exc}"
            return
        except (DERError, InvalidKey) as exc:
            assert expected.startswith("refused"), f"{case_id}: refused: {exc}"
            return
        raise AssertionError(f"{case_id}: loaded, expected {expected}")
    return Case(SRC_CV, case_id, run)


X448_SUBSET_STRIDE = 8   # pure-Python X448 takes ~20 ms an exchange: every 8th test by default


def _xdh_case(name: str, stride: int = 1, slow: bool = False) -> Case:
    """Every test's keys are parsed; the exchange runs for every `stride`-th test
    (and for every test whose keys parse although the result is "invalid")."""
    case_id = f"wycheproof-{name}" + ("-all" if stride == 1 else f"-every{stride}th")

    def run() -> None:
        data = json.loads(read_bytes(vector_path(AREA, "wycheproof", f"{name}_test.json.gz")))
        pem = "_pem" in name
        failures = []
        count = 0
        for group in data["testGroups"]:
            for test in group["tests"]:
                count += 1
                private_data = test["private"].encode() if pem else bytes.fromhex(test["private"])
                public_data = test["public"].encode() if pem else bytes.fromhex(test["public"])
                try:
                    private_key = _load(private_data, True)
                    public_key = _load(public_data, False)
                    if type(public_key) is not type(private_key)._public_key_class:
                        raise UnsupportedAlgorithm("public key of another curve")
                    if test["tcId"] % stride and test["result"] != "invalid":
                        continue
                    shared = private_key.exchange(public_key)
                except RefkxError as exc:
                    if test["result"] == "valid":
                        failures.append(f"tc{test['tcId']} (valid) raised {exc!r}")
                    continue
                if test["result"] == "invalid":
                    failures.append(f"tc{test['tcId']} (invalid: {test['flags']}) was accepted")
                elif shared.hex() != test["shared"]:
                    failures.append(f"tc{test['tcId']}: shared secret {shared.hex()}")
        assert count == data["numberOfTests"], f"{case_id}: {count} tests read"
        assert not failures, f"{case_id}: " + "; ".join(failures[:5])
    return Case(SRC_WYCHEPROOF, case_id, run, slow=slow)


def cases():
    for directory, files in EXPECTED.items():
        for name, expected in sorted(files.items()):
            yield _key_file_case(directory, name, expected)
    for name in ("x25519_asn", "x25519_pem"):
        yield _xdh_case(name)
    for name in ("x448_asn", "x448_pem"):
        yield _xdh_case(name, X448_SUBSET_STRIDE)
        yield _xdh_case(name, slow=True)
