"""Lesson `small-subgroup`: a static DH key read out residue by residue.

The failure combines three choices the guide warns about: faulty parameters (a group whose
p - 1 = 2 * q * f_1 * ... * f_k * r has small prime factors f_i besides the subgroup order
q, as in the DSA-style groups of RFC 5114), a reused static private key x, and a server
that does not check that the peer's value lies in the order-q subgroup. The attacker sends
h_i of small order f_i instead of a public key; the server's Z = h_i^x takes one of only
f_i values, and the server's reply (a MAC under a key derived from Z, like a Finished)
tells which: x mod f_i after at most f_i trial MACs. Once the f_i multiply past q, the
Chinese remainder theorem gives x. Lim and Lee, "A key recovery attack on discrete
log-based schemes using a prime order subgroup", CRYPTO 1997; in OpenSSL, CVE-2016-0701.

refkx.dh does NIST SP 800-56A Rev. 3 §5.6.2.3.1 full public-key validation (y^q = 1 mod p),
mandatory for every group that is not a safe-prime group (refkx/dh.py,
validate_public_value), so the first small-order element is refused with InvalidKey and
the reply carries nothing about x. refkx's named groups are safe primes (p - 1 = 2q), where
the only small subgroup is {1, p - 1}, which the range check refuses.

The weak group is built here, deterministically from a seed, and is used only by this
lesson. CPython integers are not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import math
import random

from ...dh import DHPrivateKey, DHPublicKey, FFDHE2048, generate_private_value
from ...dh_groups import DHGroup
from ...encoding import constant_time_equal, i2osp
from ...errors import InvalidKey
from ...hkdf import extract
from ...hmac import hmac
from ...primes import is_probable_prime
from .narrate import Narrator, Outcome

NAME = "small-subgroup"
SUMMARY = "a static DH key leaked residue by residue (Lim-Lee small-subgroup attack)"

# (bits of p, bits of q, smallest and largest small factor): default and --full.
DEFAULT_SIZES = (512, 160, 2 ** 9, 2 ** 11)
FULL_SIZES = (2048, 256, 2 ** 11, 2 ** 13)
GROUP_SEED = 1997                  # the group is public: any fixed seed reproduces it
FINISHED_LABEL = b"server finished"


# --- the weak parameters ------------------------------------------------------------------

def _random_prime(rng: random.Random, bits: int) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if is_probable_prime(candidate):
            return candidate


def weak_group(p_bits: int, q_bits: int, f_min: int, f_max: int,
               seed: int = GROUP_SEED) -> tuple[DHGroup, list[int]]:
    """A DH group with p = 2 * q * f_1 * ... * f_k * r + 1: q prime (the subgroup g
    generates), f_i distinct small primes whose product exceeds q, r a filler.

    Returns (group, [f_1, ..., f_k]). Deterministic for a given seed."""
    rng = random.Random(seed)
    q = _random_prime(rng, q_bits)
    small = [f for f in range(f_min | 1, f_max, 2) if is_probable_prime(f)]
    rng.shuffle(small)
    factors: list[int] = []
    while math.prod(factors) <= q:           # enough residues to pin x < q down by CRT
        factors.append(small.pop())
    factors.sort()
    core = 2 * q * math.prod(factors)
    filler_bits = p_bits - core.bit_length()
    while True:
        r = rng.getrandbits(filler_bits) | (1 << (filler_bits - 1))
        p = core * r + 1
        if p.bit_length() == p_bits and is_probable_prime(p):
            break
    h = 2
    while pow(h, (p - 1) // q, p) == 1:
        h += 1
    g = pow(h, (p - 1) // q, p)              # an element of order q
    return DHGroup(f"lesson-weak-{p_bits}", p, g, q), factors


def element_of_order(group: DHGroup, f: int) -> int:
    """An element h with h^f = 1 and h != 1 (f prime, f | p - 1): t^((p-1)/f) for t = 2, 3..."""
    for t in range(2, group.p):
        h = pow(t, (group.p - 1) // f, group.p)
        if h != 1:
            return h
    raise ValueError(f"{f} does not divide p - 1")


# --- the servers --------------------------------------------------------------------------

def finished_tag(group: DHGroup, Z: int) -> bytes:
    """The server's reply: HMAC(HKDF-Extract(0, Z), "server finished")."""
    key = extract(b"", i2osp(Z, group.byte_length))
    return hmac(key, FINISHED_LABEL)


class WeakStaticServer:
    """Reuses one static x for every client and checks only 1 < y < p - 1 (the range
    check), not y^q = 1: the weak variant."""

    def __init__(self, group: DHGroup, x: int) -> None:
        self.group, self._x = group, x
        self.public_value = pow(group.g, x, group.p)
        self.queries = 0

    def handshake(self, client_y: int) -> bytes:
        self.queries += 1
        if not 1 < client_y < self.group.p - 1:
            raise InvalidKey("invalid DH public value")
        return finished_tag(self.group, pow(client_y, self._x, self.group.p))


class RefkxStaticServer(WeakStaticServer):
    """The same static key, through refkx.dh: DHPublicKey validates (SP 800-56A
    §5.6.2.3.1), DHPrivateKey.exchange computes Z."""

    def __init__(self, group: DHGroup, x: int) -> None:
        super().__init__(group, x)
        self._key = DHPrivateKey(group, x)

    def handshake(self, client_y: int) -> bytes:
        self.queries += 1
        peer = DHPublicKey(self.group, client_y)          # InvalidKey for a small-order h
        Z = int.from_bytes(self._key.exchange(peer), "big")
        return finished_tag(self.group, Z)


# --- the attack ---------------------------------------------------------------------------

def residue(group: DHGroup, h: int, f: int, tag: bytes) -> int | None:
    """x mod f from the server's tag for h of order f: try Z = h^j for j = 0 .. f - 1."""
    Z = 1
    for j in range(f):
        if constant_time_equal(finished_tag(group, Z), tag):
            return j
        Z = Z * h % group.p
    return None


def crt(residues: list[tuple[int, int]]) -> tuple[int, int]:
    """(x, M) with x = r_i mod m_i for pairwise coprime m_i, M = prod m_i."""
    x, M = 0, 1
    for r, m in residues:
        # x' = x + M * t with x + M * t = r (mod m): t = (r - x) / M mod m.
        t = (r - x) * pow(M, -1, m) % m
        x, M = x + M * t, M * m
    return x, M


def attack(server, group: DHGroup, factors: list[int], story: Narrator | None = None) -> dict:
    """Send one small-order element per factor; stop at the first refusal."""
    learned: list[tuple[int, int]] = []
    refusal = None
    for f in factors:
        h = element_of_order(group, f)
        try:
            tag = server.handshake(h)
        except InvalidKey as exc:
            refusal = (f, h, exc)
            if story:
                story.point(f"h of order {f}: REFUSED ({type(exc).__name__}: {exc})")
            break
        r = residue(group, h, f, tag)
        if r is None:
            break
        learned.append((r, f))
        if story:
            story.point(f"h of order {f:>5}: tag {tag[:6].hex()}..  ->  x = {r:>5} mod {f}")
    x, M = crt(learned)
    recovered = x if M > group.q and pow(group.g, x, group.p) == server.public_value else None
    return {"residues": learned, "recovered_x": recovered, "modulus": M,
            "queries": server.queries, "refusal": refusal}


def run(story: Narrator, full: bool = False) -> Outcome:
    p_bits, q_bits, f_min, f_max = FULL_SIZES if full else DEFAULT_SIZES
    story.title("small-subgroup: a static DH key, one residue per handshake")
    story.step(f"The server's group: p of {p_bits} bits with many small factors in p - 1")
    group, factors = weak_group(p_bits, q_bits, f_min, f_max)
    story.value("p", f"0x{group.p:x}"[:40] + "...")
    story.value("q (order of g)", f"{q_bits}-bit prime 0x{group.q:x}"[:60])
    story.value(f"{len(factors)} small primes f_i | p - 1", ", ".join(map(str, factors)))
    story.point(f"prod f_i has {math.prod(factors).bit_length()} bits > {q_bits}: enough "
                "residues to pin x down.")
    x = generate_private_value(group)            # the server's static key, x < q
    weak = WeakStaticServer(group, x)
    story.value("the server's static public g^x", f"0x{weak.public_value:x}"[:40] + "...")

    story.part("The weak server: range check only, the same x for every client")
    story.step("Mallory sends an element of order f_i as her 'public key', reads the tag")
    found = attack(weak, group, factors, story)
    story.step("Chinese remainder theorem over the residues")
    if found["recovered_x"] is not None:
        story.value("recovered x", f"0x{found['recovered_x']:x}")
    story.value("the server's real x", f"0x{x:x}")
    story.point(f"{found['queries']} handshakes and at most {sum(factors)} trial MACs offline.")
    weak_broken = found["recovered_x"] == x

    story.part("refkx.dh: SP 800-56A §5.6.2.3.1 full validation (y^q = 1 mod p)")
    ours_server = RefkxStaticServer(group, x)
    story.step("The same group, the same static x, the same attack")
    ours = attack(ours_server, group, factors, story)
    story.point(f"residues learned: {len(ours['residues'])}; the alert is the same for every "
                "x, so it says nothing.")
    story.step("And refkx's named groups are safe primes: p - 1 = 2q")
    try:
        DHPublicKey(FFDHE2048, FFDHE2048.p - 1)           # the only element of order 2
        safe_refused = False
        story.point("!! ffdhe2048 accepted p - 1")
    except InvalidKey:
        safe_refused = True
        story.point("ffdhe2048's only small-order element besides 1 is p - 1 (order 2): "
                    "refused by the range check.")
    refkx_held = (ours["refusal"] is not None and not ours["residues"]
                  and ours["recovered_x"] is None and ours["queries"] == 1 and safe_refused)

    story.moral("A static key in a group with small subgroups leaks one residue per",
                "handshake when peer values are not checked. Validate y^q = 1 (SP 800-56A),",
                "use safe-prime groups (RFC 7919), and prefer ephemeral keys.")
    return Outcome(weak_broken, refkx_held,
                   f"x recovered from {found['queries']} handshakes",
                   "first small-order value refused (InvalidKey), nothing learned",
                   facts={"x": x, "group": group, "factors": factors, "weak": found,
                          "refkx": ours, "safe_refused": safe_refused})
