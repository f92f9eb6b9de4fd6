"""Vectors for RSASSA-PKCS1-v1_5 signatures (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2).

* Wycheproof `rsa_signature_<bits>_<hash>_test.json` (verification: valid must
  verify, invalid must raise InvalidSignature, acceptable may do either; one
  case per file): the public key is read from the group's DER SubjectPublicKeyInfo
  by refkx.serialization, so every case also exercises the SPKI parser.
* Wycheproof `rsa_pkcs1_<bits>_sig_gen_test.json` (generation: the private key
  comes from the group's PKCS #8 DER through refkx.serialization; the scheme is
  deterministic, so the signature must equal the file's).
* NIST CAVP SigGen15_186-2.txt (250 signatures; n, e, d given, p and q
  recovered) and SigVer15_186-3.rsp (450 verifications, P or F).
* RSA Laboratories pkcs1v15sign-vectors.txt (15 keys x 20 SHA-1 signatures).
"""

from __future__ import annotations

import json
from functools import lru_cache

from ..errors import InvalidSignature
from ..rsa import PKCS1v15, RSAPrivateKey, RSAPublicKey
from ..serialization import load_der_private_key, load_der_public_key
from . import Case, VECTORS_DIR, vector_path
from .parsers import (cavp_siggen_records, hash_name_from_label, parse_key_value_blocks,
                      read_bytes, unhex)
from .rsa import rsalabs_keys

AREA = "rsa_sig"
SRC_WYCHEPROOF_VERIFY = "Wycheproof RSASSA-PKCS1-v1_5 verification (rsa_signature_*)"
SRC_WYCHEPROOF_GEN = "Wycheproof RSASSA-PKCS1-v1_5 generation (rsa_pkcs1_*_sig_gen)"
SRC_SIGGEN = "NIST CAVP FIPS 186-2 SigGen PKCS #1 v1.5 (SigGen15_186-2.txt)"
SRC_SIGVER = "NIST CAVP FIPS 186-3 SigVer PKCS #1 v1.5 (SigVer15_186-3.rsp)"
SRC_RSALABS = "RSA Labs PKCS #1 v1.5 signatures (pkcs1v15sign-vectors.txt)"


def _hash_name(label: str) -> str:
    """hashlib name of a Wycheproof "sha" label: "SHA-256" -> "sha256", "SHA3-256" -> "sha3_256"."""
    if label.upper().startswith("SHA3-"):
        return "sha3_" + label[5:]
    return hash_name_from_label(label)


def _json(name: str) -> dict:
    return json.loads(read_bytes(vector_path(AREA, name)))


@lru_cache(maxsize=None)
def _public_key(der_hex: str) -> RSAPublicKey:
    return load_der_public_key(bytes.fromhex(der_hex))


@lru_cache(maxsize=None)
def _private_key_der(der_hex: str) -> RSAPrivateKey:
    return load_der_private_key(bytes.fromhex(der_hex))


@lru_cache(maxsize=None)
def _private_key(n: int, e: int, d: int) -> RSAPrivateKey:
    return RSAPrivateKey.from_private_exponent(n, e, d)


def _wycheproof_verify_cases():
    """One case per file (each runs every tcId and names the failing ones): a few
    thousand one-millisecond checks cost less as 15 cases than as 3,600."""
    for path in sorted((VECTORS_DIR / AREA).glob("rsa_signature_*_test.json.gz")):
        name = path.name.removesuffix("_test.json.gz")

        def run(file_name=path.name, name=name):
            failures = []
            data = _json(file_name)
            for group in data["testGroups"]:
                hash_name = _hash_name(group["sha"])
                key = _public_key(group["publicKeyDer"])
                for test in group["tests"]:
                    msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
                    try:
                        key.verify(sig, msg, PKCS1v15(hash_name))
                        verified = True
                    except InvalidSignature:
                        verified = False
                    if test["result"] == "valid" and not verified:
                        failures.append(f"tc{test['tcId']} (valid) refused")
                    elif test["result"] == "invalid" and verified:
                        failures.append(f"tc{test['tcId']} (invalid: {', '.join(test['flags'])}) "
                                        "verified")
            count = sum(len(group["tests"]) for group in data["testGroups"])
            assert count == data["numberOfTests"], f"wycheproof-{name}: {count} tests read"
            assert not failures, f"wycheproof-{name}: " + "; ".join(failures)
        yield Case(SRC_WYCHEPROOF_VERIFY, f"wycheproof-{name}-all", run)


def _wycheproof_gen_cases():
    for path in sorted((VECTORS_DIR / AREA).glob("rsa_pkcs1_*_sig_gen_test.json.gz")):
        name = path.name.removesuffix("_test.json.gz")
        for group in _json(path.name)["testGroups"]:
            hash_name = _hash_name(group["sha"])
            pkcs8 = group["privateKeyPkcs8"]
            for test in group["tests"]:
                case_id = f"wycheproof-{name}-tc{test['tcId']}"

                def run(pkcs8=pkcs8, test=test, hash_name=hash_name, case_id=case_id):
                    key = _private_key_der(pkcs8)
                    msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
                    got = key.sign(msg, PKCS1v15(hash_name))
                    assert got == sig, f"{case_id}: signature {got.hex()}"
                    key.public_key().verify(sig, msg, PKCS1v15(hash_name))
                yield Case(SRC_WYCHEPROOF_GEN, case_id, run)


def _siggen_cases():
    for count, rec, n, e, d in cavp_siggen_records(vector_path(AREA, "SigGen15_186-2.txt.gz")):
        hash_name = hash_name_from_label(rec["SHAAlg"])
        msg, sig = unhex(rec["Msg"]), unhex(rec["S"])
        case_id = f"cavp-SigGen15-{rec['mod']}-{rec['SHAAlg']}-count{count}"

        def run(n=n, e=e, d=d, msg=msg, sig=sig, hash_name=hash_name, case_id=case_id):
            key = _private_key(n, e, d)
            got = key.sign(msg, PKCS1v15(hash_name))
            assert got == sig, f"{case_id}: signature {got.hex()}"
            key.public_key().verify(sig, msg, PKCS1v15(hash_name))
        yield Case(SRC_SIGGEN, case_id, run)


def _sigver_cases():
    count = 0
    n = None
    for rec in parse_key_value_blocks(vector_path(AREA, "SigVer15_186-3.rsp.gz")):
        if "n" in rec:
            n = int(rec["n"], 16)
        if "S" not in rec:
            continue
        count += 1
        e = int(rec["e"], 16)
        hash_name = hash_name_from_label(rec["SHAAlg"])
        msg, sig = unhex(rec["Msg"]), unhex(rec["S"])
        expect_pass = rec["Result"].startswith("P")
        case_id = (f"cavp-SigVer15-{rec['mod']}-{rec['SHAAlg']}-count{count}-"
                   f"{'P' if expect_pass else 'F'}")

        def run(n=n, e=e, msg=msg, sig=sig, hash_name=hash_name, expect_pass=expect_pass,
                case_id=case_id):
            key = RSAPublicKey(n, e)
            try:
                key.verify(sig, msg, PKCS1v15(hash_name))
                verified = True
            except InvalidSignature:
                verified = False
            assert verified == expect_pass, f"{case_id}: verify gave {verified}"
        yield Case(SRC_SIGVER, case_id, run)


def _rsalabs_cases():
    keys = rsalabs_keys(vector_path(AREA, "pkcs1v15sign-vectors.txt.gz"),
                        ("Message to be signed", "Signature"))
    for key_index, key in enumerate(keys, start=1):
        for example_index, example in enumerate(key["examples"], start=1):
            case_id = f"rsalabs-pkcs1v15sign-{key_index}.{example_index}"

            def run(key=key, example=example, case_id=case_id):
                private_key = RSAPrivateKey(key["n"], key["e"], key["d"], key["p"], key["q"])
                msg, sig = example["Message to be signed"], example["Signature"]
                got = private_key.sign(msg, PKCS1v15("sha1"))
                assert got == sig, f"{case_id}: signature {got.hex()}"
                private_key.public_key().verify(sig, msg, PKCS1v15("sha1"))
            yield Case(SRC_RSALABS, case_id, run)


def cases():
    yield from _wycheproof_verify_cases()
    yield from _wycheproof_gen_cases()
    yield from _siggen_cases()
    yield from _sigver_cases()
    yield from _rsalabs_cases()
