"""Vectors for HPKE (RFC 9180 Appendix A; the CFRG `test-vectors.json`).

vectors/hpke/ holds every vector of the CFRG file whose KEM is DHKEM(X25519,
HKDF-SHA256) or DHKEM(X448, HKDF-SHA512), KDF HKDF-SHA256/384/512 and AEAD
AES-128-GCM, AES-256-GCM or export-only, in all four modes (48 vectors; the
file has none with HKDF-SHA384 for these KEMs). Each vector is one case that
checks, in order: the key pairs derived from ikmR/ikmE/ikmS (§7.1.3); enc and
the shared secret (§4.1); key_schedule_context, secret, key, base_nonce and
exporter_secret on both sides (§5.1); every encryption in sequence (§5.2:
the nonce, Seal on the sender, Open on the receiver); every export (§5.3).

hpke-pq-test-vectors-mlkem.json: the suites of draft-ietf-hpke-pq's test vectors
(cryptography-vectors HPKE/hpke-pq-test-vectors.json) whose KEM is ML-KEM
(0x0040-0x0042) and whose KDF and AEAD refkx has (three, base mode); ids like
"hpke-pq-mlkem768-sha256-aes128gcm-base". The same checks, with DeriveKeyPair by
SHAKE256 LabeledDerive and ikmE as ML-KEM's encapsulation randomness m.
"""

from __future__ import annotations

import json

from .. import hpke
from . import Case, vector_path

SOURCE = "RFC 9180 Appendix A (CFRG HPKE test vectors)"
VECTOR_FILE = "rfc9180-test-vectors-x25519-x448.json"

MODE_NAMES = {hpke.MODE_BASE: "base", hpke.MODE_PSK: "psk", hpke.MODE_AUTH: "auth",
              hpke.MODE_AUTH_PSK: "authpsk"}
KEM_NAMES = {hpke.KEM_DHKEM_X25519_HKDF_SHA256: "x25519", hpke.KEM_DHKEM_X448_HKDF_SHA512: "x448"}
PQ_SOURCE = "draft-ietf-hpke-pq test vectors (ML-KEM suites)"
PQ_VECTOR_FILE = "hpke-pq-test-vectors-mlkem.json"
PQ_KEM_NAMES = {hpke.KEM_ML_KEM_512: "mlkem512", hpke.KEM_ML_KEM_768: "mlkem768",
                hpke.KEM_ML_KEM_1024: "mlkem1024"}
KDF_NAMES = {hpke.KDF_HKDF_SHA256: "sha256", hpke.KDF_HKDF_SHA384: "sha384",
             hpke.KDF_HKDF_SHA512: "sha512"}
AEAD_NAMES = {hpke.AEAD_AES_128_GCM: "aes128gcm", hpke.AEAD_AES_256_GCM: "aes256gcm",
              hpke.AEAD_EXPORT_ONLY: "exportonly"}


def vector_id(v: dict) -> str:
    """e.g. "rfc9180-x25519-sha256-aes128gcm-base"."""
    return "-".join(("rfc9180", KEM_NAMES[v["kem_id"]], KDF_NAMES[v["kdf_id"]],
                     AEAD_NAMES[v["aead_id"]], MODE_NAMES[v["mode"]]))


def load_vectors() -> list[dict]:
    return json.loads(vector_path("hpke", VECTOR_FILE).read_text())


def _b(v: dict, key: str) -> bytes:
    return bytes.fromhex(v[key])


def check_vector(v: dict) -> None:
    """Run one CFRG vector through refkx.hpke; AssertionError names the first mismatch."""
    vid = vector_id(v)
    suite = hpke.Suite(v["kem_id"], v["kdf_id"], v["aead_id"])
    mode = v["mode"]

    def eq(what: str, got: bytes, key: str) -> None:
        assert got == _b(v, key), f"{vid}: {what} {got.hex()} != {v[key]}"

    # §7.1.3 DeriveKeyPair for every key pair the vector fixes.
    sk_r, pk_r = hpke.derive_key_pair(v["kem_id"], _b(v, "ikmR"))
    eq("skR", sk_r, "skRm")
    eq("pkR", pk_r, "pkRm")
    sk_e, pk_e = hpke.derive_key_pair(v["kem_id"], _b(v, "ikmE"))
    eq("skE", sk_e, "skEm")
    eq("pkE", pk_e, "pkEm")
    sk_s = pk_s = None
    if mode in (hpke.MODE_AUTH, hpke.MODE_AUTH_PSK):
        sk_s, pk_s = hpke.derive_key_pair(v["kem_id"], _b(v, "ikmS"))
        eq("skS", sk_s, "skSm")
        eq("pkS", pk_s, "pkSm")

    # §5.1.1 - §5.1.4: both sides, through the public setup functions.
    info, ikm_e = _b(v, "info"), _b(v, "ikmE")
    if mode == hpke.MODE_BASE:
        enc, sender = hpke.setup_base_sender(pk_r, info, suite, ikm_e=ikm_e)
        receiver = hpke.setup_base_receiver(enc, sk_r, info, suite)
    elif mode == hpke.MODE_PSK:
        psk, psk_id = _b(v, "psk"), _b(v, "psk_id")
        enc, sender = hpke.setup_psk_sender(pk_r, info, suite, psk, psk_id, ikm_e=ikm_e)
        receiver = hpke.setup_psk_receiver(enc, sk_r, info, suite, psk, psk_id)
    elif mode == hpke.MODE_AUTH:
        enc, sender = hpke.setup_auth_sender(pk_r, info, suite, sk_s, ikm_e=ikm_e)
        receiver = hpke.setup_auth_receiver(enc, sk_r, info, suite, pk_s)
    else:
        psk, psk_id = _b(v, "psk"), _b(v, "psk_id")
        enc, sender = hpke.setup_auth_psk_sender(pk_r, info, suite, psk, psk_id, sk_s,
                                                 ikm_e=ikm_e)
        receiver = hpke.setup_auth_psk_receiver(enc, sk_r, info, suite, psk, psk_id, pk_s)
    eq("enc", enc, "enc")
    for side, ctx in (("sender", sender), ("receiver", receiver)):
        for name in ("shared_secret", "key_schedule_context", "secret", "key", "base_nonce",
                     "exporter_secret"):
            eq(f"{side} {name}", getattr(ctx, name), name)

    # §5.2: every encryption, in sequence (seq = index in the list).
    for seq, e in enumerate(v["encryptions"]):
        assert sender.seq == receiver.seq == seq, f"{vid}: seq out of step at {seq}"
        assert sender.compute_nonce(seq) == _b(e, "nonce"), f"{vid}: nonce at seq {seq}"
        ct = sender.seal(_b(e, "pt"), _b(e, "aad"))
        assert ct == _b(e, "ct"), f"{vid}: ct at seq {seq}: {ct.hex()}"
        pt = receiver.open(ct, _b(e, "aad"))
        assert pt == _b(e, "pt"), f"{vid}: open at seq {seq}"

    # §5.3: every export, from both sides.
    for x in v["exports"]:
        want = _b(x, "exported_value")
        for side, ctx in (("sender", sender), ("receiver", receiver)):
            got = ctx.export(_b(x, "exporter_context"), x["L"])
            assert got == want, f"{vid}: {side} export({x['exporter_context']}, {x['L']})"


def pq_vector_id(v: dict) -> str:
    return "-".join(("hpke-pq", PQ_KEM_NAMES[v["kem_id"]], KDF_NAMES[v["kdf_id"]],
                     AEAD_NAMES[v["aead_id"]], MODE_NAMES[v["mode"]]))


def check_pq_vector(v: dict) -> None:
    """One base-mode ML-KEM vector: keys, enc, the schedule, every Seal/Open and Export."""
    vid = pq_vector_id(v)
    suite = hpke.Suite(v["kem_id"], v["kdf_id"], v["aead_id"])

    def eq(what: str, got: bytes, key: str) -> None:
        assert got == _b(v, key), f"{vid}: {what} {got.hex()[:64]} != {v[key][:64]}"

    sk_r, pk_r = hpke.derive_key_pair(v["kem_id"], _b(v, "ikmR"))
    eq("skR", sk_r, "skRm")
    eq("pkR", pk_r, "pkRm")
    info = _b(v, "info")
    enc, sender = hpke.setup_base_sender(pk_r, info, suite, ikm_e=_b(v, "ikmE"))
    receiver = hpke.setup_base_receiver(enc, sk_r, info, suite)
    eq("enc", enc, "enc")
    assert suite.suite_id == _b(v, "suite_id"), f"{vid}: suite_id"
    for side, ctx in (("sender", sender), ("receiver", receiver)):
        for name in ("shared_secret", "key", "base_nonce", "exporter_secret"):
            eq(f"{side} {name}", getattr(ctx, name), name)
    for seq, e in enumerate(v["encryptions"]):
        assert sender.compute_nonce(seq) == _b(e, "nonce"), f"{vid}: nonce at seq {seq}"
        ct = sender.seal(_b(e, "pt"), _b(e, "aad"))
        assert ct == _b(e, "ct"), f"{vid}: ct at seq {seq}"
        assert receiver.open(ct, _b(e, "aad")) == _b(e, "pt"), f"{vid}: open at seq {seq}"
    for x in v["exports"]:
        for side, ctx in (("sender", sender), ("receiver", receiver)):
            got = ctx.export(_b(x, "exporter_context"), x["L"])
            assert got == _b(x, "exported_value"), f"{vid}: {side} export"


def cases():
    for v in load_vectors():
        yield Case(SOURCE, vector_id(v), lambda v=v: check_vector(v))
    for v in json.loads(vector_path("hpke", PQ_VECTOR_FILE).read_text()):
        yield Case(PQ_SOURCE, pq_vector_id(v), lambda v=v: check_pq_vector(v))
