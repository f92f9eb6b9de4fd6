"""Lesson `nonce-reuse`: an AES-GCM record layer that sends two records under one nonce.

The failure: a record layer whose nonce does not change from record to record (here the
sequence number never enters it). GCM is counter mode plus a polynomial MAC, so two records
under one (key, nonce) share

* their key stream: C1 XOR C2 = P1 XOR P2, and one known plaintext gives the other;
* their tag mask E_K(J_0) and the GHASH key H. For one-block records with the same header
  (NIST SP 800-38D §7.1 step 5-6: S = GHASH_H(A || 0^v || C || 0^u || len(A) || len(C)),
  T = E_K(J_0) XOR S):

      S = A*H^3 + C*H^2 + L*H      (in GF(2^128), "+" is XOR; A, L equal in both records)
      T1 + T2 = (C1 + C2) * H^2   =>   H^2 = (T1 + T2) / (C1 + C2)
      H = sqrt(H^2) = (H^2)^(2^127)   (squaring is a bijection of GF(2^128))

  and then E_K(J_0) = T1 + GHASH_H(A, C1): the attacker can tag any message of its choice.
  This is the "forbidden attack" (Joux, "Authentication failures in NIST version of GCM",
  2006; Böck et al., "Nonce-Disrespecting Adversaries", WOOT 2016, found it on the web).

refkx's record layer (refkx/record.py, RFC 8446 §5.3) XORs the 64-bit sequence number into
the per-record nonce, so two records never share a key stream or a tag mask: the same
algebra yields a wrong H and a forgery that refkx refuses.

The weak record layer below exists only in this lesson. CPython integers are not
constant-time: refkx teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import secrets

from ...encoding import xor_bytes
from ...errors import InvalidTag
from ...gcm import AESGCM, BLOCK_SIZE, TAG_SIZE, gf_mult, ghash
from ...tls.record import (CONTENT_APPLICATION_DATA, HEADER_SIZE, RecordError, RecordProtection,
                        record_header)
from .narrate import Narrator, Outcome

NAME = "nonce-reuse"
SUMMARY = "AES-GCM with a repeated nonce: plaintext XOR, the GHASH key, a forged record"

FIELD_BITS = 128
# One block of TLSInnerPlaintext: 15 bytes of content and the content-type byte (RFC 8446 §5.2).
CONTENT_SIZE = BLOCK_SIZE - 1
KNOWN_MESSAGE = b"GET /inbox HTTP"      # the attacker knows what the first record says
SECRET_MESSAGE = b"pin=4711 ok bye"     # ... and wants to read the second
CHOSEN_MESSAGE = b"PAY mallory 999"     # ... and to make the receiver accept a third


# --- GF(2^128), the GCM field (SP 800-38D §6.3) ---------------------------------------------

def gf_pow(x: int, exponent: int) -> int:
    """x^exponent in GF(2^128) by square-and-multiply over refkx.gcm.gf_mult."""
    result, base = 1 << (FIELD_BITS - 1), x          # the block 10..0 is the field's 1
    while exponent:
        if exponent & 1:
            result = gf_mult(result, base)
        base = gf_mult(base, base)
        exponent >>= 1
    return result


def gf_inverse(x: int) -> int:
    """x^-1 = x^(2^128 - 2) (the multiplicative group has order 2^128 - 1)."""
    if x == 0:
        raise ZeroDivisionError("0 has no inverse in GF(2^128)")
    return gf_pow(x, 2 ** FIELD_BITS - 2)


def gf_sqrt(x: int) -> int:
    """The unique square root: x^(2^127), since (x^(2^127))^2 = x^(2^128) = x."""
    for _ in range(FIELD_BITS - 1):
        x = gf_mult(x, x)
    return x


def block(data: bytes) -> int:
    """A 16-byte block as the int of refkx.gcm (bit x_0 = most significant)."""
    return int.from_bytes(data, "big")


def ghash_input(A: bytes, C: bytes) -> bytes:
    """SP 800-38D §7.1 step 5: A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64."""
    return (A + bytes(-len(A) % BLOCK_SIZE) + C + bytes(-len(C) % BLOCK_SIZE)
            + (8 * len(A)).to_bytes(8, "big") + (8 * len(C)).to_bytes(8, "big"))


# --- the weak record layer (this lesson only) -----------------------------------------------

class NonceReusingRecords:
    """TLS 1.3-shaped records (header || AES-GCM(content || type), header as AAD) with the
    bug: every record uses the same nonce, write_iv, because the sequence number is never
    XORed in."""

    def __init__(self, key: bytes, iv: bytes) -> None:
        self._aead = AESGCM(key)
        self._iv = iv

    def seal(self, content: bytes) -> bytes:
        inner = content + bytes([CONTENT_APPLICATION_DATA])
        header = record_header(CONTENT_APPLICATION_DATA, len(inner) + TAG_SIZE)
        return header + self._aead.encrypt(self._iv, inner, header)     # the same nonce!

    def open(self, record: bytes) -> bytes:
        header, body = record[:HEADER_SIZE], record[HEADER_SIZE:]
        inner = self._aead.decrypt(self._iv, body, header)             # InvalidTag if forged
        return inner[:-1]

    @property
    def hash_subkey(self) -> bytes:
        """H = E_K(0^128), for the narrator to compare with what the attacker finds."""
        return self._aead._H


# --- the attack: two records in, the plaintext XOR, H and a forgery out ----------------------

def split(record: bytes) -> tuple[bytes, bytes, bytes]:
    """(header A, ciphertext C, tag T) of one record."""
    return record[:HEADER_SIZE], record[HEADER_SIZE:-TAG_SIZE], record[-TAG_SIZE:]


def attack(record_1: bytes, record_2: bytes, known_inner_1: bytes, chosen_inner: bytes) -> dict:
    """Everything the forbidden attack gets from two one-block records assumed to share a
    nonce, when the first record's inner plaintext is known.

    Returns the second record's inner plaintext (if the assumption holds), H, the tag mask
    E_K(J_0) and a forged record carrying `chosen_inner`."""
    A1, C1, T1 = split(record_1)
    A2, C2, T2 = split(record_2)
    if A1 != A2 or len(C1) != BLOCK_SIZE or len(C2) != BLOCK_SIZE:
        raise ValueError("the algebra here needs two one-block records with the same header")
    # Same key stream: C1 XOR C2 = P1 XOR P2.
    plaintext_xor = xor_bytes(C1, C2)
    inner_2 = xor_bytes(plaintext_xor, known_inner_1)
    # T1 + T2 = (C1 + C2) * H^2  =>  H^2 = (T1 + T2) / (C1 + C2);  H = sqrt(H^2).
    H_squared = gf_mult(block(xor_bytes(T1, T2)), gf_inverse(block(plaintext_xor)))
    H = gf_sqrt(H_squared).to_bytes(BLOCK_SIZE, "big")
    # The tag mask E_K(J_0) = T1 XOR GHASH_H(A, C1) (SP 800-38D §7.1 step 6, solved for it).
    mask = xor_bytes(T1, ghash(H, ghash_input(A1, C1)))
    # Forge: key stream from the known record, tag from H and the mask.
    forged_C = xor_bytes(xor_bytes(C1, known_inner_1), chosen_inner)
    forged_T = xor_bytes(ghash(H, ghash_input(A1, forged_C)), mask)
    return {"plaintext_xor": plaintext_xor, "inner_2": inner_2, "H": H, "tag_mask": mask,
            "forged": A1 + forged_C + forged_T}


def inner(content: bytes) -> bytes:
    """TLSInnerPlaintext of application data: content || ContentType (RFC 8446 §5.2)."""
    return content + bytes([CONTENT_APPLICATION_DATA])


def against_weak(key: bytes, iv: bytes) -> dict:
    """The attack against the nonce-reusing layer; returns the facts the lesson shows."""
    sender, receiver = NonceReusingRecords(key, iv), NonceReusingRecords(key, iv)
    record_1, record_2 = sender.seal(KNOWN_MESSAGE), sender.seal(SECRET_MESSAGE)
    found = attack(record_1, record_2, inner(KNOWN_MESSAGE), inner(CHOSEN_MESSAGE))
    try:
        accepted = receiver.open(found["forged"])
    except InvalidTag:
        accepted = None
    return dict(found, record_1=record_1, record_2=record_2, true_H=sender.hash_subkey,
                accepted=accepted)


def against_refkx(traffic_secret: bytes) -> dict:
    """The same attack against refkx.tls.record.RecordProtection (per-record nonces, §5.3)."""
    sender, receiver = RecordProtection(traffic_secret), RecordProtection(traffic_secret)
    record_1 = sender.seal(CONTENT_APPLICATION_DATA, KNOWN_MESSAGE)
    record_2 = sender.seal(CONTENT_APPLICATION_DATA, SECRET_MESSAGE)
    delivered = [receiver.open(record_1)[1], receiver.open(record_2)[1]]
    found = attack(record_1, record_2, inner(KNOWN_MESSAGE), inner(CHOSEN_MESSAGE))
    refusals = []
    # The forgery where the next record belongs, and in place of the first record.
    for what, target in (("as the third record", receiver),
                         ("as the first record of a fresh receiver",
                          RecordProtection(traffic_secret))):
        try:
            target.open(found["forged"])
            refusals.append((what, False))
        except RecordError:
            refusals.append((what, True))
    return dict(found, record_1=record_1, record_2=record_2, delivered=delivered,
                true_H=sender._aead._H, nonces=(sender.nonce(0), sender.nonce(1)),
                refusals=refusals)


def run(story: Narrator, full: bool = False) -> Outcome:
    story.title("nonce-reuse: two AES-GCM records under one nonce")
    if full:
        story.point("(--full: this lesson has one size; the algebra is for one-block records)")
    key, iv = secrets.token_bytes(16), secrets.token_bytes(12)

    story.part("The weak record layer: the nonce is write_iv for every record")
    weak = against_weak(key, iv)
    story.step("The client sends two records; Eve records them")
    story.value("write_iv = nonce of EVERY record", iv)
    story.value("record 1 (header|C1|T1)", weak["record_1"])
    story.value("record 2 (header|C2|T2)", weak["record_2"])
    story.point(f"Eve knows record 1 says {KNOWN_MESSAGE.decode()!r} (a fixed protocol line).")
    story.step("Same nonce, same key stream: C1 XOR C2 = P1 XOR P2")
    story.value("C1 XOR C2", weak["plaintext_xor"])
    story.value("XOR the known P1: P2 =", weak["inner_2"][:-1].decode(errors="replace"))
    story.step("Same nonce, same H and tag mask: H^2 = (T1 XOR T2) / (C1 XOR C2)")
    story.value("H = sqrt(H^2) = (H^2)^(2^127)", weak["H"])
    story.value("the layer's real H = E_K(0^128)", weak["true_H"])
    story.value("tag mask E_K(J0) = T1 XOR GHASH", weak["tag_mask"])
    story.step(f"Eve forges a record saying {CHOSEN_MESSAGE.decode()!r}")
    story.value("forged record", weak["forged"])
    weak_broken = (weak["H"] == weak["true_H"] and weak["inner_2"] == inner(SECRET_MESSAGE)
                   and weak["accepted"] == CHOSEN_MESSAGE)
    story.point(f"the receiver opens it: {weak['accepted']!r}" if weak["accepted"] is not None
                else "the receiver refused the forgery (unexpected)")

    story.part("refkx's record layer: nonce = write_iv XOR sequence number (RFC 8446 §5.3)")
    ours = against_refkx(secrets.token_bytes(32))
    story.step("The same two messages through refkx.tls.record.RecordProtection")
    story.value("nonce of record 0", ours["nonces"][0])
    story.value("nonce of record 1", ours["nonces"][1])
    story.value("record 1", ours["record_1"])
    story.value("record 2", ours["record_2"])
    story.step("Eve runs the same algebra")
    story.value("C1 XOR C2 XOR P1 (Eve's 'P2')", ours["inner_2"])
    story.value("Eve's 'H'", ours["H"])
    story.value("refkx's real H", ours["true_H"])
    story.point("Different nonces: independent key streams and tag masks, so the XOR is")
    story.point("noise and the equation for H has nothing to do with H.")
    story.step("Eve sends her forged record")
    for what, refused in ours["refusals"]:
        verdict = "REFUSED (RecordError, bad_record_mac)" if refused else "!! accepted"
        story.point(f"{what}: {verdict}")
    refkx_held = (ours["delivered"] == [KNOWN_MESSAGE, SECRET_MESSAGE]
                  and ours["H"] != ours["true_H"] and ours["inner_2"] != inner(SECRET_MESSAGE)
                  and all(refused for _, refused in ours["refusals"]))

    story.moral("A GCM nonce used twice gives away the XOR of the plaintexts and, from the",
                "two tags, the authentication key H: every later forgery is free. TLS 1.3",
                "builds each record's nonce from a counter both sides keep (RFC 8446 §5.3),",
                "so no two records of one key ever share a nonce.")
    return Outcome(weak_broken, refkx_held,
                   "recovered H and P2, forged record accepted",
                   "wrong H, forgery refused with bad_record_mac",
                   facts={"weak": weak, "refkx": ours})
