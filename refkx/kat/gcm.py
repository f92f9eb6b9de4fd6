"""Vectors for AES-GCM (SP 800-38D).

* The McGrew–Viega test cases 1-18 (the GCM specification, Appendix B): C and T,
  decryption, and every intermediate the document lists (H, Y0 = J_0, the GHASH
  values X_i, GHASH(H, A, C)) against refkx.gcm.trace_encrypt.
* NIST CAVP GCMVS response files gcmEncryptExtIV{128,192,256} and
  gcmDecrypt{128,192,256}, the [Taglen = 128] sections (all IV lengths: 8, 96 and
  1024 bits). A FAIL record must raise InvalidTag.
"""

from __future__ import annotations

from ..errors import InvalidTag
from ..gcm import AESGCM, trace_encrypt
from . import Case, vector_path
from .parsers import parse_key_value_blocks, unhex

MV_SOURCE = "McGrew-Viega GCM spec Appendix B (test cases 1-18)"
CAVP_SOURCE = "NIST CAVP GCMVS (gcmEncryptExtIV/gcmDecrypt, Taglen 128)"
KEY_BITS = (128, 192, 256)


def _mcgrew_viega_cases():
    for rec in parse_key_value_blocks(vector_path("gcm", "mcgrew-viega-gcm-spec-appendix-b.txt")):
        K, P, A, IV = (unhex(rec[name]) for name in ("K", "P", "A", "IV"))
        C, T = unhex(rec["C"]), unhex(rec["T"])
        X = [unhex(x) for x in rec["X"].split(",") if x.strip()]
        expected = {"H": unhex(rec["H"]), "J0": unhex(rec["Y0"]), "S": unhex(rec["GHASH"]), "C": C, "T": T}
        case_id = f"mcgrew-viega-tc{rec['TestCase']}"

        def run(K=K, P=P, A=A, IV=IV, C=C, T=T, X=X, expected=expected, case_id=case_id) -> None:
            aead = AESGCM(K)
            got = aead.encrypt(IV, P, A)
            assert got == C + T, f"{case_id}: C||T = {got.hex()}"
            assert aead.decrypt(IV, C + T, A) == P, f"{case_id}: decrypt"
            rows = dict(trace_encrypt(K, IV, P, A))
            for name, value in expected.items():
                assert rows[name] == value, f"{case_id}: {name} = {rows[name].hex()}, expected {value.hex()}"
            for i, x_i in enumerate(X, start=1):
                assert rows[f"X_{i}"] == x_i, f"{case_id}: X_{i} = {rows[f'X_{i}'].hex()}"

        yield Case(MV_SOURCE, case_id, run)


def _case_id(name: str, rec: dict[str, str]) -> str:
    return (f"cavp-{name}-iv{rec['IVlen']}-pt{rec['PTlen']}-aad{rec['AADlen']}"
            f"-count{rec['Count']}")


def _cavp_cases():
    for bits in KEY_BITS:
        name = f"gcmEncryptExtIV{bits}"
        for rec in parse_key_value_blocks(vector_path("gcm", f"{name}.rsp")):
            assert rec["Taglen"] == "128", "vendored GCM files hold Taglen = 128 only"
            key, iv, pt, aad = (unhex(rec[k]) for k in ("Key", "IV", "PT", "AAD"))
            expected = unhex(rec["CT"]) + unhex(rec["Tag"])
            case_id = _case_id(name, rec)

            def run(key=key, iv=iv, pt=pt, aad=aad, expected=expected, case_id=case_id) -> None:
                got = AESGCM(key).encrypt(iv, pt, aad)
                assert got == expected, f"{case_id}: {got.hex()}"

            yield Case(CAVP_SOURCE, case_id, run)

    for bits in KEY_BITS:
        name = f"gcmDecrypt{bits}"
        for rec in parse_key_value_blocks(vector_path("gcm", f"{name}.rsp")):
            assert rec["Taglen"] == "128", "vendored GCM files hold Taglen = 128 only"
            key, iv, aad = unhex(rec["Key"]), unhex(rec["IV"]), unhex(rec["AAD"])
            data = unhex(rec["CT"]) + unhex(rec["Tag"])
            fail = "FAIL" in rec.get("flags", "")
            pt = None if fail else unhex(rec["PT"])
            case_id = _case_id(name, rec) + ("-fail" if fail else "")

            def run(key=key, iv=iv, aad=aad, data=data, pt=pt, case_id=case_id) -> None:
                aead = AESGCM(key)
                if pt is None:
                    try:
                        leaked = aead.decrypt(iv, data, aad)
                    except InvalidTag:
                        return
                    raise AssertionError(f"{case_id}: FAIL record accepted, returned {leaked.hex()}")
                got = aead.decrypt(iv, data, aad)
                assert got == pt, f"{case_id}: {got.hex()}"

            yield Case(CAVP_SOURCE, case_id, run)


def cases():
    yield from _mcgrew_viega_cases()
    yield from _cavp_cases()
