"""Lesson `padding-oracle`: Bleichenbacher's attack on RSA PKCS #1 v1.5 key transport.

The failure: a server that decrypts an RSA PKCS #1 v1.5 key transport (RFC 8017 §7.2) and
answers differently when the padding is wrong (here: a decrypt_error alert when EM does not
start 00 02, a bad_record_mac alert later otherwise). RSA is multiplicative: c * s^e
decrypts to m * s mod n, so each answer tells the attacker whether m * s mod n lies in
[2B, 3B) with B = 2^(8(k - 2)). Bleichenbacher ("Chosen ciphertext attacks against protocols
based on the RSA encryption standard PKCS #1", CRYPTO 1998, steps 1-4 below) narrows the
interval holding m with each "yes" until one value is left: the recorded key transport is
decrypted without the private key, with nothing but adaptive queries. (ROBOT, Böck, Somorovsky
and Young, USENIX Security 2018, found the same oracle in many TLS servers twenty years on.)

What the oracle costs depends on n against B: the first "yes" (step 2.a) takes about
n / B queries. For a modulus whose length is a multiple of 8 bits that is 2^15..2^16
queries; this lesson's default 514-bit modulus has a short top byte (n < 2^514 = 2^10 * B)
so that the whole attack takes seconds, not minutes, in pure Python. `--full` uses an
ordinary 1024-bit modulus.

refkx's answers: with PKCS1v15(implicit_rejection=True) (refkx/pkcs1.py,
rsaes_pkcs1_v1_5_decrypt, draft-irtf-cfrg-rsa-guidance §7) a bad padding yields a synthetic
message and the handshake fails later at the same place as every other failure; with OAEP
(RFC 8017 §7.1.2, every check evaluated before failing once) a modified ciphertext never
decodes. Either way the answer is the same for the queries the weak server answered "yes"
and "no": the oracle says nothing. (refkx.rsa itself refuses keys below 1024 bits; the
lesson hands the same small key's numbers to refkx.pkcs1 so that both halves see the very
same queries.)

The weak server exists only in this lesson; the key is generated from a fixed seed so
every run shows the same numbers. CPython integers are not constant-time: refkx teaches and
cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ...encoding import constant_time_equal, i2osp, os2ip
from ...errors import DecryptionError
from ...gcm import AESGCM, NONCE_SIZE
from ...hkdf import hkdf
from ...hmac import hmac
from ...pkcs1 import (rsaes_oaep_decrypt, rsaes_oaep_encrypt, rsaes_pkcs1_v1_5_decrypt,
                      rsaes_pkcs1_v1_5_encrypt)
from ...primes import generate_probable_prime_pair
from ...rsa_primitives import crt_exponentiation
from .narrate import Narrator, Outcome

NAME = "padding-oracle"
SUMMARY = "Bleichenbacher's attack on RSA PKCS#1 v1.5 key transport"

DEFAULT_BITS = 514
FULL_BITS = 1024
PUBLIC_EXPONENT = 65537
SEED = 1998                      # the key, the padding and the session secret
SECRET_SIZE = 16                 # the transported key
OAEP_HASH = "sha1"               # RFC 8017's default; SHA-256 would not fit a 514-bit key
SAMPLE = 12                      # "yes" and "no" queries replayed against refkx, of each
REFKX_BUDGET = 256               # queries the attack may spend on each refkx server
QUERY_BUDGET = 2_000_000         # bounds the attack loop whatever the oracle says
KEY_INFO = b"lesson key transport"
FINISHED_LABEL = b"client finished"
MESSAGE = b"card 4111 1111 1111 1111 exp 12/29"

ALERT_DECRYPT_ERROR = "decrypt_error"
ALERT_BAD_RECORD_MAC = "bad_record_mac"
OK = "ok"


@dataclass(frozen=True)
class TeachingKey:
    """An RSA private key's numbers (RFC 8017 §3.2), small enough for a lesson."""
    n: int
    e: int
    d: int
    p: int
    q: int
    dP: int
    dQ: int
    qInv: int

    @property
    def k(self) -> int:
        return (self.n.bit_length() + 7) // 8


def teaching_key(bits: int, rng: random.Random) -> TeachingKey:
    p, q = generate_probable_prime_pair(bits, PUBLIC_EXPONENT, rng.randbytes)
    d = pow(PUBLIC_EXPONENT, -1, math.lcm(p - 1, q - 1))
    return TeachingKey(p * q, PUBLIC_EXPONENT, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))


# --- the session being attacked -----------------------------------------------------------

def session_key(secret: bytes) -> bytes:
    return hkdf(secret, 16, info=KEY_INFO)


def client_finished(secret: bytes) -> bytes:
    return hmac(session_key(secret), FINISHED_LABEL)


def record_session(key: TeachingKey, secret: bytes, oaep: bool, rng: random.Random) -> dict:
    """What Eve records: the key transport C, the client's Finished MAC, one record."""
    if oaep:
        C = rsaes_oaep_encrypt(key, secret, hash_name=OAEP_HASH, rng=rng.randbytes)
    else:
        C = rsaes_pkcs1_v1_5_encrypt(key, secret, rng=rng.randbytes)
    nonce = bytes(NONCE_SIZE)
    record = AESGCM(session_key(secret)).encrypt(nonce, MESSAGE, b"")
    return {"C": C, "finished": client_finished(secret), "nonce": nonce, "record": record}


def _finish(secret: bytes, finished: bytes) -> str:
    if len(secret) == SECRET_SIZE and constant_time_equal(client_finished(secret), finished):
        return OK
    return ALERT_BAD_RECORD_MAC


class WeakServer:
    """Decrypts the key transport itself and sends decrypt_error as soon as EM does not
    start 00 02 (the weak variant: a padding check with its own answer)."""

    def __init__(self, key: TeachingKey) -> None:
        self.key = key
        self.queries = 0

    def handshake(self, C: bytes, finished: bytes) -> str:
        self.queries += 1
        key = self.key
        EM = i2osp(crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, os2ip(C)), key.k)
        if EM[:2] != b"\x00\x02":
            return ALERT_DECRYPT_ERROR
        separator = EM.find(b"\x00", 2)
        return _finish(EM[separator + 1:] if separator > 0 else b"", finished)


class RefkxImplicitRejectionServer(WeakServer):
    """refkx.pkcs1 RSAES-PKCS1-v1_5 with implicit rejection: never a padding error."""

    def handshake(self, C: bytes, finished: bytes) -> str:
        self.queries += 1
        try:
            secret = rsaes_pkcs1_v1_5_decrypt(self.key, C, implicit_rejection=True)
        except DecryptionError:           # only for a C of the wrong length or C >= n
            return ALERT_DECRYPT_ERROR
        return _finish(secret, finished)


class RefkxOAEPServer(WeakServer):
    """refkx.pkcs1 RSAES-OAEP; it even keeps a separate decrypt_error alert."""

    def handshake(self, C: bytes, finished: bytes) -> str:
        self.queries += 1
        try:
            secret = rsaes_oaep_decrypt(self.key, C, hash_name=OAEP_HASH)
        except DecryptionError:
            return ALERT_DECRYPT_ERROR
        return _finish(secret, finished)


# --- Bleichenbacher 1998 ------------------------------------------------------------------

class AttackFailed(Exception):
    """The attack got nowhere: the budget ran out, or the answers contradict each other."""


class QueryBudgetExhausted(AttackFailed):
    pass


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def bleichenbacher(n: int, e: int, c: int, oracle, budget: int = QUERY_BUDGET,
                   log: list | None = None) -> tuple[int, int, int]:
    """Recover m = c^d mod n from an oracle(c') -> bool that says whether c'^d mod n is
    PKCS conforming (starts 00 02). c itself must be conforming (a real key transport).

    Returns (m, queries, iterations). `log`, if a list, receives (s, answer) pairs."""
    k = (n.bit_length() + 7) // 8
    B = 2 ** (8 * (k - 2))
    queries = 0

    def conforming(s: int) -> bool:
        nonlocal queries
        if queries >= budget:
            raise QueryBudgetExhausted(f"no answer after {queries} queries")
        queries += 1
        answer = oracle(c * pow(s, e, n) % n)
        if log is not None:
            log.append((s, answer))
        return answer

    # Step 1 (blinding): c is already PKCS conforming, so s_0 = 1, c_0 = c, M_0 = {[2B, 3B - 1]}.
    M = [(2 * B, 3 * B - 1)]
    i = 1
    s = ceil_div(n, 3 * B)
    while True:
        if i == 1:
            # Step 2.a: the smallest s_1 >= n / (3B) such that c_0 * s_1^e is conforming.
            while not conforming(s):
                s += 1
        elif len(M) >= 2:
            # Step 2.b: the smallest s_i > s_(i-1) such that c_0 * s_i^e is conforming.
            s += 1
            while not conforming(s):
                s += 1
        else:
            # Step 2.c: one interval [a, b]: r_i >= 2 (b s_(i-1) - 2B) / n and
            # (2B + r_i n) / b <= s_i < (3B + r_i n) / a.
            a, b = M[0]
            r = ceil_div(2 * (b * s - 2 * B), n)
            found = False
            while not found:
                for candidate in range(ceil_div(2 * B + r * n, b), ceil_div(3 * B + r * n, a)):
                    if conforming(candidate):
                        s, found = candidate, True
                        break
                r += 1
        # Step 3: M_i = union over [a, b] in M_(i-1) and (a s_i - 3B + 1) / n <= r <=
        # (b s_i - 2B) / n of
        # [max(a, ceil((2B + r n) / s_i)), min(b, floor((3B - 1 + r n) / s_i))].
        narrowed = []
        for a, b in M:
            for r in range(ceil_div(a * s - 3 * B + 1, n), (b * s - 2 * B) // n + 1):
                low, high = max(a, ceil_div(2 * B + r * n, s)), min(b, (3 * B - 1 + r * n) // s)
                if low <= high:
                    narrowed.append((low, high))
        M = _union(narrowed)
        if not M:
            raise AttackFailed(f"no interval left after {queries} queries: the oracle's "
                               "answers contradict each other")
        # Step 4: one interval of length 1: m = a * s_0^-1 mod n = a (s_0 = 1).
        if len(M) == 1 and M[0][0] == M[0][1]:
            return M[0][0], queries, i
        i += 1


def transported_secret(EM: bytes) -> bytes:
    """M from EM = 00 02 || PS || 00 || M (RFC 8017 §7.2.2 step 3)."""
    return EM[EM.index(b"\x00", 2) + 1:]


# --- the two halves -----------------------------------------------------------------------

def against_weak(key: TeachingKey, rng: random.Random) -> dict:
    secret = rng.randbytes(SECRET_SIZE)
    recorded = record_session(key, secret, oaep=False, rng=rng)
    server = WeakServer(key)
    if server.handshake(recorded["C"], recorded["finished"]) != OK:     # the genuine client
        raise RuntimeError("the weak server refused a genuine client")
    log: list[tuple[int, bool]] = []

    def oracle(c: int) -> bool:
        return server.handshake(i2osp(c, key.k), recorded["finished"]) != ALERT_DECRYPT_ERROR

    m, queries, iterations = bleichenbacher(key.n, key.e, os2ip(recorded["C"]), oracle, log=log)
    found = transported_secret(i2osp(m, key.k))
    plaintext = AESGCM(session_key(found)).decrypt(recorded["nonce"], recorded["record"], b"")
    yes = [s for s, answer in log if answer]
    no = [s for s, answer in log if not answer]
    first_yes = next(number for number, (_, answer) in enumerate(log, start=1) if answer)
    return {"secret": secret, "recovered": found, "plaintext": plaintext, "queries": queries,
            "iterations": iterations, "yes": yes, "no": no, "recorded": recorded,
            "step_2a_queries": first_yes}


def attack_server(server, key: TeachingKey, recorded: dict, budget: int) -> dict:
    """Run the attack against `server` with its decrypt_error alert as the oracle."""
    def oracle(c: int) -> bool:
        return server.handshake(i2osp(c, key.k), recorded["finished"]) != ALERT_DECRYPT_ERROR

    try:
        m, queries, _ = bleichenbacher(key.n, key.e, os2ip(recorded["C"]), oracle, budget)
    except AttackFailed as exc:
        return {"recovered": None, "failure": str(exc)}
    EM = i2osp(m, key.k)
    found = transported_secret(EM) if EM[:2] == b"\x00\x02" and b"\x00" in EM[2:] else None
    return {"recovered": found, "failure": None, "queries": queries}


def replay_queries(server, C: bytes, finished: bytes, n: int, e: int,
                   s_values: list[int]) -> list[str]:
    """The server's answers to c * s^e for each s."""
    c = os2ip(C)
    return [server.handshake(i2osp(c * pow(s, e, n) % n, len(C)), finished) for s in s_values]


def against_refkx(key: TeachingKey, weak: dict, rng: random.Random) -> dict:
    """Replay SAMPLE of the weak run's "yes" queries and SAMPLE of its "no" queries."""
    recorded = weak["recorded"]
    ir_server = RefkxImplicitRejectionServer(key)
    genuine_ir = ir_server.handshake(recorded["C"], recorded["finished"])
    ir_yes = replay_queries(ir_server, recorded["C"], recorded["finished"], key.n, key.e,
                            weak["yes"][:SAMPLE])
    ir_no = replay_queries(ir_server, recorded["C"], recorded["finished"], key.n, key.e,
                           weak["no"][:SAMPLE])
    # OAEP: the same secret transported with OAEP; the attack's own first queries (step 2.a
    # starts at s = n / 3B), with the s for which m * s WOULD be 00 02 found by the narrator.
    oaep_recorded = record_session(key, weak["secret"], oaep=True, rng=rng)
    oaep_server = RefkxOAEPServer(key)
    genuine_oaep = oaep_server.handshake(oaep_recorded["C"], oaep_recorded["finished"])
    m = crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, os2ip(oaep_recorded["C"]))
    B = 2 ** (8 * (key.k - 2))
    s, would_yes, would_no = ceil_div(key.n, 3 * B), [], []
    while len(would_yes) < SAMPLE // 3 or len(would_no) < SAMPLE:
        (would_yes if 2 * B <= m * s % key.n < 3 * B else would_no).append(s)
        s += 1
    oaep_yes = replay_queries(oaep_server, oaep_recorded["C"], oaep_recorded["finished"],
                              key.n, key.e, would_yes[:SAMPLE // 3])
    oaep_no = replay_queries(oaep_server, oaep_recorded["C"], oaep_recorded["finished"],
                             key.n, key.e, would_no[:SAMPLE])
    return {"genuine_ir": genuine_ir, "ir_yes": ir_yes, "ir_no": ir_no,
            "genuine_oaep": genuine_oaep, "oaep_yes": oaep_yes, "oaep_no": oaep_no,
            "ir_attack": attack_server(RefkxImplicitRejectionServer(key), key, recorded,
                                       REFKX_BUDGET),
            "oaep_attack": attack_server(RefkxOAEPServer(key), key, oaep_recorded,
                                         REFKX_BUDGET)}


def _one_answer(answers: list[str]) -> str | None:
    """The single answer of a list, or None when the answers differ."""
    return answers[0] if answers and len(set(answers)) == 1 else None


def run(story: Narrator, full: bool = False) -> Outcome:
    bits = FULL_BITS if full else DEFAULT_BITS
    story.title("padding-oracle: Bleichenbacher 1998 against PKCS #1 v1.5 key transport")
    rng = random.Random(SEED)
    key = teaching_key(bits, rng)
    k, B = key.k, 2 ** (8 * (key.k - 2))
    story.step(f"The server's RSA key: a {bits}-bit modulus (k = {k} bytes)")
    story.value("n", f"0x{key.n:x}"[:40] + "...")
    story.value("B = 2^(8(k-2)); n / B is about", f"2^{math.log2(key.n / B):.1f} "
                "(the expected cost of the first 'yes')")
    if full:
        story.point("(--full: a whole-byte modulus; expect 10^4..10^5 queries, minutes)")

    story.part("The weak server: decrypt_error when EM does not start 00 02")
    weak = against_weak(key, rng)
    story.step("Eve records a session: the key transport C, the Finished MAC, a record")
    story.value("C = RSA(00 02 PS 00 secret)", weak["recorded"]["C"])
    story.value("application record", weak["recorded"]["record"])
    story.step("Eve sends c * s^e with the recorded Finished; the alert is her oracle")
    story.point("decrypt_error = 'no'; bad_record_mac = 'yes, m * s mod n starts 00 02'")
    story.point(f"first 'yes' at s_1 = {weak['yes'][0]} (step 2.a); {weak['iterations']} "
                f"iterations of steps 2-3")
    story.value("queries to the server", f"{weak['queries']} ({len(weak['yes'])} 'yes')")
    story.step("One interval of length 1 is left: m, and the transported secret in it")
    story.value("recovered secret", weak["recovered"])
    story.value("the client's real secret", weak["secret"])
    story.value("EVE DECRYPTS the record", weak["plaintext"].decode(errors="replace"))
    weak_broken = weak["recovered"] == weak["secret"] and weak["plaintext"] == MESSAGE

    story.part("refkx.pkcs1: implicit rejection, and OAEP")
    ours = against_refkx(key, weak, rng)
    story.step("PKCS #1 v1.5 with implicit rejection, the same key and recorded C")
    story.point(f"the genuine client: {ours['genuine_ir']}")
    story.point(f"{len(ours['ir_yes'])} queries the weak server answered 'yes': "
                f"{sorted(set(ours['ir_yes']))}")
    story.point(f"{len(ours['ir_no'])} queries it answered 'no':          "
                f"{sorted(set(ours['ir_no']))}")
    story.point("A bad padding gives a synthetic secret; the handshake fails at the Finished,")
    story.point("like any other failure: one answer whatever the padding, so no information.")
    story.point(f"Eve's attack against it: {ours['ir_attack']['failure'] or ours['ir_attack']}")
    story.step("RSAES-OAEP, the same key, the secret transported again")
    story.point(f"the genuine client: {ours['genuine_oaep']}")
    story.point(f"{len(ours['oaep_yes'])} queries where m * s mod n starts 00 02: "
                f"{sorted(set(ours['oaep_yes']))}")
    story.point(f"{len(ours['oaep_no'])} where it does not:               "
                f"{sorted(set(ours['oaep_no']))}")
    story.point("A modified OAEP ciphertext never decodes, so even a separate decrypt_error")
    story.point("alert says only 'modified', never '00 02'.")
    story.point(f"Eve's attack against it ({REFKX_BUDGET} queries; step 2.a took "
                f"{weak['step_2a_queries']} against the weak server): "
                f"{ours['oaep_attack']['failure'] or ours['oaep_attack']}")
    ir_answer = _one_answer(ours["ir_yes"] + ours["ir_no"])
    oaep_answer = _one_answer(ours["oaep_yes"] + ours["oaep_no"])
    refkx_held = (ours["genuine_ir"] == OK and ours["genuine_oaep"] == OK
                  and len(ours["ir_yes"]) > 0 and len(ours["oaep_yes"]) > 0
                  and ir_answer not in (None, OK) and oaep_answer not in (None, OK)
                  and ours["ir_attack"]["recovered"] != weak["secret"]
                  and ours["oaep_attack"]["recovered"] != weak["secret"])

    story.moral("A server that lets anyone see whether the PKCS #1 v1.5 padding was",
                "right decrypts any recorded key transport for them, one query at a time.",
                "Answer every failure the same way (implicit rejection), or use",
                "OAEP; TLS 1.3 removed RSA key transport altogether.")
    return Outcome(weak_broken, refkx_held,
                   f"secret decrypted with {weak['queries']} queries",
                   "one answer for 'yes' and 'no' queries alike (implicit rejection, OAEP)",
                   facts={"key": key, "weak": weak, "refkx": ours})
