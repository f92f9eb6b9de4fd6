"""Vectors for RSA (RFC 8017 / PKCS #1) and RSA key arithmetic (FIPS 186).

* RSA Laboratories PKCS #1 v2.1 draft 2 vectors: oaep-vect.txt (60 OAEP
  encryptions with given seeds, SHA-1), pss-vect.txt (60 PSS signatures with
  given salts, SHA-1), oaep-int.txt / pss-int.txt (intermediate values, checked
  through the trace hooks), and pkcs1v15crypt-vectors.txt (300 PKCS #1 v1.5
  encryptions; each "Seed" is the padding string PS itself, k - mLen - 3
  nonzero octets).
* NIST CAVP: SigVerPSS_186-3.rsp (450 verifications, P or F), SigGenPSS_186-2.txt
  (250 signatures; the file gives n, e, d but not p, q, which we recover with
  refkx.rsa.recover_prime_factors), KeyGenRSA.rsp (30 X9.31 keys: n = pq and
  d = e^-1 mod lcm(p - 1, q - 1)).

The RSA Labs files are a sequence of `# Label:` comment lines, each followed
by its value as hex octets; `parse_rsalabs` turns them into (label, bytes).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from .. import pkcs1
from ..errors import InvalidSignature
from ..rsa import OAEP, PKCS1v15, PSS, RSAPrivateKey, RSAPublicKey
from ..rsa_primitives import crt_exponentiation
from . import Case, vector_path
from .parsers import (cavp_siggen_records, hash_name_from_label, parse_key_value_blocks,
                      read_text, unhex)

SRC_OAEP = "RSA Labs PKCS #1 v2.1 RSAES-OAEP (oaep-vect.txt)"
SRC_PSS = "RSA Labs PKCS #1 v2.1 RSASSA-PSS (pss-vect.txt)"
SRC_V15 = "RSA Labs PKCS #1 v1.5 encryption (pkcs1v15crypt-vectors.txt)"
SRC_INT = "RSA Labs PKCS #1 v2.1 intermediate values (oaep-int.txt, pss-int.txt)"
SRC_SIGVER = "NIST CAVP FIPS 186-3 SigVer RSASSA-PSS (SigVerPSS_186-3.rsp)"
SRC_SIGGEN = "NIST CAVP FIPS 186-2 SigGen RSASSA-PSS (SigGenPSS_186-2.txt)"
SRC_KEYGEN = "NIST CAVP FIPS 186-2 KeyGen RSA X9.31 (KeyGenRSA.rsp)"

_KEY_FIELDS = {"Prime 1": "p", "Prime 2": "q", "Prime exponent 1": "dP",
               "Prime exponent 2": "dQ", "Coefficient": "qInv"}


def _is_hex_line(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and all(len(t) == 2 and all(c in "0123456789abcdefABCDEF" for c in t)
                                for t in tokens)


def parse_rsalabs(path: Path) -> list[tuple[str, bytes]]:
    """(label, value) pairs of an RSA Labs vector file, in file order."""
    items: list[tuple[str, bytes]] = []
    label = None
    hex_lines: list[str] = []

    def flush() -> None:
        if label is not None and hex_lines:
            items.append((label, bytes.fromhex("".join(hex_lines).replace(" ", ""))))

    for raw in read_text(path).splitlines():
        line = raw.strip()
        if line.startswith("#"):
            flush()
            body = line.lstrip("#").strip()
            label = body[:-1].strip() if body.endswith(":") else None
            hex_lines = []
        elif label is not None and _is_hex_line(line):
            hex_lines.append(line)
    flush()
    return items


def rsalabs_keys(path: Path, example_labels: tuple[str, ...]) -> list[dict]:
    """Keys of an RSA Labs *-vect file, each with its list of examples (dicts by label)."""
    keys: list[dict] = []
    for label, value in parse_rsalabs(path):
        if label == "Modulus":
            if not keys or "qInv" in keys[-1]:
                keys.append({"n": int.from_bytes(value, "big"), "examples": []})
        elif label == "Exponent":
            keys[-1]["d" if "e" in keys[-1] else "e"] = int.from_bytes(value, "big")
        elif label == "Public exponent":
            assert keys[-1]["e"] == int.from_bytes(value, "big"), "public exponents differ"
        elif label in _KEY_FIELDS:
            keys[-1][_KEY_FIELDS[label]] = int.from_bytes(value, "big")
        elif label == example_labels[0]:
            keys[-1]["examples"].append({label: value})
        elif label in example_labels:
            keys[-1]["examples"][-1][label] = value
    return keys


@lru_cache(maxsize=None)
def _private_key(n: int, e: int, d: int, p: int = 0, q: int = 0) -> RSAPrivateKey:
    if p:
        return RSAPrivateKey(n, e, d, p, q)
    return RSAPrivateKey.from_private_exponent(n, e, d)


def _fixed(value: bytes):
    """An rng that hands out exactly `value` (a published seed, salt or PS)."""
    def rng(length: int) -> bytes:
        assert length == len(value), f"asked for {length} random bytes, vector has {len(value)}"
        return value
    return rng


def _key_case(source: str, case_id: str, key: dict) -> Case:
    def run() -> None:
        sk = _private_key(key["n"], key["e"], key["d"], key["p"], key["q"])
        assert (sk.dP, sk.dQ, sk.qInv) == (key["dP"], key["dQ"], key["qInv"]), \
            f"{case_id}: CRT values differ"
    return Case(source, case_id, run)


def _oaep_case(case_id: str, key: dict, ex: dict) -> Case:
    M, seed, C = ex["Message"], ex["Seed"], ex["Encryption"]

    def run() -> None:
        sk = _private_key(key["n"], key["e"], key["d"], key["p"], key["q"])
        got = sk.public_key().encrypt(M, OAEP("sha1", rng=_fixed(seed)))
        assert got == C, f"{case_id}: ciphertext {got.hex()}"
        assert sk.decrypt(C, OAEP("sha1")) == M, f"{case_id}: decryption differs"
    return Case(SRC_OAEP, case_id, run)


def _v15_case(case_id: str, key: dict, ex: dict) -> Case:
    M, PS, C = ex["Message"], ex["Seed"], ex["Encryption"]

    def run() -> None:
        sk = _private_key(key["n"], key["e"], key["d"], key["p"], key["q"])
        got = sk.public_key().encrypt(M, PKCS1v15(rng=_fixed(PS)))
        assert got == C, f"{case_id}: ciphertext {got.hex()}"
        assert sk.decrypt(C, PKCS1v15()) == M, f"{case_id}: decryption differs"
    return Case(SRC_V15, case_id, run)


def _pss_case(case_id: str, key: dict, ex: dict) -> Case:
    M, salt, S = ex["Message to be signed"], ex["Salt"], ex["Signature"]

    def run() -> None:
        sk = _private_key(key["n"], key["e"], key["d"], key["p"], key["q"])
        got = sk.sign(M, PSS("sha1", salt_length=len(salt), rng=_fixed(salt)))
        assert got == S, f"{case_id}: signature {got.hex()}"
        sk.public_key().verify(S, M, PSS("sha1", salt_length=len(salt)))
    return Case(SRC_PSS, case_id, run)


def _int_values(name: str) -> dict[str, bytes]:
    """Values of oaep-int.txt / pss-int.txt keyed by the first word of their label."""
    values: dict[str, bytes] = {}
    for label, value in parse_rsalabs(vector_path("rsa", name)):
        values.setdefault(label, value)
    return values


def _int_key(v: dict[str, bytes]) -> RSAPrivateKey:
    num = {k: int.from_bytes(b, "big") for k, b in v.items()}
    exponent = num.get("Private exponent", num.get("Exponent"))
    return _private_key(num["Modulus"], num["Public exponent"], exponent,
                        num["Prime 1"], num["Prime 2"])


def _oaep_int_case() -> Case:
    def run() -> None:
        v = _int_values("oaep-int.txt")
        sk = _int_key(v)
        rows = dict(pkcs1.oaep_encrypt_trace(sk.public_key(), v["Message to be encrypted"],
                                             v["seed"], hash_name="sha1"))
        expected = {
            "lHash": v["pHash = Hash(encoding parameters)"],
            "DB": v["DB = pHash || Padding || M"],
            "seed": v["seed"],
            "dbMask": v["dbMask = MGF(seed, length(DB))"],
            "maskedDB": v["maskedDB = DB xor dbMask"],
            "seedMask": v["seedMask = MGF(maskedDB, length(seed))"],
            "maskedSeed": v["maskedSeed = seed xor seedMask"],
            # PKCS #1 v2.0 EM has no leading Y octet; RFC 8017's has Y = 0x00.
            "EM": b"\x00" + v["EM = maskedSeed || maskedDB"],
            "C": v["Ciphertext, the RSA encryption of EM"],
        }
        assert list(rows) == list(expected), f"trace rows {list(rows)}"
        for name, value in expected.items():
            assert rows[name] == value, f"oaep-int {name}: {rows[name].hex()}"
        # The CRT decryption walk-through (RFC 8017 §5.1.2 step 2.b).
        c = int.from_bytes(v["c, the ciphertext"], "big")
        assert c % sk.p == int.from_bytes(v["c mod p"], "big")
        assert c % sk.q == int.from_bytes(v["c mod q"], "big")
        m_1 = pow(c, sk.dP, sk.p)
        m_2 = pow(c, sk.dQ, sk.q)
        assert m_1 == int.from_bytes(v["m1 = c^dP mod p = (c mod p)^dP mod p"], "big")
        assert m_2 == int.from_bytes(v["m2 = = c^dQ mod q = (c mod q)^dQ mod q"], "big")
        h = ((m_1 - m_2) * sk.qInv) % sk.p
        assert h == int.from_bytes(v["h = (m1-m2)*qInv mod p"], "big")
        m = int.from_bytes(v["m = m2 + q*h (= EM)"], "big")
        assert m_2 + sk.q * h == m
        # ... and the code under test walks the same path to the same m.
        assert crt_exponentiation(sk.p, sk.q, sk.dP, sk.dQ, sk.qInv, c) == m, "oaep-int CRT m"
        assert sk.decrypt(rows["C"], OAEP("sha1")) == v["Message to be encrypted"]
    return Case(SRC_INT, "rsalabs-oaep-int", run)


def _pss_int_case() -> Case:
    def run() -> None:
        v = _int_values("pss-int.txt")
        sk = _int_key(v)
        rows = dict(pkcs1.pss_sign_trace(sk, v["Message to be signed"], v["salt"], "sha1"))
        expected = {
            "mHash": v["Message hash"],
            "M'": v["inBlock = 00 00 00 00 00 00 00 00 || messageHash || salt"],
            "H": v["hash = Hash(inBlock)"],
            "DB": v["DB = 00...00 01 || salt"],
            "dbMask": v["dbMask = MGF(hash, outputLen - digestLen - 1)"],
            "maskedDB": v["maskedDB = dbMask  xor DB"],
            "EM": v["EM = maskedDB || hash || bc"],
            "S": v["Signature, the RSA decryption of EM"],
        }
        assert list(rows) == list(expected), f"trace rows {list(rows)}"
        for name, value in expected.items():
            assert rows[name] == value, f"pss-int {name}: {rows[name].hex()}"
    return Case(SRC_INT, "rsalabs-pss-int", run)


def _sigver_cases():
    n = None
    count = 0
    for rec in parse_key_value_blocks(vector_path("rsa", "SigVerPSS_186-3.rsp")):
        if "n" in rec:
            n = int(rec["n"], 16)
        if "Result" not in rec:
            continue
        count += 1
        mod = rec["mod"]
        hash_name = hash_name_from_label(rec["SHAAlg"])
        e = int(rec["e"], 16)
        msg, sig, salt = unhex(rec["Msg"]), unhex(rec["S"]), unhex(rec["SaltVal"])
        expect_pass = rec["Result"].startswith("P")
        case_id = f"cavp-SigVerPSS-{mod}-{rec['SHAAlg']}-count{count}-{'P' if expect_pass else 'F'}"

        def run(n=n, e=e, msg=msg, sig=sig, salt=salt, hash_name=hash_name,
                expect_pass=expect_pass, case_id=case_id) -> None:
            public_key = RSAPublicKey(n, e)
            padding = PSS(hash_name, salt_length=len(salt))
            try:
                public_key.verify(sig, msg, padding)
            except InvalidSignature:
                assert not expect_pass, f"{case_id}: valid signature rejected"
            else:
                assert expect_pass, f"{case_id}: invalid signature accepted"
        yield Case(SRC_SIGVER, case_id, run)


def _siggen_cases():
    for count, rec, n, e, d in cavp_siggen_records(vector_path("rsa", "SigGenPSS_186-2.txt")):
        hash_name = hash_name_from_label(rec["SHAAlg"])
        msg, sig, salt = unhex(rec["Msg"]), unhex(rec["S"]), unhex(rec["SaltVal"])
        case_id = f"cavp-SigGenPSS-{rec['mod']}-{rec['SHAAlg']}-count{count}"

        def run(n=n, e=e, d=d, msg=msg, sig=sig, salt=salt, hash_name=hash_name,
                case_id=case_id) -> None:
            sk = _private_key(n, e, d)
            got = sk.sign(msg, PSS(hash_name, salt_length=len(salt), rng=_fixed(salt)))
            assert got == sig, f"{case_id}: signature {got.hex()}"
            sk.public_key().verify(sig, msg, PSS(hash_name, salt_length=len(salt)))
        yield Case(SRC_SIGGEN, case_id, run)


def _keygen_cases():
    count = 0
    for rec in parse_key_value_blocks(vector_path("rsa", "KeyGenRSA.rsp")):
        if "d" not in rec:
            continue
        count += 1
        e, p, q = int(rec["e"], 16), int(rec["p"], 16), int(rec["q"], 16)
        n, d = int(rec["n"], 16), int(rec["d"], 16)
        case_id = f"cavp-KeyGenRSA-{rec['mod']}-e{e}-count{count}"

        def run(e=e, p=p, q=q, n=n, d=d, case_id=case_id) -> None:
            assert p * q == n, f"{case_id}: n != pq"
            assert d == pow(e, -1, math.lcm(p - 1, q - 1)), f"{case_id}: d != e^-1 mod lcm"
            RSAPrivateKey(n, e, d, p, q)  # our validation accepts it too
        yield Case(SRC_KEYGEN, case_id, run)


def cases():
    for i, key in enumerate(rsalabs_keys(vector_path("rsa", "oaep-vect.txt"),
                                         ("Message", "Seed", "Encryption")), start=1):
        yield _key_case(SRC_OAEP, f"rsalabs-oaep-vect-key{i}", key)
        for j, ex in enumerate(key["examples"], start=1):
            yield _oaep_case(f"rsalabs-oaep-vect-{i}.{j}", key, ex)
    for i, key in enumerate(rsalabs_keys(vector_path("rsa", "pss-vect.txt"),
                                         ("Message to be signed", "Salt", "Signature")), start=1):
        yield _key_case(SRC_PSS, f"rsalabs-pss-vect-key{i}", key)
        for j, ex in enumerate(key["examples"], start=1):
            yield _pss_case(f"rsalabs-pss-vect-{i}.{j}", key, ex)
    for i, key in enumerate(rsalabs_keys(vector_path("rsa", "pkcs1v15crypt-vectors.txt"),
                                         ("Message", "Seed", "Encryption")), start=1):
        for j, ex in enumerate(key["examples"], start=1):
            yield _v15_case(f"rsalabs-pkcs1v15crypt-{i}.{j}", key, ex)
    yield _oaep_int_case()
    yield _pss_int_case()
    yield from _sigver_cases()
    yield from _siggen_cases()
    yield from _keygen_cases()
