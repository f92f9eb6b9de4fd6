"""The standard finite-field Diffie–Hellman groups.

* RFC 3526 (May 2003) §2–§7: the MODP groups of 1536–8192 bits ("IKE groups" 5, 14–18).
  p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + k ), g = 2.
* RFC 7919 (August 2016) Appendix A.1–A.5: the FFDHE groups of 2048–8192 bits for TLS.
  p = 2^b - 2^(b-64) + ( [2^(b-130) e] + X ) * 2^64 - 1, g = 2.
* RFC 5114 (January 2008) §2.1–§2.3: three MODP groups with a small prime-order
  subgroup (160, 224 and 256 bits), taken from NIST; here q is part of the group.

The RFC 3526 and RFC 7919 primes are safe primes: q = (p - 1) / 2 is prime and g = 2
generates the subgroup of order q (the quadratic residues mod p). Their top and bottom 64
bits are all ones; the bits in between come from pi or e ("nothing up my sleeve").
This module computes them that way: the binary digits of pi (Machin's formula) and e
(the series sum 1/k!) with integer arithmetic, once, then each prime by its RFC's
formula with the RFC's k or X. The published hexadecimal tables are test data
(vectors/dh/rfc3526.txt, vectors/dh/rfc7919-appendix-a.txt): `python -m refkx vectors`
compares every derived prime with them, and tests/test_dh_groups.py checks that p and q
are probable primes and g^q = 1 (mod p). The RFC 5114 parameters have no such formula
(NIST generated them); their tables are below as the RFC prints them.

Private-exponent sizes (`DHGroup.exponent_bits`, the N of SP 800-56A Rev. 3 §5.6.1.1.4)
-------------------------------------------------------------------------------------
SP 800-56A Rev. 3 §5.6.1.1.1 asks for an exponent of at least twice the security
strength s of the group (Appendix D lists s for the approved safe-prime groups);
RFC 7919 §5.2 and Appendix A give a slightly larger "at least" size per group; RFC 3526
§1 asks for "double the entropy of the strength". We take the larger of 2s and the
RFC 7919 figure, for the MODP and FFDHE groups of the same size alike:

    modulus   s (SP 800-56A App. D)   2s    RFC 7919 App. A   N (exponent_bits)
    1536      90 (RFC 3526 §8, est. 1)*  180   -                 240 (RFC 3526 §8, est. 2)
    2048      112                     224   225               225
    3072      128                     256   275               275
    4096      152                     304   325               325
    6144      176                     352   375               375
    8192      200                     400   400               400

  * MODP1536 is not an approved group in SP 800-56A; RFC 3526 §8 estimates 90–120 bits
    and an exponent of 180–240 bits, and we take the upper exponent.

For the RFC 5114 groups q is short, so the exponent is drawn from the whole of
[1, q - 1] (SP 800-56A §5.6.1.1.1): N = len(q) = 160, 224 and 256 bits.

Variable names follow the documents (p, g, q, x, y). CPython integers are not
constant-time: this module teaches and cross-checks; it does not protect production
secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

from .encoding import require_int


@dataclass(frozen=True, repr=False)
class DHGroup:
    """Finite-field Diffie–Hellman domain parameters (p, g, q) with a name.

    name: lower-case identifier ("ffdhe2048"). p: the prime modulus. g: the generator.
    q: the prime order of the subgroup g generates; (p - 1) / 2 for a safe-prime group.
    security_strength: bits of security the group gives (0 when unknown).
    exponent_bits: default bit length N of private exponents (SP 800-56A §5.6.1.1.4);
    0 means the full range [1, q - 1], i.e. len(q).

    Construction checks only cheap structure (q divides p - 1, 1 < g < p - 1): an
    8192-bit g^q takes seconds in CPython. Primality of p and q and g^q = 1 (mod p)
    (SP 800-56A Rev. 3 §5.5.2, domain-parameter validity) are the caller's business;
    for the named groups tests/test_dh_groups.py proves them.
    """

    name: str
    p: int
    g: int
    q: int
    security_strength: int = 0
    exponent_bits: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, not {type(self.name).__name__}")
        for field_name in ("p", "g", "q", "security_strength", "exponent_bits"):
            require_int(field_name, getattr(self, field_name))
        p, g, q = self.p, self.g, self.q
        if p < 5 or p % 2 == 0:
            raise ValueError("p must be an odd prime greater than 3")
        if not 1 < q < p or (p - 1) % q != 0:
            raise ValueError("q must be a divisor of p - 1 with 1 < q < p")
        if not 1 < g < p - 1:
            raise ValueError("g must satisfy 1 < g < p - 1")
        if self.security_strength < 0:
            raise ValueError("security_strength must be >= 0")
        if self.exponent_bits == 0:
            object.__setattr__(self, "exponent_bits", q.bit_length())
        if not self.min_exponent_bits <= self.exponent_bits <= q.bit_length():
            raise ValueError(f"exponent_bits must be in [{self.min_exponent_bits}, "
                             f"{q.bit_length()}] for this group")

    @property
    def bit_length(self) -> int:
        """len(p), the size of the modulus in bits."""
        return self.p.bit_length()

    @property
    def byte_length(self) -> int:
        """The length in bytes of p, and so of every public value and shared secret Z
        (left-padded: SP 800-56A §5.7.1.1, RFC 8446 §7.4.1)."""
        return (self.p.bit_length() + 7) // 8

    @property
    def is_safe_prime(self) -> bool:
        """True when q = (p - 1) / 2 (RFC 3526 and RFC 7919 groups)."""
        return self.p == 2 * self.q + 1

    @property
    def min_exponent_bits(self) -> int:
        """The smallest exponent size we accept: 2s (SP 800-56A §5.6.1.1.1), at least 2."""
        return max(2 * self.security_strength, 2)

    def __repr__(self) -> str:
        return (f"DHGroup({self.name!r}, {self.bit_length}-bit p, g={self.g if self.g < 2**16 else '...'}, "
                f"{self.q.bit_length()}-bit q, exponent_bits={self.exponent_bits})")


def _from_hex(table: str) -> int:
    """The integer of an RFC hexadecimal table (groups of digits separated by spaces)."""
    return int("".join(table.split()), 16)


# (security strength s, exponent bits N) per modulus size; see the table above.
_SAFE_PRIME_SIZES = {
    1536: (90, 240),
    2048: (112, 225),
    3072: (128, 275),
    4096: (152, 325),
    6144: (176, 375),
    8192: (200, 400),
}


def _safe_prime_group(name: str, p: int) -> DHGroup:
    strength, exponent_bits = _SAFE_PRIME_SIZES[p.bit_length()]
    # RFC 3526 §2–§7 / RFC 7919 App. A: g = 2, q = (p - 1) / 2.
    return DHGroup(name, p, 2, (p - 1) // 2, strength, exponent_bits)


# --- the digits of pi and e, computed with integer arithmetic only ---
#
# Both RFCs take the bits between the leading and trailing 64 one-bits from a constant:
# [2^m pi] for RFC 3526 and [2^m e] for RFC 7919 ([x] is the floor). A fixed-point number
# with ONE = 2^(m + GUARD_BITS) stands for the real number value / ONE; every series term is
# truncated, so the sum is short of the true value by at most one unit per term, far less
# than the GUARD_BITS extra bits. The digits are computed once, for the largest group, and
# shifted down for the others: [2^m x] = [2^M x] >> (M - m) for m <= M.

GUARD_BITS = 64
_LARGEST_MODULUS = 8192
_DIGIT_BITS = _LARGEST_MODULUS - 130     # m = n - 130 for the 8192-bit groups


def _arctan_inverse(x: int, one: int) -> int:
    """arctan(1/x) * one, by the series sum_k (-1)^k / ((2k + 1) x^(2k+1))."""
    total = 0
    power = one // x                     # one / x^(2k+1)
    x_squared = x * x
    k = 0
    while power:
        term = power // (2 * k + 1)
        total += -term if k % 2 else term
        power //= x_squared
        k += 1
    return total


_digits_cache: dict[str, int] = {}


def _pi_digits() -> int:
    """[2^_DIGIT_BITS * pi], by Machin's formula pi = 16 arctan(1/5) - 4 arctan(1/239)."""
    if "pi" not in _digits_cache:
        one = 1 << (_DIGIT_BITS + GUARD_BITS)
        pi = 16 * _arctan_inverse(5, one) - 4 * _arctan_inverse(239, one)
        _digits_cache["pi"] = pi >> GUARD_BITS
    return _digits_cache["pi"]


def _e_digits() -> int:
    """[2^_DIGIT_BITS * e], by the series e = sum_k 1/k!."""
    if "e" not in _digits_cache:
        one = 1 << (_DIGIT_BITS + GUARD_BITS)
        total, term, k = 0, one, 0
        while term:
            total += term                # term = one / k!
            k += 1
            term //= k
        _digits_cache["e"] = total >> GUARD_BITS
    return _digits_cache["e"]


def floor_pi_times_2_to(m: int) -> int:
    """[2^m pi] for 0 <= m <= 8062, e.g. [2^62 pi] = 0xC90FDAA22168C234."""
    if not 0 <= m <= _DIGIT_BITS:
        raise ValueError(f"m must be in [0, {_DIGIT_BITS}]")
    return _pi_digits() >> (_DIGIT_BITS - m)


def floor_e_times_2_to(m: int) -> int:
    """[2^m e] for 0 <= m <= 8062, e.g. [2^62 e] = 0xADF85458A2BB4A9A."""
    if not 0 <= m <= _DIGIT_BITS:
        raise ValueError(f"m must be in [0, {_DIGIT_BITS}]")
    return _e_digits() >> (_DIGIT_BITS - m)


# --- RFC 3526 §2–§7 and RFC 7919 Appendix A: the primes from their formulas ---

# RFC 3526: p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + k ), with k from each section.
RFC3526_K = {1536: 741804, 2048: 124476, 3072: 1690314, 4096: 240904, 6144: 929484,
             8192: 4743158}
# RFC 7919: p = 2^b - 2^(b-64) + ( [2^(b-130) e] + X ) * 2^64 - 1, with X from Appendix A.
RFC7919_X = {2048: 560316, 3072: 2625351, 4096: 5736041, 6144: 15705020, 8192: 10965728}


def rfc3526_prime(n: int) -> int:
    """The n-bit MODP prime of RFC 3526 (n = 1536, 2048, 3072, 4096, 6144 or 8192)."""
    return 2**n - 2**(n - 64) - 1 + 2**64 * (floor_pi_times_2_to(n - 130) + RFC3526_K[n])


def rfc7919_prime(b: int) -> int:
    """The b-bit FFDHE prime of RFC 7919 Appendix A (b = 2048, 3072, 4096, 6144 or 8192)."""
    return 2**b - 2**(b - 64) + (floor_e_times_2_to(b - 130) + RFC7919_X[b]) * 2**64 - 1


# --- RFC 5114 §2.1–§2.3 (p, g and the subgroup order q) ---

_RFC5114_1024_160_P = """
    B10B8F96 A080E01D DE92DE5E AE5D54EC 52C99FBC FB06A3C6
    9A6A9DCA 52D23B61 6073E286 75A23D18 9838EF1E 2EE652C0
    13ECB4AE A9061123 24975C3C D49B83BF ACCBDD7D 90C4BD70
    98488E9C 219A7372 4EFFD6FA E5644738 FAA31A4F F55BCCC0
    A151AF5F 0DC8B4BD 45BF37DF 365C1A65 E68CFDA7 6D4DA708
    DF1FB2BC 2E4A4371
"""

_RFC5114_1024_160_G = """
    A4D1CBD5 C3FD3412 6765A442 EFB99905 F8104DD2 58AC507F
    D6406CFF 14266D31 266FEA1E 5C41564B 777E690F 5504F213
    160217B4 B01B886A 5E91547F 9E2749F4 D7FBD7D3 B9A92EE1
    909D0D22 63F80A76 A6A24C08 7A091F53 1DBF0A01 69B6A28A
    D662A4D1 8E73AFA3 2D779D59 18D08BC8 858F4DCE F97C2A24
    855E6EEB 22B3B2E5
"""

_RFC5114_1024_160_Q = """
    F518AA87 81A8DF27 8ABA4E7D 64B7CB9D 49462353
"""

_RFC5114_2048_224_P = """
    AD107E1E 9123A9D0 D660FAA7 9559C51F A20D64E5 683B9FD1
    B54B1597 B61D0A75 E6FA141D F95A56DB AF9A3C40 7BA1DF15
    EB3D688A 309C180E 1DE6B85A 1274A0A6 6D3F8152 AD6AC212
    9037C9ED EFDA4DF8 D91E8FEF 55B7394B 7AD5B7D0 B6C12207
    C9F98D11 ED34DBF6 C6BA0B2C 8BBC27BE 6A00E0A0 B9C49708
    B3BF8A31 70918836 81286130 BC8985DB 1602E714 415D9330
    278273C7 DE31EFDC 7310F712 1FD5A074 15987D9A DC0A486D
    CDF93ACC 44328387 315D75E1 98C641A4 80CD86A1 B9E587E8
    BE60E69C C928B2B9 C52172E4 13042E9B 23F10B0E 16E79763
    C9B53DCF 4BA80A29 E3FB73C1 6B8E75B9 7EF363E2 FFA31F71
    CF9DE538 4E71B81C 0AC4DFFE 0C10E64F
"""

_RFC5114_2048_224_G = """
    AC4032EF 4F2D9AE3 9DF30B5C 8FFDAC50 6CDEBE7B 89998CAF
    74866A08 CFE4FFE3 A6824A4E 10B9A6F0 DD921F01 A70C4AFA
    AB739D77 00C29F52 C57DB17C 620A8652 BE5E9001 A8D66AD7
    C1766910 1999024A F4D02727 5AC1348B B8A762D0 521BC98A
    E2471504 22EA1ED4 09939D54 DA7460CD B5F6C6B2 50717CBE
    F180EB34 118E98D1 19529A45 D6F83456 6E3025E3 16A330EF
    BB77A86F 0C1AB15B 051AE3D4 28C8F8AC B70A8137 150B8EEB
    10E183ED D19963DD D9E263E4 770589EF 6AA21E7F 5F2FF381
    B539CCE3 409D13CD 566AFBB4 8D6C0191 81E1BCFE 94B30269
    EDFE72FE 9B6AA4BD 7B5A0F1C 71CFFF4C 19C418E1 F6EC0179
    81BC087F 2A7065B3 84B890D3 191F2BFA
"""

_RFC5114_2048_224_Q = """
    801C0D34 C58D93FE 99717710 1F80535A 4738CEBC BF389A99
    B36371EB
"""

_RFC5114_2048_256_P = """
    87A8E61D B4B6663C FFBBD19C 65195999 8CEEF608 660DD0F2
    5D2CEED4 435E3B00 E00DF8F1 D61957D4 FAF7DF45 61B2AA30
    16C3D911 34096FAA 3BF4296D 830E9A7C 209E0C64 97517ABD
    5A8A9D30 6BCF67ED 91F9E672 5B4758C0 22E0B1EF 4275BF7B
    6C5BFC11 D45F9088 B941F54E B1E59BB8 BC39A0BF 12307F5C
    4FDB70C5 81B23F76 B63ACAE1 CAA6B790 2D525267 35488A0E
    F13C6D9A 51BFA4AB 3AD83477 96524D8E F6A167B5 A41825D9
    67E144E5 14056425 1CCACB83 E6B486F6 B3CA3F79 71506026
    C0B857F6 89962856 DED4010A BD0BE621 C3A3960A 54E710C3
    75F26375 D7014103 A4B54330 C198AF12 6116D227 6E11715F
    693877FA D7EF09CA DB094AE9 1E1A1597
"""

_RFC5114_2048_256_G = """
    3FB32C9B 73134D0B 2E775066 60EDBD48 4CA7B18F 21EF2054
    07F4793A 1A0BA125 10DBC150 77BE463F FF4FED4A AC0BB555
    BE3A6C1B 0C6B47B1 BC3773BF 7E8C6F62 901228F8 C28CBB18
    A55AE313 41000A65 0196F931 C77A57F2 DDF463E5 E9EC144B
    777DE62A AAB8A862 8AC376D2 82D6ED38 64E67982 428EBC83
    1D14348F 6F2F9193 B5045AF2 767164E1 DFC967C1 FB3F2E55
    A4BD1BFF E83B9C80 D052B985 D182EA0A DB2A3B73 13D3FE14
    C8484B1E 052588B9 B7D2BBD2 DF016199 ECD06E15 57CD0915
    B3353BBB 64E0EC37 7FD02837 0DF92B52 C7891428 CDC67EB6
    184B523D 1DB246C3 2F630784 90F00EF8 D647D148 D4795451
    5E2327CF EF98C582 664B4C0F 6CC41659
"""

_RFC5114_2048_256_Q = """
    8CF83642 A709A097 B4479976 40129DA2 99B1A47D 1EB3750B
    A308B0FE 64F5FBD3
"""


MODP1536 = _safe_prime_group("modp1536", rfc3526_prime(1536))   # RFC 3526 §2 (group 5)
MODP2048 = _safe_prime_group("modp2048", rfc3526_prime(2048))   # RFC 3526 §3 (group 14)
MODP3072 = _safe_prime_group("modp3072", rfc3526_prime(3072))   # RFC 3526 §4 (group 15)
MODP4096 = _safe_prime_group("modp4096", rfc3526_prime(4096))   # RFC 3526 §5 (group 16)
MODP6144 = _safe_prime_group("modp6144", rfc3526_prime(6144))   # RFC 3526 §6 (group 17)
MODP8192 = _safe_prime_group("modp8192", rfc3526_prime(8192))   # RFC 3526 §7 (group 18)

FFDHE2048 = _safe_prime_group("ffdhe2048", rfc7919_prime(2048))  # RFC 7919 App. A.1
FFDHE3072 = _safe_prime_group("ffdhe3072", rfc7919_prime(3072))  # RFC 7919 App. A.2
FFDHE4096 = _safe_prime_group("ffdhe4096", rfc7919_prime(4096))  # RFC 7919 App. A.3
FFDHE6144 = _safe_prime_group("ffdhe6144", rfc7919_prime(6144))  # RFC 7919 App. A.4
FFDHE8192 = _safe_prime_group("ffdhe8192", rfc7919_prime(8192))  # RFC 7919 App. A.5

# RFC 5114 §2.1–§2.3; s from SP 800-57 Part 1 Table 2 (1024/160: 80, 2048/224 and 2048/256: 112).
# exponent_bits 0 = the whole range [1, q - 1].
RFC5114_1024_160 = DHGroup("rfc5114_1024_160", _from_hex(_RFC5114_1024_160_P),
                           _from_hex(_RFC5114_1024_160_G), _from_hex(_RFC5114_1024_160_Q), 80)
RFC5114_2048_224 = DHGroup("rfc5114_2048_224", _from_hex(_RFC5114_2048_224_P),
                           _from_hex(_RFC5114_2048_224_G), _from_hex(_RFC5114_2048_224_Q), 112)
RFC5114_2048_256 = DHGroup("rfc5114_2048_256", _from_hex(_RFC5114_2048_256_P),
                           _from_hex(_RFC5114_2048_256_G), _from_hex(_RFC5114_2048_256_Q), 112)

GROUPS: dict[str, DHGroup] = {
    group.name: group
    for group in (FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192,
                  MODP1536, MODP2048, MODP3072, MODP4096, MODP6144, MODP8192,
                  RFC5114_1024_160, RFC5114_2048_224, RFC5114_2048_256)
}
