"""Vectors for AES (FIPS 197) and CTR mode (SP 800-38A F.5).

* FIPS 197 (2023 update): Table 4 (S-box) and the Rcon values of §5.2, against
  the tables refkx.aes derives in code; Appendix A (every key-expansion word,
  three key sizes); Appendix B (every intermediate state of the cipher example,
  against refkx.aes.trace_cipher); Appendix C (example vectors, both directions).
* NIST CAVP AESAVS response files for ECB: GFSbox, KeySbox, VarKey, VarTxt and
  MMT, 128/192/256-bit keys, [ENCRYPT] and [DECRYPT] sections.
* NIST SP 800-38A Appendix F.5.1-F.5.6 (CTR-AES, four blocks each).

Encryption runs through whichever implementation refkx.impl selects for "aes": the readable
refkx.aes.AES block by block, or refkx.fast.aes (all blocks of a case in one pass). The
inverse cipher has no fast twin, so decryption always runs refkx.aes.
"""

from __future__ import annotations

import re

from .. import impl
from ..aes import AES, RCON, SBOX, key_expansion, trace_cipher
from ..ctr import ctr_decrypt, ctr_encrypt
from . import Case, vector_path
from .parsers import parse_key_value_blocks, unhex

FIPS197_SOURCE = "FIPS 197 (tables, Appendices A-C)"
CAVP_SOURCE = "NIST CAVP AESAVS (ECB KAT/MMT)"
CTR_SOURCE = "NIST SP 800-38A F.5 (CTR)"

CAVP_KINDS = ("GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT")
KEY_BITS = (128, 192, 256)
BLOCK = 16


def _fips197_table_cases():
    values = {}
    for record in parse_key_value_blocks(vector_path("aes", "fips197-sbox-rcon.txt")):
        values.update(record)
    table4, rcon = unhex(values["SBOX"]), unhex(values["Rcon"])

    def run_sbox() -> None:
        assert len(table4) == 256, "Table 4 transcription must have 256 entries"
        bad = [f"{x:02x}" for x in range(256) if SBOX[x] != table4[x]]
        assert not bad, f"derived SBOX differs from Table 4 at {bad}"

    def run_rcon() -> None:
        assert bytes(RCON) == rcon, f"derived Rcon {bytes(RCON).hex()} != {rcon.hex()}"

    yield Case(FIPS197_SOURCE, "fips197-table4-sbox", run_sbox)
    yield Case(FIPS197_SOURCE, "fips197-5.2-rcon", run_rcon)


def _appendix_a_cases():
    for rec in parse_key_value_blocks(vector_path("aes", "fips197-appendix-a-key-expansion.txt")):
        key = unhex(rec["Key"])
        expected = [int(word, 16) for word in rec["w"].split()]
        case_id = f"fips197-{rec['Section']}"

        def run(key=key, expected=expected, case_id=case_id) -> None:
            got = key_expansion(key)
            assert len(got) == len(expected), f"{case_id}: {len(got)} words, expected {len(expected)}"
            for i, (g, e) in enumerate(zip(got, expected)):
                assert g == e, f"{case_id}: w[{i}] = {g:08x}, expected {e:08x}"

        yield Case(FIPS197_SOURCE, case_id, run)


_ROUND_ROW = re.compile(r"round\[\s*(\d+)\]\.(\w+)")


def _appendix_b_case():
    (rec,) = parse_key_value_blocks(vector_path("aes", "fips197-appendix-b-cipher-example.txt"))
    key, block = unhex(rec["Key"]), unhex(rec["Input"])
    expected = []
    for name, value in rec.items():
        match = _ROUND_ROW.fullmatch(name)
        if match:
            expected.append((int(match.group(1)), match.group(2), unhex(value)))

    def run() -> None:
        got = trace_cipher(key, block)
        for g, e in zip(got, expected):
            assert g == e, (f"fips197-B: got round[{g[0]}].{g[1]} {g[2].hex()}, "
                            f"expected round[{e[0]}].{e[1]} {e[2].hex()}")
        assert len(got) == len(expected), f"fips197-B: {len(got)} rows, expected {len(expected)}"

    yield Case(FIPS197_SOURCE, "fips197-B-cipher-example", run)


def _appendix_c_cases():
    for rec in parse_key_value_blocks(vector_path("aes", "fips197-appendix-c-example-vectors.txt")):
        key, pt, ct = unhex(rec["KEY"]), unhex(rec["PLAINTEXT"]), unhex(rec["CIPHERTEXT"])
        case_id = f"fips197-{rec['Section']}"

        def run(key=key, pt=pt, ct=ct, case_id=case_id) -> None:
            got = _encrypt_ecb(key, pt)
            assert got == ct, f"{case_id}: Cipher gave {got.hex()}"
            back = AES(key).decrypt_block(ct)
            assert back == pt, f"{case_id}: InvCipher gave {back.hex()}"

        yield Case(FIPS197_SOURCE, case_id, run)


def _ecb(block_fn, data: bytes) -> bytes:
    return b"".join(block_fn(data[i:i + BLOCK]) for i in range(0, len(data), BLOCK))


def _encrypt_ecb(key: bytes, data: bytes) -> bytes:
    """CIPHER on every block of `data` by the implementation refkx.impl selects for "aes"."""
    twin = impl.fast("aes")
    if twin is not None:
        return twin.FastAES(key).encrypt_blocks(data)
    return _ecb(AES(key).encrypt_block, data)


def _cavp_cases():
    for kind in CAVP_KINDS:
        for bits in KEY_BITS:
            name = f"ECB{kind}{bits}"
            for rec in parse_key_value_blocks(vector_path("aes", f"{name}.rsp")):
                direction = rec["section"].lower()          # "encrypt" / "decrypt"
                key, pt, ct = unhex(rec["KEY"]), unhex(rec["PLAINTEXT"]), unhex(rec["CIPHERTEXT"])
                case_id = f"cavp-{name}-{direction}-count{rec['COUNT']}"

                def run(key=key, pt=pt, ct=ct, direction=direction, case_id=case_id) -> None:
                    if direction == "encrypt":
                        got = _encrypt_ecb(key, pt)
                        assert got == ct, f"{case_id}: {got.hex()}"
                    else:
                        got = _ecb(AES(key).decrypt_block, ct)
                        assert got == pt, f"{case_id}: {got.hex()}"

                yield Case(CAVP_SOURCE, case_id, run)


def _ctr_cases():
    for rec in parse_key_value_blocks(vector_path("aes", "sp800-38a-f5-ctr.txt")):
        key, t_1 = unhex(rec["Key"]), unhex(rec["InitCounter"])
        data_in, data_out = unhex(rec["Input"]), unhex(rec["Output"])
        fn = ctr_encrypt if rec["Mode"] == "ENCRYPT" else ctr_decrypt
        case_id = f"sp800-38a-{rec['Section']}"

        def run(key=key, t_1=t_1, data_in=data_in, data_out=data_out, fn=fn, case_id=case_id) -> None:
            got = fn(key, t_1, data_in)
            assert got == data_out, f"{case_id}: {got.hex()}"

        yield Case(CTR_SOURCE, case_id, run)


def cases():
    yield from _fips197_table_cases()
    yield from _appendix_a_cases()
    yield from _appendix_b_case()
    yield from _appendix_c_cases()
    yield from _cavp_cases()
    yield from _ctr_cases()
