"""Vectors for HMAC (RFC 4231) and HKDF (RFC 5869 Appendix A)."""

from __future__ import annotations

from .. import hkdf as hkdf_module
from ..hmac import hmac
from . import Case, vector_path
from .parsers import hash_name_from_label, parse_key_value_blocks, parse_records_by_key, unhex

# cryptography-vectors' RFC 4231 files hold test cases 1-4, 6 and 7 in order;
# case N is section 4.(N+1) of the RFC. Case 5 (truncation) is vendored separately.
RFC4231_SECTIONS = ("4.2", "4.3", "4.4", "4.5", "4.7", "4.8")
RFC4231_HASHES = ("sha224", "sha256", "sha384", "sha512")


def _hmac_case(case_id: str, key: bytes, msg: bytes, expected: bytes, hash_name: str) -> Case:
    def run() -> None:
        # Truncated outputs (RFC 4231 §4.6) compare the leftmost bits only.
        got = hmac(key, msg, hash_name)[: len(expected)]
        assert got == expected, f"{case_id}: {got.hex()} != {expected.hex()}"

    return Case("RFC 4231 (HMAC-SHA-2)", case_id, run)


def _hkdf_case(case_id: str, record: dict[str, str]) -> Case:
    hash_name = hash_name_from_label(record["Hash"])
    ikm, salt, info = unhex(record["IKM"]), unhex(record["salt"]), unhex(record["info"])
    length = int(record["L"])
    prk_expected, okm_expected = unhex(record["PRK"]), unhex(record["OKM"])

    def run() -> None:
        prk = hkdf_module.extract(salt, ikm, hash_name)
        assert prk == prk_expected, f"{case_id}: PRK {prk.hex()}"
        okm = hkdf_module.expand(prk, info, length, hash_name)
        assert okm == okm_expected, f"{case_id}: OKM {okm.hex()}"
        assert hkdf_module.hkdf(ikm, length, salt, info, hash_name) == okm_expected

    return Case("RFC 5869 Appendix A (HKDF)", case_id, run)


def cases():
    for hash_name in RFC4231_HASHES:
        records = parse_key_value_blocks(vector_path("hmac", f"rfc-4231-{hash_name}.txt"))
        assert len(records) == len(RFC4231_SECTIONS), "unexpected RFC 4231 file layout"
        for section, rec in zip(RFC4231_SECTIONS, records):
            yield _hmac_case(f"rfc4231-{section}-{hash_name}", unhex(rec["Key"]),
                             unhex(rec["Msg"]), unhex(rec["MD"]), hash_name)
    for rec in parse_key_value_blocks(vector_path("hmac", "rfc-4231-4.6-truncated.txt")):
        hash_name = hash_name_from_label(rec["Hash"])
        yield _hmac_case(f"rfc4231-4.6-{hash_name}-truncated", unhex(rec["Key"]),
                         unhex(rec["Msg"]), unhex(rec["MD"]), hash_name)
    for name in ("rfc-5869-HKDF-SHA256.txt", "rfc-5869-HKDF-SHA1.txt"):
        for rec in parse_records_by_key(vector_path("hkdf", name), "COUNT"):
            yield _hkdf_case(f"rfc5869-A.{rec['COUNT']}", rec)
